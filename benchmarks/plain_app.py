"""The baseline: the example's resources written as a plain cdktf app, the way its docs show.

It imports the prebuilt provider normally (``from cdktf_cdktf_provider_aws.<module> import ...``)
and zips the code with ``TerraformAsset``. Used only by ``synth_benchmark.py``:
``python plain_app.py OUTDIR SOURCE_DIR DEPLOYMENTS``.
"""

import sys

from cdktf import App, AssetType, LocalBackend, TerraformAsset, TerraformOutput, TerraformStack, TerraformVariable
from cdktf_cdktf_provider_aws.api_gateway_deployment import ApiGatewayDeployment
from cdktf_cdktf_provider_aws.api_gateway_integration import ApiGatewayIntegration
from cdktf_cdktf_provider_aws.api_gateway_method import ApiGatewayMethod
from cdktf_cdktf_provider_aws.api_gateway_resource import ApiGatewayResource
from cdktf_cdktf_provider_aws.api_gateway_rest_api import ApiGatewayRestApi
from cdktf_cdktf_provider_aws.api_gateway_stage import ApiGatewayStage
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_alias import LambdaAlias
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from cdktf_cdktf_provider_aws.provider import AwsProvider

TRUST = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
         '"Principal":{"Service":"lambda.amazonaws.com"}}]}')


def deployment(stack, name, source):
    weight = TerraformVariable(stack, f"{name}_green_weight", type="number", default=0)
    blue = TerraformVariable(stack, f"{name}_blue_version", type="string", nullable=True)
    role = IamRole(stack, f"{name}_execution", name=f"hello-{name}-exec", assume_role_policy=TRUST)
    logs = CloudwatchLogGroup(stack, f"{name}_logs", name=f"/aws/lambda/hello-{name}", retention_in_days=14)
    policy = IamRolePolicy(stack, f"{name}_logs_policy", role=role.id, policy=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream",'
        f'"logs:PutLogEvents"],"Resource":"{logs.arn}:*"}}]}}'))
    code = TerraformAsset(stack, f"{name}_code", path=source, type=AssetType.ARCHIVE)
    fn = LambdaFunction(stack, name, function_name=f"hello-{name}", role=role.arn, handler="app.handler",
                        runtime="python3.12", memory_size=128, timeout=5, filename=code.path,
                        source_code_hash=code.asset_hash, publish=True, depends_on=[logs, policy])
    alias = LambdaAlias(stack, f"{name}_live", name="live", function_name=fn.function_name,
                        function_version=f"${{coalesce({blue.fqn}, {fn.version})}}")
    alias.add_override("dynamic.routing_config", {
        "for_each": f"${{{weight.fqn} > 0 && {weight.fqn} < 1 ? [1] : []}}",
        "content": {"additional_version_weights": f"${{{{ ({fn.version}) = {weight.fqn} }}}}"}})
    api = ApiGatewayRestApi(stack, f"{name}_api", name=f"hello-{name}")
    resource = ApiGatewayResource(stack, f"{name}_hello", rest_api_id=api.id, parent_id=api.root_resource_id,
                                  path_part="hello")
    method = ApiGatewayMethod(stack, f"{name}_get", rest_api_id=api.id, resource_id=resource.id,
                              http_method="GET", authorization="NONE")
    integration = ApiGatewayIntegration(stack, f"{name}_get_integration", rest_api_id=api.id,
                                        resource_id=resource.id, http_method=method.http_method,
                                        type="AWS_PROXY", integration_http_method="POST", uri=alias.invoke_arn)
    deployment_ = ApiGatewayDeployment(stack, f"{name}_deployment", rest_api_id=api.id,
                                       triggers={"routes": "GET /hello"}, depends_on=[method, integration],
                                       lifecycle={"create_before_destroy": True})
    stage = ApiGatewayStage(stack, f"{name}_v1", rest_api_id=api.id, deployment_id=deployment_.id, stage_name="v1")
    LambdaPermission(stack, f"{name}_permission", statement_id=f"apigateway-{name}", action="lambda:InvokeFunction",
                     principal="apigateway.amazonaws.com", function_name=fn.function_name, qualifier=alias.name,
                     source_arn=f"{api.execution_arn}/*")
    TerraformOutput(stack, f"{name}_alias_arn", value=alias.arn)
    TerraformOutput(stack, f"{name}_invoke_url", value=stage.invoke_url)


def main(outdir: str, source: str, count: int) -> None:
    app = App(outdir=outdir)
    stack = TerraformStack(app, "hello")
    LocalBackend(stack, path="terraform.tfstate")
    AwsProvider(stack, "aws", region="us-east-1")
    for index in range(count):
        deployment(stack, "hello" if count == 1 else f"svc{index}", source)
    app.synth()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
