"""Every name we derive: Terraform addresses, variables, outputs and AWS resource names.

The contract: each name is a pure function of the stack name, the deployment name, the alias
and the stage. It changes if and only if one of those changes. That matters because a changed
Terraform address means destroy-and-recreate, and a changed AWS name means a new function with
no versions. No hashes, no counters: a reviewer reads ``aws_lambda_alias.orders`` in a plan and
knows what it is. Routes have no addresses of their own: the API is one OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .stack import Deployment, Stack

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


@dataclass(frozen=True)
class TrafficVariables:
    """The three traffic variables of the deployment called ``name``.

    By name, not by ``Deployment``: the plan summary reads plan JSON with no stack file, and
    finds the deployments there by their weight variables (``deployments_in``).
    """

    name: str

    @property
    def green_weight(self) -> str:
        return f"{self.name}{_WEIGHT_SUFFIX}"

    @property
    def blue_version(self) -> str:
        return f"{self.name}_blue_version"

    @property
    def green_version(self) -> str:
        return f"{self.name}_green_version"

    @staticmethod
    def deployments_in(variables: Iterable[str]) -> list[str]:
        """The names of the deployments whose weight variable is among ``variables``."""
        return [v[: -len(_WEIGHT_SUFFIX)] for v in variables if v.endswith(_WEIGHT_SUFFIX)]


_WEIGHT_SUFFIX = "_green_weight"


def green_weight_variable(deployment: Deployment) -> str:
    return TrafficVariables(deployment.name).green_weight


def blue_version_variable(deployment: Deployment) -> str:
    return TrafficVariables(deployment.name).blue_version


def green_version_variable(deployment: Deployment) -> str:
    return TrafficVariables(deployment.name).green_version


def state_key(stack: Stack) -> str:
    """The S3 key of a stack's state when its ``S3Backend`` names none: one object per stack."""
    return f"bluegreen/{stack.name}/terraform.tfstate"


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


ALIAS_TYPE = "aws_lambda_alias"


def deployment_of_alias(resource_type: str, resource_name: str, deployments: Iterable[str]) -> str | None:
    """Which of ``deployments`` (names) a resource is the alias of, from its type and name (a
    plan's ``type`` and ``name``, which hold inside a module too); None when it is none's.

    The name matches whole (``alias_id``): deployment ``a_b`` never takes the alias of ``a``.
    """
    if resource_type != ALIAS_TYPE:
        return None
    return resource_name if resource_name in deployments else None


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


@dataclass(frozen=True)
class Addresses:
    """Every Terraform address of one deployment: the one place each is spelled.

    Synthesis writes them, validation checks them for clashes (``all``), and the plan summary and
    the state reader look them up. Resources read ``type.name``; ``logical_id`` is the name part
    that cdktf's ``override_logical_id`` wants. Adding a resource to a deployment adds a property
    here and a line in ``all``.
    """

    deployment: Deployment

    @property
    def function(self) -> str:
        return f"aws_lambda_function.{self.deployment.name}"

    @property
    def role(self) -> str:
        return f"aws_iam_role.{self.deployment.name}_execution"

    @property
    def log_policy(self) -> str:
        return f"aws_iam_role_policy.{self.deployment.name}_logs"

    @property
    def tracing_policy(self) -> str:
        """Only with ``Function.tracing``: the execution role's permission to write X-Ray traces."""
        return f"aws_iam_role_policy.{self.deployment.name}_tracing"

    @property
    def log_group(self) -> str:
        return f"aws_cloudwatch_log_group.{self.deployment.name}"

    @property
    def alias(self) -> str:
        return f"{ALIAS_TYPE}.{alias_id(self.deployment)}"

    @property
    def legacy_alias(self) -> str:
        return f"{ALIAS_TYPE}.{legacy_alias_id(self.deployment)}"

    @property
    def first_version(self) -> str:
        return f"terraform_data.{first_version_id(self.deployment)}"

    @property
    def rest_api(self) -> str:
        return f"aws_api_gateway_rest_api.{self.deployment.name}"

    @property
    def api_deployment(self) -> str:
        return f"aws_api_gateway_deployment.{self.deployment.name}"

    @property
    def permission(self) -> str:
        return f"aws_lambda_permission.{self.deployment.name}_api"

    @property
    def stage(self) -> str:
        api = self.deployment.api
        assert api is not None, "only a deployment with an API has a stage"
        return f"aws_api_gateway_stage.{stage_id(self.deployment, api.stage)}"

    def local(self, what: str) -> str:
        """``local.<name>_<what>`` for ``newest_version``, ``blue_version`` or ``green_version``."""
        return f"local.{self.deployment.name}_{what}"

    def all(self) -> list[Address]:
        """Every address (resources, variables, locals, outputs), for the clash check."""
        d = self.deployment
        by_name = [self.function, self.role, self.log_policy, self.log_group, self.alias, self.first_version,
                   *(f"var.{v}" for v in (green_weight_variable(d), blue_version_variable(d),
                                          green_version_variable(d))),
                   *(self.local(what) for what in ("newest_version", "blue_version", "green_version")),
                   *(f"output.{output_name(d, what)}" for what in OUTPUTS if d.api or what != "invoke_url")]
        if getattr(d.function, "tracing", False) is True:
            by_name.append(self.tracing_policy)
        if d.api:
            by_name += [self.rest_api, self.api_deployment, self.permission]
        addresses = [Address(a, "name", ("deployment", d.name)) for a in by_name]
        if d.api:
            addresses.append(Address(self.stage, "api.stage", ("stage", d.name)))
        return addresses


def logical_id(address: str) -> str:
    """The name part of ``type.name``: what ``override_logical_id`` sets."""
    return address.split(".", 1)[1]


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
