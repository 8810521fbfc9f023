"""Check a deployment's HTTP API: routes (docs/aws-rules.md#r62-http-api-routes), payload format,
integration timeout and stage (#r61-http-api-integration-timeout-and-payload); its options are
``rules_options``'s.

Part of validation: pure, returns problems, never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.messages import model as model_msg
from ...core.values import is_one_of, is_whole_number
from ...model import aws_limits as aws
from ...model.stack import Function
from ..doors import Route
from . import messages as msg
from .declaration import (
    DEFAULT_ROUTE_PATH,
    DEFAULT_STAGE,
    INTEGRATION_TIMEOUT_S_MAX,
    PAYLOAD_FORMAT_VERSIONS,
    HttpApi,
    route_key,
)
from .rules_options import option_problems, route_option_problems

# A greedy root route catches every path, as the $default route does (docs/aws-rules.md#r62-http-api-routes).
_GREEDY_ROOT = re.compile(r"/\{[a-zA-Z_][a-zA-Z0-9_]*\+\}")


def http_api_problems(api: HttpApi, at: str, region: Any) -> Iterator[Problem]:
    """Every problem of ``api``; ``at`` is its field (``shop.orders.api``)."""
    if not is_one_of(api.payload_format_version, PAYLOAD_FORMAT_VERSIONS):
        yield Problem(Field(f"{at}.payload_format_version"),
                      msg.must_be_a_payload_format_version(api.payload_format_version))
    timeout = api.integration_timeout_s
    if not (is_whole_number(timeout) and 1 <= timeout <= INTEGRATION_TIMEOUT_S_MAX):
        yield Problem(Field(f"{at}.integration_timeout_s"),
                      msg.must_be_whole_seconds_up_to(INTEGRATION_TIMEOUT_S_MAX, timeout))
    if api.stage != DEFAULT_STAGE and not (isinstance(api.stage, str) and aws.STAGE_NAME.fullmatch(api.stage)):
        yield Problem(Field(f"{at}.stage"), msg.must_be_a_stage_name(api.stage))
    yield from option_problems(api, at, region)
    yield from _routes_problems(api, at, region)


def _routes_problems(api: HttpApi, at: str, region: Any) -> Iterator[Problem]:
    if not isinstance(api.routes, tuple):
        yield Problem(Field(f"{at}.routes"), model_msg.must_be_a_list_of_routes(api.routes))
        return
    if not api.routes:
        yield Problem(Field(f"{at}.routes"), msg.MUST_HOLD_A_ROUTE)
    first: dict[str, str] = {}
    for index, route in enumerate(api.routes):
        where = f"{at}.routes[{index}]"
        if not isinstance(route, Route):
            yield Problem(Field(where), model_msg.must_be_a_route(route))
            continue
        found = list(_route_problems(route, where))
        yield from found
        yield from route_option_problems(route, where, region)
        if found:
            continue
        key = route_key(route)
        if key in first:
            yield Problem(Field(where), msg.route_key_must_be_unique(key, first[key]))
        first.setdefault(key, where)
    greedy = next((key for key in first if key.startswith("ANY ") and _GREEDY_ROOT.fullmatch(key[4:])), None)
    if DEFAULT_ROUTE_PATH in first and greedy is not None:
        yield Problem(Field(f"{first[DEFAULT_ROUTE_PATH]}.path"), msg.default_route_is_shadowed(greedy))


def _route_problems(route: Route, where: str) -> Iterator[Problem]:
    if route.path == DEFAULT_ROUTE_PATH:
        if route.method != "ANY":
            yield Problem(Field(f"{where}.method"), msg.default_route_method_must_be_any(route.method))
        return
    if not is_one_of(route.method, aws.HTTP_METHODS):
        yield Problem(Field(f"{where}.method"), msg.must_be_a_method(aws.HTTP_METHODS, route.method))
    if not _is_route_path(route.path):
        yield Problem(Field(f"{where}.path"), msg.path_must_be_a_route_path(route.path))


def _is_route_path(path: Any) -> bool:
    if not isinstance(path, str) or not path.startswith("/"):
        return False
    if path == "/":
        return True
    parts = path.split("/")[1:]
    for position, part in enumerate(parts):
        if part in aws.DOT_SEGMENTS:
            return False
        parameter = aws.PATH_PARAMETER_PART.fullmatch(part)
        if not (aws.PATH_LITERAL_PART.fullmatch(part) or parameter):
            return False
        if parameter and part.endswith("+}") and position < len(parts) - 1:
            return False  # "The greedy path variable must be at the end of the resource path."
    return True


def timeout_problems(deployment: Any, api: HttpApi, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r61-http-api-integration-timeout-and-payload: past the integration timeout
    # the client gets an error while the function runs on (and bills).
    function, timeout = deployment.function, api.integration_timeout_s
    if not (isinstance(function, Function) and is_whole_number(function.timeout_s)
            and is_whole_number(timeout) and 1 <= timeout <= INTEGRATION_TIMEOUT_S_MAX):
        return  # a bad value on either side is reported by its own check
    if function.timeout_s > timeout:
        yield Problem(Field(f"{at}.integration_timeout_s"),
                      msg.must_cover_the_function_timeout(function.timeout_s, timeout))
