"""Unit tests of a deployment's rollout: its rules, its state machine and its names. Pure Python.

- ``model.rollout_validation``: each bad field gives exactly one problem at its field path, with the
  text from the catalogue (``core.messages.rollout``), and a valid ``Rollout`` passes;
- ``model.rollout_machine``: the definition's shape (every transition names a state, every state is
  reachable, what each task sends), with every state name built from the module's own constants;
  then walks through it (``walk``): a small reading of the Amazon States Language semantics these
  states use, against a fake alias and fake alarms, so a healthy rollout, an alarm, someone else's
  change and a smoke test are followed from the first state to the last;
- ``model.rollout_names``: the alarms, gating alarm names and Terraform addresses.

What Terraform makes of it is ``test_rollout_e2e`` (the emulator runs the state machine); the
emulator's own answers a rollout relies on are ``test_rollout_emulator_extras``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import validation_problems

import generator
from generator import Deployment, Function, InvalidInput, Problem, Rollout
from generator.core.errors import Field
from generator.core.messages import rollout as msg
from generator.model import naming
from generator.model import rollout_machine as sm
from generator.model import rollout_names as names
from generator.model.aws_limits import IAM_ROLE_NAME_MAX
from generator.model.rollout import MAX_STEPS
from generator.model.rollout_validation import (
    BAKE_S_MAX,
    DESCRIBE_ALARMS_MAX,
    MAX_CHECKS,
    P99_MS_MAX,
    SMOKE_EVENT_MAX_BYTES,
    YEAR_S,
)
from generator.model.validation import validate_deployment

AT = "shop.orders.rollout"
GOOD = dict(steps=(0.1, 0.5), bake_s=4, check_every_s=2, max_error_rate=0.01)


def rollout(**changes) -> Rollout:
    return Rollout(**{**GOOD, **changes})


def deployment(name: str = "orders", **changes) -> Deployment:
    fields = dict(name=name, function=Function(source="src", handler="app.handler", runtime="python3.12"),
                  rollout=rollout())
    fields.update(changes)
    return Deployment(**fields)


def problems(base_dir: Path, stack_name: str = "shop", **changes) -> list[Problem]:
    return validation_problems(deployment(**changes), base_dir, stack_name)


def only(base_dir: Path, **changes) -> Problem:
    found = problems(base_dir, **changes)
    assert len(found) == 1, found
    return found[0]


# --- the model ------------------------------------------------------------------------------------

def test_rollout_is_exported_by_the_top_level_package():
    assert generator.Rollout is Rollout and "Rollout" in generator.__all__
    assert Rollout.__module__ == "generator.model.rollout"


def test_a_valid_rollout_validates_and_its_lists_become_tuples(base_dir):
    plan = Rollout(steps=[0.1, 0.5], bake_s=4, check_every_s=2, max_error_rate=0.01, gate_alarms=["shop-gate"])
    assert (plan.steps, plan.gate_alarms) == ((0.1, 0.5), ("shop-gate",))
    assert plan == rollout(gate_alarms=("shop-gate",)) and hash(plan) == hash(rollout(gate_alarms=("shop-gate",)))
    assert plan.checks_per_step == 2
    assert problems(base_dir, rollout=plan) == []
    assert problems(base_dir, rollout=None) == []


@pytest.mark.parametrize("changes", [
    dict(steps=(0.0001,)),
    dict(steps=(0.9999,)),
    dict(steps=tuple((i + 1) / 100 for i in range(MAX_STEPS))),
    dict(steps=(0.5,), bake_s=MAX_CHECKS * 60, check_every_s=60),  # the longest: every check the history holds
    dict(bake_s=1, check_every_s=1),
    dict(max_error_rate=0.0001, max_error_rate_above_blue=0.9999, max_p99_ms=P99_MS_MAX),
    dict(max_p99_ms=1),
    dict(gate_alarms=tuple(f"gate-{i}" for i in range(DESCRIBE_ALARMS_MAX - 1))),
    dict(gate_alarms=("x" * 255,)),
    dict(smoke_event={}),
    dict(smoke_event={"path": "/health", "headers": {"a": [1, 2.5, None, True]}}),
    dict(smoke_event={"x": "a" * (SMOKE_EVENT_MAX_BYTES - len('{"x": ""}'))}),  # exactly the most bytes
], ids=["lowest-step", "highest-step", "most-steps", "a-year", "one-second", "all-rates", "p99-1", "most-gates",
        "long-gate", "empty-event", "nested-event", "largest-event"])
def test_good_values_pass(base_dir, changes):
    assert problems(base_dir, rollout=rollout(**changes)) == []


def test_a_bad_rollout_is_refused_through_validate_deployment_too(base_dir):
    with pytest.raises(InvalidInput) as error:
        validate_deployment("shop", deployment(rollout=rollout(max_error_rate=0)), base_dir)
    assert error.value.problems == [Problem(Field(f"{AT}.max_error_rate"), msg.must_be_a_rate(0))]
    assert str(error.value) == f"{AT}.max_error_rate: {msg.must_be_a_rate(0)}"


# --- each rule: the exact field and message -------------------------------------------------------

ELEVEN = tuple((i + 1) / 100 for i in range(MAX_STEPS + 1))


@pytest.mark.parametrize("steps", [(), [], (0.5, 0.1), (0.5, 0.5), (0, 0.5), (0.0, 0.5), (0.1, 1), (0.1, 1.0),
                                   (-0.1, 0.5), (0.1, 1.5), ELEVEN, (False, 0.5), (0.1, True), (0.1, "0.5"),
                                   "0.1", None, 0.1, (0.1, None)],
                         ids=["empty", "empty-list", "falling", "equal", "zero", "zero-float", "one", "one-float",
                              "negative", "above-one", "too-many", "bool-false", "bool-true", "text-step", "text",
                              "none", "number", "none-step"])
def test_steps_must_be_rising_weights(base_dir, steps):
    shown = tuple(steps) if isinstance(steps, list) else steps
    assert only(base_dir, rollout=rollout(steps=steps)) == \
        Problem(Field(f"{AT}.steps"), msg.steps_must_be_rising_weights(MAX_STEPS, shown))


@pytest.mark.parametrize("steps, bad", [((0.1, 0.12345), {1: 0.12345}), ((0.00005, 0.5), {0: 0.00005}),
                                        ((0.00001, 0.12345), {0: 0.00001, 1: 0.12345}),
                                        ((0.33333333,), {0: 0.33333333})])
def test_each_step_off_the_grid_is_named_by_its_index(base_dir, steps, bad):
    assert problems(base_dir, rollout=rollout(steps=steps)) == \
        [Problem(Field(f"{AT}.steps[{i}]"), msg.step_must_be_on_the_grid(value)) for i, value in bad.items()]


@pytest.mark.parametrize("changes, field, message", [
    (dict(bake_s=True), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, True)),
    (dict(bake_s=0), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, 0)),
    (dict(bake_s=-4), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, -4)),
    (dict(bake_s=4.0), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, 4.0)),
    (dict(bake_s=None), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, None)),
    (dict(steps=(0.5,), bake_s=BAKE_S_MAX + 1), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, BAKE_S_MAX + 1)),
    (dict(check_every_s=True), "check_every_s", msg.must_be_seconds(1, 4, True)),
    (dict(check_every_s=0), "check_every_s", msg.must_be_seconds(1, 4, 0)),
    (dict(check_every_s=2.0), "check_every_s", msg.must_be_seconds(1, 4, 2.0)),
    (dict(check_every_s=5), "check_every_s", msg.must_be_seconds(1, 4, 5)),
    (dict(bake_s=5, check_every_s=2), "bake_s", msg.bake_must_be_whole_checks(2, 5)),
    (dict(bake_s=YEAR_S // 2 + 1, check_every_s=1), "bake_s", msg.rollout_must_end_within_a_year(YEAR_S, YEAR_S + 2)),
    (dict(steps=(0.1, 0.2, 0.3), bake_s=YEAR_S // 2, check_every_s=60), "bake_s",
     msg.rollout_must_end_within_a_year(YEAR_S, 3 * (YEAR_S // 2))),
    (dict(bake_s=600, check_every_s=120), "check_every_s", msg.must_be_seconds(1, 60, 120)),
], ids=["bake-bool", "bake-0", "bake-negative", "bake-float", "bake-none", "bake-above-a-year", "check-bool",
        "check-0", "check-float", "check-above-bake", "bake-not-whole-checks", "over-a-year", "three-steps-over",
        "check-above-an-alarm-period"])
def test_each_bad_time_is_named(base_dir, changes, field, message):
    assert only(base_dir, rollout=rollout(**changes)) == Problem(Field(f"{AT}.{field}"), message)


def test_a_bad_bake_bounds_check_every_s_by_an_alarm_period_instead(base_dir):
    # At most one alarm period apart, so an alarm in ALARM for one period is never missed.
    assert problems(base_dir, rollout=rollout(bake_s=0, check_every_s=61)) == [
        Problem(Field(f"{AT}.bake_s"), msg.must_be_seconds(1, BAKE_S_MAX, 0)),
        Problem(Field(f"{AT}.check_every_s"), msg.must_be_seconds(1, 60, 61))]


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, True, False, None, -0.01, 1.5, float("nan"), float("inf"), "0.01"])
def test_max_error_rate_must_be_a_rate(base_dir, value):
    assert only(base_dir, rollout=rollout(max_error_rate=value)) == \
        Problem(Field(f"{AT}.max_error_rate"), msg.must_be_a_rate(value))


@pytest.mark.parametrize("value", [0, 1, True, -0.5, float("nan"), "0.01"])
def test_max_error_rate_above_blue_must_be_a_rate_or_none(base_dir, value):
    assert only(base_dir, rollout=rollout(max_error_rate_above_blue=value)) == \
        Problem(Field(f"{AT}.max_error_rate_above_blue"), msg.must_be_a_rate(value))


@pytest.mark.parametrize("value", [0, -1, P99_MS_MAX + 1, True, 1.5, 250.0, "250"])
def test_max_p99_ms_must_be_whole_milliseconds(base_dir, value):
    assert only(base_dir, rollout=rollout(max_p99_ms=value)) == \
        Problem(Field(f"{AT}.max_p99_ms"), msg.must_be_milliseconds(P99_MS_MAX, value))


@pytest.mark.parametrize("changes", [
    dict(gate_alarms=("shop-gate", "shop-gate")),
    dict(gate_alarms=["shop-gate", "shop-gate"]),
    dict(gate_alarms=("",)),
    dict(gate_alarms=("x" * 256,)),
    dict(gate_alarms=(1,)),
    dict(gate_alarms="shop-gate"),
    dict(gate_alarms=None),
    dict(gate_alarms=tuple(f"gate-{i}" for i in range(DESCRIBE_ALARMS_MAX))),  # + the error-rate alarm: 101
    dict(gate_alarms=tuple(f"gate-{i}" for i in range(DESCRIBE_ALARMS_MAX - 2)), max_p99_ms=500,
         max_error_rate_above_blue=0.01),  # 98 + 3 of its own
], ids=["duplicate", "duplicate-list", "empty-name", "long-name", "not-text", "one-string", "none", "too-many",
        "too-many-with-own"])
def test_gate_alarms_must_be_distinct_alarm_names_that_fit_one_describe_alarms(base_dir, changes):
    plan = rollout(**changes)
    assert only(base_dir, rollout=plan) == \
        Problem(Field(f"{AT}.gate_alarms"), msg.must_be_alarm_names(DESCRIBE_ALARMS_MAX, plan.gate_alarms))


@pytest.mark.parametrize("event", [
    [1], "{}", 1, {1: "a"}, {"a": 1, 2: "b"}, {True: 1}, {"x": float("nan")}, {"x": {"y": float("inf")}},
    {"x": (1, 2)}, {"x": {1, 2}}, {"x": b"a"}, {"x": "a" * (SMOKE_EVENT_MAX_BYTES - len('{"x": ""}') + 1)},
], ids=["list", "text", "number", "int-key", "mixed-keys", "bool-key", "nan", "nested-inf", "tuple", "set", "bytes",
        "too-large"])
def test_smoke_event_must_be_a_small_json_object(base_dir, event):
    assert only(base_dir, rollout=rollout(smoke_event=event)) == \
        Problem(Field(f"{AT}.smoke_event"), msg.smoke_event_must_be_json(SMOKE_EVENT_MAX_BYTES, event))


def test_a_rollout_cannot_go_with_provisioned_concurrency(base_dir):
    assert only(base_dir, provisioned_concurrency=2) == \
        Problem(Field(AT), msg.rollout_excludes_provisioned_concurrency(2))
    assert problems(base_dir, provisioned_concurrency=2, rollout=None) == []


@pytest.mark.parametrize("value", [{"steps": (0.1, 0.5)}, "canary", (0.1, 0.5), 1, Function("src", "app.handler",
                                                                                           "python3.12")])
def test_a_rollout_must_be_a_rollout(base_dir, value):
    assert only(base_dir, rollout=value) == Problem(Field(AT), msg.must_be_a_rollout(value))


def test_the_rollout_role_name_must_fit_where_the_execution_role_name_does(base_dir):
    stack, name = "s" * 26, "d" * 32  # function name: 59 characters; its "-exec" role 64, "-rollout" 67
    function_name = naming.function_name(stack, deployment(name))
    assert len(naming.role_name(stack, deployment(name))) == IAM_ROLE_NAME_MAX
    assert problems(base_dir, stack_name=stack, name=name, rollout=None) == []
    assert only(base_dir, stack_name=stack, name=name) == \
        Problem(Field(f"{stack}.{name}.rollout"),
                msg.rollout_name_must_fit(names.role_name(function_name), IAM_ROLE_NAME_MAX))
    longest = "d" * (IAM_ROLE_NAME_MAX - len(names.role_name("")) - len(stack) - 1)  # "-rollout" exactly fits
    assert len(names.role_name(naming.function_name(stack, deployment(longest)))) == IAM_ROLE_NAME_MAX
    assert problems(base_dir, stack_name=stack, name=longest) == []


def test_a_bad_field_never_hides_another(base_dir):
    plan = rollout(steps=(0.5, 0.1), bake_s=5, check_every_s=2, max_error_rate=0, max_p99_ms=0, gate_alarms=("",),
                   smoke_event=[1], max_error_rate_above_blue=2)
    assert problems(base_dir, rollout=plan, provisioned_concurrency=1) == [
        Problem(Field(f"{AT}.steps"), msg.steps_must_be_rising_weights(MAX_STEPS, (0.5, 0.1))),
        Problem(Field(f"{AT}.bake_s"), msg.bake_must_be_whole_checks(2, 5)),
        Problem(Field(f"{AT}.max_error_rate"), msg.must_be_a_rate(0)),
        Problem(Field(f"{AT}.max_error_rate_above_blue"), msg.must_be_a_rate(2)),
        Problem(Field(f"{AT}.max_p99_ms"), msg.must_be_milliseconds(P99_MS_MAX, 0)),
        Problem(Field(f"{AT}.gate_alarms"), msg.must_be_alarm_names(DESCRIBE_ALARMS_MAX, ("",))),
        Problem(Field(f"{AT}.smoke_event"), msg.smoke_event_must_be_json(SMOKE_EVENT_MAX_BYTES, [1])),
        Problem(Field(AT), msg.rollout_excludes_provisioned_concurrency(1))]


# --- the definition: its shape --------------------------------------------------------------------

FUNCTION, ALIAS, BLUE, GREEN = "shop-orders", "live", "3", "7"
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
                                     dict(steps=tuple((i + 1) / 100 for i in range(MAX_STEPS)), smoke_event={}),
                                     dict(max_p99_ms=500, max_error_rate_above_blue=0.01, gate_alarms=("gate",))],
                         ids=["plain", "smoke", "one-step", "most-steps", "every-alarm"])
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
        assert (wait["Type"], wait["Seconds"], wait["Next"]) == ("Wait", PLAN.check_every_s,
                                                                 sm.step_state(step, sm.CHECK_ALARMS))
        assert states[sm.step_state(step, sm.CHECK_ALARMS)]["Next"] == sm.step_state(step, sm.HEALTHY)
        assert states[sm.step_state(step, sm.HEALTHY)]["Default"] == sm.step_state(step, sm.COUNT)
        assert states[sm.step_state(step, sm.COUNT)]["Next"] == sm.step_state(step, sm.BAKED)
        baked = states[sm.step_state(step, sm.BAKED)]
        assert [(rule["NumericLessThan"], rule["Next"]) for rule in baked["Choices"]] == \
            [(PLAN.bake_s // PLAN.check_every_s, sm.step_state(step, sm.WAIT))]
        assert baked["Default"] == then


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
    assert promote["Next"] == sm.PROMOTED and states[sm.PROMOTED] == {"Type": "Succeed"}


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
    reasons = [name for name, state in states.items() if state.get("Next") == sm.ROLL_BACK]
    assert sorted(reasons) == sorted([sm.ALARM_FIRED, sm.COMPOSITE_FIRED, sm.TASK_FAILED])


@pytest.mark.parametrize("changes", [{}, dict(max_p99_ms=500, max_error_rate_above_blue=0.01,
                                              gate_alarms=("shop-gate", "shop-composite"))])
def test_the_alarms_are_read_by_name_in_alarm_state_of_both_types(changes):
    document = definition(**changes)
    expected = alarm_names(dataclasses.replace(PLAN, **changes))
    checks = parameters_of(document, "cloudwatch:describeAlarms")
    assert [name for name, _ in checks] == [sm.step_state(step, sm.CHECK_ALARMS) for step in (1, 2)]
    for _, parameters in checks:
        assert parameters == {"AlarmNames": expected, "StateValue": "ALARM",
                              "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}


def test_the_fail_states_use_the_modules_error_names():
    states = definition(smoke_event=SMOKE)["States"]
    fails = {name: state["Error"] for name, state in states.items() if state["Type"] == "Fail"}
    assert fails == {sm.NOT_STARTED: sm.NOT_STARTED_ERROR, sm.INTERFERED: sm.INTERFERED_ERROR,
                     sm.ROLLED_BACK: sm.ROLLED_BACK_ERROR, sm.ROLLBACK_FAILED: sm.ROLLBACK_FAILED_ERROR}
    assert states[sm.ROLLED_BACK]["CausePath"] == "$.reason.cause"
    assert [name for name, state in states.items() if state["Type"] == "Succeed"] == [sm.PROMOTED]


def test_step_state_counts_from_one_and_zero_is_the_promotion():
    assert sm.step_state(2, sm.SET_WEIGHT) != sm.step_state(1, sm.SET_WEIGHT)
    assert sm.step_state(0, sm.CHECK_ALIAS).startswith(sm.PROMOTE)
    assert len({sm.step_state(s, w) for s in range(MAX_STEPS + 1) for w in (sm.CHECK_ALIAS, sm.WAIT)}) == \
        2 * (MAX_STEPS + 1)


# --- the definition: walked through ---------------------------------------------------------------

class Raised(Exception):
    """An AWS error as a task sees it (``Lambda.PreconditionFailedException``)."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(error)
        self.error, self.cause = error, cause


