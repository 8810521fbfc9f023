"""Lambda's Invoke on the emulator: resolve the qualifier, run the version's code, answer as Lambda.

``install`` replaces moto's ``LambdaBackend.invoke`` (which never runs a handler without Docker)
in the emulator's process, so every Invoke runs the real code: the HTTP API, a rollout's smoke
test (Step Functions calls back over HTTP) and the front doors, which call ``invoke`` directly.
moto's response layer (and ``faults``, which wraps it) stays as it is: it sets the status by the
invocation type and drops the log unless ``LogType`` is ``Tail``.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from . import archive, choice, process, runtimes, telemetry
from .environment import Identity, child_environment, emulator_endpoint
from .invocation import Invocation

STATUS_OF = {"RequestResponse": 200, "Event": 202, "DryRun": 204}  # Invoke's status by invocation type
LOG_TAIL_BYTES = 4096  # LogType=Tail returns the last 4 KB of the log


def install() -> None:
    """Make moto's Lambda backend run the code (idempotent)."""
    from moto.awslambda import models, responses
    from moto.awslambda_simple import models as simple

    if getattr(models.LambdaBackend, "_bluegreen_runtime", False):
        return

    def invoke(self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any,
               response_headers: Any) -> bytes:
        kind = _header(headers, "X-Amz-Invocation-Type") or "RequestResponse"
        payload = body if isinstance(body, bytes) else (body or "").encode()
        result = invoke_function(self.account_id, self.region_name, function_name, qualifier, payload,
                                 invocation_type=kind)
        response_headers["X-Amz-Executed-Version"] = result.executed_version
        if result.function_error:
            response_headers["X-Amz-Function-Error"] = result.function_error
        response_headers["x-amz-log-result"] = base64.b64encode(result.log_tail.encode()).decode()
        response_headers["Content-Length"] = str(len(result.payload))
        return result.payload

    # Without Docker (the emulator's setting) moto serves Lambda from its "simple" backend, a
    # subclass that answers with the event or a queued text: both run the code instead.
    for backend_class in (models.LambdaBackend, simple.LambdaSimpleBackend):
        setattr(backend_class, "invoke", invoke)  # noqa: B010 (mypy: a method)
    telemetry.install()
    setattr(responses.LambdaResponse, "invoke", _invoke_response)  # noqa: B010 (mypy: a method)
    setattr(models.LambdaBackend, "_bluegreen_runtime", True)  # noqa: B010 (an attribute moto does not declare)


def _invoke_response(self: Any) -> tuple[int, dict[str, str], bytes]:
    """moto's Invoke response, with the ``Qualifier`` read (moto 5.2 looks for ``qualifier`` and
    so always ran ``$LATEST``) and the status of the invocation type (202, 204 or 200)."""
    function_name = unquote(self.path.rsplit("/", 2)[-2])
    qualifier = self.querystring.get("Qualifier", [None])[0]
    response_headers: dict[str, str] = {}
    payload = self.backend.invoke(function_name, qualifier, self.body, self.headers, response_headers)
    kind = _header(self.headers, "X-Amz-Invocation-Type") or "RequestResponse"
    if kind != "RequestResponse" or _header(self.headers, "X-Amz-Log-Type") != "Tail":
        response_headers.pop("x-amz-log-result", None)
    status = STATUS_OF.get(kind, 200)
    response_headers.update({"content-type": "application/json", "status": str(status)})  # moto reads it there
    return status, response_headers, payload


def invoke_function(account_id: str, region: str, function: str, qualifier: str | None, payload: bytes, *,
                    invocation_type: str = "RequestResponse") -> Invocation:
    """See ``generator.local.runtime.invoke``."""
    from moto.awslambda.utils import get_backend

    backend = get_backend(account_id, region)  # the Docker-free one on the emulator
    name, qualifier = _split(function, qualifier)
    target = backend.get_function(name, qualifier)  # moto's own errors for what does not exist
    if invocation_type == "DryRun":  # checks the request, runs nothing, draws no version
        return Invocation(204, b"", None, str(target.version), "", 0.0)
    event = _event(payload)
    version = _version_to_run(backend, account_id, region, name, qualifier)
    function_model = target if version == str(target.version) else backend.get_function(name, version)
    command = _command(function_model)  # refused before anything runs, for Event invokes too
    resource = f"{name}:{qualifier}" if qualifier else None
    through_alias = qualifier is not None and not _is_version(qualifier)
    run = _Run(account_id, region, function_model, version, resource, through_alias, command)
    if invocation_type == "Event":
        threading.Thread(target=run, args=(event,), daemon=True).start()
        return Invocation(202, b"", None, version, "", 0.0)
    return run(event)


def _version_to_run(backend: Any, account_id: str, region: str, name: str, qualifier: str | None) -> str:
    if qualifier is None or _is_version(qualifier):
        return "$LATEST" if qualifier is None else qualifier.upper() if qualifier.lower() == "$latest" else qualifier
    alias = backend.get_alias(qualifier, name)
    weights = (alias.routing_config or {}).get("AdditionalVersionWeights") or {}
    return choice.next_version((account_id, region), name, qualifier, str(alias.function_version), weights)


