"""Unit tests of a deployment's rollout: its rules, what an applied definition reads back as, and its
names. Pure Python.

- ``rollout.rules``: each bad field gives exactly one problem at its field path, with the
  text from the catalogue (``features.rollout.messages``), and a valid ``Rollout`` passes;
- ``rollout.applied_plan.read_plan``: the plan read back from a definition, this release's and
  one written before the traffic gates;
- ``rollout.addresses``: the alarms, gating alarm names and Terraform addresses.

The state machine's definition, its shape and its walk through a model of Step Functions and
CloudWatch, is ``test_rollout_machine``; what Terraform makes of it is ``test_rollout_e2e`` (the
emulator runs the state machine); the emulator's own answers a rollout relies on are
``test_rollout_emulator_extras``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from conftest import validation_problems
from step_functions_model import ALIAS, FUNCTION, GREEN

import generator
from generator import Deployment, Function, InvalidInput, Problem, Rollout, Step
from generator.core.errors import Field
from generator.features import rollout as rollout_feature
from generator.features.addresses import every_address
from generator.features.rollout import addresses as names
from generator.features.rollout import applied_plan, budget
from generator.features.rollout import machine as sm
from generator.features.rollout import messages as msg
from generator.features.rollout.rules import (
    BAKE_S_MAX,
    DESCRIBE_ALARMS_MAX,
    METRIC_DELAY_S_MAX,
    MIN_INVOCATIONS_MAX,
    P99_MS_MAX,
    SMOKE_EVENT_MAX_BYTES,
    YEAR_S,
    emulator_only_problems,
    refuse_for_aws,
)
from generator.features.validation import validate_deployment
from generator.model import naming
from generator.model.aws_limits import IAM_ROLE_NAME_MAX

AT = "shop.orders.rollout"
# Metrics count at once here (the emulator's value): the tests of other rules are not bound by
# metric_delay_s, and the function's timeout (TIMEOUT_S) fits the shortest bake they use.
GOOD = dict(steps=(0.1, 0.5), bake_s=4, check_every_s=2, max_error_rate=0.01, metric_delay_s=0)
TIMEOUT_S = 1


def rollout(**changes) -> Rollout:
    return Rollout(**{**GOOD, **changes})


def deployment(name: str = "orders", **changes) -> Deployment:
    fields = dict(name=name, function=Function(source="src", handler="app.handler", runtime="python3.12",
                                               timeout_s=TIMEOUT_S), rollout=rollout())
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
    assert Rollout.__module__ == "generator.features.rollout.declaration"


def test_a_valid_rollout_validates_and_its_lists_become_tuples(base_dir):
    plan = Rollout(steps=[0.1, 0.5], bake_s=4, check_every_s=2, max_error_rate=0.01, gate_alarms=["shop-gate"],
                   metric_delay_s=0)
    assert (plan.steps, plan.gate_alarms) == ((0.1, 0.5), ("shop-gate",))
    assert plan == rollout(gate_alarms=("shop-gate",)) and hash(plan) == hash(rollout(gate_alarms=("shop-gate",)))
    assert plan.step_checks == ((2, 2), (2, 2))
    assert problems(base_dir, rollout=plan) == []
    assert problems(base_dir, rollout=None) == []


@pytest.mark.parametrize("changes", [
    dict(steps=(0.0001,)),
    dict(steps=(0.9999,)),
    dict(steps=tuple((i + 1) / 100 for i in range(20))),
    dict(steps=tuple((i + 1) / 1000 for i in range(150))),
    # (checked every minute: every 13 s, the bakes' and pauses' checks would not fit the history)
    dict(metric_delay_s=METRIC_DELAY_S_MAX, bake_s=METRIC_DELAY_S_MAX + 60, check_every_s=60, steps=(0.5,)),
    dict(min_invocations=0, max_hold_s=0),
    dict(min_invocations=MIN_INVOCATIONS_MAX),
    dict(bake_s=2, final_bake_s=6),
    dict(bake_s=1, check_every_s=1),
    dict(max_error_rate=0.0001, max_error_rate_above_blue=0.9999, max_p99_ms=P99_MS_MAX),
    dict(max_p99_ms=1),
    dict(gate_alarms=tuple(f"gate-{i}" for i in range(DESCRIBE_ALARMS_MAX - 1))),
    dict(gate_alarms=("x" * 255,)),
    dict(smoke_event={}),
    dict(smoke_event={"path": "/health", "headers": {"a": [1, 2.5, None, True]}}),
    dict(smoke_event={"x": "a" * (SMOKE_EVENT_MAX_BYTES - len('{"x": ""}'))}),  # exactly the most bytes
], ids=["lowest-step", "highest-step", "20-steps", "150-steps", "longest-delay",
        "no-traffic-needed", "most-invocations", "final-longer-than-bake", "one-second", "all-rates", "p99-1", "most-gates",
        "long-gate", "empty-event", "nested-event", "largest-event"])
def test_good_values_pass(base_dir, changes):
    assert problems(base_dir, rollout=rollout(**changes)) == []


def test_a_bad_rollout_is_refused_through_validate_deployment_too(base_dir):
    with pytest.raises(InvalidInput) as error:
        validate_deployment("shop", deployment(rollout=rollout(max_error_rate=0)), base_dir)
    assert error.value.problems == [Problem(Field(f"{AT}.max_error_rate"), msg.must_be_a_rate(0))]
    assert str(error.value) == f"{AT}.max_error_rate: {msg.must_be_a_rate(0)}"


# --- each rule: the exact field and message -------------------------------------------------------

@pytest.mark.parametrize("steps", [(0.5, 0.1), (0.5, 0.5), (0, 0.5), (0.0, 0.5), (0.1, 1), (0.1, 1.0),
                                   (-0.1, 0.5), (0.1, 1.5), (False, 0.5), (0.1, True), (0.1, "0.5"),
                                   "0.1", None, 0.1, (0.1, None), (Step(0.5, 4), 0.1), (0.1, Step(0.1, 4)),
                                   (Step(1, 4),), (Step("0.1", 4),), ((0.1, 4),)],
                         ids=["falling", "equal", "zero", "zero-float", "one", "one-float",
                              "negative", "above-one", "bool-false", "bool-true", "text-step", "text",
                              "none", "number", "none-step", "step-then-falling", "equal-to-a-step",
                              "step-at-one", "step-text-weight", "pair-not-step"])
def test_steps_must_be_rising_weights(base_dir, steps):
    assert only(base_dir, rollout=rollout(steps=steps)) == \
        Problem(Field(f"{AT}.steps"), msg.steps_must_be_rising_weights(steps))


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
    (dict(bake_s=None), "bake_s", msg.bake_s_needed_for_bare_weights(None)),
    (dict(bake_s="4"), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, "4")),
    (dict(steps=(0.5,), bake_s=BAKE_S_MAX + 1), "bake_s", msg.must_be_seconds(1, BAKE_S_MAX, BAKE_S_MAX + 1)),
    (dict(check_every_s=True), "check_every_s", msg.must_be_seconds(1, 4, True)),
    (dict(check_every_s=0), "check_every_s", msg.must_be_seconds(1, 4, 0)),
    (dict(check_every_s=2.0), "check_every_s", msg.must_be_seconds(1, 4, 2.0)),
    (dict(check_every_s=5), "check_every_s", msg.must_be_seconds(1, 4, 5)),
    (dict(bake_s=5, check_every_s=2), "bake_s", msg.bake_must_be_whole_checks(2, 5)),
    # the longest rollout: each step's bake and hold, then the final bake
    (dict(bake_s=YEAR_S // 2 + 1, check_every_s=1, max_hold_s=0, final_bake_s=1), "bake_s",
     msg.rollout_must_end_within_a_year(YEAR_S, YEAR_S + 3)),
    (dict(steps=(0.1, 0.2, 0.3), bake_s=YEAR_S // 3, check_every_s=60, max_hold_s=60, final_bake_s=60), "bake_s",
     msg.rollout_must_end_within_a_year(YEAR_S, YEAR_S + 4 * 60)),
    (dict(steps=(0.5,), bake_s=YEAR_S // 3 + 60, check_every_s=60), "bake_s",
     msg.rollout_must_end_within_a_year(YEAR_S, YEAR_S + 180)),
    (dict(bake_s=600, check_every_s=120), "check_every_s", msg.must_be_seconds(1, 60, 120)),
], ids=["bake-bool", "bake-0", "bake-negative", "bake-float", "bake-none", "bake-text", "bake-above-a-year", "check-bool",
        "check-0", "check-float", "check-above-bake", "bake-not-whole-checks", "over-a-year", "three-steps-over",
        "held-and-final-over", "check-above-an-alarm-period"])
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


def test_a_rollout_goes_with_provisioned_concurrency(base_dir):
    # Green is kept warm by the state machine (test_rollout_warm): no refusal any more.
    assert problems(base_dir, provisioned_concurrency=2) == []


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
                   smoke_event=[1], max_error_rate_above_blue=2, metric_delay_s=-1, min_invocations=None,
                   max_hold_s=3, final_bake_s=0, warm_timeout_s=5)
    assert problems(base_dir, rollout=plan, provisioned_concurrency=1) == [
        Problem(Field(f"{AT}.steps"), msg.steps_must_be_rising_weights((0.5, 0.1))),
        Problem(Field(f"{AT}.bake_s"), msg.bake_must_be_whole_checks(2, 5)),
        Problem(Field(f"{AT}.metric_delay_s"), msg.must_be_seconds(0, METRIC_DELAY_S_MAX, -1)),
        Problem(Field(f"{AT}.min_invocations"), msg.must_be_an_invocation_count(MIN_INVOCATIONS_MAX, None)),
        Problem(Field(f"{AT}.max_hold_s"), msg.must_be_whole_checks("bake_s", 2, 3)),
        Problem(Field(f"{AT}.final_bake_s"), msg.must_be_seconds_or_none(1, BAKE_S_MAX, 0)),
        Problem(Field(f"{AT}.max_error_rate"), msg.must_be_a_rate(0)),
        Problem(Field(f"{AT}.max_error_rate_above_blue"), msg.must_be_a_rate(2)),
        Problem(Field(f"{AT}.max_p99_ms"), msg.must_be_milliseconds(P99_MS_MAX, 0)),
        Problem(Field(f"{AT}.gate_alarms"), msg.must_be_alarm_names(DESCRIBE_ALARMS_MAX, ("",))),
        Problem(Field(f"{AT}.smoke_event"), msg.smoke_event_must_be_json(SMOKE_EVENT_MAX_BYTES, [1])),
        Problem(Field(f"{AT}.warm_timeout_s"), msg.must_be_a_warm_timeout(10, 86400, 5))]


# --- per-step bakes and all at once ---------------------------------------------------------------

def test_step_is_exported_and_positional_rollouts_still_work(base_dir):
    assert generator.Step is Step is rollout_feature.Step and "Step" in generator.__all__
    assert Rollout((0.1, 0.5), 4, 2, 0.01, metric_delay_s=0) == rollout()
    assert dataclasses.is_dataclass(Step) and Step(0.1, 4) == Step(weight=0.1, bake_s=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Step(0.1, 4).bake_s = 8  # type: ignore[misc]


def test_each_step_bakes_for_its_own_time_and_bake_s_is_needed_only_for_bare_weights(base_dir):
    plan = rollout(steps=[Step(0.01, 12), Step(0.5, 2)], bake_s=None)
    assert plan.steps == (Step(0.01, 12), Step(0.5, 2))
    assert (plan.weights, plan.bakes, plan.holds, plan.final_s) == ((0.01, 0.5), (12, 2), (12, 2), 2)
    assert plan.step_checks == ((6, 6), (1, 1)) and plan.most_checks == 6 + 6 + 1 + 1 + 1
    assert problems(base_dir, rollout=plan) == []
    mixed = rollout(steps=(Step(0.01, 12), 0.5), bake_s=4, max_hold_s=2)
    assert (mixed.bakes, mixed.holds, mixed.final_s) == ((12, 4), (2, 2), 4)
    assert problems(base_dir, rollout=mixed) == []
    assert only(base_dir, rollout=dataclasses.replace(mixed, bake_s=None)) == \
        Problem(Field(f"{AT}.bake_s"), msg.bake_s_needed_for_bare_weights(None))


@pytest.mark.parametrize("steps, field, message", [
    ((Step(0.1, 0), 0.5), "steps[0].bake_s", msg.must_be_seconds(1, BAKE_S_MAX, 0)),
    ((0.1, Step(0.5, True)), "steps[1].bake_s", msg.must_be_seconds(1, BAKE_S_MAX, True)),
    ((0.1, Step(0.5, 4.0)), "steps[1].bake_s", msg.must_be_seconds(1, BAKE_S_MAX, 4.0)),
    ((0.1, Step(0.5, None)), "steps[1].bake_s", msg.must_be_seconds(1, BAKE_S_MAX, None)),
    ((0.1, Step(0.5, BAKE_S_MAX + 2)), "steps[1].bake_s", msg.must_be_seconds(1, BAKE_S_MAX, BAKE_S_MAX + 2)),
    ((0.1, Step(0.5, 5)), "steps[1].bake_s", msg.bake_must_be_whole_checks(2, 5)),
    ((0.1, Step(0.12345, 4)), "steps[1].weight", msg.step_must_be_on_the_grid(0.12345)),
], ids=["bake-0", "bake-bool", "bake-float", "bake-none", "bake-above-a-year", "not-whole-checks", "off-grid"])
def test_a_steps_bad_bake_or_weight_is_named_by_its_index(base_dir, steps, field, message):
    assert only(base_dir, rollout=rollout(steps=steps)) == Problem(Field(f"{AT}.{field}"), message)


def test_check_every_s_is_bounded_by_the_shortest_bake(base_dir):
    plan = rollout(steps=(Step(0.1, 2), 0.5), bake_s=8, check_every_s=4)
    assert only(base_dir, rollout=plan) == Problem(Field(f"{AT}.check_every_s"), msg.must_be_seconds(1, 2, 4))


def test_the_timing_rule_names_each_steps_own_bake(base_dir):
    slow = Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=30)
    plan = rollout(steps=(Step(0.01, 88), 0.5), metric_delay_s=60, bake_s=90, check_every_s=2)
    assert only(base_dir, rollout=plan, function=slow) == \
        Problem(Field(f"{AT}.steps[0].bake_s"), msg.bake_must_outlast_metrics("steps[0].bake_s", 60, 30, 88))
    # the final bake left out is the last step's when bake_s is None: only that step is named
    last = rollout(steps=(Step(0.01, 90), Step(0.5, 60)), bake_s=None, metric_delay_s=60, check_every_s=2)
    assert only(base_dir, rollout=last, function=slow).where == Field(f"{AT}.steps[1].bake_s")


def test_all_at_once_takes_green_to_100_percent_then_bakes_held_for_traffic(base_dir):
    plan = rollout(steps=(), bake_s=None, final_bake_s=6)
    assert (plan.all_at_once, plan.final_s, plan.final_hold_s, plan.most_checks) == (True, 6, 6, 6)
    assert problems(base_dir, rollout=plan) == []
    assert problems(base_dir, rollout=rollout(steps=[])) == []  # bake_s is the final bake then
    assert rollout(steps=[]).final_s == 4
    assert dataclasses.replace(plan, max_hold_s=0).most_checks == 3
    assert dataclasses.replace(plan, min_invocations=0).final_hold_s == 0
    assert only(base_dir, rollout=dataclasses.replace(plan, final_bake_s=None)) == \
        Problem(Field(f"{AT}.final_bake_s"), msg.final_bake_s_needed_all_at_once(None))


def test_an_all_at_once_final_bake_must_outlast_the_metrics(base_dir):
    plan = rollout(steps=(), bake_s=None, final_bake_s=60, metric_delay_s=60, check_every_s=2)
    assert only(base_dir, rollout=plan) == \
        Problem(Field(f"{AT}.final_bake_s"), msg.bake_must_outlast_metrics("final_bake_s", 60, 1, 60))
    assert only(base_dir, rollout=dataclasses.replace(plan, final_bake_s=61)) == \
        Problem(Field(f"{AT}.final_bake_s"), msg.must_be_whole_checks("bake_s", 2, 61))


# --- the gates' fields ----------------------------------------------------------------------------

GATE_CASES = [
    *((dict(metric_delay_s=v), "metric_delay_s", msg.must_be_seconds(0, METRIC_DELAY_S_MAX, v))
      for v in (-1, METRIC_DELAY_S_MAX + 1, True, 1.5, 60.0, None, "0")),
    *((dict(min_invocations=v), "min_invocations", msg.must_be_an_invocation_count(MIN_INVOCATIONS_MAX, v))
      for v in (-1, MIN_INVOCATIONS_MAX + 1, True, False, 2.5, 50.0, None, "50")),
    *((dict(max_hold_s=v), "max_hold_s", msg.must_be_seconds_or_none(0, BAKE_S_MAX, v))
      for v in (-2, BAKE_S_MAX + 2, True, 4.0, "4")),
    *((dict(final_bake_s=v), "final_bake_s", msg.must_be_seconds_or_none(1, BAKE_S_MAX, v))
      for v in (0, -2, BAKE_S_MAX + 2, False, 4.0, "4")),
    (dict(max_hold_s=3), "max_hold_s", msg.must_be_whole_checks("bake_s", 2, 3)),
    (dict(final_bake_s=5), "final_bake_s", msg.must_be_whole_checks("bake_s", 2, 5)),
    # the bakes outlast the metrics' delay and the function's timeout (1 s here)
    (dict(metric_delay_s=60, bake_s=60, check_every_s=2), "bake_s", msg.bake_must_outlast_metrics("bake_s", 60, 1, 60)),
    (dict(metric_delay_s=60, bake_s=62, final_bake_s=60, check_every_s=2), "final_bake_s",
     msg.bake_must_outlast_metrics("final_bake_s", 60, 1, 60)),
    (dict(bake_s=2, check_every_s=1, metric_delay_s=2), "bake_s", msg.bake_must_outlast_metrics("bake_s", 2, 1, 2)),
]


@pytest.mark.parametrize("changes, field, message", GATE_CASES,
                         ids=[",".join(f"{k}={v!r}" for k, v in case[0].items()) for case in GATE_CASES])
def test_each_bad_gate_field_is_named(base_dir, changes, field, message):
    assert only(base_dir, rollout=rollout(**changes)) == Problem(Field(f"{AT}.{field}"), message)


def test_the_bakes_must_outlast_the_functions_own_timeout(base_dir):
    slow = Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=30)
    plan = rollout(metric_delay_s=60, bake_s=88, check_every_s=2, final_bake_s=90)
    assert only(base_dir, rollout=plan, function=slow) == \
        Problem(Field(f"{AT}.bake_s"), msg.bake_must_outlast_metrics("bake_s", 60, 30, 88))
    assert problems(base_dir, rollout=dataclasses.replace(plan, bake_s=90), function=slow) == []


def test_a_short_bake_is_named_once_when_the_final_bake_follows_it(base_dir):
    # final_bake_s left out is bake_s: lengthening bake_s fixes both, so only bake_s is named
    assert only(base_dir, rollout=rollout(metric_delay_s=60, bake_s=60, check_every_s=2)).where == \
        Field(f"{AT}.bake_s")


def test_the_defaults_are_for_aws_hold_and_final_bake_follow_bake_s_and_need_traffic():
    plan = Rollout(steps=(0.1,), bake_s=240, check_every_s=60, max_error_rate=0.01)
    assert (plan.metric_delay_s, plan.min_invocations, plan.holds, plan.final_s) == (180, 50, (240,), 240)
    assert (plan.step_checks, plan.final_checks, plan.most_checks) == (((4, 4),), 4, 12)
    assert dataclasses.replace(plan, max_hold_s=0, final_bake_s=60).most_checks == 5


@pytest.mark.parametrize("delay, refused", [(0, True), (59, True), (60, False), (180, False)])
def test_a_metric_delay_below_a_minute_is_refused_for_aws_and_only_there(base_dir, delay, refused):
    plan = rollout(metric_delay_s=delay, bake_s=delay + 2 - delay % 2)  # whole checks of 2 s, past the timeout
    assert problems(base_dir, rollout=plan) == []  # the emulator takes it
    found = list(emulator_only_problems("shop", deployment(rollout=plan), "shop.orders"))
    expected = [Problem(Field(f"{AT}.metric_delay_s"), msg.metric_delay_is_for_the_emulator(60, delay))]
    assert found == (expected if refused else [])
    pairs = [("shop", deployment(rollout=plan)), ("shop", deployment("other", rollout=None))]
    if refused:
        with pytest.raises(InvalidInput) as error:
            refuse_for_aws(pairs)
        assert error.value.problems == expected
    else:
        refuse_for_aws(pairs)


def test_refuse_for_aws_names_every_deployment_with_its_stack(base_dir):
    quick = rollout(metric_delay_s=0)
    with pytest.raises(InvalidInput) as error:
        refuse_for_aws([("shop", deployment(rollout=quick)), ("shop", deployment("b", rollout=quick)),
                        ("api", deployment(rollout=rollout(metric_delay_s=60, bake_s=62)))])
    assert [problem.where for problem in error.value.problems] == [
        Field("shop.orders.rollout.metric_delay_s"), Field("shop.b.rollout.metric_delay_s")]


# --- read_plan: what an applied definition rolls out ---------------------------------------------

def test_read_plan_reads_back_every_gate_the_definition_carries():
    plan = rollout(steps=(0.05, 0.2), bake_s=8, check_every_s=2, min_invocations=7, max_hold_s=6, final_bake_s=10,
                   max_error_rate=0.02)
    text = json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a", "b"], plan))
    assert applied_plan.read_plan(text) == applied_plan.Plan((0.05, 0.2), (8, 8), 2, ("a", "b"), 7, (6, 6), 10, 0.02)
    defaults = rollout()
    assert applied_plan.read_plan(json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a"], defaults))) == \
        applied_plan.Plan(defaults.steps, (4, 4), 2, ("a",), 50, (4, 4), 4, 0.01)
    # with no traffic required, no step holds
    assert applied_plan.read_plan(json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a"], rollout(min_invocations=0)))) == \
        applied_plan.Plan(defaults.steps, (4, 4), 2, ("a",), 0, (0, 0), 4, 0.01)


def test_read_plan_reads_each_steps_own_bake_and_hold_back():
    plan = rollout(steps=(Step(0.01, 12), 0.2, Step(0.6, 2)), bake_s=4, final_bake_s=None)
    found = applied_plan.read_plan(json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a"], plan)))
    # max_hold_s left out: each step holds up to its own bake; the final bake is bake_s
    assert found == applied_plan.Plan((0.01, 0.2, 0.6), (12, 4, 2), 2, ("a",), 50, (12, 4, 2), 4, 0.01)
    assert (found.bake_of(1), found.hold_of(3)) == (12, 2)
    held = rollout(steps=(Step(0.01, 12), Step(0.6, 2)), bake_s=None, max_hold_s=6)  # final bake: the last step's
    assert applied_plan.read_plan(json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a"], held))) == \
        applied_plan.Plan((0.01, 0.6), (12, 2), 2, ("a",), 50, (6, 6), 2, 0.01)


def test_read_plan_reads_an_all_at_once_definition_back():
    plan = rollout(steps=(), bake_s=None, final_bake_s=8, max_hold_s=4, smoke_event={})
    found = applied_plan.read_plan(json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a"], plan)))
    assert found == applied_plan.Plan((), (), 2, ("a",), 50, (), 8, 0.01, True, final_hold_s=4)
    # no traffic required: the final bake does not hold
    free = dataclasses.replace(plan, min_invocations=0)
    assert applied_plan.read_plan(json.dumps(sm.definition(FUNCTION, ALIAS, GREEN, ["a"], free))) == \
        applied_plan.Plan((), (), 2, ("a",), 0, (), 8, 0.01, True)


def _before_the_gates() -> dict:
    """A definition as the release before the traffic gates wrote it: one step of 25%, two checks of
    2 s, each check reading the alarms alone, then the promotion (the states ``read_plan`` reads)."""
    alarms = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:cloudwatch:describeAlarms",
              "Parameters": {"AlarmNames": ["a"], "StateValue": "ALARM", "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
              "ResultSelector": {"metric.$": "$.MetricAlarms[*].AlarmName",
                                 "composite.$": "$.CompositeAlarms[*].AlarmName"},
              "ResultPath": "$.alarms", "Next": "Step 1: healthy?"}
    return {"StartAt": "Read the alias", "States": {
        "Step 1: set weight": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:updateAlias",
                               "Parameters": {"FunctionName": "f", "Name": "live", "FunctionVersion.$": "$.blue",
                                              "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.25}},
                                              "RevisionId.$": "$.expect.revision"},
                               "ResultPath": "$.expect", "Next": "Step 1: start the bake"},
        "Step 1: start the bake": {"Type": "Pass", "Result": {"n": 0}, "ResultPath": "$.checks",
                                   "Next": "Step 1: wait"},
        "Step 1: wait": {"Type": "Wait", "Seconds": 2, "Next": "Step 1: check alarms"},
        "Step 1: check alarms": alarms,
        "Step 1: healthy?": {"Type": "Choice", "Choices": [
            {"Variable": "$.alarms.metric[0]", "IsPresent": True, "Next": "Alarm fired"},
            {"Variable": "$.alarms.composite[0]", "IsPresent": True, "Next": "Composite alarm fired"}],
            "Default": "Step 1: count"},
        "Step 1: count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.checks.n, 1)"},
                          "ResultPath": "$.checks", "Next": "Step 1: baked?"},
        "Step 1: baked?": {"Type": "Choice", "Choices": [{"Variable": "$.checks.n", "NumericLessThan": 2,
                                                          "Next": "Step 1: wait"}],
                           "Default": "Promote: check the alias"},
        "Promote": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:updateAlias",
                    "Parameters": {"FunctionName": "f", "Name": "live", "FunctionVersion": "2", "RoutingConfig": {},
                                   "RevisionId.$": "$.expect.revision"}, "Next": "Promoted"},
        "Promoted": {"Type": "Succeed"}}}


def test_read_plan_still_reads_a_definition_written_before_the_gates():
    assert applied_plan.read_plan(json.dumps(_before_the_gates())) == applied_plan.Plan((0.25,), (4,), 2, ("a",), None, (0,), 0, None)


@pytest.mark.parametrize("damage", [
    lambda states: states["Step 1: baked?"]["Choices"][0].update(NumericLessThan="2"),
    lambda states: states["Step 1: wait"].update(Seconds=True),
    lambda states: states["Step 1: check alarms"]["Parameters"].update(AlarmNames="a"),
    lambda states: states.pop("Step 1: healthy?"),
])
def test_read_plan_gives_none_for_a_definition_it_cannot_read(damage):
    document = _before_the_gates()
    damage(document["States"])
    assert applied_plan.read_plan(json.dumps(document)) is None


# --- bugs found while writing these tests: what validation refuses --------------------------------

@pytest.mark.parametrize("event", [{"query.$": "$.blue"}, {"a": [{"b.$": "$.x"}]}])
def test_a_smoke_event_key_that_step_functions_would_read_as_a_path_is_refused(base_dir, event):
    # Step Functions reads a Parameters key ending in ".$" as a path: the event would not be sent as written.
    found = problems(base_dir, rollout=rollout(smoke_event=event))
    assert [problem.where for problem in found] == [Field(f"{AT}.smoke_event")]


def test_a_rollout_too_long_for_an_executions_history_is_refused(base_dir):
    plan = rollout(bake_s=3600, check_every_s=1)  # two steps of bake and hold, then the final bake
    events = budget.longest_execution_events(plan)
    found = problems(base_dir, rollout=plan)
    assert [(p.where, p.message) for p in found] == [
        (Field(f"{AT}.check_every_s"), msg.rollout_must_fit_the_history(budget.HISTORY_EVENTS_MAX,
                                                                        2 * (3600 + 3600) + 3600, events))]


def _one_step(checks: int) -> Rollout:
    """One step, no hold, a final bake of one check: ``checks`` checks in all, a second each; no pause."""
    return rollout(steps=(0.5,), bake_s=checks - 1, check_every_s=1, max_hold_s=0, final_bake_s=1, max_pause_s=0)


def test_the_budget_is_counted_in_events_to_the_last_check(base_dir):
    # The most checks one step may take: each check, with room for a retry, and the frame around them.
    # A check reads the controls too; max_pause_s=0 still counts the paused check that rolls back.
    check = budget.CHECK_EVENTS + budget.CONTROL_EVENTS + budget.RETRY_EVENTS
    frame = budget.START_EVENTS + 2 * budget.CHANGE_EVENTS + budget.END_EVENTS + check
    most = (budget.HISTORY_EVENTS_MAX - frame) // check
    assert budget.longest_execution_events(_one_step(most)) <= budget.HISTORY_EVENTS_MAX
    assert problems(base_dir, rollout=_one_step(most)) == []
    over = _one_step(most + 1)
    assert [(p.where, p.message) for p in problems(base_dir, rollout=over)] == [
        (Field(f"{AT}.check_every_s"), msg.rollout_must_fit_the_history(
            budget.HISTORY_EVENTS_MAX, most + 1, budget.longest_execution_events(over)))]


def test_too_many_steps_for_the_history_are_named_with_the_most_that_fit(base_dir):
    # 1,000 steps of 0.1%: each its change and 2 checks of bake and 2 of hold
    many = rollout(steps=tuple((i + 1) / 10_000 for i in range(1000)))
    check = budget.CHECK_EVENTS + budget.CONTROL_EVENTS + budget.RETRY_EVENTS
    per_step = budget.CHANGE_EVENTS + 4 * check
    # the final bake: 2 checks; the pauses: 2 checks (max_pause_s, the longest bake) and the one past it
    frame = budget.START_EVENTS + budget.CHANGE_EVENTS + budget.END_EVENTS + 2 * check + 3 * check
    fitting = budget.most_steps(many)
    assert fitting == (budget.HISTORY_EVENTS_MAX - frame) // per_step
    assert problems(base_dir, rollout=dataclasses.replace(many, steps=many.steps[:fitting])) == []
    assert [(p.where, p.message) for p in problems(base_dir, rollout=many)] == [
        (Field(f"{AT}.steps"), msg.steps_must_fit_the_history(budget.HISTORY_EVENTS_MAX, fitting, 1000,
                                                              budget.longest_execution_events(many)))]


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
    everything = {address.address for address in every_address(deployment(rollout=rollout(max_p99_ms=500)))}
    assert set(at.all()) <= everything
    assert not set(at.all()) & {a.address for a in naming.Addresses(deployment(rollout=None)).all()}


def _peer_rows() -> list[tuple[str, str, str]]:
    """The README's table of SAM's and CDK's predefined configurations: (name, Rollout call, the same?)."""
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("#### SAM's and CDK's predefined configurations"):]
    section = section[:section.index("\n#")]
    rows = re.findall(r"^\| `(\w+)` \(`\w+`\) \| `(Rollout\(.*?\))` \| (.*?) \|$", section, flags=re.M)
    assert len(rows) == 9, rows  # CodeDeploy's nine predefined configurations for Lambda
    return rows


@pytest.mark.parametrize(("name", "call", "same"), _peer_rows(), ids=lambda value: value[:40])
def test_the_readme_writes_each_of_sams_configurations_as_a_rollout_or_says_why_not(base_dir, name, call, same):
    # As the README says: a function with a 30 s timeout, checked every 30 s, no traffic required.
    written = eval(call, {"Rollout": Rollout, "Step": Step,  # noqa: S307 - the README's own table
                          "E": dict(check_every_s=30, max_error_rate=0.01, min_invocations=0)})
    found = problems(base_dir, rollout=written,
                     function=Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=30))
    if same.startswith("**no**"):
        assert [p.where for p in found] == [Field("shop.orders.rollout.bake_s")], (name, found)
    else:
        assert found == [], (name, found)