class FakeAws:
    """One alias and some alarms, answering the tasks of the definition as AWS documents them.

    ``hooks[(action, n)]`` runs before the n-th call (from 1) of ``action`` (``cloudwatch:describeAlarms``):
    an alarm firing, someone else's change of the alias.
    """

    def __init__(self, blue: str = BLUE, smoke_answer: Any = None):
        self.version, self.weights, self.revision, self.revisions = blue, {}, "r0", 0
        self.firing: set[str] = set()
        self.firing_composite: set[str] = set()
        self.failing: dict[str, Raised] = {}
        self.smoke_answer, self.invoked = smoke_answer, []
        self.changes: list[tuple[str, dict, str | None]] = []  # (version, weights, the RevisionId sent)
        self.calls: dict[str, int] = {}
        self.hooks: dict[tuple[str, int], Callable[[], None]] = {}

    def change(self, version: str, weights: dict) -> None:
        self.revisions += 1
        self.version, self.weights, self.revision = version, weights, f"r{self.revisions}"

    def __call__(self, resource: str, parameters: dict) -> Any:
        action = resource.removeprefix("arn:aws:states:::").removeprefix("aws-sdk:")
        self.calls[action] = self.calls.get(action, 0) + 1
        self.hooks.pop((action, self.calls[action]), lambda: None)()
        if action in self.failing:
            raise self.failing[action]
        if action in ("lambda:getAlias", "lambda:updateAlias"):
            assert (parameters["FunctionName"], parameters["Name"]) == (FUNCTION, ALIAS)
        if action == "lambda:getAlias":
            return {"FunctionVersion": self.version, "RevisionId": self.revision,
                    "RoutingConfig": {"AdditionalVersionWeights": self.weights}}
        if action == "lambda:updateAlias":
            if "RevisionId" in parameters and parameters["RevisionId"] != self.revision:
                raise Raised("Lambda.PreconditionFailedException", "The Revision Id provided does not match")
            self.changes.append((parameters["FunctionVersion"],
                                 parameters["RoutingConfig"].get("AdditionalVersionWeights", {}),
                                 parameters.get("RevisionId")))
            self.change(parameters["FunctionVersion"], self.changes[-1][1])
            return {"FunctionVersion": self.version, "RevisionId": self.revision}
        if action == "cloudwatch:describeAlarms":
            assert (parameters["StateValue"], parameters["AlarmTypes"]) == ("ALARM", ["MetricAlarm", "CompositeAlarm"])
            return {"MetricAlarms": [{"AlarmName": n} for n in parameters["AlarmNames"] if n in self.firing],
                    "CompositeAlarms": [{"AlarmName": n} for n in parameters["AlarmNames"]
                                        if n in self.firing_composite]}
        if action == "lambda:invoke":
            assert (parameters["FunctionName"], parameters["Qualifier"]) == (FUNCTION, GREEN)
            self.invoked.append(parameters["Payload"])
            return {"StatusCode": 200, "Payload": self.smoke_answer}
        raise AssertionError(f"unexpected task {resource}")


