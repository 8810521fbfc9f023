"""Unit tests of a rollout's state machine (``rollout.machine``). Pure Python.

- the definition's shape: every transition names a state, every state is reachable, what each
  task sends, with every state name built from the module's own constants;
- the definition walked through (``step_functions_model.walk``): a small reading of the Amazon
  States Language semantics these states use, against a fake alias, fake alarms and green's
  metrics, so a healthy rollout, an alarm, someone else's change, a smoke test, the traffic
  gates and the retries are followed from the first state to the last;
- the history budget: the longest rollout validation accepts fits in an execution's history.

The rollout's validation and names are ``test_rollout_model``; what the emulator makes of the
same definition is ``test_rollout_e2e``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable

import pytest
from conftest import GOLDEN
from step_functions_model import (
    ALIAS,
    BLUE,
    EVENTS,
    EVENTS_PER_RETRY,
    FUNCTION,
    GREEN,
    HISTORY_EVENTS_MAX,
    FakeAws,
    Raised,
    Traffic,
    history_events,
    scripted,
    steady,
    walk,
)
from test_rollout_model import deployment, problems, rollout

from generator import Rollout, Step
from generator.features.rollout import addresses as names
from generator.features.rollout import applied_plan, budget, controls
from generator.features.rollout import machine as sm

# --- the definition: its shape --------------------------------------------------------------------

PLAN = rollout()
SMOKE = {"path": "/health", "headers": {"x-smoke": "1"}}


def alarm_names(plan: Rollout = PLAN) -> list[str]:
    return names.gating_alarm_names(FUNCTION, deployment(rollout=plan))


def definition(**changes) -> dict:
    plan = dataclasses.replace(PLAN, **changes)
    return sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan)


def targets(state: dict) -> list[str]:
    """Every state a state may go to: Next, Default, each Choice's and each Catch's Next."""
    return ([state[key] for key in ("Next", "Default") if key in state]
            + [rule["Next"] for rule in state.get("Choices", [])] + [catch["Next"] for catch in state.get("Catch", [])])


def reachable(document: dict) -> set[str]:
    seen, todo = set(), [document["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += targets(document["States"][name])
    return seen


def parameters_of(document: dict, action: str) -> list[tuple[str, dict]]:
    """The states whose Resource is ``action`` (``lambda:updateAlias``, ...), with their Parameters."""
    return [(name, state["Parameters"]) for name, state in document["States"].items()
            if state.get("Resource", "").endswith(f":{action}")]


@pytest.mark.parametrize("changes", [{}, dict(smoke_event=SMOKE), dict(steps=(0.25,)),
                                     dict(steps=tuple((i + 1) / 100 for i in range(20)), smoke_event={}),
                                     dict(max_p99_ms=500, max_error_rate_above_blue=0.01, gate_alarms=("gate",)),
                                     dict(steps=(Step(0.01, 8), 0.5)), dict(steps=(), smoke_event={}),
                                     dict(steps=(), min_invocations=0)],
                         ids=["plain", "smoke", "one-step", "20-steps", "every-alarm", "per-step", "all-at-once",
                              "all-at-once-no-traffic"])
def test_every_transition_names_a_state_and_every_state_is_reachable(changes):
    document = definition(**changes)
    states = document["States"]
    assert document["StartAt"] == sm.READ_ALIAS
    for name, state in states.items():
        assert set(targets(state)) <= set(states), name
        # only Succeed and Fail end an execution; every other state goes on
        assert (state["Type"] in ("Succeed", "Fail")) == (not targets(state)), name
        assert "End" not in state, name
    assert reachable(document) == set(states)
    assert json.loads(json.dumps(document)) == document  # plain JSON, as the plan shows it


def test_it_starts_by_reading_the_alias_and_changes_nothing_when_it_serves_green():
    states = definition()["States"]
    read = states[sm.READ_ALIAS]
    assert (read["Resource"], read["Parameters"]) == ("arn:aws:states:::aws-sdk:lambda:getAlias",
                                                      {"FunctionName": FUNCTION, "Name": ALIAS})
    assert (read["Next"], read["Catch"][-1]["Next"]) == (sm.ALREADY_GREEN, sm.NOT_STARTED)
    already = states[sm.ALREADY_GREEN]
    assert [(rule["StringEquals"], rule["Next"]) for rule in already["Choices"]] == [(GREEN, sm.NOT_STARTED)]
    assert already["Default"] == sm.START


@pytest.mark.parametrize("smoke, first", [(None, sm.step_state(1, sm.CHECK_ALIAS)), (SMOKE, sm.SMOKE_TEST)])
def test_the_first_state_after_start_is_the_smoke_test_when_there_is_one(smoke, first):
    states = definition(smoke_event=smoke)["States"]
    assert states[sm.START]["Next"] == first
    assert (sm.SMOKE_TEST in states) == (smoke is not None)


def test_the_smoke_test_invokes_green_with_the_event_and_then_checks_the_alias_of_step_1():
    states = definition(smoke_event=SMOKE)["States"]
    smoke = states[sm.SMOKE_TEST]
    assert smoke["Resource"] == "arn:aws:states:::lambda:invoke"
    assert smoke["Parameters"] == {"FunctionName": FUNCTION, "Qualifier": GREEN, "Payload": SMOKE}
    assert (smoke["Next"], smoke["Catch"][-1]["Next"]) == (sm.SMOKE_ANSWER, sm.SMOKE_FAILED)
    assert states[sm.SMOKE_ANSWER]["Default"] == sm.step_state(1, sm.CHECK_ALIAS)
    assert states[sm.SMOKE_ANSWER]["Choices"][0]["Next"] == sm.SMOKE_ANSWERED_FAILURE
    assert states[sm.SMOKE_FAILED]["Next"] == states[sm.SMOKE_ANSWERED_FAILURE]["Next"] == sm.ROLL_BACK


def test_each_step_sets_its_weight_with_the_expected_revision_then_bakes_in_checks():
    states = definition()["States"]
    after = [sm.step_state(2, sm.CHECK_ALIAS), sm.step_state(0, sm.CHECK_ALIAS)]
    for step, (weight, then) in enumerate(zip(PLAN.steps, after, strict=True), start=1):
        check, unchanged, change = (sm.step_state(step, what) for what in (sm.CHECK_ALIAS, sm.UNCHANGED, sm.SET_WEIGHT))
        assert states[check]["Resource"].endswith(":lambda:getAlias") and states[check]["Next"] == unchanged
        assert states[unchanged]["Choices"] == [{"Variable": "$.live.revision", "StringEqualsPath": "$.expect.revision",
                                                 "Next": change}]
        assert states[unchanged]["Default"] == sm.INTERFERED
        assert states[change]["Resource"] == "arn:aws:states:::aws-sdk:lambda:updateAlias"
        assert states[change]["Parameters"] == {
            "FunctionName": FUNCTION, "Name": ALIAS, "FunctionVersion.$": "$.blue",
            "RoutingConfig": {"AdditionalVersionWeights": {GREEN: weight}}, "RevisionId.$": "$.expect.revision"}
        assert states[change]["ResultPath"] == "$.expect"
        assert states[change]["Next"] == sm.step_state(step, sm.START_BAKE)
        assert states[sm.step_state(step, sm.START_BAKE)]["Next"] == sm.step_state(step, sm.WAIT)
        wait = states[sm.step_state(step, sm.WAIT)]
        assert (wait["Type"], wait["Seconds"]) == ("Wait", PLAN.check_every_s)
        # a check: wait, read both windows, read the alarms, judge, read the control, count
        loop = [sm.WAIT, sm.READ_ROLLOUT, sm.READ_STEP, sm.CHECK_ALARMS, sm.HEALTHY, controls.READ_CONTROL,
                controls.CONTROLLED]
        for what, then_what in zip(loop, [*loop[1:], sm.COUNT], strict=True):
            state = states[sm.step_state(step, what)]
            assert state.get("Next", state.get("Default")) == sm.step_state(step, then_what), what
        assert states[sm.step_state(step, sm.COUNT)]["Next"] == sm.step_state(step, sm.BAKED)
        baked = states[sm.step_state(step, sm.BAKED)]
        # bake on; past the bake, pass on enough invocations in the step, else hold, then judge the traffic
        assert [(rule.get("NumericLessThan"), rule["Next"]) for rule in baked["Choices"]] == [
            (PLAN.step_checks[0][0], sm.step_state(step, sm.WAIT)), (None, then),
            (sum(PLAN.step_checks[0]), sm.step_state(step, sm.WAIT))]
        assert baked["Choices"][1]["And"] == [
            {"Variable": "$.step_metrics.invocations[0][0]", "IsPresent": True},
            {"Variable": "$.step_metrics.invocations[0][0]", "NumericGreaterThanEquals": PLAN.min_invocations}]
        assert baked["Default"] == sm.step_state(step, sm.SERVED_SOME)


def test_a_change_of_the_alias_is_retried_only_on_throttling_and_a_refused_revision_means_interfered():
    document = definition(smoke_event=SMOKE)
    guarded = [name for name, parameters in parameters_of(document, "lambda:updateAlias")
               if "RevisionId.$" in parameters]
    assert guarded == [*(sm.step_state(step, sm.SET_WEIGHT) for step in (1, 2)), sm.PROMOTE]
    for name in guarded:
        state = document["States"][name]
        assert [catch["ErrorEquals"] for catch in state["Catch"]] == [["Lambda.PreconditionFailedException"],
                                                                      ["States.ALL"]]
        assert [catch["Next"] for catch in state["Catch"]] == [sm.INTERFERED, sm.TASK_FAILED]
        retried = {error for retry in state["Retry"] for error in retry["ErrorEquals"]}
        assert not retried & {"States.ALL", "Lambda.PreconditionFailedException"}, name


def test_promote_makes_green_the_primary_version_with_an_empty_routing_configuration():
    states = definition()["States"]
    promote = states[sm.PROMOTE]
    assert promote["Resource"] == "arn:aws:states:::aws-sdk:lambda:updateAlias"
    assert promote["Parameters"] == {"FunctionName": FUNCTION, "Name": ALIAS, "FunctionVersion": GREEN,
                                     "RoutingConfig": {}, "RevisionId.$": "$.expect.revision"}
    assert states[sm.step_state(0, sm.UNCHANGED)]["Choices"][0]["Next"] == sm.PROMOTE
    # then the final bake, which alone leads to the one Succeed state
    assert promote["Next"] == sm.final_state(sm.START_BAKE) and states[sm.PROMOTED] == {"Type": "Succeed"}
    assert [name for name, state in states.items() if sm.PROMOTED in targets(state)] == [sm.final_state(sm.BAKED)]
    final = states[sm.final_state(sm.BAKED)]
    assert [(rule["NumericLessThan"], rule["Next"]) for rule in final["Choices"]] == \
        [(PLAN.final_checks, sm.final_state(sm.WAIT))]
    assert final["Default"] == sm.PROMOTED


def test_the_rollback_puts_blue_back_with_no_weights_and_no_revision():
    # "RoutingConfig": {} is the request the provider sends at weight 0, so the next plan sees no
    # change (docs/aws-rules.md#r6-clearing-weights).
    states = definition()["States"]
    back = states[sm.ROLL_BACK]
    assert back["Resource"] == "arn:aws:states:::aws-sdk:lambda:updateAlias"
    assert back["Parameters"] == {"FunctionName": FUNCTION, "Name": ALIAS, "FunctionVersion.$": "$.blue",
                                  "RoutingConfig": {}}
    assert not any(key.startswith("RevisionId") for key in back["Parameters"])
    assert (back["Next"], back["Catch"][-1]["Next"]) == (sm.ROLLED_BACK, sm.ROLLBACK_FAILED)
    assert states[sm.INCONCLUSIVE]["Parameters"] == states[sm.ROLL_BACK_PROMOTION]["Parameters"] == \
        back["Parameters"]
    assert (states[sm.INCONCLUSIVE]["Next"], states[sm.ROLL_BACK_PROMOTION]["Next"]) == \
        (sm.INCONCLUSIVE_END, sm.ROLLED_BACK_PROMOTION)
    # each failed gate, and a pause past max_pause_s (features/rollout/controls.py)
    gates = [sm.ALARM_FIRED, sm.COMPOSITE_FIRED, sm.STEP_RATE_HIGH, sm.ROLLOUT_RATE_HIGH, sm.TASK_FAILED,
             controls.PAUSED_TOO_LONG]

    def leading_to(rollback: str) -> list[str]:
        return sorted(name for name, state in states.items() if state.get("Next") == rollback)
    assert leading_to(sm.ROLL_BACK) == sorted([sm.TASK_FAILED, *(sm.step_state(step, what) for step in (1, 2)
                                                                  for what in gates)])
    assert leading_to(sm.INCONCLUSIVE) == sorted(sm.step_state(step, what) for step in (1, 2)
                                                 for what in (sm.TOO_LITTLE, sm.NO_TRAFFIC))
    assert leading_to(sm.ROLL_BACK_PROMOTION) == sorted(sm.final_state(what) for what in gates)


@pytest.mark.parametrize("changes", [{}, dict(max_p99_ms=500, max_error_rate_above_blue=0.01,
                                              gate_alarms=("shop-gate", "shop-composite"))])
def test_the_alarms_are_read_by_name_in_alarm_state_of_both_types(changes):
    document = definition(**changes)
    expected = alarm_names(dataclasses.replace(PLAN, **changes))
    checks = parameters_of(document, "cloudwatch:describeAlarms")
    assert [name for name, _ in checks] == [*(sm.step_state(step, sm.CHECK_ALARMS) for step in (1, 2)),
                                            sm.final_state(sm.CHECK_ALARMS)]
    for _, parameters in checks:
        assert parameters == {"AlarmNames": expected, "StateValue": "ALARM",
                              "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}


def test_the_fail_states_use_the_modules_error_names():
    states = definition(smoke_event=SMOKE)["States"]
    fails = {name: state["Error"] for name, state in states.items() if state["Type"] == "Fail"}
    assert fails == {sm.NOT_STARTED: sm.NOT_STARTED_ERROR, sm.INTERFERED: sm.INTERFERED_ERROR,
                     sm.ROLLED_BACK: sm.ROLLED_BACK_ERROR, sm.ROLLBACK_FAILED: sm.ROLLBACK_FAILED_ERROR,
                     sm.INCONCLUSIVE_END: sm.INCONCLUSIVE_ERROR,
                     sm.ROLLED_BACK_PROMOTION: sm.ROLLED_BACK_PROMOTION_ERROR}
    for failed in (sm.ROLLED_BACK, sm.INCONCLUSIVE_END, sm.ROLLED_BACK_PROMOTION):
        assert states[failed]["CausePath"] == "$.reason.cause"
    assert [name for name, state in states.items() if state["Type"] == "Succeed"] == [sm.PROMOTED]


def test_step_state_counts_from_one_and_zero_is_the_promotion():
    assert sm.step_state(2, sm.SET_WEIGHT) != sm.step_state(1, sm.SET_WEIGHT)
    assert sm.step_state(0, sm.CHECK_ALIAS).startswith(sm.PROMOTE)
    assert len({sm.step_state(s, w) for s in range(21) for w in (sm.CHECK_ALIAS, sm.WAIT)}) == 2 * 21


# --- the definition: walked through ---------------------------------------------------------------

@pytest.mark.parametrize("plan", [PLAN, rollout(steps=(0.25,), bake_s=6, check_every_s=2),
                                  rollout(steps=(0.01, 0.1, 0.5), bake_s=3, check_every_s=3)],
                         ids=["two-steps", "one-step-three-checks", "three-steps-one-check"])
def test_a_healthy_rollout_sets_each_weight_bakes_each_step_and_promotes(plan):
    aws = FakeAws(traffic=steady(plan.min_invocations))
    outcome = walk(sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan), aws)
    assert (outcome.status, outcome.visited[-1]) == ("Succeeded", sm.PROMOTED)
    # each change carries the revision the previous one returned (r0 read at the start)
    assert aws.changes == [*((BLUE, {GREEN: weight}, f"r{i}") for i, weight in enumerate(plan.steps)),
                           (GREEN, {}, f"r{len(plan.steps)}")]
    assert outcome.waited_s == len(plan.steps) * plan.bake_s + plan.final_s  # no hold: enough traffic
    checks = len(plan.steps) * plan.step_checks[0][0] + plan.final_checks
    assert aws.calls["cloudwatch:describeAlarms"] == checks
    assert aws.calls["cloudwatch:getMetricData"] == 2 * checks  # the step's window and the rollout's
    assert (aws.version, aws.weights) == (GREEN, {})


@pytest.mark.parametrize("composite", [False, True])
def test_an_alarm_during_a_bake_puts_the_alias_back_on_blue(composite):
    aws, gate = FakeAws(), "shop-composite"
    plan = dataclasses.replace(PLAN, gate_alarms=(gate,))
    firing = aws.firing_composite if composite else aws.firing
    fired = gate if composite else alarm_names()[0]
    aws.hooks[("cloudwatch:describeAlarms", 3)] = lambda: firing.add(fired)  # step 2's first check
    outcome = walk(sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and fired in outcome.cause
    assert sm.step_state(2, sm.COMPOSITE_FIRED if composite else sm.ALARM_FIRED) in outcome.visited
    assert outcome.cause.endswith("(step 2).")
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {GREEN: 0.5}, "r1"), (BLUE, {}, None)]
    assert aws.calls["cloudwatch:describeAlarms"] == 3


def test_a_failing_call_rolls_back_with_its_cause():
    aws = FakeAws()
    aws.hooks[("cloudwatch:describeAlarms", 2)] = lambda: aws.failing.update(
        {"cloudwatch:describeAlarms": Raised("CloudWatch.CloudWatchException", "Rate exceeded")})
    outcome = walk(definition(), aws)
    assert (outcome.status, sm.step_state(1, sm.TASK_FAILED) in outcome.visited) == (sm.ROLLED_BACK_ERROR, True)
    assert "Rate exceeded" in outcome.cause and "(step 1)" in outcome.cause
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {}, None)]
    # a read is retried whatever failed, then rolls back
    retry = definition()["States"][sm.step_state(1, sm.CHECK_ALARMS)]["Retry"]
    assert outcome.retries == retry[0]["MaxAttempts"] and aws.calls["cloudwatch:describeAlarms"] == 2 + outcome.retries


def test_a_change_by_someone_else_during_a_bake_stops_the_rollout_and_leaves_the_alias():
    aws = FakeAws()
    aws.hooks[("cloudwatch:describeAlarms", 1)] = lambda: aws.change(BLUE, {GREEN: 0.3})
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited[-2:]) == (sm.INTERFERED_ERROR,
                                                      [sm.step_state(2, sm.UNCHANGED), sm.INTERFERED])
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0")]
    assert (aws.version, aws.weights) == (BLUE, {GREEN: 0.3})


def test_a_change_by_someone_else_between_the_read_and_the_update_is_refused_by_lambda():
    aws = FakeAws()
    aws.hooks[("lambda:updateAlias", 3)] = lambda: aws.change(BLUE, {})  # right before the promotion
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited[-2:]) == (sm.INTERFERED_ERROR, [sm.PROMOTE, sm.INTERFERED])
    assert (aws.version, aws.weights) == (BLUE, {})


def test_an_alias_already_on_green_is_not_touched():
    aws = FakeAws(blue=GREEN)
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited) == (sm.NOT_STARTED_ERROR,
                                                 [sm.READ_ALIAS, sm.ALREADY_GREEN, sm.NOT_STARTED])
    assert aws.changes == []


@pytest.mark.parametrize("answer, status", [({"statusCode": 200}, "Succeeded"), ("ok", "Succeeded"),
                                            ({"statusCode": "500"}, "Succeeded"), (None, "Succeeded"),
                                            ({"statusCode": 500}, sm.ROLLED_BACK_ERROR),
                                            ({"statusCode": 503, "body": "down"}, sm.ROLLED_BACK_ERROR)])
def test_the_smoke_test_sends_the_event_to_green_and_a_5xx_answer_rolls_back_before_any_traffic(answer, status):
    aws = FakeAws(smoke_answer=answer)
    outcome = walk(definition(smoke_event=SMOKE), aws)
    assert (aws.invoked, outcome.status) == ([SMOKE], status)
    if status != "Succeeded":
        assert sm.SMOKE_ANSWERED_FAILURE in outcome.visited
        assert aws.changes == [(BLUE, {}, None)]  # never a weight on green


def test_a_smoke_test_that_raises_rolls_back_before_any_traffic():
    aws = FakeAws()
    aws.failing["lambda:invoke"] = Raised("Lambda.Unknown", "Unhandled: boom")
    outcome = walk(definition(smoke_event=SMOKE), aws)
    assert (outcome.status, sm.SMOKE_FAILED in outcome.visited) == (sm.ROLLED_BACK_ERROR, True)
    assert "boom" in outcome.cause and aws.changes == [(BLUE, {}, None)]


# --- the gates walked through: green's traffic and error rates, read from CloudWatch -------------

def test_enough_invocations_and_no_errors_promote_after_the_final_bake():
    aws = FakeAws(traffic=steady(PLAN.min_invocations // PLAN.step_checks[0][0]))  # exactly enough per step
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited[-2:]) == ("Succeeded", [sm.final_state(sm.BAKED), sm.PROMOTED])
    # green took 100% before the final bake, whose checks all ran
    assert outcome.visited.index(sm.PROMOTE) < outcome.visited.index(sm.final_state(sm.WAIT))
    assert outcome.visited.count(sm.final_state(sm.WAIT)) == PLAN.final_checks
    assert outcome.waited_s == 2 * PLAN.bake_s + PLAN.final_s
    # step 1's last check: 50 invocations in the step, none failed
    assert aws.answers[2 * PLAN.step_checks[0][0] - 2] == {"invocations": [50.0], "errors": [0.0], "error_rate": [0.0]}
    assert aws.sent[-1] == {"FunctionName": FUNCTION, "Name": ALIAS, "FunctionVersion": GREEN, "RoutingConfig": {},
                            "RevisionId": "r2"}


def test_no_invocations_at_all_end_inconclusive_with_the_alias_back_on_blue():
    aws = FakeAws(traffic=steady(0))
    outcome = walk(definition(), aws)
    assert outcome.status == sm.INCONCLUSIVE_ERROR
    assert f"served 0 of {PLAN.min_invocations} invocations required in step 1" in outcome.cause
    assert outcome.visited[-4:] == [sm.step_state(1, sm.SERVED_SOME), sm.step_state(1, sm.NO_TRAFFIC),
                                    sm.INCONCLUSIVE, sm.INCONCLUSIVE_END]
    assert outcome.visited.count(sm.step_state(1, sm.WAIT)) == sum(PLAN.step_checks[0])
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {}, None)]
    assert aws.sent[-1] == {"FunctionName": FUNCTION, "Name": ALIAS, "FunctionVersion": BLUE, "RoutingConfig": {}}
    assert (aws.version, aws.weights) == (BLUE, {})


def test_too_few_invocations_hold_the_step_its_hold_checks_then_end_inconclusive():
    plan = dataclasses.replace(PLAN, max_hold_s=3 * PLAN.check_every_s)
    aws = FakeAws(traffic=scripted({"Step 1": [(3, 0)]}))
    outcome = walk(sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan), aws)
    assert outcome.status == sm.INCONCLUSIVE_ERROR
    # CloudWatch's values are doubles, and States.Format writes a number as JSON does
    assert "served 3.0 of 50 invocations required in step 1" in outcome.cause, outcome.cause
    assert sm.step_state(1, sm.TOO_LITTLE) in outcome.visited
    assert outcome.visited.count(sm.step_state(1, sm.WAIT)) == plan.step_checks[0][0] + 3
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {}, None)]


def test_invocations_that_arrive_during_the_hold_pass_the_step():
    aws = FakeAws(traffic=scripted({"Step 1": [(10, 0), (10, 0), (40, 0)]}))
    outcome = walk(definition(), aws)
    assert outcome.status == "Succeeded"
    assert outcome.visited.count(sm.step_state(1, sm.WAIT)) == PLAN.step_checks[0][0] + 1  # one check of the hold


def test_min_invocations_0_passes_a_step_with_no_traffic():
    document = definition(min_invocations=0)
    assert not any(sm.SERVED_SOME in name for name in document["States"])
    outcome = walk(document, FakeAws(traffic=steady(0)))
    assert (outcome.status, outcome.waited_s) == ("Succeeded", 2 * PLAN.bake_s + PLAN.final_s)


def test_with_min_invocations_0_a_rate_is_judged_from_the_first_invocation():
    outcome = walk(definition(min_invocations=0), FakeAws(traffic=steady(1, 1)))
    assert outcome.status == sm.ROLLED_BACK_ERROR and sm.step_state(1, sm.STEP_RATE_HIGH) in outcome.visited


def test_an_error_rate_over_the_step_rolls_back_though_its_last_check_was_clean():
    # 150 invocations make a rate evidence: the first check (100) is not judged, the second sees
    # 5 errors in 200 though no invocation failed since the first
    aws = FakeAws(traffic=scripted({"Step 1": [(100, 5), (100, 0)]}))
    outcome = walk(definition(min_invocations=150), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR
    assert outcome.visited[-3:] == [sm.step_state(1, sm.STEP_RATE_HIGH), sm.ROLL_BACK, sm.ROLLED_BACK]
    assert outcome.visited.count(sm.step_state(1, sm.WAIT)) == 2
    assert f"version {GREEN} over step 1 was 0.025 with 200.0 invocations" in outcome.cause, outcome.cause
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {}, None)]


def test_late_errors_of_a_step_fail_the_next_one_through_the_rollout_window():
    # CloudWatch counts a check's invocations one check late: step 1's last errors are not read
    # before it passes, and never in step 2's own window, which starts after them
    aws = FakeAws(traffic=scripted({"Step 1": [(100, 0), (100, 3)], "Step 2": [(100, 0), (100, 0)]}),
                  lag_s=PLAN.check_every_s)
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR
    assert outcome.visited[-3:] == [sm.step_state(2, sm.ROLLOUT_RATE_HIGH), sm.ROLL_BACK, sm.ROLLED_BACK]
    assert "over the whole rollout, checked in step 2 was 0.015 with 200.0 invocations" in outcome.cause
    step_1_last, step_2 = aws.answers[3], aws.answers[-1]  # each check reads the rollout's window, then the step's
    assert step_1_last == {"invocations": [100.0], "errors": [0.0], "error_rate": [0.0]}
    assert step_2["errors"] in ([], [0.0])  # step 2's own window: clean
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {GREEN: 0.5}, "r1"), (BLUE, {}, None)]


@pytest.mark.parametrize("failure", ["rate", "alarm"])
def test_a_failure_in_the_final_bake_puts_the_old_blue_back(failure):
    aws = FakeAws(traffic=scripted({"Final bake": [(100, 5 if failure == "rate" else 0)]}))
    if failure == "alarm":
        final_first_check = 2 * PLAN.step_checks[0][0] + 1
        aws.hooks[("cloudwatch:describeAlarms", final_first_check)] = lambda: aws.firing.add(alarm_names()[0])
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_PROMOTION_ERROR
    reason = sm.final_state(sm.STEP_RATE_HIGH if failure == "rate" else sm.ALARM_FIRED)
    assert outcome.visited[-3:] == [reason, sm.ROLL_BACK_PROMOTION, sm.ROLLED_BACK_PROMOTION]
    assert "the final bake, after promotion" in outcome.cause
    assert aws.changes[-2:] == [(GREEN, {}, "r2"), (BLUE, {}, None)]
    assert aws.sent[-1] == {"FunctionName": FUNCTION, "Name": ALIAS, "FunctionVersion": BLUE, "RoutingConfig": {}}
    assert (aws.version, aws.weights) == (BLUE, {})


def test_a_rate_below_min_invocations_is_0_and_not_judged():
    # half of green's invocations fail, but 40 in the step (its bake and hold) never make a rate
    aws = FakeAws(traffic=steady(10, 5))
    outcome = walk(definition(), aws)
    assert outcome.status == sm.INCONCLUSIVE_ERROR and "served 40.0 of 50" in outcome.cause
    assert [answer["error_rate"] for answer in aws.answers] == [[0.0]] * 2 * (sum(PLAN.step_checks[0]))
    # with 40 as the least that makes a rate, the same traffic rolls back
    outcome = walk(definition(min_invocations=40), FakeAws(traffic=steady(10, 5)))
    assert outcome.status == sm.ROLLED_BACK_ERROR and sm.step_state(1, sm.STEP_RATE_HIGH) in outcome.visited


# The errors of Lambda's own that AWS says to retry (the Step Functions guide's "Handling Lambda
# service exceptions"): their names, spelled here as AWS does.
# The errors the Step Functions guide advises retrying for Lambda (docs/aws-rules.md#r47-rollouts-run-by-step-functions).
SERVICE_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                  "Lambda.ClientExecutionTimeoutException", "Lambda.TooManyRequestsException"]


@pytest.mark.parametrize("error", SERVICE_ERRORS)
def test_a_smoke_test_that_fails_once_with_a_service_error_is_retried_and_passes(error):
    aws = FakeAws(smoke_answer={"statusCode": 200})
    aws.fail_once["lambda:invoke"] = [Raised(error, "try again")]
    outcome = walk(definition(smoke_event=SMOKE), aws)
    assert (outcome.status, outcome.retries, aws.calls["lambda:invoke"]) == ("Succeeded", 1, 2)
    assert aws.invoked == [SMOKE] and sm.SMOKE_FAILED not in outcome.visited


def test_a_smoke_test_that_keeps_failing_with_a_service_error_rolls_back_once_its_retries_are_spent():
    aws = FakeAws()
    aws.failing["lambda:invoke"] = Raised("Lambda.ServiceException", "down")
    outcome = walk(definition(smoke_event=SMOKE), aws)
    retry = definition(smoke_event=SMOKE)["States"][sm.SMOKE_TEST]["Retry"][0]
    assert (outcome.status, outcome.retries) == (sm.ROLLED_BACK_ERROR, retry["MaxAttempts"])
    assert sm.SMOKE_FAILED in outcome.visited and aws.changes == [(BLUE, {}, None)]


@pytest.mark.parametrize("error", [*SERVICE_ERRORS, "Lambda.ResourceConflictException"])
def test_an_alias_update_that_fails_with_a_conflict_or_a_service_error_is_retried_not_rolled_back(error):
    aws = FakeAws()
    aws.fail_once["lambda:updateAlias"] = [Raised(error, "busy"), Raised(error, "busy")]
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.retries) == ("Succeeded", 2)
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {GREEN: 0.5}, "r1"), (GREEN, {}, "r2")]


def test_a_refused_revision_is_interference_at_once_not_retried():
    aws = FakeAws()
    aws.fail_once["lambda:updateAlias"] = [Raised("Lambda.PreconditionFailedException", "revision")]
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited[-2:]) == (sm.INTERFERED_ERROR,
                                                      [sm.step_state(1, sm.SET_WEIGHT), sm.INTERFERED])
    assert (outcome.retries, aws.calls["lambda:updateAlias"], aws.changes) == (0, 1, [])


def test_the_smoke_test_and_the_alias_changes_retry_exactly_lambdas_service_errors_with_backoff():
    states = definition(smoke_event=SMOKE)["States"]
    assert sorted(sm.LAMBDA_SERVICE_ERRORS) == sorted(SERVICE_ERRORS)
    (smoke,) = states[sm.SMOKE_TEST]["Retry"]
    assert sorted(smoke["ErrorEquals"]) == sorted(SERVICE_ERRORS)
    changes = [sm.step_state(1, sm.SET_WEIGHT), sm.step_state(2, sm.SET_WEIGHT), sm.PROMOTE]
    for name in changes:
        (retry,) = states[name]["Retry"]
        assert sorted(retry["ErrorEquals"]) == sorted([*SERVICE_ERRORS, "Lambda.ResourceConflictException"]), name
    for retry in [smoke, *(states[name]["Retry"][0] for name in changes)]:
        assert retry["BackoffRate"] > 1 and retry["IntervalSeconds"] >= 1 and retry["MaxAttempts"] >= 3


@pytest.mark.parametrize("least, n", [(50, 50), (1, 1), (0, 1)])
def test_each_check_reads_greens_invocations_and_error_rate_over_the_step_and_the_rollout(least, n):
    plan = dataclasses.replace(PLAN, min_invocations=least, max_hold_s=6, final_bake_s=8)
    document = sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan)
    reads = parameters_of(document, "cloudwatch:getMetricData")
    windows = [(1, sm.READ_ROLLOUT), (1, sm.READ_STEP), (2, sm.READ_ROLLOUT), (2, sm.READ_STEP)]
    assert [name for name, _ in reads] == [*(sm.step_state(step, what) for step, what in windows),
                                           sm.final_state(sm.READ_ROLLOUT), sm.final_state(sm.READ_STEP)]
    dimensions = [{"Name": "FunctionName", "Value": FUNCTION}, {"Name": "Resource", "Value": f"{FUNCTION}:{ALIAS}"},
                  {"Name": "ExecutedVersion", "Value": GREEN}]
    whole_s = plan.longest_s
    for name, parameters in reads:
        step_window = name.endswith(sm.READ_STEP)
        longest_s = (plan.final_s if name.startswith(sm.FINAL_BAKE) else plan.bakes[0] + plan.holds[0]) \
            if step_window else whole_s
        assert parameters["StartTime.$"] == ("$.checks.since" if step_window else "$.checks.rollout_since")
        assert (parameters["EndTime.$"], parameters["ScanBy"]) == ("$$.State.EnteredTime", "TimestampAscending")
        invocations, errors, rate = parameters["MetricDataQueries"]
        period = invocations["MetricStat"]["Period"]
        assert period >= longest_s + 60 and period % 60 == 0, name  # one value for the whole window
        for query, metric, returned in ((invocations, "Invocations", True), (errors, "Errors", False)):
            assert query == {"Id": metric.lower(), "ReturnData": returned, "MetricStat": {
                "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dimensions},
                "Period": period, "Stat": "Sum"}}
        assert rate == {"Id": "error_rate", "Expression": f"IF(invocations >= {n}, errors / invocations, 0)",
                        "ReturnData": True}
        state = document["States"][name]
        assert state["ResultSelector"] == {
            "invocations.$": "$.MetricDataResults[?(@.Id == 'invocations')].Values",
            "error_rate.$": "$.MetricDataResults[?(@.Id == 'error_rate')].Values"}
        assert state["ResultPath"] == ("$.step_metrics" if step_window else "$.rollout_metrics")
        assert state["Catch"][-1]["Next"] == name.replace(sm.READ_STEP, sm.TASK_FAILED).replace(
            sm.READ_ROLLOUT, sm.TASK_FAILED)


def test_the_rollout_window_starts_with_the_first_weight_and_each_step_window_with_its_own():
    states = definition()["States"]
    starts = [states[sm.step_state(1, sm.START_BAKE)], states[sm.step_state(2, sm.START_BAKE)],
              states[sm.final_state(sm.START_BAKE)]]
    assert [start["Parameters"]["since.$"] for start in starts] == ["$$.State.EnteredTime"] * 3
    assert [start["Parameters"]["rollout_since.$"] for start in starts] == [
        "$$.State.EnteredTime", "$.checks.rollout_since", "$.checks.rollout_since"]


# --- per-step bakes and all at once, walked through -----------------------------------------------

def test_each_step_bakes_and_holds_for_its_own_time():
    plan = dataclasses.replace(PLAN, steps=(Step(0.01, 8), 0.5, Step(0.75, 2)))  # bake_s 4 for the bare weight
    document = sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan)
    assert document["Comment"].endswith(": 1% for 8 s, 50%, 75% for 2 s, then 100%.")
    aws = FakeAws(traffic=steady(plan.min_invocations))
    outcome = walk(document, aws)
    assert outcome.status == "Succeeded"
    assert [outcome.visited.count(sm.step_state(step, sm.WAIT)) for step in (1, 2, 3)] == [4, 2, 1]
    assert outcome.waited_s == 8 + 4 + 2 + plan.final_s
    assert aws.changes == [(BLUE, {GREEN: 0.01}, "r0"), (BLUE, {GREEN: 0.5}, "r1"), (BLUE, {GREEN: 0.75}, "r2"),
                           (GREEN, {}, "r3")]
    # with too little traffic, step 1 holds its own bake (8 s: 4 checks) past it, then ends inconclusive
    starved = walk(document, FakeAws(traffic=steady(0)))
    assert starved.status == sm.INCONCLUSIVE_ERROR and "holding it 8 s past its bake" in starved.cause
    assert starved.visited.count(sm.step_state(1, sm.WAIT)) == 8


ALL_AT_ONCE = dataclasses.replace(PLAN, steps=(), bake_s=None, final_bake_s=6, smoke_event=SMOKE)


def all_at_once(**changes) -> dict:
    plan = dataclasses.replace(ALL_AT_ONCE, **changes)
    return sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan)


def test_all_at_once_promotes_green_after_the_smoke_test_then_judges_it_in_the_final_bake():
    document = all_at_once()
    assert document["Comment"].endswith(": all at once, 100%.")
    assert not any(name.startswith("Step ") for name in document["States"])
    assert sm.INCONCLUSIVE not in document["States"]  # a final bake ends rolled back after promotion
    aws = FakeAws(smoke_answer={"statusCode": 200}, traffic=steady(ALL_AT_ONCE.min_invocations))
    outcome = walk(document, aws)
    assert (outcome.status, aws.invoked) == ("Succeeded", [SMOKE])
    assert outcome.visited[:8] == [sm.READ_ALIAS, sm.ALREADY_GREEN, sm.START, sm.SMOKE_TEST, sm.SMOKE_ANSWER,
                                   sm.step_state(0, sm.CHECK_ALIAS), sm.step_state(0, sm.UNCHANGED), sm.PROMOTE]
    assert aws.changes == [(GREEN, {}, "r0")]  # one guarded change: blue to green, no weights on the way
    assert outcome.waited_s == 6 and outcome.visited.count(sm.final_state(sm.WAIT)) == 3
    # the whole rollout's window starts with the final bake, the only one
    assert document["States"][sm.final_state(sm.START_BAKE)]["Parameters"]["rollout_since.$"] == \
        "$$.State.EnteredTime"


def test_all_at_once_with_a_failing_smoke_test_never_sends_green_any_traffic():
    aws = FakeAws(smoke_answer={"statusCode": 500})
    outcome = walk(all_at_once(), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and aws.changes == [(BLUE, {}, None)]


@pytest.mark.parametrize("failure", ["rate", "alarm"])
def test_all_at_once_puts_the_old_blue_back_when_a_gate_fails_in_the_final_bake(failure):
    aws = FakeAws(traffic=scripted({"Final bake": [(100, 5 if failure == "rate" else 0)]}))
    if failure == "alarm":
        aws.hooks[("cloudwatch:describeAlarms", 2)] = lambda: aws.firing.add(alarm_names()[0])
    outcome = walk(all_at_once(smoke_event=None), aws)
    assert outcome.status == sm.ROLLED_BACK_PROMOTION_ERROR and "the final bake, after promotion" in outcome.cause
    assert aws.changes == [(GREEN, {}, "r0"), (BLUE, {}, None)]
    assert (aws.version, aws.weights) == (BLUE, {})


def test_all_at_once_with_too_little_traffic_holds_the_final_bake_then_puts_the_old_blue_back():
    aws = FakeAws(traffic=scripted({"Final bake": [(10, 0)]}))
    outcome = walk(all_at_once(smoke_event=None, max_hold_s=4), aws)
    assert outcome.status == sm.ROLLED_BACK_PROMOTION_ERROR
    assert outcome.cause == (f"Version {GREEN} served 10.0 of {PLAN.min_invocations} invocations required in the "
                             "final bake, holding it 4 s past its end: not enough traffic to judge.")
    assert outcome.visited[-4:] == [sm.final_state(sm.SERVED_SOME), sm.final_state(sm.TOO_LITTLE),
                                    sm.ROLL_BACK_PROMOTION, sm.ROLLED_BACK_PROMOTION]
    assert outcome.visited.count(sm.final_state(sm.WAIT)) == 3 + 2  # the bake, then the hold
    assert aws.changes == [(GREEN, {}, "r0"), (BLUE, {}, None)]
    silent = walk(all_at_once(smoke_event=None), FakeAws(traffic=steady(0)))
    assert silent.status == sm.ROLLED_BACK_PROMOTION_ERROR and "served 0 of" in silent.cause


def test_all_at_once_passes_once_enough_traffic_arrives_during_the_hold_and_needs_none_when_told():
    aws = FakeAws(traffic=scripted({"Final bake": [(10, 0), (10, 0), (10, 0), (40, 0)]}))
    outcome = walk(all_at_once(smoke_event=None), aws)
    assert outcome.status == "Succeeded" and outcome.visited.count(sm.final_state(sm.WAIT)) == 4
    free = all_at_once(smoke_event=None, min_invocations=0)
    assert sm.final_state(sm.SERVED_SOME) not in free["States"]
    assert walk(free, FakeAws(traffic=steady(0))).status == "Succeeded"


# --- golden definitions: per-step bakes, all at once, 20 steps ------------------------------------

UPDATE = os.environ.get("BLUEGREEN_UPDATE_GOLDENS") == "1"
# Timed for AWS (metric_delay_s 180, a function timeout of 1 s): each passes validation.
GOLDEN_ROLLOUTS = {
    # "1% for an hour, then quick steps"
    "per-step": Rollout(steps=(Step(0.01, 3600), Step(0.1, 600), 0.5), bake_s=300, check_every_s=60,
                        max_error_rate=0.01),
    # CodeDeploy's AllAtOnce, with the gates: the smoke test, then 100%, then the final bake judges it
    "all-at-once": Rollout(steps=(), check_every_s=60, max_error_rate=0.01, smoke_event={"path": "/health"},
                           min_invocations=100, final_bake_s=900),
    # a linear rollout of 5% steps after a 1% canary: past the 10 steps there used to be
    "20-steps": Rollout(steps=(0.01, *(round(0.05 * i, 2) for i in range(1, 20))), bake_s=240, check_every_s=60,
                        max_error_rate=0.01, max_hold_s=120),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_ROLLOUTS))
def test_the_definition_matches_its_readable_golden_and_runs_to_promotion(base_dir, name):
    plan = GOLDEN_ROLLOUTS[name]
    assert problems(base_dir, rollout=plan) == []
    document = sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan)
    text = json.dumps(document, indent=2) + "\n"
    golden = GOLDEN / f"rollout-{name}.definition.json"
    if UPDATE:
        golden.write_text(text)
    assert text == golden.read_text(), f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 and review the diff of {golden.name}"
    assert reachable(document) == set(document["States"])
    aws = FakeAws(smoke_answer={"statusCode": 200}, traffic=steady(plan.min_invocations))
    outcome = walk(document, aws, most_states=10_000)
    assert outcome.status == "Succeeded"
    assert aws.changes == [*((BLUE, {GREEN: weight}, f"r{i}") for i, weight in enumerate(plan.weights)),
                           (GREEN, {}, f"r{len(plan.steps)}")]
    assert outcome.waited_s == sum(plan.bakes) + plan.final_s  # enough traffic: no step holds
    assert applied_plan.read_plan(json.dumps(document)) == applied_plan.Plan(
        plan.weights, plan.bakes, 60, tuple(alarm_names(plan)), plan.min_invocations, plan.holds, plan.final_s,
        0.01, plan.smoke_event is not None, plan.final_hold_s)


# --- bugs found while writing these tests: the history budget, walked through ---------------------

def check_events(document: dict, name: Callable[[str], str]) -> int:
    """The history events of one check of a bake, counted from its states."""
    loop = (sm.WAIT, sm.READ_ROLLOUT, sm.READ_STEP, sm.CHECK_ALARMS, sm.HEALTHY, controls.READ_CONTROL,
            controls.CONTROLLED, sm.COUNT, sm.BAKED)
    return sum(EVENTS[document["States"][name(what)]["Type"]] for what in loop)


def held_to_the_limit(plan: Rollout) -> Traffic:
    """Each step (all at once: the final bake) gets its invocations only in the last check of its
    hold: the longest a rollout runs."""
    last = {sm.step_state(step, "").rstrip(": "): bake + hold - 1
            for step, (bake, hold) in enumerate(plan.step_checks, start=1)}
    last[sm.FINAL_BAKE] = plan.final_checks + plan.final_hold_checks - 1 if plan.all_at_once else -1
    return lambda phase, n: (plan.min_invocations, 0) if n == last.get(phase) else (0, 0)


def _fits(plan: Rollout) -> bool:
    return budget.longest_execution_events(plan) <= HISTORY_EVENTS_MAX


def _longest(make: Callable[[int], Rollout]) -> Rollout:
    """``make(k)`` for the largest ``k`` whose rollout fits the history (more never fits better)."""
    low, high = 1, 100_000
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _fits(make(middle)) else (low, middle - 1)
    assert not _fits(make(low + 1))
    return make(low)


ALL_ALARMS = dict(smoke_event=SMOKE, max_p99_ms=500, max_error_rate_above_blue=0.01, gate_alarms=("shop-gate",))
MANY = tuple((i + 1) / 1000 for i in range(999))


def _most_steps(steps: tuple = MANY, **changes) -> Rollout:
    plan = rollout(steps=steps, bake_s=2, check_every_s=1, **changes)
    return dataclasses.replace(plan, steps=plan.steps[:budget.most_steps(plan)])


@pytest.mark.parametrize("plan", [
    _longest(lambda k: rollout(steps=(0.5,), bake_s=k, check_every_s=1)),  # bake, hold, final bake
    _most_steps(**ALL_ALARMS),
    _most_steps(min_invocations=0),
    _most_steps((Step(0.0001, 40), *(Step(w, 1) if i % 2 else w for i, w in enumerate(MANY)))),
    _longest(lambda k: rollout(steps=(), bake_s=None, final_bake_s=k, check_every_s=1, **ALL_ALARMS)),
], ids=["one-step", "most-steps", "most-steps-no-traffic-needed", "per-step", "all-at-once"])
def test_the_longest_rollout_validation_accepts_fits_in_an_executions_history(base_dir, plan):
    assert problems(base_dir, rollout=plan) == []
    document = sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan)
    outcome = walk(document, FakeAws(traffic=held_to_the_limit(plan)), most_states=200_000)
    assert (outcome.status, outcome.retries) == ("Succeeded", 0)
    assert sum(name.endswith(f": {sm.WAIT}") for name in outcome.visited) == plan.most_checks
    # every check's events, the same in each bake, as the budget counts them
    per_check = check_events(document, sm.final_state)
    assert per_check == budget.CHECK_EVENTS + budget.CONTROL_EVENTS
    if plan.steps:
        assert check_events(document, lambda what: sm.step_state(1, what)) == per_check
    events = history_events(document, outcome)
    # the budget counts the walked history with room for one retried call in every check, and a
    # little more (the longest ending, which a promotion does not take), within the 25,000
    # (less the paused checks max_pause_s allows, which this walk does not pause: test_rollout_controls)
    counted = budget.longest_execution_events(plan) - budget.paused_events(plan)
    room = EVENTS_PER_RETRY * plan.most_checks
    assert events + room <= counted <= HISTORY_EVENTS_MAX - budget.paused_events(plan)
    assert counted - (events + room) <= budget.END_EVENTS + budget.TASK_EVENTS, (counted, events + room)
    # past the old limits (of steps; a check that reads the controls, and the paused checks the
    # default max_pause_s allows, take events that the old 900 checks did not count)
    assert plan.most_checks + plan.pause_checks > 700 or len(plan.steps) > 10


def test_a_rollout_of_a_few_checks_stays_far_within_the_history():
    document = definition()
    assert history_events(document, walk(document, FakeAws())) < HISTORY_EVENTS_MAX // 100
