"""``RestApi``: an API Gateway REST API in front of a deployment's alias, as a stack file declares it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model.aws_limits import INTEGRATION_TIMEOUT_S_DEFAULT
from ..doors import Route, Throttle, door_of
from .options import NONE, AccessLogs, ApiKeys, Authorization, CustomDomain


@dataclass(frozen=True)
class RestApi:
    """An API Gateway REST API in front of the alias.

    ``stage``: the stage name in the invoke URL (``https://.../v1``); default ``"live"``.
    ``routes``: at least one ``Route``; every route invokes the alias (``AWS_PROXY``).
    ``integration_timeout_s``: how long API Gateway waits for the function, in whole seconds;
    default 29, API Gateway's default and its most without a quota increase. The function's
    ``timeout_s`` must not exceed it (past it the client gets a 504 while the function runs on).
    Above 29 (up to 900) only on a ``REGIONAL`` API, after raising the account's "Maximum
    integration timeout" quota in Service Quotas.
    ``endpoint_type``: ``"REGIONAL"`` (default; clients call the region directly) or ``"EDGE"``
    (through API Gateway's CloudFront distribution; not offered in the GovCloud and China
    partitions).

    Options (``options``; a route may override the first three):
    ``authorization``: ``"NONE"`` (default), ``"AWS_IAM"`` (SigV4-signed requests), a
    ``CognitoAuthorizer`` or a ``LambdaAuthorizer`` (docs/aws-rules.md#r39-authorization).
    ``api_key_required``: routes need an ``x-api-key`` header holding one of ``api_keys``;
    default False. ``throttle``: a ``Throttle`` for every method of the stage; default None (the
    account's limits). ``api_keys``: an ``ApiKeys`` (keys and their usage plan), default None.
    ``access_logs``: an ``AccessLogs``, on by default (one JSON line per request, 14 days, the
    account's CloudWatch role created by the stack); None turns them off.
    ``tracing``: True turns on X-Ray tracing of the stage; default False
    (docs/aws-rules.md#r43-stage-x-ray-tracing). ``domain``: a ``CustomDomain``, default None.
    ``execution_logs``: None (default; off) or ``"ERROR"`` or ``"INFO"``: API Gateway's own log of
    how it handled each request, at that level, with detailed CloudWatch metrics, for every
    method; it needs ``access_logs``, whose ``cloudwatch_role`` gives API Gateway the account's
    role, and goes to a log group API Gateway creates itself,
    ``API-Gateway-Execution-Logs_<api id>/<stage>``, which Terraform does not manage and which
    keeps its logs forever (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role).
    ``web_acl_arn``: the ARN of an AWS WAF web ACL (``REGIONAL``, in the stack's region) that
    filters the stage's requests; default None (docs/aws-rules.md#r38-web-acls-on-a-stage).
    """

    routes: tuple[Route, ...] | list[Route] = ()
    stage: str = "live"
    integration_timeout_s: int = INTEGRATION_TIMEOUT_S_DEFAULT
    endpoint_type: str = "REGIONAL"
    authorization: Authorization = NONE
    api_key_required: bool = False
    throttle: Throttle | None = None
    api_keys: ApiKeys | None = None
    access_logs: AccessLogs | None = AccessLogs()
    tracing: bool = False
    domain: CustomDomain | None = None
    execution_logs: str | None = None
    web_acl_arn: str | None = None

    def __post_init__(self) -> None:
        # Keep a tuple so the model stays frozen; anything else is left for validation to report.
        object.__setattr__(self, "routes", _as_tuple(self.routes))


def _as_tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def rest_api_of(deployment: Any) -> RestApi:
    """The deployment's REST API (one of its doors): for the slice's parts, which run only for a
    deployment that has one."""
    _, api = door_of(deployment, RestApi)
    assert api is not None, "only a deployment with a REST API reaches this"
    return api
