"""``bluegreen rollout`` and ``guard`` without AWS: refusals, the record file, and progress read off a history.

The runs against the emulator are in ``test_rollout_e2e.py``; these need no server.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import EXAMPLE, FIXTURES

from generator.cli import program as cli
from generator.core.errors import InvalidInput
from generator.core.messages import rollout as msg
from generator.model import rollout_machine as machine
from generator.model.rollout import Rollout
from generator.model.rollout_record import Outcome, read_records, write_record
from generator.model.stack import Deployment, Function, Stack
from generator.releasing.rollout_watch import BAKING, ENDED, PROMOTING, SMOKE, Snapshot, Tracker, render


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
    assert "  4    rollout: rolled back (an alarm, the smoke test, a failed call)," in text
    assert "  5    rollout: someone changed the alias during the rollout; it was left" in text


# --- the record file ---------------------------------------------------------------------------


def _stack() -> Stack:
    function = Function(source="src", handler="app.handler", runtime="python3.12")
    return Stack(name="ship", region="us-east-1", deployments=[Deployment(name="a", function=function),
                                                                Deployment(name="b", function=function)])


def _outcome(name: str, result: str = "promoted") -> Outcome:
    return Outcome(execution=name, result=result, reason=None, blue_version="1", green_version="2",
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

PLAN = Rollout(steps=(0.1, 0.5), bake_s=60, check_every_s=10, max_error_rate=0.01, smoke_event={})
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


def test_status_and_guard_read_no_aws_while_nothing_is_applied_and_say_why_they_cannot(capsys, ship, tmp_path,
                                                                                      monkeypatch):
    monkeypatch.chdir(ship.parent)
    code, out, _ = run(capsys, "status", ship, "--local")  # no emulator: nothing applied, nothing asked
    assert code == 0 and "rollout" not in out and out.startswith("ship/svc: unpinned (traffic file)")
    stack_dir = ship.parent / ".bluegreen/local/out/stacks/ship"
    stack_dir.mkdir(parents=True)
    state = {"version": 4, "outputs": {"svc_rollout_state_machine_arn": {
        "value": "arn:aws:states:us-east-1:123456789012:stateMachine:ship-svc-rollout"}},
        "resources": [_resource("aws_lambda_alias", "svc", {"function_version": "1", "routing_config": []}),
                      _resource("aws_lambda_function", "svc", {"version": "2"})]}
    (stack_dir / "terraform.tfstate").write_text(json.dumps(state))
    code, out, _ = run(capsys, "status", ship, "--local")  # applied, and no emulator to ask: a note
    assert code == 0
    assert "  note: the rollout's state could not be read: --local: no emulator is running" in out, out
    code, _, err = run(capsys, "guard", ship, "--local")  # the guard can't say, so it refuses
    assert code == 2 and "--local: no emulator is running" in err


def _resource(kind: str, name: str, attributes: dict) -> dict:
    return {"mode": "managed", "type": kind, "name": name, "instances": [{"attributes": attributes}]}


def test_guard_still_checks_a_rollout_removed_from_the_stack_file_while_it_is_applied(capsys, ship, monkeypatch):
    # The apply would destroy its state machine under a running execution, so the guard asks.
    monkeypatch.chdir(ship.parent)
    text = ship.read_text()
    ship.write_text(text[:text.index("                rollout=Rollout(")] + "            ),\n        ],\n    )\n]\n")
    assert "rollout=" not in ship.read_text()
    stack_dir = ship.parent / ".bluegreen/local/out/stacks/ship"
    stack_dir.mkdir(parents=True)
    state = {"version": 4, "outputs": {}, "resources": [
        _resource("aws_lambda_alias", "svc", {"function_version": "1", "routing_config": []}),
        _resource("aws_lambda_function", "svc", {"version": "2"})]}
    (stack_dir / "terraform.tfstate").write_text(json.dumps(state))
    assert run(capsys, "guard", ship, "--local")[0] == 0  # no state machine applied: nothing to ask
    state["outputs"] = {"svc_rollout_state_machine_arn": {
        "value": "arn:aws:states:us-east-1:123456789012:stateMachine:ship-svc-rollout"}}
    (stack_dir / "terraform.tfstate").write_text(json.dumps(state))
    code, _, err = run(capsys, "guard", ship, "--local")  # applied: it must ask, and can't
    assert code == 2 and "--local: no emulator is running" in err
