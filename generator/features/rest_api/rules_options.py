"""Check a REST API's options: authorization, API keys, throttling, logs, tracing, its domain, its web ACL.

Part of validation (see ``validation``; ``api_validation`` calls ``api_option_problems`` once the
routes are known to be ``Route``s). Pure, returns problems, never raises. Each value is checked
on its own and gives at most one problem; the rules are in docs/aws-rules.md (R38 to R44) and
the limits in ``aws_limits``. What depends on the stack (the region, the other APIs) is
``api_stack_validation``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...core.messages import function as function_msg
from ...core.messages import model as model_msg
from ...core.values import is_one_of, is_whole_number
from ...model import aws_limits as aws
from ..doors import Route, throttle_problems
from . import messages as msg
from .declaration import RestApi
from .options import CREATE_ROLE, EXISTING_ROLE, AccessLogs, ApiKeys, CustomDomain, Quota
from .rules_authorization import authorization_problems, authorizer_conflicts


def api_option_problems(api: RestApi, at: str) -> Iterator[Problem]:
    """The problems of ``api``'s options and of its routes' overrides (``at``: the API's field path)."""
    listed = api.routes if isinstance(api.routes, tuple) else ()  # a wrong list is the routes' own problem
    routes = [(route, f"{at}.routes[{index}]") for index, route in enumerate(listed) if isinstance(route, Route)]
    authorizations = [(api.authorization, f"{at}.authorization")]
    authorizations += [(route.authorization, f"{where}.authorization") for route, where in routes
                       if route.authorization is not None]
    valid = []
    for value, where in authorizations:
        found = list(authorization_problems(value, where, route=where != f"{at}.authorization"))
        yield from found
        if not found:
            valid.append((value, where))
    yield from authorizer_conflicts(valid)
    yield from _api_key_required_problems(api, routes, at)
    yield from throttle_problems(api.throttle, f"{at}.throttle")
    for route, where in routes:
        yield from throttle_problems(route.throttle, f"{where}.throttle")
    yield from _api_keys_problems(api.api_keys, f"{at}.api_keys")
    yield from _access_log_problems(api.access_logs, f"{at}.access_logs")
    yield from _execution_log_problems(api, f"{at}.execution_logs")
    if not isinstance(api.tracing, bool):
        yield Problem(Field(f"{at}.tracing"), model_msg.must_be_a_boolean(api.tracing))
    yield from _domain_problems(api.domain, api.endpoint_type, f"{at}.domain")
    web_acl = api.web_acl_arn
    if web_acl is not None and not (isinstance(web_acl, str) and aws.WEB_ACL_ARN.fullmatch(web_acl)):
        # docs/aws-rules.md#r38-web-acls-on-a-stage; its region is the stack's (api_stack_validation)
        yield Problem(Field(f"{at}.web_acl_arn"), msg.must_be_a_web_acl_arn(web_acl))


def _api_key_required_problems(api: RestApi, routes: list[tuple[Route, str]], at: str) -> Iterator[Problem]:
    # A route that requires a key with no key in this API's usage plan refuses every caller.
    # (A wrong api_keys is its own problem, so only None counts as no keys here.)
    no_keys = api.api_keys is None
    if not isinstance(api.api_key_required, bool):
        yield Problem(Field(f"{at}.api_key_required"), model_msg.must_be_a_boolean(api.api_key_required))
    elif api.api_key_required and no_keys:
        yield Problem(Field(f"{at}.api_key_required"), msg.api_key_needs_api_keys(True))
    for route, where in routes:
        required = route.api_key_required
        if required is not None and not isinstance(required, bool):
            yield Problem(Field(f"{where}.api_key_required"), msg.must_be_a_boolean_or_none(required))
        elif required and no_keys:
            yield Problem(Field(f"{where}.api_key_required"), msg.api_key_needs_api_keys(True))


def _api_keys_problems(keys: Any, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r40-api-keys-and-usage-plans
    if keys is None:
        return
    if not isinstance(keys, ApiKeys):
        yield Problem(Field(at), msg.must_be_api_keys_or_none(keys))
        return
    names = keys.names
    if not isinstance(names, tuple) or not names:
        yield Problem(Field(f"{at}.names"), msg.must_be_a_list_of("key names", names))
    else:
        seen: set[str] = set()
        for index, name in enumerate(names):
            if not (isinstance(name, str) and aws.API_KEY_NAME.fullmatch(name)):
                yield Problem(Field(f"{at}.names[{index}]"), msg.must_be_a_key_name(name))
            elif name in seen:
                yield Problem(Field(f"{at}.names[{index}]"), msg.must_be_unique("key name", name))
            else:
                seen.add(name)
    yield from _quota_problems(keys.quota, f"{at}.quota")
    yield from throttle_problems(keys.throttle, f"{at}.throttle")


def _quota_problems(quota: Any, at: str) -> Iterator[Problem]:
    if quota is None:
        return
    if not isinstance(quota, Quota):
        yield Problem(Field(at), msg.must_be_a_quota_or_none(quota))
        return
    if not (is_whole_number(quota.limit) and quota.limit >= 0):
        yield Problem(Field(f"{at}.limit"), model_msg.must_be_a_request_count(quota.limit))
    if not is_one_of(quota.period, aws.QUOTA_PERIODS):
        yield Problem(Field(f"{at}.period"), msg.must_be_a_quota_period(aws.QUOTA_PERIODS, quota.period))


def _access_log_problems(logs: Any, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role
    if logs is None:
        return
    if not isinstance(logs, AccessLogs):
        yield Problem(Field(at), msg.must_be_access_logs_or_none(logs))
        return
    retention = logs.retention_days
    if not (is_whole_number(retention) and retention in aws.LOG_RETENTION_DAYS):
        yield Problem(Field(f"{at}.retention_days"),
                      model_msg.must_be_a_log_retention(aws.LOG_RETENTION_DAYS, retention))
    role = logs.cloudwatch_role
    if not (role in (CREATE_ROLE, EXISTING_ROLE) or isinstance(role, str) and aws.IAM_ROLE_ARN.fullmatch(role)):
        yield Problem(Field(f"{at}.cloudwatch_role"), msg.must_be_a_cloudwatch_role(role))
    key = logs.kms_key_arn
    if key is not None and not (isinstance(key, str) and aws.KMS_KEY_ARN.fullmatch(key)):
        yield Problem(Field(f"{at}.kms_key_arn"), function_msg.must_be_a_kms_key_arn(key))


def _execution_log_problems(api: RestApi, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role: execution logs, like access
    # logs, need the account's CloudWatch role, and AccessLogs.cloudwatch_role is where a stack
    # chooses it. (A wrong access_logs is its own problem, so only None counts as none here.)
    level = api.execution_logs
    if level is None:
        return
    if not is_one_of(level, aws.EXECUTION_LOG_LEVELS):
        yield Problem(Field(at), msg.must_be_an_execution_log_level(aws.EXECUTION_LOG_LEVELS, level))
    elif api.access_logs is None:
        yield Problem(Field(at), msg.execution_logs_need_access_logs(level))


def _domain_problems(domain: Any, endpoint_type: Any, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r44-custom-domain-names
    if domain is None:
        return
    if not isinstance(domain, CustomDomain):
        yield Problem(Field(at), msg.must_be_a_custom_domain_or_none(domain))
        return
    name = domain.domain_name
    if not (isinstance(name, str) and len(name) <= aws.DOMAIN_NAME_MAX and aws.DOMAIN_NAME.fullmatch(name)):
        yield Problem(Field(f"{at}.domain_name"), msg.must_be_a_domain_name(name))
    arn = domain.certificate_arn
    found = aws.ACM_CERTIFICATE_ARN.fullmatch(arn) if isinstance(arn, str) else None
    if found is None:
        yield Problem(Field(f"{at}.certificate_arn"), msg.must_be_a_certificate_arn(arn))
    elif endpoint_type == "EDGE" and found.group(2) != aws.EDGE_CERTIFICATE_REGION:
        yield Problem(Field(f"{at}.certificate_arn"), msg.certificate_must_be_in(
            aws.EDGE_CERTIFICATE_REGION, "an EDGE API's domain is served by CloudFront", arn))
    base_path = domain.base_path
    if not (base_path == "" or isinstance(base_path, str) and aws.BASE_PATH.fullmatch(base_path)):
        yield Problem(Field(f"{at}.base_path"), msg.must_be_a_base_path(base_path))
    zone = domain.hosted_zone_id
    if not (zone is None or isinstance(zone, str) and aws.HOSTED_ZONE_ID.fullmatch(zone)):
        yield Problem(Field(f"{at}.hosted_zone_id"), msg.must_be_a_hosted_zone_id(zone))
