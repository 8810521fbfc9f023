"""What an applied rollout state machine rolls out, read back from its definition.

Progress (``releasing.rollout_watch``), ``status`` and the PR summary are shown against what
runs, the applied definition, not the stack file, which may have changed since the apply.
``read_plan`` reads what ``machine.definition`` wrote, through the state names ``machine``
spells; anything else reads as None.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import gates
from .machine import BAKED, CHECK_ALARMS, HEALTHY, ROLL_BACK, SET_WEIGHT, SMOKE_TEST, WAIT, final_state, step_state
from .warm import read_provisioned


@dataclass(frozen=True)
class Plan:
    """What an applied state machine rolls out, read back from its definition (``read_plan``):
    progress is shown against these, not the stack file's, which may have changed since the apply.
    A definition written before the traffic and error-rate gates has ``min_invocations`` None.
    ``bakes`` and ``holds``: each step's bake and the most it may hold past it; ``steps`` empty:
    all at once, the final bake held up to ``final_hold_s``."""

    steps: tuple[float, ...]
    bakes: tuple[int, ...]
    check_every_s: int
    alarm_names: tuple[str, ...]
    min_invocations: int | None = None
    holds: tuple[int, ...] = ()
    final_bake_s: int = 0
    max_error_rate: float | None = None
    smoke_test: bool = False
    final_hold_s: int = 0
    provisioned: int | None = None  # the provisioned concurrency it keeps warm (``warm``)

    def bake_of(self, step: int) -> int:
        """Step ``step``'s bake (counting from 1)."""
        return self.bakes[step - 1]

    def hold_of(self, step: int) -> int:
        """How long step ``step`` may hold past its bake; 0 for a definition without the gates."""
        return self.holds[step - 1] if self.holds else 0


def read_plan(text: object) -> Plan | None:
    """The plan of a definition that ``definition`` wrote (its JSON text, as Terraform's state or
    DescribeStateMachine hold it); None for anything else."""
    try:
        states = json.loads(text)["States"] if isinstance(text, str) else None
        if not isinstance(states, dict):
            return None
        steps: list[float] = []
        while step_state(len(steps) + 1, SET_WEIGHT) in states:
            routing = states[step_state(len(steps) + 1, SET_WEIGHT)]["Parameters"]["RoutingConfig"]
            (weight,) = routing["AdditionalVersionWeights"].values()
            steps.append(weight)
        # Each step's bake is its own; the checks' interval, rate and alarms are the same in
        # every bake: the first one's (the final bake's, all at once) say what all do.
        first = step_state(1, WAIT) if steps else final_state(WAIT)
        name = (lambda what: step_state(1, what)) if steps else final_state
        check_every_s = states[first]["Seconds"]
        baked = [gates.read_bake(states, step_state(n, BAKED), step_state(n, HEALTHY))
                 for n in range(1, len(steps) + 1)]
        final, final_hold, final_least = gates.read_bake(states, final_state(BAKED), final_state(HEALTHY)) \
            if final_state(BAKED) in states else (0, 0, None)
        least = baked[0][2] if baked else final_least
        rate = gates.read_rate(states, name(HEALTHY))
        alarms = states[name(CHECK_ALARMS)]["Parameters"]["AlarmNames"]
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    counts = [n for bake in baked for n in bake[:2]]
    numbers = [*steps, check_every_s, *counts, final, final_hold, *([least] if least is not None else []),
               *([rate] if rate is not None else [])]
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers) or \
            not isinstance(alarms, list) or not all(isinstance(a, str) for a in alarms) or not (steps or final):
        return None
    every = int(check_every_s)
    return Plan(tuple(float(s) for s in steps), tuple(int(b[0] * every) for b in baked), every, tuple(alarms),
                None if least is None else int(least), tuple(int(b[1] * every) for b in baked), int(final * every),
                None if rate is None else float(rate), SMOKE_TEST in states, int(final_hold * every),
                read_provisioned(states, ROLL_BACK))
