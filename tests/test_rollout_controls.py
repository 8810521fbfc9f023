"""Controls on a running rollout: ``--pause``, ``--resume``, ``--promote-now``. No server.

- the state machine walked (``step_functions_model.walk``) with the controls' parameter set as
  ``bluegreen rollout`` sets it: a pause holds the step past its bake, a failing gate still rolls
  back while paused, ``max_pause_s`` rolls back (after promotion too), ``--promote-now`` skips to
  the guarded promotion and the final bake, a control of another execution is inert;
- the history budget of the paused checks, and ``max_pause_s`` named when the pauses don't fit;
- the command line (mutually exclusive flags, ``--reason``), the refusals of a control that does
  not apply (exit 2), the record file's ``controls``, and the progress shown while paused.

The emulator run of the same controls is ``test_rollout_e2e``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError
from step_functions_model import ALIAS, BLUE, EXECUTION, FUNCTION, GREEN, FakeAws, Raised, history_events, walk

from generator import Rollout
from generator.cli import program as cli
from generator.core.errors import InvalidInput
from generator.features.rollout import applied_plan, budget, controls
from generator.features.rollout import machine as sm
from generator.features.rollout import messages as msg
from generator.features.rollout.addresses import control_parameter_name
from generator.features.rollout.record import Control, Outcome, add_control, read_controls, read_records, write_record
from generator.model.stack import Deployment, Function, Stack
from generator.releasing import rollout_control
from generator.releasing.rollout_run import Executions
from generator.releasing.rollout_watch import BAKING, PAUSED, Tracker

# Two steps of two checks each, a final bake of two checks; pauses of 60 s in all: two paused checks.
PLAN = Rollout(steps=(0.1, 0.5), bake_s=60, check_every_s=30, max_error_rate=0.05, max_pause_s=60)
ALARM = "shop-orders-live-green-error-rate"


def definition(plan: Rollout = PLAN) -> dict:
    return sm.definition(FUNCTION, ALIAS, GREEN, [ALARM], plan)


def given(control: str, execution: str = EXECUTION) -> str:
    return controls.value(control, execution)


def control_from(aws: FakeAws, changes: dict[int, str | None]) -> None:
    """Set the parameter before the n-th GetParameter (from 1), as ``bluegreen rollout`` would."""
    for n, value in changes.items():
        aws.hooks[("ssm:getParameter", n)] = lambda value=value: setattr(aws, "control", value)


def waits_in(visited: list[str], phase: str) -> int:
    return sum(1 for name in visited if name == f"{phase}: {sm.WAIT}")


def test_with_no_control_a_rollout_bakes_as_before_and_reads_the_parameter_each_check():
    aws = FakeAws()
    outcome = walk(definition(), aws)
    assert outcome.status == "Succeeded"
    assert (waits_in(outcome.visited, "Step 1"), waits_in(outcome.visited, "Step 2"),
            waits_in(outcome.visited, sm.FINAL_BAKE)) == (2, 2, 2)
    assert aws.calls["ssm:getParameter"] == 6 and outcome.retries == 0  # a missing parameter is not retried
    read = definition()["States"][sm.step_state(1, controls.READ_CONTROL)]
    assert read["Parameters"] == {"Name": control_parameter_name(FUNCTION)}


def test_a_pause_holds_the_weight_past_its_bake_then_resume_bakes_on():
    aws = FakeAws()
    control_from(aws, {1: given(controls.PAUSE), 3: given(controls.RESUME)})
    outcome = walk(definition(), aws)
    assert outcome.status == "Succeeded"
    # Two paused checks do not count: step 1 waits four times at 10%, not two.
    assert waits_in(outcome.visited, "Step 1") == 4 and waits_in(outcome.visited, "Step 2") == 2
    assert outcome.visited.count(sm.step_state(1, controls.PAUSED)) == 2
    assert aws.changes[0][:2] == (BLUE, {GREEN: 0.1}) and aws.changes[1][:2] == (BLUE, {GREEN: 0.5})


def test_a_failing_gate_still_rolls_back_while_paused():
    aws = FakeAws()
    aws.control = given(controls.PAUSE)
    aws.hooks[("cloudwatch:describeAlarms", 2)] = lambda: aws.firing.add(ALARM)
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.cause) == (sm.ROLLED_BACK_ERROR, f"Alarm {ALARM} is in ALARM (step 1).")
    assert sm.step_state(1, controls.PAUSED) in outcome.visited
    assert (aws.version, aws.weights) == (BLUE, {})


def test_a_pause_past_max_pause_s_rolls_back_with_that_reason():
    aws = FakeAws()
    aws.control = given(controls.PAUSE)
    outcome = walk(definition(), aws)
    assert (outcome.status, outcome.cause) == (sm.ROLLED_BACK_ERROR, msg.paused_too_long(60, "step 1"))
    assert outcome.visited.count(sm.step_state(1, controls.PAUSED)) == 3  # two allowed, the third rolls back
    assert (aws.version, aws.weights) == (BLUE, {})


def test_pauses_add_up_over_the_rollout_and_in_the_final_bake_roll_the_promotion_back():
    aws = FakeAws()
    # One paused check in step 1, then in the final bake (GetParameter 5 is its first check) for good.
    control_from(aws, {1: given(controls.PAUSE), 2: given(controls.RESUME), 6: given(controls.PAUSE)})
    outcome = walk(definition(), aws)
    where = "the final bake, after promotion"
    assert (outcome.status, outcome.cause) == (sm.ROLLED_BACK_PROMOTION_ERROR, msg.paused_too_long(60, where))
    assert outcome.visited.count(sm.final_state(controls.PAUSED)) == 2  # the one before made three
    assert (aws.version, aws.weights) == (BLUE, {})


def test_promote_now_in_step_1_skips_to_the_guarded_promotion_and_the_final_bake():
    aws = FakeAws()
    aws.control = given(controls.PROMOTE_NOW)
    outcome = walk(definition(), aws)
    assert outcome.status == "Succeeded"
    assert sm.step_state(2, sm.SET_WEIGHT) not in outcome.visited
    assert waits_in(outcome.visited, "Step 1") == 1 and waits_in(outcome.visited, sm.FINAL_BAKE) == 2
    # The promotion still passes the revision it expects: the guarded change, not a blind one.
    assert aws.changes == [(BLUE, {GREEN: 0.1}, "r0"), (GREEN, {}, "r1")]


def test_promote_now_during_the_final_bake_changes_nothing():
    aws = FakeAws()
    control_from(aws, {6: given(controls.PROMOTE_NOW)})  # the final bake's first check
    outcome = walk(definition(), aws)
    assert outcome.status == "Succeeded" and waits_in(outcome.visited, "Step 2") == 2
    assert waits_in(outcome.visited, sm.FINAL_BAKE) == 2 and aws.calls["ssm:getParameter"] == 6


def test_a_control_left_from_another_execution_is_inert():
    aws = FakeAws()
    aws.control = given(controls.PAUSE, "orders-v6")
    outcome = walk(definition(), aws)
    assert outcome.status == "Succeeded" and not any(controls.PAUSED in name for name in outcome.visited)


def test_a_parameter_that_cannot_be_read_rolls_back_as_a_failed_call():
    aws = FakeAws()
    aws.failing["ssm:getParameter"] = Raised("Ssm.AccessDeniedException", "not allowed")
    outcome = walk(definition(), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and outcome.cause.startswith("A call failed (step 1):")
    assert outcome.retries == 3


def test_the_longest_paused_execution_fits_the_budget_it_is_counted_with():
    # Paused to the limit in the last step, which is held to its limit too (no traffic after the bake).
    plan = dataclasses.replace(PLAN, max_pause_s=120)
    aws = FakeAws(traffic=lambda phase, n: (30, 0) if phase != "Step 2" or n < 2 else (0, 0))
    control_from(aws, {3: given(controls.PAUSE)})
    outcome = walk(definition(plan), aws)
    assert outcome.status == sm.ROLLED_BACK_ERROR and outcome.cause == msg.paused_too_long(120, "step 2")
    assert history_events(definition(plan), outcome) <= budget.longest_execution_events(plan)


def test_max_pause_s_is_named_when_the_pauses_do_not_fit_the_history():
    plan = dataclasses.replace(PLAN, check_every_s=1, bake_s=60, max_pause_s=10_000)
    problems = list(budget.budget_problems(plan, "shop.orders.rollout"))
    most = budget.most_pause_s(plan)
    assert 0 < most < 10_000
    events = budget.longest_execution_events(plan)
    assert [(str(p.where), p.message) for p in problems] == [
        ("shop.orders.rollout.max_pause_s", msg.pause_must_fit_the_history(budget.HISTORY_EVENTS_MAX, most, 10_000,
                                                                           events))]
    assert not list(budget.budget_problems(dataclasses.replace(plan, max_pause_s=most), "x"))
    assert list(budget.budget_problems(dataclasses.replace(plan, max_pause_s=most + 1), "x"))


def test_max_pause_s_defaults_to_the_longest_bake():
    assert dataclasses.replace(PLAN, max_pause_s=None, final_bake_s=90).pause_s == 90
    assert dataclasses.replace(PLAN, max_pause_s=None).pause_s == 60


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [("--pause", "--resume"), ("--pause", "--promote-now"), ("--resume", "--abort"),
                                   ("--promote-now", "--attach"), ("--pause", "--retry")])
def test_controls_exclude_each_other_and_abort_attach_retry(capsys, tmp_path, flags):
    with pytest.raises(SystemExit) as exited:
        cli.main(["rollout", str(tmp_path / "ship.py"), "svc", *flags])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# --- giving a control: when it applies ---------------------------------------------------------------


class FakeSsm:
    """SSM's parameter, STS's caller and the definition Step Functions says an execution runs."""

    def __init__(self, value: str | None, definition: dict | None = None):
        self.value, self.put = value, []
        self.definition = definition if definition is not None else sm.definition("ship-svc", "live", "2", [], PLAN)

    def describe_state_machine_for_execution(self, executionArn):
        return {"definition": json.dumps(self.definition)}

    def get_parameter(self, Name):
        if self.value is None:
            raise ClientError({"Error": {"Code": "ParameterNotFound", "Message": f"{Name} not found"}}, "GetParameter")
        return {"Parameter": {"Name": Name, "Value": self.value,
                              "LastModifiedDate": datetime(2026, 12, 8, 1, 0, tzinfo=UTC)}}

    def put_parameter(self, **given):
        self.put.append(given)
        self.value = given["Value"]

    def get_caller_identity(self):
        return {"Arn": "arn:aws:sts::123456789012:assumed-role/release/ana"}


def executions(tmp_path: Path, value: str | None, definition: dict | None = None) -> SimpleNamespace:
    stack = Stack(name="ship", region="us-east-1", deployments=[
        Deployment(name="svc", function=Function(source="src", handler="app.handler", runtime="python3.12"))])
    client = FakeSsm(value, definition)
    target = SimpleNamespace(traffic_file=tmp_path / "ship.traffic.json", stack=stack, deployment=stack.deployments[0])
    rollout = SimpleNamespace(green="2", function_name="ship-svc", target=target, name="ship/svc",
                              execution_name=lambda attempt: "svc-v2")
    fake = SimpleNamespace(rollout=rollout, client=lambda service: client, ssm=client, sfn=client)
    # AWS's answers mapped as the real Executions maps them (a missing parameter is Missing)
    fake.call = lambda operation, call, quiet=(): Executions.call(fake, operation, call, quiet)
    return fake


RUNNING = (1, {"status": "RUNNING", "executionArn": "arn:x"})


@pytest.mark.parametrize(("control", "value", "phase", "refusal"), [
    (controls.PAUSE, "pause:svc-v2", BAKING, msg.already_paused("svc-v2")),
    (controls.RESUME, None, BAKING, msg.not_paused("svc-v2")),
    (controls.RESUME, "resume:svc-v2", BAKING, msg.not_paused("svc-v2")),
    (controls.RESUME, "pause:svc-v1", BAKING, msg.not_paused("svc-v2")),  # another execution's pause
    (controls.PROMOTE_NOW, "promote-now:svc-v2", BAKING, msg.promote_now_already_given("svc-v2")),
    (controls.PROMOTE_NOW, None, "final bake", msg.promote_now_in_the_final_bake("svc-v2")),
    (controls.PROMOTE_NOW, None, "promoting", msg.promote_now_in_the_final_bake("svc-v2")),
])
def test_a_control_that_does_not_apply_is_refused_and_nothing_is_written(tmp_path, control, value, phase, refusal):
    found = executions(tmp_path, value)
    with pytest.raises(InvalidInput) as error:
        rollout_control.give(found, RUNNING, control, None, phase)
    assert error.value.render() == f"--{control}: {refusal}"
    assert found.ssm.put == [] and not (tmp_path / "ship.rollouts.json").exists()


def test_a_control_for_an_execution_of_a_definition_without_controls_is_refused(tmp_path):
    before = sm.definition("ship-svc", "live", "2", [], PLAN)
    before["States"] = {name: state for name, state in before["States"].items()
                        if not name.endswith(f": {controls.READ_CONTROL}")}
    found = executions(tmp_path, None, before)
    with pytest.raises(InvalidInput) as error:
        rollout_control.give(found, RUNNING, controls.PAUSE, None, BAKING)
    assert error.value.render() == f"--pause: {msg.execution_predates_controls('svc-v2')}"
    assert found.ssm.put == []


@pytest.mark.parametrize("status", [None, "SUCCEEDED"])
def test_a_control_with_no_running_execution_is_refused(tmp_path, status):
    current = None if status is None else (1, {"status": status})
    with pytest.raises(InvalidInput) as error:
        rollout_control.give(executions(tmp_path, None), current, controls.PAUSE, None, None)
    assert error.value.render() == f"--pause: {msg.no_running_rollout_to_control('pause', '2', status or 'none')}"


def test_a_control_taken_is_written_to_the_parameter_and_recorded_with_who_and_when(tmp_path, monkeypatch):
    monkeypatch.setattr(rollout_control.getpass, "getuser", lambda: "ana")
    found = executions(tmp_path, "pause:svc-v1")
    record = rollout_control.give(found, RUNNING, controls.PAUSE, "checking a dashboard", BAKING)
    assert found.ssm.put == [{"Name": "/bluegreen/rollout/ship-svc-rollout", "Value": "pause:svc-v2",
                              "Type": "String", "Tier": "Standard", "Overwrite": True}]
    assert (record.by, record.user, record.reason) == ("arn:aws:sts::123456789012:assumed-role/release/ana", "ana",
                                                      "checking a dashboard")
    assert read_controls(tmp_path / "ship.rollouts.json") == {"svc": [record]}
    assert rollout_control.paused_by(found, "svc-v2") == msg.paused_since(record.at, f"{record.by} (ana)")
    rollout_control.give(found, RUNNING, controls.RESUME, None, BAKING)
    assert [c.control for c in read_controls(tmp_path / "ship.rollouts.json")["svc"]] == ["pause", "resume"]
    assert rollout_control.paused_by(found, "svc-v2") is None


# --- the record file ---------------------------------------------------------------------------------


def _control(execution: str, control: str = controls.PAUSE) -> Control:
    return Control(execution=execution, control=control, by="arn:aws:iam::1:user/ana", user="ana",
                   at="2026-12-08T01:00:00+00:00", reason=None)


def test_the_record_keeps_the_latest_executions_controls_beside_the_outcome(tmp_path):
    path, stack = tmp_path / "ship.rollouts.json", executions(tmp_path, None).rollout.target.stack
    add_control(path, stack, "svc", _control("svc-v2"))  # a first rollout: controls, no outcome yet
    assert read_records(path) == {} and read_controls(path) == {"svc": [_control("svc-v2")]}
    outcome = Outcome(execution="svc-v2", execution_arn="arn:x", result="promoted", reason=None, blue_version="1",
                      green_version="2", started="2026-12-08T00:59:00+00:00", ended="2026-12-08T01:05:00+00:00")
    write_record(path, stack, "svc", outcome)
    assert read_records(path) == {"svc": outcome} and read_controls(path) == {"svc": [_control("svc-v2")]}
    add_control(path, stack, "svc", _control("svc-v3", controls.PROMOTE_NOW))  # the next execution starts over
    assert read_controls(path) == {"svc": [_control("svc-v3", controls.PROMOTE_NOW)]}
    assert read_records(path) == {"svc": outcome}
    assert json.loads(path.read_text())["svc"]["controls"][0]["control"] == "promote-now"


def test_a_record_with_damaged_controls_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "ship.rollouts.json"
    path.write_text(json.dumps({"svc": {"controls": [{"execution": "svc-v2"}]}}))
    with pytest.raises(InvalidInput) as error:
        read_controls(path)
    assert error.value.render().startswith(f"{path}: ")


# --- progress while paused ---------------------------------------------------------------------------

START = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


def _entered(event_id: int, name: str, seconds: int) -> dict:
    return {"id": event_id, "type": "PassStateEntered", "timestamp": START + timedelta(seconds=seconds),
            "stateEnteredEventDetails": {"name": name}}


def test_progress_shows_paused_and_the_bake_ends_a_check_later_per_paused_check():
    plan = applied_plan.read_plan(json.dumps(definition()))
    assert plan is not None
    tracker = Tracker(plan)
    tracker.read([_entered(1, sm.step_state(1, sm.START_BAKE), 0), _entered(2, sm.step_state(1, controls.PAUSED), 30)])
    snapshot = tracker.snapshot("svc-v2", "RUNNING", {}, (START + timedelta(seconds=31)).timestamp())
    assert (snapshot.phase, snapshot.step, snapshot.bake_left_s) == (PAUSED, 1, None)
    tracker.read([_entered(3, sm.step_state(1, sm.COUNT), 60)])
    snapshot = tracker.snapshot("svc-v2", "RUNNING", {}, (START + timedelta(seconds=61)).timestamp())
    assert (snapshot.phase, snapshot.bake_left_s) == (BAKING, 29)  # 60 s of bake + one paused check
