"""Messages of a REST API's options: authorization, API keys, throttling, logs, the domain, web ACLs.

Used by ``rest_api.rules_options``, ``rest_api.rules_stack`` and
``rest_api.synthesis_account``; each text states the rule and ends with the value the user wrote
(``got: ...``), as ``show`` prints it. The generic ones (a boolean, a log retention) are in
``model``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...core.values import show

# --- authorization -------------------------------------------------------------------------------


def must_be_an_authorization(got: Any) -> str:
    return f"must be 'NONE', 'AWS_IAM', a CognitoAuthorizer or a LambdaAuthorizer, got: {show(got)}"


def must_be_a_route_authorization(got: Any) -> str:
    return ("must be None (the API's), 'NONE', 'AWS_IAM', a CognitoAuthorizer or a LambdaAuthorizer, "
            f"got: {show(got)}")



def authorizer_name_must_not_be_reserved(reserved: Iterable[str], got: str) -> str:
    names = " and ".join(repr(name) for name in reserved)
    return f"must not be {names}: bluegreen's own security schemes are called so, got: {show(got)}"


def authorizer_must_match(other: str) -> str:
    """``other``: the field that defined the authorizer of that name first."""
    return (f"must define the authorizer the same way as {other}: one name is one authorizer (only a "
            "Cognito authorizer's scopes may differ per route); give a different one another name")


def must_be_a_list_of(kind: str, got: Any) -> str:
    return f"must be a non-empty list of {kind}, got: {show(got)}"


def must_be_a_user_pool_arn(got: Any) -> str:
    return ("must be a Cognito user pool ARN, arn:<partition>:cognito-idp:<region>:<account>:userpool/"
            f"<region>_<id>, got: {show(got)}")


def must_be_unique(kind: str, got: Any) -> str:
    return f"must not repeat a {kind}, got: {show(got)} twice"


def must_be_a_list_of_scopes(got: Any) -> str:
    return f"must be a list of OAuth scopes (empty for none), got: {show(got)}"


def must_be_a_scope(got: Any) -> str:
    return f"must be an OAuth scope: printable ASCII with no space, '\"' or '\\\\', got: {show(got)}"


def must_be_a_lambda_function_arn(got: Any) -> str:
    return ("must be a Lambda function ARN, arn:<partition>:lambda:<region>:<account>:function:<name>, "
            f"optionally ending in :<version or alias>, got: {show(got)}")


def authorizer_must_be_in(region: str, got: str) -> str:
    return (f"must be a Lambda function in {region}, the stack's region: API Gateway invokes an authorizer only in "
            f"its own region, and the authorizer's permission could not be granted at apply, got: {show(got)}")


def authorizer_account_must_be_callers(authorizer: str, account: str) -> str:
    """A precondition's message: ``authorizer`` (its name) names a function of ``account``."""
    return (f"Lambda authorizer {authorizer!r} names a function of account {account}, but this stack is applied in "
            f"account ${{data.aws_caller_identity.current.account_id}}: its permission for API Gateway can only be "
            "added in the function's own account. Use a function of this account, or grant the permission there.")


def must_be_an_authorizer_type(got: Any) -> str:
    return f"must be 'TOKEN' or 'REQUEST' (upper case), got: {show(got)}"


def token_identity_source_must_be_one_header(got: Any) -> str:
    return ("must be one header, (\"method.request.header.<Name>\",): a TOKEN authorizer reads exactly one, "
            f"got: {show(got)}")


def must_be_request_identity_sources(got: Any) -> str:
    return ("must be a list of method.request.header.<name>, method.request.querystring.<name>, "
            f"stageVariables.<name> or context.<name>, got: {show(got)}")


def must_be_a_request_identity_source(got: Any) -> str:
    return ("must be method.request.header.<name>, method.request.querystring.<name>, stageVariables.<name> "
            f"or context.<name>, got: {show(got)}")


def identity_source_needed_to_cache(ttl: int) -> str:
    return (f"must name at least one identity source while decisions are cached (result_ttl_s={ttl}): API "
            "Gateway caches by it; or set result_ttl_s=0, got: ()")


def must_be_a_result_ttl(low: int, high: int, got: Any) -> str:
    return f"must be a whole number of seconds from {low} (no cache) to {high}, got: {show(got)}"


# --- API keys and usage plans --------------------------------------------------------------------


