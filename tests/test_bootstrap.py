"""``bluegreen bootstrap``: the one owner of the account's API Gateway CloudWatch role per region
(docs/aws-rules.md#r51-the-account-bootstrap), and stacks that leave that setting alone.

On moto, through the emulator's own server (``moto_extras``), which refuses a logging stage while
the account names no role, as AWS does: a stack with access logs fails before the bootstrap and
applies after it; a second bootstrap changes nothing; a role someone else set is left alone unless
taken over; ``--destroy`` asks for ``--yes``, then deletes the role and clears the setting (or
leaves a setting that names someone else's role by now).
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from conftest import EXAMPLE, bootstrapped_role, synth_to, terraform

from generator.cli import program as cli
from generator.core.errors import ExternalToolFailed
from generator.core.messages import bootstrap as msg
from generator.core.messages import model as model_msg
from generator.features.loader import load_stack_file
from generator.features.rest_api.addresses import RestApiAddresses
from generator.local.moto_extras import LOGGING_ROLE_MISSING
from generator.model import naming

OTHER_ROLE = "arn:aws:iam::123456789012:role/platform-team-apigw-logs"


def _documents(config: dict) -> list[dict]:
    """Every IAM policy document a synthesized stack holds (inline, managed, trust)."""
    found = []
    for kind, resources in config.get("resource", {}).items():
        for resource in resources.values():
            for key in ("policy", "assume_role_policy"):
                if kind.startswith("aws_iam_") and isinstance(resource.get(key), str):
                    found.append(json.loads(resource[key]))
            found += [json.loads(inline["policy"]) for inline in resource.get("inline_policy", [])]
    return found


def test_stacks_with_default_options_leave_the_account_setting_alone_so_two_never_fight(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    stack_file = tmp_path / "two.py"
    stack_file.write_text(
        "from generator import Deployment, Function, RestApi, Route, Stack\n"
        "f = Function(source='src', handler='app.handler', runtime='python3.12')\n"
        "api = RestApi(routes=[Route('GET', '/')])\n"
        "STACKS = [Stack(name=n, region='us-east-1', deployments=[Deployment(name='a', function=f, api=api)])\n"
        "          for n in ('one', 'two')]\n")
    out = synth_to(stack_file, tmp_path / "out")
    synth_to(EXAMPLE, tmp_path / "example")
    configs = [json.loads((out / "stacks" / name / "cdk.tf.json").read_text()) for name in ("one", "two")]
    configs.append(json.loads((tmp_path / "example/stacks/hello/cdk.tf.json").read_text()))
    for config in configs:
        assert "aws_api_gateway_account" not in config["resource"]
        assert config["resource"]["aws_api_gateway_stage"]["a_live" if config is not configs[-1] else "hello_v1"][
            "access_log_settings"]  # access logs stay on by default
        statements = [s for document in _documents(config) for s in document["Statement"]]
        assert statements and not [s for s in statements if s.get("Resource") in ("*", ["*"])]


@pytest.mark.parametrize("arguments, where, problem", [
    (["--region", "mars-1"], "--region", model_msg.must_be_an_aws_region("mars-1")),
    (["--region", "us-east-1", "--local", "--dir", "b"], "--dir",
     msg.cannot_be_combined_with_local("--dir", ".bluegreen/local")),
    (["--region", "us-east-1", "--state-key", "k"], "--state-key", msg.needs_state_bucket("--state-key")),
    (["--region", "us-east-1", "--state-bucket", "No_Bucket"], "--state-bucket",
     model_msg.must_be_a_bucket_name("No_Bucket")),
    (["--region", "us-east-1", "--destroy"], "--destroy", msg.destroy_needs_yes("us-east-1")),
])
def test_bad_arguments_exit_2_naming_them_before_anything_runs(arguments, where, problem, tmp_path, monkeypatch,
                                                                capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    assert cli.main(["bootstrap", *arguments]) == 2
    assert f"{where}: {problem}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git"]  # nothing written


# --- on moto ----------------------------------------------------------------------------------------

@pytest.fixture
def on_moto(fresh_aws_env, tmp_path, monkeypatch):
    """The CLI in-process against this module's moto server (not bootstrapped), from ``tmp_path``."""
    for name, value in fresh_aws_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    return fresh_aws_env


