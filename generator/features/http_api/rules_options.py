"""Check an HTTP API's options: authorization and authorizers
(docs/aws-rules.md#r63-http-api-authorizers-and-grants), CORS, throttling, access logs and the
custom domain (#r64-http-api-stage-options), and what a route may override.

Pure, returns problems, never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.messages import model as model_msg
from ...core.values import is_one_of, is_whole_number
from ...model import aws_limits as aws
from ..doors import Route, throttle_problems
from . import messages as msg
from .declaration import (
    AWS_IAM,
    NONE,
    PAYLOAD_FORMAT_VERSIONS,
    HttpAccessLogs,
    HttpApi,
    HttpCors,
    HttpDomain,
    HttpLambdaAuthorizer,
    JwtAuthorizer,
    route_authorization,
)

_HEADER = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"  # an HTTP token (RFC 9110 5.1)
HEADER_IDENTITY = re.compile(rf"\$request\.header\.{_HEADER}")
REQUEST_IDENTITY = re.compile(rf"\$request\.(header|querystring)\.{_HEADER}|\$context\.[A-Za-z0-9_.]+"
                              r"|\$stageVariables\.[A-Za-z0-9_]+")
AUDIENCES_MAX = 50      # HTTP API quotas: "Audiences per authorizer 50"
SCOPES_MAX = 10         # HTTP API quotas: "Scopes per route 10"
CORS_METHODS = frozenset({"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def option_problems(api: HttpApi, at: str, region: Any) -> Iterator[Problem]:
    yield from _authorization_problems(api.authorization, f"{at}.authorization", region,
                                       msg.must_be_an_authorization)
    yield from _authorizer_consistency(api, at)
    if api.cors is not None:
        yield from _cors_problems(api.cors, f"{at}.cors")
    yield from throttle_problems(api.throttle, f"{at}.throttle")
    if api.access_logs is not None:
        if not isinstance(api.access_logs, HttpAccessLogs):
            yield Problem(Field(f"{at}.access_logs"), msg.must_be_option("an HttpAccessLogs", api.access_logs))
        elif not is_one_of(api.access_logs.retention_days, aws.LOG_RETENTION_DAYS):
            yield Problem(Field(f"{at}.access_logs.retention_days"),
                          msg.must_be_a_retention(api.access_logs.retention_days))
    if api.domain is not None:
        yield from _domain_problems(api.domain, f"{at}.domain", region)


def route_option_problems(route: Route, where: str, region: Any) -> Iterator[Problem]:
    if route.api_key_required is not None:
        yield Problem(Field(f"{where}.api_key_required"), msg.api_key_required_is_not_offered(route.api_key_required))
    if route.authorization is not None:
        yield from _authorization_problems(route.authorization, f"{where}.authorization", region,
                                           msg.must_be_a_route_authorization)
    yield from throttle_problems(route.throttle, f"{where}.throttle")


def _authorization_problems(value: Any, where: str, region: Any, bad) -> Iterator[Problem]:
    if isinstance(value, JwtAuthorizer):
        yield from _jwt_problems(value, where)
    elif isinstance(value, HttpLambdaAuthorizer):
        yield from _lambda_problems(value, where, region)
    elif not is_one_of(value, (NONE, AWS_IAM)):
        yield Problem(Field(where), bad(value))


def _name_problems(name: Any, where: str) -> Iterator[Problem]:
    if not (isinstance(name, str) and aws.AUTHORIZER_NAME.fullmatch(name)):
        yield Problem(Field(f"{where}.name"), model_msg.must_be_an_authorizer_name(name))


def _jwt_problems(jwt: JwtAuthorizer, where: str) -> Iterator[Problem]:
    yield from _name_problems(jwt.name, where)
    if not (isinstance(jwt.issuer, str) and jwt.issuer.startswith("https://") and len(jwt.issuer) > 8):
        yield Problem(Field(f"{where}.issuer"), msg.must_be_an_https_issuer(jwt.issuer))
    if not _strings(jwt.audience, 1, AUDIENCES_MAX):
        yield Problem(Field(f"{where}.audience"), msg.must_be_a_list_of("audience values", 1, AUDIENCES_MAX,
                                                                        jwt.audience))
    if not (isinstance(jwt.identity_source, str) and HEADER_IDENTITY.fullmatch(jwt.identity_source)):
        yield Problem(Field(f"{where}.identity_source"), msg.must_be_a_header_identity_source(jwt.identity_source))
    if not (_strings(jwt.scopes, 0, SCOPES_MAX) and all(aws.OAUTH_SCOPE.fullmatch(s) for s in jwt.scopes)):
        yield Problem(Field(f"{where}.scopes"), msg.must_be_a_list_of("OAuth scopes", 0, SCOPES_MAX, jwt.scopes))


def _lambda_problems(authorizer: HttpLambdaAuthorizer, where: str, region: Any) -> Iterator[Problem]:
    yield from _name_problems(authorizer.name, where)
    arn = authorizer.function_arn
    found = aws.LAMBDA_FUNCTION_ARN.fullmatch(arn) if isinstance(arn, str) else None
    if found is None:
        yield Problem(Field(f"{where}.function_arn"), msg.must_be_a_lambda_function_arn(arn))
    elif region is not None and found.group(2) != region:
        # The grant is made in the function's own region
        # (docs/aws-rules.md#r52-lambda-authorizers-in-the-apis-region-and-account).
        yield Problem(Field(f"{where}.function_arn"), msg.function_must_be_in_region(region, arn))
    ttl, (low, high) = authorizer.result_ttl_s, aws.AUTHORIZER_RESULT_TTL_S_RANGE
    if not (is_whole_number(ttl) and low <= ttl <= high):
        yield Problem(Field(f"{where}.result_ttl_s"), msg.must_be_a_ttl(low, high, ttl))
    sources = authorizer.identity_sources
    if not (_strings(sources, 0, 10) and all(REQUEST_IDENTITY.fullmatch(s) for s in sources)) \
            or (not sources and ttl != 0):
        yield Problem(Field(f"{where}.identity_sources"), msg.must_be_identity_sources(sources))
    if not isinstance(authorizer.simple_responses, bool):
        yield Problem(Field(f"{where}.simple_responses"), msg.must_be_a_bool(authorizer.simple_responses))
    version = authorizer.payload_format_version
    if not is_one_of(version, PAYLOAD_FORMAT_VERSIONS):
        yield Problem(Field(f"{where}.payload_format_version"), msg.must_be_a_payload_format_version(version))
    elif authorizer.simple_responses is True and version != "2.0":
        yield Problem(Field(f"{where}.payload_format_version"), msg.simple_responses_need_payload_2(version))


def _authorizer_consistency(api: HttpApi, at: str) -> Iterator[Problem]:
    # One name is one authorizer resource; a JwtAuthorizer's scopes belong to the route.
    if not isinstance(api.routes, tuple):
        return
    first: dict[str, tuple[Any, str]] = {}
    for index, route in enumerate(api.routes):
        if not isinstance(route, Route):
            continue
        authorization = route_authorization(api, route)
        if not isinstance(authorization, (JwtAuthorizer, HttpLambdaAuthorizer)):
            continue
        where = f"{at}.authorization" if route.authorization is None else f"{at}.routes[{index}].authorization"
        shape = _shape(authorization)
        other, other_where = first.setdefault(authorization.name, (shape, where))
        if other != shape:
            yield Problem(Field(where), msg.authorizer_must_match(other_where))


def _shape(authorizer: Any) -> Any:
    if isinstance(authorizer, JwtAuthorizer):
        return (JwtAuthorizer, authorizer.issuer, authorizer.audience, authorizer.identity_source)
    return authorizer


def _cors_problems(cors: Any, where: str) -> Iterator[Problem]:
    if not isinstance(cors, HttpCors):
        yield Problem(Field(where), msg.must_be_option("an HttpCors", cors))
        return
    if not _strings(cors.allow_origins, 1, 100):
        yield Problem(Field(f"{where}.allow_origins"), msg.must_be_a_list_of("origins", 1, 100, cors.allow_origins))
    elif cors.allow_credentials is True and "*" in cors.allow_origins:
        yield Problem(Field(f"{where}.allow_origins"), msg.credentials_need_named_origins(cors.allow_origins))
    if not (_strings(cors.allow_methods, 1, 8) and all(m in CORS_METHODS for m in cors.allow_methods)):
        yield Problem(Field(f"{where}.allow_methods"), msg.must_be_cors_methods(cors.allow_methods))
    for name in ("allow_headers", "expose_headers"):
        if not _strings(getattr(cors, name), 0, 100):
            yield Problem(Field(f"{where}.{name}"), msg.must_be_strings("header names", getattr(cors, name)))
    if not (is_whole_number(cors.max_age_s) and cors.max_age_s >= 0):
        yield Problem(Field(f"{where}.max_age_s"), msg.must_be_whole_seconds_from_zero(cors.max_age_s))
    if not isinstance(cors.allow_credentials, bool):
        yield Problem(Field(f"{where}.allow_credentials"), msg.must_be_a_bool(cors.allow_credentials))


def _domain_problems(domain: Any, where: str, region: Any) -> Iterator[Problem]:
    if not isinstance(domain, HttpDomain):
        yield Problem(Field(where), msg.must_be_option("an HttpDomain", domain))
        return
    name = domain.domain_name
    if not (isinstance(name, str) and len(name) <= aws.DOMAIN_NAME_MAX and aws.DOMAIN_NAME.fullmatch(name)):
        yield Problem(Field(f"{where}.domain_name"), msg.must_be_a_domain_name(name))
    arn = domain.certificate_arn
    found = aws.ACM_CERTIFICATE_ARN.fullmatch(arn) if isinstance(arn, str) else None
    if found is None or (region is not None and found.group(2) != region):
        yield Problem(Field(f"{where}.certificate_arn"), msg.must_be_a_certificate_arn(region, arn))
    base = domain.base_path
    if not (base == "" or (isinstance(base, str) and all(aws.BASE_PATH.fullmatch(p) for p in base.split("/")))):
        yield Problem(Field(f"{where}.base_path"), msg.must_be_a_base_path(base))


def _strings(value: Any, low: int, high: int) -> bool:
    return isinstance(value, tuple) and low <= len(value) <= high and all(isinstance(v, str) and v for v in value)
