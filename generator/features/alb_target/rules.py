"""Check an ``AlbTarget`` (part of validation): pure, returns problems, never raises.

- The listener is an Application Load Balancer's, in the stack's region: a load balancer invokes
  only a Lambda function of its own account and region
  (docs/aws-rules.md#r68-lambda-targets-of-an-application-load-balancer).
- The rule's priority, its conditions and their limits, and that two deployments of a stack
  never take one priority on one listener (docs/aws-rules.md#r69-listener-rules-for-a-lambda-target).
- The target group's name, ``<stack>-<deployment>``, is one AWS accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.messages import model as model_msg
from ...core.values import is_whole_number
from ...model.rules import DEPLOYMENT_NAME, STACK_NAME
from ...model.stack import Deployment
from ..doors import door_of
from . import limits
from . import messages as msg
from .addresses import target_group_name
from .declaration import AlbTarget


def alb_target_problems(target: AlbTarget, at: str) -> Iterator[Problem]:
    """``at``: the door's field path (``shop.orders.api``)."""
    if not isinstance(target.listener_arn, str) or not limits.LISTENER_ARN.fullmatch(target.listener_arn):
        yield Problem(Field(f"{at}.listener_arn"), msg.must_be_a_listener_arn(target.listener_arn))
    if not is_whole_number(target.priority) or not limits.PRIORITY_MIN <= target.priority <= limits.PRIORITY_MAX:
        yield Problem(Field(f"{at}.priority"), model_msg.must_be_a_whole_number_between(
            limits.PRIORITY_MIN, limits.PRIORITY_MAX, target.priority))
    if not isinstance(target.multi_value_headers, bool):
        yield Problem(Field(f"{at}.multi_value_headers"), model_msg.must_be_a_boolean(target.multi_value_headers))
    yield from _condition_problems(target, at)


def _condition_problems(target: AlbTarget, at: str) -> Iterator[Problem]:
    kinds = (("path_patterns", limits.PATH_PATTERN, msg.must_be_a_path_pattern, "path patterns"),
             ("host_headers", limits.HOST_HEADER, msg.must_be_a_host_header, "host names"))
    values: list[str] = []
    lists_ok = True
    for name, pattern, message, kind in kinds:
        found = getattr(target, name)
        if not isinstance(found, tuple) or not all(isinstance(value, str) for value in found):
            yield Problem(Field(f"{at}.{name}"), msg.must_be_a_list_of(kind, found))
            lists_ok = False
            continue
        for index, value in enumerate(found):
            where = Field(f"{at}.{name}[{index}]")
            if len(value) > limits.CONDITION_VALUE_MAX or not pattern.fullmatch(value):
                yield Problem(where, message(value))
            elif value in found[:index]:
                yield Problem(where, msg.must_not_repeat(value))
        values += found
    if not lists_ok:  # the rule's totals would count what is not there
        return
    if not values:
        yield Problem(Field(at), msg.NEEDS_A_CONDITION)
    elif len(values) > limits.CONDITION_VALUES_PER_RULE:
        yield Problem(Field(at), msg.too_many_condition_values(len(values)))
    wildcards = sum(value.count(w) for value in values for w in limits.WILDCARDS)
    if wildcards > limits.WILDCARDS_PER_RULE:
        yield Problem(Field(at), msg.too_many_wildcards(wildcards))


def name_problems(name_prefix: Any, deployment: Deployment, at: str) -> Iterator[Problem]:
    """The target group's name; ``at``: the door's field path. Skipped while the stack's or the
    deployment's name is wrong itself (validation reports those)."""
    if not (isinstance(name_prefix, str) and STACK_NAME.fullmatch(name_prefix)
            and isinstance(deployment.name, str) and DEPLOYMENT_NAME.fullmatch(deployment.name)):
        return
    name = target_group_name(name_prefix, deployment)
    if not limits.TARGET_GROUP_NAME.fullmatch(name):
        yield Problem(Field(at), msg.must_make_a_target_group_name(name))


def region_problems(region: Any, target: AlbTarget, at: str) -> Iterator[Problem]:
    """The listener's region is the stack's (none to compare with for a library user's deployment)."""
    found = isinstance(target.listener_arn, str) and limits.LISTENER_ARN.fullmatch(target.listener_arn)
    if region is not None and found and found.group(2) != region:
        yield Problem(Field(f"{at}.listener_arn"), msg.listener_must_be_in(region, target.listener_arn))


def alb_stack_problems(deployments: list[tuple[Deployment, str]]) -> Iterator[Problem]:
    """Two deployments of the stack never put a rule at one priority of one listener: AWS would
    refuse the second at apply time (PriorityInUse), after the first was made.
    ``deployments``: (deployment, its field path) pairs, each valid on its own."""
    taken: dict[tuple[str, int], str] = {}
    for deployment, at in deployments:
        field, target = door_of(deployment, AlbTarget)
        if target is None:
            continue
        where = f"{at}.{field}.priority"
        other = taken.setdefault((target.listener_arn, target.priority), where)
        if other != where:
            yield Problem(Field(where), msg.priority_must_be_unique(other, target.priority))
