"""Rollout timings on the local emulator: an alarm's rollback, an inconclusive step, a final-bake rollback.

Run it with ``.venv/bin/python benchmarks/rollout_benchmark.py [--rounds N]``. It needs the repo's
venv (``bluegreen`` next to this Python) and the Terraform CLI with the provider mirror that
``bluegreen up --local`` finds by itself; it makes its own project in a temporary folder and runs
``bluegreen down`` at the end, even on failure.

Measured: for a rollout checking its alarms every ``check_every_s`` (1 and 3, ``bake_s`` 6), the
time from the SetAlarmState request that puts the green error-rate alarm in ALARM during step 1's
bake to the first GetAlias answer (polled every 20 ms) with no AdditionalVersionWeights. The
goal: at most ``check_every_s`` + 2 s. The alarm lands at a different point of the check interval
in each round: the execution's history is polled (every 20 ms) until an alarm check begins, and
in round i of N the alarm is set ``check_every_s * i / N`` after it. Round 1 sets it just after a
check, the worst case, which waits a whole interval for the next. Each line printed per rollout
says where the alarm fell (from the history: the last check that began before it, the check that
found it) and the latency.

Also measured, each round:

- an inconclusive step (deployment ``held``: ``bake_s`` 2, ``max_hold_s`` 2, checked every second,
  the default ``min_invocations``, no traffic written): from starting ``bluegreen rollout`` to
  its exit 4 with the result ``inconclusive``, and, from the execution's history, from its start
  to the alias back on blue (the ``Inconclusive`` state). At best ``bake_s`` + ``max_hold_s``;
- a final-bake rollback (deployment ``final``: ``final_bake_s`` 6, checked every second,
  ``min_invocations=0`` written explicitly so that it promotes without traffic): the alarm set
  during the final bake, at this round's point of the check interval as above, to the first
  GetAlias answer with the old blue alone, then exit 4 ``rolled back after promotion``. The goal:
  at most ``check_every_s`` + 2 s, as for a step.

The stack is tuned for the emulator (``metric_delay_s=0``, a function timeout of 1 s). Each round
publishes a new version of every function (their code edited, ``up --local``), then rolls out
each in turn with ``bluegreen rollout --local --json``; ``svc1`` and ``svc3`` go in alternating
order, then ``held``, then ``final``. An alarm set is set back to OK after its rollout. Printed: a
line per rollout, then Markdown tables. Timings share the machine with the emulator, Terraform
and the rollout's own CLI, as a developer's run does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generator.features.rollout.addresses import ERROR_RATE, alarm_name
from generator.features.rollout.machine import ALARM_FIRED, CHECK_ALARMS, INCONCLUSIVE_END, final_state, step_state
from generator.features.rollout.record import INCONCLUSIVE, ROLLED_BACK_AFTER_PROMOTION

BLUEGREEN = str(Path(sys.executable).parent / "bluegreen")
CHECKS = (1, 3)  # check_every_s of the two deployments
BAKE_S = 6  # a multiple of each; long enough that every alarm lands in step 1's bake
HELD = ("held", 2, 2)  # the inconclusive deployment: its name, bake_s, max_hold_s
FINAL = ("final", 6)  # the final-bake deployment: its name, final_bake_s
TARGET_SLACK_S = 2.0  # the goal: back on blue within check_every_s + this
POLL_S = 0.02
ROLLED_BACK = 4  # bluegreen rollout's exit status when it did not promote
STACK = f'''
from generator import Deployment, Function, Rollout, Stack

def deployment(name, **rollout):
    return Deployment(name=name, function=Function(source=f"src-{{name}}", handler="app.handler",
                                                   runtime="python3.12", timeout_s=1),
                      rollout=Rollout(steps=(0.1, 0.5), max_error_rate=0.01, metric_delay_s=0, **rollout))

STACKS = [Stack(name="bench", region="us-east-1", deployments=[
    *(deployment(f"svc{{check}}", bake_s={BAKE_S}, check_every_s=check) for check in {CHECKS!r}),
    deployment("{HELD[0]}", bake_s={HELD[1]}, check_every_s=1, max_hold_s={HELD[2]}),
    deployment("{FINAL[0]}", bake_s=2, check_every_s=1, min_invocations=0, final_bake_s={FINAL[1]})])]
'''
DEPLOYMENTS = (*(f"svc{check}" for check in CHECKS), HELD[0], FINAL[0])
FUNCTION = "bench-{name}"  # naming.function_name: the stack's name, then the deployment's
ALIAS = "live"  # Deployment's default alias


@dataclass
class Sample:
    check_every_s: int
    round_: int
    after_check_s: float  # the alarm set this long after the last check began
    caught_s: float  # the check that found it began this long after the alarm
    latency_s: float  # the alarm set -> GetAlias shows blue alone


@dataclass
class Held:
    round_: int
    exit_s: float  # bluegreen rollout started -> its exit 4, inconclusive
    execution_s: float  # the execution's start -> its Inconclusive state (the alias back on blue)


class Project:
    """A temporary project with one stack of four deployments, deployed on the local emulator."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env, self.release = root, env, 0
        self._clients: dict[str, object] = {}
        for name in DEPLOYMENTS:
            (root / f"src-{name}").mkdir()
        (root / "bench.py").write_text(STACK)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([BLUEGREEN, *args], cwd=self.root, env=self.env, capture_output=True, text=True,
                                timeout=600)
        if check and result.returncode != 0:
            raise SystemExit(f"bluegreen {' '.join(args)} failed ({result.returncode}):\n"
                             f"{(result.stdout + result.stderr)[-3000:]}")
        return result

    def publish(self) -> None:
        """A new version of every function's code, applied."""
        self.release += 1
        for name in DEPLOYMENTS:
            (self.root / f"src-{name}" / "app.py").write_text(
                f"def handler(event, context):\n    return {self.release}\n")
        self.run("up", "bench.py", "--local")

    def aws(self, service: str):
        if service not in self._clients:
            import boto3

            endpoint = json.loads((self.root / ".bluegreen/emulator.json").read_text())["endpoint"]
            self._clients[service] = boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                                                  aws_access_key_id="test", aws_secret_access_key="test")
        return self._clients[service]

    def alias(self, name: str) -> tuple[str, dict]:
        alias = self.aws("lambda").get_alias(FunctionName=FUNCTION.format(name=name), Name=ALIAS)
        return alias["FunctionVersion"], (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}

    def set_alarm(self, name: str, state: str) -> None:
        alarm = alarm_name(FUNCTION.format(name=name), ALIAS, ERROR_RATE)
        self.aws("cloudwatch").set_alarm_state(AlarmName=alarm, StateValue=state, StateReason="rollout benchmark")

    def entered(self, execution_arn: str) -> list[tuple[str, float]]:
        """The states the execution entered so far, each with when (``time.time()`` seconds), in order."""
        history = self.aws("stepfunctions").get_execution_history(executionArn=execution_arn, maxResults=1000)
        return [(event["stateEnteredEventDetails"]["name"], event["timestamp"].timestamp())
                for event in history["events"] if event["type"].endswith("StateEntered")]

    def checks(self, execution_arn: str) -> list[float]:
        """When each alarm check of the execution began."""
        return [when for name, when in self.entered(execution_arn) if name.endswith(f": {CHECK_ALARMS}")]

    def start(self, name: str) -> subprocess.Popen:
        return subprocess.Popen([BLUEGREEN, "rollout", "bench.py", name, "--local", "--json"], cwd=self.root,
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def measure(project: Project, check: int, round_: int, rounds: int) -> Sample:
    """One rollout of ``svc{check}``: the alarm fires during step 1's bake; the rollback's latency."""
    return _alarm_rollback(project, f"svc{check}", check, round_, rounds, step_state(1, ALARM_FIRED),
                           lambda e: e.get("phase") == "baking" and e.get("step") == 1)


def measure_final(project: Project, round_: int, rounds: int) -> Sample:
    """One rollout of ``final``: promoted, then the alarm fires during the final bake; the latency
    to the old blue alone."""
    return _alarm_rollback(project, FINAL[0], 1, round_, rounds, final_state(ALARM_FIRED),
                           lambda e: e.get("phase") == "final bake", ROLLED_BACK_AFTER_PROMOTION)


def _alarm_rollback(project: Project, name: str, check: int, round_: int, rounds: int, fired_state: str,
                    phase, result: str | None = None) -> Sample:
    """Start the rollout, wait for ``phase`` (a --json event), set the alarm at this round's point of
    a check interval, time GetAlias until blue alone, check the rollout's end."""
    blue, weights = project.alias(name)
    if weights:
        raise SystemExit(f"{name} has green traffic before the rollout: {weights}")
    rollout = project.start(name)
    alarmed = False
    try:
        arn = _wait_for(rollout, phase)
        # Wait for a check seen as it happens (the first one after the phase is seen), then set
        # the alarm at this round's point of the interval: 0 is just after the check, the worst case.
        seen = len(project.checks(arn))
        while len(checks := project.checks(arn)) == seen:
            time.sleep(POLL_S)
        time.sleep(max(0.0, checks[-1] + check * round_ / rounds - time.time()))
        started, alarm_at = time.monotonic(), time.time()
        project.set_alarm(name, "ALARM")
        alarmed = True
        while (served := project.alias(name)) != (blue, {}):
            if time.monotonic() - started > check + 30:
                raise SystemExit(f"{name}: the alias serves {served}, not blue ({blue}) alone, 30 s after the alarm")
            time.sleep(POLL_S)
        latency = time.monotonic() - started
        ended = _ended(rollout, name, result)
        entered = project.entered(arn)
        fired = next((when for state, when in entered if state == fired_state), None)
        if fired is None:
            raise SystemExit(f"{name}: {ended}, but not through {fired_state!r}: {entered}")
        checks = [when for state, when in entered if state.endswith(f": {CHECK_ALARMS}") and when < fired]
        before = [when for when in checks if when <= alarm_at]
        return Sample(check, round_, alarm_at - before[-1], checks[-1] - alarm_at, latency)
    finally:
        if rollout.poll() is None:
            rollout.kill()
            rollout.wait(timeout=30)
        if alarmed:
            project.set_alarm(name, "OK")


def measure_held(project: Project, round_: int) -> Held:
    """One rollout of ``held`` with no traffic: how long until it ends inconclusive."""
    started = time.monotonic()
    rollout = project.start(HELD[0])
    try:
        out, err = rollout.communicate(timeout=120)
    finally:
        if rollout.poll() is None:
            rollout.kill()
            rollout.wait(timeout=30)
    exit_s = time.monotonic() - started
    events = [json.loads(line) for line in out.splitlines()]
    if rollout.returncode != ROLLED_BACK or not events or events[-1].get("result") != INCONCLUSIVE:
        raise SystemExit(f"{HELD[0]}: the rollout exited {rollout.returncode}, not {ROLLED_BACK} ({INCONCLUSIVE}):\n"
                         f"{events[-1:]}{err}")
    arn = next(event["execution_arn"] for event in events if "execution_arn" in event)
    description = project.aws("stepfunctions").describe_execution(executionArn=arn)
    entered = dict(project.entered(arn))
    return Held(round_, exit_s, entered[INCONCLUSIVE_END] - description["startDate"].timestamp())


def _wait_for(rollout: subprocess.Popen, phase) -> str:
    """The execution's ARN, once a ``--json`` progress line satisfies ``phase``."""
    assert rollout.stdout is not None
    arn = None
    for line in rollout.stdout:
        event = json.loads(line)
        arn = event.get("execution_arn", arn)
        if event.get("event") == "progress" and phase(event):
            if arn is None:
                raise SystemExit(f"no execution ARN before {event}")
            return arn
    raise SystemExit(f"the rollout ended first:\n{rollout.stderr.read() if rollout.stderr else ''}")


def _ended(rollout: subprocess.Popen, name: str, result: str | None) -> str:
    """The rollout's result, once it exited 4 with ``result`` (any, for None)."""
    status = rollout.wait(timeout=60)
    lines = (rollout.stdout.read() if rollout.stdout else "").splitlines()
    ended = json.loads(lines[-1]).get("result") if lines else None
    if status != ROLLED_BACK or (result is not None and ended != result):
        raise SystemExit(f"{name}: the rollout exited {status} ({ended}), not {ROLLED_BACK} ({result}):\n"
                         f"{lines[-3:]}{rollout.stderr.read() if rollout.stderr else ''}")
    return str(ended)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="bluegreen-rollout-bench-"))
    env = dict(os.environ, BLUEGREEN_CACHE_DIR=str(work / "cache"),
               JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="18,20",
               JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    (work / "project").mkdir()
    project = Project(work / "project", env)
    began = time.monotonic()
    samples: list[Sample] = []
    finals: list[Sample] = []
    held: list[Held] = []
    try:
        project.publish()
        for name in DEPLOYMENTS:
            project.run("promote", "bench.py", name, "--local")
        for round_ in range(args.rounds):
            project.publish()
            _round(project, round_, args.rounds, samples, held, finals)
    finally:
        project.run("down", check=False)
        shutil.rmtree(work, ignore_errors=True)
    report(samples, held, finals, args.rounds, time.monotonic() - began)


def _round(project: Project, round_: int, rounds: int, samples: list[Sample], held: list[Held],
           finals: list[Sample]) -> None:
    shown = f"round {round_ + 1}/{rounds}"
    for check in CHECKS if round_ % 2 == 0 else reversed(CHECKS):
        sample = measure(project, check, round_, rounds)
        samples.append(sample)
        print(f"{shown}, check_every_s {check}: alarm set {sample.after_check_s:.2f} s after a check, caught by "
              f"the next {sample.caught_s:.2f} s later, blue alone after {sample.latency_s:.3f} s", flush=True)
    inconclusive = measure_held(project, round_)
    held.append(inconclusive)
    print(f"{shown}, {HELD[0]}: inconclusive, exit 4 after {inconclusive.exit_s:.2f} s, the execution's start to "
          f"blue alone {inconclusive.execution_s:.2f} s", flush=True)
    final = measure_final(project, round_, rounds)
    finals.append(final)
    print(f"{shown}, {FINAL[0]}: alarm set in the final bake {final.after_check_s:.2f} s after a check, caught by "
          f"the next {final.caught_s:.2f} s later, the old blue alone after {final.latency_s:.3f} s", flush=True)


def report(samples: list[Sample], held: list[Held], finals: list[Sample], rounds: int, elapsed: float) -> None:
    print(f"\nrollout timings on the emulator, {rounds} rounds, GetAlias every {POLL_S * 1000:.0f} ms, "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {elapsed:.0f} s in all\n")
    print(f"Rollback latency, the alarm set during step 1's bake (bake_s {BAKE_S}) or the final bake "
          f"(final_bake_s {FINAL[1]}) to blue alone:\n")
    print("| rollback | check_every_s | rounds | min s | median s | max s | max - check_every_s | "
          f"all <= check_every_s + {TARGET_SLACK_S:g} s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    rows = [(f"step 1, svc{check}", check, [s.latency_s for s in samples if s.check_every_s == check])
            for check in CHECKS]
    rows.append(("final bake, old blue", 1, [s.latency_s for s in finals]))
    for label, check, latencies in rows:
        met = all(latency <= check + TARGET_SLACK_S for latency in latencies)
        print(f"| {label} | {check} | {len(latencies)} | {min(latencies):.2f} | {statistics.median(latencies):.2f} "
              f"| {max(latencies):.2f} | {max(latencies) - check:.2f} | {'yes' if met else 'NO'} |")
    planned = HELD[1] + HELD[2]
    print(f"\nInconclusive step, no traffic (bake_s {HELD[1]}, max_hold_s {HELD[2]}, check_every_s 1; at best "
          f"{planned} s):\n")
    print("| from | rounds | min s | median s | max s | max - bake_s - max_hold_s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, values in (("bluegreen rollout started -> exit 4", [h.exit_s for h in held]),
                          ("execution started -> Inconclusive (blue alone)", [h.execution_s for h in held])):
        print(f"| {label} | {len(values)} | {min(values):.2f} | {statistics.median(values):.2f} | "
              f"{max(values):.2f} | {max(values) - planned:.2f} |")


if __name__ == "__main__":
    main()
