"""Following a rollout execution: its step, weight, bake time left, gates and alarm states, as snapshots.

The execution's history says where it is: each state it enters is named by
``rollout.machine`` (``Step 2: set weight``, ``Step 2: start the bake``, ``Promote``...),
so progress is read off those names and their times, never guessed from the clock alone. What
the gates last read (green's invocations in the step, its error rate over the step and the
rollout) is the output of the state machine's own reads, in the same history: the state machine
decides, this module only shows. The alarms' states are read from CloudWatch on each poll.
``follow`` yields a snapshot per poll until the execution ends; ``render`` turns one into the
line a terminal or a CI log shows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from ..core.errors import InvalidInput
from ..features.rollout import controls, gates, machine, warm
from ..features.rollout.applied_plan import Plan
from ..model.traffic import Traffic, format_weight
from ..terraform.state import AppliedState
from . import rollout_control
from .aws import Access
from .operations import Target
from .rollout_run import RUNNING, SUCCEEDED, Executions, applied_rollout, blue_of, recorded

# What each phase is called in a snapshot.
STARTING, SMOKE, SETTING, BAKING, PROMOTING, ROLLING_BACK, ENDED = (
    "starting", "smoke test", "setting weight", "baking", "promoting", "rolling back", "ended")
HOLDING, FINAL_BAKING, PAUSED = "holding for traffic", "final bake", "paused"
WARMING = "warming green"  # sizing green's provisioned concurrency and waiting for READY (``warm``)


@dataclass(frozen=True)
class Gates:
    """What the state machine's last check read: green's invocations in the current step (or
    final bake) and its error rates over the step and the whole rollout (None: no value yet)."""

    invocations: float | None = None
    error_rate: float | None = None
    rollout_error_rate: float | None = None


@dataclass(frozen=True)
class Snapshot:
    execution: str
    status: str                  # RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT
    phase: str
    step: int                    # 0 before the first step
    steps: int
    weight: float                # the green weight the rollout has set
    bake_left_s: int | None      # while baking or holding
    alarms: dict[str, str] = field(default_factory=dict)
    invocations: float | None = None        # green's, in this step, at the last check
    min_invocations: int | None = None      # what a step needs; None for a rollout without the gate
    error_rate: float | None = None         # green's over this step, at the last check
    rollout_error_rate: float | None = None  # green's over the whole rollout, at the last check
    max_error_rate: float | None = None


class Tracker:
    """Where an execution is, from its history events (fed oldest first, a batch at a time),
    against the applied state machine's ``plan``."""

    def __init__(self, rollout: Plan):
        self.rollout = rollout
        self.phase, self.step, self.weight = STARTING, 0, 0.0
        self.bake_ends: datetime | None = None
        self.gates = Gates()
        self.events: list[dict] = []
        self.last_id = 0
        count = len(rollout.steps)
        self._names: dict[str, tuple[str, int | None]] = {
            machine.SMOKE_TEST: (SMOKE, 0), machine.PROMOTE: (PROMOTING, count),
            machine.final_state(machine.START_BAKE): (FINAL_BAKING, count)}
        for rolling_back in (machine.ROLL_BACK, machine.INCONCLUSIVE, machine.ROLL_BACK_PROMOTION):
            self._names[rolling_back] = (ROLLING_BACK, None)
        for ended in (machine.ROLLED_BACK, machine.INCONCLUSIVE_END, machine.ROLLED_BACK_PROMOTION):
            self._names[ended] = (ENDED, None)
        self._reads = {machine.final_state(machine.READ_STEP), machine.final_state(machine.READ_ROLLOUT)}
        # Warming green for step k (or the promotion): the weight is still the last step's.
        self._names[machine.step_state(0, warm.SIZE_GREEN)] = (WARMING, count)
        for step in range(1, count + 1):
            self._names[machine.step_state(step, warm.SIZE_GREEN)] = (WARMING, step - 1)
        # A paused check (features.rollout.controls) holds the bake; a counted one bakes on.
        self._paused = {machine.final_state(controls.PAUSED): count}
        self._counted = {machine.final_state(machine.COUNT): FINAL_BAKING}
        for step in range(1, count + 1):
            self._paused[machine.step_state(step, controls.PAUSED)] = step
            self._counted[machine.step_state(step, machine.COUNT)] = BAKING
            self._names[machine.step_state(step, machine.SET_WEIGHT)] = (SETTING, step)
            self._names[machine.step_state(step, machine.START_BAKE)] = (BAKING, step)
            self._reads |= {machine.step_state(step, machine.READ_STEP), machine.step_state(step, machine.READ_ROLLOUT)}

    def read(self, events: list[dict]) -> None:
        for event in events:
            self.events.append(event)
            self.last_id = max(self.last_id, int(event.get("id", 0)))
            if str(event.get("type", "")).endswith("StateExited"):
                self._read_gates(event.get("stateExitedEventDetails") or {})
            if not str(event.get("type", "")).endswith("StateEntered"):
                continue
            entered = (event.get("stateEnteredEventDetails") or {}).get("name")
            if entered in self._paused or entered in self._counted:
                self._hold(entered)
                continue
            if entered not in self._names:
                continue
            phase, step = self._names[entered]
            self.phase = phase
            if step is not None:
                self.step = step
            if phase == ENDED:
                self.weight = 0.0  # the alias is back on blue
            if phase in (BAKING, FINAL_BAKING):
                self.weight = self.rollout.steps[self.step - 1] if phase == BAKING else 1.0
                self.gates = Gates()  # a new window
                stamp = event.get("timestamp")
                bake_s = self.rollout.bake_of(self.step) if phase == BAKING else self.rollout.final_bake_s
                self.bake_ends = stamp + timedelta(seconds=bake_s) if isinstance(stamp, datetime) else None

    def _hold(self, entered: str) -> None:
        """A check that paused (its bake ends a check later) or counted (baking on)."""
        if entered in self._counted:
            self.phase = self._counted[entered]
            return
        self.phase, self.step = PAUSED, self._paused[entered]
        if self.bake_ends is not None:
            self.bake_ends += timedelta(seconds=self.rollout.check_every_s)

    def _read_gates(self, details: dict) -> None:
        """The reading a check's GetMetricData task left in the state's output."""
        if details.get("name") not in self._reads:
            return
        try:
            output = json.loads(details.get("output") or "{}")
        except ValueError:
            return
        step, whole = (_reading(output, key) for key in ("step_metrics", "rollout_metrics"))
        self.gates = Gates(step.get(gates.INVOCATIONS), step.get(gates.ERROR_RATE),
                           whole.get(gates.ERROR_RATE, self.gates.rollout_error_rate))

    @property
    def blue(self) -> str | None:
        return blue_of(self.events)

    def snapshot(self, name: str, status: str, alarms: dict[str, str], now: float) -> Snapshot:
        phase, weight = (self.phase, self.weight) if status == RUNNING else (ENDED, self.weight)
        if status == SUCCEEDED:
            weight = 1.0
        left = None
        if phase in (BAKING, FINAL_BAKING) and self.bake_ends is not None:
            left = round(self.bake_ends.timestamp() - now)
            hold_s = self.rollout.hold_of(self.step) if phase == BAKING else self.rollout.final_hold_s
            if left < 0 and hold_s and self.rollout.min_invocations:
                # Past the bake, the step (all at once: the final bake) waits for green to serve enough.
                phase, left = HOLDING, round(self.bake_ends.timestamp() + hold_s - now)
            left = max(0, left)
        plan, found = self.rollout, self.gates
        return Snapshot(name, status, phase, self.step, len(plan.steps), weight, left, alarms, found.invocations,
                        plan.min_invocations, found.error_rate, found.rollout_error_rate, plan.max_error_rate)


