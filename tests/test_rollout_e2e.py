"""``bluegreen rollout --local`` end to end: the state machine runs on the emulator and moves the alias.

One project and one emulator for the module (``up --local``); each test publishes a new version
with ``up --local`` and rolls it out with bakes of two seconds, checked every second. The stack is
tuned for the emulator (``metric_delay_s=0``, a function timeout of one second) and keeps the
default ``min_invocations`` (50): the emulator publishes Lambda's metrics for the invokes it runs,
but nothing invokes the alias here, so a rollout that must promote has its green invocations
written by the test (``Traffic``), else each step holds and ends inconclusive. moto never evaluates
alarms, so the tests set their states (``set_alarm_state``). The emulator runs each version's
handler (docs/local-code.md): the smoke test's failing answer comes from a real handler.
"""

from __future__ import annotations

import getpass
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.core.messages import releasing as releasing_msg
from generator.features.rollout import messages as msg
from generator.features.rollout.addresses import control_parameter_name
from generator.features.rollout.machine import ROLLED_BACK_ERROR

pytestmark = pytest.mark.terraform
BIN = Path(sys.executable).parent
CHECK_EVERY_S = 1
TOPIC = "arn:aws:sns:us-east-1:123456789012:ship-rollouts"  # notify_topic_arn: a queue subscribes
STACK = f'''
from generator import Deployment, Function, Rollout, Stack

STACKS = [Stack(name="ship", region="us-east-1", deployments=[Deployment(
    name="svc", function=Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=1),
    rollout=Rollout(steps=(0.1, 0.5), bake_s=2, check_every_s={CHECK_EVERY_S}, max_error_rate=0.01,
                    gate_alarms=("ship-gate",), smoke_event={{"path": "/health"}}, metric_delay_s=0,
                    notify_topic_arn="{TOPIC}"))])]
'''
GREEN_ALARM = "ship-svc-live-green-error-rate"


class Project:
    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env, self.release = root, env, 0
        self.traffic = root / ".bluegreen/local/traffic/ship.traffic.json"
        self.record = root / ".bluegreen/local/traffic/ship.rollouts.json"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "bluegreen"), *args], cwd=self.root, env=self.env, capture_output=True,
                              text=True, timeout=600)

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([str(BIN / "bluegreen"), "rollout", "ship.py", "svc", "--local", "--json", *args],
                                cwd=self.root, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def publish(self, code: str = "def handler(event, context):\n    return {release}\n") -> str:
        """A new version of the code (``code`` with its release number), applied: the newest
        version, which the rollout takes."""
        self.release += 1
        (self.root / "src/app.py").write_text(code.format(release=self.release))
        up = self.run("up", "ship.py", "--local")
        assert up.returncode == 0, up.stderr
        return self.newest()

    def newest(self) -> str:
        return max((v["Version"] for v in self.aws("lambda").list_versions_by_function(
            FunctionName="ship-svc")["Versions"] if v["Version"] != "$LATEST"), key=int)

    @property
    def endpoint(self) -> str:
        return json.loads((self.root / ".bluegreen/emulator.json").read_text())["endpoint"]

    def aws(self, service: str):
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def alias(self) -> tuple[str, dict]:
        alias = self.aws("lambda").get_alias(FunctionName="ship-svc", Name="live")
        return alias["FunctionVersion"], (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}

    def committed(self) -> dict:
        return json.loads(self.traffic.read_text())["svc"]

    def outcome(self) -> dict:
        return json.loads(self.record.read_text())["svc"]

    def set_alarm(self, name: str, state: str) -> None:
        self.aws("cloudwatch").set_alarm_state(AlarmName=name, StateValue=state, StateReason="test")

    def subscribe_a_queue(self) -> None:
        """The notifications' topic (the user's), with a queue that receives what it delivers."""
        assert self.aws("sns").create_topic(Name="ship-rollouts")["TopicArn"] == TOPIC
        self.inbox = self.aws("sqs").create_queue(QueueName="ship-rollouts-inbox")["QueueUrl"]
        queue = self.aws("sqs").get_queue_attributes(QueueUrl=self.inbox, AttributeNames=["QueueArn"])
        self.aws("sns").subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=queue["Attributes"]["QueueArn"],
                                  Attributes={"RawMessageDelivery": "true"})

    def notifications(self, execution: str) -> list[dict]:
        """The messages the topic delivered about ``execution``, oldest first."""
        found = []
        while messages := self.aws("sqs").receive_message(QueueUrl=self.inbox, MaxNumberOfMessages=10).get(
                "Messages", []):
            found += [json.loads(m["Body"]) for m in messages]
            for m in messages:
                self.aws("sqs").delete_message(QueueUrl=self.inbox, ReceiptHandle=m["ReceiptHandle"])
        return [m for m in found if m["execution"] == execution]

    def writing(self, version: str, invocations: int = 30) -> Traffic:
        """Green's invocations written while the block runs (``Traffic``)."""
        return Traffic(self, version, invocations)


