"""An API Gateway HTTP API (v2) whose every route invokes the deployment's alias: the cdktf part
of the slice, imported only by ``FEATURE.synthesize``.

Discrete resources, not an OpenAPI body: the ``$default``-or-named stage deploys itself
(``auto_deploy``), so there is no deployment snapshot to order against removed routes, and every
route is one instance of one ``for_each`` resource keyed by its route key: adding or removing a
route creates or destroys that instance alone (docs/aws-rules.md#r62-http-api-routes). The one
integration targets the alias's ``invoke_arn``, so a weight change plans as one changed resource,
the alias (docs/aws-rules.md#r15-weight-changes-stay-off-the-api).
"""

from __future__ import annotations

import json
from typing import Any

from cdktf import TerraformIterator, TerraformResourceLifecycle

from ...bindings.provider import (
    Apigatewayv2Api,
    Apigatewayv2ApiCorsConfiguration,
    Apigatewayv2Integration,
    Apigatewayv2Route,
    Apigatewayv2Stage,
    Apigatewayv2StageAccessLogSettings,
    Apigatewayv2StageDefaultRouteSettings,
    Apigatewayv2StageRouteSettings,
    CloudwatchLogGroup,
    LambdaPermission,
)
from ...bindings.terraform_text import literal
from ...model import naming
from ...model.naming import ref
from ...model.stack import Deployment
from .addresses import HttpApiAddresses, access_log_group_name, api_name
from .declaration import HttpApi, JwtAuthorizer, route_authorization, route_key
from .synthesis_options import authorizer_ids, custom_domain

# AWS's JSON example of an HTTP API access log line (docs/aws-rules.md#r64-http-api-stage-options).
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod", "routeKey": "$context.routeKey", "status": "$context.status",
    "protocol": "$context.protocol", "responseLength": "$context.responseLength",
    "integrationError": "$context.integrationErrorMessage",
}
ACCESS_LOG_FORMAT = json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))


def http_api(scope: Any, deployment: Deployment, api: HttpApi, field: str, name_prefix: str) -> None:
    """The API, its integration, routes, stage and the alias's grant, and the API's options."""
    at = HttpApiAddresses(deployment, field)
    name = api_name(name_prefix, deployment)
    _set_id(Apigatewayv2Api(
        scope, "http_api", name=name, protocol_type="HTTP",
        description=literal(f"{deployment.name}: invokes alias {deployment.alias}"),
        cors_configuration=_cors(api)), at.http_api)
    # AWS_PROXY on the alias: both versions behind it answer (docs/aws-rules.md#r13-proxy-integration).
    _set_id(Apigatewayv2Integration(
        scope, "http_integration", api_id=ref(at.http_api, "id"), integration_type="AWS_PROXY",
        integration_method="POST", integration_uri=ref(at.alias, "invoke_arn"),
        payload_format_version=api.payload_format_version,
        timeout_milliseconds=api.integration_timeout_s * 1000), at.integration)
    ids = authorizer_ids(scope, deployment, api, field)
    routes = _routes(scope, at, api, ids)
    _stage(scope, at, api, name_prefix, deployment, routes)
    # The grant names the alias (docs/aws-rules.md#r10-permission-qualifier), for every stage,
    # method and path of this API only; a generated statement id lets a replacement come first, and
    # the short prefix keeps the id it makes (prefix + 26 characters) within the 100 a statement id has.
    _set_id(LambdaPermission(
        scope, "http_permission", statement_id_prefix=f"http-{name}-",
        action="lambda:InvokeFunction", principal="apigateway.amazonaws.com",
        function_name=ref(at.alias, "function_name"), qualifier=ref(at.alias, "name"),
        source_arn=ref(at.http_api, "execution_arn") + "/*/*",
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True)), at.permission)
    if api.domain is not None:
        custom_domain(scope, at, api.domain)


