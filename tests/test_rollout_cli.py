"""``bluegreen rollout`` and ``guard`` without AWS: refusals, the record file, and progress read off a history.

The runs against the emulator are in ``test_rollout_e2e.py``; these need no server.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from conftest import EXAMPLE, FIXTURES

from generator.cli import program as cli
from generator.cli import rollout_runner
from generator.core.errors import InvalidInput
from generator.core.messages import releasing as rel_msg
from generator.features.rollout import applied_plan, machine
from generator.features.rollout import messages as msg
from generator.features.rollout.applied_plan import Plan
from generator.features.rollout.declaration import Rollout
from generator.features.rollout.record import Outcome, read_records, write_record
from generator.model.stack import Deployment, Function, Stack
from generator.model.traffic import Traffic
from generator.releasing import rollout_watch
from generator.releasing.rollout_run import Executions
from generator.releasing.rollout_watch import (
    BAKING,
    ENDED,
    FINAL_BAKING,
    HOLDING,
    PROMOTING,
    ROLLING_BACK,
    SMOKE,
    Snapshot,
    Tracker,
    render,
)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def ship(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "rollout", tmp_path / "rollout")
    return tmp_path / "rollout" / "rollout.py"


def test_a_deployment_without_a_rollout_is_refused_with_exit_2(capsys, tmp_path):
    shutil.copytree(EXAMPLE.parent, tmp_path / "stacks")
    code, out, err = run(capsys, "rollout", tmp_path / "stacks/hello.py", "hello", "--out", tmp_path / "out")
    assert (code, out) == (2, "")
    assert err == f"error: hello/hello: {msg.deployment_has_no_rollout('hello')}\n"


def test_a_rollout_that_is_not_applied_is_refused_with_exit_2(capsys, ship, tmp_path):
    out = tmp_path / "out"
    code, _, err = run(capsys, "rollout", ship, "svc", "--out", out)
    assert code == 2
    assert err == f"error: ship/svc: {msg.rollout_must_be_applied(str(out / 'stacks' / 'ship'))}\n"
    assert "Traceback" not in err


def test_reason_needs_abort_and_abort_excludes_attach(capsys, ship, tmp_path):
    with pytest.raises(SystemExit) as exited:
        cli.main(["rollout", str(ship), "svc", "--abort", "--attach"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_guard_passes_when_nothing_is_applied(capsys, ship, tmp_path):
    code, out, _ = run(capsys, "guard", ship, "--out", tmp_path / "out")
    assert (code, out) == (0, "no rollout is running or waiting to be written: terraform apply may go ahead\n")


def test_help_documents_the_rollout_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "  4    rollout: rolled back (an alarm, an error rate, the smoke test, a failed\n" in text
    assert "call), also after promotion, inconclusive (too few invocations), aborted or not" in text
    assert "  5    rollout: someone changed the alias during the rollout; it was left" in text


# --- the record file ---------------------------------------------------------------------------


def _stack() -> Stack:
    function = Function(source="src", handler="app.handler", runtime="python3.12")
    return Stack(name="ship", region="us-east-1", deployments=[Deployment(name="a", function=function),
                                                                Deployment(name="b", function=function)])


def _outcome(name: str, result: str = "promoted") -> Outcome:
    return Outcome(execution=name, execution_arn=f"{MACHINE.replace(':stateMachine:', ':execution:')}:{name}",
                   result=result, reason=None, blue_version="1", green_version="2",
                   started="2026-11-29T05:00:00+00:00", ended="2026-11-29T05:01:00+00:00")


def test_the_record_keeps_each_deployments_last_outcome_in_stack_order(tmp_path):
    path = tmp_path / "ship.rollouts.json"
    write_record(path, _stack(), "b", _outcome("b-v2"))
    write_record(path, _stack(), "a", _outcome("a-v2"))
    write_record(path, _stack(), "b", _outcome("b-v3", "rolled back"))
    assert list(json.loads(path.read_text())) == ["a", "b"]
    assert read_records(path)["b"] == _outcome("b-v3", "rolled back")
    assert path.read_text().endswith("}\n")


def test_a_damaged_record_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "ship.rollouts.json"
    path.write_text('{"a": {"execution": "a-v2"}}')
    with pytest.raises(InvalidInput) as error:
        read_records(path)
    assert error.value.render() == f"{path}: {msg.record_must_have_the_shape(sorted(_outcome('x').__dict__))}"


# --- progress read off a history -----------------------------------------------------------------

PLAN = applied_plan.Plan(steps=(0.1, 0.5), bakes=(60, 60), check_every_s=10, alarm_names=("err",))
START = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)


def _entered(event_id: int, name: str, seconds: int) -> dict:
    return {"id": event_id, "type": "TaskStateEntered", "timestamp": START + timedelta(seconds=seconds),
            "stateEnteredEventDetails": {"name": name}}


def test_progress_follows_the_states_the_execution_entered():
    tracker = Tracker(PLAN)
    tracker.read([_entered(1, machine.READ_ALIAS, 0), _entered(2, machine.SMOKE_TEST, 1)])
    assert (tracker.phase, tracker.step, tracker.weight) == (SMOKE, 0, 0)
    tracker.read([_entered(3, machine.step_state(1, machine.SET_WEIGHT), 2),
                  _entered(4, machine.step_state(1, machine.START_BAKE), 3)])
    snapshot = tracker.snapshot("svc-v4", "RUNNING", {"err": "OK"}, (START + timedelta(seconds=13)).timestamp())
    assert snapshot == Snapshot("svc-v4", "RUNNING", BAKING, 1, 2, 0.1, 50, {"err": "OK"})
    assert render(snapshot) == "svc-v4: step 1/2, green 10%, baking, 50s left; alarms: err OK"
    tracker.read([_entered(5, machine.step_state(2, machine.START_BAKE), 70), _entered(6, machine.PROMOTE, 131)])
    assert (tracker.phase, tracker.step, tracker.weight) == (PROMOTING, 2, 0.5)
    done = tracker.snapshot("svc-v4", "SUCCEEDED", {}, START.timestamp())
    assert (done.phase, done.weight, done.bake_left_s) == (ENDED, 1.0, None)
    assert tracker.last_id == 6


def test_a_rollback_shows_weight_0_and_the_blue_the_execution_started_from():
    tracker = Tracker(PLAN)
    tracker.read([{"id": 1, "type": "PassStateExited", "stateExitedEventDetails": {
        "name": machine.START, "output": json.dumps({"blue": "3", "green": "4"})}},
        _entered(2, machine.step_state(1, machine.START_BAKE), 1), _entered(3, machine.ROLL_BACK, 5),
        _entered(4, machine.ROLLED_BACK, 6)])
    assert tracker.blue == "3"
    assert tracker.snapshot("svc-v4", "FAILED", {}, START.timestamp()).weight == 0


# --- the gates' readings, read off the history ------------------------------------------------------

GATED = Plan(steps=(0.1, 0.5), bakes=(60, 60), check_every_s=10, alarm_names=("err",), min_invocations=50,
             holds=(30, 30), final_bake_s=40, max_error_rate=0.01)


def _read(event_id: int, name: str, seconds: int, step: tuple[list, list], whole: tuple[list, list] | None = None) -> dict:
    """A check's GetMetricData state exited: its output carries the windows' readings as the
    state machine's ResultSelector leaves them (``[[12.0]]``, ``[[]]`` with no value)."""
    output: dict = {"blue": "3", "checks": {"n": 1}, "step_metrics": {"invocations": step[0], "error_rate": step[1]}}
    if whole is not None:
        output["rollout_metrics"] = {"invocations": whole[0], "error_rate": whole[1]}
    return {"id": event_id, "type": "TaskStateExited", "timestamp": START + timedelta(seconds=seconds),
            "stateExitedEventDetails": {"name": name, "output": json.dumps(output)}}