def _apigateway(env: dict, region: str):
    return boto3.client("apigateway", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test")


def _iam_roles(env: dict) -> list[str]:
    iam = boto3.client("iam", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    return [role["RoleName"] for role in iam.list_roles()["Roles"]]


def _set_role(env: dict, region: str, role: str) -> None:
    _apigateway(env, region).update_account(patchOperations=[
        {"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])


def _bootstrap(capsys, *arguments: str) -> str:
    code = cli.main(["bootstrap", *arguments])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return printed.out


@pytest.mark.terraform
def test_the_emulator_refuses_a_logging_stage_while_the_account_names_no_role(on_moto):
    client = _apigateway(on_moto, "ap-south-1")
    api = client.create_rest_api(name="bare")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api, stageName="v1")
    logs = {"op": "replace", "path": "/accessLogSettings/destinationArn",
            "value": "arn:aws:logs:ap-south-1:123456789012:log-group:bare"}
    with pytest.raises(client.exceptions.BadRequestException) as refused:
        client.update_stage(restApiId=api, stageName="v1", patchOperations=[logs])
    assert refused.value.response["Error"]["Message"] == LOGGING_ROLE_MISSING
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    client.update_stage(restApiId=api, stageName="v1", patchOperations=[  # no logging: allowed
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "OFF"}])
    _set_role(on_moto, "ap-south-1", OTHER_ROLE)
    client.update_stage(restApiId=api, stageName="v1", patchOperations=[logs])


@pytest.mark.terraform
def test_a_logging_stack_fails_without_the_bootstrap_applies_after_it_and_destroy_clears_the_setting(
        on_moto, tmp_path, capsys):
    stack_dir = synth_to(EXAMPLE, tmp_path / "out") / "stacks" / "hello"
    terraform(["init"], stack_dir, on_moto)
    with pytest.raises(ExternalToolFailed, match=LOGGING_ROLE_MISSING):
        terraform(["apply", "-auto-approve"], stack_dir, on_moto, timeout=600)

    printed = _bootstrap(capsys, "--region", "us-east-1")
    assert "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." in printed
    assert msg.role_in_place("us-east-1", bootstrapped_role("us-east-1")) in printed
    folder = tmp_path / ".bluegreen/bootstrap/us-east-1"
    assert (folder / "terraform.tfstate").is_file()  # the default folder keeps the state
    assert _apigateway(on_moto, "us-east-1").get_account()["cloudwatchRoleArn"] == bootstrapped_role("us-east-1")
    # The failed apply left the stage created but tainted, and its create-before-destroy
    # replacement collides with its own name (docs/aws-rules.md#r51-the-account-bootstrap): the
    # documented untaint lets the next apply update it in place, and the stack logs now.
    with pytest.raises(ExternalToolFailed, match="Stage already exists"):
        terraform(["apply", "-auto-approve"], stack_dir, on_moto, timeout=600)
    stage = RestApiAddresses(load_stack_file(EXAMPLE).stacks[0].deployments[0]).stage
    terraform(["untaint", stage], stack_dir, on_moto)
    terraform(["apply", "-auto-approve"], stack_dir, on_moto, timeout=600)

    again = _bootstrap(capsys, "--region", "us-east-1")
    assert "Apply complete! Resources: 0 added, 0 changed, 0 destroyed." in again  # idempotent
    assert cli.main(["bootstrap", "--region", "us-east-1", "--dir", "elsewhere"]) == 2  # not its state
    assert f"--dir: {msg.state_is_elsewhere('us-east-1', bootstrapped_role('us-east-1'), 'elsewhere')}" in \
        capsys.readouterr().err

    assert cli.main(["bootstrap", "--region", "us-east-1", "--destroy", "--yes"]) == 0
    printed = capsys.readouterr()
    assert f"warning: {msg.destroy_warning('us-east-1')}" in printed.err
    assert "Destroy complete! Resources: 3 destroyed." in printed.out
    assert _apigateway(on_moto, "us-east-1").get_account().get("cloudwatchRoleArn") is None  # reset, not dangling
    assert naming.bootstrap_role_name("us-east-1") not in _iam_roles(on_moto)


@pytest.mark.terraform
def test_a_role_someone_else_set_is_left_alone_unless_taken_over_and_destroy_never_clears_it(
        on_moto, tmp_path, capsys):
    region, folder = "eu-west-1", tmp_path / "bootstrap-eu"
    _set_role(on_moto, region, OTHER_ROLE)
    printed = _bootstrap(capsys, "--region", region, "--dir", str(folder))
    assert msg.set_by_someone_else(region, OTHER_ROLE) in printed
    assert not folder.exists()  # nothing applied
    assert _apigateway(on_moto, region).get_account()["cloudwatchRoleArn"] == OTHER_ROLE

    printed = _bootstrap(capsys, "--region", region, "--dir", str(folder), "--take-over")
    assert msg.taking_over(region, OTHER_ROLE) in printed
    assert _apigateway(on_moto, region).get_account()["cloudwatchRoleArn"] == bootstrapped_role(region)

    _set_role(on_moto, region, OTHER_ROLE)  # someone sets theirs again: a destroy must not clear it
    printed = _bootstrap(capsys, "--region", region, "--dir", str(folder), "--destroy", "--yes")
    assert msg.destroy_leaves_setting(region, OTHER_ROLE) in printed
    assert "Destroy complete! Resources: 2 destroyed." in printed
    assert _apigateway(on_moto, region).get_account()["cloudwatchRoleArn"] == OTHER_ROLE
    assert naming.bootstrap_role_name(region) not in _iam_roles(on_moto)


def test_the_bootstrap_state_goes_to_s3_when_a_bucket_is_given(tmp_path):
    from generator.model.stack import S3Backend
    from generator.releasing.bootstrap import Bootstrap
    from generator.synthesis.bootstrap import bootstrap_config

    config = json.loads(bootstrap_config(Bootstrap("eu-west-1", Path("b"), S3Backend(bucket="team-state")).stack))
    assert config["terraform"]["backend"] == {"s3": {
        "bucket": "team-state", "key": "bluegreen/bootstrap/eu-west-1/terraform.tfstate", "region": "eu-west-1",
        "encrypt": True, "use_lockfile": True}}
    account = config["resource"]["aws_api_gateway_account"]["apigateway"]
    assert account["reset_on_delete"] is True
    assert config["resource"]["aws_iam_role"]["apigateway_cloudwatch"]["name"] == \
        "bluegreen-apigateway-cloudwatch-eu-west-1"
