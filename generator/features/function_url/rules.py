"""The rules of a function URL (``FunctionUrl``, ``UrlCors``): problems, never raised.

The auth type (docs/aws-rules.md#r65-function-url-access), the invoke mode and the CORS limits of
the Lambda API (docs/aws-rules.md#r67-function-url-cors-and-invoke-mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.fields import Rule, field_problems, is_bool, one_of, whole_between
from ...core.messages import model as model_msg
from ...core.values import is_one_of
from . import messages as msg
from .declaration import AWS_IAM, BUFFERED, NONE, RESPONSE_STREAM, FunctionUrl, UrlCors

# The Lambda API's Cors limits (botocore's model of lambda 2015-03-31, shape Cors).
MOST_ORIGINS, ORIGIN_CHARACTERS = 100, 253
MOST_METHODS = 6
MOST_HEADERS, HEADER_CHARACTERS = 100, 1024
LONGEST_MAX_AGE_S = 86400
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"})

# The one-field rules, as data (core.fields); the lists and the auth type are checked below.
URL_RULES = (Rule("invoke_mode", one_of((BUFFERED, RESPONSE_STREAM)), msg.must_be_an_invoke_mode),)
CORS_RULES = (Rule("max_age", whole_between(0, LONGEST_MAX_AGE_S), msg.must_be_a_max_age),
              Rule("allow_credentials", is_bool, model_msg.must_be_a_boolean))


def function_url_problems(url: FunctionUrl, at: str) -> Iterator[Problem]:
    """Every problem of ``url``; ``at`` is its field (``shop.orders.api`` or ``...api[1]``)."""
    if url.auth == NONE:
        yield Problem(Field(f"{at}.auth"), msg.AUTH_NONE_REFUSED)
    elif url.auth != AWS_IAM:
        yield Problem(Field(f"{at}.auth"), msg.must_be_an_auth_type(url.auth))
    yield from field_problems(url, at, URL_RULES)
    if url.cors is not None and not isinstance(url.cors, UrlCors):
        yield Problem(Field(f"{at}.cors"), msg.must_be_cors(url.cors))
    elif url.cors is not None:
        yield from cors_problems(url.cors, f"{at}.cors")


def cors_problems(cors: UrlCors, at: str) -> Iterator[Problem]:
    origins = cors.allow_origins
    if isinstance(origins, (list, tuple)) and not origins:
        yield Problem(Field(f"{at}.allow_origins"), msg.must_have_an_origin(origins))
    else:
        yield from _list_problems(origins, f"{at}.allow_origins", "origins", MOST_ORIGINS, _is_origin,
                                  msg.must_be_an_origin)
    yield from _list_problems(cors.allow_methods, f"{at}.allow_methods", "methods", MOST_METHODS,
                              lambda method: is_one_of(method, METHODS), msg.must_be_a_method)
    for name in ("allow_headers", "expose_headers"):
        yield from _list_problems(getattr(cors, name), f"{at}.{name}", "headers", MOST_HEADERS, _is_header,
                                  msg.must_be_a_header)
    yield from field_problems(cors, at, CORS_RULES)


def _list_problems(values: Any, at: str, kind: str, most: int, is_valid: Callable[[Any], bool],
                   invalid: Callable[[Any], str]) -> Iterator[Problem]:
    """A list (or tuple) of at most ``most`` valid, distinct values."""
    if not isinstance(values, (list, tuple)):
        yield Problem(Field(at), msg.must_be_a_list(kind, most, values))
        return
    if len(values) > most:
        yield Problem(Field(at), msg.too_many(kind, most, len(values)))
    seen: set[str] = set()
    for index, value in enumerate(values):
        if not is_valid(value):
            yield Problem(Field(f"{at}[{index}]"), invalid(value))
        elif value in seen:
            yield Problem(Field(f"{at}[{index}]"), msg.must_not_repeat(kind[:-1], value))
        else:
            seen.add(value)


def _is_origin(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= ORIGIN_CHARACTERS and value.strip() == value


def _is_header(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= HEADER_CHARACTERS and value.strip() == value
