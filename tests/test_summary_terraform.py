"""``bluegreen summary`` of real plans: the example applied on moto, then changed and planned.

Each step changes one thing (the function's configuration, its code, both, a rollout added or
changed; in a caller's root module, new code and a canary) and checks what the summary of that
very plan says: the version it publishes, what changed (never an environment value), the
rollout's steps and gates, a module's alias. ``BLUEGREEN_CAPTURE_PLANS=DIR`` saves each plan,
trimmed to what the summary reads (``trim``), into DIR: that is how the ``config-change``,
``code-change``, ``code-and-config-change``, ``rollout-added``, ``rollout-changed`` and
``module-*`` fixtures in ``tests/fixtures/plans`` were made.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from conftest import bootstrap_account, copy_example, terraform

from generator.cli import program as cli
from generator.releasing.plan_summary import render_summary, summarize

pytestmark = pytest.mark.terraform
SECRET = "hunter2-never-in-a-summary"


def trim(plan: dict) -> dict:
    """The plan with only what the summary reads: its changes and root variables, the module
    calls' variable names and arguments, and the data sources' qualifiers from the prior state."""
    kept = {k: plan[k] for k in ("format_version", "variables", "resource_changes") if k in plan}
    calls = ((plan.get("configuration") or {}).get("root_module") or {}).get("module_calls") or {}
    if calls:
        kept["configuration"] = {"root_module": {"module_calls": {
            name: {"expressions": call.get("expressions") or {},
                   "module": {"variables": {v: {} for v in (call.get("module") or {}).get("variables") or {}}}}
            for name, call in calls.items()}}}
        modules = ((plan.get("prior_state") or {}).get("values") or {}).get("root_module", {}).get("child_modules", [])
        kept["prior_state"] = {"values": {"root_module": {"child_modules": [
            {"address": m["address"], "resources": [
                {**{k: r[k] for k in ("address", "mode", "type", "name", "index") if k in r},
                 "values": {"qualifier": r["values"].get("qualifier")}}
                for r in m.get("resources", []) if r["mode"] == "data"]} for m in modules]}}}
    return kept


class Stage:
    """A folder where Terraform runs, and the example's stack file that bluegreen synthesizes."""

    def __init__(self, tmp_path: Path, env: dict[str, str], capsys, module: bool = False):
        # Both tests deploy the example (function hello-hello) on this module's moto server.
        urllib.request.urlopen(urllib.request.Request(f"{env['AWS_ENDPOINT_URL']}/moto-api/reset", method="POST"))
        bootstrap_account(env)  # the reset forgot the account's CloudWatch role
        self.stack_file, self.env, self.capsys, self.module = copy_example(tmp_path), env, capsys, module
        self.out = tmp_path / "cdktf.out"
        self.where = tmp_path if module else self.out / "stacks" / "hello"

    def bluegreen(self, *args: str) -> None:
        code = cli.main([args[0], str(self.stack_file), *args[1:], "--out", str(self.out)])
        assert code == 0, self.capsys.readouterr().err
        self.capsys.readouterr()

    def synth(self) -> None:
        self.bluegreen("synth", *(["--module"] if self.module else []))

    def plan(self, capture: str) -> dict:
        self.synth()
        terraform(["plan", "-out", "plan.bin"], self.where, self.env)
        plan = json.loads(terraform(["show", "-json", "plan.bin"], self.where, self.env).stdout)
        folder = os.environ.get("BLUEGREEN_CAPTURE_PLANS")
        if folder:
            Path(folder, f"{capture}.json").write_text(json.dumps(trim(plan), indent=1, sort_keys=True) + "\n")
        return plan

    def apply(self) -> None:
        terraform(["apply", "plan.bin"], self.where, self.env)

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new))

    def edit_stack(self, old: str, new: str) -> None:
        self.edit(self.stack_file, old, new)

    def edit_code(self, old: str, new: str) -> None:
        self.edit(self.stack_file.parent / "hello_src" / "app.py", old, new)


def lines(plan: dict) -> tuple[list[str], str, str]:
    """The deployments' lines, the Markdown and the text of the plan's summary."""
    summary = summarize(plan)
    return [line for d in summary.deployments for line in d.lines], render_summary(summary, "md"), \
        render_summary(summary, "text")


ROLLOUT = ('rollout=Rollout(steps=(0.1, 0.5), bake_s=240, check_every_s=60, max_error_rate=0.01, '
           'gate_alarms=("hello-api-5xx",), min_invocations=100, max_hold_s=120, final_bake_s=300),'
           '\n                api=RestApi(')
