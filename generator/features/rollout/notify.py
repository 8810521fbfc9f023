"""A rollout's notifications (``Rollout.notify_topic_arn``) as plain data: the EventBridge rule's
pattern and the target's input transformer, which ``rollout.synthesis`` writes and the emulator's
tests read back.

Step Functions sends a "Step Functions Execution Status Change" event to the account's default
bus each time an execution starts or ends; its ``detail`` is what ``DescribeExecution`` answers
(docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes). The rule takes this
state machine's five statuses; the message names the deployment (fixed text, so a topic shared by
many services still says which), the execution (``svc-v4``: green's version), the status, and
the error and cause that ended it. Each value sits in the template unquoted, so EventBridge writes
it as JSON (a quoted, escaped string) and the message stays valid JSON whatever the cause holds.
"""

from __future__ import annotations

import json

SOURCE = "aws.states"
DETAIL_TYPE = "Step Functions Execution Status Change"
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT")
# The message's keys and the event paths they come from.
INPUT_PATHS = {"execution": "$.detail.name", "status": "$.detail.status", "error": "$.detail.error",
               "cause": "$.detail.cause", "time": "$.time"}


def event_pattern(state_machine_arn: str) -> dict:
    """The rule's pattern: this state machine's executions, at each of ``STATUSES``. The state
    machine is matched in ``detail``: the event's ``resources`` hold the execution's ARN."""
    return {"source": [SOURCE], "detail-type": [DETAIL_TYPE],
            "detail": {"stateMachineArn": [state_machine_arn], "status": list(STATUSES)}}


def input_template(deployment_label: str) -> str:
    """The message, a JSON object: ``deployment`` (``stack/deployment``) is fixed text, the others
    are ``INPUT_PATHS``' placeholders, unquoted (a placeholder may not be a key, nor sit inside a
    string, in a JSON template)."""
    values = ", ".join(f'"{key}": <{key}>' for key in INPUT_PATHS)
    return f'{{"deployment": {json.dumps(deployment_label)}, {values}}}'
