"""An HTTP API stage on loopback: its route keys, read from moto at each request, and the event of
the integration's payload format, 2.0 or 1.0 (docs/local-doors.md#http-api).

A ``$default`` stage is served at the root of the local URL; a named stage prefixes every path with
its name, which 2.0's ``rawPath`` keeps (docs/aws-rules.md#r61-http-api-integration-timeout-and-payload).
Routes match by path (``routing``) and method, a route's own method before ``ANY``; then the
``$default`` route; then 404 ``{"message":"Not Found"}`` (docs/aws-rules.md#r74-front-door-routing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.messages import local_doors as msg
from . import routing
from .exchange import ApiStage, Invoke, Request, Response, answer, json_answer, request_time, target_of
from .rest_api import identity, version_1_parameters

DEFAULT_STAGE = "$default"
DEFAULT_ROUTE = "$default"
DEFAULT_TIMEOUT_MS = 30_000  # docs/aws-rules.md#r61-http-api-integration-timeout-and-payload
SIGV4 = "AWS4-HMAC-SHA256 "


@dataclass(frozen=True)
class HttpApiDoor(ApiStage):
    """One stage of one HTTP API in moto's account and region."""

    @property
    def base_path(self) -> str:
        return "" if self.stage == DEFAULT_STAGE else f"/{self.stage}"

    def handle(self, request: Request, invoke: Invoke) -> Response:
        api = _api(self.account_id, self.region, self.api_id)
        parts = routing.segments(request.path)
        if self.base_path:
            if not parts or parts[0] != self.stage:
                return json_answer(404, msg.HTTP_UNKNOWN_ROUTE)
            parts = parts[1:]
        if api is None or self.stage not in api.stages:
            return json_answer(404, msg.HTTP_UNKNOWN_ROUTE)
        routes = {route.route_key: route for route in api.routes.values()}
        found = select_route(list(routes), request.method, "/" + "/".join(parts))
        if found is None:
            return json_answer(404, msg.HTTP_UNKNOWN_ROUTE)
        key, parameters = found
        route = routes[key]
        refused = refusal(route.authorization_type, request)
        if refused is not None:
            return refused
        integration = api.integrations.get(str(route.target or "").removeprefix("integrations/"))
        target = target_of(getattr(integration, "integration_uri", None) or "")
        if integration is None or target is None:
            return json_answer(500, msg.HTTP_INTERNAL_ERROR)  # bluegreen writes Lambda proxy integrations only
        version = integration.payload_format_version or "2.0"
        stage_variables = dict(api.stages[self.stage].stage_variables or {})
        event = (version_2_event(request, self, key, parameters, stage_variables) if version == "2.0"
                 else version_1_event(request, self, key, parameters, stage_variables))
        timeout_s = int(integration.timeout_in_millis or DEFAULT_TIMEOUT_MS) / 1000
        return answer(invoke, target, event, timeout_s, version=version, unavailable=(503, msg.HTTP_TIMED_OUT),
                      internal_error=msg.HTTP_INTERNAL_ERROR)

    @property
    def domain(self) -> str:
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"


def select_route(keys: list[str], method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The route key that serves ``method path``, with its path parameters: the most specific path,
    its own method before ``ANY``; else ``$default`` when there is one."""
    found = []
    for key in keys:
        route_method, _, template = key.partition(" ")
        parameters = routing.match(template, path) if route_method in (method, "ANY") else None
        if parameters is not None:
            found.append(((routing.specificity(template), route_method == method), key, parameters))
    if found:
        _, key, parameters = max(found, key=lambda item: item[0])
        return key, parameters
    return (DEFAULT_ROUTE, {}) if DEFAULT_ROUTE in keys else None


def refusal(authorization: str | None, request: Request) -> Response | None:
    """What the emulator checks of a route's authorization: only that the caller sent something to
    check (docs/local-doors.md#authorization); None lets the request through."""
    credentials = request.header("Authorization") or ""
    if authorization == "AWS_IAM" and not credentials.startswith(SIGV4):
        return json_answer(403, msg.HTTP_FORBIDDEN)
    if authorization in ("JWT", "CUSTOM") and not credentials:
        return json_answer(401, msg.HTTP_UNAUTHORIZED)
    return None


def version_2_event(request: Request, door: Any, route_key: str, parameters: dict[str, str],
                    stage_variables: dict[str, str], account_id: str | None = None) -> dict[str, Any]:
    """The event of payload format 2.0 (docs/aws-rules.md#r75-front-door-events-and-answers): one
    ``headers`` map (names in lower case, repeated values joined by commas), ``cookies`` apart."""
    headers: dict[str, list[str]] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        if name.lower() == "cookie":
            cookies.extend(cookie.strip() for cookie in value.split(";") if cookie.strip())
        else:
            headers.setdefault(name.lower(), []).append(value)
    query: dict[str, list[str]] = {}
    for name, value in request.query_pairs():
        query.setdefault(name, []).append(value)
    body, encoded = request.body_field()
    event: dict[str, Any] = {"version": "2.0", "routeKey": route_key, "rawPath": request.path,
                             "rawQueryString": request.query}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = {name: ",".join(values) for name, values in headers.items()}
    if query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in query.items()}
    event["requestContext"] = {
        "accountId": account_id or door.account_id, "apiId": door.api_id, "domainName": door.domain,
        "domainPrefix": door.api_id,
        "http": {"method": request.method, "path": request.path, "protocol": "HTTP/1.1",
                 "sourceIp": request.source_ip, "userAgent": request.header("User-Agent") or ""},
        "requestId": request.request_id, "routeKey": route_key, "stage": door.stage, "time": request_time(request),
        "timeEpoch": request.epoch_ms(),
    }
    if parameters:
        event["pathParameters"] = parameters
    if stage_variables:
        event["stageVariables"] = stage_variables
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


def version_1_event(request: Request, door: HttpApiDoor, route_key: str, parameters: dict[str, str],
                    stage_variables: dict[str, str]) -> dict[str, Any]:
    """The event of payload format 1.0 through an HTTP API: the REST API's shape, with ``version``."""
    body, encoded = request.body_field()
    resource = route_key.partition(" ")[2] or route_key
    return {
        "version": "1.0", "resource": resource, "path": request.path, "httpMethod": request.method,
        **version_1_parameters(request),
        "requestContext": {
            "accountId": door.account_id, "apiId": door.api_id, "domainName": door.domain,
            "domainPrefix": door.api_id, "extendedRequestId": request.request_id, "httpMethod": request.method,
            "identity": identity(request), "path": request.path, "protocol": "HTTP/1.1",
            "requestId": request.request_id, "requestTime": request_time(request),
            "requestTimeEpoch": request.epoch_ms(), "resourceId": route_key, "resourcePath": resource,
            "stage": door.stage,
        },
        "pathParameters": parameters or None, "stageVariables": stage_variables or None,
        "body": body, "isBase64Encoded": encoded,
    }


def _api(account_id: str, region: str, api_id: str) -> Any:
    from moto.apigatewayv2.models import apigatewayv2_backends

    return apigatewayv2_backends[account_id][region].apis.get(api_id)