def _reading(output: dict, key: str) -> dict[str, float]:
    """``{"invocations": 12.0, "error_rate": 0.0}`` from a check's output (``features.rollout.gates``: each
    a list holding the list of values), leaving out what has no value."""
    reading = output.get(key) if isinstance(output, dict) else None
    found: dict[str, float] = {}
    for what in (gates.INVOCATIONS, gates.ERROR_RATE):
        values = reading.get(what) if isinstance(reading, dict) else None
        if isinstance(values, list) and values and isinstance(values[0], list) and values[0] and \
                isinstance(values[0][0], (int, float)) and not isinstance(values[0][0], bool):
            found[what] = float(values[0][0])
    return found


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
    """Half a check, between one second and five: a change shows within one poll. Each poll reads
    the execution's history, which grows by some twenty events a check: more often than once a
    second costs the emulator (or the account's API rate) more than it shows."""
    return min(5.0, max(1.0, rollout.check_every_s / 2))


def render(snapshot: Snapshot) -> str:
    """``svc-v4: step 1/2, green 10%, 12/50 invocations, error rate 0.4% (max 1%), baking, 3s left;
    alarms: name OK, ...``."""
    where = ("all at once" if not snapshot.steps else f"step {snapshot.step}/{snapshot.steps}" if snapshot.step
             else "before step 1")
    left = f", {snapshot.bake_left_s}s left" if snapshot.bake_left_s is not None else ""
    alarms = ", ".join(f"{alarm} {state}" for alarm, state in snapshot.alarms.items())
    status = snapshot.phase if snapshot.status == RUNNING else snapshot.status.lower()
    return (f"{snapshot.execution}: {where}, green {_percent(snapshot.weight)}{_gates(snapshot)}, "
            f"{status}{left}; alarms: {alarms}")


