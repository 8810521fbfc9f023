"""Controls on a running rollout (``--pause``, ``--resume``, ``--promote-now``), in the Amazon States Language.

The running execution learns of a control from an SSM parameter that Terraform never manages
(``addresses.control_parameter_name``; docs/aws-rules.md#r84-controls-through-an-ssm-parameter):
``bluegreen rollout`` writes ``<control>:<execution name>`` into it, and every check of every
bake reads it after the gates passed. The START Pass writes the texts this execution obeys
(``start_fields``), so a control left from an earlier execution is inert. Per check:

- ``pause:<this execution>``: the gates were judged (a failing one still rolls back), but the
  check does not count toward the bake; past ``max_pause_s`` (all pauses of the rollout added
  up) the rollout rolls back, in the final bake the promotion is rolled back;
- ``promote-now:<this execution>`` during a step: the guarded promotion, then the final bake as
  usual; during the final bake it changes nothing;
- anything else (``resume:...``, another execution's control, no parameter): the check counts.

A control is obeyed at the next check, so within one ``check_every_s``. ``machine`` names the
states (``name(what)``) and hooks them between a check's gates and its count.
"""

from __future__ import annotations

from collections.abc import Callable

from . import messages as msg
from .states_language import RETRY_READ, task

PAUSE, RESUME, PROMOTE_NOW = "pause", "resume", "promote-now"
CONTROLS = (PAUSE, RESUME, PROMOTE_NOW)

READ_CONTROL, CONTROLLED, PAUSED, PAUSE_LEFT, PAUSED_TOO_LONG = (
    "read the control", "control?", "paused", "pause left?", "paused too long")
# The error of GetParameter for a parameter that does not exist (no control given yet), as Step
# Functions names an AWS SDK task's error: the service and the exception in Pascal case
# (docs/aws-rules.md#r84-controls-through-an-ssm-parameter).
PARAMETER_NOT_FOUND = "Ssm.ParameterNotFoundException"
TEXTS, READ, PAUSED_CHECKS = "$.controls", "$.control", "$.pause"  # where the execution keeps them


def value(control: str, execution: str) -> str:
    """What the CLI writes into the parameter: ``pause:svc-v4``."""
    return f"{control}:{execution}"


def read_value(text: str) -> tuple[str, str] | None:
    """``(control, execution)`` from a parameter's value; None for anything else."""
    control, _, execution = text.partition(":")
    return (control, execution) if control in CONTROLS and execution else None


def start_fields() -> dict:
    """What the START Pass adds: the texts this execution obeys and the paused checks, at 0."""
    return {"controls": {"pause.$": f"States.Format('{value(PAUSE, '{}')}', $$.Execution.Name)",
                         "promote_now.$": f"States.Format('{value(PROMOTE_NOW, '{}')}', $$.Execution.Name)"},
            "pause": {"checks": 0}}


def check_states(name: Callable[[str], str], parameter: str, *, counted: str, wait: str, promote: str | None,
                 roll_back: str, call_failed: str, pause_checks: int, pause_s: int, where: str) -> dict:
    """The control read of one bake's checks, after its gates passed. ``counted``: the check's
    count (no control); ``wait``: the next check (paused); ``promote``: the guarded promotion
    (None in the final bake); ``roll_back``: where paused too long goes."""
    # A missing parameter is no control: never retried, caught into the read (its error object
    # has no value, so the Choice takes its default). Any other failure is a failed read.
    not_found = [{"ErrorEquals": [PARAMETER_NOT_FOUND], "ResultPath": READ, "Next": name(CONTROLLED)}]
    retry = [{"ErrorEquals": [PARAMETER_NOT_FOUND], "MaxAttempts": 0}, *RETRY_READ]
    choices = [_is(f"{TEXTS}.pause", name(PAUSED))]
    if promote is not None:
        choices.append(_is(f"{TEXTS}.promote_now", promote))
    return {
        name(READ_CONTROL): task("ssm:getParameter", {"Name": parameter}, {"value.$": "$.Parameter.Value"}, READ,
                                 next_state=name(CONTROLLED), catch_to=call_failed, retry=retry, catch=not_found),
        name(CONTROLLED): {"Type": "Choice", "Choices": choices, "Default": counted},
        name(PAUSED): {"Type": "Pass", "Parameters": {"checks.$": f"States.MathAdd({PAUSED_CHECKS}.checks, 1)"},
                       "ResultPath": PAUSED_CHECKS, "Next": name(PAUSE_LEFT)},
        name(PAUSE_LEFT): {"Type": "Choice", "Choices": [
            {"Variable": f"{PAUSED_CHECKS}.checks", "NumericGreaterThan": pause_checks, "Next": name(PAUSED_TOO_LONG)}],
            "Default": wait},
        name(PAUSED_TOO_LONG): {"Type": "Pass", "Parameters": {"cause": msg.paused_too_long(pause_s, where)},
                                "ResultPath": "$.reason", "Next": roll_back},
    }


def _is(texts: str, next_state: str) -> dict:
    """The read value is this execution's control (guarded: a missing value is no match)."""
    return {"And": [{"Variable": f"{READ}.value", "IsPresent": True},
                    {"Variable": f"{READ}.value", "StringEqualsPath": texts}], "Next": next_state}
