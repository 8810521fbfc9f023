"""The whole release cycle, end to end, against a moto server with the real Terraform CLI.

First deploy, new code while blue is unpinned (it gets no traffic), pin blue, canary at 25%,
shift to 50% (a plan that changes only the alias), promote, new code with a new route, a canary
taken to weight 1, new code at weight 1 (it gets no traffic), back to half, roll back, a route
removed and gone from the API, a renamed alias replaced create-before-destroy, and a weight of
1.5 refused by ``terraform plan``. After the route removal and the rename a second plan is
empty. Traffic changes go through the ``bluegreen`` commands (which edit only the committed
traffic file), synthesis carries them into the stack folder, and the live alias is read back
with boto3 after every apply and compared with what the plan summary of that very plan said the
alias would serve.

``BLUEGREEN_CAPTURE_PLANS=DIR`` also saves each step's plan JSON (trimmed to what the summary
reads) into DIR: that is how ``tests/fixtures/plans`` was made.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest
from conftest import copy_example, terraform

from generator.cli import program as cli
from generator.releasing.plan_summary import render_summary, summarize

pytestmark = pytest.mark.terraform
ALIAS = "aws_lambda_alias.hello"


class Release:
    """One stack folder driven like a user would: bluegreen commands, then terraform."""

    def __init__(self, stack_file: Path, env: dict[str, str], capsys):
        self.stack_file, self.env, self.capsys = stack_file, env, capsys
        self.alias_name = "live"
        self.out = stack_file.parent.parent / "cdktf.out"
        self.stack_dir = self.out / "stacks" / "hello"
        self.traffic_file = stack_file.parent / "hello.traffic.json"
        self.lam = boto3.client("lambda", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                                aws_access_key_id="test", aws_secret_access_key="test")
        self.apigateway = boto3.client("apigateway", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                                       aws_access_key_id="test", aws_secret_access_key="test")

    def bluegreen(self, *args: str, expect: int = 0) -> str:
        code = cli.main([args[0], str(self.stack_file), *args[1:], "--out", str(self.out)])
        captured = self.capsys.readouterr()
        assert code == expect, captured.err
        return captured.out + captured.err

    def plan(self, capture: str) -> dict:
        self.bluegreen("synth")
        terraform(["plan", "-out", "plan.bin"], self.stack_dir, self.env)
        plan = json.loads(terraform(["show", "-json", "plan.bin"], self.stack_dir, self.env).stdout)
        _capture(capture, plan)
        # The reviewer's summary of this very plan: it renders, and what it says the alias will
        # serve is checked against the live alias after the apply.
        self.summary = summarize(plan)
        for form in ("md", "text"):
            assert render_summary(self.summary, form)
        return plan

    def apply(self) -> None:
        terraform(["apply", "plan.bin"], self.stack_dir, self.env)
        (deployment,) = self.summary.deployments or [None]
        if deployment is not None and deployment.after.shares is not None:
            primary, weights = self.alias(self.alias_name)
            live = {primary: 1 - sum(weights.values()), **weights}
            assert {v: round(share, 6) for v, share in deployment.after.shares.items() if share} == \
                {v: round(share, 6) for v, share in live.items() if share}, deployment.line

    def plan_is_empty(self) -> bool:
        result = terraform(["plan", "-detailed-exitcode"], self.stack_dir, self.env, check=False)
        assert result.returncode in (0, 2), result.stderr
        return result.returncode == 0

    def alias(self, name: str = "live") -> tuple[str, dict]:
        live = self.lam.get_alias(FunctionName="hello-hello", Name=name)
        return live["FunctionVersion"], (live.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}

    def paths(self) -> set[str]:
        apis = self.apigateway.get_rest_apis()["items"]
        (api,) = [a for a in apis if a["name"] == "hello-hello"]
        return {r["path"] for r in self.apigateway.get_resources(restApiId=api["id"])["items"]}

    def edit_code(self, old: str, new: str) -> None:
        _replace(self.stack_file.parent / "hello_src" / "app.py", old, new)

    def edit_stack(self, old: str, new: str) -> None:
        _replace(self.stack_file, old, new)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def _capture(name: str, plan: dict) -> None:
    folder = os.environ.get("BLUEGREEN_CAPTURE_PLANS")
    if folder:
        keep = {k: plan[k] for k in ("format_version", "variables", "resource_changes") if k in plan}
        Path(folder, f"{name}.json").write_text(json.dumps(keep, indent=1, sort_keys=True) + "\n")


def changed(plan: dict) -> dict[str, list[str]]:
    return {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]
            if c["change"]["actions"] != ["no-op"]}


def alias_after(plan: dict) -> dict:
    return next(c["change"]["after"] for c in plan["resource_changes"] if c["address"] == ALIAS)


def test_a_release_cycle_from_first_deploy_to_rollback(aws_env, tmp_path, capsys):
    release = Release(copy_example(tmp_path), aws_env, capsys)

    # First deploy: version 1 serves everything; blue is not pinned yet.
    release.bluegreen("synth")
    terraform(["init"], release.stack_dir, aws_env)
    first = release.plan("first-deploy")
    assert all(actions == ["create"] for actions in changed(first).values())
    release.apply()
    assert release.alias() == ("1", {})

    # Nobody pinned blue, and new code is published as v2: it gets no traffic all the same.
    release.edit_code("Blue", "Green")
    assert changed(release.plan("unpinned-new-version")) == {"aws_lambda_function.hello": ["update"]}
    release.apply()
    assert release.alias() == ("1", {})
    outputs = json.loads(terraform(["output", "-json"], release.stack_dir, aws_env).stdout)
    assert outputs["hello_alias_routing"]["value"] == {"primary": "1", "weights": {}}
    assert "v2 gets no traffic" in release.bluegreen("status")

    # Pin blue: with blue unpinned, promote pins the version now serving (1), not the newest.
    assert "blue unpinned, no green, green weight 0 -> blue v1, no green, green weight 0" in \
        release.bluegreen("promote", "hello")
    assert json.loads(release.traffic_file.read_text()) == {
        "hello": {"blue_version": "1", "green_version": None, "green_weight": 0}}
    assert changed(release.plan("pin-blue")) == {}
    release.apply()
    assert release.alias() == ("1", {})

    # Canary at 25%, then 50%: shift names the newest applied version (2) as green; each plan
    # changes the alias and nothing else.
    release.bluegreen("shift", "hello", "25%")
    canary = release.plan("canary-25")
    assert changed(canary) == {ALIAS: ["update"]}
    assert alias_after(canary)["function_version"] == "1"
    assert alias_after(canary)["routing_config"] == [{"additional_version_weights": {"2": 0.25}}]
    release.apply()
    assert release.alias() == ("1", {"2": 0.25})
    before = release.traffic_file.read_text()
    release.bluegreen("shift", "hello", "0.5")
    assert _diff_lines(before, release.traffic_file.read_text()) == 1
    assert changed(release.plan("shift-50")) == {ALIAS: ["update"]}
    release.apply()
    assert release.alias() == ("1", {"2": 0.5})
    assert '"phase": "canary"' in release.bluegreen("status", "--json")

    # Promote: green (2) becomes blue, all traffic on it.
    release.bluegreen("promote", "hello")
    assert changed(release.plan("promote")) == {ALIAS: ["update"]}
    release.apply()
    assert release.alias() == ("2", {})

    # New code together with a new route: the API document changes in place and is redeployed.
    release.edit_code("Green", "Teal")
    release.edit_stack('routes=[Route("GET", "/hello")]', 'routes=[Route("GET", "/hello"), Route("GET", "/health")]')
    assert changed(release.plan("route-change")) == {
        "aws_lambda_function.hello": ["update"], "aws_api_gateway_rest_api.hello": ["update"],
        "aws_api_gateway_deployment.hello": ["create", "delete"], "aws_api_gateway_stage.hello_v1": ["update"]}
    release.apply()
    assert release.alias() == ("2", {})
    assert release.paths() == {"/", "/hello", "/health"}

    # Canary of v3 at 10%, then all of it: weight 1 makes v3 the primary version.
    release.bluegreen("shift", "hello", "10%")
    assert changed(release.plan("canary-10")) == {ALIAS: ["update"]}
    release.apply()
    assert release.alias() == ("2", {"3": 0.1})
    release.bluegreen("shift", "hello", "1")
    to_one = release.plan("to-one")
    assert changed(to_one) == {ALIAS: ["update"]}
    assert (alias_after(to_one)["function_version"], alias_after(to_one)["routing_config"]) == ("3", [])  # no routing block
    release.apply()
    assert release.alias() == ("3", {})

    # New code while green has weight 1: v4 is published and takes no traffic in that apply.
    release.edit_code("Teal", "Gold")
    assert changed(release.plan("w1-new-version")) == {"aws_lambda_function.hello": ["update"]}
    release.apply()
    assert release.alias() == ("3", {})
    assert release.lam.get_function(FunctionName="hello-hello:4")["Configuration"]["Version"] == "4"

    # Back to half, then roll back: weight 0, blue unchanged.
    release.bluegreen("shift", "hello", "50%")
    assert changed(release.plan("one-to-half")) == {ALIAS: ["update"]}
    release.apply()
    assert release.alias() == ("2", {"3": 0.5})
    release.bluegreen("rollback", "hello")
    assert changed(release.plan("rollback")) == {ALIAS: ["update"]}
    release.apply()
    assert release.alias() == ("2", {})

    # A removed route is gone from the API (not only from the stack file), and stays gone.
    release.edit_stack('routes=[Route("GET", "/hello"), Route("GET", "/health")]', 'routes=[Route("GET", "/hello")]')
    assert changed(release.plan("route-removal")) == {
        "aws_api_gateway_rest_api.hello": ["update"], "aws_api_gateway_deployment.hello": ["create", "delete"],
        "aws_api_gateway_stage.hello_v1": ["update"]}
    release.apply()
    assert release.paths() == {"/", "/hello"}
    assert release.plan_is_empty()

    # A renamed alias: the new alias, its permission and a new API deployment exist before the
    # old ones go (create, then delete).
    release.edit_stack('alias="live"', 'alias="prod"')
    release.alias_name = "prod"
    assert changed(release.plan("alias-rename")) == {
        ALIAS: ["create", "delete"], "aws_lambda_permission.hello_api": ["create", "delete"],
        "aws_api_gateway_rest_api.hello": ["update"], "aws_api_gateway_deployment.hello": ["create", "delete"],
        "aws_api_gateway_stage.hello_v1": ["update"]}
    release.apply()
    assert release.alias("prod") == ("2", {})
    assert [a["Name"] for a in release.lam.list_aliases(FunctionName="hello-hello")["Aliases"]] == ["prod"]
    assert release.plan_is_empty()

    # A weight of 1.5 is refused by bluegreen (file unchanged) and by terraform plan itself.
    before = release.traffic_file.read_text()
    assert "WEIGHT: must be from 0 to 1" in release.bluegreen("shift", "hello", "1.5", expect=2)
    assert release.traffic_file.read_text() == before
    refused = terraform(["plan", "-var", "hello_green_weight=1.5"], release.stack_dir, aws_env, check=False)
    assert refused.returncode != 0
    assert "hello_green_weight must be a number from 0 to 1" in " ".join(refused.stderr.split())
    assert release.alias("prod") == ("2", {})


def _diff_lines(before: str, after: str) -> int:
    return sum(1 for old, new in zip(before.splitlines(), after.splitlines(), strict=False) if old != new) + \
        abs(len(before.splitlines()) - len(after.splitlines()))
