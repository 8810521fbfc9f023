"""The texts of an ALB target's problems (``rules``); each states the rule and ends with what the
user wrote (``got: ...``, as ``show`` prints it). Tests import them. The generic ones (a boolean,
a whole number in a range) are the model's (``core.messages.model``)."""

from __future__ import annotations

from typing import Any

from ...core.values import show
from . import limits


def must_be_a_listener_arn(got: Any) -> str:
    return ("must be an Application Load Balancer listener's ARN, arn:<partition>:elasticloadbalancing:"
            f"<region>:<account>:listener/app/<load balancer>/<id>/<id>, got: {show(got)}")


def listener_must_be_in(region: str, got: str) -> str:
    return (f"must be a listener in the stack's region {region}: a load balancer invokes only a Lambda "
            f"function of its own region, got: {show(got)}")


def priority_must_be_unique(other: str, got: Any) -> str:
    return f"must differ from {other}, on the same listener: a listener has one rule per priority, got: {show(got)}"


def must_be_a_list_of(kind: str, got: Any) -> str:
    return f"must be a list of {kind} (empty for none), got: {show(got)}"


def must_be_a_path_pattern(got: Any) -> str:
    return (f"must be 1-{limits.CONDITION_VALUE_MAX} characters: letters, digits, _-.$/~\"'@:+& and the "
            f"wildcards * and ?, got: {show(got)}")


def must_be_a_host_header(got: Any) -> str:
    return (f"must be 1-{limits.CONDITION_VALUE_MAX} characters: letters, digits, -_. and the wildcards * "
            f"and ?, with a '.' and only letters after the last one, got: {show(got)}")


def must_not_repeat(got: Any) -> str:
    return f"must not repeat a value, got: {show(got)} twice"


NEEDS_A_CONDITION = ("must have path_patterns, host_headers or both: a listener rule needs a condition "
                     "(only the listener's default rule has none)")


def too_many_condition_values(count: int) -> str:
    return (f"may have at most {limits.CONDITION_VALUES_PER_RULE} path_patterns and host_headers together "
            f"(AWS's condition values per rule), got: {count}")


def too_many_wildcards(count: int) -> str:
    return (f"may have at most {limits.WILDCARDS_PER_RULE} wildcards (* and ?) in path_patterns and "
            f"host_headers together (AWS's wildcards per rule), got: {count}")


def must_make_a_target_group_name(name: str) -> str:
    return (f"must make a valid target group name, '<stack>-<deployment>' with '-' for '_': 1-32 letters, "
            f"digits and '-', not ending with '-' (shorten the stack's or the deployment's name), got: "
            f"{show(name)} ({len(name)} characters)")
