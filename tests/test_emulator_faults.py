"""Injected Lambda faults (``generator.local.faults``): one call fails, the next is answered.

A rollout's tasks retry Lambda's transient errors; these tests make the emulator fail one
``Invoke`` or ``UpdateAlias`` and check what boto3 and a state machine see: ``Lambda.<code>`` for
both the ``lambda:invoke`` integration and an aws-sdk task (moto 5.2.5 alone names the latter
``lambda.<code>``, which a Retry on the AWS name would not match).
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import uuid
import zipfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from generator.local.faults import FAULTS_PATH

RETRY = [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.ResourceConflictException"], "IntervalSeconds": 1,
          "MaxAttempts": 2, "BackoffRate": 2}]


@pytest.fixture(scope="module")
def client(moto_endpoint):
    def make(service):
        # One attempt, as moto's Step Functions tasks make it: botocore would retry a 500 itself.
        return boto3.client(service, endpoint_url=moto_endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"total_max_attempts": 1}))

    return make


@pytest.fixture(scope="module")
def role(client) -> str:
    return client("iam").create_role(RoleName="faults", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


@pytest.fixture
def function(client, role) -> str:
    """A new function with version 1 and alias ``live`` on it."""
    name = f"faults-{uuid.uuid4().hex[:10]}"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("app.py", "def handler(event, context):\n    return event\n")
    lam = client("lambda")
    lam.create_function(FunctionName=name, Role=role, Runtime="python3.12", Handler="app.handler",
                        Code={"ZipFile": archive.getvalue()}, Publish=True)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return name


def inject(endpoint: str, **fault) -> int:
    request = urllib.request.Request(endpoint + FAULTS_PATH, data=json.dumps(fault).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _error(call) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as failed:
        call()
    response = failed.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_an_injected_invoke_fault_fails_one_invoke_and_the_next_is_answered(moto_endpoint, client, function):
    lam = client("lambda")
    assert inject(moto_endpoint, operation="Invoke", function_name=function, code="ServiceException",
                  status=500, message="injected") == 201
    invoke = lambda: lam.invoke(FunctionName=function, Qualifier="1", Payload=b'{"ping": 1}')  # noqa: E731
    assert _error(invoke) == ("ServiceException", 500, "injected")
    assert json.loads(invoke()["Payload"].read()) == {"ping": 1}


def test_an_injected_update_alias_fault_by_arn_fails_once(moto_endpoint, client, function):
    lam = client("lambda")
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    assert inject(moto_endpoint, operation="UpdateAlias", function_name=arn, code="ResourceConflictException",
                  status=409) == 201
    update = lambda: lam.update_alias(FunctionName=function, Name="live", FunctionVersion="1")  # noqa: E731
    assert _error(update)[:2] == ("ResourceConflictException", 409)
    assert update()["FunctionVersion"] == "1"


def test_a_fault_for_an_unknown_operation_is_refused(moto_endpoint):
    assert inject(moto_endpoint, operation="DeleteFunction", function_name="x", code="ServiceException") == 400


def _run(client, role: str, task: dict) -> dict:
    states = client("stepfunctions")
    definition = {"StartAt": "Call", "States": {"Call": dict(task, End=True)}}
    machine = states.create_state_machine(name=f"faults-{uuid.uuid4().hex[:10]}", roleArn=role,
                                          definition=json.dumps(definition))["stateMachineArn"]
    execution = states.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    deadline = time.monotonic() + 60
    while (answer := states.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return answer


@pytest.mark.parametrize("retry", [True, False])
def test_a_smoke_test_task_retries_one_lambda_service_exception(moto_endpoint, client, role, function, retry):
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function, "Qualifier": "1", "Payload": {"smoke": True}},
            **({"Retry": RETRY} if retry else {})}
    inject(moto_endpoint, operation="Invoke", function_name=function, code="ServiceException", status=500)
    answer = _run(client, role, task)
    if retry:
        assert answer["status"] == "SUCCEEDED", answer
        assert json.loads(answer["output"])["Payload"] == {"smoke": True}
    else:
        assert (answer["status"], answer["error"]) == ("FAILED", "Lambda.ServiceException"), answer


@pytest.mark.parametrize("retry", [True, False])
def test_an_update_alias_task_retries_one_resource_conflict(moto_endpoint, client, role, function, retry):
    task = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:updateAlias",
            "Parameters": {"FunctionName": function, "Name": "live", "FunctionVersion": "1"},
            **({"Retry": RETRY} if retry else {})}
    inject(moto_endpoint, operation="UpdateAlias", function_name=function, code="ResourceConflictException",
           status=409)
    answer = _run(client, role, task)
    if retry:
        assert answer["status"] == "SUCCEEDED", answer
        assert json.loads(answer["output"])["FunctionVersion"] == "1"
    else:
        assert (answer["status"], answer["error"]) == ("FAILED", "Lambda.ResourceConflictException"), answer
