"""The one place that imports the prebuilt AWS provider bindings (cdktf-cdktf-provider-aws).

Every resource class the synthesis layer uses comes from here, so how the bindings are loaded
is decided in one module.
"""

from __future__ import annotations

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

__all__ = [
    "ApiGatewayDeployment", "ApiGatewayIntegration", "ApiGatewayMethod", "ApiGatewayResource",
    "ApiGatewayRestApi", "ApiGatewayStage", "AwsProvider", "CloudwatchLogGroup", "IamRole",
    "IamRolePolicy", "LambdaAlias", "LambdaFunction", "LambdaPermission",
]
