"""A rollout with provisioned concurrency: green warm before each weight (``rollout.warm``).

Pure Python: the sizes and the worst moment, the rules (``warm_rules``: the reservation, the
warm timeout, the history budget), and the definition walked through ``step_functions_model``,
whose fake Lambda answers a config IN_PROGRESS for some reads, then READY or FAILED. What the
emulator makes of it is ``test_rollout_e2e``'s provisioned rollout.
"""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pytest
from step_functions_model import ALIAS, BLUE, EXECUTION, FUNCTION, GREEN, FakeAws, Raised, history_events, steady, walk
from test_rollout_machine import reachable
from test_rollout_model import AT, deployment, problems, rollout
from test_summary import PLANS

from generator import Function
from generator.core.errors import Field, Problem
from generator.features.rollout import addresses as names
from generator.features.rollout import applied_plan, warm
from generator.features.rollout import machine as sm
from generator.features.rollout import messages as msg
from generator.features.rollout.budget import HISTORY_EVENTS_MAX
from generator.features.rollout.warm_rules import WARM_TIMEOUT_S_MAX
from generator.releasing.plan_summary import summarize
from generator.releasing.rollout_run import Executions
from generator.releasing.rollout_watch import WARMING, Tracker, render

N = 4
PLAN = rollout(steps=(0.25, 0.5), min_invocations=0)


def definition(plan=PLAN, n=N) -> dict:
    return sm.definition(FUNCTION, ALIAS, GREEN, names.gating_alarm_names(FUNCTION, deployment(rollout=plan)), plan,
                         n)


def applied(plan=PLAN, n=N) -> FakeAws:
    """The alias on blue, and the configs as Terraform leaves them before a rollout: blue N, green
    pinned at weight 0 warm for the first weight."""
    aws = FakeAws(traffic=steady(30))
    first = plan.weights[0] if plan.weights else 1.0
    aws.provisioned = {BLUE: [n, "READY", 0, None], GREEN: [warm.green_size(n, first), "READY", 0, None]}
    return aws


# --- sizes and the worst moment -------------------------------------------------------------------

@pytest.mark.parametrize("n, weight, green, blue", [(10, 0.3, 3, 7), (10, 0.05, 1, 10), (4, 0.25, 1, 3),
                                                    (3, 0.5, 2, 2), (10, 0.999, 10, 1)])
def test_each_share_is_rounded_up_on_the_weight_grid(n, weight, green, blue):
    assert (warm.green_size(n, weight), warm.blue_size(n, weight)) == (green, blue)


@pytest.mark.parametrize("weights, worst", [
    ((0.1, 0.5), (19, "--promote-now in step 1")),               # 1+10, 5+9, 10+5; promote-now 10+9, 10+5
    ((0.05, 0.25, 0.5, 0.75), (20, "--promote-now in step 1")),  # 11, 13, 13, 13, 13; promote-now 10+10 ...
    ((), (20, "the promotion")),                                 # all at once: green N beside blue N
    ((0.5, 0.9), (15, "step 1")),                                # 5+10, 9+5, 10+1; promote-now 10+5, 10+1
])
def test_the_worst_moment_is_green_raised_while_blue_keeps_its_last_share(weights, worst):
    assert warm.worst_moment(10, weights) == worst


# --- the rules --------------------------------------------------------------------------------------

def with_reservation(reserved, **changes):
    return Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=1,
                    reserved_concurrency=reserved, **changes)


@pytest.mark.parametrize("steps, reserved, change", [((0.1, 0.5), 19, "--promote-now in step 1"),
                                                     ((0.5, 0.9), 15, "step 1"), ((), 20, "the promotion")])
def test_the_reservation_must_hold_the_worst_moment_plus_one(base_dir, steps, reserved, change):
    plan = rollout(steps=steps, final_bake_s=4)
    worst = reserved
    assert problems(base_dir, function=with_reservation(reserved), provisioned_concurrency=10, rollout=plan) == [
        Problem(Field(AT.removesuffix(".rollout") + ".provisioned_concurrency"),
                msg.warm_must_fit_the_reservation(reserved, 10, worst, change))]
    assert problems(base_dir, function=with_reservation(reserved + 1), provisioned_concurrency=10, rollout=plan) == []


