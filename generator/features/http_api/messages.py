"""Messages of the HTTP API door: its routes, timeout, stage, authorizers and options.

Each text states the rule and ends with the value the user wrote (``got: ...``, as ``show``
prints it); tests import the text they assert on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...core.values import show

MUST_HOLD_A_ROUTE = "must hold at least one Route, got: ()"



def must_be_a_method(allowed: Iterable[str], got: Any) -> str:
    return f"must be one of {', '.join(sorted(allowed))}, got: {show(got)}"


def default_route_method_must_be_any(got: Any) -> str:
    return f"must be 'ANY' for the $default route (it catches every method), got: {show(got)}"


def path_must_be_a_route_path(got: Any) -> str:
    return ("must be '$default' or a path that starts with '/', whose parts are literals or {name} "
            f"parameters, a greedy {{name+}} only last, got: {show(got)}")


def route_key_must_be_unique(key: str, first: str) -> str:
    return f"must not repeat the route key {key!r} of {first}: one key is one route"


def default_route_is_shadowed(greedy: str) -> str:
    return (f"must not be used together with {greedy!r}: that route catches every path but '/', so the $default "
            "route would answer only '/'; keep one of them (Route('ANY', '/') serves the root), got: '$default'")


def api_key_required_is_not_offered(got: Any) -> str:
    return f"must be None: HTTP APIs have no API keys (use a REST API, or an authorizer), got: {show(got)}"


def must_be_a_payload_format_version(got: Any) -> str:
    return f"must be '2.0' or '1.0', got: {show(got)}"


def must_be_whole_seconds_up_to(high: int, got: Any) -> str:
    return f"must be a whole number of seconds from 1 to {high} (an HTTP API waits at most {high} s), got: {show(got)}"


def must_cover_the_function_timeout(function_timeout_s: Any, got: Any) -> str:
    return (f"must be at least the function's timeout_s ({function_timeout_s}): past it the client gets an error "
            "while the function runs on; HTTP APIs wait at most 30 s, so shorten function.timeout_s, "
            f"got: {show(got)}")


def must_be_a_stage_name(got: Any) -> str:
    return f"must be '$default' or 1-128 letters, digits, '-' and '_', got: {show(got)}"


def must_be_an_authorization(got: Any) -> str:
    return f"must be 'NONE', 'AWS_IAM', a JwtAuthorizer or an HttpLambdaAuthorizer, got: {show(got)}"


def must_be_a_route_authorization(got: Any) -> str:
    return ("must be None (the API's), 'NONE', 'AWS_IAM', a JwtAuthorizer or an HttpLambdaAuthorizer, "
            f"got: {show(got)}")



def authorizer_must_match(other: str) -> str:
    return (f"must define the authorizer the same way as {other}: one name is one authorizer (only a "
            "JwtAuthorizer's scopes may differ per route); give a different one another name")


def must_be_an_https_issuer(got: Any) -> str:
    return f"must be the issuer's https:// URL, got: {show(got)}"


def must_be_a_list_of(kind: str, low: int, high: int, got: Any) -> str:
    return f"must be a list of {low} to {high} {kind}, got: {show(got)}"


def must_be_a_header_identity_source(got: Any) -> str:
    return f"must be '$request.header.<name>', got: {show(got)}"


def must_be_identity_sources(got: Any) -> str:
    return ("must be a list of '$request.header.<name>', '$request.querystring.<name>', '$context.<name>' "
            f"or '$stageVariables.<name>' (at least one while result_ttl_s > 0), got: {show(got)}")


def must_be_a_lambda_function_arn(got: Any) -> str:
    return ("must be a Lambda function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>"
            f"[:<version or alias>], got: {show(got)}")


def function_must_be_in_region(region: str, got: Any) -> str:
    return f"must name a function in the stack's region {region}: API Gateway can't grant another's, got: {show(got)}"


def must_be_a_ttl(low: int, high: int, got: Any) -> str:
    return f"must be a whole number of seconds from {low} to {high}, got: {show(got)}"


def simple_responses_need_payload_2(got: Any) -> str:
    return f"must be '2.0' while simple_responses is True (simple responses exist only in 2.0), got: {show(got)}"


def must_be_a_bool(got: Any) -> str:
    return f"must be True or False, got: {show(got)}"


def must_be_cors_methods(got: Any) -> str:
    return f"must be a list of '*' or GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got: {show(got)}"


def must_be_strings(kind: str, got: Any) -> str:
    return f"must be a list of {kind}, got: {show(got)}"


def must_be_whole_seconds_from_zero(got: Any) -> str:
    return f"must be a whole number of seconds from 0, got: {show(got)}"


def credentials_need_named_origins(got: Any) -> str:
    return f"must not hold '*' while allow_credentials is True (browsers refuse it), got: {show(got)}"





def must_be_a_retention(got: Any) -> str:
    return f"must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, ...), got: {show(got)}"


def must_be_option(kind: str, got: Any) -> str:
    return f"must be {kind} or None, got: {show(got)}"


def must_be_a_domain_name(got: Any) -> str:
    return f"must be a lower-case domain name such as 'api.example.com', got: {show(got)}"


def must_be_a_certificate_arn(region: Any, got: Any) -> str:
    return f"must be an ACM certificate ARN in the stack's region ({region}), got: {show(got)}"


def must_be_a_base_path(got: Any) -> str:
    return f"must be '' or path segments of letters, digits and $_.+!*'()- separated by '/', got: {show(got)}"


def authorizer_account_must_be_callers(name: str, account: str) -> str:
    """A precondition's error: shown by Terraform at plan."""
    return (f"HTTP API Lambda authorizer {name!r}: its function is in account {account}, not the one applying "
            "this stack; its invoke grant must be made in that account")


# --- the plan summary ---------------------------------------------------------------------------

STAGE_WILL_CHANGE = ("the HTTP API's stage is replaced: its URL changes for callers (a named stage is part of "
                     "the path; docs/http-api.md)")
