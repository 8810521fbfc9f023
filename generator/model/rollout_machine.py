"""The rollout's state machine, in the Amazon States Language: a plain dict, no cdktf.

It moves one alias from blue to green through the rollout's steps, reading the alarms every
``check_every_s`` of each bake, and ends one of three ways (docs/aws-rules.md#r47-rollouts-run-by-step-functions):

- **promoted**: green is the alias's primary version with no routing configuration;
- **rolled back** (error ``RolledBack``): an alarm fired, the smoke test failed or a call
  failed; the alias is back on blue with no routing configuration and the cause names why;
- **interfered** (error ``Interfered``): the alias changed under the rollout (its revision id
  differs from the one the rollout's last change returned); the alias is left as it is.

Blue is what the alias serves when the execution starts; green is fixed in the definition (the
newest version), so an execution can only roll out what the reviewed plan showed. Every change
of the alias passes the revision id it expects, so AWS itself refuses a change that would
overwrite someone else's (UpdateAlias ``RevisionId``) — except the rollback, which must win.

The state names are what ``bluegreen rollout`` reads back from the execution's history to show
progress: ``step_state`` and the constants here are the only spelling of them. ``read_plan``
reads the steps, bake and alarms back from an applied definition, which is what runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .rollout import Rollout

READ_ALIAS = "Read the alias"
ALREADY_GREEN = "Already on green"
START = "Start"
SMOKE_TEST = "Smoke test"
SMOKE_FAILED = "Smoke test failed"
SMOKE_ANSWER = "Check the smoke answer"
SMOKE_ANSWERED_FAILURE = "Smoke test answered a failure"
ALARM_FIRED = "Alarm fired"
COMPOSITE_FIRED = "Composite alarm fired"
TASK_FAILED = "A call failed"
INTERFERED = "Interfered"
ROLL_BACK = "Roll back"
ROLLED_BACK = "Rolled back"
ROLLBACK_FAILED = "Rollback failed"
PROMOTE = "Promote"
PROMOTED = "Promoted"
NOT_STARTED = "Not started"

# The errors an execution fails with (its Error; the Cause says the rest).
ROLLED_BACK_ERROR = "RolledBack"
INTERFERED_ERROR = "Interfered"
NOT_STARTED_ERROR = "NotStarted"
ROLLBACK_FAILED_ERROR = "RollbackFailed"

# A read is retried whatever failed; a change only on throttling and Lambda's own faults
# (docs/aws-rules.md#r47-rollouts-run-by-step-functions), never on a refused revision, which is
# someone else's change. Anything still failing rolls back.
_BACKOFF = {"IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}
_RETRY_READ = [{"ErrorEquals": ["States.ALL"], **_BACKOFF}]
# The first read also waits out a role that IAM has not propagated yet (the apply just made it):
# 1 + 2 + 4 + 8 + 16 s.
_RETRY_FIRST_READ = [{"ErrorEquals": ["States.ALL"], **_BACKOFF, "MaxAttempts": 5}]
_RETRY_CHANGE = [{"ErrorEquals": ["Lambda.TooManyRequestsException", "Lambda.ServiceException"], **_BACKOFF}]


def step_state(step: int, what: str) -> str:
    """``Step 2: set weight`` and the like: one step's states (steps count from 1; 0 is the
    promotion, ``Promote: check the alias``)."""
    return f"Step {step}: {what}" if step else f"{PROMOTE}: {what}"


SET_WEIGHT, WAIT, CHECK_ALARMS, HEALTHY, COUNT, BAKED = ("set weight", "wait", "check alarms", "healthy?",
                                                        "count", "baked?")
CHECK_ALIAS, UNCHANGED, START_BAKE = "check the alias", "unchanged?", "start the bake"


def definition(function_name: str, alias: str, green: str, alarm_names: list[str], rollout: Rollout) -> dict:
    """The state machine for ``alias`` of ``function_name`` rolling out version ``green``."""
    states: dict[str, Any] = {}
    lambda_alias = {"FunctionName": function_name, "Name": alias}
    first = SMOKE_TEST if rollout.smoke_event is not None else step_state(1, CHECK_ALIAS)
    states[READ_ALIAS] = _task("lambda:getAlias", lambda_alias, {"version.$": "$.FunctionVersion",
                                                                 "revision.$": "$.RevisionId"}, "$.start",
                               next_state=ALREADY_GREEN, catch_to=NOT_STARTED, retry=_RETRY_FIRST_READ)
    states[ALREADY_GREEN] = {"Type": "Choice", "Choices": [
        {"Variable": "$.start.version", "StringEquals": green, "Next": NOT_STARTED}], "Default": START}
    states[START] = {"Type": "Pass", "Parameters": {"blue.$": "$.start.version", "green": green,
                                                     "expect": {"revision.$": "$.start.revision"}}, "Next": first}
    states[NOT_STARTED] = {"Type": "Fail", "Error": NOT_STARTED_ERROR,
                           "Cause": f"The alias could not be read, or already serves version {green}: "
                                    "nothing was changed."}
    if rollout.smoke_event is not None:
        states.update(_smoke_test(function_name, green, rollout.smoke_event, step_state(1, CHECK_ALIAS)))
    for index, weight in enumerate(rollout.steps, start=1):
        after = step_state(index + 1, CHECK_ALIAS) if index < len(rollout.steps) else step_state(0, CHECK_ALIAS)
        states.update(_step(index, weight, lambda_alias, green, alarm_names, rollout, after))
    states.update(_promote(lambda_alias, green))
    states.update(_endings(lambda_alias))
    return {"Comment": f"Roll out version {green} of {function_name} through alias {alias}: "
                       f"{', '.join(f'{w * 100:g}%' for w in rollout.steps)}, then 100%.",
            "StartAt": READ_ALIAS, "States": states}


def _task(action: str, parameters: dict, selector: dict | None, result_path: str | None, *, next_state: str,
          catch_to: str, retry: list, catch: list | None = None) -> dict:
    task: dict[str, Any] = {"Type": "Task", "Resource": f"arn:aws:states:::aws-sdk:{action}",
                            "Parameters": parameters}
    if selector is not None:
        task["ResultSelector"] = selector
    task["ResultPath"] = result_path
    task["Retry"] = retry
    task["Catch"] = [*(catch or []), {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": catch_to}]
    task["Next"] = next_state
    return task


def _guarded_change(step: int, lambda_alias: dict, routing: dict, version: tuple[str, str], next_state: str) -> dict:
    """Read the alias, compare its revision with the expected one, then change it with that revision.

    ``version``: the primary version's parameter, ``("FunctionVersion", "4")`` or a path to it."""
    check, unchanged, change = (step_state(step, CHECK_ALIAS), step_state(step, UNCHANGED),
                                step_state(step, SET_WEIGHT) if step else PROMOTE)
    update = {**lambda_alias, version[0]: version[1], "RoutingConfig": _routing(routing),
              "RevisionId.$": "$.expect.revision"}
    interfered = [{"ErrorEquals": ["Lambda.PreconditionFailedException"], "ResultPath": "$.error", "Next": INTERFERED}]
    return {
        check: _task("lambda:getAlias", lambda_alias, {"revision.$": "$.RevisionId"}, "$.live",
                     next_state=unchanged, catch_to=TASK_FAILED, retry=_RETRY_READ),
        unchanged: {"Type": "Choice", "Choices": [
            {"Variable": "$.live.revision", "StringEqualsPath": "$.expect.revision", "Next": change}],
            "Default": INTERFERED},
        change: _task("lambda:updateAlias", update, {"revision.$": "$.RevisionId"}, "$.expect",
                      next_state=next_state, catch_to=TASK_FAILED, retry=_RETRY_CHANGE, catch=interfered),
    }


