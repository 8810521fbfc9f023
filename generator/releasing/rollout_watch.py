"""Following a rollout execution: its step, weight, bake time left and alarm states, as snapshots.

The execution's history says where it is: each state it enters is named by
``model.rollout_machine`` (``Step 2: set weight``, ``Step 2: start the bake``, ``Promote``...),
so progress is read off those names and their times, never guessed from the clock alone. The
alarms' states are read from CloudWatch on each poll. ``follow`` yields a snapshot per poll until
the execution ends; ``render`` turns one into the line a terminal or a CI log shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from ..core.errors import InvalidInput
from ..model import rollout_machine as machine
from ..model.rollout_machine import Plan
from ..model.traffic import Traffic, format_weight
from ..terraform.state import AppliedState
from .aws import Access
from .operations import Target
from .rollout import RUNNING, SUCCEEDED, Executions, applied_rollout, blue_of, recorded

# What each phase is called in a snapshot.
STARTING, SMOKE, SETTING, BAKING, PROMOTING, ROLLING_BACK, ENDED = (
    "starting", "smoke test", "setting weight", "baking", "promoting", "rolling back", "ended")


@dataclass(frozen=True)
class Snapshot:
    execution: str
    status: str                  # RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT
    phase: str
    step: int                    # 0 before the first step
    steps: int
    weight: float                # the green weight the rollout has set
    bake_left_s: int | None      # while baking
    alarms: dict[str, str] = field(default_factory=dict)


class Tracker:
    """Where an execution is, from its history events (fed oldest first, a batch at a time),
    against the applied state machine's ``plan``."""

    def __init__(self, rollout: Plan):
        self.rollout = rollout
        self.phase, self.step, self.weight = STARTING, 0, 0.0
        self.bake_ends: datetime | None = None
        self.events: list[dict] = []
        self.last_id = 0
        count = len(rollout.steps)
        self._names: dict[str, tuple[str, int | None]] = {
            machine.SMOKE_TEST: (SMOKE, 0), machine.PROMOTE: (PROMOTING, count),
            machine.ROLL_BACK: (ROLLING_BACK, None), machine.ROLLED_BACK: (ENDED, None)}
        for step in range(1, count + 1):
            self._names[machine.step_state(step, machine.SET_WEIGHT)] = (SETTING, step)
            self._names[machine.step_state(step, machine.START_BAKE)] = (BAKING, step)

    def read(self, events: list[dict]) -> None:
        for event in events:
            self.events.append(event)
            self.last_id = max(self.last_id, int(event.get("id", 0)))
            if not str(event.get("type", "")).endswith("StateEntered"):
                continue
            entered = (event.get("stateEnteredEventDetails") or {}).get("name")
            if entered not in self._names:
                continue
            phase, step = self._names[entered]
            self.phase = phase
            if step is not None:
                self.step = step
            if entered == machine.ROLLED_BACK:
                self.weight = 0.0  # the alias is back on blue
            if phase == BAKING:
                self.weight = self.rollout.steps[self.step - 1]
                stamp = event.get("timestamp")
                self.bake_ends = stamp + timedelta(seconds=self.rollout.bake_s) if isinstance(stamp, datetime) else None

    @property
    def blue(self) -> str | None:
        return blue_of(self.events)

    def snapshot(self, name: str, status: str, alarms: dict[str, str], now: float) -> Snapshot:
        phase, weight = (self.phase, self.weight) if status == RUNNING else (ENDED, self.weight)
        if status == SUCCEEDED:
            weight = 1.0
        left = None
        if phase == BAKING and self.bake_ends is not None:
            left = max(0, round(self.bake_ends.timestamp() - now))
        return Snapshot(name, status, phase, self.step, len(self.rollout.steps), weight, left, alarms)


def follow(executions: Executions, arn: str, name: str, poll_s: float,
           sleep: Callable[[float], None] = time.sleep) -> Iterator[tuple[Snapshot, Tracker, dict]]:
    """A snapshot per poll (with the tracker and the execution's description) until the execution ends."""
    tracker = Tracker(executions.rollout.plan)
    while True:
        description = executions.describe(arn)
        tracker.read(executions.history(arn, tracker.last_id))
        status = str(description.get("status"))
        yield tracker.snapshot(name, status, executions.alarm_states(), time.time()), tracker, description
        if status != RUNNING:
            return
        sleep(poll_s)


def poll_interval(rollout: Plan) -> float:
    """Half a check, between half a second and five: a change shows within one poll."""
    return min(5.0, max(0.5, rollout.check_every_s / 2))


def render(snapshot: Snapshot) -> str:
    """``svc-v4: step 1/2, green 10%, baking, 3s left; alarms: name OK, ...``."""
    where = (f"step {snapshot.step}/{snapshot.steps}" if snapshot.step else "before step 1")
    left = f", {snapshot.bake_left_s}s left" if snapshot.bake_left_s is not None else ""
    alarms = ", ".join(f"{alarm} {state}" for alarm, state in snapshot.alarms.items())
    status = snapshot.phase if snapshot.status == RUNNING else snapshot.status.lower()
    return (f"{snapshot.execution}: {where}, green {format_weight(round(snapshot.weight * 100, 2))}%, "
            f"{status}{left}; alarms: {alarms}")


# What ``rollout_state`` finds: an execution running, one ended with its outcome written to the
# traffic file, or one ended without (``terraform apply`` would then set the alias back).
RUNNING_NOW, WRITTEN, NOT_WRITTEN = "running", "written", "not written"


class Found(NamedTuple):
    kind: str                   # RUNNING_NOW, WRITTEN or NOT_WRITTEN
    line: str                   # the execution, and its progress or how it ended
    serving: Traffic | None     # what the alias serves, once ended (with ``read_alias``)


def rollout_state(target: Target, access: Callable[[str], Access], state: AppliedState | None = None, *,
                  read_alias: bool = False) -> Found | None:
    """The deployment's latest rollout for its newest version; None when it has none applied or
    none was started. ``access(region)`` is asked for only then: with nothing applied, nothing is
    read from AWS (or the emulator). ``read_alias``: read what the alias serves once the execution
    has ended, which the applied state does not say until the next apply (``status``)."""
    try:
        rollout = applied_rollout(target, state, applied_only=True)
    except InvalidInput:
        return None  # no rollout applied: none can be running
    executions = Executions(rollout, access(target.stack.region))
    current = executions.current()
    if current is None:
        return None
    name, description = rollout.execution_name(current[0]), current[1]
    status = str(description.get("status"))
    if status == RUNNING:
        tracker = Tracker(rollout.plan)
        tracker.read(executions.history(str(description["executionArn"]), 0))
        line = render(tracker.snapshot(name, status, executions.alarm_states(), time.time()))
        removed = " (no longer in the stack file, still applied)" if target.deployment.rollout is None else ""
        return Found(RUNNING_NOW, line + removed, None)
    serving = executions.served() if read_alias else None
    written = recorded(rollout, description)
    if written is not None:
        reason = f": {written.reason}" if written.reason else ""
        return Found(WRITTEN, f"{name} {written.result} at {written.ended}{reason}", serving)
    return Found(NOT_WRITTEN, f"{name} ended ({status.lower()}) but its outcome is not in the traffic file", serving)