class Traffic:
    """Green's invocations written to CloudWatch while a rollout runs, as Lambda publishes them.

    As a context manager, a thread writes ``invocations`` (and 0 errors) every ``EVERY_S``, each
    stamped with the time of writing, so that every check of a step reads some from the step's
    start on. ``write`` puts one datapoint per metric (Sum: a count) with any timestamp.
    """

    EVERY_S = 0.5

    def __init__(self, project: Project, version: str, invocations: int = 30):
        self.cloudwatch, self.version, self.invocations = project.aws("cloudwatch"), version, invocations
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def write(self, invocations: float, errors: float, at: datetime | None = None) -> None:
        # What Lambda publishes for the invocations a version served through an alias, exactly
        # these three dimensions (docs/aws-rules.md#r48-alarms-scoped-to-a-version): written out
        # here, not taken from the state machine's model, so that the test checks its query.
        dimensions = [{"Name": "FunctionName", "Value": "ship-svc"}, {"Name": "Resource", "Value": "ship-svc:live"},
                      {"Name": "ExecutedVersion", "Value": self.version}]
        stamp = at or datetime.now(UTC)
        self.cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=[
            {"MetricName": name, "Dimensions": dimensions, "Timestamp": stamp, "Value": value, "Unit": "Count"}
            for name, value in (("Invocations", invocations), ("Errors", errors))])

    def _run(self) -> None:
        while not self._stop.is_set():
            self.write(self.invocations, 0)
            self._stop.wait(self.EVERY_S)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def new_project(terraform_env: dict[str, str], root: Path, stack: str) -> Project:
    """A project in ``root`` with the stack file ``ship.py`` holding ``stack`` and an empty code
    folder, run with the emulator's own Terraform settings (``up --local`` writes them)."""
    (root / "src").mkdir()
    (root / "ship.py").write_text(stack)
    env = {k: v for k, v in terraform_env.items() if k != "TF_CLI_CONFIG_FILE"}
    env.pop("AWS_PROFILE", None)
    return Project(root, env)


