"""``bluegreen rollout --pause | --resume | --promote-now``: give a control to the running execution.

The execution reads an SSM parameter at each check (``features.rollout.controls``); this module
writes it, ``<control>:<execution name>``, after checking that the control applies now, and
records who gave it and when in the record file (``record.add_control``). It also reads the
parameter back for ``status``: a paused rollout is shown with since when and by whom
(docs/aws-rules.md#r84-controls-through-an-ssm-parameter). It never prints.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.errors import Argument, InvalidInput, Problem
from ..features.rollout import controls
from ..features.rollout import messages as msg
from ..features.rollout.addresses import control_parameter_name
from ..features.rollout.record import Control, add_control, read_controls, record_path
from ..model.traffic_file import traffic_lock
from .operations import Target
from .rollout_run import RUNNING, Executions, Missing

# The phases in which --promote-now has nothing left to skip (``rollout_watch``'s names).
_NOTHING_TO_SKIP = ("promoting", "final bake")


@dataclass(frozen=True)
class Parameter:
    """The control parameter's value and when it was last written (None: no parameter)."""

    value: str | None
    written: str | None


def flag(control: str) -> str:
    return f"--{control}"


def give(executions: Executions, current: tuple[int, dict] | None, control: str, reason: str | None,
         phase: str | None) -> Control:
    """Write ``control`` for the running execution and record it; ``InvalidInput`` (exit 2) when
    none runs or it does not apply. ``phase``: where the execution is (``rollout_watch``)."""
    rollout = executions.rollout
    status = str(current[1].get("status")) if current else "none"
    if current is None or status != RUNNING:
        raise InvalidInput(Problem(Argument(flag(control)), msg.no_running_rollout_to_control(
            control, rollout.green, status)))
    name = rollout.execution_name(current[0])
    if not _reads_controls(executions, str(current[1].get("executionArn"))):
        raise InvalidInput(Problem(Argument(flag(control)), msg.execution_predates_controls(name)))
    given = read_parameter(executions).value
    refusal = _refusal(control, name, given, phase)
    if refusal is not None:
        raise InvalidInput(Problem(Argument(flag(control)), refusal))
    ssm = executions.client("ssm")
    executions.call("PutParameter", lambda: ssm.put_parameter(
        Name=control_parameter_name(rollout.function_name), Value=controls.value(control, name), Type="String",
        Tier="Standard", Overwrite=True))
    sts = executions.client("sts")
    caller = executions.call("GetCallerIdentity", lambda: sts.get_caller_identity())
    record = Control(execution=name, control=control, by=str(caller.get("Arn", "")), user=getpass.getuser(),
                     at=datetime.now(UTC).isoformat(timespec="seconds"), reason=reason)
    target = rollout.target
    with traffic_lock(target.traffic_file):
        add_control(record_path(target.traffic_file, target.stack), target.stack, target.deployment.name, record)
    return record


def controls_of(target: Target, execution: str) -> list[Control]:
    """The controls the record file holds for ``execution``, oldest first."""
    given = read_controls(record_path(target.traffic_file, target.stack)).get(target.deployment.name, [])
    return [control for control in given if control.execution == execution]


def _reads_controls(executions: Executions, arn: str) -> bool:
    """Whether the definition this execution runs reads the controls' parameter: one applied
    before controls existed never would, and the control would be taken for nothing."""
    described = executions.call("DescribeStateMachineForExecution", lambda: executions.sfn
                                .describe_state_machine_for_execution(executionArn=arn))
    try:
        states = json.loads(described.get("definition") or "{}").get("States") or {}
    except ValueError:
        return False
    return any(name.endswith(f": {controls.READ_CONTROL}") for name in states)


def _refusal(control: str, execution: str, given: str | None, phase: str | None) -> str | None:
    """Why ``control`` does not apply now, or None."""
    paused = given == controls.value(controls.PAUSE, execution)
    if control == controls.PAUSE and paused:
        return msg.already_paused(execution)
    if control == controls.RESUME and not paused:
        return msg.not_paused(execution)
    if control == controls.PROMOTE_NOW:
        if given == controls.value(controls.PROMOTE_NOW, execution):
            return msg.promote_now_already_given(execution)
        if phase in _NOTHING_TO_SKIP:
            return msg.promote_now_in_the_final_bake(execution)
    return None


def read_parameter(executions: Executions) -> Parameter:
    """The control parameter as it is now; a missing one is ``Parameter(None, None)``."""
    name = control_parameter_name(executions.rollout.function_name)
    ssm = executions.client("ssm")
    try:
        found = executions.call("GetParameter", lambda: ssm.get_parameter(Name=name), quiet=("ParameterNotFound",))
    except Missing:
        return Parameter(None, None)  # no control was ever given for this state machine
    parameter = found.get("Parameter") or {}
    written = parameter.get("LastModifiedDate")
    return Parameter(str(parameter.get("Value")),
                     written.isoformat(timespec="seconds") if isinstance(written, datetime) else None)


def paused_by(executions: Executions, execution: str) -> str | None:
    """``paused since <when> by <who>`` when ``execution`` is paused, else None (``status``)."""
    parameter = read_parameter(executions)
    if parameter.value != controls.value(controls.PAUSE, execution):
        return None
    given = [c for c in controls_of(executions.rollout.target, execution) if c.control == controls.PAUSE]
    who = f"{given[-1].by} ({given[-1].user})" if given else "someone not recorded here"
    return msg.paused_since(given[-1].at if given else str(parameter.written), who)