_PATH = re.compile(r"(?:\.[^.\[\]]+|\[(?:\d+|\*)\])*")
_MISSING = object()


def _get(data: Any, path: str) -> Any:
    """A JSONPath of the forms the definition uses: ``$``, ``$.a.b``, ``$.a[0]``, ``$.a[*].b``."""
    assert path.startswith("$") and _PATH.fullmatch(path[1:]), path
    values, many = [data], False
    for name, index in re.findall(r"\.([^.\[\]]+)|\[(\d+|\*)\]", path[1:]):
        found: list[Any] = []
        for value in values:
            if name and isinstance(value, dict) and name in value:
                found.append(value[name])
            elif index == "*" and isinstance(value, list):
                many = True
                found += value
            elif index.isdigit() and isinstance(value, list) and int(index) < len(value):
                found.append(value[int(index)])
        values = found
    if many:
        return values
    return values[0] if values else _MISSING


def _evaluate(expression: str, data: Any) -> Any:
    """A path, or one of the intrinsic functions the definition uses."""
    if expression.startswith("$"):
        value = _get(data, expression)
        if value is _MISSING:
            raise Raised("States.Runtime", f"no value at {expression}")
        return value
    function, arguments = re.fullmatch(r"(States\.\w+)\((.*)\)", expression).groups()
    if function == "States.MathAdd":
        path, number = (part.strip() for part in arguments.split(","))
        return _evaluate(path, data) + int(number)
    if function == "States.JsonToString":
        return json.dumps(_evaluate(arguments.strip(), data), separators=(",", ":"))
    if function == "States.Format":
        template, argument = re.fullmatch(r"'((?:[^'\\]|\\.)*)',\s*(.+)", arguments).groups()
        return template.replace("{}", str(_evaluate(argument, data)), 1)
    raise AssertionError(f"intrinsic function not modelled: {expression}")


