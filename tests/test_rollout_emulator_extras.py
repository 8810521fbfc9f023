"""The emulator's answers a rollout relies on (``generator.local.moto_extras``), through boto3.

A rollout changes the alias only with the revision it last saw (``UpdateAlias`` ``RevisionId``),
and reads its alarms with one ``DescribeAlarms`` call that gives ``AlarmNames``, ``StateValue`` and
``AlarmTypes`` together (docs/aws-rules.md#r47-rollouts-run-by-step-functions,
docs/aws-rules.md#r48-alarms-scoped-to-a-version). moto 5.2.5 alone keeps one revision per alias
and ignores ``RevisionId``, and applies only the first of those filters; the emulator gives a new
revision on every update, refuses a stale one (412), and applies the filters together.

Each test uses its own function or alarms on the module's server (the ``moto_endpoint`` fixture).
moto 5.2.5 cannot create a composite alarm (``PutCompositeAlarm`` is not implemented), so
composite answers are only checked to be empty where metric alarms must not appear.
"""

from __future__ import annotations

import io
import uuid
import zipfile

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture(scope="module")
def client(moto_endpoint):
    def make(service):
        return boto3.client(service, endpoint_url=moto_endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    return make


@pytest.fixture(scope="module")
def lam(client):
    return client("lambda")


@pytest.fixture(scope="module")
def cloudwatch(client):
    return client("cloudwatch")


@pytest.fixture(scope="module")
def role(client) -> str:
    return client("iam").create_role(RoleName="rollout-extras", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", f"def handler(event, context):\n    return {text!r}\n")
    return buffer.getvalue()


@pytest.fixture
def alias(lam, role) -> tuple[str, str, dict]:
    """A new function with versions 1 and 2 and alias ``live`` on version 1: its name, the
    alias's name and CreateAlias's answer."""
    name = unique("rollout")
    lam.create_function(FunctionName=name, Role=role, Runtime="python3.12", Handler="app.handler",
                        Code={"ZipFile": _zip("one")}, Publish=True)
    assert lam.update_function_code(FunctionName=name, ZipFile=_zip("two"), Publish=True)["Version"] == "2"
    return name, "live", lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")


def _alias(lam, function: str, name: str) -> tuple[str, dict, str]:
    answer = lam.get_alias(FunctionName=function, Name=name)
    return answer["FunctionVersion"], answer.get("RoutingConfig", {}).get("AdditionalVersionWeights", {}), \
        answer["RevisionId"]


# --- UpdateAlias and RevisionId -------------------------------------------------------------------

def test_update_alias_with_the_current_revision_succeeds_and_returns_a_new_one(lam, alias):
    function, name, created = alias
    first = created["RevisionId"]
    assert first and _alias(lam, function, name) == ("1", {}, first)
    updated = lam.update_alias(FunctionName=function, Name=name, FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}}, RevisionId=first)
    assert updated["RevisionId"] != first
    assert _alias(lam, function, name) == ("1", {"2": 0.1}, updated["RevisionId"])
    # and the new one is current in turn
    promoted = lam.update_alias(FunctionName=function, Name=name, FunctionVersion="2", RoutingConfig={},
                                RevisionId=updated["RevisionId"])
    assert promoted["RevisionId"] not in (first, updated["RevisionId"])
    assert _alias(lam, function, name) == ("2", {}, promoted["RevisionId"])


def test_update_alias_with_a_stale_revision_is_refused_with_412_and_the_alias_is_unchanged(lam, alias):
    function, name, created = alias
    stale = created["RevisionId"]
    lam.update_alias(FunctionName=function, Name=name, FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}}, RevisionId=stale)
    before = _alias(lam, function, name)
    with pytest.raises(ClientError) as refused:
        lam.update_alias(FunctionName=function, Name=name, FunctionVersion="2", RoutingConfig={}, RevisionId=stale)
    assert refused.value.response["Error"]["Code"] == "PreconditionFailedException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert _alias(lam, function, name) == before == ("1", {"2": 0.3}, before[2])