def _at(seconds: int) -> float:
    return (START + timedelta(seconds=seconds)).timestamp()


def test_progress_shows_the_invocations_and_error_rate_the_last_check_read():
    tracker = Tracker(GATED)
    tracker.read([_entered(1, machine.step_state(1, machine.SET_WEIGHT), 2),
                  _entered(2, machine.step_state(1, machine.START_BAKE), 3)])
    line = render(tracker.snapshot("svc-v4", "RUNNING", {"err": "OK"}, _at(4)))
    assert line == "svc-v4: step 1/2, green 10%, 0/50 invocations, error rate not judged yet (max 1%), baking, " \
        "59s left; alarms: err OK"
    # below min_invocations the state machine's rate is 0 by its expression: shown as not judged
    tracker.read([_read(3, machine.step_state(1, machine.READ_STEP), 13, ([[12.0]], [[0.0]]))])
    line = render(tracker.snapshot("svc-v4", "RUNNING", {"err": "OK"}, _at(14)))
    assert line == "svc-v4: step 1/2, green 10%, 12/50 invocations, error rate not judged yet (max 1%), baking, " \
        "49s left; alarms: err OK"
    tracker.read([_read(4, machine.step_state(1, machine.READ_STEP), 23, ([[250.0]], [[0.004]]), ([[12.0]], [[0.0]])),
                  _read(5, machine.step_state(1, machine.READ_ROLLOUT), 23, ([[250.0]], [[0.004]]),
                        ([[262.0]], [[0.0038]]))])
    snapshot = tracker.snapshot("svc-v4", "RUNNING", {"err": "OK"}, _at(24))
    assert (snapshot.invocations, snapshot.error_rate, snapshot.rollout_error_rate) == (250.0, 0.004, 0.0038)
    assert render(snapshot) == "svc-v4: step 1/2, green 10%, 250/50 invocations, error rate 0.4% (max 1%), " \
        "baking, 39s left; alarms: err OK"
    assert tracker.last_id == 5


