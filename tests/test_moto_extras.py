"""The emulator's own answers (``generator.local.moto_extras``), through boto3 and Terraform.

moto 5 drops a function's dead-letter target, lacks the provisioned concurrency API, and lacks
two Step Functions calls that hashicorp/aws 5.100.0 makes for every state machine (the provider
then retries until it times out); the emulator adds them, with AWS's refusals, so Terraform can
be applied and planned on it unchanged; and it refuses to delete a stage that a base path mapping
uses, as AWS does. ``test_release_rules`` drives the Lambda answers through Terraform,
``test_api_stage_lifecycle`` the stage's refusal.
"""

from __future__ import annotations

import io
import json
import time
import urllib.request
import zipfile

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import terraform

from generator.local import provisioned

QUEUE = "arn:aws:sqs:us-east-1:123456789012:dead-letters"


@pytest.fixture(scope="module")
def lam(moto_endpoint):
    def client(service):
        return boto3.client(service, endpoint_url=moto_endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    role = client("iam").create_role(RoleName="extras", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = client("lambda")
    lam.create_function(FunctionName="extras", Role=role, Runtime="python3.12", Handler="app.handler",
                        Code={"ZipFile": _zip("one")}, Publish=True)
    lam.update_function_configuration(FunctionName="extras", DeadLetterConfig={"TargetArn": QUEUE})
    lam.update_function_code(FunctionName="extras", ZipFile=_zip("two"), Publish=True)
    return lam


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", f"def handler(event, context):\n    return {text!r}\n")
    return buffer.getvalue()


def _code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def test_each_version_keeps_the_dead_letter_target_it_was_published_with(lam):
    def target(qualifier):
        return lam.get_function(FunctionName="extras", Qualifier=qualifier)["Configuration"].get("DeadLetterConfig")

    assert (target("1"), target("2")) == (None, {"TargetArn": QUEUE})
    lam.update_function_configuration(FunctionName="extras", DeadLetterConfig={"TargetArn": ""})
    assert lam.get_function_configuration(FunctionName="extras").get("DeadLetterConfig") is None
    assert target("2") == {"TargetArn": QUEUE}  # a published version never changes


def _steer(endpoint: str, body: dict | None) -> None:
    """The emulator's provisioned-concurrency control path: a POST of ``body``, or DELETE for None."""
    request = urllib.request.Request(endpoint + provisioned.CONTROL_PATH, method="DELETE" if body is None else "POST",
                                     data=None if body is None else json.dumps(body).encode())
    urllib.request.urlopen(request, timeout=10).close()


def _settles(lam, qualifier: str) -> dict:
    """The config once it has left IN_PROGRESS (the emulator's delay is set short), polled."""
    deadline = time.monotonic() + 10
    while (config := lam.get_provisioned_concurrency_config(FunctionName="extras", Qualifier=qualifier))[
            "Status"] == provisioned.IN_PROGRESS and time.monotonic() < deadline:
        time.sleep(0.1)
    return config


def test_provisioned_concurrency_is_in_progress_then_ready_listed_and_deleted(lam, moto_endpoint):
    _steer(moto_endpoint, {"ready_after_s": 0.5})
    try:
        answer = lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="2",
                                                        ProvisionedConcurrentExecutions=3)
        assert (answer["Status"], answer["AllocatedProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 0)
        ready = _settles(lam, "2")
        assert (ready["Status"], ready["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 3)
        # The same figure again keeps it READY; a new one is IN_PROGRESS, keeping what was allocated.
        same = lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="2",
                                                      ProvisionedConcurrentExecutions=3)
        assert same["Status"] == "READY"
        raised = lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="2",
                                                        ProvisionedConcurrentExecutions=4)
        assert (raised["Status"], raised["AllocatedProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 3)
        listed = lam.list_provisioned_concurrency_configs(FunctionName="extras")["ProvisionedConcurrencyConfigs"]
        assert [c["FunctionArn"].rsplit(":", 1)[1] for c in listed] == ["2"]
        assert not any(key.startswith("_") for key in listed[0])
    finally:
        _steer(moto_endpoint, None)
    lam.delete_provisioned_concurrency_config(FunctionName="extras", Qualifier="2")
    with pytest.raises(ClientError) as missing:
        lam.get_provisioned_concurrency_config(FunctionName="extras", Qualifier="2")
    assert _code(missing) == "ProvisionedConcurrencyConfigNotFoundException"


def test_provisioned_concurrency_fails_with_the_reason_a_test_asks_for(lam, moto_endpoint):
    _steer(moto_endpoint, {"ready_after_s": 0, "fail": "FUNCTION_ERROR_INIT_FAILURE", "function_name": "extras"})
    try:
        lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="1", ProvisionedConcurrentExecutions=1)
        failed = _settles(lam, "1")
        assert (failed["Status"], failed["StatusReason"]) == ("FAILED", "FUNCTION_ERROR_INIT_FAILURE")
        # Only the next Put fails: the one after it gets READY.
        lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="1", ProvisionedConcurrentExecutions=2)
        assert _settles(lam, "1")["Status"] == "READY"
    finally:
        _steer(moto_endpoint, None)
        lam.delete_provisioned_concurrency_config(FunctionName="extras", Qualifier="1")


def test_provisioned_concurrency_above_the_reservation_is_refused_as_aws_refuses_it(lam):
    lam.put_function_concurrency(FunctionName="extras", ReservedConcurrentExecutions=4)
    try:
        lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="1", ProvisionedConcurrentExecutions=3)
        with pytest.raises(ClientError) as refused:  # 3 + 2 > 4
            lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="2",
                                                   ProvisionedConcurrentExecutions=2)
        assert _code(refused) == "InvalidParameterValueException"
        lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="2", ProvisionedConcurrentExecutions=1)
        # A version's own figure is replaced, not added: 1 (v2) + 3 (v1 again) stays at 4.
        lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="1", ProvisionedConcurrentExecutions=3)
    finally:
        for qualifier in ("1", "2"):
            lam.delete_provisioned_concurrency_config(FunctionName="extras", Qualifier=qualifier)
        lam.delete_function_concurrency(FunctionName="extras")


