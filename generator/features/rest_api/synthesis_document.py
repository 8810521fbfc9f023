"""The REST API as one OpenAPI 3 document: its routes, their integration with the alias, and who
may call them.

The document is the rest API's ``body`` (see ``api``). API Gateway reads its own parts from
extensions: the integration from ``x-amazon-apigateway-integration``
(docs/aws-rules.md#r13-proxy-integration), and authorizers from security schemes carrying
``x-amazon-apigateway-authtype`` and ``x-amazon-apigateway-authorizer``; an operation's
``security`` names the schemes it needs (docs/aws-rules.md#r39-authorization), the ``api_key``
scheme included (docs/aws-rules.md#r40-api-keys-and-usage-plans). No operation has ``security``
unless it needs one, so an API without options reads exactly as before.

Plain data, no cdktf: deterministic (paths, methods and schemes sorted, keys sorted). User text
in it (scopes, ARNs, identity sources) is written literally (docs/aws-rules.md#r24-terraform-json-templates).
"""

from __future__ import annotations

import json

from ...bindings.terraform_text import literal
from ...model import aws_limits as aws
from ...model.stack import Deployment
from ..doors import Route
from .declaration import RestApi, rest_api_of
from .options import AWS_IAM, CognitoAuthorizer, LambdaAuthorizer, route_authorization, route_requires_key

OPENAPI_VERSION = "3.0.1"
SIGV4_SCHEME, API_KEY_SCHEME = aws.RESERVED_SCHEME_NAMES
API_KEY_HEADER = "x-api-key"


def openapi_body(deployment: Deployment, title: str, description: str, invoke_arn: str) -> str:
    """The API as an OpenAPI 3 document (JSON text); ``invoke_arn`` is the alias's reference."""
    api = rest_api_of(deployment)
    assert api is not None, "only a deployment with an API has an OpenAPI document"
    integration = {
        "type": "aws_proxy",
        "httpMethod": "POST",  # Lambda proxy integrations are always invoked with POST
        "uri": invoke_arn,
        "passthroughBehavior": "when_no_match",
        "timeoutInMillis": api.integration_timeout_s * 1000,
    }
    paths: dict[str, dict] = {}
    schemes: dict[str, dict] = {}
    for route in sorted(api.routes, key=lambda r: (r.path, r.method)):
        operation: dict = {"x-amazon-apigateway-integration": integration,
                           "responses": {"default": {"description": "the function's response"}}}
        parameters = _path_parameters(route)
        if parameters:
            operation["parameters"] = parameters
        requirement = _security(api, route, schemes)
        if requirement:
            operation["security"] = [requirement]
        paths.setdefault(route.path, {})[_method_key(route)] = operation
    document: dict = {"openapi": OPENAPI_VERSION, "info": {"title": title, "description": description,
                                                           "version": "1"}, "paths": paths}
    if schemes:
        document["components"] = {"securitySchemes": schemes}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _security(api: RestApi, route: Route, schemes: dict[str, dict]) -> dict[str, list[str]]:
    """The one security requirement of ``route`` (all of its schemes must pass); adds its schemes."""
    requirement: dict[str, list[str]] = {}
    authorization = route_authorization(api, route)
    if authorization == AWS_IAM:
        schemes[SIGV4_SCHEME] = _header_scheme("Authorization", "awsSigv4")
        requirement[SIGV4_SCHEME] = []
    elif isinstance(authorization, CognitoAuthorizer):
        schemes.setdefault(authorization.name, _cognito_scheme(authorization))
        # The scopes are the method's authorizationScopes; user text, so written literally.
        requirement[authorization.name] = [literal(scope) for scope in authorization.scopes]
    elif isinstance(authorization, LambdaAuthorizer):
        schemes.setdefault(authorization.name, _lambda_scheme(authorization))
        requirement[authorization.name] = []
    if route_requires_key(api, route):
        schemes[API_KEY_SCHEME] = {"type": "apiKey", "name": API_KEY_HEADER, "in": "header"}
        requirement[API_KEY_SCHEME] = []
    return requirement


def _header_scheme(header: str, authtype: str) -> dict:
    return {"type": "apiKey", "name": header, "in": "header", "x-amazon-apigateway-authtype": authtype}


def _cognito_scheme(authorizer: CognitoAuthorizer) -> dict:
    scheme = _header_scheme("Authorization", "cognito_user_pools")
    scheme["x-amazon-apigateway-authorizer"] = {"type": "cognito_user_pools",
                                                "providerARNs": [literal(arn) for arn in authorizer.user_pool_arns]}
    return scheme


def _lambda_scheme(authorizer: LambdaAuthorizer) -> dict:
    # A TOKEN authorizer reads the header the scheme names; a REQUEST one reads its identity
    # sources, and the scheme's header name is unused.
    token = authorizer.type == "TOKEN"
    header = authorizer.identity_source[0].rsplit(".", 1)[1] if token else "Unused"
    scheme = _header_scheme(header, "custom")
    scheme["x-amazon-apigateway-authorizer"] = {
        "type": authorizer.type.lower(),
        "authorizerUri": authorizer_uri(authorizer.function_arn),
        "authorizerResultTtlInSeconds": authorizer.result_ttl_s,
        "identitySource": literal(", ".join(authorizer.identity_source)),
    }
    return scheme


def authorizer_uri(function_arn: str) -> str:
    """API Gateway's invocation URI of a Lambda function, in the function's partition and region
    (the same form as the provider's ``invoke_arn``)."""
    found = aws.LAMBDA_FUNCTION_ARN.fullmatch(function_arn)
    assert found is not None, "validation accepts only Lambda function ARNs"
    partition, region = found.group(1), found.group(2)
    return f"arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{literal(function_arn)}/invocations"


def _method_key(route: Route) -> str:
    # ANY is API Gateway's own extension; the others are OpenAPI's lower-case operation names.
    return "x-amazon-apigateway-any-method" if route.method == "ANY" else route.method.lower()


def _path_parameters(route: Route) -> list[dict]:
    names = [part.strip("{}").rstrip("+") for part in route.path.split("/") if part.startswith("{")]
    return [{"in": "path", "name": n, "required": True, "schema": {"type": "string"}} for n in names]