def test_a_window_with_no_value_yet_shows_none_and_a_new_step_starts_from_nothing():
    tracker = Tracker(GATED)
    tracker.read([_entered(1, machine.step_state(1, machine.START_BAKE), 0),
                  _read(2, machine.step_state(1, machine.READ_STEP), 10, ([[80.0]], [[0.0]]))])
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(11)).invocations == 80.0
    tracker.read([_entered(3, machine.step_state(2, machine.START_BAKE), 60)])
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(61)).invocations is None  # step 2's window: nothing yet
    tracker.read([_read(4, machine.step_state(2, machine.READ_STEP), 70, ([[]], [[]]))])
    snapshot = tracker.snapshot("svc-v4", "RUNNING", {}, _at(71))
    assert (snapshot.invocations, snapshot.error_rate) == (None, None)
    assert ", 0/50 invocations, error rate not judged yet (max 1%), baking, 49s left" in render(snapshot)


def test_a_step_past_its_bake_shows_it_is_holding_for_traffic_with_the_holds_time_left():
    tracker = Tracker(GATED)
    tracker.read([_entered(1, machine.step_state(1, machine.START_BAKE), 0),
                  _read(2, machine.step_state(1, machine.READ_STEP), 60, ([[31.0]], [[0.0]]))])
    snapshot = tracker.snapshot("svc-v4", "RUNNING", {}, _at(65))
    assert (snapshot.phase, snapshot.bake_left_s) == (HOLDING, GATED.hold_of(1) - 5)
    assert render(snapshot) == "svc-v4: step 1/2, green 10%, 31/50 invocations, error rate not judged yet (max 1%), " \
        "holding for traffic, 25s left; alarms: "
    # with no traffic required, a step never holds
    free = Tracker(dataclasses.replace(GATED, min_invocations=0, holds=(0, 0)))
    free.read([_entered(1, machine.step_state(1, machine.START_BAKE), 0)])
    assert free.snapshot("svc-v4", "RUNNING", {}, _at(65)).phase == BAKING


