"""``bluegreen rollout`` and ``bluegreen guard`` on the command line: what they print, in what order.

``run_rollout`` finds the deployment's execution for its newest version (``releasing.rollout``),
starts one when there is none (or ``--retry`` after an ended one), follows it
(``releasing.rollout_watch``) and writes its outcome. On a terminal the progress is one line,
rewritten in place; in a CI log, a line per change; with ``--json``, one JSON object per change.
``blocking_rollouts`` is the guard CI runs before ``terraform apply``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, replace

from ..core.errors import Argument, InvalidInput, Problem
from ..features.loader import StackFile
from ..features.rollout import controls
from ..features.rollout import messages as msg
from ..features.rollout.record import Outcome, record_path
from ..model.stack import Stack
from ..output.workspace import Workspace
from ..releasing import rollout_control
from ..releasing.aws import Access
from ..releasing.operations import Target, locate
from ..releasing.rollout_run import RUNNING, Executions, applied_rollout, check_can_start, recorded, settle
from ..releasing.rollout_watch import (
    RUNNING_NOW,
    WRITTEN,
    Snapshot,
    Tracker,
    follow,
    poll_interval,
    render,
    rollout_state,
)
from ..terraform.state import read_state

DEFAULT_ABORT_REASON = "aborted with bluegreen rollout --abort"
STARTED = "started"  # --no-wait's result: the execution runs on, its outcome is written later
CONTROLLED = "controlled"  # --pause, --resume, --promote-now: the running execution took the control


def run_rollout(args: argparse.Namespace, target: Target, access: Access, then: str | None = None) -> str:
    """Start or pick up the rollout, follow it unless ``--no-wait``, write its outcome; its result.
    ``then``: what to do next once the outcome is written, besides committing it (a module caller's
    ``synth --module``)."""
    # Picking up or stopping an execution goes by what is applied, so a rollout removed from the
    # stack file while it runs can still be followed or stopped, as guard advises.
    rollout = applied_rollout(target, applied_only=args.attach or args.abort or args.pause or args.resume
                              or args.promote_now)
    executions = Executions(rollout, access)
    current = executions.current()
    emit = _Emitter(args.json)
    control = next((c for c in controls.CONTROLS if getattr(args, c.replace("-", "_"), False)), None)
    if args.reason is not None and not (args.abort or control):
        raise InvalidInput(Problem(Argument("--reason"), msg.REASON_NEEDS_ABORT))
    if args.abort:
        return _abort(args, executions, current, emit, then)
    if control is not None:
        return _control(args, executions, current, control, emit)
    if current is None and args.attach:
        raise InvalidInput(Problem(Argument("--attach"), msg.no_rollout_to_attach(rollout.green)))
    if current is None or (args.retry and current[1].get("status") != RUNNING):
        check_can_start(rollout, executions.alarm_states())
        attempt = current[0] + 1 if current else 1
        arn, event = executions.start(attempt), "started"
    else:
        attempt, arn, event = current[0], str(current[1]["executionArn"]), "attached"
    name = rollout.execution_name(attempt)
    emit({"event": event, "execution": name, "execution_arn": arn, "green_version": rollout.green},
         f"{rollout.name}: {event} {name} (v{rollout.green}): {arn}")
    written = recorded(rollout, current[1]) if event == "attached" and current else None
    if written is not None:
        # Its outcome is in Git already; settling it again could undo a reviewed change made since.
        _report(emit, rollout.name, written, target, written=False, then=then)
        return written.result
    if args.no_wait and event == "started":
        return STARTED
    return _follow_and_settle(executions, arn, name, emit, then=then).result


def _abort(args: argparse.Namespace, executions: Executions, current: tuple[int, dict] | None,
           emit: _Emitter, then: str | None) -> str:
    rollout = executions.rollout
    status = current[1].get("status") if current else None
    if current is None or status != RUNNING:
        raise InvalidInput(Problem(Argument("--abort"), msg.no_running_rollout(rollout.green, str(status or "none"))))
    name, arn = rollout.execution_name(current[0]), str(current[1]["executionArn"])
    reason = args.reason or DEFAULT_ABORT_REASON
    executions.stop(arn, reason)
    emit({"event": "aborting", "execution": name}, f"{rollout.name}: stopping {name}; then the alias goes back on blue")
    return _follow_and_settle(executions, arn, name, emit, reason, then).result


def _control(args: argparse.Namespace, executions: Executions, current: tuple[int, dict] | None, control: str,
             emit: _Emitter) -> str:
    phase = None
    if current is not None and current[1].get("status") == RUNNING:
        tracker = Tracker(executions.rollout.plan)
        tracker.read(executions.history(str(current[1]["executionArn"]), 0))
        phase = tracker.phase
    given = rollout_control.give(executions, current, control, args.reason, phase)
    within = executions.rollout.plan.check_every_s
    emit({"event": "control", **asdict(given)},
         f"{executions.rollout.name}: {msg.control_taken(control, given.execution, given.by, within)}")
    return CONTROLLED


def _follow_and_settle(executions: Executions, arn: str, name: str, emit: _Emitter,
                       stopped_because: str | None = None, then: str | None = None) -> Outcome:
    rollout = executions.rollout
    shown = last = None
    # The controls given before this process followed it are not shown again.
    controls_shown = len(rollout_control.controls_of(rollout.target, name))
    for last in follow(executions, arn, name, poll_interval(rollout.plan)):
        snapshot = last[0]
        given = rollout_control.controls_of(rollout.target, name)
        for control in given[controls_shown:]:  # given meanwhile, by this user or another
            emit({"event": "control", **asdict(control)}, f"{rollout.name}: {msg.control_given(control)}")
        controls_shown = len(given)
        if _is_news(snapshot, shown, emit):
            emit({"event": "progress", **asdict(snapshot)}, render(snapshot), same_line=True)
            shown = snapshot
    assert last is not None, "follow yields at least once"
    _, tracker, description = last
    # The reason it was stopped with, only if this stop is what ended it (not an end just before).
    ours = stopped_because if description.get("status") == "ABORTED" else None
    outcome = settle(executions, name, description, tracker.blue, ours)
    _report(emit, rollout.name, outcome, rollout.target, written=True, then=then)
    return outcome


def _report(emit: _Emitter, name: str, outcome: Outcome, target: Target, written: bool,
            then: str | None = None) -> None:
    traffic_file = os.path.relpath(target.traffic_file)
    record = os.path.relpath(record_path(target.traffic_file, target.stack))
    reason = f": {outcome.reason}" if outcome.reason else ""
    done = (f"wrote {traffic_file} and {record}: commit them, so that Git says what the alias serves" if written
            else f"already written to {traffic_file} and {record} (at {outcome.ended}); nothing changed")
    emit({"event": "ended", **asdict(outcome), "traffic_file": traffic_file, "record_file": record,
          "written": written}, f"{name}: {outcome.result}{reason}\n{done}" + (f"\n{then}" if then else ""))


def _is_news(snapshot: Snapshot, shown: Snapshot | None, emit: _Emitter) -> bool:
    """A change worth a line: anything but the bake's countdown (a terminal redraws that anyway)."""
    if shown is None or emit.redraws:
        return True
    # A check's new reading is news: a CI log shows how the count and the rate moved.
    return (snapshot.status, snapshot.phase, snapshot.step, snapshot.alarms, snapshot.invocations,
            snapshot.error_rate) != (shown.status, shown.phase, shown.step, shown.alarms, shown.invocations,
                                     shown.error_rate)


