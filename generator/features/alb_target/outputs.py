"""The Terraform output an ALB target adds to its deployment: its target group's ARN."""

from __future__ import annotations

from ...model.naming import ref
from ..slice import Part
from .addresses import TARGET_GROUP_OUTPUT, AlbTargetAddresses


def alb_target_outputs(part: Part) -> dict[str, tuple[str, str]]:
    """The target group's ARN: what the listener rule forwards to, for dashboards and alarms on
    the load balancer's per-target-group metrics."""
    at = AlbTargetAddresses(part.deployment)
    return {TARGET_GROUP_OUTPUT: ("The Lambda target group the listener rule forwards to.",
                                  ref(at.target_group, "arn"))}
