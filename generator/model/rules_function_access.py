"""Part of validation (see ``validation``): what a Function may reach and how it fails.

``policy_statements``, ``managed_policy_arns``, ``permissions_boundary``, ``vpc``,
``dead_letter_target``, ``kms_key_arn`` and ``log_kms_key_arn``, and a deployment's ``provisioned_concurrency``. Each
default grants or changes nothing, so least privilege stays the default. Pure, returns problems,
never raises. The rules are IAM's and Lambda's (docs/aws-rules.md#r34-function-permissions to
#r37-environment-encryption, #r26-provisioned-concurrency-per-version); the limits live in
``aws_limits``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..core.errors import Field, Problem
from ..core.messages import function as msg
from ..core.values import is_whole_number
from . import aws_limits as aws
from . import iam_policy
from .stack import Deployment, Function, PolicyStatement, Vpc


def function_access_problems(function: Function, at: str) -> Iterator[Problem]:
    """The problems of ``function``'s permissions, network, dead-letter target and key."""
    yield from _statements_problems(function.policy_statements, f"{at}.policy_statements")
    yield from _managed_policy_problems(function, f"{at}.managed_policy_arns")
    boundary = function.permissions_boundary
    if boundary is not None and not _matches(aws.MANAGED_POLICY_ARN, boundary):
        yield Problem(Field(f"{at}.permissions_boundary"), msg.must_be_a_managed_policy_arn(boundary))
    yield from _vpc_problems(function.vpc, f"{at}.vpc")
    target = function.dead_letter_target
    if target is not None and not _matches(aws.DEAD_LETTER_TARGET, target):
        yield Problem(Field(f"{at}.dead_letter_target"), msg.must_be_a_dead_letter_target(target))
    for name in ("kms_key_arn", "log_kms_key_arn"):
        key = getattr(function, name)
        if key is not None and not _matches(aws.KMS_KEY_ARN, key):
            yield Problem(Field(f"{at}.{name}"), msg.must_be_a_kms_key_arn(key))


def provisioned_concurrency_problems(deployment: Deployment, at: str) -> Iterator[Problem]:
    """The problems of ``deployment.provisioned_concurrency`` (``at``: the deployment's path)."""
    value, where = deployment.provisioned_concurrency, Field(f"{at}.provisioned_concurrency")
    if value is None:
        return
    if not (is_whole_number(value) and value >= aws.PROVISIONED_CONCURRENCY_MIN):
        yield Problem(where, msg.must_be_a_provisioned_concurrency(value))
        return
    # Both shares rounded up hold N + 1; that must leave at least one environment of the
    # reservation on demand (docs/aws-rules.md#r26-provisioned-concurrency-per-version).
    reserved = getattr(deployment.function, "reserved_concurrency", None)
    if reserved is not None and is_whole_number(reserved) and value + 1 >= reserved:
        yield Problem(where, msg.provisioned_must_stay_below_reserved(reserved, value))


def statements_policy(statements: Iterable[PolicyStatement]) -> dict:
    """The IAM policy document of ``statements``, as synthesis writes it (keys in IAM's order of use)."""
    return iam_policy.policy(_statement(s) for s in statements)


def _statement(statement: PolicyStatement) -> dict:
    body: dict[str, Any] = {"Effect": statement.effect, "Action": list(statement.actions),
                            "Resource": list(statement.resources)}
    if statement.condition:
        body["Condition"] = {operator: dict(values) for operator, values in statement.condition.items()}
    return body


def _statements_problems(statements: Any, at: str) -> Iterator[Problem]:
    if not isinstance(statements, tuple):  # Function keeps a list as a tuple
        yield Problem(Field(at), msg.must_be_a_list_of("PolicyStatement", statements))
        return
    found = False
    for index, statement in enumerate(statements):
        for problem in _statement_problems(statement, f"{at}[{index}]"):
            found = True
            yield problem
    if found or not statements:
        return
    size = len(json.dumps(statements_policy(statements), separators=(",", ":")))
    limit = aws.ROLE_INLINE_POLICIES_MAX_CHARS - aws.BLUEGREEN_INLINE_POLICY_CHARS
    if size > limit:
        yield Problem(Field(at), msg.statements_must_fit(limit, size))


