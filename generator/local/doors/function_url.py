"""A function URL on loopback: every path and method goes to the URL's alias with the event of
payload format 2.0 (docs/local-doors.md#function-url).

moto keeps one URL per function and drops its ``Qualifier`` (docs/aws-rules.md#r66-a-function-url-on-the-alias):
``keep_qualifier`` records it on the URL's configuration, so the door invokes the alias the URL
was made for. ``AWS_IAM`` is checked as far as the emulator can: a request without a SigV4
``Authorization`` header gets Lambda's 403 (docs/local-doors.md#authorization); the signature
itself is not verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ...core.messages import local_doors as msg
from .exchange import Invoke, Request, Response, Target, answer, json_answer
from .http_api import SIGV4, version_2_event

ROUTE_KEY = STAGE = "$default"  # what Lambda puts in a URL's event (no routes, no stages)
# The door waits this much past the function's own timeout, which the runtime enforces first.
GRACE_S = 5


@dataclass(frozen=True)
class FunctionUrlDoor:
    """The URL of one function (its alias) in moto's account and region; ``url_id`` is the host's first label."""

    account_id: str
    region: str
    function_name: str
    url_id: str
    base_path = ""  # every path is the function's
    stage = STAGE

    @property
    def api_id(self) -> str:
        return self.url_id

    @property
    def domain(self) -> str:
        return f"{self.url_id}.lambda-url.{self.region}.on.aws"

    def handle(self, request: Request, invoke: Invoke) -> Response:
        function = _function(self.account_id, self.region, self.function_name)
        config = getattr(function, "url_config", None)
        if config is None or not config.url.startswith(f"https://{self.url_id}."):
            return json_answer(404, msg.HTTP_UNKNOWN_ROUTE)  # the URL was deleted (or replaced)
        iam = config.config.get("AuthType") == "AWS_IAM"
        if iam and not (request.header("Authorization") or "").startswith(SIGV4):
            return json_answer(403, msg.URL_FORBIDDEN)
        event = version_2_event(request, self, ROUTE_KEY, {}, {}, account_id=self.account_id if iam else "anonymous")
        target = Target(self.account_id, self.region, function.function_arn, config.config.get("Qualifier"))
        timeout_s = int(function.timeout or 3) + GRACE_S
        return answer(invoke, target, event, timeout_s, version="2.0", unavailable=(502, msg.HTTP_INTERNAL_ERROR),
                      internal_error=msg.HTTP_INTERNAL_ERROR)


def keep_qualifier() -> None:
    """Record ``CreateFunctionUrlConfig``'s ``Qualifier`` on the URL's configuration in this process."""
    from moto.awslambda import responses

    create = responses.LambdaResponse.create_function_url_config

    def create_function_url_config(self: Any) -> Any:
        answered = create(self)
        qualifier = self.querystring.get("Qualifier", [None])[0]
        name = unquote(self.path.split("/")[-2])
        config = self.backend.get_function_url_config(name)
        config.config["Qualifier"] = qualifier
        return answered

    setattr(responses.LambdaResponse, "create_function_url_config", create_function_url_config)  # noqa: B010


def find(account_id: str, region: str, url_id: str) -> FunctionUrlDoor | None:
    """The door of the function whose URL has ``url_id``, if moto holds one."""
    for function in lambda_backend(account_id, region).list_functions():
        config = getattr(function, "url_config", None)
        if config is not None and config.url.startswith(f"https://{url_id}."):
            return FunctionUrlDoor(account_id, region, function.function_name, url_id)
    return None


def lambda_backend(account_id: str, region: str) -> Any:
    """moto's Lambda backend that serves the API: the Docker-free one on the emulator
    (``moto_extras.run_rollouts``), which keeps its functions apart from the other's."""
    from moto.awslambda.utils import get_backend

    return get_backend(account_id, region)


def accounts() -> list[str]:
    """The accounts moto's Lambda backends hold functions in."""
    from moto.awslambda.models import lambda_backends
    from moto.awslambda_simple.models import lambda_simple_backends

    return sorted({account for backends in (lambda_backends, lambda_simple_backends)
                   for account, _, _ in backends.iter_backends()})


def _function(account_id: str, region: str, name: str) -> Any:
    try:
        return lambda_backend(account_id, region).get_function(name)
    except Exception:  # noqa: BLE001 (moto's 404 for a function deleted since)
        return None