def test_the_final_bake_shows_green_at_100_and_its_own_readings():
    tracker = Tracker(GATED)
    tracker.read([_entered(1, machine.step_state(2, machine.START_BAKE), 0),
                  _read(2, machine.step_state(2, machine.READ_STEP), 60, ([[90.0]], [[0.002]])),
                  _entered(3, machine.PROMOTE, 61), _entered(4, machine.final_state(machine.START_BAKE), 62)])
    snapshot = tracker.snapshot("svc-v4", "RUNNING", {"err": "OK"}, _at(62))
    assert (snapshot.phase, snapshot.step, snapshot.weight, snapshot.invocations) == (FINAL_BAKING, 2, 1.0, None)
    tracker.read([_read(5, machine.final_state(machine.READ_STEP), 72, ([[70.0]], [[0.0]])),
                  _read(6, machine.final_state(machine.READ_ROLLOUT), 72, ([[70.0]], [[0.0]]), ([[400.0]], [[0.001]]))])
    snapshot = tracker.snapshot("svc-v4", "RUNNING", {"err": "OK"}, _at(80))
    assert render(snapshot) == "svc-v4: step 2/2, green 100%, 70 invocations, error rate 0% (max 1%), final bake, " \
        "22s left; alarms: err OK"
    assert snapshot.rollout_error_rate == 0.001
    # past the final bake there is no hold: the time left stops at 0
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(200)).phase == FINAL_BAKING


def test_each_step_counts_down_its_own_bake_and_hold():
    tracker = Tracker(dataclasses.replace(GATED, bakes=(600, 60), holds=(90, 30)))
    tracker.read([_entered(1, machine.step_state(1, machine.START_BAKE), 0)])
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(10)).bake_left_s == 590
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(610)).bake_left_s == 80  # holding: step 1's 90 s
    tracker.read([_entered(2, machine.step_state(2, machine.START_BAKE), 700)])
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(710)).bake_left_s == 50


ONCE = Plan(steps=(), bakes=(), check_every_s=10, alarm_names=("err",), min_invocations=50, final_bake_s=40,
            max_error_rate=0.01, final_hold_s=20)


def test_all_at_once_shows_the_final_bake_counting_toward_min_invocations_then_holding():
    tracker = Tracker(ONCE)
    tracker.read([_entered(1, machine.PROMOTE, 0), _entered(2, machine.final_state(machine.START_BAKE), 1),
                  _read(3, machine.final_state(machine.READ_STEP), 11, ([[12.0]], [[0.0]]))])
    assert render(tracker.snapshot("svc-v4", "RUNNING", {}, _at(12))) == \
        "svc-v4: all at once, green 100%, 12/50 invocations, error rate not judged yet (max 1%), final bake, " \
        "29s left; alarms: "
    assert render(tracker.snapshot("svc-v4", "RUNNING", {}, _at(51))).endswith("holding for traffic, 10s left; alarms: ")
    tracker.read([_entered(4, machine.ROLL_BACK_PROMOTION, 62), _entered(5, machine.ROLLED_BACK_PROMOTION, 63)])
    assert render(tracker.snapshot("svc-v4", "FAILED", {}, _at(64))) == "svc-v4: all at once, green 0%, failed; alarms: "


@pytest.mark.parametrize("rolling_back, ended", [(machine.INCONCLUSIVE, machine.INCONCLUSIVE_END),
                                                 (machine.ROLL_BACK_PROMOTION, machine.ROLLED_BACK_PROMOTION)])