def test_update_alias_without_a_revision_always_applies_and_gives_a_new_one(lam, alias):
    """The rollback's call: it sends no RevisionId, so it wins over any change."""
    function, name, created = alias
    lam.update_alias(FunctionName=function, Name=name, FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}}, RevisionId=created["RevisionId"])
    changed = _alias(lam, function, name)[2]
    back = lam.update_alias(FunctionName=function, Name=name, FunctionVersion="1", RoutingConfig={})
    assert back["RevisionId"] not in (created["RevisionId"], changed)
    assert _alias(lam, function, name) == ("1", {}, back["RevisionId"])


def test_each_alias_keeps_its_own_revision(lam, alias):
    function, name, created = alias
    other = lam.create_alias(FunctionName=function, Name="other", FunctionVersion="1")
    lam.update_alias(FunctionName=function, Name="other", FunctionVersion="2", RevisionId=other["RevisionId"])
    # changing "other" leaves "live"'s revision current
    assert _alias(lam, function, name)[2] == created["RevisionId"]
    lam.update_alias(FunctionName=function, Name=name, FunctionVersion="2", RevisionId=created["RevisionId"])
    assert _alias(lam, function, name)[0] == "2"


# --- DescribeAlarms with its filters together ------------------------------------------------------

@pytest.fixture
def alarms(cloudwatch) -> list[str]:
    """Three new metric alarms, the first and the third set to ALARM."""
    made = [unique(f"alarm{i}") for i in range(3)]
    for name in made:
        cloudwatch.put_metric_alarm(AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
                                    Period=60, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanThreshold")
    for name in (made[0], made[2]):
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
    return made


def _names(answer: dict, key: str) -> list[str]:
    return [alarm["AlarmName"] for alarm in answer.get(key, [])]


def test_names_and_state_are_applied_together(cloudwatch, alarms):
    a, b, c = alarms
    answer = cloudwatch.describe_alarms(AlarmNames=[a, b], StateValue="ALARM")
    assert _names(answer, "MetricAlarms") == [a]  # not b (OK... INSUFFICIENT_DATA), not c (not named)
    assert _names(answer, "CompositeAlarms") == []
    assert _names(cloudwatch.describe_alarms(AlarmNames=[b], StateValue="ALARM"), "MetricAlarms") == []
    assert sorted(_names(cloudwatch.describe_alarms(AlarmNames=[a, b]), "MetricAlarms")) == sorted([a, b])


def test_the_rollouts_own_call_with_both_types_returns_the_named_alarms_in_alarm(cloudwatch, alarms):
    a, b, c = alarms
    answer = cloudwatch.describe_alarms(AlarmNames=[a, b, unique("missing")], StateValue="ALARM",
                                        AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert (_names(answer, "MetricAlarms"), _names(answer, "CompositeAlarms")) == ([a], [])


def test_composite_alarms_alone_return_no_metric_alarm(cloudwatch, alarms):
    for arguments in ({}, {"AlarmNames": alarms}, {"AlarmNames": alarms, "StateValue": "ALARM"},
                      {"StateValue": "ALARM"}):
        answer = cloudwatch.describe_alarms(AlarmTypes=["CompositeAlarm"], **arguments)
        assert _names(answer, "MetricAlarms") == [], arguments


def test_without_alarm_types_only_metric_alarms_are_returned(cloudwatch, alarms):
    a, b, c = alarms
    answer = cloudwatch.describe_alarms(StateValue="ALARM")
    assert {a, c} <= set(_names(answer, "MetricAlarms")) and b not in _names(answer, "MetricAlarms")
    assert _names(answer, "CompositeAlarms") == []
    named = cloudwatch.describe_alarms(AlarmNames=alarms, AlarmTypes=["MetricAlarm"])
    assert sorted(_names(named, "MetricAlarms")) == sorted(alarms)