def _resolve(template: Any, data: Any) -> Any:
    """Parameters or ResultSelector: a key ending in ``.$`` takes the value its path names."""
    if isinstance(template, dict):
        return {key.removesuffix(".$"): _evaluate(value, data) if key.endswith(".$") else _resolve(value, data)
                for key, value in template.items()}
    if isinstance(template, list):
        return [_resolve(value, data) for value in template]
    return template


def _put(data: Any, path: str | None, value: Any) -> Any:
    """ResultPath: None keeps the input, ``$`` replaces it, ``$.a.b`` sets that field of a copy."""
    if path is None:
        return data
    if path == "$":
        return value
    keys = path.removeprefix("$.").split(".")
    copy = dict(data)
    node = copy
    for key in keys[:-1]:
        node[key] = dict(node.get(key, {}))
        node = node[key]
    node[keys[-1]] = value
    return copy


def _matches(rule: dict, data: Any) -> bool:
    if "And" in rule:
        return all(_matches(inner, data) for inner in rule["And"])
    value = _get(data, rule["Variable"])
    if "IsPresent" in rule:
        return (value is not _MISSING) == rule["IsPresent"]
    if value is _MISSING:
        raise Raised("States.Runtime", f"no value at {rule['Variable']}")
    if "IsNumeric" in rule:
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) == rule["IsNumeric"]
    if "StringEquals" in rule:
        return value == rule["StringEquals"]
    if "StringEqualsPath" in rule:
        return value == _evaluate(rule["StringEqualsPath"], data)
    if "NumericLessThan" in rule:
        return value < rule["NumericLessThan"]
    if "NumericGreaterThanEquals" in rule:
        return value >= rule["NumericGreaterThanEquals"]
    raise AssertionError(f"choice rule not modelled: {rule}")