class _Emitter:
    """Prints an event: a JSON object (``--json``), a line redrawn in place (progress on a
    terminal), or a line of its own."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.redraws = sys.stdout.isatty() and not as_json  # the countdown is redrawn in place
        self._drawn = False

    def __call__(self, event: dict, text: str, same_line: bool = False) -> None:
        if self.as_json:
            print(json.dumps(event, sort_keys=True, default=str), flush=True)
        elif self.redraws and same_line:
            sys.stdout.write("\r\x1b[2K" + text)
            sys.stdout.flush()
            self._drawn = True
        else:
            if self._drawn:
                sys.stdout.write("\n")
                self._drawn = False
            print(text, flush=True)


def blocking_rollouts(stack_file: StackFile, workspace: Workspace, access: Callable[[str], Access],
                      synth: str | None = None) -> list[str]:
    """A line per deployment whose rollout ``terraform apply`` would undo: running, or ended with
    its outcome not yet written to the traffic file, or (read from a caller's root module) not yet
    copied into the module's traffic.json, which ``synth``, a ``synth --module`` command, refreshes."""
    lines = []
    for stack in stack_file.stacks:
        # Every deployment, declared rollout or not: one removed from the stack file but still
        # applied may be running, and the apply would destroy its state machine under it.
        state = read_state(workspace.state_folder(stack), workspace.remote_state(stack), workspace.state_module(stack))
        stale_copy = _module_copy_is_stale(stack_file, workspace, stack)  # one copy for the stack's deployments
        for deployment in stack.deployments:
            target = locate(stack_file, f"{stack.name}/{deployment.name}", workspace)
            found = rollout_state(target, access, state)
            if found is not None and found.kind == WRITTEN and stale_copy:
                stale = msg.module_traffic_is_stale(os.path.relpath(target.traffic_file),
                                                    os.path.relpath(workspace.module_traffic(stack)))
                lines.append(f"{stack.name}/{deployment.name}: {msg.NOT_IN_THE_MODULE}: {stale}; "
                             f"{msg.synth_the_module(synth or 'bluegreen synth --module')}")
            if found is None or found.kind == WRITTEN:
                continue
            fix = msg.WAIT_OR_ABORT if found.kind == RUNNING_NOW else msg.ATTACH_AND_COMMIT
            lines.append(f"{stack.name}/{deployment.name}: {found.kind}: {found.line}; {fix}")
    return lines


def _module_copy_is_stale(stack_file: StackFile, workspace: Workspace, stack: Stack) -> bool:
    """Whether the module's traffic.json (``synth --module``) differs from the committed traffic file,
    for a stack read from a caller's root module; False when there is no copy in ``--out`` to compare."""
    from ..output.folder import traffic_files

    copy = workspace.module_traffic(stack)
    if workspace.caller_dir is None or not copy.is_file():
        return False
    fresh = traffic_files(replace(stack_file, stacks=(stack,)), module=True)
    return copy.read_text() != next(iter(fresh.values()))