@pytest.mark.parametrize("qualifier, code", [
    ("$LATEST", "InvalidParameterValueException"),   # only published versions and aliases
    ("9", "ResourceNotFoundException"),              # a version never published
    ("split", "InvalidParameterValueException"),     # an alias with weights: AWS refuses it too
])
def test_provisioned_concurrency_is_refused_where_aws_refuses_it(lam, qualifier, code):
    if qualifier == "split" and not lam.list_aliases(FunctionName="extras")["Aliases"]:
        lam.create_alias(FunctionName="extras", Name="split", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    with pytest.raises(ClientError) as refused:
        lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier=qualifier,
                                               ProvisionedConcurrentExecutions=1)
    assert _code(refused) == code


# --- Step Functions -------------------------------------------------------------------------------

PASS = {"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}


@pytest.mark.parametrize("definition, result", [
    (json.dumps(PASS), "OK"),
    ("{not json", "FAIL"),
    (json.dumps({"StartAt": "Nowhere", "States": PASS["States"]}), "FAIL"),
    (json.dumps({"StartAt": "Wait"}), "FAIL"),
])
def test_a_definition_is_validated_by_its_shape(moto_endpoint, definition, result):
    states = boto3.client("stepfunctions", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    answer = states.validate_state_machine_definition(definition=definition)
    assert answer["result"] == result
    assert bool(answer["diagnostics"]) == (result == "FAIL")


@pytest.mark.terraform
def test_terraform_creates_and_updates_a_state_machine_on_the_emulator_and_a_second_plan_is_empty(aws_env,
                                                                                                   tmp_path):
    def configure(definition: dict) -> None:
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                          "Principal": {"Service": "states.amazonaws.com"}}]}
        config = {"resource": {
            "aws_iam_role": {"rollout": {"name": "extras-rollout", "assume_role_policy": json.dumps(trust)}},
            "aws_sfn_state_machine": {"rollout": {"name": "extras-rollout", "role_arn": "${aws_iam_role.rollout.arn}",
                                                  "definition": json.dumps(definition), "publish": True}}}}
        (tmp_path / "main.tf.json").write_text(json.dumps(config))

    configure(PASS)
    terraform(["init"], tmp_path, aws_env)
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)
    configure({"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 1, "End": True}}})
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)
    assert terraform(["plan", "-detailed-exitcode"], tmp_path, aws_env, check=False).returncode == 0
    states = boto3.client("stepfunctions", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    (machine,) = states.list_state_machines()["stateMachines"]
    assert json.loads(states.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"]) == \
        {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 1, "End": True}}}
    versions = states.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"])["stateMachineVersions"]
    assert [v["stateMachineVersionArn"].rsplit(":", 1)[1] for v in versions] == ["2", "1"]


def test_a_stage_that_a_base_path_mapping_uses_is_not_deleted_as_aws_refuses(moto_endpoint):
    # docs/aws-rules.md#r27-create-before-destroy: the refusal that makes a rename's order matter.
    apigateway = boto3.client("apigateway", endpoint_url=moto_endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
    api = apigateway.create_rest_api(name="extras")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    for stage in ("mapped", "free"):
        apigateway.create_stage(restApiId=api, stageName=stage, deploymentId=deployment)
    apigateway.create_domain_name(domainName="extras.example.com", regionalCertificateArn=(
        "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))
    apigateway.create_base_path_mapping(domainName="extras.example.com", restApiId=api, stage="mapped")
    with pytest.raises(ClientError) as refused:
        apigateway.delete_stage(restApiId=api, stageName="mapped")
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert "Please remove all base path mappings related to the stage" in refused.value.response["Error"]["Message"]
    apigateway.delete_stage(restApiId=api, stageName="free")
    assert [s["stageName"] for s in apigateway.get_stages(restApiId=api)["item"]] == ["mapped"]