def _statement_problems(statement: Any, at: str) -> Iterator[Problem]:
    if not isinstance(statement, PolicyStatement):
        yield Problem(Field(at), msg.must_be_a_policy_statement(statement))
        return
    if statement.effect not in aws.IAM_EFFECTS:
        yield Problem(Field(f"{at}.effect"), msg.must_be_an_effect(aws.IAM_EFFECTS, statement.effect))
    for name, pattern, message in (("actions", aws.IAM_ACTION, msg.must_be_an_iam_action),
                                   ("resources", aws.IAM_RESOURCE, msg.must_be_an_iam_resource)):
        values = getattr(statement, name)
        if not isinstance(values, tuple) or not values:
            yield Problem(Field(f"{at}.{name}"), msg.must_hold_at_least_one(name[:-1], values))
            continue
        for index, value in enumerate(values):
            if not _matches(pattern, value):
                yield Problem(Field(f"{at}.{name}[{index}]"), message(value))
    if not _is_condition(statement.condition):
        yield Problem(Field(f"{at}.condition"), msg.must_be_an_iam_condition(statement.condition))


def _is_condition(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, values in condition.items():
        if not (_matches(aws.IAM_CONDITION_OPERATOR, operator) and isinstance(values, dict) and values):
            return False
        for key, value in values.items():
            texts = value if isinstance(value, list) else [value]
            if not (isinstance(key, str) and key and texts and all(isinstance(t, str) for t in texts)):
                return False
    return True


def _managed_policy_problems(function: Function, at: str) -> Iterator[Problem]:
    arns = function.managed_policy_arns
    if not isinstance(arns, tuple):
        yield Problem(Field(at), msg.must_be_a_list_of("managed policy ARNs", arns))
        return
    count = len(arns)
    if count > aws.MANAGED_POLICIES_MAX:
        yield Problem(Field(at), msg.must_hold_at_most_managed_policies(
            aws.MANAGED_POLICIES_MAX, aws.MANAGED_POLICIES_DEFAULT_QUOTA, count))
    seen: set[str] = set()
    for index, arn in enumerate(arns):
        if not _matches(aws.MANAGED_POLICY_ARN, arn):
            yield Problem(Field(f"{at}[{index}]"), msg.must_be_a_managed_policy_arn(arn))
        elif arn in seen:
            # Attached twice, the second attachment would be the same object under two addresses.
            yield Problem(Field(f"{at}[{index}]"), msg.managed_policy_must_be_unique(arn))
        seen.add(arn)


def _vpc_problems(vpc: Any, at: str) -> Iterator[Problem]:
    if vpc is None:
        return
    if not isinstance(vpc, Vpc):
        yield Problem(Field(at), msg.must_be_a_vpc_or_none(vpc))
        return
    for name, kind, limit, pattern, example in (
            ("subnet_ids", "subnet", aws.VPC_SUBNETS_MAX, aws.SUBNET_ID, "subnet-0123456789abcdef0"),
            ("security_group_ids", "security group", aws.VPC_SECURITY_GROUPS_MAX, aws.SECURITY_GROUP_ID,
             "sg-0123456789abcdef0")):
        ids = getattr(vpc, name)
        if not isinstance(ids, tuple) or not 1 <= len(ids) <= limit or len(set(map(repr, ids))) != len(ids):
            yield Problem(Field(f"{at}.{name}"), msg.must_be_ids_between(kind, limit, ids))
            continue
        for index, value in enumerate(ids):
            if not _matches(pattern, value):
                yield Problem(Field(f"{at}.{name}[{index}]"), msg.must_be_an_id(f"a {kind}", example, value))


def _matches(pattern, value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None
