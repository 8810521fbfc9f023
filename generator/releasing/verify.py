"""``bluegreen verify``: invoke a deployment's alias N times and compare the versions that answered
with the weight the alias is configured with (``verify_stats`` judges; docs/verify.md).

What the alias is configured with is read from Lambda (``GetAlias``), never from the traffic
file: the point is to check what AWS does. Each invoke is Lambda's ``Invoke`` with the alias as
qualifier, whose answer names the version that ran
(docs/aws-rules.md#r76-counting-the-versions-an-alias-served); on AWS each is a real, billed
invocation (docs/aws-rules.md#r77-invoke-payloads-and-cost). A few invokes run at once, each timed
on the client.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core.errors import Argument, ExternalToolFailed, InvalidInput, Problem
from ..core.json_file import read_json
from ..core.messages import releasing as releasing_msg
from ..core.messages import verify as msg
from ..model import naming
from ..model.traffic_file import read_traffic
from .aws import Access, lambda_answer
from .operations import Target
from .verify_stats import Report, Sample, Served, summarize

DEFAULT_REQUESTS, MAX_REQUESTS = 100, 10_000
# Invokes in flight at once: enough to make 10,000 take minutes, not hours, and few enough that a
# function with a small reserved concurrency is not throttled by its own check.
WORKERS = 4
# Lambda's quota for a synchronous request's payload (docs/aws-rules.md#r77-invoke-payloads-and-cost).
PAYLOAD_LIMIT = 6 * 1024 * 1024
# The event sent without --event: an API Gateway REST API's proxy event (payload 1.0) for GET /,
# the shape the deployments' front doors send (docs/verify.md#the-default-event).
DEFAULT_EVENT: dict[str, Any] = {
    "resource": "/", "path": "/", "httpMethod": "GET",
    "headers": {"Accept": "*/*", "User-Agent": "bluegreen-verify"},
    "multiValueHeaders": {"Accept": ["*/*"], "User-Agent": ["bluegreen-verify"]},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None,
    "requestContext": {"resourcePath": "/", "httpMethod": "GET", "path": "/", "stage": "verify",
                       "requestId": "bluegreen-verify", "identity": {"sourceIp": "127.0.0.1",
                                                                      "userAgent": "bluegreen-verify"}},
    "body": None, "isBase64Encoded": False,
}
_DETAIL_CHARS = 200  # an error payload shown in the report: its type and message, not a whole trace


def parse_requests(text: str) -> int:
    """``--requests``: a whole number from 1 to ``MAX_REQUESTS``."""
    where = Argument("--requests")
    digits = text.isascii() and text.isdigit()
    # Counted before int(): Python refuses to convert a string of more than 4,300 digits.
    if digits and len(text.lstrip("0")) > len(str(MAX_REQUESTS)) or digits and int(text) > MAX_REQUESTS:
        raise InvalidInput(Problem(where, msg.requests_must_be_at_most(MAX_REQUESTS, text)))
    if not digits or int(text) < 1:
        raise InvalidInput(Problem(where, msg.requests_must_be_a_whole_number(MAX_REQUESTS, text)))
    return int(text)


def read_event(path: str | None) -> bytes:
    """The payload each invoke sends: ``--event``'s JSON, or ``DEFAULT_EVENT``."""
    if path is None:
        return json.dumps(DEFAULT_EVENT, sort_keys=True).encode()
    where = Argument("--event")
    event = read_json(Path(path), where, not_json=lambda error: msg.event_file_must_be_json(path, error),
                      too_deep=msg.EVENT_FILE_MUST_NOT_NEST_TOO_DEEPLY, missing=msg.event_file_must_exist(path))
    payload = json.dumps(event).encode()
    if len(payload) > PAYLOAD_LIMIT:
        raise InvalidInput(Problem(where, msg.event_must_fit_a_payload(path, len(payload), PAYLOAD_LIMIT)))
    return payload


def verify(target: Target, access: Access, requests: int, payload: bytes) -> Report:
    """Read the alias, invoke it ``requests`` times with ``payload``, and judge the split."""
    function = naming.function_name(target.stack.name, target.deployment)
    alias = target.deployment.alias
    client = access.client("lambda", lambda error: releasing_msg.aws_call_failed("client set-up", function, error))
    served = served_by(lambda_answer("GetAlias", function, lambda: client.get_alias(FunctionName=function, Name=alias)),
                       target)

    def once(_: int) -> Sample:
        return lambda_answer("Invoke", function, lambda: invoke_once(client, function, alias, payload))

    with ThreadPoolExecutor(max_workers=min(WORKERS, requests)) as pool:
        try:
            samples = list(pool.map(once, range(requests)))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # no more invokes after the first failure
            raise
    return summarize(samples, served)


def served_by(alias: dict, target: Target) -> Served:
    """What ``GetAlias`` says the alias serves. An alias on one version serves it alone: that is
    blue at weight 0, unless the traffic file names it green at weight 1 (before the promote)."""
    primary = str(alias["FunctionVersion"])
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    if weights:
        (green, weight), = weights.items()  # Lambda routes to one additional version at most
        return Served(primary, str(green), float(weight))
    committed = read_traffic(target.traffic_file, target.stack)[target.deployment.name]
    if committed.green_weight == 1 and committed.green_version == primary and committed.blue_version:
        return Served(committed.blue_version, primary, 1.0)
    return Served(primary, None, 0.0)


def invoke_once(client: Any, function: str, alias: str, payload: bytes) -> Sample:
    """One ``Invoke`` of the alias: the version that ran, and whether it answered an error. A 5xx
    from Lambda itself is an error with no version; any other failure raises (boto3's error)."""
    from botocore.exceptions import ClientError

    started = time.perf_counter()
    try:
        response = client.invoke(FunctionName=function, Qualifier=alias, Payload=payload)
    except ClientError as error:
        lambdas = int((error.response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
        if lambdas >= 500:
            return Sample(None, True, _since(started), _shown(str(error)))
        raise
    body = response["Payload"].read()
    latency = _since(started)
    version = response.get("ExecutedVersion")
    if not version:
        raise ExternalToolFailed(msg.invoke_answered_no_version(function, alias))
    if response.get("FunctionError"):
        return Sample(str(version), True, latency, _error_text(body))
    answered = _answered_status(body)
    if answered is not None and answered >= 500:
        return Sample(str(version), True, latency, _shown(f"statusCode {answered}"))
    return Sample(str(version), False, latency)


def _answered_status(body: bytes) -> int | None:
    """The ``statusCode`` of a proxy answer (what the API returns to its caller), as the rollout's
    smoke test reads it; None for any other answer."""
    try:
        parsed = json.loads(body or b"null")
    except ValueError:
        return None
    status = parsed.get("statusCode") if isinstance(parsed, dict) else None
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def _error_text(body: bytes) -> str:
    # Lambda's error payload: {"errorType": ..., "errorMessage": ...} (Python and Node.js alike).
    try:
        error = json.loads(body)
    except ValueError:
        return _shown(body.decode(errors="replace"))
    if isinstance(error, dict) and ("errorType" in error or "errorMessage" in error):
        return _shown(f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}")
    return _shown(json.dumps(error))


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_CHARS else text[:_DETAIL_CHARS] + "..."


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)