class _Run:
    """One run of one version, with its log and metrics (called in a thread for ``Event``)."""

    def __init__(self, account_id: str, region: str, function: Any, version: str, resource: str | None,
                 through_alias: bool, command: list[str]):
        self.account_id, self.region, self.function, self.version = account_id, region, function, version
        self.resource, self.through_alias, self.command = resource, through_alias, command

    def __call__(self, event: str) -> Invocation:
        fn, request_id = self.function, str(uuid.uuid4())
        memory_mb, timeout_s = int(fn.memory_size), float(fn.timeout)
        identity = Identity(fn.function_name, self.version, str(fn.run_time), str(fn.handler), memory_mb,
                            self.region, _log_group(fn), telemetry.stream_name(self.version))
        task_root = archive.unpacked(fn.code_sha_256, fn.code_bytes)
        env = child_environment(identity, dict(fn.environment_vars or {}), task_root, emulator_endpoint())
        context = {"function_name": fn.function_name, "function_version": self.version,
                   "invoked_function_arn": self._invoked_arn(),
                   "memory_limit_in_mb": memory_mb, "aws_request_id": request_id,
                   "log_group_name": identity.log_group, "log_stream_name": identity.log_stream,
                   "deadline_ms": datetime.now(UTC).timestamp() * 1000 + timeout_s * 1000}
        ran = process.run(self.command, env, task_root, {"event": event, "context": context}, timeout_s)
        return self._answer(identity, request_id, timeout_s, ran)

    def _invoked_arn(self) -> str:
        """The ARN the caller named: the function's, with the qualifier it invoked (if any)."""
        unqualified = ":".join(str(self.function.function_arn).split(":")[:7])
        return unqualified if self.resource is None else f"{unqualified}:{self.resource.split(':', 1)[1]}"

    def _answer(self, identity: Identity, request_id: str, timeout_s: float, ran: process.Run) -> Invocation:
        from ...core.messages import local_runtime as msg

        outcome = ran.outcome or {}
        lines = ran.log.rstrip("\n").split("\n") if ran.log else []
        if ran.timed_out:
            error: dict[str, Any] | None = {"errorType": "Sandbox.Timedout",
                                            "errorMessage": msg.task_timed_out(request_id, timeout_s)}
            lines.append(f"{datetime.now(UTC).isoformat(timespec='milliseconds')} {request_id} "
                         f"Task timed out after {timeout_s:.2f} seconds")
        elif ran.outcome is None:
            how = f"signal: {-ran.returncode}" if ran.returncode < 0 else f"exit status {ran.returncode}"
            error = {"errorType": "Runtime.ExitError", "errorMessage": msg.runtime_exited(request_id, how)}
            lines.append(msg.runtime_exited(request_id, how))
        else:
            error = outcome.get("error")
        payload = json.dumps(error).encode() if error is not None else str(outcome.get("payload", "null")).encode()
        duration = timeout_s * 1000 if ran.timed_out else float(outcome.get("duration_ms", ran.wall_ms))
        record = telemetry.Record(request_id, self.version, tuple(lines), duration, identity.memory_mb,
                                  int(outcome.get("max_memory_mb", 0)), error is not None, ran.timed_out)
        text = telemetry.log_text(record)
        telemetry.write_log(self.account_id, self.region, identity.log_group, identity.log_stream, text)
        dimensions = telemetry.dimension_sets(identity.function_name, self.resource,
                                              self.version if self.through_alias else None)
        telemetry.put_metrics(self.account_id, self.region, dimensions, record)
        tail = text.encode()[-LOG_TAIL_BYTES:].decode("utf-8", "ignore")
        return Invocation(200, payload, "Unhandled" if error is not None else None, self.version, tail, duration)


def _command(function: Any) -> list[str]:
    """The runner's command for ``function``'s runtime; Lambda's ``InvalidRuntimeException`` (502)
    for one the emulator cannot run (docs/aws-rules.md#r72-what-an-invoke-answers)."""
    from moto.awslambda.exceptions import LambdaClientError

    try:
        return runtimes.command(str(function.run_time), int(function.memory_size))
    except runtimes.CannotRun as error:
        failure = LambdaClientError("InvalidRuntimeException", str(error))
        failure.code = 502
        raise failure from None


def _split(function: str, qualifier: str | None) -> tuple[str, str | None]:
    """A function's name and qualifier from a name, ``name:qualifier`` or a (qualified) ARN."""
    if function.startswith("arn:"):
        parts = function.split(":")
        name, embedded = parts[6], parts[7] if len(parts) > 7 else None
    else:
        name, _, embedded = function.partition(":")
    return name, embedded or qualifier or None


def _is_version(qualifier: str) -> bool:
    return qualifier.isdigit() or qualifier.lower() == "$latest"


def _event(payload: bytes) -> str:
    """The payload as the handler's event (JSON text); an empty payload is ``{}``, as on Lambda."""
    from moto.awslambda.exceptions import LambdaClientError

    from ...core.messages import local_runtime as msg

    text = payload.decode("utf-8", "replace").strip() or "{}"
    try:
        json.loads(text)
    except ValueError as error:
        failure = LambdaClientError("InvalidRequestContentException", msg.payload_must_be_json(error))
        failure.code = 400
        raise failure from None
    return text


def _log_group(function: Any) -> str:
    config = getattr(function, "logging_config", None) or {}
    return str(config.get("LogGroup") or function.logs_group_name)


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    value = headers.get(name)
    return value if value is not None else headers.get(name.lower())
