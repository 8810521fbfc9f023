"""Check a deployment's REST API: stage name, endpoint type, integration timeout and routes; its
options (authorization, keys, throttling, logs, tracing, domain) are ``api_options_validation``'s.

Part of validation (see ``validation``): pure, returns problems, never raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.messages import model as msg
from ...core.values import is_one_of, is_whole_number
from ...model import aws_limits as aws
from ...model.stack import Function
from ..doors import Route
from .declaration import RestApi, rest_api_of
from .rules_options import api_option_problems


def api_problems(api: Any, at: str) -> Iterator[Problem]:
    if not isinstance(api.stage, str) or not aws.STAGE_NAME.fullmatch(api.stage):
        yield Problem(Field(f"{at}.stage"), msg.must_be_up_to_128_name_characters(api.stage))
    yield from _endpoint_problems(api, at)
    yield from api_option_problems(api, at)
    if not isinstance(api.routes, tuple):
        yield Problem(Field(f"{at}.routes"), msg.must_be_a_list_of_routes(api.routes))
        return
    if not api.routes:
        yield Problem(Field(f"{at}.routes"), msg.MUST_HOLD_A_ROUTE)
    seen: set[tuple[str, str]] = set()
    parameters: dict[str, str] = {}  # parent path -> the one {param} part API Gateway allows below it
    for index, route in enumerate(api.routes):
        where = f"{at}.routes[{index}]"
        if not isinstance(route, Route):
            yield Problem(Field(where), msg.must_be_a_route(route))
            continue
        found = list(_route_problems(route, where))
        yield from found
        if found:
            continue
        if (route.method, route.path) in seen:
            yield Problem(Field(where), msg.route_must_be_unique(route.method, route.path))
        seen.add((route.method, route.path))
        yield from _sibling_parameter_problems(route.path, parameters, f"{where}.path")


def _endpoint_problems(api: RestApi, at: str) -> Iterator[Problem]:
    if not is_one_of(api.endpoint_type, aws.ENDPOINT_TYPES):
        yield Problem(Field(f"{at}.endpoint_type"), msg.must_be_an_endpoint_type(api.endpoint_type))
    timeout, (low, high) = api.integration_timeout_s, aws.INTEGRATION_TIMEOUT_S_RANGE
    if not is_whole_number(timeout):
        yield Problem(Field(f"{at}.integration_timeout_s"), msg.must_be_whole_seconds_between(low, high, timeout))
    elif not low <= timeout <= high:
        yield Problem(Field(f"{at}.integration_timeout_s"), msg.must_be_between(low, high, timeout))
    elif timeout > aws.INTEGRATION_TIMEOUT_S_DEFAULT and api.endpoint_type == "EDGE":
        # API Gateway raises the 29 s limit (by quota increase) for Regional and private APIs only.
        yield Problem(Field(f"{at}.integration_timeout_s"),
                      msg.edge_integration_timeout_must_be_at_most(aws.INTEGRATION_TIMEOUT_S_DEFAULT, timeout))


def _route_problems(route: Route, where: str) -> Iterator[Problem]:
    if not is_one_of(route.method, aws.HTTP_METHODS):
        yield Problem(Field(f"{where}.method"), msg.must_be_an_http_method(aws.HTTP_METHODS, route.method))
    path = route.path
    if not isinstance(path, str) or not path.startswith("/"):
        yield Problem(Field(f"{where}.path"), msg.path_must_start_with_a_slash(path))
        return
    if path == "/":
        return
    parts = path.split("/")[1:]
    if any(part in aws.DOT_SEGMENTS for part in parts):
        yield Problem(Field(f"{where}.path"), msg.path_must_not_have_dot_parts(path))
        return
    for position, part in enumerate(parts):
        parameter = aws.PATH_PARAMETER_PART.fullmatch(part)
        greedy_too_early = parameter and part.endswith("+}") and position < len(parts) - 1
        if not (aws.PATH_LITERAL_PART.fullmatch(part) or parameter) or greedy_too_early:
            yield Problem(Field(f"{where}.path"), msg.path_parts_must_be_literal_or_parameters(path))
            return


def _sibling_parameter_problems(path: str, parameters: dict[str, str], where: str) -> Iterator[Problem]:
    # API Gateway CreateResource: "A sibling ({id}) of this resource already has a variable path
    # part -- only one is allowed". Caught here, it is one message instead of a failed apply.
    parent = ""
    for part in path.split("/")[1:]:
        if part.startswith("{"):
            other = parameters.setdefault(parent, part)
            if other != part:
                yield Problem(Field(where), msg.one_path_parameter_per_level(part, other, parent, path))
                return
        parent = f"{parent}/{part}"


def timeout_problems(deployment: Any, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r21-integration-timeout: API Gateway gives up on the integration at its timeout and answers 504,
    # while the function runs on (and bills) for the rest of its own timeout.
    function, api = deployment.function, rest_api_of(deployment)
    if not (isinstance(function, Function) and _in_range(function.timeout_s, aws.TIMEOUT_S_RANGE)
            and isinstance(api, RestApi) and _in_range(api.integration_timeout_s, aws.INTEGRATION_TIMEOUT_S_RANGE)):
        return  # a bad value on either side is reported by its own check
    if function.timeout_s > api.integration_timeout_s:
        yield Problem(Field(f"{at}.function.timeout_s"),
                      msg.must_not_outlast_the_integration_timeout(api.integration_timeout_s, function.timeout_s))


def partition_problems(region: Any, deployment: Any, field: str, at: str) -> Iterator[Problem]:
    # Edge-optimized APIs exist only in the commercial partition (aws_limits.NO_EDGE_PARTITIONS).
    api = rest_api_of(deployment)
    if not (isinstance(api, RestApi) and api.endpoint_type == "EDGE" and is_one_of(region, aws.AWS_REGIONS)):
        return
    for prefix, partition in aws.NO_EDGE_PARTITIONS.items():
        if region.startswith(prefix):
            yield Problem(Field(f"{at}.{field}.endpoint_type"), msg.must_be_regional_in(region, partition))


def _in_range(value: Any, bounds: tuple[int, int]) -> bool:
    return is_whole_number(value) and bounds[0] <= value <= bounds[1]
