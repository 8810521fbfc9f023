"""Check a whole model against AWS's rules before anything is written or applied: the fold of the
deployment's base rules (``model.rules``) and every feature's (its slice's ``problems``).

Every check returns problems instead of raising, so one run reports all of them, each naming the
field path and the bad value (``shop.orders.function.memory_mb: must be between 128 and 10240,
got: 64``). ``validate_stacks`` raises ``InvalidInput`` once at the end when any were found.
Each problem's location is a ``Field``; its text comes from ``core.messages.model``.
Pure Python: importing this module never loads cdktf.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.errors import Field, InvalidInput, Problem
from ..core.messages import model as msg
from ..core.values import is_one_of
from ..model import aws_limits as aws
from ..model.rules import STACK_NAME, deployment_base_problems
from ..model.rules_backend import backend_problems
from ..model.rules_function_options import tag_problems
from ..model.stack import Deployment, Stack
from . import DOORS, FEATURES, door_for, parts_of
from .addresses import every_address
from .slice import Context


def validate_stacks(stacks: Any, base_dir: Path | None) -> None:
    """Raise ``InvalidInput`` listing every problem in ``STACKS``; return quietly when valid.
    ``base_dir`` None: the functions' source folders are not read (``model.rules``)."""
    # Reported in the order the stack file declares things, so the list reads top to bottom.
    problems = list(_stack_list_problems(stacks, base_dir))
    if problems:
        raise InvalidInput(problems)


def validate_deployment(name_prefix: Any, deployment: Any, base_dir: Path) -> None:
    """Raise ``InvalidInput`` listing every problem of one deployment (for library users)."""
    problems = []
    if not isinstance(name_prefix, str) or not STACK_NAME.fullmatch(name_prefix):
        problems.append(Problem(Field("name_prefix"), msg.must_be_a_stack_name(name_prefix)))
    if not isinstance(deployment, Deployment):
        problems.append(Problem(Field("deployment"), msg.must_be_a_deployment(deployment)))
    else:
        at = f"{name_prefix}.{_label(deployment.name, 'deployment')}"
        problems += _deployment_problems(name_prefix, deployment, at, base_dir)
    if problems:
        raise InvalidInput(problems)


def _label(name: Any, position: str) -> str:
    return name if isinstance(name, str) and name else position


def _stack_list_problems(stacks: Any, base_dir: Path | None) -> Iterator[Problem]:
    if not isinstance(stacks, (list, tuple)) or not stacks:
        yield Problem(Field("STACKS"), msg.must_be_a_non_empty_list_of_stacks(stacks))
        return
    seen: list[Any] = []
    for index, stack in enumerate(stacks):
        if not isinstance(stack, Stack):
            yield Problem(Field(f"STACKS[{index}]"), msg.must_be_a_stack(stack))
            continue
        where = _label(stack.name, f"STACKS[{index}]")
        if stack.name in seen:
            yield Problem(Field(f"{where}.name"), msg.stack_name_must_be_unique(stack.name))
        seen.append(stack.name)
        yield from _stack_problems(stack, where, base_dir)


def _stack_problems(stack: Stack, where: str, base_dir: Path | None) -> Iterator[Problem]:
    if not isinstance(stack.name, str) or not STACK_NAME.fullmatch(stack.name):
        yield Problem(Field(f"{where}.name"), msg.must_be_a_stack_name(stack.name))
    if not is_one_of(stack.region, aws.AWS_REGIONS):
        yield Problem(Field(f"{where}.region"), msg.must_be_an_aws_region(stack.region))
    yield from backend_problems(stack.backend, where)
    yield from tag_problems(stack.tags, f"{where}.tags")
    if not isinstance(stack.deployments, tuple):
        yield Problem(Field(f"{where}.deployments"), msg.must_be_a_list_of_deployments(stack.deployments))
        return
    if not stack.deployments:
        yield Problem(Field(f"{where}.deployments"), msg.MUST_HOLD_A_DEPLOYMENT)
    seen: list[Any] = []
    valid: list[tuple[Deployment, str]] = []
    for index, deployment in enumerate(stack.deployments):
        if not isinstance(deployment, Deployment):
            yield Problem(Field(f"{where}.deployments[{index}]"), msg.must_be_a_deployment(deployment))
            continue
        at = f"{where}.{_label(deployment.name, f'deployments[{index}]')}"
        if deployment.name in seen:
            yield Problem(Field(f"{at}.name"), msg.deployment_name_must_be_unique(deployment.name))
        seen.append(deployment.name)
        found = list(_deployment_problems(stack.name, deployment, at, base_dir, stack.region))
        yield from found
        if not found:
            valid.append((deployment, at))
    yield from _address_clashes(valid)
    for feature in FEATURES:  # what a feature's parts across the stack must agree on
        stack_problems = getattr(feature, "stack_problems", None)
        if stack_problems is not None:
            yield from stack_problems(stack.region, valid)


def _deployment_problems(name_prefix: Any, deployment: Deployment, at: str, base_dir: Path | None,
                         region: Any = None) -> Iterator[Problem]:
    yield from deployment_base_problems(name_prefix, deployment, at, base_dir)
    door_problems = list(_door_problems(deployment, at))
    yield from door_problems
    context, found = Context(name_prefix, region), bool(door_problems)
    for feature, part in parts_of(deployment):
        problems = list(feature.problems(part, at, context))
        found = found or bool(problems)
        yield from problems
    if not found:  # a feature's own addresses may clash too (two API keys named alike)
        yield from _address_clashes([(deployment, at)])


def _door_problems(deployment: Deployment, at: str) -> Iterator[Problem]:
    """``Deployment.api``: one door or a list of them, at most one of each kind."""
    api, kinds = deployment.api, [door.declarations[0].__name__ for door in DOORS]
    if api is None:
        return
    if isinstance(api, (list, tuple)) and not api:
        yield Problem(Field(f"{at}.api"), msg.MUST_HOLD_A_DOOR)
        return
    doors: list[tuple[int | None, Any]] = list(enumerate(api)) if isinstance(api, (list, tuple)) else [(None, api)]
    first: dict[Any, str] = {}
    for index, door in doors:
        where = f"{at}.api" if index is None else f"{at}.api[{index}]"
        feature = door_for(door)
        if feature is None:
            yield Problem(Field(where), msg.must_be_a_door_or_none(kinds, door))
        elif feature in first:
            yield Problem(Field(where), msg.door_must_be_unique(type(door).__name__, first[feature]))
        else:
            first[feature] = where


def _address_clashes(deployments: list[tuple[Deployment, str]]) -> Iterator[Problem]:
    # Two things on one Terraform address would make one silently replace the other (or crash
    # cdktf), e.g. deployment a with alias b_c and deployment a_b with alias c.
    taken: dict[str, tuple[tuple, str]] = {}
    for deployment, at in deployments:
        for item in every_address(deployment):
            where = f"{at}.{item.field}"
            source, other = taken.setdefault(item.address, (item.source, where))
            if source != item.source:
                yield Problem(Field(where), msg.must_not_share_a_terraform_address(
                    item.address, other, _field_value(deployment, item.field)))
                break


def _field_value(deployment: Deployment, field: str) -> Any:
    value: Any = deployment
    for part in re.findall(r"[a-z_]+|\[\d+\]", field):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value
