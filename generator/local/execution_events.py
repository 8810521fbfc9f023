"""Step Functions' execution status change events on the emulator, so a rollout notifies locally.

On AWS, Step Functions sends a "Step Functions Execution Status Change" event to the account's
default EventBridge bus when an execution starts and when it ends
(docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes); moto 5.2.6 sends none.
Here each execution moto runs puts one when it starts (``RUNNING``) and one when it ends
(``SUCCEEDED``, ``FAILED``, ``ABORTED``, ``TIMED_OUT``), shaped as the Step Functions guide's
examples: ``resources`` the execution's ARN, ``detail`` what ``DescribeExecution`` answers, with
``error`` and ``cause`` null unless the execution failed. The bus's rules then deliver them
(``events_sns`` for an SNS target). As on AWS, a failed delivery never touches the execution.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from generator.features.rollout.notify import DETAIL_TYPE, SOURCE

LOG = logging.getLogger(__name__)


def install() -> None:
    """Wrap the start and the end of moto's executions (idempotent)."""
    from moto.stepfunctions.parser.backend import execution as executions

    if getattr(executions.Execution, "_bluegreen_events", False):
        return
    start: Any = executions.Execution.start
    terminated: Any = executions.BaseExecutionWorkerCommunication.terminated

    def started(self: Any) -> None:
        start(self)
        if type(self) is executions.Execution:  # a synchronous (express) execution sends none
            _put(self)

    def ended(self: Any) -> None:
        terminated(self)
        if type(self.execution) is executions.Execution:
            _put(self.execution)

    setattr(executions.Execution, "start", started)  # noqa: B010 (mypy: a method)
    setattr(executions.BaseExecutionWorkerCommunication, "terminated", ended)  # noqa: B010 (mypy: a method)
    setattr(executions.Execution, "_bluegreen_events", True)  # noqa: B010 (an attribute moto does not declare)


def detail(execution: Any) -> dict:
    """The event's ``detail``: the execution as ``DescribeExecution`` describes it."""
    status = execution.exec_status.value
    return {"executionArn": execution.exec_arn, "stateMachineArn": execution.state_machine_arn,
            "name": execution.name, "status": status, "startDate": _millis(execution.start_date),
            "stopDate": _millis(execution.stop_date), "input": json.dumps(execution.input_data),
            "output": json.dumps(execution.output) if status == "SUCCEEDED" else None,
            "error": execution.error, "cause": execution.cause}


def _millis(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def _put(execution: Any) -> None:
    from moto.events import events_backends

    try:
        events_backends[execution.account_id][execution.region_name].put_events([{
            "Source": SOURCE, "DetailType": DETAIL_TYPE, "Resources": [execution.exec_arn],
            "Detail": json.dumps(detail(execution))}])
    except Exception:  # noqa: BLE001 (delivery is best effort on AWS too: the execution goes on)
        LOG.exception("the status change event of %s was not delivered", execution.exec_arn)