def test_without_a_reservation_or_below_the_functions_own_bound_the_rollout_adds_no_problem(base_dir):
    assert problems(base_dir, provisioned_concurrency=10) == []  # the account's pool: checked by AWS at run time
    # N + 1 >= reserved: only the function's own rule speaks
    found = problems(base_dir, function=with_reservation(11), provisioned_concurrency=10)
    assert [p.where for p in found] == [Field(AT.removesuffix(".rollout") + ".provisioned_concurrency")]
    assert "at least two below" in found[0].message


@pytest.mark.parametrize("value", [0, 5, 15, WARM_TIMEOUT_S_MAX + 10, True, 60.0, "60", None])
def test_warm_timeout_s_is_whole_polls_up_to_a_day(base_dir, value):
    assert problems(base_dir, rollout=rollout(warm_timeout_s=value)) == [
        Problem(Field(f"{AT}.warm_timeout_s"), msg.must_be_a_warm_timeout(10, WARM_TIMEOUT_S_MAX, value))]


def test_the_warm_polls_count_in_the_history_budget(base_dir):
    plan = rollout(steps=tuple(round(0.05 * i, 2) for i in range(1, 20)), warm_timeout_s=1200)
    assert problems(base_dir, rollout=plan) == []  # without provisioned concurrency it fits
    found = problems(base_dir, rollout=plan, provisioned_concurrency=2)
    assert [p.where for p in found] == [Field(f"{AT}.steps")]


# --- the definition -----------------------------------------------------------------------------------



@pytest.mark.parametrize("plan", [PLAN, rollout(steps=(), final_bake_s=4), rollout(steps=(0.1, 0.2)),
                                  rollout(steps=(0.9,))], ids=["two-steps", "all-at-once", "same-green", "same-blue"])
def test_every_warm_state_is_reachable_and_only_with_provisioned_concurrency(plan):
    document = definition(plan)
    assert reachable(document) == set(document["States"])
    assert warm.RELEASE_BLUE in document["States"]
    plain = definition(plan, None)
    own = (warm.SIZE_GREEN, warm.SIZE_BLUE, warm.WARM, warm.RELEASE_GREEN, warm.RESTORE_BLUE, warm.RELEASE_BLUE)
    assert not [name for name in plain["States"] if any(name.endswith(what) for what in own)]


def test_a_change_that_keeps_greens_figure_does_not_size_it_again():
    states = definition(rollout(steps=(0.1, 0.2)), 4)["States"]  # green 1, then 1 again
    assert sm.step_state(1, warm.SIZE_GREEN) in states and sm.step_state(2, warm.SIZE_GREEN) not in states
    assert states[sm.step_state(1, sm.BAKED)]  # step 1 leads straight to step 2's alias check
    assert sm.step_state(2, sm.CHECK_ALIAS) in str(states[sm.step_state(1, sm.BAKED)])


# --- walked ---------------------------------------------------------------------------------------

def test_green_is_ready_before_each_weight_and_blue_lowered_only_after():
    aws = applied()
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited[-1]) == ("Succeeded", sm.PROMOTED)
    weights = [(0.25, 1, 3), (0.5, 2, 2), (1.0, 4, None)]
    alias_moves = [i for i, entry in enumerate(aws.log) if entry[0] == "alias"]
    assert len(alias_moves) == 3
    for (weight, green, blue), at in zip(weights, alias_moves, strict=True):
        before, after = aws.log[:at], aws.log[at + 1:]
        assert ("put", GREEN, green) in before and before[-1] == ("status", GREEN, "READY"), (weight, before)
        if weight > 0.25:  # green was READY from the apply for the first; raised since, it warmed
            assert before[before.index(("put", GREEN, green)) + 1] == ("status", GREEN, "IN_PROGRESS")
        if blue is not None:  # blue is lowered right after the weight moved, never before
            assert after[0] == ("put", BLUE, blue) and ("put", BLUE, blue) not in before
    # the old blue kept its share through the final bake, then was released
    assert aws.log[-1] == ("delete", BLUE)
    assert {v: c[0] for v, c in aws.provisioned.items()} == {GREEN: N}
    assert history_events(definition(), outcome) < HISTORY_EVENTS_MAX


