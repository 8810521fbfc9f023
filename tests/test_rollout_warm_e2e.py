"""A rollout with provisioned concurrency on the emulator: green READY before each weight, then
the next plan changes nothing (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).

One project of its own (a stack with ``provisioned_concurrency`` and a reservation just above the
worst moment), which ``test_rollout_e2e``'s can't share: every rollout of a deployment with
provisioned concurrency starts with green pinned at weight 0. The emulator keeps a new figure
``IN_PROGRESS`` for ``BLUEGREEN_LOCAL_PC_READY_S`` (2 s by default), so the machine's 10 s polls
see it warming. ``min_invocations=0``: the traffic gates are ``test_rollout_e2e``'s.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from test_rollout_e2e import Project, new_project, next_plan_changes_no_resource

from generator.features.rollout import machine as sm
from generator.features.rollout import messages as msg
from generator.features.rollout import warm

pytestmark = pytest.mark.terraform
N, RESERVED = 4, 8  # steps (0.25, 0.5): 1 + 4, 2 + 3, 4 + 2 at the promotion, 4 + 3 for a --promote-now in step 1: 7
STACK = f'''
from generator import Deployment, Function, Rollout, Stack

STACKS = [Stack(name="ship", region="us-east-1", deployments=[Deployment(
    name="svc", provisioned_concurrency={N},
    function=Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=1,
                      reserved_concurrency={RESERVED}),
    rollout=Rollout(steps=(0.25, 0.5), bake_s=2, check_every_s=1, max_error_rate=0.01, metric_delay_s=0,
                    min_invocations=0))])]
'''


@pytest.fixture(scope="module")
def project(terraform_env, tmp_path_factory):
    ship = new_project(terraform_env, tmp_path_factory.mktemp("warm"), STACK)
    try:
        ship.publish()
        assert ship.run("promote", "ship.py", "svc", "--local").returncode == 0
        yield ship
    finally:
        ship.run("down")


def _configs(project: Project) -> dict[str, tuple[int, str]]:
    listed = project.aws("lambda").list_provisioned_concurrency_configs(FunctionName="ship-svc")
    return {c["FunctionArn"].rsplit(":", 1)[1]: (c["RequestedProvisionedConcurrentExecutions"], c["Status"])
            for c in listed["ProvisionedConcurrencyConfigs"]}


def _warm_statuses(history: list[dict]) -> list[tuple[str, str]]:
    """Each warm Choice entered, in order: (its state name, green's status it judged)."""
    found = []
    for event in history:
        details = event.get("stateEnteredEventDetails") or {}
        if details.get("name", "").endswith(warm.WARM):
            found.append((details["name"], json.loads(details["input"])["warm"]["status"]))
    return found


def test_green_is_ready_before_each_weight_and_the_next_plan_changes_nothing(project):
    blue, green = project.committed()["blue_version"], project.publish()
    unpinned = project.run("rollout", "ship.py", "svc", "--local")
    assert unpinned.returncode == 2, unpinned.stdout + unpinned.stderr
    assert msg.green_must_be_pinned_warm(green, f"blue v{blue}, green weight 0") in unpinned.stderr
    # Pinned at weight 0 and applied: Terraform warms green for the first weight, blue keeps N.
    project.traffic.write_text(json.dumps({"svc": {"blue_version": blue, "green_version": green,
                                                   "green_weight": 0}}, indent=2) + "\n")
    assert project.run("up", "ship.py", "--local").returncode == 0
    assert _configs(project) == {blue: (N, "READY"), green: (1, "READY")}

    result = project.run("rollout", "ship.py", "svc", "--local")
    assert result.returncode == 0, result.stdout + result.stderr
    assert project.alias() == (green, {})
    assert project.committed() == {"blue_version": green, "green_version": None, "green_weight": 0}
    # Only green's config is left, at N: the old blue's was released after the final bake.
    assert {v: figure for v, (figure, _) in _configs(project).items()} == {green: N}

    history = project.aws("stepfunctions").get_execution_history(
        executionArn=project.outcome()["execution_arn"], maxResults=1000)["events"]
    entered = [(e.get("stateEnteredEventDetails") or {}).get("name") for e in history]
    judged = _warm_statuses(history)
    assert ("Step 2: green warm?", "IN_PROGRESS") in judged or ("Promote: green warm?", "IN_PROGRESS") in judged
    for change in (sm.step_state(1, sm.SET_WEIGHT), sm.step_state(2, sm.SET_WEIGHT), sm.PROMOTE):
        step = change.split(":")[0] if ":" in change else sm.PROMOTE
        before = [status for name, status in judged[:sum(1 for n in entered[:entered.index(change)]
                                                         if n and n.endswith(warm.WARM))]
                  if name.startswith(step)]
        assert before and before[-1] == "READY", (change, judged)

    # Green's config is Terraform's since the pin: nothing is created again, the old blue's is gone.
    stack, env = next_plan_changes_no_resource(project)
    assert project.run("up", "ship.py", "--local").returncode == 0  # the outputs' new pins
    second = subprocess.run(["terraform", "plan", "-detailed-exitcode", "-no-color"], cwd=stack, env=env,
                            capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