def _cors(api: HttpApi) -> Apigatewayv2ApiCorsConfiguration | None:
    cors = api.cors
    if cors is None:
        return None
    return Apigatewayv2ApiCorsConfiguration(
        allow_origins=[literal(o) for o in cors.allow_origins], allow_methods=list(cors.allow_methods),
        allow_headers=[literal(h) for h in cors.allow_headers] or None,
        expose_headers=[literal(h) for h in cors.expose_headers] or None,
        max_age=cors.max_age_s or None, allow_credentials=cors.allow_credentials or None)


def _routes(scope: Any, at: HttpApiAddresses, api: HttpApi, ids: dict[str, str]) -> Apigatewayv2Route:
    # One instance per route key. cdktf drops None from a for_each value, so optional attributes
    # are read with lookup(), absent where a route has none.
    values: dict[str, dict[str, Any]] = {}
    for route in api.routes:
        authorization = route_authorization(api, route)
        value: dict[str, Any] = {"authorization_type": _authorization_type(authorization)}
        if not isinstance(authorization, str):
            value["authorizer_id"] = ids[authorization.name]
        if isinstance(authorization, JwtAuthorizer) and authorization.scopes:
            value["authorization_scopes"] = [literal(s) for s in authorization.scopes]
        values[route_key(route)] = value
    each = TerraformIterator.from_map(values)
    routes = _set_id(Apigatewayv2Route(
        scope, "http_routes", for_each=each, api_id=ref(at.http_api, "id"), route_key=each.key,
        target="integrations/" + ref(at.integration, "id"),
        authorization_type=each.get_string("authorization_type"),
        authorizer_id='${lookup(each.value, "authorizer_id", null)}'), at.routes)
    if any("authorization_scopes" in value for value in values.values()):
        routes.add_override("authorization_scopes", '${lookup(each.value, "authorization_scopes", null)}')
    return routes


def _authorization_type(authorization: Any) -> str:
    if isinstance(authorization, str):
        return authorization  # "NONE" or "AWS_IAM"
    return "JWT" if isinstance(authorization, JwtAuthorizer) else "CUSTOM"


def _stage(scope: Any, at: HttpApiAddresses, api: HttpApi, name_prefix: str, deployment: Deployment,
           routes: Apigatewayv2Route) -> None:
    logs = None
    if api.access_logs is not None:
        group = CloudwatchLogGroup(scope, "http_access_logs", name=access_log_group_name(name_prefix, deployment),
                                   retention_in_days=api.access_logs.retention_days)
        _set_id(group, at.access_log_group)
        logs = Apigatewayv2StageAccessLogSettings(destination_arn=ref(at.access_log_group, "arn"),
                                                  format=literal(ACCESS_LOG_FORMAT))
    throttled = [(route_key(route), throttle) for route in api.routes if (throttle := route.throttle) is not None]
    # auto_deploy: every change of the API goes live on its own, no deployment resource
    # (docs/aws-rules.md#r62-http-api-routes). A renamed stage is a new one, created first, so the
    # domain's mapping moves to it before the old one goes (docs/aws-rules.md#r27-create-before-destroy).
    _set_id(Apigatewayv2Stage(
        scope, "http_stage", api_id=ref(at.http_api, "id"), name=literal(api.stage), auto_deploy=True,
        access_log_settings=logs,
        default_route_settings=Apigatewayv2StageDefaultRouteSettings(
            throttling_burst_limit=api.throttle.burst_limit,
            throttling_rate_limit=api.throttle.rate_limit) if api.throttle is not None else None,
        route_settings=[Apigatewayv2StageRouteSettings(
            route_key=key, throttling_burst_limit=throttle.burst_limit,
            throttling_rate_limit=throttle.rate_limit) for key, throttle in throttled] or None,
        depends_on=[routes] if throttled else None,  # a route's settings need the route
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True)), at.stage)


def _set_id(resource: Any, address: str) -> Any:
    resource.override_logical_id(naming.logical_id(address))
    return resource
