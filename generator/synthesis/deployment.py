"""``BlueGreenDeployment``: one construct that turns a ``Deployment`` into its Terraform resources.

The function publishes a version on every change; a weighted alias splits traffic between the
pinned blue version and the newest (green) one, driven by two Terraform variables; an optional
REST API invokes the alias. Library users add it to their own cdktf stack; ``BlueGreenStack``
uses it for stack files. Addresses are fixed and readable (see ``generator.naming``).
"""

from __future__ import annotations

import json
from pathlib import Path

from cdktf import (Precondition, TerraformLocal, TerraformOutput, TerraformResourceLifecycle,
                   TerraformVariable, TerraformVariableValidationConfig, Token)
from constructs import Construct

from .. import naming
from ..model import Deployment
from ..validation import validate_deployment
from .api import BlueGreenApi
from .assets import code_asset
from .provider import CloudwatchLogGroup, IamRole, IamRolePolicy, LambdaAlias, LambdaFunction

LAMBDA_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "lambda.amazonaws.com"}}],
}, sort_keys=True)


class BlueGreenDeployment(Construct):
    """A Lambda function, its weighted alias, the two traffic variables, outputs and an API.

    ``name_prefix`` prefixes AWS names (``<prefix>-<deployment>``); ``base_dir`` resolves the
    function's relative ``source``. The deployment is validated first: bad input raises
    ``generator.InvalidInput`` listing every problem.
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment, name_prefix: str,
                 base_dir: str | Path = ".") -> None:
        super().__init__(scope, id)
        base_dir = Path(base_dir)
        validate_deployment(name_prefix, deployment, base_dir)
        self.deployment = deployment
        self._name = deployment.name
        self.function = self._function(name_prefix, base_dir)
        self.alias = self._alias()
        self.api = BlueGreenApi(self, "api", deployment=deployment, name_prefix=name_prefix,
                                alias=self.alias) if deployment.api else None
        self._outputs()

    def _function(self, name_prefix: str, base_dir: Path) -> LambdaFunction:
        deployment, function = self.deployment, self.deployment.function
        role = IamRole(self, "role", name=naming.role_name(name_prefix, deployment),
                       assume_role_policy=LAMBDA_TRUST_POLICY)
        role.override_logical_id(f"{self._name}_execution")
        logs = CloudwatchLogGroup(self, "logs", name=naming.log_group_name(name_prefix, deployment),
                                  retention_in_days=function.log_retention_days)
        logs.override_logical_id(self._name)
        # Least privilege (AWS-RULES.md 12): write to its own log group, nothing else.
        policy = IamRolePolicy(self, "logs_policy", name="write-own-logs", role=role.id,
                               policy=json.dumps(_log_policy(logs.arn), sort_keys=True))
        policy.override_logical_id(f"{self._name}_logs")
        asset_path, source_code_hash = code_asset(self, base_dir / function.source, self._name)
        lambda_function = LambdaFunction(
            self, "function", function_name=naming.function_name(name_prefix, deployment),
            role=role.arn, handler=function.handler, runtime=function.runtime,
            memory_size=function.memory_mb, timeout=function.timeout_s,
            filename=asset_path, source_code_hash=source_code_hash,
            publish=True,  # every code or configuration change becomes a version: green
            environment={"variables": function.environment} if function.environment else None,
            depends_on=[logs, policy])
        lambda_function.override_logical_id(self._name)
        return lambda_function

    def _alias(self) -> LambdaAlias:
        weight, blue_var = self._variables()
        green = self._local("green_version", f"${{aws_lambda_function.{self._name}.version}}")
        blue = self._local("blue_version", f"${{coalesce(var.{blue_var}, local.{green})}}")
        alias = LambdaAlias(
            self, "alias", name=self.deployment.alias, function_name=self.function.function_name,
            description=f"{self.deployment.alias}: blue/green alias managed by bluegreen",
            # Weight 1 moves the primary to green rather than routing 100% as a weight
            # (AWS-RULES.md 2); otherwise blue is primary. Never $LATEST (AWS-RULES.md 3).
            function_version=f"${{var.{weight} == 1 ? local.{green} : local.{blue}}}",
            lifecycle=TerraformResourceLifecycle(precondition=[Precondition(
                condition=f"${{tonumber(local.{blue}) <= tonumber(local.{green})}}",
                error_message=f"The blue version (var.{blue_var}) must be a version this function "
                              "has published: at most the newest (green) version.")]))
        alias.override_logical_id(naming.alias_id(self.deployment))
        # The routing block exists only while 0 < weight < 1 and green differs from blue. When it
        # is absent, provider 5.100.0 sends an empty routing configuration, which clears old
        # weights (AWS-RULES.md 6); an always-present empty map would diff on every plan.
        # One additional version at most (AWS-RULES.md 1).
        alias.add_override("dynamic.routing_config", {
            # Nested conditionals, not &&: HCL evaluates both sides of &&, so while a new version
            # is pending (green unknown) the block, and so the alias, would show as changing
            # even at weight 0. A known-false condition never looks at the unknown branch.
            "for_each": (f"${{var.{weight} > 0 && var.{weight} < 1 ? "
                         f"(local.{green} != local.{blue} ? [1] : []) : []}}"),
            "content": {"additional_version_weights": f"${{{{ (local.{green}) = var.{weight} }}}}"},
        })
        return alias

    def _variables(self) -> tuple[str, str]:
        weight = naming.green_weight_variable(self.deployment)
        blue = naming.blue_version_variable(self.deployment)
        TerraformVariable(self, "green_weight", type="number", default=0, nullable=False,
                          description=f"Share of {self._name}'s traffic sent to the green (newest) "
                                      "version, from 0 to 1. 1 makes green the primary version.",
                          validation=[TerraformVariableValidationConfig(
                              condition=f"${{var.{weight} >= 0 && var.{weight} <= 1}}",
                              error_message=f"{weight} must be a number from 0 to 1, such as 0.25.")],
                          ).override_logical_id(weight)
        blue_variable = TerraformVariable(
            self, "blue_version", type="string", nullable=True,
            description=f"The stable (blue) version of {self._name}. Null until the first promote: "
                        "then blue is the newest version and every change goes live at 100%.",
            validation=[TerraformVariableValidationConfig(
                condition=f"${{var.{blue} == null || can(regex(\"^[0-9]+$\", var.{blue}))}}",
                error_message=f"{blue} must be null or a published version number such as \"3\".")])
        blue_variable.override_logical_id(blue)
        blue_variable.add_override("default", Token.null_value())
        return weight, blue

    def _local(self, what: str, expression: str) -> str:
        name = f"{self._name}_{what}"
        TerraformLocal(self, f"local_{what}", expression).override_logical_id(name)
        return name

    def _outputs(self) -> None:
        values = {
            "blue_version": ("The pinned stable version (the newest until the first promote).",
                             f"${{local.{self._name}_blue_version}}"),
            "green_version": ("The newest published version.", f"${{local.{self._name}_green_version}}"),
            "alias_arn": ("The alias to invoke; callers never name a version.", self.alias.arn),
        }
        if self.api:
            values["invoke_url"] = ("The API stage's URL.", self.api.stage.invoke_url)
        for what, (description, value) in values.items():
            TerraformOutput(self, f"output_{what}", value=value, description=description).override_logical_id(
                naming.output_name(self.deployment, what))


def _log_policy(log_group_arn: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                       "Resource": f"{log_group_arn}:*"}],
    }
