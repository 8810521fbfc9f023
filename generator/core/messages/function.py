"""Messages of a Function's options and access: architecture, layers, concurrency, storage,
tracing and tags; policy statements, managed policies, the permissions boundary, the VPC, the
dead-letter target, the environment key and provisioned concurrency.

Used by ``model.rules_function_options`` and ``model.rules_function_access``; each text states the rule and
ends with the value the user wrote (``got: ...``), as ``show`` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..values import show

# --- a Function's options (architecture, layers, concurrency, storage, tracing, tags) -------------


def must_be_an_architecture(architectures: Iterable[str], got: Any) -> str:
    return f"must be one of {', '.join(repr(a) for a in architectures)}, got: {show(got)}"


def must_be_a_list_of_layer_arns(got: Any) -> str:
    return f"must be a list of Lambda layer version ARNs, got: {show(got)}"


def must_be_a_layer_version_arn(got: Any) -> str:
    return ("must be a Lambda layer version ARN, arn:<partition>:lambda:<region>:<account>:layer:<name>:<version> "
            f"(at most 140 characters), got: {show(got)}")


def must_hold_at_most_layers(limit: int, count: int) -> str:
    return f"must hold at most {limit} layers (Lambda's limit per function), got: {count}"


def layer_must_be_unique(arn: str) -> str:
    return f"duplicate layer, got: {show(arn)}"


def must_be_a_reserved_concurrency(got: Any) -> str:
    return (f"must be None (unreserved) or a whole number of at least 0 (0 throttles every call; the most is "
            f"the account's concurrency quota less 100), got: {show(got)}")


def must_be_a_dict_of_tags(got: Any) -> str:
    return f"must be a dict of string keys and string values, got: {show(got)}"


def must_hold_at_most_tags(limit: int, count: int) -> str:
    return f"must hold at most {limit} tags (AWS's limit per resource), got: {count}"


def tag_key_must_be(limit: int, got: Any) -> str:
    return f"keys must be strings of 1-{limit} characters, got: {show(got)}"


def tag_key_must_not_be_reserved(prefix: str, key: str) -> str:
    return f"keys must not start with {prefix!r} (in any case; reserved for AWS), got: {show(key)}"


def tag_value_must_be(limit: int, got: Any) -> str:
    return f"must be a string of 0-{limit} characters, got: {show(got)}"


# --- a Function's access (permissions, VPC, dead letters, environment key) ------------------------


def must_be_a_list_of(kind: str, got: Any) -> str:
    return f"must be a list of {kind}, got: {show(got)}"


def must_be_a_policy_statement(got: Any) -> str:
    return f"must be a PolicyStatement(actions=[...], resources=[...]), got: {show(got)}"


def must_be_an_effect(effects: Iterable[str], got: Any) -> str:
    return f"must be one of {', '.join(repr(e) for e in effects)}, got: {show(got)}"


def must_hold_at_least_one(kind: str, got: Any) -> str:
    return f"must hold at least one {kind}, got: {show(got)}"


def must_be_an_iam_action(got: Any) -> str:
    return f"must be an IAM action, service:Action (wildcards * and ? allowed) or \"*\", got: {show(got)}"


def must_be_an_iam_resource(got: Any) -> str:
    return ("must be an ARN, arn:<partition>:<service>:<region>:<account>:<resource> (wildcards allowed), "
            f"or \"*\", got: {show(got)}")


def must_be_an_iam_condition(got: Any) -> str:
    return ("must be an IAM condition, {operator: {key: value or [values]}} with text keys and values "
            f"(operators such as 'StringEquals' or 'ForAnyValue:StringLike'), got: {show(got)}")


def statements_must_fit(limit: int, size: int) -> str:
    return (f"must fit in the execution role's inline policies: at most {limit} characters without whitespace "
            f"(IAM's 10,240 less 1,024 kept for bluegreen's own policies), got: {size}")


def must_be_a_managed_policy_arn(got: Any) -> str:
    return f"must be an IAM managed policy ARN, arn:<partition>:iam::<account or aws>:policy/<name>, got: {show(got)}"


def must_hold_at_most_managed_policies(limit: int, default_quota: int, count: int) -> str:
    return (f"must hold at most {limit} managed policies (IAM's most per role; the default quota is "
            f"{default_quota}), got: {count}")


def managed_policy_must_be_unique(arn: str) -> str:
    return f"duplicate managed policy, got: {show(arn)}"


def must_be_a_vpc_or_none(got: Any) -> str:
    return f"must be None or a Vpc(subnet_ids=[...], security_group_ids=[...]), got: {show(got)}"


def must_be_ids_between(kind: str, limit: int, got: Any) -> str:
    return f"must be a list of 1 to {limit} {kind} ids, without duplicates, got: {show(got)}"


def must_be_an_id(kind: str, example: str, got: Any) -> str:
    return f"must be {kind} id such as {example!r}, got: {show(got)}"


def must_be_a_dead_letter_target(got: Any) -> str:
    return ("must be None or the ARN of an SQS queue or SNS topic, "
            f"arn:<partition>:sqs|sns:<region>:<account>:<name>, got: {show(got)}")


def must_be_a_kms_key_arn(got: Any) -> str:
    return f"must be None or a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id>, got: {show(got)}"


def must_be_a_provisioned_concurrency(got: Any) -> str:
    return f"must be None or a whole number of at least 1 (execution environments kept warm), got: {show(got)}"


def provisioned_must_stay_below_reserved(reserved: int, got: int) -> str:
    return (f"must be at least two below the function's reserved_concurrency ({reserved}): split "
            "by weight and rounded up, blue and green can hold one more than this at once, and were that to fill "
            "the reservation, nothing would be left for requests beyond the warm environments: green would be "
            "capped and the rest throttled, which no error-rate alarm sees (throttles count neither as "
            f"invocations nor as errors), got: {got}")
