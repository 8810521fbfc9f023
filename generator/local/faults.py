"""Injected Lambda faults, so tests can prove a rollout's Retry absorbs a transient error.

A test asks the emulator (loopback only) to fail the next calls of one Lambda operation on one
function, then runs the rollout and checks it still succeeds:

    POST /moto-api/bluegreen/faults
    {"operation": "Invoke" | "UpdateAlias", "function_name": "NAME", "code": "ServiceException",
     "status": 500, "count": 1, "message": "optional text"}

answers 201. The next ``count`` (default 1) matching calls fail with that status and a Lambda
error of type ``code`` (botocore raises it as ``Lambda.Client.exceptions.<code>``); later calls are
answered normally. A function named by ARN (as a state machine may pass it) matches its name.
``DELETE`` on the same path forgets every pending fault.

How a state machine on moto names the error (docs/aws-rules.md#r47-rollouts-run-by-step-functions):
``arn:aws:states:::lambda:invoke`` gives ``Lambda.<code>``; an aws-sdk task such as
``arn:aws:states:::aws-sdk:lambda:updateAlias`` gives ``<Service>.<code>``, with the service in
Pascal case as on AWS once ``install`` has taught moto's table the services a rollout calls (moto
5.2.5 knows only DynamoDb and Sfn, and would say ``lambda.ResourceConflictException``).
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import unquote

FAULTS_PATH = "/moto-api/bluegreen/faults"
OPERATIONS = ("Invoke", "UpdateAlias")
# Pascal-case service names of AWS SDK task errors, as Step Functions gives them.
SERVICE_ERROR_NAMES = {"lambda": "Lambda", "cloudwatch": "CloudWatch", "ssm": "Ssm"}

_lock = threading.Lock()
_pending: dict[tuple[str, str], list[dict[str, Any]]] = {}


def install() -> None:
    """Add the control path and wrap Lambda's Invoke and UpdateAlias in this process."""
    from moto.awslambda import responses
    from moto.moto_api._internal import urls
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk as aws_sdk,
    )

    urls.url_paths["{0}" + FAULTS_PATH + "$"] = _control
    aws_sdk._SERVICE_ERROR_NAMES.update(SERVICE_ERROR_NAMES)
    invoke, update_alias = responses.LambdaResponse.invoke, responses.LambdaResponse.update_alias

    def faulty_invoke(self: Any) -> Any:
        _raise_pending("Invoke", self.path.rsplit("/", 2)[-2])
        return invoke(self)

    def faulty_update_alias(self: Any) -> Any:
        _raise_pending("UpdateAlias", self.path.rsplit("/")[-3])
        return update_alias(self)

    setattr(responses.LambdaResponse, "invoke", faulty_invoke)  # noqa: B010 (mypy: a method)
    setattr(responses.LambdaResponse, "update_alias", faulty_update_alias)  # noqa: B010 (mypy: a method)


def _control(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    if request.method == "DELETE":
        with _lock:
            _pending.clear()
        return 200, {}, ""
    try:
        fault = _fault(json.loads(request.get_data() or b"{}"))
    except (ValueError, TypeError) as error:
        return 400, {"content-type": "application/json"}, json.dumps({"message": str(error)})
    with _lock:
        _pending.setdefault((fault.pop("operation"), fault.pop("function_name")), []).append(fault)
    return 201, {}, ""


def _fault(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("operation") not in OPERATIONS:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}: {body!r}")
    if not body.get("function_name") or not body.get("code"):
        raise ValueError(f"function_name and code are required: {body!r}")
    return {"operation": body["operation"], "function_name": _name(str(body["function_name"])),
            "code": str(body["code"]), "status": int(body.get("status", 500)),
            "count": int(body.get("count", 1)), "message": str(body.get("message", "Injected by the emulator"))}


def _name(function: str) -> str:
    """A function's name from its name or (qualified) ARN."""
    function = unquote(function)
    return function.split(":function:", 1)[1].split(":")[0] if ":function:" in function else function


def _raise_pending(operation: str, function: str) -> None:
    from moto.awslambda.exceptions import LambdaClientError

    with _lock:
        faults = _pending.get((operation, _name(function)), [])
        if not faults:
            return
        fault = faults[0]
        fault["count"] -= 1
        if fault["count"] <= 0:
            faults.pop(0)
    error = LambdaClientError(fault["code"], fault["message"])
    error.code = fault["status"]
    raise error
