"""The options of a deployment's REST API, as frozen dataclasses: who may call it, how fast, what
it logs, and under which domain name.

``RestApi`` and ``Route`` (``model.stack``) hold them; ``rest_api.rules_options`` checks
them and ``rest_api.synthesis*`` writes them. Every default writes what the API had before
these options existed, except access logs, which are on by default
(docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role).

Authorization is one value, on the API and optionally per route: ``"NONE"``, ``"AWS_IAM"``, a
``CognitoAuthorizer`` or a ``LambdaAuthorizer`` (docs/aws-rules.md#r39-authorization).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..doors import Throttle

# Authorization values that are not authorizers.
NONE = "NONE"
AWS_IAM = "AWS_IAM"
# The access logs' account role: say it is set up already (by bluegreen bootstrap), or have the
# stack make it; anything else is an IAM role ARN to set as the account's CloudWatch role.
CREATE_ROLE = "create"
EXISTING_ROLE = "existing"
ACCESS_LOG_RETENTION_DAYS_DEFAULT = 14
TOKEN_IDENTITY_SOURCE_DEFAULT = ("method.request.header.Authorization",)
AUTHORIZER_RESULT_TTL_S_DEFAULT = 300


@dataclass(frozen=True)
class CognitoAuthorizer:
    """Callers send a token issued by one of these Amazon Cognito user pools (``Authorization`` header).

    ``name``: the authorizer's name in the API, 1..64 letters, digits, ``-`` and ``_``; routes
    that share it share one authorizer. ``user_pool_arns``: one or more user pool ARNs
    (``arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123``). ``scopes``: OAuth
    scopes the access token must hold (``("orders/read",)``); default none, so an ID token
    passes. Scopes belong to the route: two routes may name the same authorizer with different
    scopes, but not with different user pools.
    """

    name: str
    user_pool_arns: tuple[str, ...] | list[str]
    scopes: tuple[str, ...] | list[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_pool_arns", _as_tuple(self.user_pool_arns))
        object.__setattr__(self, "scopes", _as_tuple(self.scopes))


@dataclass(frozen=True)
class LambdaAuthorizer:
    """A Lambda function decides (a Lambda authorizer): it returns an IAM policy for the caller.

    ``name``: as ``CognitoAuthorizer``'s. ``function_arn``: the authorizer function's ARN,
    optionally with a version or alias (``arn:aws:lambda:us-east-1:123456789012:function:auth:live``);
    bluegreen grants API Gateway the right to invoke it, for this API's authorizers only.
    ``type``: ``"TOKEN"`` (default; the function gets one header's value) or ``"REQUEST"`` (it
    gets the headers, query string, stage variables and context named in ``identity_source``).
    ``identity_source``: where the identity is read; default the ``Authorization`` header,
    ``("method.request.header.Authorization",)``. A ``TOKEN`` authorizer takes exactly one header;
    a ``REQUEST`` one any of ``method.request.header.X``, ``method.request.querystring.X``,
    ``stageVariables.X`` and ``context.X``, at least one while results are cached.
    ``result_ttl_s``: how long API Gateway caches a decision for the same identity, 0 (no cache)
    to 3600 seconds; default 300.
    """

    name: str
    function_arn: str
    type: str = "TOKEN"
    identity_source: tuple[str, ...] | list[str] = TOKEN_IDENTITY_SOURCE_DEFAULT
    result_ttl_s: int = AUTHORIZER_RESULT_TTL_S_DEFAULT

    def __post_init__(self) -> None:
        object.__setattr__(self, "identity_source", _as_tuple(self.identity_source))


Authorization = str | CognitoAuthorizer | LambdaAuthorizer


@dataclass(frozen=True)
class Quota:
    """How many requests one API key may make per ``period`` (``"DAY"``, ``"WEEK"`` or ``"MONTH"``, default)."""

    limit: int
    period: str = "MONTH"


@dataclass(frozen=True)
class ApiKeys:
    """API keys and the usage plan that lets them call this API's stage
    (docs/aws-rules.md#r40-api-keys-and-usage-plans).

    ``names``: one key per name (1..64 letters, digits, ``-`` and ``_``), each created with a
    value that AWS generates; bluegreen outputs the keys' ids, never their values (read a value
    with ``aws apigateway get-api-key --api-key ID --include-value``). ``quota``: a ``Quota``
    per key, default None (no quota). ``throttle``: a ``Throttle`` per key, default None (the
    stage's). Which routes need a key is ``RestApi.api_key_required`` and ``Route.api_key_required``.
    """

    names: tuple[str, ...] | list[str]
    quota: Quota | None = None
    throttle: Throttle | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", _as_tuple(self.names))


@dataclass(frozen=True)
class AccessLogs:
    """One JSON line per request, in a log group bluegreen creates
    (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role).

    ``retention_days``: the log group's retention, one of CloudWatch's allowed values; default 14.
    ``cloudwatch_role``: API Gateway writes logs only once its account has a CloudWatch role, one
    setting per account and region, so the choice is the stack's (every API of a stack that logs
    must make the same one). ``"existing"`` (default): the account's role is set up already, by
    ``bluegreen bootstrap --region R`` once per account and region
    (docs/aws-rules.md#r51-the-account-bootstrap); the stack leaves it alone, and AWS refuses a
    logging stage until it is. ``"create"``: the stack creates a role with AWS's managed policy
    ``AmazonAPIGatewayPushToCloudWatchLogs`` and sets it as the account's role, overwriting any
    other stack's or the bootstrap's; only for an account with a single stack. An IAM role ARN:
    the stack sets that role.
    ``kms_key_arn``: a customer managed KMS key (key ARN) that encrypts the log group; default
    None (CloudWatch Logs' own encryption). The key's policy must let the CloudWatch Logs service
    of the stack's region use it (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role).
    """

    retention_days: int = ACCESS_LOG_RETENTION_DAYS_DEFAULT
    cloudwatch_role: str = EXISTING_ROLE
    kms_key_arn: str | None = None


@dataclass(frozen=True)
class CustomDomain:
    """The API under your own domain name (docs/aws-rules.md#r44-custom-domain-names).

    ``domain_name``: e.g. ``"api.example.com"`` (a ``*.`` wildcard first label is allowed).
    ``certificate_arn``: an ACM certificate for that name, in the stack's region for a
    ``REGIONAL`` API and in ``us-east-1`` for an ``EDGE`` one. ``base_path``: the first path
    segment that leads to this API (``"orders"`` serves ``https://api.example.com/orders/...``);
    default ``""``, the whole domain. TLS 1.2 is the minimum. The output
    ``<deployment>_domain_target`` holds the name and hosted zone to point a DNS alias record at.
    ``hosted_zone_id``: the Route 53 public hosted zone of the domain (``"Z0123456789ABCDEFGHIJ"``);
    bluegreen then creates that alias record itself (an ``A`` record), so the domain answers after
    one apply. Default None: the record is yours to make.
    """

    domain_name: str
    certificate_arn: str
    base_path: str = ""
    hosted_zone_id: str | None = None


def _as_tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


# --- what a route gets: its override, else the API's ---------------------------------------------
# (Typed loosely: ``declaration`` imports this module, so it cannot import ``RestApi`` back.)


def route_authorization(api: Any, route: Any) -> Authorization:
    """The authorization ``route`` has: its own, or the API's when it sets none."""
    return api.authorization if route.authorization is None else route.authorization


def route_requires_key(api: Any, route: Any) -> bool:
    return api.api_key_required if route.api_key_required is None else route.api_key_required


def lambda_authorizers(api: Any) -> dict[str, tuple[LambdaAuthorizer, int]]:
    """The Lambda authorizers some route uses, by name: each one and the index of its first route."""
    found: dict[str, tuple[LambdaAuthorizer, int]] = {}
    for index, route in enumerate(api.routes):
        authorization = route_authorization(api, route)
        if isinstance(authorization, LambdaAuthorizer):
            found.setdefault(authorization.name, (authorization, index))
    return found