TRAFFIC = ("at least 100 invocations per step (held up to 120 s), error rate over each step and the whole rollout > "
           "0.01, final bake 300 s at 100%")


def test_a_plan_names_the_version_it_publishes_what_changed_and_the_rollout(aws_env, tmp_path, capsys):
    stage = Stage(tmp_path, aws_env, capsys)
    stage.synth()
    terraform(["init"], stage.where, aws_env)
    terraform(["apply", "-auto-approve"], stage.where, aws_env)

    # Configuration only: a key added with a secret value, a value changed. Keys, never values.
    stage.edit_stack('environment={"LOG_LEVEL": "INFO"}', f'environment={{"LOG_LEVEL": "DEBUG", "API_TOKEN": "{SECRET}"}}')
    found, md, text = lines(stage.plan("config-change"))
    assert found[1:] == ["hello: publishes v2, new: configuration changes (environment keys: "
                         "API_TOKEN added, LOG_LEVEL changed)"]
    assert SECRET not in md + text and "DEBUG" not in md + text
    stage.apply()

    # Code only: the source hashes before and after.
    stage.edit_code("Blue", "Green")
    found, md, text = lines(stage.plan("code-change"))
    assert re.fullmatch(r"hello: publishes v3, new: code changes \(source hash \S+ -> \S+\)", found[1])
    stage.apply()

    # Both, and the secret's value changed: still no value in the summary.
    stage.edit_code("Green", "Teal")
    stage.edit_stack(f'"API_TOKEN": "{SECRET}"', f'"API_TOKEN": "{SECRET}-2"')
    found, md, text = lines(stage.plan("code-and-config-change"))
    assert re.fullmatch(r"hello: publishes v4, new: code changes \(source hash \S+ -> \S+\), configuration "
                        r"changes \(environment keys: API_TOKEN changed\)", found[1])
    assert SECRET not in md + text
    stage.apply()

    # A rollout added, then its steps changed: the steps and the gates.
    stage.edit_stack("from generator import ", "from generator import Rollout, ")
    stage.edit_stack("api=RestApi(", ROLLOUT)
    found, md, text = lines(stage.plan("rollout-added"))
    assert found[1:] == ["hello: rollout added: steps 10%, 50%, then 100%; 240 s per step, gates read every 60 s; "
                         f"{TRAFFIC}; gates: hello-hello-live-green-error-rate (error rate > 0.01), hello-api-5xx"]
    stage.apply()
    stage.edit_stack("steps=(0.1, 0.5)", "steps=(0.05, 0.25, 0.5)")
    stage.edit_stack("min_invocations=100", "min_invocations=20")
    found, md, text = lines(stage.plan("rollout-changed"))
    assert found[1:] == ["hello: rollout changes: steps 5%, 25%, 50%, then 100% (was 10%, 50%, then 100%); 240 s "
                         f"per step, gates read every 60 s; {TRAFFIC.replace('100 invocations', '20 invocations')} "
                         f"(was {TRAFFIC}); gates: hello-hello-live-green-error-rate (error rate > 0.01), hello-api-5xx"]
    assert "rollout changes: steps 5%, 25%, 50%" in md and "rollout changes: steps 5%, 25%, 50%" in text


def _readme_usage(module_dir: Path) -> str:
    """The HCL blocks of the module's README, as a caller copies them."""
    return "\n".join(re.findall(r"```hcl\n(.*?)```", (module_dir / "README.md").read_text(), flags=re.S))


def test_a_module_plan_shows_the_alias_inside_the_module(aws_env, tmp_path, capsys):
    stage = Stage(tmp_path, aws_env, capsys, module=True)
    stage.synth()
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n\n' +
                                      _readme_usage(tmp_path / "cdktf.out/modules/hello"))
    terraform(["init"], tmp_path, aws_env)
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)

    stage.edit_code("Blue", "Green")
    found, md, text = lines(stage.plan("module-new-version"))
    assert found == ["module.hello: hello: v1 100% -> 100% (no change)",
                     "module.hello: hello: publishes v2, new: code changes (source hash "
                     + found[1].split("(source hash ")[1]]
    assert "no Lambda alias" not in text and "No Lambda alias" not in md
    stage.apply()

    stage.bluegreen("promote", "hello", "--version", "1")
    stage.bluegreen("shift", "hello", "25%", "--version", "2")
    found, md, text = lines(stage.plan("module-canary-25"))
    assert found == ["module.hello: hello: blue v1 100% -> 75%, green v2 0% -> 25%"]
