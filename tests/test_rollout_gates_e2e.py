"""The rollout's gates end to end on the emulator, through ``bluegreen rollout ship.py svc --local``.

A stack tuned for the emulator (``metric_delay_s=0``, a function timeout of one second, bakes of
two seconds checked every second, held up to four more for traffic, a final bake of four) with
the default ``min_invocations`` (50). The emulator publishes Lambda's metrics only for the invokes it
runs, and too few for 50 in a two-second step: the tests write green's invocations and errors to
CloudWatch (``test_rollout_e2e.Traffic``), or write none; the last test gates on real invokes. Each
scenario checks the exit status, the record's result and reason, what the alias serves
(GetAlias) and that the traffic file says the same (Git equal to AWS). Injected Lambda faults
(``generator.local.faults``) prove the state machine's retries. Rollouts of one green version
follow each other with ``--retry``; a test publishes a new version only when the newest is
already blue.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from test_rollout_e2e import BIN, GREEN_ALARM, Project, _baking, _events

from generator.features.rollout import machine
from generator.features.rollout import messages as msg
from generator.features.rollout.declaration import METRIC_DELAY_S_AWS_MIN
from generator.features.rollout.record import INCONCLUSIVE, PROMOTED, ROLLED_BACK, ROLLED_BACK_AFTER_PROMOTION
from generator.local.faults import FAULTS_PATH

pytestmark = pytest.mark.terraform
ROLLOUT = ('Rollout(steps=(0.1, 0.5), bake_s={bake}, check_every_s=1, max_error_rate=0.01, '
           'smoke_event={{"path": "/health"}}, metric_delay_s={delay}, max_hold_s={hold}, final_bake_s={final}, '
           'min_invocations={least})')
STACK = '''
from generator import Deployment, Function, Rollout, Stack

STACKS = [Stack(name="ship", region="us-east-1", deployments=[Deployment(
    name="svc", function=Function(source="src", handler="app.handler", runtime="python3.12", timeout_s={timeout}),
    rollout={rollout})])]
'''


def stack(bake: int = 2, delay: int = 0, hold: int = 4, final: int = 4, timeout: int = 1, least: int = 50) -> str:
    return STACK.format(timeout=timeout, rollout=ROLLOUT.format(bake=bake, delay=delay, hold=hold, final=final,
                                                                least=least))


@pytest.fixture(scope="module")
def ship(terraform_env, tmp_path_factory):
    root = tmp_path_factory.mktemp("gates")
    (root / "src").mkdir()
    (root / "ship.py").write_text(stack())
    env = {k: v for k, v in terraform_env.items() if k != "TF_CLI_CONFIG_FILE"}
    env.pop("AWS_PROFILE", None)
    project = Project(root, env)
    try:
        project.publish()  # up --local accepts metric_delay_s=0
        assert project.run("promote", "ship.py", "svc", "--local").returncode == 0
        yield project
    finally:
        project.run("down")


def green_of(project: Project) -> str:
    """The version to roll out: the newest, published anew once it is blue."""
    newest = project.newest()
    return project.publish() if newest == project.committed()["blue_version"] else newest


def rollout(project: Project) -> tuple[int, list[dict]]:
    """A rollout followed to its end with ``--json``: its exit status and events."""
    result = project.run("rollout", "ship.py", "svc", "--local", "--json", "--retry")
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()]


def ended(project: Project, events: list[dict], result: str, blue: str) -> dict:
    """The recorded outcome, checked: ``result``, and blue alone on the alias and in the traffic file."""
    assert events[-1]["event"] == "ended" and events[-1]["result"] == result, events[-1]
    outcome = project.outcome()
    assert outcome["result"] == result, outcome
    assert project.alias() == (blue, {})
    assert project.committed() == {"blue_version": blue, "green_version": None, "green_weight": 0}
    return outcome


def history(project: Project, execution: str) -> list[dict]:
    arn = f"arn:aws:states:us-east-1:123456789012:execution:ship-svc-rollout:{execution}"
    return project.aws("stepfunctions").get_execution_history(executionArn=arn, maxResults=1000)["events"]


def entered(events: list[dict]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]


def task_results(events: list[dict], state: str) -> list[str]:
    """How each attempt of the task ``state`` ended: its error, or ``succeeded``."""
    results, current = [], None
    for event in events:
        if event["type"].endswith("StateEntered"):
            current = event["stateEnteredEventDetails"]["name"]
        elif current == state and event["type"] == "TaskFailed":
            results.append(event["taskFailedEventDetails"]["error"])
        elif current == state and event["type"] == "TaskSucceeded":
            results.append("succeeded")
    return results


def inject(project: Project, operation: str, code: str, status: int) -> None:
    fault = {"operation": operation, "function_name": "ship-svc", "code": code, "status": status}
    request = urllib.request.Request(project.endpoint + FAULTS_PATH, data=json.dumps(fault).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def test_synth_for_aws_refuses_the_emulators_metric_delay_and_local_accepts_it(ship):
    # The fixture's up --local applied this very stack file; a synthesis for AWS refuses it.
    before = project_files(ship.root)
    shown = f"ship.svc.rollout.metric_delay_s: {msg.metric_delay_is_for_the_emulator(METRIC_DELAY_S_AWS_MIN, 0)}"
    for check in ((), ("--check",)):
        refused = ship.run("synth", "ship.py", *check)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert shown in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
        assert project_files(ship.root) == before  # nothing written (no cdktf.out)
    local = ship.run("synth", "ship.py", "--local")
    assert local.returncode == 0, local.stdout + local.stderr


def project_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".bluegreen" not in p.parts)


@pytest.mark.parametrize(("delay", "timeout", "bake", "local"), [(0, 3, 2, True), (60, 5, 60, False)])
def test_a_bake_shorter_than_metric_delay_plus_timeout_is_refused(tmp_path, terraform_env, delay, timeout, bake,
                                                                  local):
    (tmp_path / "src").mkdir()
    (tmp_path / "ship.py").write_text(stack(bake=bake, delay=delay, final=2 * bake, timeout=timeout))
    env = {k: v for k, v in terraform_env.items() if k != "TF_CLI_CONFIG_FILE"}
    command = ["up", "ship.py", "--local"] if local else ["synth", "ship.py"]
    refused = subprocess.run([str(BIN / "bluegreen"), *command], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=300)
    if refused.returncode != 2 and local:  # an emulator it may have started
        subprocess.run([str(BIN / "bluegreen"), "down"], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    expected = f"ship.svc.rollout.bake_s: {msg.bake_must_outlast_metrics('bake_s', delay, timeout, bake)}"
    assert expected in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    assert "final_bake_s" not in refused.stderr  # long enough: only bake_s is named
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ship.py", "src"]  # nothing written, no emulator


def test_no_invocations_end_the_rollout_inconclusive_with_blue_alone(ship):
    blue, green = ship.committed()["blue_version"], green_of(ship)
    status, events = rollout(ship)
    assert status == 4, events
    assert any(e.get("phase") == "holding for traffic" for e in events), events
    outcome = ended(ship, events, INCONCLUSIVE, blue)
    assert outcome["reason"] == (f"Version {green} served 0 of 50 invocations required in step 1, holding it 4 s "
                                 "past its bake: not enough traffic to judge."), outcome


def test_a_smoke_test_failing_once_with_a_service_error_is_retried_and_passes(ship):
    blue, green = ship.committed()["blue_version"], green_of(ship)
    inject(ship, "Invoke", "ServiceException", 500)
    status, events = rollout(ship)
    # Past the smoke test, step 1 bakes; with no traffic written it then ends inconclusive.
    assert status == 4 and any(_baking(1)(e) for e in events), events
    assert ended(ship, events, INCONCLUSIVE, blue)["green_version"] == green
    steps = history(ship, events[0]["execution"])
    assert task_results(steps, machine.SMOKE_TEST) == ["Lambda.ServiceException", "succeeded"]
    assert machine.SMOKE_FAILED not in entered(steps)


def test_an_error_rate_over_the_step_rolls_back_though_the_latest_writes_are_clean(ship):
    blue, green = ship.committed()["blue_version"], green_of(ship)
    # A trickle of clean invocations, too few to pass the step alone: it bakes, and would hold for
    # traffic. (Written as soon as step 1 bakes: its bake and hold leave six seconds for the next
    # check to read them, on a busy machine too.)
    with ship.writing(green, invocations=1) as writer:
        process = ship.start("--retry")
        execution = _events(process, lambda e: e["event"] == "started")[-1]["execution"]
        _events(process, _baking(1))
        # Then 10 failed of 100, counted late and stamped early in the step, as CloudWatch
        # stamps an invocation when it ran; every write since is clean.
        bake = next(e for e in history(ship, execution) if e["type"] == "PassStateEntered" and
                    e["stateEnteredEventDetails"]["name"] == machine.step_state(1, machine.START_BAKE))
        writer.write(100, 10, at=bake["timestamp"])
        assert process.wait(timeout=60) == 4
    events = [json.loads(line) for line in process.stdout.read().splitlines()] if process.stdout else []
    outcome = ended(ship, events, ROLLED_BACK, blue)
    assert machine.step_state(1, machine.STEP_RATE_HIGH) in entered(history(ship, execution))
    # The rate over the step: the early errors over every invocation of it, the clean ones too.
    found = re.fullmatch(rf"The error rate of version {green} over step 1 was ([0-9.]+) with ([0-9.]+) "
                         r"invocations, above max_error_rate 0\.01\.", outcome["reason"])
    assert found, outcome
    rate, invocations = float(found[1]), float(found[2])
    assert invocations > 100 and rate == pytest.approx(10 / invocations), outcome


def test_an_update_alias_conflict_mid_rollout_is_retried_and_the_rollout_promotes(ship):
    blue, green = ship.committed()["blue_version"], green_of(ship)
    with ship.writing(green):
        process = ship.start("--retry")
        execution = _events(process, lambda e: e["event"] == "started")[-1]["execution"]
        _events(process, _baking(1))
        inject(ship, "UpdateAlias", "ResourceConflictException", 409)  # step 2's weight, the next change
        assert process.wait(timeout=90) == 0
    assert ship.outcome()["result"] == PROMOTED and ship.outcome()["blue_version"] == blue
    assert ship.alias() == (green, {})
    assert ship.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}
    steps = history(ship, execution)
    assert task_results(steps, machine.step_state(2, machine.SET_WEIGHT)) == \
        ["Lambda.ResourceConflictException", "succeeded"]
    assert not {machine.INTERFERED, machine.ROLL_BACK} & set(entered(steps))


def test_an_alarm_in_the_final_bake_puts_the_old_blue_back(ship):
    blue, green = ship.committed()["blue_version"], green_of(ship)
    with ship.writing(green):
        process = ship.start("--retry")
        try:
            _events(process, lambda e: e.get("phase") == "final bake")
            assert ship.alias() == (green, {})  # promoted, still judged
            ship.set_alarm(GREEN_ALARM, "ALARM")
            assert process.wait(timeout=60) == 4
        finally:
            ship.set_alarm(GREEN_ALARM, "OK")
    events = [json.loads(line) for line in process.stdout.read().splitlines()] if process.stdout else []
    outcome = ended(ship, events, ROLLED_BACK_AFTER_PROMOTION, blue)
    assert outcome["reason"] == f"Alarm {GREEN_ALARM} is in ALARM (the final bake, after promotion).", outcome
    assert (outcome["blue_version"], outcome["green_version"]) == (blue, green)


# All at once (docs/rollouts.md#all-at-once): the smoke test, then 100%, then a final bake of four
# seconds held up to four more for 50 invocations.
ALL_AT_ONCE = ('Rollout(steps=(), check_every_s=1, max_error_rate=0.01, smoke_event={"path": "/health"}, '
               'metric_delay_s=0, final_bake_s=4, max_hold_s=4)')


def test_all_at_once_puts_the_old_blue_back_on_a_gate_and_promotes_once_its_final_bake_passes(ship):
    """One green version, twice: an alarm in its final bake puts the old blue back, then a retry
    with enough traffic promotes it. Neither ever sets a weight between 0 and 100%."""
    (ship.root / "ship.py").write_text(STACK.format(timeout=1, rollout=ALL_AT_ONCE))
    blue, green = ship.committed()["blue_version"], ship.publish()  # applies the all-at-once state machine too
    with ship.writing(green):
        process = ship.start("--retry")
        try:
            events = _events(process, lambda e: e.get("phase") == "final bake")
            assert ship.alias() == (green, {})  # promoted at once, still judged
            ship.set_alarm(GREEN_ALARM, "ALARM")
            assert process.wait(timeout=60) == 4
        finally:
            ship.set_alarm(GREEN_ALARM, "OK")
    events += [json.loads(line) for line in process.stdout.read().splitlines()] if process.stdout else []
    outcome = ended(ship, events, ROLLED_BACK_AFTER_PROMOTION, blue)
    assert outcome["reason"] == f"Alarm {GREEN_ALARM} is in ALARM (the final bake, after promotion).", outcome
    states = entered(history(ship, events[0]["execution"]))
    assert states.index(machine.SMOKE_TEST) < states.index(machine.PROMOTE) < \
        states.index(machine.final_state(machine.START_BAKE))
    assert not [name for name in states if name.startswith("Step ")]  # no step, no weight on the way

    with ship.writing(green):
        status, events = rollout(ship)
    assert status == 0, events
    progress = [e for e in events if e["event"] == "progress"]
    assert {e["steps"] for e in progress} == {0} and {e["weight"] for e in progress} <= {0.0, 1.0}, progress
    assert any(e["phase"] == "final bake" and (e["invocations"] or 0) > 0 for e in progress), progress
    assert (ship.outcome()["result"], ship.outcome()["blue_version"]) == (PROMOTED, blue)
    assert ship.alias() == (green, {})
    assert ship.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}


BROKEN = ("def handler(event, context):\n    if event.get('path') == '/health':\n        return {{'statusCode': 200}}\n"
          "    raise RuntimeError('release {release} is broken')\n")


def test_real_invokes_of_a_broken_green_roll_it_back_by_their_own_error_rate(ship):
    """No metric written by the test: the emulator runs the code of each invoke of the alias and
    publishes Lambda's metrics (docs/local-code.md), which the rollout's checks read. Green passes
    the smoke test and raises for every other event; an invoke every 50 ms or so (each run is a
    process of its own) gives it a few in step 1. (Last in the file: it leaves a stack that asks for
    2 invocations a step.)"""
    (ship.root / "ship.py").write_text(stack(least=2))
    blue, green = ship.committed()["blue_version"], ship.publish(BROKEN)
    stop = threading.Event()

    def traffic() -> None:
        client = ship.aws("lambda")
        while not stop.wait(0.05):
            client.invoke(FunctionName="ship-svc", Qualifier="live", Payload=b'{"path": "/orders"}')

    sender = threading.Thread(target=traffic, daemon=True)
    sender.start()
    try:
        status, events = rollout(ship)
    finally:
        stop.set()
        sender.join(timeout=30)
    assert status == 4, events
    outcome = ended(ship, events, ROLLED_BACK, blue)
    assert re.fullmatch(rf"The error rate of version {green} over .+ was 1(\.0+)? with [0-9.]+ invocations, above "
                        r"max_error_rate 0\.01\.", outcome["reason"]), outcome
