"""The rollout feature: a state machine that takes a deployment's newest version from 0 to 100%.

Its parts: ``declaration`` (``Rollout``, ``Step``), ``rules``, ``budget`` (the execution
history's events), ``messages``, ``addresses`` (and AWS names),
the state machine as plain data (``machine``, ``gates``, ``states_language``, and ``controls``: the
reads of ``--pause``, ``--resume``, ``--promote-now``), the outcome record and the controls given
(``record``), and the synthesis (``synthesis``: alarms, role and state machine; cdktf, imported
only by ``FEATURE.synthesize``). Running one is ``bluegreen rollout`` (``releasing.rollout_run``;
its controls ``releasing.rollout_control``).
Reference: docs/rollouts.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Problem
from ...model.naming import Address, Addresses, output_name, ref
from ..slice import Context, Part
from .addresses import STATE_MACHINE_OUTPUT, RolloutAddresses
from .declaration import Rollout, Step
from .rules import rollout_problems

__all__ = ["FEATURE", "Rollout", "Step"]


class _RolloutFeature:
    name = "rollout"
    declarations = (Rollout,)

    def problems(self, part: Part, at: str, context: Context) -> Iterator[Problem]:
        if isinstance(context.name_prefix, str):
            yield from rollout_problems(context.name_prefix, part.deployment, at, context.region)

    def addresses(self, part: Part) -> list[Address]:
        d, base = part.deployment, Addresses(part.deployment)
        mine = ("deployment", d.name)
        found = [Address(a, "name", mine) for a in
                 (*RolloutAddresses(d).all(), f"output.{output_name(d, STATE_MACHINE_OUTPUT)}")]
        # the rollout role's trust policy names its state machine's ARN, built from where the stack runs
        return found + [Address(a, "rollout", (a,)) for a in (base.caller_identity, base.partition, base.region)]

    def outputs(self, part: Part) -> dict[str, tuple[str, str]]:
        return {STATE_MACHINE_OUTPUT: ("The rollout's state machine: bluegreen rollout starts its executions.",
                                       ref(RolloutAddresses(part.deployment).state_machine, "arn"))}

    def synthesize(self, scope: Any, part: Part, name_prefix: str) -> None:
        from .synthesis import rollout  # cdktf, and the alarm and state machine bindings: only to synthesize

        rollout(scope, part.deployment, name_prefix)


FEATURE = _RolloutFeature()
