"""A rollout's notifications as Terraform (``Rollout.notify_topic_arn``): an EventBridge rule on the
state machine's execution status changes, and the SNS topic as its target, the message shaped by
an input transformer (``rollout.notify``).

The topic and its policy are the user's: ``aws_sns_topic_policy`` replaces a topic's whole policy,
which would cut off the topic's other publishers, so bluegreen never writes it; the statement
EventBridge needs is in docs/rollouts.md
(docs/aws-rules.md#r81-the-topic-policy-eventbridge-needs).
"""

from __future__ import annotations

import json

from constructs import Construct

from ...bindings.provider import CloudwatchEventRule, CloudwatchEventTarget, CloudwatchEventTargetInputTransformer
from ...bindings.terraform_text import literal
from ...model import naming
from ...model.naming import ref
from ...model.stack import Deployment
from . import addresses as rollout_names
from . import notify
from .addresses import RolloutAddresses


def notifications(scope: Construct, deployment: Deployment, name_prefix: str) -> None:
    """The rule and its target (only for a rollout with ``notify_topic_arn``)."""
    plan = deployment.rollout
    assert plan is not None and plan.notify_topic_arn is not None, "only a rollout with a topic notifies"
    at = RolloutAddresses(deployment)
    function_name = naming.function_name(name_prefix, deployment)
    pattern = notify.event_pattern(ref(at.state_machine, "arn"))
    rule = CloudwatchEventRule(
        scope, "rollout_notify_rule", name=rollout_names.notify_rule_name(function_name),
        description=f"The rollout of {name_prefix}/{deployment.name}: its executions' status changes, to SNS.",
        event_pattern=json.dumps(pattern))
    rule.override_logical_id(naming.logical_id(at.notify_rule))
    # The fixed text is the stack's and deployment's names; literal() keeps Terraform from
    # reading any "${" in the template as an interpolation.
    transformer = CloudwatchEventTargetInputTransformer(
        input_paths=dict(notify.INPUT_PATHS),
        input_template=literal(notify.input_template(f"{name_prefix}/{deployment.name}")))
    target = CloudwatchEventTarget(scope, "rollout_notify_target", rule=ref(at.notify_rule, "name"),
                                   target_id=rollout_names.NOTIFY_TARGET_ID, arn=plan.notify_topic_arn,
                                   input_transformer=transformer)
    target.override_logical_id(naming.logical_id(at.notify_target))
