"""A rollout's notifications (``Rollout.notify_topic_arn``): the field's rules, the names it adds, the
message the input transformer makes, and the emulator's delivery of it. Pure Python.

What Terraform makes of it is pinned by the golden file (``ship.cdk.tf.json``, validated by
``test_terraform``); the rule and target applied on the emulator, read back, and a status change
event delivered through the topic to an SQS queue, are in ``test_rollout_synthesis``; the messages
of real rollouts (started, promoted, rolled back, aborted) in ``test_rollout_e2e``.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, validation_problems

from generator import Deployment, Function, Problem, Rollout
from generator.core.errors import Field
from generator.features.rollout import addresses as names
from generator.features.rollout import messages as msg
from generator.features.rollout import notify
from generator.local.events_sns import transformed
from generator.releasing.plan_summary import summarize

AT = "shop.orders.rollout.notify_topic_arn"
TOPIC = "arn:aws:sns:us-east-1:123456789012:shop-rollouts"


def deployment(topic) -> Deployment:
    return Deployment(name="orders", function=Function(source="src", handler="app.handler", runtime="python3.12",
                                                       timeout_s=1),
                      rollout=Rollout(steps=(0.1,), bake_s=4, check_every_s=2, max_error_rate=0.01,
                                      metric_delay_s=0, notify_topic_arn=topic))


@pytest.mark.parametrize("topic", [None, TOPIC, "arn:aws:sns:us-east-1:210987654321:other_account-topic",
                                   "arn:aws:sns:us-east-1:123456789012:ordered.fifo"])
def test_a_topic_in_the_stacks_region_or_none_passes(base_dir, topic):
    assert validation_problems(deployment(topic), base_dir) == []


@pytest.mark.parametrize("topic", ["", "shop-rollouts", "arn:aws:sqs:us-east-1:123456789012:shop-rollouts",
                                   "arn:aws:sns:us-east-1:123456789012:", "arn:aws:sns:us-east-1:12345:t",
                                   "arn:aws:sns:us-east-1:123456789012:bad name",
                                   # the partition must be the region's
                                   "arn:aws-cn:sns:us-east-1:123456789012:t", "arn:aws:sns:cn-north-1:123456789012:t",
                                   3, ("arn",)])
def test_notify_topic_arn_must_be_an_sns_topic_arn(base_dir, topic):
    assert validation_problems(deployment(topic), base_dir) == [Problem(Field(AT), msg.must_be_a_topic_arn(topic))]


def test_the_topic_must_be_in_the_stacks_region(base_dir):
    # EventBridge delivers only to targets in the rule's region
    # (docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes).
    topic = "arn:aws:sns:eu-west-1:123456789012:shop-rollouts"
    assert validation_problems(deployment(topic), base_dir) == [Problem(Field(AT), msg.topic_must_be_in("us-east-1",
                                                                                                         topic))]


def test_the_rule_and_target_exist_only_with_a_topic():
    assert names.RolloutAddresses(deployment(None)).all()[-1] == "aws_sfn_state_machine.orders_rollout"
    assert names.RolloutAddresses(deployment(TOPIC)).all()[-2:] == [
        "aws_cloudwatch_event_rule.orders_rollout", "aws_cloudwatch_event_target.orders_rollout"]
    # Named as the state machine: the role's length check (64) covers the rule's.
    assert names.notify_rule_name("shop-orders") == names.state_machine_name("shop-orders")


def test_the_pattern_takes_this_state_machines_five_statuses_only():
    pattern = notify.event_pattern("arn:aws:states:us-east-1:123456789012:stateMachine:shop-orders-rollout")
    assert pattern == {"source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
                       "detail": {"stateMachineArn": ["arn:aws:states:us-east-1:123456789012:stateMachine:"
                                                      "shop-orders-rollout"],
                                  "status": ["RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"]}}


def _event(status: str, error=None, cause=None) -> dict:
    """A status change as Step Functions sends it
    (docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes)."""
    return {"version": "0", "id": "315c1398-40ff-a850-213b-158f73e60175",
            "detail-type": "Step Functions Execution Status Change", "source": "aws.states",
            "account": "123456789012", "time": "2026-12-08T03:00:00Z", "region": "us-east-1",
            "resources": ["arn:aws:states:us-east-1:123456789012:execution:shop-orders-rollout:orders-v4"],
            "detail": {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:shop-orders-rollout:orders-v4",
                       "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:shop-orders-rollout",
                       "name": "orders-v4", "status": status, "startDate": 1551225271984, "stopDate": None,
                       "input": "{}", "output": None, "error": error, "cause": cause}}


def test_the_message_is_json_whatever_the_cause_holds():
    transformer = {"InputPathsMap": notify.INPUT_PATHS, "InputTemplate": notify.input_template("shop/orders")}
    cause = 'gate alarm "shop-api-5xx" in ALARM\nback to blue v3 \\ done'
    assert transformed(transformer, _event("FAILED", "RolledBack", cause)) == {
        "deployment": "shop/orders", "execution": "orders-v4", "status": "FAILED", "error": "RolledBack",
        "cause": cause, "time": "2026-12-08T03:00:00Z"}
    assert transformed(transformer, _event("RUNNING"))["error"] is None


def test_the_emulators_transformer_follows_awss_documented_examples():
    # The "Input transform examples" of EventBridge's guide
    # (docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes).
    event = {"detail": {"instance-id": "i-0123456789", "state": "RUNNING"}}
    paths = {"instance": "$.detail.instance-id", "state": "$.detail.state"}
    assert transformed({"InputPathsMap": paths, "InputTemplate": '"instance <instance> is in <state>"'}, event) == \
        '"instance i-0123456789 is in RUNNING"'
    assert transformed({"InputPathsMap": paths, "InputTemplate": '{"instance" : <instance>, "state": [9, <state>, '
                                                                   'true], "Transformed" : "Yes"}'}, event) == \
        {"instance": "i-0123456789", "state": [9, "RUNNING", True], "Transformed": "Yes"}
    # A path the event lacks makes no variable.
    assert transformed({"InputPathsMap": {"gone": "$.detail.gone"}, "InputTemplate": '"[<gone>]"'}, event) == '"[]"'


# --- the PR summary -------------------------------------------------------------------------------

def _plan_with_target(before: str | None, after: str | None) -> dict:
    """``rollout-changed``'s plan (a reviewed fixture), with the rollout's notification target."""
    plan = json.loads((FIXTURES / "plans" / "rollout-changed.json").read_text())
    actions = ["create"] if before is None else ["delete"] if after is None else \
        ["no-op"] if before == after else ["update"]
    plan["resource_changes"].append({
        "address": "aws_cloudwatch_event_target.hello_rollout", "mode": "managed",
        "type": "aws_cloudwatch_event_target", "name": "hello_rollout",
        "change": {"actions": actions, "before": before and {"arn": before}, "after": after and {"arn": after},
                   "after_unknown": {}}})
    return plan


@pytest.mark.parametrize("before, after, said", [
    (None, TOPIC, f"notifications of each start and end to {TOPIC} (was none)"),
    (TOPIC, TOPIC, f"notifications of each start and end to {TOPIC}"),
    (TOPIC, None, f"no notifications (was {TOPIC})"),
])
def test_the_pr_summary_says_where_notifications_go(before, after, said):
    (line,) = [line for d in summarize(_plan_with_target(before, after)).deployments for line in d.lines[1:]]
    assert line.startswith("hello: rollout changes: ") and line.endswith(f"; {said}"), line
