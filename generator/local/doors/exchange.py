"""What passes through a door: the HTTP request it got, the answer it gives, and the call in between.

Pure apart from the thread that bounds a call by the integration's timeout: the invoke is a
parameter (``Invoke``), so the doors test without running any code. Answers follow the Lambda proxy
formats (docs/aws-rules.md#r75-front-door-events-and-answers): format 1.0 needs a JSON object with
``statusCode``, anything else is a 502; format 2.0 also takes any other JSON as a 200 JSON body.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from ...core.messages import local_doors as msg
from ..runtime import Invocation

Invoke = Callable[[str, str, str, str | None, bytes], Invocation]
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Request:
    """One HTTP request as a door's listener read it; ``path`` without the query string."""

    method: str
    path: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    received: datetime = field(default_factory=lambda: datetime.now(UTC))

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def body_field(self) -> tuple[str | None, bool]:
        """The event's ``body`` and ``isBase64Encoded``: text as it is, other bytes in base64."""
        if not self.body:
            return None, False
        try:
            return self.body.decode("utf-8"), False
        except UnicodeDecodeError:
            return base64.b64encode(self.body).decode("ascii"), True

    def epoch_ms(self) -> int:
        return int(self.received.timestamp() * 1000)


@dataclass(frozen=True)
class Response:
    """The door's answer: a status, headers (repeatable) and the body's bytes."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


def json_answer(status: int, body: str) -> Response:
    return Response(status, (("Content-Type", JSON_TYPE),), body.encode())


@dataclass(frozen=True)
class ApiStage:
    """Where an API's door is in moto: its account, region, API id and stage."""

    account_id: str
    region: str
    api_id: str
    stage: str


@dataclass(frozen=True)
class Target:
    """Where a route sends its requests: the function's unqualified ARN and the qualifier."""

    account_id: str
    region: str
    function_arn: str
    qualifier: str | None


def target_of(uri: str) -> Target | None:
    """The function an integration URI names: API Gateway's
    ``arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`` or the ARN itself."""
    arn = uri.split("/functions/", 1)[1].rsplit("/invocations", 1)[0] if "/functions/" in uri else uri
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        return None
    qualifier = parts[7] if len(parts) > 7 else None
    return Target(parts[4], parts[3], ":".join(parts[:7]), qualifier)


def call(invoke: Invoke, target: Target, event: dict[str, Any], timeout_s: float) -> Invocation | None:
    """Run the function with ``event``; None when it has not answered within ``timeout_s`` (the
    door's integration timeout: the run goes on, as on AWS, but the caller gets the door's timeout)."""
    result: list[Invocation | BaseException] = []

    def run() -> None:
        try:
            result.append(invoke(target.account_id, target.region, target.function_arn, target.qualifier,
                                 json.dumps(event).encode()))
        except BaseException as error:  # noqa: BLE001 (handed to the request's thread, which answers 500)
            result.append(error)

    worker = threading.Thread(target=run, daemon=True, name="door-invoke")
    worker.start()
    worker.join(timeout_s)
    if not result:
        return None
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def answer(invoke: Invoke, target: Any, event: dict[str, Any], timeout_s: float, *, version: str,
           unavailable: tuple[int, str] = (504, msg.REST_TIMED_OUT),
           internal_error: str = msg.REST_INTERNAL_ERROR) -> Response:
    """The function's answer through an API: a function error or a payload that is no proxy
    answer is 502, an invoke the Lambda API refuses is 500, no answer in time is ``unavailable``
    (docs/aws-rules.md#r73-front-door-answers)."""
    try:
        invocation = call(invoke, target, event, timeout_s)
    except Exception:  # noqa: BLE001 (an unknown function or alias: moto's Lambda error)
        return json_answer(500, internal_error)
    if invocation is None:
        return json_answer(*unavailable)
    mapped = None if invocation.function_error else proxy_answer(invocation.payload, version=version)
    return mapped if mapped is not None else json_answer(502, internal_error)


def proxy_answer(payload: bytes, *, version: str) -> Response | None:
    """The HTTP answer a Lambda proxy integration makes of a function's payload; None when the
    payload is not one (the door answers 502)."""
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        return None
    if isinstance(answer, dict) and "statusCode" in answer:
        return _structured(answer)
    if version == "2.0":  # anything else is the body of a 200 JSON answer
        return Response(200, (("Content-Type", JSON_TYPE),), payload)
    return None


def _structured(reply: dict[str, Any]) -> Response | None:
    status = reply.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return None
    headers: list[tuple[str, str]] = []
    for name, value in (reply.get("headers") or {}).items():
        headers.append((str(name), _text(value)))
    for name, values in (reply.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), _text(value)) for value in values or [] if (str(name), _text(value)) not in headers)
    headers.extend(("Set-Cookie", str(cookie)) for cookie in reply.get("cookies") or [])
    body = reply.get("body")
    text = body if isinstance(body, str) else ("" if body is None else json.dumps(body))
    try:
        data = base64.b64decode(text) if reply.get("isBase64Encoded") else text.encode()
    except ValueError:
        return None
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", JSON_TYPE))
    return Response(status, tuple(headers), data)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def request_time(request: Request) -> str:
    """``requestTime`` as API Gateway writes it: ``07/Dec/2026:21:48:51 +0000``."""
    return request.received.strftime("%d/%b/%Y:%H:%M:%S +0000")
