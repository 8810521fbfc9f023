"""Every name we derive: Terraform addresses, variables, outputs and AWS resource names.

The contract: each name is a pure function of the stack name, the deployment name, the alias
and the stage. It changes if and only if one of those changes. That matters because a changed
Terraform address means destroy-and-recreate, and a changed AWS name means a new function with
no versions. No hashes, no counters: a reviewer reads ``aws_lambda_alias.orders`` in a plan and
knows what it is. These are the names of a deployment's base (function, role, alias, traffic
variables); each feature spells its own in its slice (``generator.features.<feature>.addresses``).
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


# ``bluegreen bootstrap``: one small root module per account and region that owns the account's
# API Gateway CloudWatch role (docs/aws-rules.md#r51-the-account-bootstrap).
BOOTSTRAP_STACK = "bluegreen-bootstrap"
BOOTSTRAP_ROLE_OUTPUT = "cloudwatch_role_arn"  # the bootstrap's output: the role the account names


def bootstrap_role_name(region: str) -> str:
    """The bootstrap's role in ``region``, e.g. ``bluegreen-apigateway-cloudwatch-us-east-1``: IAM
    names are account-wide, and each region's bootstrap owns (and may destroy) its own role."""
    return f"bluegreen-apigateway-cloudwatch-{region}"


def bootstrap_state_key(region: str) -> str:
    """The S3 key of the bootstrap's state when ``--state-key`` names none."""
    return f"bluegreen/bootstrap/{region}/terraform.tfstate"


# The outputs every deployment has; each feature adds its own after them (its slice's ``outputs``).
OUTPUTS = ("blue_version", "green_version", "newest_version", "applied_traffic", "alias_arn", "alias_routing")


def alias_id(deployment: Deployment) -> str:
    """Terraform name of the alias, ``aws_lambda_alias.<deployment>``: the same whatever the alias is called.

    A stable address lets a renamed alias be replaced create-before-destroy: the new alias, its
    permission and the API that invokes it exist before the old alias goes
    (docs/aws-rules.md#r27-create-before-destroy). Before, the address held the alias name.
    """
    return alias_id_of(deployment.name)


def alias_id_of(name: str) -> str:
    """``alias_id`` of the deployment called ``name``: for readers of a plan, who have no stack file."""
    return name


ALIAS_TYPE = "aws_lambda_alias"


def function_address(name: str) -> str:
    """``aws_lambda_function.<name>``: the function of the deployment called ``name``."""
    return f"aws_lambda_function.{name}"


def alias_address(name: str) -> str:
    """``aws_lambda_alias.<name>``: the alias of the deployment called ``name`` (``alias_id_of``)."""
    return f"{ALIAS_TYPE}.{alias_id_of(name)}"


def release_address(name: str, which: str) -> str:
    """``Addresses.release`` of the deployment called ``name``."""
    return f"data.aws_lambda_function.{name}_{which}"


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
        return function_address(self.deployment.name)

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
    def statements_policy(self) -> str:
        """Only with ``Function.policy_statements``: the role's inline policy holding them."""
        return f"aws_iam_role_policy.{self.deployment.name}_statements"

    @property
    def managed_policies(self) -> str:
        """Only with ``Function.managed_policy_arns``: one attachment per ARN (``for_each``, keyed by it)."""
        return f"aws_iam_role_policy_attachment.{self.deployment.name}_managed"

    @property
    def vpc_access(self) -> str:
        """Only with ``Function.vpc``: the role's permission to manage the function's network interfaces."""
        return f"aws_iam_role_policy.{self.deployment.name}_vpc_access"

    @property
    def dead_letter_policy(self) -> str:
        """Only with ``Function.dead_letter_target``: the role's permission to send there."""
        return f"aws_iam_role_policy.{self.deployment.name}_dead_letters"

    @property
    def environment_key_policy(self) -> str:
        """Only with ``Function.kms_key_arn``: the role's permission to decrypt with the key."""
        return f"aws_iam_role_policy.{self.deployment.name}_environment_key"

    @property
    def provisioned_concurrency(self) -> str:
        """Only with ``Deployment.provisioned_concurrency``: one config per version with traffic
        (``for_each``, keyed by the version number, so a version keeps its config when it changes
        from green to blue)."""
        return f"aws_lambda_provisioned_concurrency_config.{self.deployment.name}"

    def release(self, which: str) -> str:
        """``data.aws_lambda_function.<name>_blue``, ``_green`` or ``_newest``: that version's
        configuration (the newest published one for ``newest``), read only while the alias is
        weighted, for the rule that both share a role and a dead-letter target
        (docs/aws-rules.md#r4-same-role-and-dead-letter-queue)."""
        return release_address(self.deployment.name, which)

    @property
    def log_group(self) -> str:
        return f"aws_cloudwatch_log_group.{self.deployment.name}"

    @property
    def alias(self) -> str:
        return alias_address(self.deployment.name)

    @property
    def legacy_alias(self) -> str:
        return f"{ALIAS_TYPE}.{legacy_alias_id(self.deployment)}"

    @property
    def first_version(self) -> str:
        return f"terraform_data.{first_version_id(self.deployment)}"

    # Where the stack is applied, read once per stack (bindings.caller): Lambda authorizers'
    # preconditions compare the account, the rollout role's trust policy names its state machine.
    caller_identity = "data.aws_caller_identity.current"
    partition = "data.aws_partition.current"
    region = "data.aws_region.current"

    def local(self, what: str) -> str:
        """``local.<name>_<what>`` for ``newest_version``, ``blue_version``, ``green_version`` or
        ``provisioned_concurrency`` (the map of version to its provisioned concurrency)."""
        return f"local.{self.deployment.name}_{what}"

    def all(self) -> list[Address]:
        """Every address of the deployment's base (resources, variables, locals, outputs); with
        each feature's (``features.addresses``), for the clash check."""
        d = self.deployment
        by_name = [self.function, self.role, self.log_policy, self.log_group, self.alias, self.first_version,
                   *(f"var.{v}" for v in (green_weight_variable(d), blue_version_variable(d),
                                          green_version_variable(d))),
                   *(self.local(what) for what in ("newest_version", "blue_version", "green_version")),
                   *(f"output.{output_name(d, what)}" for what in OUTPUTS)]
        function = d.function
        if getattr(function, "tracing", False) is True:
            by_name.append(self.tracing_policy)
        optional = ((self.statements_policy, "policy_statements"), (self.managed_policies, "managed_policy_arns"),
                    (self.vpc_access, "vpc"), (self.dead_letter_policy, "dead_letter_target"),
                    (self.environment_key_policy, "kms_key_arn"))
        by_name += [address for address, option in optional if getattr(function, option, None)]
        by_name += [self.release(which) for which in ("newest", "blue", "green")]
        if d.provisioned_concurrency:
            by_name += [self.provisioned_concurrency, self.local("provisioned_concurrency")]
        return [Address(a, "name", ("deployment", d.name)) for a in by_name]


def version_locals(deployment: Deployment) -> tuple[str, str, str]:
    """The references to the newest, blue and green versions, as synthesis writes them."""
    at = Addresses(deployment)
    return at.local("newest_version"), at.local("blue_version"), at.local("green_version")


def logical_id(address: str) -> str:
    """The name part of ``type.name`` (or ``data.type.name``): what ``override_logical_id`` sets."""
    return address.removeprefix("data.").split(".", 1)[1]


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
