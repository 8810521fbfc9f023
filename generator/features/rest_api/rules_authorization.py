"""Check a REST API's authorization: the API's value, each route's override, and the authorizers.

Part of validation (see ``validation``): pure, returns problems, never raises. The rules are
API Gateway's (docs/aws-rules.md#r39-authorization); the patterns live in ``aws_limits``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.messages import model as model_msg
from ...core.values import is_one_of, is_whole_number
from ...model import aws_limits as aws
from . import messages as msg
from .options import AWS_IAM, NONE, CognitoAuthorizer, LambdaAuthorizer


def authorization_problems(value: Any, at: str, *, route: bool) -> Iterator[Problem]:
    """The problems of one authorization value (``route``: a route's, where None means the API's)."""
    if route and value is None or value in (NONE, AWS_IAM):
        return
    if isinstance(value, CognitoAuthorizer):
        yield from _cognito_problems(value, at)
    elif isinstance(value, LambdaAuthorizer):
        yield from _lambda_problems(value, at)
    elif route:
        yield Problem(Field(at), msg.must_be_a_route_authorization(value))
    else:
        yield Problem(Field(at), msg.must_be_an_authorization(value))


def authorizer_conflicts(authorizations: list[tuple[Any, str]]) -> Iterator[Problem]:
    """One name is one authorizer: ``authorizations`` holds (value, field) pairs that are valid on their own."""
    first: dict[str, tuple[Any, str]] = {}
    for value, at in authorizations:
        if not isinstance(value, (CognitoAuthorizer, LambdaAuthorizer)):
            continue
        other, other_at = first.setdefault(value.name, (value, at))
        if _definition(other) != _definition(value):
            yield Problem(Field(at), msg.authorizer_must_match(other_at))


def _definition(authorizer: CognitoAuthorizer | LambdaAuthorizer) -> tuple:
    # Scopes are the method's (authorizationScopes), not the authorizer's: they may differ per route.
    if isinstance(authorizer, CognitoAuthorizer):
        return ("cognito", authorizer.user_pool_arns)
    return ("lambda", authorizer.function_arn, authorizer.type, authorizer.identity_source, authorizer.result_ttl_s)


def _name_problems(name: Any, at: str) -> Iterator[Problem]:
    if not isinstance(name, str) or not aws.AUTHORIZER_NAME.fullmatch(name):
        yield Problem(Field(at), model_msg.must_be_an_authorizer_name(name))
    elif name in aws.RESERVED_SCHEME_NAMES:
        yield Problem(Field(at), msg.authorizer_name_must_not_be_reserved(aws.RESERVED_SCHEME_NAMES, name))


def _cognito_problems(authorizer: CognitoAuthorizer, at: str) -> Iterator[Problem]:
    yield from _name_problems(authorizer.name, f"{at}.name")
    pools = authorizer.user_pool_arns
    if not isinstance(pools, tuple) or not pools:
        yield Problem(Field(f"{at}.user_pool_arns"), msg.must_be_a_list_of("Cognito user pool ARNs", pools))
    else:
        yield from _unique_items(pools, f"{at}.user_pool_arns", "user pool",
                                 lambda arn: isinstance(arn, str) and aws.USER_POOL_ARN.fullmatch(arn),
                                 msg.must_be_a_user_pool_arn)
    scopes = authorizer.scopes
    if not isinstance(scopes, tuple):
        yield Problem(Field(f"{at}.scopes"), msg.must_be_a_list_of_scopes(scopes))
    else:
        yield from _unique_items(scopes, f"{at}.scopes", "scope",
                                 lambda scope: isinstance(scope, str) and aws.OAUTH_SCOPE.fullmatch(scope),
                                 msg.must_be_a_scope)


def _unique_items(items: tuple, at: str, kind: str, valid, invalid_message) -> Iterator[Problem]:
    seen: set = set()
    for index, item in enumerate(items):
        if not valid(item):
            yield Problem(Field(f"{at}[{index}]"), invalid_message(item))
        elif item in seen:
            yield Problem(Field(f"{at}[{index}]"), msg.must_be_unique(kind, item))
        else:
            seen.add(item)


def _lambda_problems(authorizer: LambdaAuthorizer, at: str) -> Iterator[Problem]:
    yield from _name_problems(authorizer.name, f"{at}.name")
    arn = authorizer.function_arn
    if not (isinstance(arn, str) and aws.LAMBDA_FUNCTION_ARN.fullmatch(arn)):
        yield Problem(Field(f"{at}.function_arn"), msg.must_be_a_lambda_function_arn(arn))
    low, high = aws.AUTHORIZER_RESULT_TTL_S_RANGE
    ttl = authorizer.result_ttl_s
    ttl_valid = is_whole_number(ttl) and low <= ttl <= high
    if not ttl_valid:
        yield Problem(Field(f"{at}.result_ttl_s"), msg.must_be_a_result_ttl(low, high, ttl))
    if not is_one_of(authorizer.type, aws.AUTHORIZER_TYPES):
        yield Problem(Field(f"{at}.type"), msg.must_be_an_authorizer_type(authorizer.type))
    elif authorizer.type == "TOKEN":
        yield from _token_source_problems(authorizer.identity_source, f"{at}.identity_source")
    else:
        yield from _request_source_problems(authorizer.identity_source, ttl if ttl_valid else 0,
                                            f"{at}.identity_source")


def _token_source_problems(sources: Any, at: str) -> Iterator[Problem]:
    if not (isinstance(sources, tuple) and len(sources) == 1 and isinstance(sources[0], str)
            and aws.TOKEN_IDENTITY_SOURCE.fullmatch(sources[0])):
        yield Problem(Field(at), msg.token_identity_source_must_be_one_header(sources))


def _request_source_problems(sources: Any, ttl: int, at: str) -> Iterator[Problem]:
    if not isinstance(sources, tuple):
        yield Problem(Field(at), msg.must_be_request_identity_sources(sources))
    elif not sources and ttl > 0:
        # API Gateway caches a REQUEST authorizer's decision by its identity sources.
        yield Problem(Field(at), msg.identity_source_needed_to_cache(ttl))
    else:
        yield from _unique_items(sources, at, "identity source", _is_request_source,
                                 msg.must_be_a_request_identity_source)


def _is_request_source(source: Any) -> bool:
    return isinstance(source, str) and aws.REQUEST_IDENTITY_SOURCE.fullmatch(source) is not None
