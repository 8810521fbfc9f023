"""What a weighted alias needs from its two versions, checked by ``terraform plan`` on moto.

Two rules (docs/aws-rules.md#r4-same-role-and-dead-letter-queue and
#r26-provisioned-concurrency-per-version):

- a release whose dead-letter target differs from blue's can't be canaried: the alias's
  precondition refuses a weight strictly between 0 and 1 and names the reason, while 0 and 1
  still plan; versions that share the target still take any weight;
- provisioned concurrency goes on the versions, split by weight and rounded up, only on versions
  with traffic, keyed by version number, and the alias waits for it: the plan and Terraform's
  own apply graph show the order.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import boto3
import pytest
from conftest import synth_to, terraform, unwrapped, var_args

from generator.model import naming
from generator.model.stack import Deployment, Function

pytestmark = pytest.mark.terraform
DEAD_LETTERS = "arn:aws:sqs:us-east-1:123456789012:svc-dead-letters"
STACK = """
from generator import Deployment, Function, Stack

STACKS = [Stack(name="rules", region="us-east-1", deployments=[Deployment(
    name="svc", provisioned_concurrency={provisioned},
    function=Function(source="src", handler="app.handler", runtime="python3.12",
                      dead_letter_target={dead_letters!r}))])]
"""
SVC = Deployment(name="svc", function=Function(source="src", handler="app.handler", runtime="python3.12"))
AT = naming.Addresses(SVC)


class Stack:
    """The stack file ``rules.py`` and its stack folder, synthesized and applied on moto."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        (folder / "src").mkdir(parents=True)
        self.stack_file = folder / "rules.py"
        self.stack_dir = folder / "out" / "stacks" / "rules"

    def release(self, greeting: str, dead_letters: str | None = None, provisioned: int | None = None) -> None:
        """New code (and settings) synthesized and applied: one more published version."""
        (self.folder / "src" / "app.py").write_text(f"def handler(event, context):\n    return {greeting!r}\n")
        self.configure(dead_letters, provisioned)
        terraform(["apply", "-auto-approve", "-var", "svc_blue_version=1"], self.stack_dir, self.env)

    def configure(self, dead_letters: str | None = None, provisioned: int | None = None) -> None:
        self.stack_file.write_text(STACK.format(provisioned=provisioned, dead_letters=dead_letters))
        synth_to(self.stack_file, self.folder / "out")
        if not (self.stack_dir / ".terraform").exists():
            terraform(["init"], self.stack_dir, self.env)

    def plan(self, check: bool = True, **variables):
        args = ["plan", "-out", "plan.bin", *var_args("svc", **variables)]
        return terraform(args, self.stack_dir, self.env, check=check)

    def plan_json(self, **variables) -> dict:
        self.plan(**variables)
        return json.loads(terraform(["show", "-json", "plan.bin"], self.stack_dir, self.env).stdout)


@pytest.fixture(scope="module")
def released(aws_env, tmp_path_factory) -> Stack:
    """v1 without a dead-letter target, v2 with one, v3 with the same one as v2."""
    stack = Stack(tmp_path_factory.mktemp("rules"), aws_env)
    (stack.folder / "src" / "app.py").write_text("def handler(event, context):\n    return 'one'\n")
    stack.configure()
    terraform(["apply", "-auto-approve"], stack.stack_dir, aws_env)
    stack.release("two", DEAD_LETTERS)
    stack.release("three", DEAD_LETTERS)
    return stack


def test_a_canary_of_a_version_with_another_dead_letter_target_is_refused_at_plan(released):
    result = released.plan(check=False, blue_version=1, green_version=2, green_weight=0.25)
    assert result.returncode != 0
    assert "Resource precondition failed" in result.stderr
    assert ("var.svc_green_weight is between 0 and 1, but the versions in var.svc_blue_version and "
            "var.svc_green_version have different execution roles or dead-letter targets") in unwrapped(result.stderr)


@pytest.mark.parametrize("weight", [0, 1])
def test_all_at_once_is_still_allowed_for_such_a_release(released, weight):
    plan = released.plan_json(blue_version=1, green_version=2, green_weight=weight)
    alias = next(c for c in plan["resource_changes"] if c["address"] == AT.alias)
    assert alias["change"]["after"]["function_version"] == ("2" if weight == 1 else "1")
    # Nothing is read while one version serves.
    assert not [c for c in plan["resource_changes"] if c["address"].startswith("data.")]


