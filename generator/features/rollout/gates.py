"""The gates of the rollout's state machine: the checks of a bake, in the Amazon States Language.

Each check waits ``check_every_s``, then reads green's invocations and error rate from
CloudWatch over two windows, and the alarms:

- the **step** window, from the moment the step's weight was set: a step passes only once green
  served ``min_invocations`` in it;
- the **rollout** window, from the moment the first weight was set: errors of a step's last
  minutes, which CloudWatch counts minutes late, still count in the next step and in the final
  bake (docs/aws-rules.md#r48-alarms-scoped-to-a-version).

Either window's error rate above ``max_error_rate`` (once its invocations reach
``min_invocations``), or an alarm in ALARM, fails the check. Step Functions can't divide, so
the rate is CloudWatch's own metric math (``rate_expression``), one ``GetMetricData`` call per
window, compared in a Choice state. This module writes the states of one bake; the state machine
around it is ``machine``, which names the states.
"""

from __future__ import annotations

import math
from typing import Any

from .states_language import RETRY_READ, task

INVOCATIONS, ERRORS, ERROR_RATE = "invocations", "errors", "error_rate"  # GetMetricData query ids
STEP_METRICS, ROLLOUT_METRICS = "$.step_metrics", "$.rollout_metrics"  # where each window's reading goes
# A window's reading: for each query, the list of its one result's values, as a JSONPath filter
# gives them (``[[12.0]]``; ``[[]]`` when CloudWatch has no value). ``.Values[0]`` would fail the
# task with ``States.Runtime``, which no Catch takes, when there is none
# (docs/aws-rules.md#r48-alarms-scoped-to-a-version); the period holds the window in one value.
_SELECTOR = {f"{what}.$": f"$.MetricDataResults[?(@.Id == '{what}')].Values" for what in (INVOCATIONS, ERROR_RATE)}


def value(window: str, what: str) -> str:
    """The path of a reading's value (``$.step_metrics.invocations[0][0]``), for a Choice or an
    argument once ``present_and`` knows it is there."""
    return f"{window}.{what}[0][0]"


def shown(window: str, what: str) -> str:
    """A reading's value as an intrinsic function's argument, once ``present_and`` knows it is
    there: two ``States.ArrayGetItem``, which give the number itself on AWS and on the emulator,
    whose intrinsic functions read only the first index of ``[0][0]`` (and would show ``[0.1]``)."""
    return f"States.ArrayGetItem(States.ArrayGetItem({window}.{what}, 0), 0)"


def rate_expression(min_invocations: int) -> str:
    """Errors / invocations, or 0 below the count that makes a rate evidence: the one metric-math
    form the state machine sends (the emulator evaluates exactly this form). At least one
    invocation, so that a rate never divides by zero."""
    return f"IF({INVOCATIONS} >= {max(min_invocations, 1)}, {ERRORS} / {INVOCATIONS}, 0)"


def window_period(longest_s: int) -> int:
    """One CloudWatch period that holds a whole window: twice its longest planned length (retries
    and slow calls stretch it), plus the minute CloudWatch rounds the start down, in minutes."""
    return 60 * math.ceil((2 * longest_s + 60) / 60)


def read_metrics(dimensions: list[dict], since: str, period_s: int, min_invocations: int, result_path: str, *,
                 next_state: str, catch_to: str) -> dict:
    """A GetMetricData task: green's invocations and error rate from ``since`` (a path) until now."""
    def stat(query_id: str, metric: str, returned: bool) -> dict:
        return {"Id": query_id, "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                                                          "Dimensions": dimensions},
                                               "Period": period_s, "Stat": "Sum"}, "ReturnData": returned}
    queries = [stat(INVOCATIONS, "Invocations", True), stat(ERRORS, "Errors", False),
               {"Id": ERROR_RATE, "Expression": rate_expression(min_invocations), "ReturnData": True}]
    return task("cloudwatch:getMetricData", {"StartTime.$": since, "EndTime.$": "$$.State.EnteredTime",
                                             "MetricDataQueries": queries, "ScanBy": "TimestampAscending"},
                dict(_SELECTOR), result_path, next_state=next_state, catch_to=catch_to, retry=RETRY_READ)