def test_a_failed_warm_up_rolls_back_releases_green_and_restores_blue():
    aws = applied()  # green's config from the apply is still warming, and fails
    aws.provisioned[GREEN] = [1, "IN_PROGRESS", 1, "FUNCTION_ERROR_INIT_FAILURE"]
    aws.warm_fails = "FUNCTION_ERROR_INIT_FAILURE"
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR
    assert "FUNCTION_ERROR_INIT_FAILURE" in outcome.cause and "before step 1" in outcome.cause
    assert not [e for e in aws.log if e[0] == "alias" and e[2]]  # green never took traffic
    assert aws.log[-3:] == [("delete", GREEN), ("put", BLUE, N), ("status", BLUE, "READY")]
    assert {v: c[0] for v, c in aws.provisioned.items()} == {BLUE: N}


def test_green_not_ready_within_warm_timeout_s_rolls_back_after_its_polls():
    plan = dataclasses.replace(PLAN, warm_timeout_s=30)
    aws = applied(plan)
    aws.provisioned[GREEN][1] = "IN_PROGRESS"
    aws.provisioned[GREEN][2] = aws.warm_reads = 1000
    outcome = walk(definition(plan), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and "warm_timeout_s (30 s)" in outcome.cause
    assert outcome.visited.count(sm.step_state(1, warm.WAIT_WARM)) == warm.most_polls(plan) == 3


def test_a_rollback_after_promotion_lands_on_blues_warm_share_then_restores_it():
    aws = applied()
    aws.hooks[("cloudwatch:describeAlarms", 5)] = lambda: aws.firing.add(
        names.gating_alarm_names(FUNCTION, deployment(rollout=PLAN))[0])  # the final bake's first check
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_PROMOTION_ERROR
    assert aws.provisioned[BLUE][0] == N and GREEN not in aws.provisioned
    rolled = aws.log.index(("alias", BLUE, {}))
    assert aws.log[rolled + 1:] == [("delete", GREEN), ("put", BLUE, N), ("status", BLUE, "IN_PROGRESS")]


def test_a_refused_put_rolls_back_with_awss_reason():
    aws = applied()
    aws.hooks[("lambda:putProvisionedConcurrencyConfig", 1)] = lambda: aws.fail_once.update(
        {"lambda:putProvisionedConcurrencyConfig": [Raised("Lambda.InvalidParameterValueException", "above reserved")]})
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and "above reserved" in outcome.cause


def test_a_failed_clean_up_still_ends_rolled_back_and_says_what_was_left():
    aws = applied()
    aws.failing["lambda:deleteProvisionedConcurrencyConfig"] = Raised("Lambda.ServiceException", "try later")
    aws.fail_once["lambda:putProvisionedConcurrencyConfig"] = [Raised("Lambda.InvalidParameterValueException",
                                                                      "above reserved")]
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and (aws.version, aws.weights) == (BLUE, {}), outcome
    assert "above reserved" in outcome.cause and "(provisioned concurrency not restored: " in outcome.cause
    assert "Lambda.ServiceException" in outcome.cause


# --- the PR summary ------------------------------------------------------------------------------

def test_the_pr_summary_says_green_is_warmed_before_each_weight():
    document = json.loads((PLANS / "rollout-changed.json").read_text())
    body = next(c for c in document["resource_changes"] if c["type"] == "aws_sfn_state_machine")["change"]
    alarms = ["hello-hello-live-green-error-rate", "hello-api-5xx"]
    body["after"]["definition"] = json.dumps(sm.definition("hello-hello", "live", "2", alarms, PLAN, 10))
    (line,) = [line for d in summarize(document).deployments for line in d.lines[1:]]
    assert line.endswith("; provisioned concurrency 10, green warmed before each weight"), line
    body["after"]["definition"] = json.dumps(sm.definition("hello-hello", "live", "2", alarms, PLAN))
    (line,) = [line for d in summarize(document).deployments for line in d.lines[1:]]
    assert "provisioned" not in line
    assert applied_plan.read_plan(json.dumps(definition())).provisioned == N


# --- --abort and a timed-out execution -----------------------------------------------------------

class _Lambda:
    """boto3's Lambda client, recording each call; green's config already gone when ``gone``."""

    def __init__(self, gone: bool):
        self.calls, self.gone = [], gone

    def update_alias(self, **call):
        self.calls.append(("update_alias", call["FunctionVersion"], call["RoutingConfig"]))

    def delete_provisioned_concurrency_config(self, **call):
        self.calls.append(("delete", call["Qualifier"]))
        if self.gone:
            from botocore.exceptions import ClientError
            raise ClientError({"Error": {"Code": "ProvisionedConcurrencyConfigNotFoundException"}}, "Delete")

    def put_provisioned_concurrency_config(self, **call):
        self.calls.append(("put", call["Qualifier"], call["ProvisionedConcurrentExecutions"]))


@pytest.mark.parametrize("gone", [False, True])
@pytest.mark.parametrize("provisioned", [None, N])
def test_serving_blue_after_an_abort_restores_blues_warm_capacity_as_the_rollback_does(provisioned, gone):
    executions = Executions.__new__(Executions)
    target = SimpleNamespace(deployment=deployment(provisioned_concurrency=provisioned))
    executions.rollout = SimpleNamespace(target=target, function_name=FUNCTION, green=GREEN, name="shop/orders")
    executions.lam = _Lambda(gone)
    executions.serve_blue(BLUE)
    warmed = [("delete", GREEN), ("put", BLUE, N)] if provisioned else []
    assert executions.lam.calls == [("update_alias", BLUE, {}), *warmed]


def test_the_watcher_says_green_is_warming_at_the_last_steps_weight():
    plan = applied_plan.read_plan(json.dumps(definition()))
    tracker = Tracker(plan)

    def entered(n: int, name: str) -> dict:
        return {"id": n, "type": "TaskStateEntered", "timestamp": "2026-12-07T12:00:00+00:00",
                "stateEnteredEventDetails": {"name": name}}
    tracker.read([entered(1, sm.step_state(1, warm.SIZE_GREEN))])
    assert (tracker.phase, tracker.step) == (WARMING, 0)
    tracker.read([entered(2, sm.step_state(1, sm.SET_WEIGHT)), entered(3, sm.step_state(1, sm.START_BAKE)),
                  entered(4, sm.step_state(2, warm.SIZE_GREEN))])
    snapshot = tracker.snapshot("svc-v7", "RUNNING", {}, 0)
    assert render(snapshot).startswith("svc-v7: step 1/2, green 25%, warming green;"), render(snapshot)
    tracker.read([entered(5, sm.step_state(0, warm.SIZE_GREEN))])
    assert (tracker.phase, tracker.step) == (WARMING, 2)


def test_promote_now_warms_green_for_the_promotion_before_the_alias_moves():
    from generator.features.rollout import controls

    aws = applied()
    aws.control = controls.value(controls.PROMOTE_NOW, EXECUTION)  # given before step 1's first check
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.visited[-1]) == ("Succeeded", sm.PROMOTED)
    assert sm.step_state(2, sm.SET_WEIGHT) not in outcome.visited  # step 2 skipped
    promoted = [i for i, entry in enumerate(aws.log) if entry[0] == "alias"][-1]
    before = aws.log[:promoted]
    # Green at N and READY before the alias moves to it, though --promote-now skipped step 2's warm-up.
    assert ("put", GREEN, N) in before and before[-1] == ("status", GREEN, "READY"), before
