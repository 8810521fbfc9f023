"""``BlueGreenApi``: an API Gateway REST API whose every route invokes the deployment's alias.

Because the integrations target the alias, traffic shifting never touches the API: a weight
change plans as one changed resource, the alias (AWS-RULES.md 15).
"""

from __future__ import annotations

import hashlib
import json

from cdktf import TerraformResourceLifecycle
from constructs import Construct

from .. import naming
from ..naming import ref
from ..model import Deployment
from .provider import (ApiGatewayDeployment, ApiGatewayIntegration, ApiGatewayMethod,
                       ApiGatewayResource, ApiGatewayRestApi, ApiGatewayStage, LambdaPermission)


class BlueGreenApi:
    """Resources per path part, a method and ``AWS_PROXY`` integration per route, a stage.

    Not a construct of its own: its resources go straight into the deployment's scope, one
    construct fewer a deployment (each costs a round trip to jsii; issue #4).
    """

    def __init__(self, scope: Construct, *, deployment: Deployment, name_prefix: str,
                 alias_address: str) -> None:
        self._scope = scope
        self._deployment = deployment
        name = deployment.name
        self.rest_api = ApiGatewayRestApi(scope, "rest_api", name=naming.api_name(name_prefix, deployment),
                                          description=f"{name}: invokes alias {deployment.alias}")
        self.rest_api.override_logical_id(name)
        self._rest_api = f"aws_api_gateway_rest_api.{name}"
        self._rest_api_id = ref(self._rest_api, "id")
        resources = self._resources()
        routes = [self._route(route, resources, alias_address) for route in deployment.api.routes]
        # API Gateway serves a stage from a deployment snapshot, so route changes need a new
        # deployment (hashicorp/terraform-provider-aws#162), created before the old one is
        # destroyed (#10105). The trigger hashes the routes and integrations, never the weights.
        api_deployment = ApiGatewayDeployment(
            scope, "deployment", rest_api_id=self._rest_api_id,
            triggers={"routes": self._routes_digest(name_prefix)},
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            depends_on=[part for route in routes for part in route])
        api_deployment.override_logical_id(name)
        self.stage = ApiGatewayStage(scope, "stage", rest_api_id=self._rest_api_id,
                                     deployment_id=ref(f"aws_api_gateway_deployment.{name}", "id"),
                                     stage_name=deployment.api.stage)
        self.stage.override_logical_id(naming.stage_id(deployment, deployment.api.stage))
        # The grant must name the alias (qualifier): an unqualified one does not cover it and
        # API Gateway answers 500 (AWS-RULES.md 10). source_arn keeps it to this API.
        permission = LambdaPermission(
            scope, "permission", statement_id=f"apigateway-{naming.api_name(name_prefix, deployment)}",
            action="lambda:InvokeFunction", principal="apigateway.amazonaws.com",
            function_name=ref(alias_address, "function_name"), qualifier=ref(alias_address, "name"),
            source_arn=ref(self._rest_api, "execution_arn") + "/*")
        permission.override_logical_id(f"{name}_api")

    def _resources(self) -> dict[str, str]:
        """Create one resource per distinct path (parents first); map path -> resource id."""
        ids = {"/": ref(self._rest_api, "root_resource_id")}
        paths = {prefix for route in self._deployment.api.routes for prefix in naming.path_prefixes(route.path)}
        for path in sorted(paths, key=lambda p: (p.count("/"), p)):
            parent, _, part = path.rpartition("/")
            logical_id = naming.resource_id(self._deployment, path)
            resource = ApiGatewayResource(self._scope, logical_id, rest_api_id=self._rest_api_id,
                                          parent_id=ids[parent or "/"], path_part=part)
            resource.override_logical_id(logical_id)
            ids[path] = ref(f"aws_api_gateway_resource.{logical_id}", "id")
        return ids

    def _route(self, route, resources: dict[str, str], alias_address: str) -> tuple:
        logical_id = naming.route_id(self._deployment, route)
        method = ApiGatewayMethod(self._scope, f"{logical_id}_method",
                                  rest_api_id=self._rest_api_id, resource_id=resources[route.path],
                                  http_method=route.method, authorization="NONE")
        method.override_logical_id(logical_id)
        # Lambda proxy integrations are always invoked with POST (AWS-RULES.md 13).
        integration = ApiGatewayIntegration(
            self._scope, f"{logical_id}_integration", rest_api_id=self._rest_api_id,
            resource_id=resources[route.path], http_method=ref(f"aws_api_gateway_method.{logical_id}", "http_method"),
            type="AWS_PROXY", integration_http_method="POST", uri=ref(alias_address, "invoke_arn"))
        integration.override_logical_id(logical_id)
        return method, integration

    def _routes_digest(self, name_prefix: str) -> str:
        table = {
            "alias": self._deployment.alias,
            "function": naming.function_name(name_prefix, self._deployment),
            "integration": {"type": "AWS_PROXY", "method": "POST"},
            "routes": sorted([route.method, route.path] for route in self._deployment.api.routes),
        }
        return hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()

