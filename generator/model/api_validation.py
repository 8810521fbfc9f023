"""Check a deployment's REST API: stage name, endpoint type, integration timeout and routes.

Part of validation (see ``generator.validation``): pure, returns problems, never raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core.errors import Problem
from ..core.values import is_one_of, is_whole_number, show
from . import aws_limits as aws
from .stack import RestApi, Route

PATH_RULE = ("parts must be literal (letters, digits, . _ : -), {name}, or a final {name+}, "
             "with no empty part or trailing '/'")


def api_problems(api: Any, at: str) -> Iterator[Problem]:
    if not isinstance(api, RestApi):
        yield Problem(at, f"must be a RestApi or None, got: {show(api)}")
        return
    if not isinstance(api.stage, str) or not aws.STAGE_NAME.fullmatch(api.stage):
        yield Problem(f"{at}.stage", f"must be 1-128 letters, digits, '-' or '_', got: {show(api.stage)}")
    yield from _endpoint_problems(api, at)
    if not isinstance(api.routes, tuple):
        yield Problem(f"{at}.routes", f"must be a list of Route, got: {show(api.routes)}")
        return
    if not api.routes:
        yield Problem(f"{at}.routes", "must hold at least one Route, got: []")
    seen: set[tuple[str, str]] = set()
    parameters: dict[str, str] = {}  # parent path -> the one {param} part API Gateway allows below it
    for index, route in enumerate(api.routes):
        where = f"{at}.routes[{index}]"
        if not isinstance(route, Route):
            yield Problem(where, f"must be a Route, got: {show(route)}")
            continue
        found = list(_route_problems(route, where))
        yield from found
        if found:
            continue
        if (route.method, route.path) in seen:
            yield Problem(where, f"duplicate route, got: {route.method} {route.path}")
        seen.add((route.method, route.path))
        yield from _sibling_parameter_problems(route.path, parameters, f"{where}.path")


def _endpoint_problems(api: RestApi, at: str) -> Iterator[Problem]:
    if not is_one_of(api.endpoint_type, aws.ENDPOINT_TYPES):
        yield Problem(f"{at}.endpoint_type", "must be 'REGIONAL' or 'EDGE' (upper case), "
                      f"got: {show(api.endpoint_type)}")
    timeout, (low, high) = api.integration_timeout_s, aws.INTEGRATION_TIMEOUT_S_RANGE
    if not is_whole_number(timeout):
        yield Problem(f"{at}.integration_timeout_s", f"must be a whole number of seconds between {low} and "
                      f"{high}, got: {show(timeout)}")
    elif not low <= timeout <= high:
        yield Problem(f"{at}.integration_timeout_s", f"must be between {low} and {high}, got: {timeout}")
    elif timeout > aws.INTEGRATION_TIMEOUT_S_DEFAULT and api.endpoint_type == "EDGE":
        # API Gateway raises the 29 s limit (by quota increase) for Regional and private APIs only.
        yield Problem(f"{at}.integration_timeout_s", f"must be at most {aws.INTEGRATION_TIMEOUT_S_DEFAULT} on an "
                      "EDGE API: only a REGIONAL API can wait longer, after an API Gateway quota increase, "
                      f"got: {timeout}")


def _route_problems(route: Route, where: str) -> Iterator[Problem]:
    if not is_one_of(route.method, aws.HTTP_METHODS):
        yield Problem(f"{where}.method", f"must be one of {', '.join(sorted(aws.HTTP_METHODS))} "
                      f"(upper case), got: {show(route.method)}")
    path = route.path
    if not isinstance(path, str) or not path.startswith("/"):
        yield Problem(f"{where}.path", f"must start with '/', got: {show(path)}")
        return
    if path == "/":
        return
    parts = path.split("/")[1:]
    if any(part in aws.DOT_SEGMENTS for part in parts):
        yield Problem(f"{where}.path", "must not have a '.' or '..' part: URLs resolve them away before a "
                      f"request is sent, so no client could reach this route, got: {show(path)}")
        return
    for position, part in enumerate(parts):
        parameter = aws.PATH_PARAMETER_PART.fullmatch(part)
        greedy_too_early = parameter and part.endswith("+}") and position < len(parts) - 1
        if not (aws.PATH_LITERAL_PART.fullmatch(part) or parameter) or greedy_too_early:
            yield Problem(f"{where}.path", f"{PATH_RULE}, got: {show(path)}")
            return


def _sibling_parameter_problems(path: str, parameters: dict[str, str], where: str) -> Iterator[Problem]:
    # API Gateway CreateResource: "A sibling ({id}) of this resource already has a variable path
    # part -- only one is allowed". Caught here, it is one message instead of a failed apply.
    parent = ""
    for part in path.split("/")[1:]:
        if part.startswith("{"):
            other = parameters.setdefault(parent, part)
            if other != part:
                yield Problem(where, f"{part} and {other} are both parameters below "
                              f"'{parent or '/'}': API Gateway allows one per level, got: {show(path)}")
                return
        parent = f"{parent}/{part}"
