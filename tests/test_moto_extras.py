"""The emulator's own Lambda answers (``generator.local.moto_extras``), straight through boto3.

moto 5 drops a function's dead-letter target and lacks the provisioned concurrency API; the
emulator adds both, with AWS's refusals, so the generated Terraform can be applied and planned
on it unchanged. ``test_release_rules`` drives the same answers through Terraform.
"""

from __future__ import annotations

import io
import zipfile

import boto3
import pytest
from botocore.exceptions import ClientError

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


def test_provisioned_concurrency_is_kept_per_version_listed_and_deleted(lam):
    answer = lam.put_provisioned_concurrency_config(FunctionName="extras", Qualifier="2",
                                                    ProvisionedConcurrentExecutions=3)
    assert (answer["Status"], answer["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 3)
    assert lam.get_provisioned_concurrency_config(FunctionName="extras", Qualifier="2")[
        "RequestedProvisionedConcurrentExecutions"] == 3
    listed = lam.list_provisioned_concurrency_configs(FunctionName="extras")["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"].rsplit(":", 1)[1] for c in listed] == ["2"]
    lam.delete_provisioned_concurrency_config(FunctionName="extras", Qualifier="2")
    with pytest.raises(ClientError) as missing:
        lam.get_provisioned_concurrency_config(FunctionName="extras", Qualifier="2")
    assert _code(missing) == "ProvisionedConcurrencyConfigNotFoundException"


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