def test_an_inconclusive_rollout_or_one_rolled_back_after_promotion_ends_at_weight_0(rolling_back, ended):
    tracker = Tracker(GATED)
    tracker.read([_entered(1, machine.step_state(1, machine.START_BAKE), 0),
                  _read(2, machine.step_state(1, machine.READ_STEP), 90, ([[3.0]], [[0.0]]))])
    if ended == machine.ROLLED_BACK_PROMOTION:
        tracker.read([_entered(3, machine.final_state(machine.START_BAKE), 100)])
        assert tracker.weight == 1.0
    tracker.read([_entered(4, rolling_back, 101)])
    assert tracker.snapshot("svc-v4", "RUNNING", {}, _at(101)).phase == ROLLING_BACK
    tracker.read([_entered(5, ended, 102)])
    snapshot = tracker.snapshot("svc-v4", "FAILED", {}, _at(103))
    assert (snapshot.phase, snapshot.weight) == (ENDED, 0)
    step = 1 if ended == machine.INCONCLUSIVE_END else 2
    assert render(snapshot) == f"svc-v4: step {step}/2, green 0%, failed; alarms: "


def test_a_state_machine_applied_before_the_gates_shows_no_invocations():
    # Its definition reads no metrics (read_plan: min_invocations None), so there is nothing to show.
    tracker = Tracker(PLAN)
    tracker.read([_entered(1, machine.step_state(1, machine.START_BAKE), 0),
                  _read(2, machine.step_state(1, machine.READ_STEP), 10, ([[12.0]], [[0.0]]))])
    assert render(tracker.snapshot("svc-v4", "RUNNING", {}, _at(11))) == \
        "svc-v4: step 1/2, green 10%, baking, 49s left; alarms: "


def test_status_and_guard_read_no_aws_while_nothing_is_applied_and_say_why_they_cannot(capsys, ship, tmp_path,
                                                                                      monkeypatch):
    monkeypatch.chdir(ship.parent)
    code, out, _ = run(capsys, "status", ship, "--local")  # no emulator: nothing applied, nothing asked
    assert code == 0 and "rollout" not in out and out.startswith("ship/svc: unpinned (traffic file)")
    stack_dir = ship.parent / ".bluegreen/local/out/stacks/ship"
    stack_dir.mkdir(parents=True)
    _apply(stack_dir)
    code, out, _ = run(capsys, "status", ship, "--local")  # applied, and no emulator to ask: a note
    assert code == 0
    assert "  note: the rollout's state could not be read: --local: no emulator is running" in out, out
    code, _, err = run(capsys, "guard", ship, "--local")  # the guard can't say, so it refuses
    assert code == 2 and "--local: no emulator is running" in err


def _resource(kind: str, name: str, attributes: dict) -> dict:
    return {"mode": "managed", "type": kind, "name": name, "instances": [{"attributes": attributes}]}


MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:ship-svc-rollout"
APPLIED = Plan(steps=(0.1, 0.5), bakes=(2, 2), check_every_s=1, alarm_names=("ship-svc-live-green-error-rate",))


def _apply(stack_dir: Path, serving: str = "1", newest: str = "2", machine_applied: bool = True) -> None:
    """A state as ``terraform apply`` leaves it: the alias on ``serving``, ``newest`` published, and
    (``machine_applied``) the rollout state machine of ``APPLIED``'s steps and alarms."""
    stack_dir.mkdir(parents=True, exist_ok=True)
    rollout = Rollout(steps=APPLIED.steps, bake_s=APPLIED.bake_of(1), check_every_s=APPLIED.check_every_s,
                      max_error_rate=0.01)
    definition = machine.definition("ship-svc", "live", newest, list(APPLIED.alarm_names), rollout)
    outputs = {"svc_applied_traffic": {"value": {"blue_version": serving, "green_version": None, "green_weight": 0}}}
    resources = [_resource("aws_lambda_alias", "svc", {"function_version": serving, "routing_config": []}),
                 _resource("aws_lambda_function", "svc", {"version": newest})]
    if machine_applied:
        outputs["svc_rollout_state_machine_arn"] = {"value": MACHINE}
        resources.append(_resource("aws_sfn_state_machine", "svc_rollout", {"arn": MACHINE,
                                                                           "definition": json.dumps(definition)}))
    (stack_dir / "terraform.tfstate").write_text(json.dumps({"version": 4, "outputs": outputs,
                                                             "resources": resources}))


