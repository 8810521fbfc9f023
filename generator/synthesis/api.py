"""``BlueGreenApi``: an API Gateway REST API, defined as one OpenAPI document, whose every route
invokes the deployment's alias.

Why one document: an API Gateway deployment is a snapshot of the API when it is created. With a
resource, method and integration per route, Terraform creates the new deployment before it
destroys a removed route, so the snapshot keeps serving it (docs/aws-rules.md#r20-deployment-snapshot).
As the rest API's ``body`` with ``put_rest_api_mode = "overwrite"``, every route change is one
in-place update of the API, and the deployment, whose trigger is the body's hash, is created
after it. Because the integrations target the alias, traffic shifting never touches the API: a
weight change plans as one changed resource, the alias.
"""

from __future__ import annotations

import json

from cdktf import TerraformResourceLifecycle
from constructs import Construct

from ..model import naming
from ..model.naming import ref
from ..model.stack import Deployment, Route
from .provider import (
    ApiGatewayDeployment,
    ApiGatewayRestApi,
    ApiGatewayRestApiEndpointConfiguration,
    ApiGatewayStage,
    LambdaPermission,
)
from .terraform_text import literal

OPENAPI_VERSION = "3.0.1"


class BlueGreenApi:
    """The REST API (an OpenAPI body), its deployment and stage, and the alias's invoke permission.

    Not a construct of its own: its resources go straight into the deployment's scope, one
    construct fewer a deployment (each costs a round trip to jsii).
    """

    def __init__(self, scope: Construct, *, deployment: Deployment, name_prefix: str) -> None:
        api = deployment.api
        assert api is not None, "BlueGreenApi is built only for a deployment with an API"
        at = naming.Addresses(deployment)
        alias_address, rest_api_address = at.alias, at.rest_api
        api_name = naming.api_name(name_prefix, deployment)
        description = literal(f"{deployment.name}: invokes alias {deployment.alias}")
        self.rest_api = ApiGatewayRestApi(
            scope, "rest_api", name=api_name, description=description,
            body=openapi_body(deployment, api_name, description, ref(alias_address, "invoke_arn")),
            put_rest_api_mode="overwrite",
            endpoint_configuration=ApiGatewayRestApiEndpointConfiguration(types=[api.endpoint_type]))
        self.rest_api.override_logical_id(naming.logical_id(at.rest_api))
        # The grant must name the alias (qualifier): an unqualified one does not cover it and API
        # Gateway answers 500 (docs/aws-rules.md#r10-permission-qualifier). source_arn keeps it to
        # this API. A generated statement id lets a replacement (a renamed alias) be created
        # before the old grant is removed.
        permission = LambdaPermission(
            scope, "permission", statement_id_prefix=f"apigateway-{api_name}-",
            action="lambda:InvokeFunction", principal="apigateway.amazonaws.com",
            function_name=ref(alias_address, "function_name"), qualifier=ref(alias_address, "name"),
            source_arn=ref(rest_api_address, "execution_arn") + "/*",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
        permission.override_logical_id(naming.logical_id(at.permission))
        # A new deployment snapshot whenever the document changes, created before the old one
        # is destroyed (docs/aws-rules.md#r14-redeploy), and only once the grant exists, so a
        # stage never serves routes that Lambda refuses to run.
        api_deployment = ApiGatewayDeployment(
            scope, "deployment", rest_api_id=ref(rest_api_address, "id"),
            triggers={"body": f"${{sha256({rest_api_address}.body)}}"},
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            depends_on=[permission])
        api_deployment.override_logical_id(naming.logical_id(at.api_deployment))
        self.stage = ApiGatewayStage(scope, "stage", rest_api_id=ref(rest_api_address, "id"),
                                     deployment_id=ref(at.api_deployment, "id"),
                                     stage_name=api.stage)
        self.stage.override_logical_id(naming.logical_id(at.stage))


def openapi_body(deployment: Deployment, title: str, description: str, invoke_arn: str) -> str:
    """The API as an OpenAPI 3 document (JSON text); ``invoke_arn`` is the alias's reference.

    Deterministic: paths and methods sorted, keys sorted. API Gateway reads its integration from
    the ``x-amazon-apigateway-integration`` extension (docs/aws-rules.md#r13-proxy-integration).
    """
    api = deployment.api
    assert api is not None, "only a deployment with an API has an OpenAPI document"
    integration = {
        "type": "aws_proxy",
        "httpMethod": "POST",  # Lambda proxy integrations are always invoked with POST
        "uri": invoke_arn,
        "passthroughBehavior": "when_no_match",
        "timeoutInMillis": api.integration_timeout_s * 1000,
    }
    paths: dict[str, dict] = {}
    for route in sorted(api.routes, key=lambda r: (r.path, r.method)):
        operation: dict = {"x-amazon-apigateway-integration": integration,
                           "responses": {"default": {"description": "the function's response"}}}
        parameters = _path_parameters(route)
        if parameters:
            operation["parameters"] = parameters
        paths.setdefault(route.path, {})[_method_key(route)] = operation
    document = {"openapi": OPENAPI_VERSION, "info": {"title": title, "description": description,
                                                      "version": "1"}, "paths": paths}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _method_key(route: Route) -> str:
    # ANY is API Gateway's own extension; the others are OpenAPI's lower-case operation names.
    return "x-amazon-apigateway-any-method" if route.method == "ANY" else route.method.lower()


def _path_parameters(route: Route) -> list[dict]:
    names = [part.strip("{}").rstrip("+") for part in route.path.split("/") if part.startswith("{")]
    return [{"in": "path", "name": n, "required": True, "schema": {"type": "string"}} for n in names]