@dataclasses.dataclass
class Outcome:
    status: str  # "Succeeded", or the Fail state's Error
    cause: str | None
    visited: list[str]
    waited_s: int


def walk(document: dict, aws: FakeAws, most_states: int = 1000) -> Outcome:
    """Run ``document`` as a Standard workflow would on these paths, with ``aws`` answering its tasks.

    Retries are left out: ``FakeAws`` fails a call every time or never.
    """
    states, name, data = document["States"], document["StartAt"], {}
    visited, waited = [], 0
    for _ in range(most_states):
        visited.append(name)
        state = states[name]
        kind = state["Type"]
        if kind == "Succeed":
            return Outcome("Succeeded", None, visited, waited)
        if kind == "Fail":
            cause = _evaluate(state["CausePath"], data) if "CausePath" in state else state.get("Cause")
            return Outcome(state["Error"], cause, visited, waited)
        if kind == "Wait":
            waited += state["Seconds"]
            name = state["Next"]
        elif kind == "Pass":
            result = state["Result"] if "Result" in state else _resolve(state.get("Parameters", data), data)
            data, name = _put(data, state.get("ResultPath", "$"), result), state["Next"]
        elif kind == "Choice":
            name = next((rule["Next"] for rule in state["Choices"] if _matches(rule, data)), state["Default"])
        elif kind == "Task":
            try:
                result = aws(state["Resource"], _resolve(state["Parameters"], data))
                if "ResultSelector" in state:
                    result = _resolve(state["ResultSelector"], result)
                data, name = _put(data, state.get("ResultPath", "$"), result), state["Next"]
            except Raised as raised:
                catch = next(c for c in state["Catch"] if {raised.error, "States.ALL"} & set(c["ErrorEquals"]))
                data = _put(data, catch["ResultPath"], {"Error": raised.error, "Cause": raised.cause})
                name = catch["Next"]
        else:
            raise AssertionError(f"state type not modelled: {kind}")
    raise AssertionError(f"no end after {most_states} states: {visited[-10:]}")