def test_versions_that_share_the_target_take_any_weight(released):
    plan = released.plan_json(blue_version=2, green_version=3, green_weight=0.25)
    alias = next(c for c in plan["resource_changes"] if c["address"] == AT.alias)
    assert alias["change"]["after"]["routing_config"] == [{"additional_version_weights": {"3": 0.25}}]


# --- provisioned concurrency --------------------------------------------------------------------

@pytest.fixture(scope="module")
def provisioned(released) -> Stack:
    released.configure(DEAD_LETTERS, provisioned=4)
    return released


def _configs(plan: dict) -> dict[str, tuple[list[str], int]]:
    return {c["index"]: (c["change"]["actions"], c["change"]["after"]["provisioned_concurrent_executions"])
            for c in plan["resource_changes"] if c["type"] == "aws_lambda_provisioned_concurrency_config"}


@pytest.mark.parametrize("weight, expected", [
    # 0.25 (3 and 1) and 0 (4 on blue) are applied in the test of the order below.
    (0.3, {"2": 3, "3": 2}),        # ceil(2.8), ceil(1.2): rounded up on both sides, never 0.3 x 10 = 3.0000001
    (0.0001, {"2": 4, "3": 1}),     # any traffic at all gets warm capacity
    (1, {"3": 4}),                  # green is primary: blue has none, so no config
])
def test_provisioned_concurrency_is_split_by_weight_onto_the_versions(provisioned, weight, expected):
    plan = provisioned.plan_json(blue_version=2, green_version=3, green_weight=weight)
    assert _configs(plan) == {version: (["create"], count) for version, count in expected.items()}


def test_while_blue_is_unpinned_no_version_has_provisioned_concurrency(provisioned):
    assert _configs(provisioned.plan_json()) == {}


def test_the_alias_waits_for_the_configs_in_the_plan_and_in_terraforms_apply_graph(provisioned):
    plan = provisioned.plan_json(blue_version=2, green_version=3, green_weight=0.25)
    alias = next(r for r in plan["configuration"]["root_module"]["resources"] if r["address"] == AT.alias)
    assert alias["depends_on"] == [AT.provisioned_concurrency]
    graph = terraform(["graph", "-type=apply", "-plan=plan.bin"], provisioned.stack_dir, provisioned.env).stdout
    edges = [line.strip().split(" -> ") for line in graph.splitlines() if " -> " in line]
    waits = [(source, target) for source, target in edges
             if AT.alias in source and AT.provisioned_concurrency in target]
    assert waits, textwrap.shorten(graph, 2000)


def _apply(stack: Stack, **variables) -> str:
    args = ["apply", "-auto-approve", *var_args("svc", **variables)]
    return terraform(args, stack.stack_dir, stack.env).stdout


def _line(output: str, text: str) -> int:
    """The position of the first line of ``output`` that holds ``text`` (it must be there)."""
    lines = output.splitlines()
    return next(i for i, line in enumerate(lines) if text in line)


def test_a_shift_warms_green_before_the_alias_moves_and_a_rollback_cools_it_only_after(provisioned):
    """Applied on the emulator: Terraform's own progress lines show the order of the changes."""
    lam = boto3.client("lambda", endpoint_url=provisioned.env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    green_config = f'{AT.provisioned_concurrency}["3"]'
    applied = _apply(provisioned, blue_version=2, green_version=3, green_weight=0.25)
    assert _line(applied, f"{green_config}: Creation complete") < _line(applied, f"{AT.alias}: Modifying...")
    assert _warm(lam) == {"2": 3, "3": 1}
    assert lam.get_alias(FunctionName="rules-svc", Name="live")["RoutingConfig"]["AdditionalVersionWeights"] == {"3": 0.25}

    rolled_back = _apply(provisioned, blue_version=2)
    assert _line(rolled_back, f"{AT.alias}: Modifications complete") < _line(rolled_back, f"{green_config}: Destroying...")
    assert _warm(lam) == {"2": 4}

    promoted = _apply(provisioned, blue_version=3)  # as after a promote: v3 serves everything
    assert _warm(lam) == {"3": 4}
    assert _line(promoted, f"{AT.alias}: Modifications complete") < \
        _line(promoted, f'{AT.provisioned_concurrency}["2"]: Destroying...')


def _warm(lam) -> dict[str, int]:
    configs = lam.list_provisioned_concurrency_configs(FunctionName="rules-svc")["ProvisionedConcurrencyConfigs"]
    return {c["FunctionArn"].rsplit(":", 1)[1]: c["RequestedProvisionedConcurrentExecutions"] for c in configs}
