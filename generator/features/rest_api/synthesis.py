"""``BlueGreenApi``: an API Gateway REST API, defined as one OpenAPI document, whose every route
invokes the deployment's alias.

Why one document: an API Gateway deployment is a snapshot of the API when it is created. With a
resource, method and integration per route, Terraform creates the new deployment before it
destroys a removed route, so the snapshot keeps serving it (docs/aws-rules.md#r20-deployment-snapshot).
As the rest API's ``body`` with ``put_rest_api_mode = "overwrite"``, every route change is one
in-place update of the API, and the deployment, whose trigger is the body's hash, is created
after it. Because the integrations target the alias, traffic shifting never touches the API: a
weight change plans as one changed resource, the alias.

The API's options are written by the modules next to this one: who may call a route is part of
the document (``api_document``), Lambda authorizers' grants, the custom domain and the web ACL
are ``api_access``'s, access and execution logs, throttling and API keys ``api_stage``'s, and
the account's CloudWatch role, one per stack, ``api_account``'s.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from constructs import Construct

from ...bindings.provider import (
    ApiGatewayDeployment,
    ApiGatewayRestApi,
    ApiGatewayRestApiEndpointConfiguration,
    ApiGatewayStage,
    LambdaPermission,
)
from ...bindings.terraform_text import literal
from ...model import naming
from ...model.naming import ref
from ...model.stack import Deployment
from .addresses import RestApiAddresses, api_name
from .declaration import RestApi, rest_api_of
from .synthesis_access import authorizer_permissions, custom_domain, web_acl_association
from .synthesis_account import account_setting
from .synthesis_document import openapi_body
from .synthesis_stage import access_log_settings, method_settings, usage_plan

__all__ = ["BlueGreenApi", "openapi_body"]


class BlueGreenApi:
    """The REST API (an OpenAPI body), its deployment and stage, the alias's invoke permission,
    and the API's options.

    Not a construct of its own: its resources go straight into the deployment's scope, one
    construct fewer a deployment (each costs a round trip to jsii); the account's CloudWatch role
    goes into the stack's.
    """

    def __init__(self, scope: Construct, *, deployment: Deployment, name_prefix: str) -> None:
        api = rest_api_of(deployment)
        assert api is not None, "BlueGreenApi is built only for a deployment with an API"
        at = RestApiAddresses(deployment)
        alias_address, rest_api_address = at.alias, at.rest_api
        name = api_name(name_prefix, deployment)
        description = literal(f"{deployment.name}: invokes alias {deployment.alias}")
        # Were the API ever replaced (terraform apply -replace, an argument that forces it), the new
        # one would exist before the old one goes, as the alias it calls does; two REST APIs may
        # share a name, so nothing clashes meanwhile (docs/aws-rules.md#r27-create-before-destroy).
        self.rest_api = ApiGatewayRestApi(
            scope, "rest_api", name=name, description=description,
            body=openapi_body(deployment, name, description, ref(alias_address, "invoke_arn")),
            put_rest_api_mode="overwrite",
            endpoint_configuration=ApiGatewayRestApiEndpointConfiguration(types=[api.endpoint_type]),
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
        self.rest_api.override_logical_id(naming.logical_id(at.rest_api))
        # The grant must name the alias (qualifier): an unqualified one does not cover it and API
        # Gateway answers 500 (docs/aws-rules.md#r10-permission-qualifier). source_arn keeps it to
        # this API. A generated statement id lets a replacement (a renamed alias) be created
        # before the old grant is removed.
        permission = LambdaPermission(
            scope, "permission", statement_id_prefix=f"apigateway-{name}-",
            action="lambda:InvokeFunction", principal="apigateway.amazonaws.com",
            function_name=ref(alias_address, "function_name"), qualifier=ref(alias_address, "name"),
            source_arn=ref(rest_api_address, "execution_arn") + "/*",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
        permission.override_logical_id(naming.logical_id(at.permission))
        # A new deployment snapshot whenever the document changes, created before the old one
        # is destroyed (docs/aws-rules.md#r14-redeploy), and only once the grants exist (the
        # alias's and the Lambda authorizers'), so a stage never serves routes that Lambda
        # refuses to run.
        api_deployment = ApiGatewayDeployment(
            scope, "deployment", rest_api_id=ref(rest_api_address, "id"),
            triggers={"body": f"${{sha256({rest_api_address}.body)}}"},
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            depends_on=[permission, *authorizer_permissions(scope, deployment)])
        api_deployment.override_logical_id(naming.logical_id(at.api_deployment))
        self.stage = self._stage(scope, deployment, api, name_prefix)
        method_settings(scope, deployment)
        if api.api_keys is not None:
            usage_plan(scope, deployment, name_prefix)
        if api.domain is not None:
            custom_domain(scope, deployment)
        if api.web_acl_arn is not None:
            web_acl_association(scope, deployment)

    @staticmethod
    def _stage(scope: Construct, deployment: Deployment, api: RestApi, name_prefix: str) -> ApiGatewayStage:
        # Access logs need the account's CloudWatch role first
        # (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role); tracing is written
        # only when on (docs/aws-rules.md#r43-stage-x-ray-tracing), so a stage without it is as before.
        at, logs = RestApiAddresses(deployment), api.access_logs
        account = None
        if logs is not None:
            account = account_setting(scope, logs.cloudwatch_role, name_prefix,
                                      f"{name_prefix}.{deployment.name}.api.access_logs.cloudwatch_role")
        # A renamed stage is a new stage: created first, so that what hangs off the stage (the base
        # path mapping, the usage plan, the web ACL, the method settings) moves to it before the
        # old one goes; API Gateway refuses to delete a stage that a base path mapping still uses
        # (docs/aws-rules.md#r27-create-before-destroy).
        stage = ApiGatewayStage(
            scope, "stage", rest_api_id=ref(at.rest_api, "id"), deployment_id=ref(at.api_deployment, "id"),
            stage_name=api.stage, xray_tracing_enabled=True if api.tracing else None,
            access_log_settings=access_log_settings(scope, deployment, logs, name_prefix) if logs else None,
            depends_on=[account] if account is not None else None,
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
        stage.override_logical_id(naming.logical_id(at.stage))
        return stage