def test_guard_still_checks_a_rollout_removed_from_the_stack_file_while_it_is_applied(capsys, ship, monkeypatch):
    # The apply would destroy its state machine under a running execution, so the guard asks.
    monkeypatch.chdir(ship.parent)
    text = ship.read_text()
    ship.write_text(text[:text.index("                rollout=Rollout(")] + "            ),\n        ],\n    )\n]\n")
    assert "rollout=" not in ship.read_text()
    stack_dir = ship.parent / ".bluegreen/local/out/stacks/ship"
    _apply(stack_dir, machine_applied=False)
    assert run(capsys, "guard", ship, "--local")[0] == 0  # no state machine applied: nothing to ask
    _apply(stack_dir)
    code, _, err = run(capsys, "guard", ship, "--local")  # applied: it must ask, and can't
    assert code == 2 and "--local: no emulator is running" in err


# --- against a scripted Step Functions and Lambda ---------------------------------------------------
# The emulator runs are in test_rollout_e2e.py; these script the answers an execution gives, to
# show what the CLI does with each, fast.

STARTED_AT = datetime(2026, 11, 29, 5, 0, 7, tzinfo=UTC)


class ScriptedAws:
    """``Executions`` as the test scripts it: the latest execution's descriptions (one per
    DescribeExecution, the last repeated), its history, and what the alias serves."""

    def __init__(self, statuses: list[str], history: list[dict], serving: Traffic, started: datetime = STARTED_AT):
        self.descriptions = [{"executionArn": f"{MACHINE.replace(':stateMachine:', ':execution:')}:svc-v2",
                              "name": "svc-v2", "status": status, "startDate": started,
                              **({} if status == "RUNNING" else {"stopDate": started + timedelta(seconds=9)})}
                             for status in statuses]
        self.events, self.serving, self.calls = history, serving, []
        self.rollout = None

    def install(self, monkeypatch) -> ScriptedAws:
        def executions(rollout, access):
            self.rollout = rollout
            return self
        monkeypatch.setattr(rollout_runner, "Executions", executions)
        monkeypatch.setattr(rollout_watch, "Executions", executions)
        return self

    def current(self):
        return (1, self.descriptions[0]) if self.descriptions else None

    def client(self, service):
        return NoControl()  # the controls' parameter (status reads it for a running rollout): none was written

    def call(self, operation, call, quiet=()):
        return Executions.call(self, operation, call, quiet)  # AWS's answers mapped as the real one maps them

    def describe(self, arn):
        return self.descriptions.pop(0) if len(self.descriptions) > 1 else self.descriptions[0]

    def history(self, arn, after_id):
        return [e for e in self.events if e["id"] > after_id]

    def alarm_states(self):
        return {name: "OK" for name in self.rollout.alarm_names}

    def served(self):
        return self.serving

    def stop(self, arn, reason):
        self.calls.append(("stop", reason))

    def serve_blue(self, blue):
        self.calls.append(("serve_blue", blue))


class NoControl:
    def get_parameter(self, Name):
        raise ClientError({"Error": {"Code": "ParameterNotFound", "Message": f"{Name} not found"}}, "GetParameter")


def _started_from(blue: str, green: str) -> dict:
    return {"id": 1, "type": "PassStateExited", "stateExitedEventDetails": {
        "name": machine.START, "output": json.dumps({"blue": blue, "green": green})}}


def _without_rollout(ship: Path) -> None:
    text = ship.read_text()
    ship.write_text(text[:text.index("                rollout=Rollout(")] + "            ),\n        ],\n    )\n]\n")


def _record(ship: Path) -> dict:
    return json.loads((ship.parent / "ship.rollouts.json").read_text())["svc"]