@pytest.fixture(scope="module")
def project(terraform_env, tmp_path_factory):
    ship = new_project(terraform_env, tmp_path_factory.mktemp("rollout"), STACK)
    try:
        ship.publish()
        ship.aws("cloudwatch").put_metric_alarm(
            AlarmName="ship-gate", Namespace="AWS/ApiGateway", MetricName="5XXError", Statistic="Sum", Period=60,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        assert ship.run("promote", "ship.py", "svc", "--local").returncode == 0
        ship.subscribe_a_queue()
        yield ship
    finally:
        ship.run("down")


def _events(process: subprocess.Popen, until) -> list[dict]:
    """The --json lines read so far, up to the first that ``until`` accepts."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(json.loads(line))
        if until(seen[-1]):
            return seen
    raise AssertionError(f"the rollout ended first: {seen} {process.stderr.read() if process.stderr else ''}")


def _baking(step: int):
    return lambda event: event.get("phase") == "baking" and event.get("step") == step


def test_preconditions_exit_2_with_the_reason(project):
    blue = project.committed()["blue_version"]
    nothing = project.run("rollout", "ship.py", "svc", "--local")
    assert nothing.returncode == 2 and msg.nothing_to_roll_out(blue) in nothing.stderr, nothing.stderr
    attach = project.run("rollout", "ship.py", "svc", "--local", "--attach")
    assert attach.returncode == 2 and msg.no_rollout_to_attach(blue) in attach.stderr, attach.stderr
    reason = project.run("rollout", "ship.py", "svc", "--local", "--reason", "why")
    assert reason.returncode == 2 and msg.REASON_NEEDS_ABORT in reason.stderr
    assert "Traceback" not in nothing.stderr + attach.stderr + reason.stderr


def test_a_rollout_promotes_and_the_next_plan_changes_no_resource(project):
    blue = project.committed()["blue_version"]
    green = project.publish()
    assert project.run("shift", "ship.py", "svc", "10%", "--local").returncode == 0
    weighted = project.run("rollout", "ship.py", "svc", "--local")
    assert weighted.returncode == 2 and "must have green weight 0 before a rollout" in weighted.stderr
    assert project.run("rollback", "ship.py", "svc", "--local").returncode == 0
    project.set_alarm("ship-gate", "ALARM")
    firing = project.run("rollout", "ship.py", "svc", "--local")
    project.set_alarm("ship-gate", "OK")
    assert firing.returncode == 2 and msg.alarms_must_not_be_firing(["ship-gate"]) in firing.stderr

    with project.writing(green):
        result = project.run("rollout", "ship.py", "svc", "--local")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ship/svc: started svc-v{green} (v{green})" in result.stdout
    # A line per change in a CI log, with what the gates last read.
    for step, weight in ((1, 10), (2, 50)):
        assert re.search(rf"step {step}/2, green {weight}%, \d+/50 invocations, error rate "
                         r"(not judged yet|\d+(\.\d+)?%) \(max 1%\), baking", result.stdout), result.stdout
    # The final bake needs no count (the steps had theirs), and still reads the rate.
    assert re.search(r"step 2/2, green 100%, \d+ invocations, error rate .*, final bake", result.stdout), \
        result.stdout
    assert "ship/svc: promoted\n" in result.stdout
    assert project.alias() == (green, {})
    assert project.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}
    outcome = project.outcome()
    assert (outcome["execution"], outcome["result"], outcome["reason"], outcome["blue_version"]) == \
        (f"svc-v{green}", "promoted", None, blue)
    # notify_topic_arn: the execution's start and end reached the topic's subscribers.
    assert [(m["deployment"], m["status"], m["error"], m["cause"]) for m in project.notifications(
        f"svc-v{green}")] == [("ship/svc", "RUNNING", None, None), ("ship/svc", "SUCCEEDED", None, None)]

    # Until an apply, the state says what the alias served before: status says what it serves.
    status = project.run("status", "ship.py", "--local")
    assert status.stdout.startswith(f"ship/svc: stable (alias), blue v{green}, no green, green weight 0, "
                                    f"newest v{green}\n"), status.stdout
    assert releasing_msg.alias_serves_since_the_rollout(f"blue v{green}, green weight 0", f"blue v{blue}, "
                                                        "green weight 0", written=True) in status.stdout

    # The next plan changes no resource: only outputs record the new pins, and after that apply
    # a plan is empty.
    stack, env = next_plan_changes_no_resource(project)
    apply = subprocess.run(["terraform", "apply", "-no-color", "next.plan"], cwd=stack, env=env,
                           capture_output=True, text=True, timeout=300)
    assert "0 added, 0 changed, 0 destroyed" in apply.stdout, apply.stdout + apply.stderr
    second = subprocess.run(["terraform", "plan", "-detailed-exitcode", "-no-color"], cwd=stack, env=env,
                            capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr


def test_an_alarm_during_the_bake_puts_traffic_back_on_blue_within_a_check(project):
    blue, green = project.committed()["blue_version"], project.publish()
    rollout = project.start()
    try:
        _events(rollout, _baking(1))
        assert project.alias() == (blue, {green: 0.1})
        project.set_alarm(GREEN_ALARM, "ALARM")
        alarmed = time.monotonic()
        while project.alias()[1]:
            assert time.monotonic() - alarmed < CHECK_EVERY_S + 3, "traffic not back on blue in time"
            time.sleep(0.05)
        assert project.alias() == (blue, {})
        assert rollout.wait(timeout=60) == 4
    finally:
        project.set_alarm(GREEN_ALARM, "OK")
    ended = json.loads(rollout.stdout.read().splitlines()[-1]) if rollout.stdout else {}
    assert ended["event"] == "ended" and ended["result"] == "rolled back"
    assert project.committed() == {"blue_version": blue, "green_version": None, "green_weight": 0}
    outcome = project.outcome()
    assert outcome["result"] == "rolled back"
    assert outcome["reason"] == f"Alarm {GREEN_ALARM} is in ALARM (step 1)."
    # The topic says how it ended, and why.
    assert [(m["status"], m["error"], m["cause"]) for m in project.notifications(f"svc-v{green}")] == \
        [("RUNNING", None, None), ("FAILED", ROLLED_BACK_ERROR, outcome["reason"])]
    # A rerun picks up the ended execution and reports what is recorded, touching nothing.
    project.traffic.write_text(project.traffic.read_text())
    before = (project.traffic.stat().st_mtime_ns, project.record.read_bytes())
    again = project.run("rollout", "ship.py", "svc", "--local")
    assert again.returncode == 4 and f"attached svc-v{green}" in again.stdout, again.stdout + again.stderr
    assert "ship/svc: rolled back: Alarm" in again.stdout and "nothing changed" in again.stdout
    assert (project.traffic.stat().st_mtime_ns, project.record.read_bytes()) == before


def test_a_killed_cli_leaves_the_rollout_running_and_attach_writes_the_outcome(project):
    # Another attempt at the version the alarm stopped: --retry starts svc-vN-2.
    blue, green = project.committed()["blue_version"], project.outcome()["green_version"]
    name = f"svc-v{green}-2"
    with project.writing(green):
        rollout = project.start("--retry")
        _events(rollout, _baking(1))
        rollout.send_signal(signal.SIGKILL)
        rollout.wait(timeout=30)
        guard = project.run("guard", "ship.py", "--local")
        # Step 1, or step 2 already when the machine is busy: its bakes are two seconds.
        assert guard.returncode == 1 and re.search(rf"ship/svc: running: {name}: step [12]/2, ", guard.stdout), \
            guard.stdout
        status = project.run("status", "ship.py", "--local")
        # Running, or already ended and not written yet when the machine is busy.
        assert f"  rollout running: {name}: step" in status.stdout or \
            f"rollout not written: {name} ended (succeeded)" in status.stdout, status.stdout
        _wait_until_ended(project, name)
    assert project.alias() == (green, {})  # the execution carried on without the CLI
    assert project.committed()["blue_version"] == blue  # nothing written yet
    guard = project.run("guard", "ship.py", "--local")
    assert guard.returncode == 1 and "ended (succeeded) but its outcome is not in the traffic file" in guard.stdout
    attach = project.run("rollout", "ship.py", "svc", "--local", "--attach")
    assert attach.returncode == 0, attach.stdout + attach.stderr
    assert f"ship/svc: attached {name}" in attach.stdout and "ship/svc: promoted" in attach.stdout
    assert project.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}
    assert project.run("guard", "ship.py", "--local").returncode == 0


# A health check: 500 while the dependency it checks is down (a marker file), else the release
# (formatted twice: with the marker here, with the release by ``publish``).
HEALTH_CHECK = """import os
def handler(event, context):
    if event.get("path") == "/health" and os.path.exists({marker!r}):
        return {{{{"statusCode": 500, "body": "down"}}}}
    return {{release}}
"""


def test_a_failing_smoke_test_stops_the_rollout_before_any_traffic(project):
    # The emulator runs the new version's handler on the smoke event, and it answers 500; the
    # dependency comes back afterwards, so the later tests can retry the same version.
    down = project.root / "dependency-down"
    down.touch()
    try:
        blue, green = project.committed()["blue_version"], project.publish(HEALTH_CHECK.format(marker=str(down)))
        result = project.run("rollout", "ship.py", "svc", "--local", "--json")
    finally:
        down.unlink()
    assert result.returncode == 4, result.stdout + result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(e.get("step", 0) == 0 for e in events if e["event"] == "progress")  # never a weight
    assert project.alias() == (blue, {})
    reason = project.outcome()["reason"]
    assert reason.startswith(f"The smoke test of version {green} answered with a failure before any traffic")
    assert '"statusCode":500' in reason.replace(" ", "")


def test_abort_stops_the_execution_puts_the_alias_on_blue_and_writes_weight_0(project):
    blue, green = project.committed()["blue_version"], project.outcome()["green_version"]
    started = project.run("rollout", "ship.py", "svc", "--local", "--no-wait", "--retry")
    assert started.returncode == 0 and f"started svc-v{green}-2" in started.stdout, started.stderr
    deadline = time.monotonic() + 30
    while not project.alias()[1]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    abort = project.run("rollout", "ship.py", "svc", "--local", "--abort", "--reason", "a bad deploy")
    assert abort.returncode == 4, abort.stdout + abort.stderr
    assert "ship/svc: aborted: a bad deploy" in abort.stdout
    assert project.alias() == (blue, {})
    assert project.committed() == {"blue_version": blue, "green_version": None, "green_weight": 0}
    assert (project.outcome()["result"], project.outcome()["reason"]) == ("aborted", "a bad deploy")
    assert [m["status"] for m in project.notifications(f"svc-v{green}-2")] == ["RUNNING", "ABORTED"]
    again = project.run("rollout", "ship.py", "svc", "--local", "--abort")
    assert again.returncode == 2 and msg.no_running_rollout(green, "ABORTED") in again.stderr


def test_a_hand_moved_alias_ends_the_rollout_as_interfered_and_git_records_what_it_serves(project):
    blue, green = project.committed()["blue_version"], project.outcome()["green_version"]
    # With green's traffic, step 1 passes and step 2 finds the alias changed before setting its
    # weight (without, step 1 would hold and end inconclusive first).
    with project.writing(green):
        rollout = project.start("--retry")
        _events(rollout, _baking(1))
        project.aws("lambda").update_alias(FunctionName="ship-svc", Name="live", FunctionVersion=green,
                                           RoutingConfig={})
        assert rollout.wait(timeout=60) == 5
    assert project.alias() == (green, {})  # left as the hand set it
    assert project.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}
    outcome = project.outcome()
    assert outcome["execution"] == f"svc-v{green}-3"
    assert outcome["result"] == "interfered" and "The alias changed during the rollout" in outcome["reason"]
    assert outcome["blue_version"] == blue


def test_on_a_terminal_the_progress_is_one_line_rewritten_in_place(project):
    # Picks up the interfered execution, as if the CLI had died before writing its outcome: a
    # terminal gets the progress line redrawn (carriage return, erase line), then the outcome on
    # lines of its own.
    project.record.unlink()
    leader, follower = pty.openpty()
    try:
        result = subprocess.run([str(BIN / "bluegreen"), "rollout", "ship.py", "svc", "--local", "--attach"],
                                cwd=project.root, env=project.env, stdout=follower, stderr=follower, timeout=120)
        os.close(follower)
        shown = b""
        while select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    text = shown.decode()
    assert result.returncode == 5, text
    assert "\r\x1b[2K" in text and "interfered" in text.split("\x1b[2K")[-1], text


def test_up_refuses_while_a_rollout_runs_and_one_removed_from_the_stack_file_can_still_be_written(project):
    blue, green = project.committed()["blue_version"], project.publish()
    with project.writing(green):
        started = project.run("rollout", "ship.py", "svc", "--local", "--no-wait")
        assert started.returncode == 0, started.stderr
        _up_blocks_and_a_removed_rollout_is_written(project, blue, green)


def _up_blocks_and_a_removed_rollout_is_written(project: Project, blue: str, green: str) -> None:
    # up --local would apply the committed traffic (blue alone) under the rollout. Whether it is
    # still running (its bakes and final bake take 6 s) or has ended unwritten by the time up looks, it blocks.
    (project.root / "src/app.py").write_text("def handler(event, context):\n    return 'next'\n")
    up = project.run("up", "ship.py", "--local")
    assert up.returncode == 1, up.stdout + up.stderr
    assert up.stderr == f"{msg.rollouts_block_apply(1)}\n"
    assert f"ship/svc: running: svc-v{green}: " in up.stdout or "ship/svc: not written: " in up.stdout, up.stdout
    assert "alias live" not in up.stdout  # nothing applied

    # The rollout removed from the stack file before its outcome is written: guard's advice works.
    stack_file = project.root / "ship.py"
    declared = stack_file.read_text()
    stack_file.write_text(declared[:declared.index(",\n    rollout=Rollout(")] + ")])]\n")
    try:
        _wait_until_ended(project, f"svc-v{green}")
        status = project.run("status", "ship.py", "--local")
        assert f"  rollout not written: svc-v{green} ended (succeeded)" in status.stdout, status.stdout + status.stderr
        attach = project.run("rollout", "ship.py", "svc", "--local", "--attach")
        assert attach.returncode == 0 and "ship/svc: promoted" in attach.stdout, attach.stdout + attach.stderr
        assert project.run("guard", "ship.py", "--local").returncode == 0
    finally:
        stack_file.write_text(declared)
    assert project.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}
    assert project.outcome()["blue_version"] == blue


def _wait_until_ended(project: Project, name: str) -> None:
    sfn = project.aws("stepfunctions")
    arn = f"arn:aws:states:us-east-1:123456789012:execution:ship-svc-rollout:{name}"
    deadline = time.monotonic() + 60
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)


def next_plan_changes_no_resource(project: Project) -> tuple[Path, dict[str, str]]:
    """Synthesize the stack with the traffic file as the rollout wrote it, plan it into
    ``next.plan`` and check that every resource's action is a no-op; the stack folder and the
    environment to apply it with."""
    stack = project.root / ".bluegreen/local/out/stacks/ship"
    assert project.run("synth", "ship.py", "--local").returncode == 0
    env = _terraform_env(project)
    plan = subprocess.run(["terraform", "plan", "-out=next.plan", "-no-color"], cwd=stack, env=env,
                          capture_output=True, text=True, timeout=300)
    assert plan.returncode == 0, plan.stderr
    shown = json.loads(subprocess.run(["terraform", "show", "-json", "next.plan"], cwd=stack, env=env,
                                      capture_output=True, text=True, timeout=300).stdout)
    changes = {c["address"]: c["change"]["actions"] for c in shown.get("resource_changes", [])}
    assert changes and all(actions == ["no-op"] for actions in changes.values()), changes
    return stack, env


def _terraform_env(project: Project) -> dict[str, str]:
    exports = project.run("env", "--local").stdout.splitlines()
    env = dict(project.env)
    for line in exports:
        if line.startswith("export "):
            name, _, value = line[len("export "):].partition("=")
            env[name] = value.strip("'")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    return env



# --- controls on a running rollout (--pause, --resume, --promote-now) ---------------------------------

PARAMETER = control_parameter_name("ship-svc")  # the controls' SSM parameter
CONTROLLED_STEP_S = 6  # step 1's own bake: room for a resume and a promote-now before it passes


def _entered(project: Project, name: str, state: str) -> list[datetime]:
    """When the execution ``name`` entered ``state``, oldest first, from its history."""
    sfn = project.aws("stepfunctions")
    arn = f"arn:aws:states:us-east-1:123456789012:execution:ship-svc-rollout:{name}"
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [e["timestamp"] for e in events
            if (e.get("stateEnteredEventDetails") or {}).get("name") == state]


def _until(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)
    return found


def test_pause_holds_past_the_bake_resume_then_promote_now_skips_to_the_final_bake(project):
    from generator.features.rollout import controls
    from generator.features.rollout import machine as sm

    stack_file = project.root / "ship.py"
    declared = stack_file.read_text()
    controlled = (declared.replace("steps=(0.1, 0.5)", f"steps=(Step(0.1, {CONTROLLED_STEP_S}), 0.5)")
                  .replace("import Deployment,", "import Deployment, Step,")
                  .replace("metric_delay_s=0,", "metric_delay_s=0, max_pause_s=30,"))
    assert controlled.count("Step") == 2 and "max_pause_s=30" in controlled  # each edit found its text
    stack_file.write_text(controlled)
    try:
        green = project.publish()
        name = f"svc-v{green}"
        with project.writing(green):
            watcher = project.start()
            _events(watcher, lambda event: event.get("event") == "started")
            pause = project.run("rollout", "ship.py", "svc", "--local", "--pause", "--reason", "a dashboard")
            assert pause.returncode == 0, pause.stdout + pause.stderr
            assert f"pause: {name} obeys at its next check, within {CHECK_EVERY_S} s" in pause.stdout
            # Held past its bake: more paused checks than the bake has, and the weight still 10%.
            paused = _until(lambda: (found := _entered(project, name, sm.step_state(1, controls.PAUSED)))
                            and len(found) > CONTROLLED_STEP_S // CHECK_EVERY_S and found)
            assert project.alias() == (project.committed()["blue_version"], {green: 0.1})
            status = project.run("status", "ship.py", "--local")
            # Who paused it: the AWS caller and the local user, from the record the --pause wrote.
            assert "(paused since 20" in status.stdout and " by arn:aws:sts::123456789012:" in status.stdout \
                and f"({getpass.getuser()}))" in status.stdout, status.stdout
            resume = project.run("rollout", "ship.py", "svc", "--local", "--resume")
            assert resume.returncode == 0, resume.stdout + resume.stderr
            # The bake goes on: a counted check after the resume, before the next control is given.
            resumed = project.aws("ssm").get_parameter(Name=PARAMETER)["Parameter"]["LastModifiedDate"]
            _until(lambda: [t for t in _entered(project, name, sm.step_state(1, sm.COUNT)) if t > resumed])
            promote = project.run("rollout", "ship.py", "svc", "--local", "--promote-now")
            assert promote.returncode == 0, promote.stdout + promote.stderr
            watcher.wait(timeout=120)
        out = watcher.stdout.read() if watcher.stdout else ""
        assert watcher.returncode == 0, out
    finally:
        stack_file.write_text(declared)
    assert project.alias() == (green, {})
    # promote-now during step 1: step 2 never ran, the final bake did.
    assert not _entered(project, name, sm.step_state(2, sm.SET_WEIGHT))
    assert _entered(project, name, sm.final_state(sm.START_BAKE))
    # Each control obeyed within one check interval of its write (the parameter's history).
    written = {v["Value"].split(":")[0]: v["LastModifiedDate"] for v in project.aws("ssm").get_parameter_history(
        Name=PARAMETER)["Parameters"]}
    obeyed = {controls.PAUSE: paused[0], controls.PROMOTE_NOW: _entered(project, name, sm.step_state(0, sm.CHECK_ALIAS))[0]}
    for control, at in obeyed.items():
        assert 0 < (at - written[control]).total_seconds() <= CHECK_EVERY_S + 1, (control, at, written[control])
    counted = [t for t in _entered(project, name, sm.step_state(1, sm.COUNT)) if t > written[controls.RESUME]]
    assert counted and (counted[0] - written[controls.RESUME]).total_seconds() <= CHECK_EVERY_S + 1
    record = json.loads(project.record.read_text())["svc"]
    assert [(c["control"], c["reason"]) for c in record["controls"]] == [
        ("pause", "a dashboard"), ("resume", None), ("promote-now", None)]
    assert record["result"] == "promoted"
    assert '"event": "control"' in out and '"control": "promote-now"' in out
