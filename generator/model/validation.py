"""Check a whole model against AWS's rules before anything is written or applied.

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
from ..core.values import is_one_of, is_utf8, is_whole_number
from . import aws_limits as aws
from . import naming
from .api_stack_validation import api_stack_problems
from .api_validation import api_problems
from .archive import source_files, source_problems
from .backend_validation import backend_problems
from .function_access import function_access_problems, provisioned_concurrency_problems
from .function_options import function_option_problems, tag_problems
from .rollout_validation import rollout_problems
from .stack import Deployment, Function, RestApi, Stack

STACK_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]|[a-z]")
DEPLOYMENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Interpreted runtimes name a file and a function: main.handler, lib/app.handler.
MODULE_HANDLER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z0-9_.-]+)*(\.[A-Za-z_][A-Za-z0-9_]*)+")
# Java (pkg.Class::method), .NET (Asm::Ns.Class::Method) and custom runtimes (bootstrap) name
# their handlers freely; Lambda's own rule is [^\s]+ (the length is checked for every runtime).
FREE_HANDLER = re.compile(r"\S+")
FREE_HANDLER_RUNTIMES = ("java", "dotnet", "provided")


def validate_stacks(stacks: Any, base_dir: Path) -> None:
    """Raise ``InvalidInput`` listing every problem in ``STACKS``; return quietly when valid."""
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


def _stack_list_problems(stacks: Any, base_dir: Path) -> Iterator[Problem]:
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


def _stack_problems(stack: Stack, where: str, base_dir: Path) -> Iterator[Problem]:
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
        found = list(_deployment_problems(stack.name, deployment, at, base_dir))
        found += _partition_problems(stack.region, deployment, at)
        yield from found
        if not found:
            valid.append((deployment, at))
    yield from _address_clashes(valid)
    yield from api_stack_problems(stack.region, valid)


def _deployment_problems(name_prefix: Any, deployment: Deployment, at: str,
                         base_dir: Path) -> Iterator[Problem]:
    if not isinstance(deployment.name, str) or not DEPLOYMENT_NAME.fullmatch(deployment.name):
        yield Problem(Field(f"{at}.name"), msg.must_be_a_deployment_name(deployment.name))
    elif isinstance(name_prefix, str):
        role = naming.role_name(name_prefix, deployment)
        if len(role) > aws.IAM_ROLE_NAME_MAX:
            yield Problem(Field(f"{at}.name"), msg.role_name_must_fit(role, aws.IAM_ROLE_NAME_MAX))
    yield from _alias_problems(deployment.alias, f"{at}.alias")
    if isinstance(deployment.function, Function):
        yield from _function_problems(deployment.function, f"{at}.function", base_dir)
    else:
        yield Problem(Field(f"{at}.function"), msg.must_be_a_function(deployment.function))
    yield from provisioned_concurrency_problems(deployment, at)
    if isinstance(name_prefix, str):
        yield from rollout_problems(name_prefix, deployment, at)
    if deployment.api is not None:
        found = list(api_problems(deployment.api, f"{at}.api"))
        yield from found
        if not found:
            yield from _address_clashes([(deployment, at)])
    yield from _api_timeout_problems(deployment, at)


def _api_timeout_problems(deployment: Deployment, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r21-integration-timeout: API Gateway gives up on the integration at its timeout and answers 504,
    # while the function runs on (and bills) for the rest of its own timeout.
    function, api = deployment.function, deployment.api
    if not (isinstance(function, Function) and _in_range(function.timeout_s, aws.TIMEOUT_S_RANGE)
            and isinstance(api, RestApi) and _in_range(api.integration_timeout_s, aws.INTEGRATION_TIMEOUT_S_RANGE)):
        return  # a bad value on either side is reported by its own check
    if function.timeout_s > api.integration_timeout_s:
        yield Problem(Field(f"{at}.function.timeout_s"),
                      msg.must_not_outlast_the_integration_timeout(api.integration_timeout_s, function.timeout_s))


def _partition_problems(region: Any, deployment: Deployment, at: str) -> Iterator[Problem]:
    # Edge-optimized APIs exist only in the commercial partition (aws_limits.NO_EDGE_PARTITIONS).
    api = deployment.api
    if not (isinstance(api, RestApi) and api.endpoint_type == "EDGE" and is_one_of(region, aws.AWS_REGIONS)):
        return
    for prefix, partition in aws.NO_EDGE_PARTITIONS.items():
        if region.startswith(prefix):
            yield Problem(Field(f"{at}.api.endpoint_type"), msg.must_be_regional_in(region, partition))


def _alias_problems(alias: Any, at: str) -> Iterator[Problem]:
    # Lambda CreateAlias: Name matches (?!^[0-9]+$)([a-zA-Z0-9-_]+); $LATEST is not an alias and
    # a weighted alias may never point at it (docs/aws-rules.md#r3-no-latest).
    if alias == "$LATEST":
        yield Problem(Field(at), msg.MUST_NOT_BE_LATEST)
    elif not isinstance(alias, str) or not aws.ALIAS_NAME.fullmatch(alias):
        yield Problem(Field(at), msg.must_be_up_to_128_name_characters(alias))
    elif alias.isdigit():
        yield Problem(Field(at), msg.must_not_be_all_digits(alias))


def _function_problems(function: Function, at: str, base_dir: Path) -> Iterator[Problem]:
    yield from _source_problems(function.source, f"{at}.source", base_dir)
    runtime_known = is_one_of(function.runtime, aws.LAMBDA_RUNTIMES)
    yield from _handler_problems(function.handler, function.runtime if runtime_known else "", f"{at}.handler")
    if not runtime_known:
        yield Problem(Field(f"{at}.runtime"), msg.must_be_a_lambda_runtime(aws.LAMBDA_RUNTIMES, function.runtime))
    yield from _range_problems(function.memory_mb, aws.MEMORY_MB_RANGE, f"{at}.memory_mb")
    yield from _range_problems(function.timeout_s, aws.TIMEOUT_S_RANGE, f"{at}.timeout_s")
    retention = function.log_retention_days
    if not (is_whole_number(retention) and retention in aws.LOG_RETENTION_DAYS):
        yield Problem(Field(f"{at}.log_retention_days"), msg.must_be_a_log_retention(aws.LOG_RETENTION_DAYS, retention))
    yield from _environment_problems(function.environment, f"{at}.environment")
    yield from function_option_problems(function, at)
    yield from function_access_problems(function, at)


def _handler_problems(handler: Any, runtime: str, at: str) -> Iterator[Problem]:
    if isinstance(handler, str) and len(handler) > aws.HANDLER_MAX:
        # Lambda's Handler limit holds for every runtime; the forms below don't bound the length.
        yield Problem(Field(at), msg.handler_must_be_at_most(aws.HANDLER_MAX, handler))
    elif runtime.startswith(FREE_HANDLER_RUNTIMES):
        if not isinstance(handler, str) or not FREE_HANDLER.fullmatch(handler):
            yield Problem(Field(at), msg.must_be_a_handler_without_spaces(aws.HANDLER_MAX, handler))
    elif not isinstance(handler, str) or not MODULE_HANDLER.fullmatch(handler):
        yield Problem(Field(at), msg.must_be_module_dot_function(handler))


def _source_problems(source: Any, at: str, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(source, (str, Path)) or not str(source):
        yield Problem(Field(at), msg.must_be_a_folder_path(source))
        return
    folder = base_dir / source
    try:
        is_folder = folder.is_dir()
    except OSError as error:  # a name too long, a path through a file, ...
        yield Problem(Field(at), msg.must_be_a_readable_folder_path(error.strerror, str(source)))
        return
    if not is_folder:
        yield Problem(Field(at), msg.must_be_an_existing_folder(str(source)))
    elif base_dir.resolve().is_relative_to(folder.resolve()):
        # The stack file, its traffic file and the output would then sit inside the code.
        yield Problem(Field(at), msg.must_not_contain_the_stack_file(str(source)))
    # Symlinks, unreadable files, non-UTF-8 names and Lambda's size limits: found here, before
    # anything is written, rather than when the archive is built.
    elif archive_problems := source_problems(folder, at, str(source)):
        yield from archive_problems
    elif not any(p.is_file() for p in folder.rglob("*")):
        yield Problem(Field(at), msg.must_contain_a_file(str(source)))
    elif not source_files(folder):
        yield Problem(Field(at), msg.must_contain_a_file_to_deploy(str(source)))


def _in_range(value: Any, bounds: tuple[int, int]) -> bool:
    return is_whole_number(value) and bounds[0] <= value <= bounds[1]


def _range_problems(value: Any, bounds: tuple[int, int], at: str) -> Iterator[Problem]:
    low, high = bounds
    if not is_whole_number(value):
        yield Problem(Field(at), msg.must_be_a_whole_number_between(low, high, value))
    elif not low <= value <= high:
        yield Problem(Field(at), msg.must_be_between(low, high, value))


def _environment_problems(environment: Any, at: str) -> Iterator[Problem]:
    if not isinstance(environment, dict):
        yield Problem(Field(at), msg.must_be_a_dict_of_strings(environment))
        return
    total = 0
    for key, value in environment.items():
        if not isinstance(key, str) or not aws.ENVIRONMENT_KEY.fullmatch(key):
            yield Problem(Field(at), msg.environment_keys_must_be_names(key))
            continue
        if key in aws.RESERVED_ENVIRONMENT_KEYS:
            yield Problem(Field(f"{at}.{key}"), msg.must_not_be_reserved_by_the_runtime(key))
        if not isinstance(value, str):
            yield Problem(Field(f"{at}.{key}"), msg.must_be_a_string(value))
        elif not is_utf8(value):
            # Say, a value taken from os.environ holding a byte that was not UTF-8.
            yield Problem(Field(f"{at}.{key}"), msg.must_be_utf8_text(value))
        else:
            total += len(key.encode()) + len(value.encode())
    if total > aws.ENVIRONMENT_TOTAL_BYTES:
        yield Problem(Field(at), msg.must_total_at_most(aws.ENVIRONMENT_TOTAL_BYTES, total))


def _address_clashes(deployments: list[tuple[Deployment, str]]) -> Iterator[Problem]:
    # Two things on one Terraform address would make one silently replace the other (or crash
    # cdktf), e.g. deployment a with alias b_c and deployment a_b with alias c.
    taken: dict[str, tuple[tuple, str]] = {}
    for deployment, at in deployments:
        for item in naming.Addresses(deployment).all():
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
