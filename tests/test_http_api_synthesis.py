"""What the HTTP API door writes: the ``http`` fixture (every option on one deployment, the plain
door on another) against its golden, checked by ``terraform validate`` with the real provider,
and the addresses and outputs the slice promises (docs/http-api.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES, GOLDEN, synth_to, terraform
from test_synthesis import without_metadata

UPDATE = os.environ.get("BLUEGREEN_UPDATE_GOLDENS") == "1"
STACK_FILE = FIXTURES / "http" / "http.py"


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory) -> Path:
    return synth_to(STACK_FILE, tmp_path_factory.mktemp("http") / "cdktf.out") / "stacks" / "http"


@pytest.fixture(scope="module")
def produced(stack_dir) -> dict:
    return without_metadata(json.loads((stack_dir / "cdk.tf.json").read_text()))


def test_the_synthesized_json_matches_the_golden_file(produced):
    golden = GOLDEN / "http.cdk.tf.json"
    if UPDATE:
        golden.write_text(json.dumps(produced, indent=2, sort_keys=True) + "\n")
    assert produced == json.loads(golden.read_text()), \
        f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 and review the diff of {golden.name}"


def test_every_route_is_one_instance_of_one_resource_keyed_by_its_route_key(produced):
    routes = produced["resource"]["aws_apigatewayv2_route"]["orders"]
    assert sorted(routes["for_each"]) == ["$default", "ANY /files/{proxy+}", "GET /orders", "POST /orders"]
    assert (routes["route_key"], routes["target"]) == ("${each.key}", "integrations/${aws_apigatewayv2_integration.orders.id}")


def test_the_integration_calls_the_alias_and_the_grant_names_it(produced):
    resources = produced["resource"]
    integration = resources["aws_apigatewayv2_integration"]["files"]
    assert (integration["integration_uri"], integration["payload_format_version"], integration["timeout_milliseconds"]) == \
        ("${aws_lambda_alias.files.invoke_arn}", "1.0", 15000)
    grant = resources["aws_lambda_permission"]["files_http_api"]
    assert (grant["qualifier"], grant["source_arn"]) == ("${aws_lambda_alias.files.name}",
                                                          "${aws_apigatewayv2_api.files.execution_arn}/*/*")
    stage = resources["aws_apigatewayv2_stage"]["files"]
    assert (stage["name"], stage["auto_deploy"]) == ("v1", True)
    assert produced["output"]["files_http_api_url"]["value"] == "${aws_apigatewayv2_stage.files.invoke_url}"


def test_terraform_validate_accepts_it(stack_dir, terraform_env):
    terraform(["init", "-backend=false"], stack_dir, terraform_env)
    result = terraform(["validate", "-json"], stack_dir, terraform_env)
    assert json.loads(result.stdout)["valid"] is True


def test_a_rollout_behind_any_door_gates_on_the_same_version_metrics(tmp_path):
    # The rollout slice knows no door: its alarms and state machine read the function's version
    # metrics through the alias, so they are the same behind a REST API as behind an HTTP API
    # and a function URL (docs/aws-rules.md#r48-alarms-scoped-to-a-version).
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    stack = ("from generator import Deployment, Function, FunctionUrl, HttpApi, RestApi, Rollout, Route, Stack\n"
             "STACKS = [Stack(name='rq', region='us-east-1', deployments=[Deployment(name='svc', "
             "function=Function(source='src', handler='app.handler', runtime='python3.12'), api={api}, "
             "rollout=Rollout(steps=[0.1, 0.5], bake_s=300, check_every_s=60, max_error_rate=0.01))])]\n")
    written = {}
    for name, api in (("rest", "RestApi(routes=[Route('GET', '/a')])"),
                      ("others", "[HttpApi(routes=[Route('GET', '/a')]), FunctionUrl(auth='AWS_IAM')]")):
        (tmp_path / f"{name}.py").write_text(stack.format(api=api))
        out = synth_to(tmp_path / f"{name}.py", tmp_path / name)
        resources = json.loads((out / "stacks" / "rq" / "cdk.tf.json").read_text())["resource"]
        written[name] = {kind: without_metadata(resources[kind]) for kind in
                         ("aws_cloudwatch_metric_alarm", "aws_sfn_state_machine", "aws_iam_role_policy")}
    assert written["rest"]["aws_cloudwatch_metric_alarm"] == written["others"]["aws_cloudwatch_metric_alarm"]
    assert written["rest"]["aws_sfn_state_machine"] == written["others"]["aws_sfn_state_machine"]
    assert written["rest"]["aws_iam_role_policy"]["svc_rollout"] == written["others"]["aws_iam_role_policy"]["svc_rollout"]