@pytest.mark.parametrize("plan", [PLAN, rollout(steps=(0.25,), bake_s=6, check_every_s=2),
                                  rollout(steps=(0.01, 0.1, 0.5), bake_s=3, check_every_s=3)],
                         ids=["two-steps", "one-step-three-checks", "three-steps-one-check"])
def test_a_healthy_rollout_sets_each_weight_bakes_each_step_and_promotes(plan):
    aws = FakeAws()
    outcome = walk(sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan), aws)
    assert (outcome.status, outcome.visited[-1]) == ("Succeeded", sm.PROMOTED)
    # each change carries the revision the previous one returned (r0 read at the start)
    assert aws.changes == [*((BLUE, {GREEN: weight}, f"r{i}") for i, weight in enumerate(plan.steps)),
                           (GREEN, {}, f"r{len(plan.steps)}")]
    assert outcome.waited_s == len(plan.steps) * plan.bake_s
    assert aws.calls["cloudwatch:describeAlarms"] == len(plan.steps) * plan.checks_per_step
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
    assert (sm.COMPOSITE_FIRED if composite else sm.ALARM_FIRED) in outcome.visited
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {GREEN: 0.5}, "r1"), (BLUE, {}, None)]
    assert aws.calls["cloudwatch:describeAlarms"] == 3


