"""The one place that imports the prebuilt AWS provider bindings (cdktf-cdktf-provider-aws).

Every resource class the synthesis layer uses comes from here, so how the bindings are loaded
is decided in one module.

Why the package is registered by hand: the bindings' package ``__init__`` imports all of its
~2,100 submodules (about 12 s and 0.6 GB on our 2-core machines) although we use ten, and
the synthesized JSON does not depend on the others being loaded. We register the package module
without running that ``__init__`` (it defines nothing but those imports), so importing a
submodule loads just that submodule and the provider's jsii assembly. A package already imported
in full (say, by a library user's own code) is left as it is. The synth benchmark measures the effect.
"""

from __future__ import annotations

import importlib.util
import sys

PACKAGE = "cdktf_cdktf_provider_aws"


def _register_package_without_init() -> None:
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise ImportError(f"{PACKAGE} is not installed: pip install cdktf-cdktf-provider-aws==20.1.0")
    # module_from_spec sets __path__ from the spec, so submodules resolve; exec_module is skipped.
    sys.modules[PACKAGE] = importlib.util.module_from_spec(spec)


_register_package_without_init()

from cdktf_cdktf_provider_aws.api_gateway_deployment import ApiGatewayDeployment
from cdktf_cdktf_provider_aws.api_gateway_rest_api import ApiGatewayRestApi, ApiGatewayRestApiEndpointConfiguration
from cdktf_cdktf_provider_aws.api_gateway_stage import ApiGatewayStage
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lambda_alias import LambdaAlias
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from cdktf_cdktf_provider_aws.provider import AwsProvider

__all__ = [
    "ApiGatewayDeployment", "ApiGatewayRestApi", "ApiGatewayRestApiEndpointConfiguration", "ApiGatewayStage", "AwsProvider", "CloudwatchLogGroup", "IamRole",
    "IamRolePolicy", "LambdaAlias", "LambdaFunction", "LambdaPermission",
]
