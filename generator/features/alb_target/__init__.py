"""The ALB target door: the alias as the target of an Application Load Balancer the user runs.

The stack adds a Lambda target group with the alias as its one target, Elastic Load Balancing's
grant to invoke the alias, and a rule on the user's listener (named by ARN) that forwards the
requests its conditions match. Its parts: ``declaration`` (``AlbTarget``), ``limits`` (what AWS
allows), ``rules``, ``messages``, ``addresses``, ``outputs`` and ``synthesis`` (cdktf, imported
only by ``FEATURE.synthesize``). Reference: docs/alb-target.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Problem
from ...model.naming import Address
from ...model.stack import Deployment
from ..slice import Context, Part
from .addresses import AlbTargetAddresses
from .declaration import AlbTarget
from .outputs import alb_target_outputs
from .rules import alb_stack_problems, alb_target_problems, name_problems, region_problems

__all__ = ["FEATURE", "AlbTarget"]


class _AlbTargetFeature:
    name = "alb_target"
    label = "ALB target"
    declarations = (AlbTarget,)
    url_output = None  # the load balancer's DNS name is the user's, not the stack's
    replacement_warnings: dict[str, str] = {}  # the target group is replaced create-before-destroy: no gap

    def problems(self, part: Part, at: str, context: Context) -> Iterator[Problem]:
        where = f"{at}.{part.field}"
        yield from alb_target_problems(part.value, where)
        yield from region_problems(context.region, part.value, where)
        yield from name_problems(context.name_prefix, part.deployment, where)

    def stack_problems(self, region: Any, deployments: list[tuple[Deployment, str]]) -> Iterator[Problem]:
        yield from alb_stack_problems(deployments)

    def addresses(self, part: Part) -> list[Address]:
        return AlbTargetAddresses(part.deployment).all()

    def outputs(self, part: Part) -> dict[str, tuple[str, str]]:
        return alb_target_outputs(part)

    def summary(self, part: Part) -> str:
        target: AlbTarget = part.value
        conditions = [f"{kind} {', '.join(values)}" for kind, values in
                      (("paths", target.path_patterns), ("hosts", target.host_headers)) if values]
        return (f"ALB listener `{target.listener_arn}`, rule priority {target.priority}: "
                f"{'; '.join(conditions)}, all invoking the alias.")

    def synthesize(self, scope: Any, part: Part, name_prefix: str) -> None:
        from .synthesis import alb_target  # cdktf: loaded only to synthesize

        alb_target(scope, part.deployment, part.value, name_prefix)


FEATURE = _AlbTargetFeature()