def test_progress_counts_the_applied_state_machines_steps_not_the_stack_files(capsys, ship, tmp_path, monkeypatch):
    assert applied_plan.read_plan(json.dumps(machine.definition("f", "live", "2", ["a", "b"], Rollout(
        steps=(0.05, 0.2, 0.6), bake_s=30, check_every_s=10, max_error_rate=0.1)))) == \
        Plan((0.05, 0.2, 0.6), (30, 30, 30), 10, ("a", "b"), min_invocations=50, holds=(30, 30, 30), final_bake_s=30,
             max_error_rate=0.1)
    assert applied_plan.read_plan("{}") is None and applied_plan.read_plan(None) is None
    # Applied with two steps; the stack file has one step since (not applied yet).
    ship.write_text(ship.read_text().replace("steps=(0.1, 0.5)", "steps=(0.25,)"))
    _apply(tmp_path / "out/stacks/ship")
    ScriptedAws(["RUNNING"], [_started_from("1", "2"), _entered(2, machine.step_state(1, machine.START_BAKE), 1),
                              _entered(3, machine.step_state(2, machine.START_BAKE), 3)],
                Traffic("1", "2", 0.5)).install(monkeypatch)
    code, out, _ = run(capsys, "guard", ship, "--out", tmp_path / "out")
    assert code == 1
    assert out.startswith("ship/svc: running: svc-v2: step 2/2, green 50%, 0/50 invocations"), out
    assert "alarms: ship-svc-live-green-error-rate OK;" in out  # the applied alarms, read off the definition


def test_a_rollout_removed_from_the_stack_file_can_still_be_seen_attached_and_aborted(capsys, ship, tmp_path,
                                                                                     monkeypatch):
    out = tmp_path / "out"
    _without_rollout(ship)
    _apply(out / "stacks/ship")
    history = [_started_from("1", "2"), _entered(2, machine.step_state(1, machine.START_BAKE), 1)]
    ScriptedAws(["RUNNING"], history, Traffic("1", "2", 0.1)).install(monkeypatch)
    code, shown, _ = run(capsys, "status", ship, "--out", out)
    assert code == 0
    assert "  rollout running: svc-v2: step 1/2, green 10%, 0/50 invocations" in shown, shown
    assert "(no longer in the stack file, still applied)" in shown
    code, shown, err = run(capsys, "guard", ship, "--out", out)
    assert code == 1 and msg.WAIT_OR_ABORT in shown and err == f"{msg.rollouts_block_apply(1)}\n"

    aws = ScriptedAws(["RUNNING", "ABORTED"], history, Traffic("1", None, 0)).install(monkeypatch)
    code, shown, err = run(capsys, "rollout", ship, "svc", "--out", out, "--abort", "--reason", "gone")
    assert code == 4, shown + err
    assert ("serve_blue", "1") in aws.calls and aws.calls[0][0] == "stop"
    assert "ship/svc: aborted: gone" in shown
    assert json.loads((ship.parent / "ship.traffic.json").read_text())["svc"] == {
        "blue_version": "1", "green_version": None, "green_weight": 0}

    ScriptedAws(["RUNNING", "SUCCEEDED"], history, Traffic("2", None, 0)).install(monkeypatch)
    code, shown, err = run(capsys, "rollout", ship, "svc", "--out", out, "--attach")
    assert code == 0, shown + err
    assert "ship/svc: attached svc-v2" in shown and "ship/svc: promoted\n" in shown
    assert _record(ship)["result"] == "promoted"
    # Starting one still needs the rollout in the stack file.
    code, _, err = run(capsys, "rollout", ship, "svc", "--out", out)
    assert code == 2 and msg.deployment_has_no_rollout("svc") in err


