"""``BlueGreenDeployment``: one construct that turns a ``Deployment`` into its Terraform resources.

The function publishes a version on every change; a weighted alias splits traffic between the
pinned blue version and the newest (green) one, driven by two Terraform variables; an optional
REST API invokes the alias. Library users add it to their own cdktf stack; ``BlueGreenStack``
uses it for stack files. Addresses are fixed and readable (see ``generator.naming``).
"""

from __future__ import annotations

import json
from pathlib import Path

from cdktf import Precondition, TerraformResourceLifecycle, TerraformStack, Token
from constructs import Construct

from .. import naming
from ..naming import ref
from ..archive import Archive, build_archive
from ..model import Deployment
from ..traffic_interface import traffic_interface
from ..validation import validate_deployment
from .api import BlueGreenApi
from .assets import code_asset
from .provider import CloudwatchLogGroup, IamRole, IamRolePolicy, LambdaAlias, LambdaFunction

_NULL = None  # Token.null_value(), fetched once: each fetch is a round trip to jsii

LAMBDA_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "lambda.amazonaws.com"}}],
}, sort_keys=True)


class BlueGreenDeployment(Construct):
    """A Lambda function, its weighted alias, the two traffic variables, outputs and an API.

    ``name_prefix`` prefixes AWS names (``<prefix>-<deployment>``); ``base_dir`` resolves the
    function's relative ``source``. ``add_variables_and_outputs=False`` leaves the traffic
    variables, locals and outputs to the caller (``add_interface``), as ``BlueGreenStack`` does.
    ``archive``: the code archive when the caller has built it already (default: built here).
    The deployment is validated first: bad input raises ``generator.InvalidInput`` listing
    every problem.
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment, name_prefix: str,
                 base_dir: str | Path = ".", add_variables_and_outputs: bool = True,
                 archive: Archive | None = None) -> None:
        super().__init__(scope, id)
        base_dir = Path(base_dir)
        validate_deployment(name_prefix, deployment, base_dir)
        self.deployment = deployment
        self._name = deployment.name
        self.function = self._function(name_prefix, archive or build_archive(base_dir / deployment.function.source))
        self.alias = self._alias()
        self._alias_address = f"aws_lambda_alias.{naming.alias_id(deployment)}"
        self.api = BlueGreenApi(self, deployment=deployment, name_prefix=name_prefix,
                                alias_address=self._alias_address) if deployment.api else None
        if add_variables_and_outputs:
            self._interface()

    def _function(self, name_prefix: str, archive: Archive) -> LambdaFunction:
        deployment, function = self.deployment, self.deployment.function
        role = IamRole(self, "role", name=naming.role_name(name_prefix, deployment),
                       assume_role_policy=LAMBDA_TRUST_POLICY)
        role.override_logical_id(f"{self._name}_execution")
        logs = CloudwatchLogGroup(self, "logs", name=naming.log_group_name(name_prefix, deployment),
                                  retention_in_days=function.log_retention_days)
        logs.override_logical_id(self._name)
        # Least privilege (AWS-RULES.md 12): write to its own log group, nothing else.
        policy = IamRolePolicy(self, "logs_policy", name="write-own-logs",
                               role=ref(f"aws_iam_role.{self._name}_execution", "id"),
                               policy=json.dumps(_log_policy(ref(f"aws_cloudwatch_log_group.{self._name}", "arn")),
                                                 sort_keys=True))
        policy.override_logical_id(f"{self._name}_logs")
        asset_path, source_code_hash = code_asset(self, archive, self._name)
        lambda_function = LambdaFunction(
            self, "function", function_name=naming.function_name(name_prefix, deployment),
            role=ref(f"aws_iam_role.{self._name}_execution", "arn"), handler=function.handler, runtime=function.runtime,
            memory_size=function.memory_mb, timeout=function.timeout_s,
            filename=asset_path, source_code_hash=source_code_hash,
            publish=True,  # every code or configuration change becomes a version: green
            environment={"variables": function.environment} if function.environment else None,
            depends_on=[logs, policy])
        lambda_function.override_logical_id(self._name)
        return lambda_function

    def _alias(self) -> LambdaAlias:
        name = self._name
        weight = f"var.{naming.green_weight_variable(self.deployment)}"
        green, blue = f"local.{name}_green_version", f"local.{name}_blue_version"
        alias = LambdaAlias(
            self, "alias", name=self.deployment.alias,
            function_name=ref(f"aws_lambda_function.{name}", "function_name"),
            description=f"{self.deployment.alias}: blue/green alias managed by bluegreen",
            # Weight 1 moves the primary to green rather than routing 100% as a weight
            # (AWS-RULES.md 2); otherwise blue is primary. Never $LATEST (AWS-RULES.md 3).
            function_version=f"${{{weight} == 1 ? {green} : {blue}}}",
            lifecycle=TerraformResourceLifecycle(precondition=[Precondition(
                condition=f"${{tonumber({blue}) <= tonumber({green})}}",
                error_message=f"The blue version (var.{naming.blue_version_variable(self.deployment)}) must "
                              "be a version this function has published: at most the newest (green) version.")]))
        alias.override_logical_id(naming.alias_id(self.deployment))
        # The routing block exists only while 0 < weight < 1 and green differs from blue. When it
        # is absent, provider 5.100.0 sends an empty routing configuration, which clears old
        # weights (AWS-RULES.md 6); an always-present empty map would diff on every plan.
        # One additional version at most (AWS-RULES.md 1).
        alias.add_override("dynamic.routing_config", {
            # Nested conditionals, not &&: HCL evaluates both sides of &&, so while a new version
            # is pending (green unknown) the block, and so the alias, would show as changing
            # even at weight 0. A known-false condition never looks at the unknown branch.
            "for_each": f"${{{weight} > 0 && {weight} < 1 ? ({green} != {blue} ? [1] : []) : []}}",
            "content": {"additional_version_weights": f"${{{{ ({green}) = {weight} }}}}"},
        })
        return alias

    def _interface(self) -> None:
        # Variables, locals and outputs are plain JSON (generator.traffic_interface), merged
        # into the stack one element at a time so deployments never overwrite each other.
        stack = TerraformStack.of(self)
        for block, elements in traffic_interface(self.deployment).items():
            for element, body in elements.items():
                stack.add_override(f"{block}.{element}", _keep_nulls(body))


def add_interface(stack: TerraformStack, deployments: list[Deployment]) -> None:
    """Set ``stack``'s variable, locals and output blocks to those of ``deployments``.

    This replaces the three blocks whole, so pass all of the stack's deployments: three jsii
    round trips in all, instead of eight per deployment (issue #4).
    """
    blocks: dict[str, dict] = {}
    for deployment in deployments:
        for block, elements in traffic_interface(deployment).items():
            blocks.setdefault(block, {}).update(elements)
    for block, elements in blocks.items():
        stack.add_override(block, _keep_nulls(elements))


def _keep_nulls(value):
    # jsii turns Python None into "absent"; Terraform needs a literal null (blue's default).
    if isinstance(value, dict):
        return {key: _keep_nulls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_keep_nulls(item) for item in value]
    global _NULL
    if value is None and _NULL is None:
        _NULL = Token.null_value()
    return _NULL if value is None else value


def _log_policy(log_group_arn: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                       "Resource": f"{log_group_arn}:*"}],
    }
