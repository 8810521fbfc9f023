"""A REST API stage on loopback: its resources and methods, read from moto at each request, and
the Lambda proxy event of payload format 1.0 (docs/local-doors.md#rest-api).

The request's first path part is the stage (the local URL ends with it, as the invoke URL does);
the rest is matched against the resource paths (``routing``), then the method, then ``ANY``. No
match: 403 ``{"message":"Missing Authentication Token"}``, as API Gateway answers
(docs/aws-rules.md#r73-front-door-answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.messages import local_doors as msg
from . import routing
from .exchange import ApiStage, Invoke, Request, Response, answer, json_answer, request_time, target_of

ANY_METHODS = ("ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD")  # put_method's name, OpenAPI's extension
DEFAULT_TIMEOUT_MS = 29_000  # docs/aws-rules.md#r21-integration-timeout
PROXY = "AWS_PROXY"


@dataclass(frozen=True)
class RestDoor(ApiStage):
    """One stage of one REST API in moto's account and region."""

    @property
    def base_path(self) -> str:
        return f"/{self.stage}"

    def handle(self, request: Request, invoke: Invoke) -> Response:
        api = _api(self.account_id, self.region, self.api_id)
        parts = routing.segments(request.path)
        if api is None or self.stage not in api.stages or not parts or parts[0] != self.stage:
            return json_answer(403, msg.REST_UNKNOWN_ROUTE)
        path = "/" + "/".join(parts[1:])
        resources = {resource.get_path(): resource for resource in api.resources.values()}
        found = routing.best(resources, path)
        if found is None:
            return json_answer(403, msg.REST_UNKNOWN_ROUTE)
        template, parameters = found
        resource = resources[template]
        method = resource.resource_methods.get(request.method) or next(
            (resource.resource_methods[name] for name in ANY_METHODS if name in resource.resource_methods), None)
        integration = getattr(method, "method_integration", None)
        if integration is None:
            return json_answer(403, msg.REST_UNKNOWN_ROUTE)
        target = target_of(integration.uri or "")
        if str(integration.integration_type).upper() != PROXY or target is None:
            return json_answer(500, msg.REST_INTERNAL_ERROR)  # bluegreen writes Lambda proxy integrations only
        event = rest_event(request, self, path, template, parameters, resource.id,
                           dict(api.stages[self.stage].variables or {}))
        timeout_s = int(integration.timeout_in_millis or DEFAULT_TIMEOUT_MS) / 1000
        return answer(invoke, target, event, timeout_s, version="1.0")


def rest_event(request: Request, door: RestDoor, path: str, resource_path: str, parameters: dict[str, str],
               resource_id: str, stage_variables: dict[str, str]) -> dict[str, Any]:
    """The Lambda proxy event of payload format 1.0 (docs/aws-rules.md#r75-front-door-events-and-answers)."""
    body, encoded = request.body_field()
    domain = f"{door.api_id}.execute-api.{door.region}.amazonaws.com"
    return {
        "resource": resource_path,
        "path": path,
        "httpMethod": request.method,
        **version_1_parameters(request),
        "pathParameters": parameters or None,
        "stageVariables": stage_variables or None,
        "requestContext": {
            "accountId": door.account_id, "apiId": door.api_id, "domainName": domain, "domainPrefix": door.api_id,
            "extendedRequestId": request.request_id, "httpMethod": request.method,
            "identity": identity(request), "path": door.base_path + path,
            "protocol": "HTTP/1.1", "requestId": request.request_id, "requestTime": request_time(request),
            "requestTimeEpoch": request.epoch_ms(), "resourceId": resource_id, "resourcePath": resource_path,
            "stage": door.stage,
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def version_1_parameters(request: Request) -> dict[str, Any]:
    """Headers and query string as format 1.0 has them: the last value, and every value."""
    headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers.setdefault(name, []).append(value)
    query: dict[str, list[str]] = {}
    for name, value in request.query_pairs():
        query.setdefault(name, []).append(value)
    return {
        "headers": {name: values[-1] for name, values in headers.items()} or None,
        "multiValueHeaders": headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
    }


def identity(request: Request) -> dict[str, Any]:
    """``requestContext.identity``: the caller's address and agent; no IAM or Cognito caller locally."""
    names = ("accessKey", "accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType",
             "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "user", "userArn")
    return {**dict.fromkeys(names), "sourceIp": request.source_ip, "userAgent": request.header("User-Agent")}


def _api(account_id: str, region: str, api_id: str) -> Any:
    from moto.apigateway.models import apigateway_backends

    return apigateway_backends[account_id][region].apis.get(api_id)
