"""Every name we derive: Terraform addresses, variables, outputs and AWS resource names.

The contract: each name is a pure function of the stack name, the deployment name, the alias
and the stage. It changes if and only if one of those changes. That matters because a changed
Terraform address means destroy-and-recreate, and a changed AWS name means a new function with
no versions. No hashes, no counters: a reviewer reads ``aws_lambda_alias.orders`` in a plan and
knows what it is. Routes have no addresses of their own: the API is one OpenAPI document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Deployment

# Terraform identifiers may hold letters, digits, "_" and "-"; we keep to "_" for readability.
_NOT_IDENTIFIER = re.compile(r"[^a-zA-Z0-9_]+")


def function_name(stack_name: str, deployment: Deployment) -> str:
    """AWS Lambda function name, e.g. ``shop-orders``."""
    return f"{stack_name}-{deployment.name}"


def role_name(stack_name: str, deployment: Deployment) -> str:
    """IAM execution role name, e.g. ``shop-orders-exec``."""
    return f"{function_name(stack_name, deployment)}-exec"


def log_group_name(stack_name: str, deployment: Deployment) -> str:
    """The log group Lambda writes to by default, created by us so it has a retention."""
    return f"/aws/lambda/{function_name(stack_name, deployment)}"


def api_name(stack_name: str, deployment: Deployment) -> str:
    return function_name(stack_name, deployment)


def green_weight_variable(deployment: Deployment) -> str:
    return f"{deployment.name}_green_weight"


def blue_version_variable(deployment: Deployment) -> str:
    return f"{deployment.name}_blue_version"


def green_version_variable(deployment: Deployment) -> str:
    return f"{deployment.name}_green_version"


def output_name(deployment: Deployment, what: str) -> str:
    """An output of the deployment (see ``OUTPUTS``), prefixed with its name."""
    return f"{deployment.name}_{what}"


# Every output a deployment has; ``invoke_url`` only with an API.
OUTPUTS = ("blue_version", "green_version", "newest_version", "applied_traffic", "alias_arn",
           "alias_routing", "invoke_url")


def alias_id(deployment: Deployment) -> str:
    """Terraform name of the alias, ``aws_lambda_alias.<deployment>``: the same whatever the alias is called.

    A stable address lets a renamed alias be replaced create-before-destroy: the new alias, its
    permission and the API that invokes it exist before the old alias goes
    (docs/aws-rules.md#r27-create-before-destroy). Before, the address held the alias name.
    """
    return deployment.name


def legacy_alias_id(deployment: Deployment) -> str:
    """The alias address older bluegreen releases used (``<deployment>_<alias>``), for a ``moved`` block."""
    return identifier(f"{deployment.name}_{deployment.alias}")


def first_version_id(deployment: Deployment) -> str:
    """Terraform name of the ``terraform_data`` that remembers the first version ever published."""
    return f"{deployment.name}_first_version"


def stage_id(deployment: Deployment, stage: str) -> str:
    return identifier(f"{deployment.name}_{stage}")


@dataclass(frozen=True)
class Address:
    """A Terraform address one deployment produces, the field that decides it, and what it is for.

    ``source`` says what the address stands for; two different sources on one address are a clash.
    """

    address: str
    field: str
    source: tuple


def deployment_addresses(deployment: Deployment) -> list[Address]:
    """Every Terraform address (resources, variables, locals, outputs) of one deployment."""
    name = deployment.name
    by_name = [f"aws_lambda_function.{name}", f"aws_iam_role.{name}_execution",
               f"aws_iam_role_policy.{name}_logs", f"aws_cloudwatch_log_group.{name}",
               f"aws_lambda_alias.{alias_id(deployment)}", f"terraform_data.{first_version_id(deployment)}",
               f"var.{green_weight_variable(deployment)}", f"var.{blue_version_variable(deployment)}",
               f"var.{green_version_variable(deployment)}",
               f"local.{name}_newest_version", f"local.{name}_blue_version", f"local.{name}_green_version"]
    outputs = OUTPUTS if deployment.api else OUTPUTS[:-1]
    by_name += [f"output.{output_name(deployment, what)}" for what in outputs]
    if deployment.api:
        by_name += [f"aws_api_gateway_rest_api.{name}", f"aws_api_gateway_deployment.{name}",
                    f"aws_lambda_permission.{name}_api"]
    addresses = [Address(a, "name", ("deployment", name)) for a in by_name]
    if deployment.api:
        addresses.append(Address(f"aws_api_gateway_stage.{stage_id(deployment, deployment.api.stage)}",
                                 "api.stage", ("stage", name)))
    return addresses


def ref(address: str, attribute: str) -> str:
    """A Terraform reference such as ``${aws_lambda_alias.orders_live.arn}``.

    Synthesis writes references to the fixed addresses above directly: the JSON is the same as
    through cdktf's tokens, reads the same in review, and costs no round trip to jsii's Node.js
    process (66 of them per deployment before, most of a 100-deployment synth).
    """
    return f"${{{address}.{attribute}}}"


def identifier(text: str) -> str:
    """``text`` as a Terraform name: runs of other characters become ``_``."""
    return _NOT_IDENTIFIER.sub("_", text).strip("_") or "_"
