"""``HttpApi`` and its options: an API Gateway HTTP API (API Gateway v2) in front of a
deployment's alias, as a stack file declares it. Reference: docs/http-api.md.

Routes are the doors' shared ``Route``; the catch-all ``$default`` route is written
``Route("ANY", "$default")`` (docs/aws-rules.md#r62-http-api-routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..doors import Route, Throttle, door_of

NONE = "NONE"
AWS_IAM = "AWS_IAM"
DEFAULT_ROUTE_PATH = "$default"  # Route("ANY", "$default"): the route key "$default"
DEFAULT_STAGE = "$default"       # served at the root of the invoke URL
PAYLOAD_FORMAT_VERSIONS = ("1.0", "2.0")
INTEGRATION_TIMEOUT_S_MAX = 30   # HTTP API quotas: "Maximum integration timeout 30 seconds", not raisable
HEADER_IDENTITY_SOURCE = "$request.header.Authorization"
ACCESS_LOG_RETENTION_DAYS_DEFAULT = 14
AUTHORIZER_RESULT_TTL_S_DEFAULT = 300


@dataclass(frozen=True)
class JwtAuthorizer:
    """API Gateway checks a JSON Web Token (OpenID Connect / OAuth 2.0) itself, no function called.

    ``name``: the authorizer's name in the API, 1..64 letters, digits, ``-`` and ``_``; routes
    that share it share one authorizer. ``issuer``: the token issuer's base URL, ``https://...``
    (a Cognito user pool is ``https://cognito-idp.<region>.amazonaws.com/<pool id>``); the token's
    ``iss`` must equal it. ``audience``: one or more (up to 50) values, one of which the token's
    ``aud`` (or ``client_id``) must match. ``identity_source``: where the token is read; default
    the ``Authorization`` header, ``"$request.header.Authorization"`` (the token alone or after
    ``Bearer``). ``scopes``: OAuth scopes (up to 10) of which the token must hold one; default none.
    """

    name: str
    issuer: str
    audience: tuple[str, ...] | list[str]
    identity_source: str = HEADER_IDENTITY_SOURCE
    scopes: tuple[str, ...] | list[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", _as_tuple(self.audience))
        object.__setattr__(self, "scopes", _as_tuple(self.scopes))


@dataclass(frozen=True)
class HttpLambdaAuthorizer:
    """A Lambda function decides (an HTTP API ``REQUEST`` authorizer).

    ``name``: as ``JwtAuthorizer``'s. ``function_arn``: the authorizer function's ARN in the stack's
    region, optionally with a version or alias; bluegreen grants API Gateway the right to invoke it
    for this authorizer only. ``identity_sources``: what the function gets and the cache is keyed
    by, any of ``$request.header.X``, ``$request.querystring.X``, ``$context.X`` and
    ``$stageVariables.X``; default the ``Authorization`` header; a request missing one is refused
    with 401 without calling the function. ``result_ttl_s``: how long a decision is cached, 0 (no
    cache) to 3600; default 300. ``simple_responses``: True (default) lets the function answer
    ``{"isAuthorized": true|false}`` instead of an IAM policy; it needs ``payload_format_version``
    ``"2.0"`` (default; ``"1.0"`` is the REST authorizer's event).
    """

    name: str
    function_arn: str
    identity_sources: tuple[str, ...] | list[str] = (HEADER_IDENTITY_SOURCE,)
    result_ttl_s: int = AUTHORIZER_RESULT_TTL_S_DEFAULT
    simple_responses: bool = True
    payload_format_version: str = "2.0"

    def __post_init__(self) -> None:
        object.__setattr__(self, "identity_sources", _as_tuple(self.identity_sources))


HttpAuthorization = str | JwtAuthorizer | HttpLambdaAuthorizer


@dataclass(frozen=True)
class HttpCors:
    """API Gateway answers browsers' CORS preflight requests itself and adds the CORS headers to
    every response (it then ignores CORS headers the function returns).

    ``allow_origins``: one or more origins (``"https://app.example.com"``, ``"*"``, ``"https://*"``).
    ``allow_methods``: default ``("*",)``; or methods from GET, POST, PUT, PATCH, DELETE, HEAD,
    OPTIONS. ``allow_headers``, ``expose_headers``: header names (``"*"`` for any); default none.
    ``max_age_s``: how long browsers may cache a preflight answer, whole seconds from 0; default 0.
    ``allow_credentials``: default False; True can't go with ``"*"`` in ``allow_origins``.
    """

    allow_origins: tuple[str, ...] | list[str]
    allow_methods: tuple[str, ...] | list[str] = ("*",)
    allow_headers: tuple[str, ...] | list[str] = ()
    expose_headers: tuple[str, ...] | list[str] = ()
    max_age_s: int = 0
    allow_credentials: bool = False

    def __post_init__(self) -> None:
        for name in ("allow_origins", "allow_methods", "allow_headers", "expose_headers"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))


@dataclass(frozen=True)
class HttpAccessLogs:
    """One JSON line per request in a log group bluegreen creates. HTTP APIs deliver access logs
    without the account's API Gateway CloudWatch role (no ``bluegreen bootstrap`` needed).
    ``retention_days``: one of CloudWatch's allowed values; default 14."""

    retention_days: int = ACCESS_LOG_RETENTION_DAYS_DEFAULT


@dataclass(frozen=True)
class HttpDomain:
    """The API under your own domain name: a regional custom domain (TLS 1.2) and an API mapping.

    ``domain_name``: e.g. ``"api.example.com"``. ``certificate_arn``: an ACM certificate for it in
    the stack's region. ``base_path``: the mapping key, the first path segment(s) that lead to this
    API (``"orders"`` serves ``https://api.example.com/orders/...``); default ``""``, the whole
    domain. The output ``<deployment>_http_domain_target`` names what to point DNS at.
    """

    domain_name: str
    certificate_arn: str
    base_path: str = ""


@dataclass(frozen=True)
class HttpApi:
    """An API Gateway HTTP API in front of the alias: cheaper and lighter than a REST API.

    ``routes``: at least one ``Route`` (``Route("GET", "/orders")``, ``Route("ANY", "/files/{proxy+}")``,
    the catch-all ``Route("ANY", "$default")``); every route invokes the alias (``AWS_PROXY``).
    A route's ``authorization`` and ``throttle`` override the API's; ``api_key_required`` does not
    exist for HTTP APIs. ``payload_format_version``: the event the function gets, ``"2.0"``
    (default) or ``"1.0"`` (the REST API's shape). ``integration_timeout_s``: how long API Gateway
    waits for the function, 1..30 whole seconds (30 is a hard limit), at least the function's
    ``timeout_s``; default 30. ``stage``: ``"$default"`` (default; served at the URL's root) or a
    name, which then prefixes every URL and appears in the event's ``rawPath``
    (docs/aws-rules.md#r61-http-api-integration-timeout-and-payload).

    Options: ``authorization``: ``"NONE"`` (default), ``"AWS_IAM"``, a ``JwtAuthorizer`` or an
    ``HttpLambdaAuthorizer``. ``cors``: an ``HttpCors``, default None. ``throttle``: a ``Throttle``
    for every route of the stage; default None (the account's limits). ``access_logs``: an
    ``HttpAccessLogs``, on by default; None turns them off. ``domain``: an ``HttpDomain``, default None.
    """

    routes: tuple[Route, ...] | list[Route] = ()
    payload_format_version: str = "2.0"
    integration_timeout_s: int = INTEGRATION_TIMEOUT_S_MAX
    stage: str = DEFAULT_STAGE
    authorization: HttpAuthorization = NONE
    cors: HttpCors | None = None
    throttle: Throttle | None = None
    access_logs: HttpAccessLogs | None = HttpAccessLogs()
    domain: HttpDomain | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "routes", _as_tuple(self.routes))


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def route_key(route: Route) -> str:
    """The route's key in API Gateway: ``"GET /orders"``, or ``"$default"``."""
    return DEFAULT_ROUTE_PATH if route.path == DEFAULT_ROUTE_PATH else f"{route.method} {route.path}"


def route_authorization(api: HttpApi, route: Route) -> HttpAuthorization:
    """The authorization ``route`` has: its own, or the API's when it sets none."""
    return api.authorization if route.authorization is None else route.authorization


def authorizers(api: HttpApi) -> dict[str, JwtAuthorizer | HttpLambdaAuthorizer]:
    """The authorizers some route uses, by name, in the order first used."""
    return {name: authorizer for name, (authorizer, _) in authorizers_where(api, "api").items()}


def authorizers_where(api: HttpApi, at: str) -> dict[str, tuple[JwtAuthorizer | HttpLambdaAuthorizer, str]]:
    """``authorizers`` with the field that first names each (``at`` is the API's field)."""
    found: dict[str, tuple[JwtAuthorizer | HttpLambdaAuthorizer, str]] = {}
    for index, route in enumerate(api.routes):
        authorization = route_authorization(api, route)
        if isinstance(authorization, (JwtAuthorizer, HttpLambdaAuthorizer)):
            field = f"{at}.authorization" if route.authorization is None else f"{at}.routes[{index}].authorization"
            found.setdefault(authorization.name, (authorization, field))
    return found


def http_api_of(deployment: Any) -> HttpApi:
    """The deployment's HTTP API (one of its doors), for the slice's parts."""
    _, api = door_of(deployment, HttpApi)
    assert api is not None, "only a deployment with an HTTP API reaches this"
    return api