def must_be_api_keys_or_none(got: Any) -> str:
    return f"must be ApiKeys or None, got: {show(got)}"


def must_be_a_key_name(got: Any) -> str:
    return f"must be a key name of 1-64 letters, digits, '-' and '_', got: {show(got)}"


def must_be_a_quota_or_none(got: Any) -> str:
    return f"must be a Quota or None, got: {show(got)}"


def must_be_a_quota_period(periods: Iterable[str], got: Any) -> str:
    return f"must be one of {', '.join(repr(p) for p in periods)} (upper case), got: {show(got)}"


def api_key_needs_api_keys(got: Any) -> str:
    return ("needs RestApi.api_keys: without a key in this API's usage plan no caller could pass, "
            f"got: {show(got)}")


def must_be_a_boolean_or_none(got: Any) -> str:
    return f"must be None (the API's), True or False, got: {show(got)}"


# --- throttling ----------------------------------------------------------------------------------


# --- access logs and the account's CloudWatch role -----------------------------------------------


def must_be_access_logs_or_none(got: Any) -> str:
    return f"must be AccessLogs or None (no access logs), got: {show(got)}"


def must_be_a_cloudwatch_role(got: Any) -> str:
    return ("must be 'create', 'existing' or an IAM role ARN, arn:<partition>:iam::<account>:role/<name>, "
            f"got: {show(got)}")


def must_be_an_execution_log_level(levels: Iterable[str], got: Any) -> str:
    return f"must be None (off) or {' or '.join(repr(level) for level in levels)} (upper case), got: {show(got)}"


def execution_logs_need_access_logs(got: Any) -> str:
    return ("needs RestApi.access_logs: API Gateway logs only through the account's CloudWatch role, which "
            f"AccessLogs.cloudwatch_role chooses ('existing' by default: the one bluegreen bootstrap sets), "
            f"got: {show(got)}")


def cloudwatch_role_must_agree(other: str, other_value: str, got: Any) -> str:
    """``other``: the field of the stack's first API that logs; ``other_value``: its choice."""
    return (f"must be {other_value!r}, as {other} says: API Gateway has one CloudWatch role per account and "
            f"region, so every API of a stack makes the same choice, got: {show(got)}")


# --- custom domain names -------------------------------------------------------------------------


def must_be_a_custom_domain_or_none(got: Any) -> str:
    return f"must be a CustomDomain or None, got: {show(got)}"


def must_be_a_domain_name(got: Any) -> str:
    return ("must be a lower-case DNS name such as 'api.example.com' (labels of 1-63 letters, digits and "
            f"hyphens, at most 253 characters; '*.' first for a wildcard), got: {show(got)}")


def must_be_a_certificate_arn(got: Any) -> str:
    return ("must be an ACM certificate ARN, arn:<partition>:acm:<region>:<account>:certificate/<id>, "
            f"got: {show(got)}")


def certificate_must_be_in(region: str, why: str, got: str) -> str:
    return f"must be a certificate in {region}: {why}, got: {show(got)}"


def must_be_a_hosted_zone_id(got: Any) -> str:
    return ("must be None or a Route 53 hosted zone id, 1 to 32 upper-case letters and digits such as "
            f"'Z0123456789ABCDEFGHIJ' (without '/hostedzone/'), got: {show(got)}")


def must_be_a_base_path(got: Any) -> str:
    return ("must be '' (the whole domain) or one path segment of letters, digits and $-_.+!*'() (no '/'), "
            f"got: {show(got)}")


def domain_name_must_be_unique(other: str, got: str) -> str:
    return f"must differ from {other}: a domain name maps to one API of a stack, got: {show(got)}"


# --- web ACLs ------------------------------------------------------------------------------------


def must_be_a_web_acl_arn(got: Any) -> str:
    return ("must be None or a regional AWS WAF web ACL ARN, arn:<partition>:wafv2:<region>:<account>:regional/"
            f"webacl/<name>/<id> (a global, CloudFront web ACL can't protect a stage), got: {show(got)}")


def web_acl_must_be_in(region: str, got: str) -> str:
    return (f"must be a web ACL in {region}: AWS WAF protects a stage only with a web ACL of its region, "
            f"got: {show(got)}")


# --- the plan summary ---------------------------------------------------------------------------

API_WILL_BE_REDEPLOYED = "the API will be redeployed (its OpenAPI document changed)"
