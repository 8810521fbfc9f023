"""The account bootstrap's root module: the one owner of API Gateway's CloudWatch role setting
in an account and region (docs/aws-rules.md#r51-the-account-bootstrap).

``bluegreen bootstrap --region R`` applies it once per account and region, as ``cdk bootstrap``
does for CDK; stacks then leave the setting alone (``AccessLogs.cloudwatch_role="existing"``,
the default). It holds the role API Gateway assumes to write logs (per region, so each region's
bootstrap owns and may destroy its own), its inline policy, and ``aws_api_gateway_account``
naming it, reset on destroy so the account never names a deleted role. Its state is where the
caller says (``Stack.backend``: a local file in the bootstrap's folder, or an S3 object).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cdktf import App, TerraformOutput, TerraformStack
from constructs import Construct

from ..bindings.provider import AwsProvider
from ..core.layout import CONFIG, OutputLayout
from ..features.rest_api.synthesis_account import account_resource, logging_role
from ..model import naming
from ..model.stack import Stack
from .stack import state_backend


class BootstrapStack(TerraformStack):
    """The bootstrap of ``stack.region``: the logging role and the account setting naming it."""

    def __init__(self, scope: Construct, stack: Stack) -> None:
        super().__init__(scope, stack.name)
        state_backend(self, stack)
        AwsProvider(self, "aws", region=stack.region)
        role_arn, depends_on = logging_role(self, naming.bootstrap_role_name(stack.region))
        account_resource(self, role_arn, depends_on, reset_on_delete=True)
        TerraformOutput(self, naming.BOOTSTRAP_ROLE_OUTPUT, value=role_arn)


def bootstrap_config(stack: Stack) -> str:
    """The bootstrap's ``cdk.tf.json`` for ``stack`` (its name, region and backend)."""
    with tempfile.TemporaryDirectory(prefix="bluegreen-bootstrap-") as out:
        app = App(outdir=out)
        BootstrapStack(app, stack)
        app.synth()
        return OutputLayout(Path(out)).stack_file(stack.name, CONFIG).read_text()