def _percent(share: float) -> str:
    return f"{format_weight(round(share * 100, 2))}%"


def _gates(snapshot: Snapshot) -> str:
    """``, 12/50 invocations, error rate 0.4% (max 1%)`` once a check has read them; nothing for a
    state machine applied before these gates (``min_invocations`` None), which reads no metrics."""
    if snapshot.phase not in (BAKING, HOLDING, FINAL_BAKING) or snapshot.status != RUNNING or \
            snapshot.min_invocations is None:
        return ""
    served = int(snapshot.invocations or 0)
    # The final bake needs no count to pass after steps, which did; all at once, it is the one that does.
    counted = snapshot.min_invocations and (snapshot.phase != FINAL_BAKING or not snapshot.steps)
    text = f", {served}/{snapshot.min_invocations} invocations" if counted else f", {served} invocations"
    if snapshot.max_error_rate is not None:
        # Below min_invocations the state machine's rate is 0 by its expression: not judged yet.
        judged = snapshot.error_rate is not None and served >= (snapshot.min_invocations or 1)
        rate = _percent(snapshot.error_rate) if judged and snapshot.error_rate is not None else "not judged yet"
        text += f", error rate {rate} (max {_percent(snapshot.max_error_rate)})"
    return text


# What ``rollout_state`` finds: an execution running, one ended with its outcome written to the
# traffic file, or one ended without (``terraform apply`` would then set the alias back).
RUNNING_NOW, WRITTEN, NOT_WRITTEN = "running", "written", "not written"


class Found(NamedTuple):
    kind: str                   # RUNNING_NOW, WRITTEN or NOT_WRITTEN
    line: str                   # the execution, and its progress or how it ended
    serving: Traffic | None     # what the alias serves, once ended (with ``read_alias``)


def rollout_state(target: Target, access: Callable[[str], Access], state: AppliedState | None = None, *,
                  read_alias: bool = False, read_control: bool = False) -> Found | None:
    """The deployment's latest rollout for its newest version; None when it has none applied or
    none was started. ``access(region)`` is asked for only then: with nothing applied, nothing is
    read from AWS (or the emulator). ``read_alias``: read what the alias serves once the execution
    has ended, which the applied state does not say until the next apply (``status``);
    ``read_control``: say whether a running one is paused, from the controls' parameter (``status``;
    guard asks AWS for no more than it needs)."""
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
        paused = rollout_control.paused_by(executions, name) if read_control else None  # given, obeyed or soon
        line += f" ({paused})" if paused else ""
        removed = " (no longer in the stack file, still applied)" if target.deployment.rollout is None else ""
        return Found(RUNNING_NOW, line + removed, None)
    serving = executions.served() if read_alias else None
    written = recorded(rollout, description)
    if written is not None:
        reason = f": {written.reason}" if written.reason else ""
        return Found(WRITTEN, f"{name} {written.result} at {written.ended}{reason}", serving)
    return Found(NOT_WRITTEN, f"{name} ended ({status.lower()}) but its outcome is not in the traffic file", serving)