def test_a_record_is_trusted_only_for_the_ended_execution_of_that_arn_and_start(capsys, ship, tmp_path,
                                                                               monkeypatch):
    out = tmp_path / "out"
    _apply(out / "stacks/ship")
    history = [_started_from("1", "2"), _entered(2, machine.step_state(1, machine.START_BAKE), 1)]
    arn = f"{MACHINE.replace(':stateMachine:', ':execution:')}:svc-v2"
    record = ship.parent / "ship.rollouts.json"
    forged = {"svc": {**_outcome("svc-v2").__dict__, "execution_arn": arn,
                      "started": STARTED_AT.isoformat(timespec="seconds")}}
    # Named as promoted while it runs at 10%: followed to its real end, then written.
    record.write_text(json.dumps(forged))
    ScriptedAws(["RUNNING", "FAILED"], history, Traffic("1", None, 0)).install(monkeypatch)
    code, shown, err = run(capsys, "rollout", ship, "svc", "--out", out, "--attach")
    assert code == 3 and "nothing changed" not in shown, shown + err  # failed: no error named
    assert _record(ship)["result"] == "failed"

    # The same name and ARN, ended, but started later: a stack destroyed and created again.
    record.write_text(json.dumps(forged))
    later = STARTED_AT + timedelta(days=3)
    ScriptedAws(["SUCCEEDED"], history, Traffic("2", None, 0), started=later).install(monkeypatch)
    code, shown, _ = run(capsys, "guard", ship, "--out", out)
    assert code == 1 and "svc-v2 ended (succeeded) but its outcome is not in the traffic file" in shown, shown
    code, shown, _ = run(capsys, "rollout", ship, "svc", "--out", out, "--attach")
    assert code == 0 and "ship/svc: promoted\nwrote " in shown, shown
    assert _record(ship)["started"] == later.isoformat(timespec="seconds")

    # That very execution, ended and recorded: reported, nothing written.
    before = record.read_bytes()
    ScriptedAws(["SUCCEEDED"], history, Traffic("2", None, 0), started=later).install(monkeypatch)
    code, shown, _ = run(capsys, "rollout", ship, "svc", "--out", out, "--attach")
    assert code == 0 and "; nothing changed" in shown and record.read_bytes() == before

    # A record of the release before the ARN was kept: still read, its name and start time
    # standing in for the ARN, so an upgrade neither breaks guard nor settles an outcome again.
    legacy = {"svc": {k: v for k, v in json.loads(before)["svc"].items() if k != "execution_arn"}}
    record.write_text(json.dumps(legacy))
    ScriptedAws(["SUCCEEDED"], history, Traffic("2", None, 0), started=later).install(monkeypatch)
    assert run(capsys, "guard", ship, "--out", out)[0] == 0
    code, shown, _ = run(capsys, "rollout", ship, "svc", "--out", out, "--attach")
    assert code == 0 and "; nothing changed" in shown, shown
    ScriptedAws(["SUCCEEDED"], history, Traffic("2", None, 0), started=later + timedelta(days=1)).install(monkeypatch)
    code, shown, _ = run(capsys, "guard", ship, "--out", out)
    assert code == 1 and "but its outcome is not in the traffic file" in shown, shown


def test_status_after_a_rollout_says_what_the_alias_serves_and_that_an_apply_records_it(capsys, ship, tmp_path,
                                                                                       monkeypatch):
    out = tmp_path / "out"
    _apply(out / "stacks/ship")  # the state still has the alias on v1
    history = [_started_from("1", "2")]
    ScriptedAws(["SUCCEEDED"], history, Traffic("2", None, 0)).install(monkeypatch)
    assert run(capsys, "rollout", ship, "svc", "--out", out, "--attach")[0] == 0  # writes the outcome
    code, shown, _ = run(capsys, "status", ship, "--out", out)
    assert code == 0
    lines = shown.splitlines()
    assert lines[0] == "ship/svc: stable (alias), blue v2, no green, green weight 0, newest v2", shown
    note = rel_msg.alias_serves_since_the_rollout("blue v2, green weight 0", "blue v1, green weight 0", written=True)
    assert f"  note: {note}" in lines
    # Once an apply has recorded it, the state says it again, and the note goes.
    _apply(out / "stacks/ship", serving="2")
    code, shown, _ = run(capsys, "status", ship, "--out", out)
    assert shown.startswith("ship/svc: stable (applied), blue v2, no green, green weight 0, newest v2\n"), shown
    assert "since the rollout" not in shown