def test_a_failing_call_rolls_back_with_its_cause():
    aws = FakeAws()
    aws.hooks[("cloudwatch:describeAlarms", 2)] = lambda: aws.failing.update(
        {"cloudwatch:describeAlarms": Raised("CloudWatch.CloudWatchException", "Rate exceeded")})
    outcome = walk(definition(), aws)
    assert (outcome.status, sm.TASK_FAILED in outcome.visited) == (sm.ROLLED_BACK_ERROR, True)
    assert "Rate exceeded" in outcome.cause
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (BLUE, {}, None)]


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


# --- bugs found while writing these tests ---------------------------------------------------------

@pytest.mark.parametrize("event", [{"query.$": "$.blue"}, {"a": [{"b.$": "$.x"}]}])
def test_a_smoke_event_key_that_step_functions_would_read_as_a_path_is_refused(base_dir, event):
    # Step Functions reads a Parameters key ending in ".$" as a path: the event would not be sent as written.
    found = problems(base_dir, rollout=rollout(smoke_event=event))
    assert [problem.where for problem in found] == [Field(f"{AT}.smoke_event")]


# Step Functions records at least two history events per state (entered, exited), and fails a Standard
# execution at 25,000 events (not yet a rule in docs/aws-rules.md).
HISTORY_EVENTS_MAX = 25_000


