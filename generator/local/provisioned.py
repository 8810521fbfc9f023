"""The emulator's provisioned concurrency: Lambda's Put, Get, List and Delete answers, which moto 5 lacks.

Kept per function and qualifier, with AWS's status life
(docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout): a Put answers 202
``IN_PROGRESS`` and the config turns ``READY`` (allocated = requested) once
``BLUEGREEN_LOCAL_PC_READY_S`` seconds have passed (default 2: short enough that Terraform's own
wait, which first sleeps 5 s, never waits longer), or ``FAILED`` with a ``StatusReason`` when a
test asked for it. The status is worked out on each read. A Put of the figure a ``READY`` config
already has keeps it ``READY``. As AWS does, it refuses ``$LATEST``, an alias that routes to two
versions, and a total above the function's reserved concurrency ("You can't allocate more
provisioned concurrency than reserved concurrency for a function").

Tests steer it through a control path (loopback only, as the faults one):

    POST /moto-api/bluegreen/provisioned {"ready_after_s": 5}
    POST /moto-api/bluegreen/provisioned {"fail": "FUNCTION_ERROR_INIT_FAILURE", "function_name": "NAME"}

The first sets the delay of later Puts; the second makes the next Put of that function end
``FAILED`` with that reason instead of ``READY``. ``DELETE`` on the path forgets both.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

PATH = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/provisioned-concurrency/?$"
CONTROL_PATH = "/moto-api/bluegreen/provisioned"
READY_S_VARIABLE = "BLUEGREEN_LOCAL_PC_READY_S"
DEFAULT_READY_S = 2.0
IN_PROGRESS, READY, FAILED = "IN_PROGRESS", "READY", "FAILED"

_lock = threading.Lock()
_control: dict[str, Any] = {}  # "ready_after_s": float; "fail": {function name: reason}


def install() -> None:
    """Add the Lambda answers and the control path in this process."""
    from moto.awslambda import responses, urls
    from moto.moto_api._internal import urls as moto_api

    urls.url_paths[PATH] = responses.LambdaResponse.dispatch
    for name, method in {"put_provisioned_concurrency_config": _put, "get_provisioned_concurrency_config": _get,
                         "list_provisioned_concurrency_configs": _get,
                         "delete_provisioned_concurrency_config": _delete}.items():
        setattr(responses.LambdaResponse, name, method)
    moto_api.url_paths["{0}" + CONTROL_PATH + "$"] = _steer


def _steer(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    if request.method == "DELETE":
        with _lock:
            _control.clear()
        return 200, {}, ""
    try:
        body = json.loads(request.get_data() or b"{}")
        if not isinstance(body, dict) or not ({"ready_after_s", "fail"} & body.keys()):
            raise ValueError(f"ready_after_s or fail (with function_name) is required: {body!r}")
        with _lock:
            if "ready_after_s" in body:
                _control["ready_after_s"] = float(body["ready_after_s"])
            if "fail" in body:
                _control.setdefault("fail", {})[str(body["function_name"])] = str(body["fail"])
    except (ValueError, TypeError, KeyError) as error:
        return 400, {"content-type": "application/json"}, json.dumps({"message": str(error)})
    return 201, {}, ""


def _ready_after_s() -> float:
    with _lock:
        if "ready_after_s" in _control:
            return float(_control["ready_after_s"])
    return float(os.environ.get(READY_S_VARIABLE) or DEFAULT_READY_S)


def _failure_for(name: str) -> str | None:
    with _lock:
        return (_control.get("fail") or {}).pop(name, None)


def _configs(response: Any) -> dict[tuple[str, str], dict[str, Any]]:
    backend = response.backend
    if not hasattr(backend, "bluegreen_provisioned"):
        backend.bluegreen_provisioned = {}
    return backend.bluegreen_provisioned


def _target_of(response: Any) -> tuple[str, str | None]:
    return unquote(response.path.rstrip("/").split("/")[-2]), response.querystring.get("Qualifier", [None])[0]


def answer(status: int, body: str) -> tuple[str, dict]:
    return body, {"status": status}  # moto takes the status from the headers


def error(status: int, kind: str, message: str) -> Exception:
    from moto.awslambda.exceptions import LambdaClientError

    error = LambdaClientError(kind, message)
    error.code = status
    return error


def _put(self: Any) -> tuple[str, dict]:
    name, qualifier = _target_of(self)
    if not qualifier or qualifier == "$LATEST":
        raise error(400, "InvalidParameterValueException",
                     "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
    if not qualifier.isdigit():
        alias = self.backend.get_alias(qualifier, name)
        if (alias.routing_config or {}).get("AdditionalVersionWeights"):
            raise error(400, "InvalidParameterValueException",
                         "Alias with weights can not be used with Provisioned Concurrency")
    self.backend.get_function(name, qualifier)  # an unknown function or version: moto's own 404
    function = self.backend.get_function(name)  # the reservation is the function's, not a version's
    requested = int(json.loads(self.body or "{}")["ProvisionedConcurrentExecutions"])
    configs = _configs(self)
    _within_reservation(function, name, qualifier, requested, configs)
    before = _settled(configs.get((name, qualifier))) or {}
    if before.get("Status") == READY and before["RequestedProvisionedConcurrentExecutions"] == requested:
        return answer(202, json.dumps(_shown(before)))
    available, allocated = "AvailableProvisionedConcurrentExecutions", "AllocatedProvisionedConcurrentExecutions"
    config = {"RequestedProvisionedConcurrentExecutions": requested,
              # Until the new figure is ready, what was allocated stays (nothing for a new config).
              available: before.get(available, 0), allocated: before.get(allocated, 0),
              "Status": IN_PROGRESS, "LastModified": _now(),
              "_ready_at": time.monotonic() + _ready_after_s(), "_fail": _failure_for(name)}
    configs[(name, qualifier)] = config
    return answer(202, json.dumps(_shown(config)))


def _within_reservation(function: Any, name: str, qualifier: str, requested: int,
                        configs: dict[tuple[str, str], dict[str, Any]]) -> None:
    reserved = getattr(function, "reserved_concurrency", None)
    if reserved is None:
        return
    others = sum(c["RequestedProvisionedConcurrentExecutions"] for (n, q), c in configs.items()
                 if n == name and q != qualifier)
    if others + requested > int(reserved):
        raise error(400, "InvalidParameterValueException",
                     f"Requested Provisioned Concurrency ({others + requested} for the function's versions and aliases "
                     f"together) should not be greater than its reserved concurrency ({reserved})")


def _settled(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """``config`` with its status worked out now: READY (or FAILED) once its time has come."""
    if config is None or config["Status"] != IN_PROGRESS or time.monotonic() < config["_ready_at"]:
        return config
    if config["_fail"]:
        config.update({"Status": FAILED, "StatusReason": config["_fail"]})
    else:
        requested = config["RequestedProvisionedConcurrentExecutions"]
        config.update({"Status": READY, "AvailableProvisionedConcurrentExecutions": requested,
                       "AllocatedProvisionedConcurrentExecutions": requested})
    return config


def _shown(config: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in config.items() if not key.startswith("_")}


def _get(self: Any) -> tuple[str, dict]:
    name, qualifier = _target_of(self)
    configs = _configs(self)
    if self.querystring.get("List"):
        arn = self.backend.get_function(name).function_arn
        found = [{"FunctionArn": f"{arn}:{q}", **_shown(_settled(config) or {})}
                 for (n, q), config in sorted(configs.items()) if n == name]
        return answer(200, json.dumps({"ProvisionedConcurrencyConfigs": found}))
    config = _settled(configs.get((name, qualifier or "")))
    if config is None:
        raise error(404, "ProvisionedConcurrencyConfigNotFoundException",
                     f"No Provisioned Concurrency Config found for this function: {name}:{qualifier}")
    return answer(200, json.dumps(_shown(config)))


def _delete(self: Any) -> tuple[str, dict]:
    name, qualifier = _target_of(self)
    _configs(self).pop((name, qualifier or ""), None)
    return answer(204, "")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