def _routing(weights: dict) -> dict:
    """The alias's routing configuration; with no weights, the empty configuration that clears
    them, exactly as Terraform's provider sends it, so the next plan sees no difference
    (docs/aws-rules.md#r6-clearing-weights)."""
    return {"AdditionalVersionWeights": weights} if weights else {}


def _step(step: int, weight: float, lambda_alias: dict, green: str, alarm_names: list[str], rollout: Rollout,
          after: str) -> dict:
    wait, check, healthy, count, baked = (step_state(step, what) for what in (WAIT, CHECK_ALARMS, HEALTHY,
                                                                              COUNT, BAKED))
    states = _guarded_change(step, lambda_alias, {green: weight}, ("FunctionVersion.$", "$.blue"), wait)
    states[wait] = {"Type": "Wait", "Seconds": rollout.check_every_s, "Next": check}
    states[check] = _task("cloudwatch:describeAlarms",
                          {"AlarmNames": alarm_names, "StateValue": "ALARM",
                           "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
                          {"metric.$": "$.MetricAlarms[*].AlarmName", "composite.$": "$.CompositeAlarms[*].AlarmName"},
                          "$.alarms", next_state=healthy, catch_to=TASK_FAILED, retry=_RETRY_READ)
    states[healthy] = {"Type": "Choice", "Choices": [
        {"Variable": "$.alarms.metric[0]", "IsPresent": True, "Next": ALARM_FIRED},
        {"Variable": "$.alarms.composite[0]", "IsPresent": True, "Next": COMPOSITE_FIRED}], "Default": count}
    states[count] = {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.checks.n, 1)"}, "ResultPath": "$.checks",
                     "Next": baked}
    states[baked] = {"Type": "Choice", "Choices": [
        {"Variable": "$.checks.n", "NumericLessThan": rollout.checks_per_step, "Next": wait}], "Default": after}
    # Each bake counts its checks from 0: a Pass after the weight is set resets the counter.
    states[step_state(step, SET_WEIGHT)]["Next"] = step_state(step, START_BAKE)
    states[step_state(step, START_BAKE)] = {"Type": "Pass", "Result": {"n": 0}, "ResultPath": "$.checks",
                                                  "Next": wait}
    return states


