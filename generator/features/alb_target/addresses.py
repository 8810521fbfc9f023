"""The Terraform addresses and AWS names of a deployment's ALB target, each spelled once.

``AlbTargetAddresses`` extends the deployment's base addresses (``model.naming.Addresses``) with
the door's four resources and its output: synthesis writes them, ``all`` lists them for the
clash check.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model.naming import Address, Addresses, function_name, output_name
from ...model.stack import Deployment

# The output a target group adds: its ARN (an ALB target has no URL of its own).
TARGET_GROUP_OUTPUT = "alb_target_group_arn"


def target_group_name(stack_name: str, deployment: Deployment) -> str:
    """The target group's name in AWS: the function's with hyphens for underscores, which a target
    group's name may not hold (``shop-orders-eu`` for deployment ``orders_eu``; at most 32
    characters, checked by the rules)."""
    return function_name(stack_name, deployment).replace("_", "-")


@dataclass(frozen=True)
class AlbTargetAddresses(Addresses):
    """The deployment's addresses with its ALB target's."""

    @property
    def target_group(self) -> str:
        return f"aws_lb_target_group.{self.deployment.name}"

    @property
    def attachment(self) -> str:
        """The alias registered as the target group's one target."""
        return f"aws_lb_target_group_attachment.{self.deployment.name}"

    @property
    def permission(self) -> str:
        """Elastic Load Balancing's grant to invoke the alias, from this target group alone."""
        return f"aws_lambda_permission.{self.deployment.name}_alb"

    @property
    def listener_rule(self) -> str:
        return f"aws_lb_listener_rule.{self.deployment.name}"

    def all(self) -> list[Address]:
        """The door's addresses (not the base's), for the clash check."""
        d = self.deployment
        return [Address(a, "name", ("deployment", d.name))
                for a in (self.target_group, self.attachment, self.permission, self.listener_rule,
                          f"output.{output_name(d, TARGET_GROUP_OUTPUT)}")]
