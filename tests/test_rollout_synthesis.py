"""The rollout's Terraform, applied on the emulator: alarms on the newest version, the role, the machine.

The golden file (``tests/golden/ship.cdk.tf.json``) pins the JSON and ``test_terraform`` validates
it; here it is applied, read back from the emulator, planned empty, and a new version moves the
alarms and the state machine in place. Its notifications (``notify_topic_arn``): the rule and
target read back, and a status change event delivered through the topic to a subscribed queue.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from conftest import FIXTURES, synth_to, terraform

from generator.features.rollout import notify
from generator.features.rollout.machine import READ_ALIAS, SMOKE_TEST

pytestmark = pytest.mark.terraform


def _client(service: str, env: dict):
    return boto3.client(service, endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture(scope="module")
def applied(aws_env, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("ship")
    shutil.copytree(FIXTURES / "rollout", folder / "rollout")
    stack_file = folder / "rollout" / "rollout.py"
    stack_dir = synth_to(stack_file, folder / "out") / "stacks" / "ship"
    terraform(["init"], stack_dir, aws_env)
    terraform(["apply", "-auto-approve"], stack_dir, aws_env)
    return stack_file, stack_dir


def _plan(stack_dir: Path, env: dict) -> dict[str, list[str]]:
    terraform(["plan", "-out", "plan.bin"], stack_dir, env)
    shown = json.loads(terraform(["show", "-json", "plan.bin"], stack_dir, env).stdout)
    return {c["address"]: c["change"]["actions"] for c in shown["resource_changes"]
            if c["change"]["actions"] != ["no-op"]}


def test_the_alarms_watch_the_newest_version_through_the_alias(applied, aws_env):
    alarms = {a["AlarmName"]: a for a in _client("cloudwatch", aws_env).describe_alarms(
        AlarmNamePrefix="ship-svc-live-")["MetricAlarms"]}
    assert sorted(alarms) == ["ship-svc-live-green-error-rate", "ship-svc-live-green-errors-above-blue",
                              "ship-svc-live-green-p99-duration"]
    green = [{"Name": "ExecutedVersion", "Value": "1"}, {"Name": "FunctionName", "Value": "ship-svc"},
             {"Name": "Resource", "Value": "ship-svc:live"}]
    rate = alarms["ship-svc-live-green-error-rate"]
    assert (rate["Threshold"], rate["TreatMissingData"], rate["ComparisonOperator"]) == \
        (0.01, "notBreaching", "GreaterThanThreshold")
    queries = {q["Id"]: q for q in rate["Metrics"]}
    assert queries["error_rate"]["Expression"] == "IF(invocations > 0, errors / invocations, 0)"
    assert sorted(queries["errors"]["MetricStat"]["Metric"]["Dimensions"], key=lambda d: d["Name"]) == green
    p99 = alarms["ship-svc-live-green-p99-duration"]
    assert (p99["ExtendedStatistic"], p99["Threshold"], p99["MetricName"]) == ("p99", 800.0, "Duration")
    above = {q["Id"]: q for q in alarms["ship-svc-live-green-errors-above-blue"]["Metrics"]}
    # Blue is the alias without green: no alarm names blue's version.
    assert all(d["Name"] != "ExecutedVersion" for d in above["alias_errors"]["MetricStat"]["Metric"]["Dimensions"])


def test_the_state_machine_rolls_out_the_newest_version_with_a_role_scoped_to_this_alias(applied, aws_env):
    _, stack_dir = applied
    outputs = json.loads(terraform(["output", "-json"], stack_dir, aws_env).stdout)
    arn = outputs["svc_rollout_state_machine_arn"]["value"]
    machine = _client("stepfunctions", aws_env).describe_state_machine(stateMachineArn=arn)
    assert (machine["name"], machine["type"]) == ("ship-svc-rollout", "STANDARD")
    definition = json.loads(machine["definition"])
    assert definition["StartAt"] == READ_ALIAS
    assert definition["States"][SMOKE_TEST]["Parameters"]["Qualifier"] == "1"
    iam = _client("iam", aws_env)
    trust = iam.get_role(RoleName="ship-svc-rollout")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "states.amazonaws.com"}
    # Only for this account's own state machine: the ARN built from its name is the real one
    # (docs/aws-rules.md#r53-service-roles-trust-only-their-own-resource).
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"},
                                                  "ArnEquals": {"aws:SourceArn": arn}}
    policy = iam.get_role_policy(RoleName="ship-svc-rollout", PolicyName="run-rollout")["PolicyDocument"]
    resources = {tuple(s["Action"]): s["Resource"] for s in policy["Statement"]}
    assert resources[("lambda:GetAlias", "lambda:UpdateAlias")] == [
        "arn:aws:lambda:us-east-1:123456789012:function:ship-svc",
        "arn:aws:lambda:us-east-1:123456789012:function:ship-svc:live"]
    assert resources[("cloudwatch:DescribeAlarms",)] == "*"  # a gate alarm may be composite
    assert resources[("lambda:InvokeFunction",)] == "arn:aws:lambda:us-east-1:123456789012:function:ship-svc:1"
    assert _plan(stack_dir, aws_env) == {}


def test_a_new_version_moves_the_alarms_and_the_machine_in_place(applied, aws_env):
    stack_file, stack_dir = applied
    app = stack_file.parent / "src" / "app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))
    synth_to(stack_file, stack_dir.parent.parent)
    changes = _plan(stack_dir, aws_env)
    rollout = {address: actions for address, actions in changes.items()
               if address.startswith(("aws_cloudwatch_metric_alarm.", "aws_sfn_state_machine.",
                                      "aws_iam_role_policy.svc_rollout"))}
    assert rollout == {"aws_cloudwatch_metric_alarm.svc_error_rate": ["update"],
                       "aws_cloudwatch_metric_alarm.svc_above_blue": ["update"],
                       "aws_cloudwatch_metric_alarm.svc_p99": ["update"],
                       "aws_iam_role_policy.svc_rollout": ["update"],
                       "aws_sfn_state_machine.svc_rollout": ["update"]}
    terraform(["apply", "plan.bin"], stack_dir, aws_env)
    rate = _client("cloudwatch", aws_env).describe_alarms(AlarmNames=["ship-svc-live-green-error-rate"])
    dimensions = {d["Name"]: d["Value"] for d in rate["MetricAlarms"][0]["Metrics"][0]["MetricStat"]["Metric"][
        "Dimensions"]}
    assert dimensions["ExecutedVersion"] == "2"
    assert _plan(stack_dir, aws_env) == {}


TOPIC = "arn:aws:sns:us-east-1:123456789012:ship-rollouts"  # the fixture's notify_topic_arn


def _status_change(machine_arn: str, status: str, **detail) -> dict:
    """A PutEvents entry shaped as Step Functions' own event
    (docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes); the emulator's
    Step Functions sends none, and it accepts the source AWS keeps for itself."""
    name = "svc-v2"
    execution = machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
    return {"Source": "aws.states", "DetailType": "Step Functions Execution Status Change",
            "Time": datetime(2026, 12, 8, 3, 0, tzinfo=UTC), "Resources": [execution],
            "Detail": json.dumps({"executionArn": execution, "stateMachineArn": machine_arn, "name": name,
                                  "status": status, "startDate": 1796698800000, "stopDate": None, "input": "{}",
                                  "output": None, "error": None, "cause": None, **detail})}


def test_notifications_are_applied_and_a_status_change_reaches_the_topics_subscribers(applied, aws_env):
    _, stack_dir = applied
    machine = json.loads(terraform(["output", "-json"], stack_dir, aws_env).stdout)[
        "svc_rollout_state_machine_arn"]["value"]
    events = _client("events", aws_env)
    rule = events.describe_rule(Name="ship-svc-rollout")
    assert (rule["State"], json.loads(rule["EventPattern"])) == ("ENABLED", notify.event_pattern(machine))
    [target] = events.list_targets_by_rule(Rule="ship-svc-rollout")["Targets"]
    assert (target["Id"], target["Arn"]) == ("notify-topic", TOPIC)
    assert target["InputTransformer"] == {"InputPathsMap": notify.INPUT_PATHS,
                                          "InputTemplate": notify.input_template("ship/svc")}

    # The topic is the user's: made here, with a queue subscribed that receives what it delivers.
    sns, sqs = _client("sns", aws_env), _client("sqs", aws_env)
    assert sns.create_topic(Name="ship-rollouts")["TopicArn"] == TOPIC
    queue = sqs.create_queue(QueueName="ship-rollouts-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    cause = 'gate alarm "ship-api-5xx" in ALARM: back to blue v1'
    other = machine.replace("ship-svc-rollout", "ship-other-rollout")
    answer = events.put_events(Entries=[
        _status_change(machine, "RUNNING"), _status_change(machine, "FAILED", error="RolledBack", cause=cause),
        _status_change(other, "FAILED"),  # another state machine's: not this rule's
        _status_change(machine, "PENDING_REDRIVE")])  # not a status the rule takes
    assert answer["FailedEntryCount"] == 0, answer
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    common = {"deployment": "ship/svc", "execution": "svc-v2", "time": "2026-12-08T03:00:00Z"}
    assert [json.loads(m["Body"]) for m in received] == [
        {**common, "status": "RUNNING", "error": None, "cause": None},
        {**common, "status": "FAILED", "error": "RolledBack", "cause": cause}]