def describe_alarms(alarm_names: list[str], *, next_state: str, catch_to: str) -> dict:
    """A DescribeAlarms task: the gating alarms in ALARM, metric and composite."""
    return task("cloudwatch:describeAlarms", {"AlarmNames": alarm_names, "StateValue": "ALARM",
                                              "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
                {"metric.$": "$.MetricAlarms[*].AlarmName", "composite.$": "$.CompositeAlarms[*].AlarmName"},
                "$.alarms", next_state=next_state, catch_to=catch_to, retry=RETRY_READ)


def present_and(path: str, rule: dict[str, Any]) -> dict:
    """A Choice rule on the first value of a reading, false when there is none (a missing value
    would be a runtime error that no Catch takes)."""
    return {"And": [{"Variable": path, "IsPresent": True}, {"Variable": path, **rule}]}


def healthy(max_error_rate: float, fired: dict[str, str], default: str) -> dict:
    """The Choice after a check's reads. ``fired``: the state to go to for each failure, keyed
    ``metric``, ``composite`` (an alarm), ``step``, ``rollout`` (a window's error rate)."""
    return {"Type": "Choice", "Choices": [
        {"Variable": "$.alarms.metric[0]", "IsPresent": True, "Next": fired["metric"]},
        {"Variable": "$.alarms.composite[0]", "IsPresent": True, "Next": fired["composite"]},
        {**present_and(value(STEP_METRICS, ERROR_RATE), {"NumericGreaterThan": max_error_rate}),
         "Next": fired["step"]},
        {**present_and(value(ROLLOUT_METRICS, ERROR_RATE), {"NumericGreaterThan": max_error_rate}),
         "Next": fired["rollout"]}],
        "Default": default}


def start_bake(first: bool, next_state: str) -> dict:
    """The Pass that starts a bake: its check counter at 0 and the windows' starts (``since``:
    now; ``rollout_since``: the first bake's start, carried on)."""
    rollout_since = "$$.State.EnteredTime" if first else "$.checks.rollout_since"
    return {"Type": "Pass", "Parameters": {"n": 0, "since.$": "$$.State.EnteredTime",
                                           "rollout_since.$": rollout_since},
            "ResultPath": "$.checks", "Next": next_state}


def count(next_state: str) -> dict:
    return {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.checks.n, 1)", "since.$": "$.checks.since",
                                           "rollout_since.$": "$.checks.rollout_since"},
            "ResultPath": "$.checks", "Next": next_state}


def step_baked(bake_checks: int, hold_checks: int, min_invocations: int, *, wait: str, passed: str,
               too_little_traffic: str) -> dict:
    """After a step's check: bake on; past the bake, pass once green served ``min_invocations``
    in the step, else hold up to ``hold_checks`` more checks, then end inconclusive."""
    if min_invocations == 0:  # written explicitly: no traffic passes
        return {"Type": "Choice", "Choices": [{"Variable": "$.checks.n", "NumericLessThan": bake_checks,
                                               "Next": wait}], "Default": passed}
    return {"Type": "Choice", "Choices": [
        {"Variable": "$.checks.n", "NumericLessThan": bake_checks, "Next": wait},
        {**present_and(value(STEP_METRICS, INVOCATIONS), {"NumericGreaterThanEquals": min_invocations}),
         "Next": passed},
        {"Variable": "$.checks.n", "NumericLessThan": bake_checks + hold_checks, "Next": wait}],
        "Default": too_little_traffic}


def final_baked(final_checks: int, *, wait: str, passed: str) -> dict:
    return {"Type": "Choice", "Choices": [{"Variable": "$.checks.n", "NumericLessThan": final_checks,
                                           "Next": wait}], "Default": passed}


def served_some(yes: str, no: str) -> dict:
    """Whether the step's reading has an invocation count at all (the reason says how many)."""
    return {"Type": "Choice", "Choices": [{"Variable": value(STEP_METRICS, INVOCATIONS), "IsPresent": True,
                                           "Next": yes}], "Default": no}


def read_bake(states: dict, baked: str, step_check: str) -> tuple[int, int, int | None]:
    """From an applied definition: a bake's checks, the hold's checks and ``min_invocations``
    (None for a definition written before these gates); ``baked`` names its Choice, ``step_check``
    its healthy? Choice."""
    choices = states[baked]["Choices"]
    bake = choices[0]["NumericLessThan"]
    if len(choices) == 3:
        return bake, choices[2]["NumericLessThan"] - bake, choices[1]["And"][1]["NumericGreaterThanEquals"]
    return bake, 0, 0 if read_rate(states, step_check) is not None else None


def read_rate(states: dict, step_check: str) -> float | None:
    """``max_error_rate`` from a healthy? Choice; None for a definition without the rate gates."""
    choices = states[step_check]["Choices"]
    return choices[2]["And"][1]["NumericGreaterThan"] if len(choices) > 2 else None
