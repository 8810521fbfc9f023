"""Part of validation (see ``validation``): a Function's optional settings beyond code and memory.

``architecture``, ``layers``, ``reserved_concurrency``, ``ephemeral_storage_mb``, ``tracing`` and
``tags``: each default leaves the synthesized function as it was before the option existed. Pure,
returns problems, never raises. The rules are Lambda's (docs/aws-rules.md#r32-function-options)
and AWS's tagging rules (docs/aws-rules.md#r33-tags); the limits live in ``aws_limits``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core.errors import Field, Problem
from ..core.messages import function as msg
from ..core.messages import model as model_msg
from ..core.values import is_one_of, is_utf8, is_whole_number
from . import aws_limits as aws
from .stack import Function


def function_option_problems(function: Function, at: str) -> Iterator[Problem]:
    """The problems of ``function``'s options (``at``: the function's field path)."""
    if not is_one_of(function.architecture, aws.ARCHITECTURES):
        yield Problem(Field(f"{at}.architecture"),
                      msg.must_be_an_architecture(aws.ARCHITECTURES, function.architecture))
    yield from _layer_problems(function.layers, f"{at}.layers")
    yield from _reserved_concurrency_problems(function.reserved_concurrency, f"{at}.reserved_concurrency")
    yield from _ephemeral_storage_problems(function.ephemeral_storage_mb, f"{at}.ephemeral_storage_mb")
    if not isinstance(function.tracing, bool):
        yield Problem(Field(f"{at}.tracing"), model_msg.must_be_a_boolean(function.tracing))
    yield from tag_problems(function.tags, f"{at}.tags")


def _layer_problems(layers: Any, at: str) -> Iterator[Problem]:
    if not isinstance(layers, tuple):  # Function keeps a list as a tuple
        yield Problem(Field(at), msg.must_be_a_list_of_layer_arns(layers))
        return
    if len(layers) > aws.LAYERS_MAX:
        yield Problem(Field(at), msg.must_hold_at_most_layers(aws.LAYERS_MAX, len(layers)))
    seen: set[str] = set()
    for index, arn in enumerate(layers):
        where = Field(f"{at}[{index}]")
        if not (isinstance(arn, str) and len(arn) <= aws.LAYER_VERSION_ARN_MAX
                and aws.LAYER_VERSION_ARN.fullmatch(arn)):
            yield Problem(where, msg.must_be_a_layer_version_arn(arn))
        elif arn in seen:
            # Lambda refuses a function that names one layer version twice.
            yield Problem(where, msg.layer_must_be_unique(arn))
        else:
            seen.add(arn)


def _reserved_concurrency_problems(value: Any, at: str) -> Iterator[Problem]:
    if value is not None and not (is_whole_number(value) and value >= aws.RESERVED_CONCURRENCY_MIN):
        yield Problem(Field(at), msg.must_be_a_reserved_concurrency(value))


def _ephemeral_storage_problems(value: Any, at: str) -> Iterator[Problem]:
    low, high = aws.EPHEMERAL_STORAGE_MB_RANGE
    if not is_whole_number(value):
        yield Problem(Field(at), model_msg.must_be_a_whole_number_between(low, high, value))
    elif not low <= value <= high:
        yield Problem(Field(at), model_msg.must_be_between(low, high, value))


def tag_problems(tags: Any, at: str) -> Iterator[Problem]:
    """The problems of a tags mapping (a function's or a stack's; ``at``: its field path)."""
    if not isinstance(tags, dict):  # Function keeps any mapping as a sorted dict
        yield Problem(Field(at), msg.must_be_a_dict_of_tags(tags))
        return
    if len(tags) > aws.TAGS_MAX:
        yield Problem(Field(at), msg.must_hold_at_most_tags(aws.TAGS_MAX, len(tags)))
    for key, value in tags.items():
        if not (isinstance(key, str) and 1 <= len(key) <= aws.TAG_KEY_MAX and is_utf8(key)):
            yield Problem(Field(at), msg.tag_key_must_be(aws.TAG_KEY_MAX, key))
            continue
        if key.lower().startswith(aws.TAG_RESERVED_PREFIX):
            yield Problem(Field(at), msg.tag_key_must_not_be_reserved(aws.TAG_RESERVED_PREFIX, key))
        if not (isinstance(value, str) and len(value) <= aws.TAG_VALUE_MAX and is_utf8(value)):
            yield Problem(Field(f"{at}.{key}"), msg.tag_value_must_be(aws.TAG_VALUE_MAX, value))
