"""Check what a stack's REST APIs must agree on: the account's CloudWatch role, certificate
and web ACL regions, and domain names.

Part of validation (see ``validation``, which calls ``api_stack_problems`` with the deployments
that are valid on their own). Pure, returns problems, never raises.

- API Gateway has one CloudWatch role per account and region, and a stack is one region, so
  every API of a stack that logs makes the same ``AccessLogs.cloudwatch_role`` choice; the stack
  then creates or sets the role once
  (docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role).
- A ``REGIONAL`` API's custom domain needs a certificate in the stack's region, and a domain
  name maps to one API of the stack (docs/aws-rules.md#r44-custom-domain-names).
- A stage's web ACL is a regional one of the stage's own region, the stack's
  (docs/aws-rules.md#r38-web-acls-on-a-stage).
- A Lambda authorizer is a function of the stack's region: the permission that lets API Gateway
  invoke it is added in the function's region, and fails for another
  (docs/aws-rules.md#r52-lambda-authorizers-in-the-apis-region-and-account).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Field, Problem
from ...model import aws_limits as aws
from ...model.stack import Deployment
from ..doors import door_of
from . import messages as msg
from .declaration import RestApi
from .options import lambda_authorizers


def api_stack_problems(region: Any, deployments: list[tuple[Deployment, str]]) -> Iterator[Problem]:
    """``deployments``: (deployment, its field path) pairs, each valid on its own."""
    first_role: tuple[str, str] | None = None  # (the choice, the field that made it)
    domains: dict[str, str] = {}
    for deployment, at in deployments:
        door, api = door_of(deployment, RestApi)
        if api is None:
            continue
        where = f"{at}.{door}"
        if api.access_logs is not None:
            role, field = api.access_logs.cloudwatch_role, f"{where}.access_logs.cloudwatch_role"
            first_role = first_role or (role, field)
            if role != first_role[0]:
                yield Problem(Field(field), msg.cloudwatch_role_must_agree(first_role[1], first_role[0], role))
        if api.domain is not None:
            yield from _domain_problems(region, api.endpoint_type, api.domain, domains, f"{where}.domain")
        web_acl = api.web_acl_arn and aws.WEB_ACL_ARN.fullmatch(api.web_acl_arn)
        if web_acl and web_acl.group(2) != region:
            yield Problem(Field(f"{where}.web_acl_arn"), msg.web_acl_must_be_in(region, web_acl.group(0)))
        yield from _authorizer_region_problems(region, api, f"{where}")


def _authorizer_region_problems(region: Any, api, at: str) -> Iterator[Problem]:
    for authorizer, index in lambda_authorizers(api).values():
        found = aws.LAMBDA_FUNCTION_ARN.fullmatch(authorizer.function_arn)
        if found is not None and found.group(2) != region:
            field = f"{at}.authorization" if api.routes[index].authorization is None else \
                f"{at}.routes[{index}].authorization"
            yield Problem(Field(f"{field}.function_arn"), msg.authorizer_must_be_in(region, authorizer.function_arn))


def _domain_problems(region: Any, endpoint_type: str, domain, domains: dict[str, str], at: str) -> Iterator[Problem]:
    name = domain.domain_name
    other = domains.setdefault(name, f"{at}.domain_name")
    if other != f"{at}.domain_name":
        yield Problem(Field(f"{at}.domain_name"), msg.domain_name_must_be_unique(other, name))
    found = aws.ACM_CERTIFICATE_ARN.fullmatch(domain.certificate_arn)
    if endpoint_type == "REGIONAL" and found is not None and found.group(2) != region:
        yield Problem(Field(f"{at}.certificate_arn"), msg.certificate_must_be_in(
            region, "a REGIONAL API's domain is served from the API's own region", domain.certificate_arn))
