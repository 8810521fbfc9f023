"""An HTTP API's authorizers and custom domain (cdktf).

- Authorizers (docs/aws-rules.md#r63-http-api-authorizers-and-grants): one
  ``aws_apigatewayv2_authorizer`` per name a route uses. A JWT one is checked by API Gateway
  itself; a Lambda (``REQUEST``) one calls its function, which needs a grant of its own, kept to
  that one authorizer by ``source_arn`` (``<execution ARN>/authorizers/<id>``) and made in the
  function's own account, which a precondition checks at plan
  (docs/aws-rules.md#r52-lambda-authorizers-in-the-apis-region-and-account).
- The custom domain (docs/aws-rules.md#r64-http-api-stage-options): a regional
  ``aws_apigatewayv2_domain_name`` (TLS 1.2) and an ``aws_apigatewayv2_api_mapping`` to the stage.
"""

from __future__ import annotations

from typing import Any

from cdktf import Precondition, TerraformResourceLifecycle

from ...bindings.caller import account_id
from ...bindings.provider import (
    Apigatewayv2ApiMapping,
    Apigatewayv2Authorizer,
    Apigatewayv2AuthorizerJwtConfiguration,
    Apigatewayv2DomainName,
    Apigatewayv2DomainNameDomainNameConfiguration,
    LambdaPermission,
)
from ...bindings.terraform_text import literal
from ...model import aws_limits as aws
from ...model import naming
from ...model.naming import ref
from ...model.stack import Deployment
from . import messages as msg
from .addresses import HttpApiAddresses
from .declaration import HttpApi, HttpDomain, HttpLambdaAuthorizer, JwtAuthorizer, authorizers


def authorizer_ids(scope: Any, deployment: Deployment, api: HttpApi, field: str) -> dict[str, str]:
    """Each authorizer a route uses, created; its id expression by name."""
    at = HttpApiAddresses(deployment, field)
    ids = {}
    for name, authorizer in authorizers(api).items():
        address = at.authorizer(name)
        common = {"api_id": ref(at.http_api, "id"), "name": literal(name)}
        if isinstance(authorizer, JwtAuthorizer):
            resource = Apigatewayv2Authorizer(
                scope, f"http_authorizer_{name}", authorizer_type="JWT",
                identity_sources=[literal(authorizer.identity_source)],
                jwt_configuration=Apigatewayv2AuthorizerJwtConfiguration(
                    issuer=literal(authorizer.issuer), audience=[literal(a) for a in authorizer.audience]),
                **common)
        else:
            resource = Apigatewayv2Authorizer(
                scope, f"http_authorizer_{name}", authorizer_type="REQUEST",
                authorizer_uri=_invocation_uri(authorizer.function_arn),
                authorizer_payload_format_version=authorizer.payload_format_version,
                enable_simple_responses=authorizer.simple_responses,
                authorizer_result_ttl_in_seconds=authorizer.result_ttl_s,
                identity_sources=[literal(s) for s in authorizer.identity_sources] or None, **common)
        resource.override_logical_id(naming.logical_id(address))
        if isinstance(authorizer, HttpLambdaAuthorizer):
            _authorizer_permission(scope, deployment, at, name, authorizer)
        ids[name] = ref(address, "id")
    return ids


def _invocation_uri(function_arn: str) -> str:
    # "arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations"
    found = aws.LAMBDA_FUNCTION_ARN.fullmatch(function_arn)
    assert found is not None, "validation accepts only Lambda function ARNs"
    return literal(f"arn:{found.group(1)}:apigateway:{found.group(2)}:lambda:path/2015-03-31/functions/"
                   f"{function_arn}/invocations")


def _authorizer_permission(scope: Any, deployment: Deployment, at: HttpApiAddresses, name: str,
                           authorizer: HttpLambdaAuthorizer) -> None:
    # A grant covers exactly the ARN it names (docs/aws-rules.md#r10-permission-qualifier): the
    # function, and its version or alias when the ARN ends in one.
    found = aws.LAMBDA_FUNCTION_ARN.fullmatch(authorizer.function_arn)
    assert found is not None, "validation accepts only Lambda function ARNs"
    qualifier = found.group(4)
    function_arn = authorizer.function_arn[:found.start(3)] if qualifier else authorizer.function_arn
    account = function_arn.split(":")[4]
    same_account = Precondition(condition=f"${{{account_id(scope)[2:-1]} == \"{account}\"}}",
                                error_message=msg.authorizer_account_must_be_callers(name, account))
    permission = LambdaPermission(
        scope, f"http_authorizer_permission_{name}",
        statement_id_prefix=f"http-auth-{deployment.name}-",
        action="lambda:InvokeFunction", principal="apigateway.amazonaws.com",
        function_name=literal(function_arn), qualifier=literal(qualifier) if qualifier else None,
        source_arn=ref(at.http_api, "execution_arn") + "/authorizers/" + ref(at.authorizer(name), "id"),
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True, precondition=[same_account]))
    permission.override_logical_id(naming.logical_id(at.authorizer_permission(name)))


def custom_domain(scope: Any, at: HttpApiAddresses, domain: HttpDomain) -> None:
    """The regional domain name (TLS 1.2, the only version HTTP APIs offer) and its mapping."""
    Apigatewayv2DomainName(
        scope, "http_domain", domain_name=literal(domain.domain_name),
        domain_name_configuration=Apigatewayv2DomainNameDomainNameConfiguration(
            certificate_arn=literal(domain.certificate_arn), endpoint_type="REGIONAL",
            security_policy=aws.DOMAIN_SECURITY_POLICY)).override_logical_id(naming.logical_id(at.domain_name))
    Apigatewayv2ApiMapping(
        scope, "http_api_mapping", api_id=ref(at.http_api, "id"), domain_name=ref(at.domain_name, "id"),
        stage=ref(at.stage, "id"),
        api_mapping_key=literal(domain.base_path) if domain.base_path else None,
    ).override_logical_id(naming.logical_id(at.api_mapping))