def _promote(lambda_alias: dict, green: str) -> dict:
    states = _guarded_change(0, lambda_alias, {}, ("FunctionVersion", green), PROMOTED)
    states[PROMOTED] = {"Type": "Succeed"}
    return states


def _smoke_test(function_name: str, green: str, event: Any, after: str) -> dict:
    invoke = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": function_name, "Qualifier": green,
                             "Payload": json.loads(json.dumps(event))},
              "ResultSelector": {"payload.$": "$.Payload"}, "ResultPath": "$.smoke",
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": SMOKE_FAILED}],
              "Next": SMOKE_ANSWER}
    return {
        SMOKE_TEST: invoke,
        SMOKE_ANSWER: {"Type": "Choice", "Choices": [{"And": [
            {"Variable": "$.smoke.payload.statusCode", "IsPresent": True},
            {"Variable": "$.smoke.payload.statusCode", "IsNumeric": True},
            {"Variable": "$.smoke.payload.statusCode", "NumericGreaterThanEquals": 500}],
            "Next": SMOKE_ANSWERED_FAILURE}], "Default": after},
        SMOKE_FAILED: _reason(f"The smoke test of version {green} failed before any traffic: {{}}",
                              "States.JsonToString($.error)"),
        SMOKE_ANSWERED_FAILURE: _reason(f"The smoke test of version {green} answered with a failure before any "
                                        "traffic: {}", "States.JsonToString($.smoke.payload)"),
    }


def _reason(template: str, argument: str) -> dict:
    """A Pass that writes ``$.reason.cause`` (what the rollback fails with), then rolls back."""
    return {"Type": "Pass", "Parameters": {"cause.$": f"States.Format('{template}', {argument})"},
            "ResultPath": "$.reason", "Next": ROLL_BACK}


def _endings(lambda_alias: dict) -> dict:
    rollback = {**lambda_alias, "FunctionVersion.$": "$.blue", "RoutingConfig": _routing({})}
    return {
        ALARM_FIRED: _reason("Alarm {} is in ALARM.", "$.alarms.metric[0]"),
        COMPOSITE_FIRED: _reason("Alarm {} is in ALARM.", "$.alarms.composite[0]"),
        # The whole error object: a Catch's output always has it, while a missing Cause would be
        # a runtime error that no Catch takes, with the alias still weighted.
        TASK_FAILED: _reason("A call failed: {}", "States.JsonToString($.error)"),
        INTERFERED: {"Type": "Fail", "Error": INTERFERED_ERROR,
                     "Cause": "The alias changed during the rollout (its revision is not the one this rollout "
                              "set): it was left as it is."},
        # No revision here: putting traffic back on blue must win over anything else.
        ROLL_BACK: {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:updateAlias",
                    "Parameters": rollback, "ResultPath": None,
                    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 5,
                               "BackoffRate": 2}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": ROLLBACK_FAILED}],
                    "Next": ROLLED_BACK},
        ROLLED_BACK: {"Type": "Fail", "Error": ROLLED_BACK_ERROR, "CausePath": "$.reason.cause"},
        ROLLBACK_FAILED: {"Type": "Fail", "Error": ROLLBACK_FAILED_ERROR,
                          "Cause": "Putting the alias back on blue failed: read the execution's history."},
    }


@dataclass(frozen=True)
class Plan:
    """What an applied state machine rolls out, read back from its definition (``read_plan``):
    progress is shown against these, not the stack file's, which may have changed since the apply."""

    steps: tuple[float, ...]
    bake_s: int
    check_every_s: int
    alarm_names: tuple[str, ...]


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
        if not steps:
            return None
        # Every step waits and counts the same: the first one's say what all do.
        check_every_s = states[step_state(1, WAIT)]["Seconds"]
        checks = states[step_state(1, BAKED)]["Choices"][0]["NumericLessThan"]
        alarms = states[step_state(1, CHECK_ALARMS)]["Parameters"]["AlarmNames"]
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    numbers = [*steps, check_every_s, checks]
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers) or \
            not isinstance(alarms, list) or not all(isinstance(a, str) for a in alarms):
        return None
    return Plan(tuple(float(s) for s in steps), int(checks * check_every_s), int(check_every_s), tuple(alarms))
