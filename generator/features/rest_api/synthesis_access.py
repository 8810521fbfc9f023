"""How callers reach a REST API besides its invoke URL, and what its authorizers may call.

- Lambda authorizers (docs/aws-rules.md#r39-authorization): API Gateway invokes each one with a
  grant of its own on the authorizer function, kept to this API's authorizers by ``source_arn``.
  The grant can only be added in the function's own account, so a precondition compares that
  account with the caller's at plan
  (docs/aws-rules.md#r52-lambda-authorizers-in-the-apis-region-and-account).
- A custom domain name (docs/aws-rules.md#r44-custom-domain-names): ``aws_api_gateway_domain_name``
  with the certificate in the field its endpoint type needs and TLS 1.2, and a base path mapping
  to the stage. The ``<name>_domain_target`` output (``interface``) names the record to point DNS at;
  with a hosted zone, ``aws_route53_record`` is that record, an alias (``A``) to the domain's target.
- A web ACL (docs/aws-rules.md#r38-web-acls-on-a-stage): ``aws_wafv2_web_acl_association`` of
  the user's regional AWS WAF web ACL with the stage's ARN, so AWS WAF filters every request
  before API Gateway handles it.
"""

from __future__ import annotations

from cdktf import Precondition, TerraformResourceLifecycle
from constructs import Construct

from ...bindings.caller import account_id
from ...bindings.provider import (
    ApiGatewayBasePathMapping,
    ApiGatewayDomainName,
    ApiGatewayDomainNameEndpointConfiguration,
    LambdaPermission,
    Route53Record,
    Route53RecordAlias,
    Wafv2WebAclAssociation,
)
from ...bindings.terraform_text import literal
from ...model import aws_limits as aws
from ...model import naming
from ...model.naming import ref
from ...model.stack import Deployment
from . import messages as msg
from .addresses import RestApiAddresses
from .declaration import rest_api_of
from .options import CustomDomain, lambda_authorizers


def authorizer_permissions(scope: Construct, deployment: Deployment) -> list[LambdaPermission]:
    """One grant per Lambda authorizer that a route uses."""
    api = rest_api_of(deployment)
    assert api is not None, "only a deployment with an API has authorizers"
    at = RestApiAddresses(deployment)
    permissions = []
    for name, (authorizer, _) in sorted(lambda_authorizers(api).items()):
        # A grant covers exactly the ARN it names (docs/aws-rules.md#r10-permission-qualifier):
        # the function, and its version or alias when the ARN ends in one.
        found = aws.LAMBDA_FUNCTION_ARN.fullmatch(authorizer.function_arn)
        assert found is not None, "validation accepts only Lambda function ARNs"
        qualifier = found.group(4)
        function_arn = authorizer.function_arn[:found.start(3)] if qualifier else authorizer.function_arn
        account = function_arn.split(":")[4]
        # Known at plan: another account's function stops the plan, before anything is created.
        same_account = Precondition(
            condition=f"${{{account_id(scope)[2:-1]} == \"{account}\"}}",
            error_message=msg.authorizer_account_must_be_callers(name, account))
        permission = LambdaPermission(
            scope, f"authorizer_permission_{name}", statement_id_prefix=f"apigateway-authorizer-{deployment.name}-",
            action="lambda:InvokeFunction", principal="apigateway.amazonaws.com",
            function_name=literal(function_arn), qualifier=literal(qualifier) if qualifier else None,
            source_arn=ref(at.rest_api, "execution_arn") + "/authorizers/*",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True, precondition=[same_account]))
        permission.override_logical_id(naming.logical_id(at.authorizer_permission(name)))
        permissions.append(permission)
    return permissions


def custom_domain(scope: Construct, deployment: Deployment) -> None:
    """The domain name and its mapping to the stage."""
    api = rest_api_of(deployment)
    assert api is not None and isinstance(api.domain, CustomDomain), "only an API with a domain has one"
    at, domain = RestApiAddresses(deployment), api.domain
    certificate = literal(domain.certificate_arn)
    # A REGIONAL domain takes a regional certificate (the API's region); an EDGE one is served by
    # CloudFront with a certificate from us-east-1.
    regional = api.endpoint_type == "REGIONAL"
    name = ApiGatewayDomainName(
        scope, "domain_name", domain_name=literal(domain.domain_name),
        regional_certificate_arn=certificate if regional else None, certificate_arn=None if regional else certificate,
        endpoint_configuration=ApiGatewayDomainNameEndpointConfiguration(types=[api.endpoint_type]),
        security_policy=aws.DOMAIN_SECURITY_POLICY)
    name.override_logical_id(naming.logical_id(at.domain_name))
    mapping = ApiGatewayBasePathMapping(
        scope, "base_path_mapping", api_id=ref(at.rest_api, "id"), domain_name=ref(at.domain_name, "domain_name"),
        stage_name=ref(at.stage, "stage_name"), base_path=literal(domain.base_path) if domain.base_path else None)
    mapping.override_logical_id(naming.logical_id(at.base_path_mapping))
    if domain.hosted_zone_id is not None:
        # An alias record answers with the target's addresses and costs no queries; the target
        # and its zone are the domain name's (docs/aws-rules.md#r54-custom-domain-dns-records).
        kind = "regional" if regional else "cloudfront"
        record = Route53Record(
            scope, "domain_record", zone_id=literal(domain.hosted_zone_id), name=ref(at.domain_name, "domain_name"),
            type="A", alias=Route53RecordAlias(name=ref(at.domain_name, f"{kind}_domain_name"),
                                               zone_id=ref(at.domain_name, f"{kind}_zone_id"),
                                               evaluate_target_health=False))
        record.override_logical_id(naming.logical_id(at.domain_record))


def web_acl_association(scope: Construct, deployment: Deployment) -> None:
    """The stage's web ACL."""
    api = rest_api_of(deployment)
    assert api is not None and api.web_acl_arn is not None, "only an API with a web ACL has one"
    at = RestApiAddresses(deployment)
    # A renamed stage is guarded before the old one's association goes (a new association: the
    # stage's ARN forces one), so no live stage is ever without its web ACL
    # (docs/aws-rules.md#r27-create-before-destroy).
    association = Wafv2WebAclAssociation(scope, "web_acl_association", web_acl_arn=literal(api.web_acl_arn),
                                         resource_arn=ref(at.stage, "arn"),
                                         lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
    association.override_logical_id(naming.logical_id(at.web_acl_association))