def test_a_rollout_too_long_for_an_executions_history_is_refused(base_dir):
    plan = rollout(bake_s=3600, check_every_s=1)
    found = problems(base_dir, rollout=plan)
    assert [(p.where, p.message) for p in found] == [
        (Field(f"{AT}.check_every_s"), msg.rollout_must_fit_the_history(MAX_CHECKS, 7200))]


def test_the_longest_rollout_validation_accepts_fits_in_an_executions_history(base_dir):
    plan = rollout(steps=(0.5,), bake_s=MAX_CHECKS, check_every_s=1)
    assert problems(base_dir, rollout=plan) == []
    outcome = walk(sm.definition(FUNCTION, ALIAS, GREEN, alarm_names(plan), plan), FakeAws(), most_states=100_000)
    assert outcome.status == "Succeeded"
    assert 2 * len(outcome.visited) <= HISTORY_EVENTS_MAX


def test_a_rollout_of_a_few_checks_stays_far_within_the_history():
    outcome = walk(definition(), FakeAws())
    assert 2 * len(outcome.visited) < HISTORY_EVENTS_MAX // 100


# --- rollout_names --------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, kinds", [
    ({}, [names.ERROR_RATE]),
    (dict(max_p99_ms=500), [names.ERROR_RATE, names.P99]),
    (dict(max_error_rate_above_blue=0.01), [names.ERROR_RATE, names.ABOVE_BLUE]),
    (dict(max_error_rate_above_blue=0.01, max_p99_ms=500), [names.ERROR_RATE, names.P99, names.ABOVE_BLUE]),
    (dict(gate_alarms=("shop-gate",)), [names.ERROR_RATE]),
])
def test_alarm_kinds_follow_the_fields_that_are_set(changes, kinds):
    assert names.alarm_kinds(rollout(**changes)) == kinds


def test_gating_alarm_names_are_the_rollouts_own_then_the_gate_alarms():
    plan = rollout(max_p99_ms=500, max_error_rate_above_blue=0.01, gate_alarms=("shop-gate", "api-5xx"))
    found = names.gating_alarm_names(FUNCTION, deployment(rollout=plan, alias="prod"))
    assert found == [names.alarm_name(FUNCTION, "prod", kind) for kind in (names.ERROR_RATE, names.P99,
                                                                            names.ABOVE_BLUE)] + ["shop-gate", "api-5xx"]
    assert len(set(found)) == len(found) and all(name.startswith(f"{FUNCTION}-prod-") for name in found[:3])
    with pytest.raises(AssertionError):
        names.gating_alarm_names(FUNCTION, deployment(rollout=None))


def test_the_role_and_state_machine_are_named_after_the_function():
    assert names.role_name(FUNCTION) == names.state_machine_name(FUNCTION)
    assert names.role_name(FUNCTION).startswith(f"{FUNCTION}-")


@pytest.mark.parametrize("value", [None, {"steps": (0.1,)}])
def test_rollout_addresses_are_empty_without_a_rollout(value):
    assert names.RolloutAddresses(deployment(rollout=value)).all() == []


def test_rollout_addresses_list_each_alarm_then_the_role_its_policy_and_the_state_machine():
    at = names.RolloutAddresses(deployment(rollout=rollout(max_p99_ms=500)))
    assert at.all() == [at.alarm(names.ERROR_RATE), at.alarm(names.P99), at.role, at.policy, at.state_machine]
    assert len(set(at.all())) == 5 and all(address.split(".")[1].startswith("orders_") for address in at.all())
    everything = {address.address for address in naming.Addresses(deployment(rollout=rollout(max_p99_ms=500))).all()}
    assert set(at.all()) <= everything
    assert not set(at.all()) & {a.address for a in naming.Addresses(deployment(rollout=None)).all()}
