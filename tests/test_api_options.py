"""The REST API's options (``generator.features.rest_api.options``): authorization, API keys, throttling,
access and execution logs (and the access logs' key), X-Ray tracing, a custom domain and a web
ACL, and their validation.

Each bad value gives exactly one problem, at its field path, with its text from the catalogue
(``features.rest_api.messages``; a few written out literally, so a change of wording fails here), and so
do the rules a stack's APIs must agree on. What synthesis writes, and the ``gateway`` stack
applied on moto, is ``test_api_options_synthesis``; the ``gateway`` golden (``test_synthesis``)
holds every option and ``test_terraform`` validates it with the real provider.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from generator import (
    AccessLogs,
    ApiKeys,
    CognitoAuthorizer,
    CustomDomain,
    Deployment,
    Function,
    InvalidInput,
    LambdaAuthorizer,
    Problem,
    Quota,
    RestApi,
    Route,
    Stack,
    Throttle,
)
from generator.core.errors import Field
from generator.core.messages import function as function_msg
from generator.core.messages import model as model_msg
from generator.features.loader import load_stack_file
from generator.features.rest_api import messages as msg
from generator.features.validation import validate_stacks
from generator.model import aws_limits as aws

AT = "shop.orders.api"
POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123"
OTHER_POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_XyZ789"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:auth"
US_FUNCTION_ARN = FUNCTION_ARN.replace("eu-west-1", "us-east-1") + ":live"
CN_FUNCTION_ARN = "arn:aws-cn:lambda:cn-north-1:123456789012:function:a"
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
EDGE_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
WEB_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/a1b2c3d4-5678-90ab-cdef-000000111111"
US_WEB_ACL = WEB_ACL.replace("eu-west-1", "us-east-1")
GLOBAL_WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/a1b2c3d4-5678-90ab-cdef-000000111111"
GATEWAY = FIXTURES / "gateway" / "gateway.py"


def api(routes=None, **changes) -> RestApi:
    return RestApi(routes=routes or [Route("GET", "/orders")], **changes)


def deployment(name="orders", **api_changes) -> Deployment:
    return Deployment(name=name, function=Function(source="src", handler="app.handler", runtime="python3.12"),
                      api=api(**api_changes))


def stacks(*deployments: Deployment) -> list[Stack]:
    return [Stack(name="shop", region="eu-west-1", deployments=list(deployments) or [deployment()])]


def problems(base_dir: Path, *deployments: Deployment) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        validate_stacks(stacks(*deployments), base_dir)
    return caught.value.problems


def only(base_dir: Path, **api_changes) -> Problem:
    found = problems(base_dir, deployment(**api_changes))
    assert len(found) == 1, found
    return found[0]


# --- the model and good values -----------------------------------------------------------------

def test_the_defaults_keep_the_api_open_and_log_access_with_a_role_the_stack_makes(base_dir):
    default, route = RestApi(routes=[Route("GET", "/")]), Route("GET", "/")
    assert (default.authorization, default.api_key_required, default.throttle, default.api_keys, default.tracing,
            default.domain, default.execution_logs, default.web_acl_arn) == ("NONE", False, None, None, False, None,
                                                                              None, None)
    assert default.access_logs == AccessLogs(retention_days=14, cloudwatch_role="existing", kms_key_arn=None)
    assert (route.authorization, route.api_key_required, route.throttle) == (None, None, None)
    assert validate_stacks(stacks(), base_dir) is None


def test_lists_become_tuples_so_the_model_stays_frozen_and_hashable():
    authorizer = CognitoAuthorizer("users", [POOL], scopes=["a"])
    assert (authorizer.user_pool_arns, authorizer.scopes) == ((POOL,), ("a",))
    assert LambdaAuthorizer("t", FUNCTION_ARN, identity_source=["method.request.header.A"]).identity_source == (
        "method.request.header.A",)
    assert ApiKeys(["a"]).names == ("a",)
    hash(api(authorization=authorizer, api_keys=ApiKeys(["a"]), throttle=Throttle(1, 1)))


@pytest.mark.parametrize("changes", [
    dict(authorization="AWS_IAM"),
    dict(authorization=CognitoAuthorizer("users", [POOL, OTHER_POOL], scopes=["orders/read", "email"])),
    dict(authorization=LambdaAuthorizer("tokens", FUNCTION_ARN)),
    dict(authorization=LambdaAuthorizer("tokens", f"{FUNCTION_ARN}:live", identity_source=["method.request.header.X-Token"],
                                        result_ttl_s=0)),
    dict(authorization=LambdaAuthorizer("tenants", f"{FUNCTION_ARN}:7", type="REQUEST", result_ttl_s=3600,
                                        identity_source=["method.request.querystring.t", "stageVariables.s",
                                                         "context.identity.sourceIp"])),
    dict(authorization=LambdaAuthorizer("any", FUNCTION_ARN, type="REQUEST", identity_source=[], result_ttl_s=0)),
    dict(api_key_required=True, api_keys=ApiKeys(["partner-a", "b_2"], quota=Quota(0, "DAY"), throttle=Throttle(0, 0))),
    dict(api_keys=ApiKeys(["metered"])),  # a plan without a route that needs a key: metering only
    dict(throttle=Throttle(rate_limit=0.5, burst_limit=0)),
    dict(throttle=Throttle(rate_limit=10000, burst_limit=5000)),
    dict(access_logs=None),
    dict(access_logs=AccessLogs(retention_days=3653, cloudwatch_role="existing")),
    dict(access_logs=AccessLogs(cloudwatch_role="arn:aws:iam::123456789012:role/service-role/apigw-logs")),
    dict(access_logs=AccessLogs(kms_key_arn=KEY)),
    dict(access_logs=AccessLogs(kms_key_arn="arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd")),
    dict(execution_logs="ERROR"),
    dict(execution_logs="INFO", access_logs=AccessLogs(cloudwatch_role="existing")),
    dict(web_acl_arn=WEB_ACL),
    dict(endpoint_type="EDGE", web_acl_arn=WEB_ACL),  # an edge API's stage is still of the region
    dict(tracing=True),
    dict(domain=CustomDomain("api.example.com", CERT)),
    dict(domain=CustomDomain("*.example.co.uk", CERT, base_path="orders-v1", hosted_zone_id="Z0123456789ABCDEFGHIJ")),
    dict(endpoint_type="EDGE", domain=CustomDomain("edge.example.com", EDGE_CERT, base_path="$v1")),
], ids=lambda changes: ",".join(changes))
def test_good_options_are_accepted(base_dir, changes):
    assert validate_stacks(stacks(deployment(**changes)), base_dir) is None


def test_routes_may_override_and_share_an_authorizer_with_other_scopes(base_dir):
    users = CognitoAuthorizer("users", [POOL], scopes=["orders/read"])
    routes = [Route("GET", "/orders"),
              Route("POST", "/orders", authorization=CognitoAuthorizer("users", [POOL], scopes=["orders/write"])),
              Route("GET", "/health", authorization="NONE", api_key_required=False, throttle=Throttle(1, 1)),
              Route("GET", "/admin", authorization="AWS_IAM"),
              Route("GET", "/token", authorization=LambdaAuthorizer("tokens", FUNCTION_ARN)),
              Route("GET", "/token2", authorization=LambdaAuthorizer("tokens", FUNCTION_ARN))]
    assert validate_stacks(stacks(deployment(routes=routes, authorization=users)), base_dir) is None


def test_the_gateway_fixture_is_valid():
    assert len(load_stack_file(GATEWAY).stacks) == 1  # loading validates


# --- one bad value, one problem -------------------------------------------------------------------

RESERVED = aws.RESERVED_SCHEME_NAMES
BAD_API = [
    (dict(authorization="OPEN"), "authorization", msg.must_be_an_authorization("OPEN")),
    (dict(authorization=None), "authorization", msg.must_be_an_authorization(None)),
    (dict(authorization=CognitoAuthorizer("bad name", [POOL])), "authorization.name",
     model_msg.must_be_an_authorizer_name("bad name")),
    (dict(authorization=CognitoAuthorizer("sigv4", [POOL])), "authorization.name",
     msg.authorizer_name_must_not_be_reserved(RESERVED, "sigv4")),
    (dict(authorization=LambdaAuthorizer("api_key", FUNCTION_ARN)), "authorization.name",
     msg.authorizer_name_must_not_be_reserved(RESERVED, "api_key")),
    (dict(authorization=CognitoAuthorizer("users", [])), "authorization.user_pool_arns",
     msg.must_be_a_list_of("Cognito user pool ARNs", ())),
    (dict(authorization=CognitoAuthorizer("users", POOL)), "authorization.user_pool_arns",
     msg.must_be_a_list_of("Cognito user pool ARNs", POOL)),
    (dict(authorization=CognitoAuthorizer("users", ["eu-west-1_AbC123"])), "authorization.user_pool_arns[0]",
     msg.must_be_a_user_pool_arn("eu-west-1_AbC123")),
    (dict(authorization=CognitoAuthorizer("users", [POOL, POOL])), "authorization.user_pool_arns[1]",
     msg.must_be_unique("user pool", POOL)),
    (dict(authorization=CognitoAuthorizer("users", [POOL], scopes="read")), "authorization.scopes",
     msg.must_be_a_list_of_scopes("read")),
    (dict(authorization=CognitoAuthorizer("users", [POOL], scopes=["orders read"])), "authorization.scopes[0]",
     msg.must_be_a_scope("orders read")),
    (dict(authorization=CognitoAuthorizer("users", [POOL], scopes=["a", "a"])), "authorization.scopes[1]",
     msg.must_be_unique("scope", "a")),
    (dict(authorization=LambdaAuthorizer("t", "arn:aws:lambda:eu-west-1:123456789012:layer:x:1")),
     "authorization.function_arn", msg.must_be_a_lambda_function_arn("arn:aws:lambda:eu-west-1:123456789012:layer:x:1")),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, type="token")), "authorization.type",
     msg.must_be_an_authorizer_type("token")),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, result_ttl_s=3601)), "authorization.result_ttl_s",
     msg.must_be_a_result_ttl(0, 3600, 3601)),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, result_ttl_s=1.5)), "authorization.result_ttl_s",
     msg.must_be_a_result_ttl(0, 3600, 1.5)),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, identity_source=["method.request.querystring.t"])),
     "authorization.identity_source", msg.token_identity_source_must_be_one_header(("method.request.querystring.t",))),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, identity_source=[])),
     "authorization.identity_source", msg.token_identity_source_must_be_one_header(())),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, type="REQUEST", identity_source=[])),
     "authorization.identity_source", msg.identity_source_needed_to_cache(300)),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, type="REQUEST", identity_source="context.x")),
     "authorization.identity_source", msg.must_be_request_identity_sources("context.x")),
    (dict(authorization=LambdaAuthorizer("t", FUNCTION_ARN, type="REQUEST", identity_source=["header.X"])),
     "authorization.identity_source[0]", msg.must_be_a_request_identity_source("header.X")),
    (dict(api_key_required="yes"), "api_key_required", model_msg.must_be_a_boolean("yes")),
    (dict(api_key_required=True), "api_key_required", msg.api_key_needs_api_keys(True)),
    (dict(throttle=(10, 5)), "throttle", model_msg.must_be_a_throttle_or_none((10, 5))),
    (dict(throttle=Throttle(-1, 5)), "throttle.rate_limit", model_msg.must_be_a_rate_limit(-1)),
    (dict(throttle=Throttle(float("inf"), 5)), "throttle.rate_limit", model_msg.must_be_a_rate_limit(float("inf"))),
    (dict(throttle=Throttle(True, 5)), "throttle.rate_limit", model_msg.must_be_a_rate_limit(True)),
    (dict(throttle=Throttle(10, 2.5)), "throttle.burst_limit", model_msg.must_be_a_request_count(2.5)),
    (dict(api_keys=["partner"]), "api_keys", msg.must_be_api_keys_or_none(["partner"])),
    (dict(api_keys=ApiKeys([])), "api_keys.names", msg.must_be_a_list_of("key names", ())),
    (dict(api_keys=ApiKeys(["partner a"])), "api_keys.names[0]", msg.must_be_a_key_name("partner a")),
    (dict(api_keys=ApiKeys(["a", "a"])), "api_keys.names[1]", msg.must_be_unique("key name", "a")),
    (dict(api_keys=ApiKeys(["a"], quota=5)), "api_keys.quota", msg.must_be_a_quota_or_none(5)),
    (dict(api_keys=ApiKeys(["a"], quota=Quota(-1))), "api_keys.quota.limit", model_msg.must_be_a_request_count(-1)),
    (dict(api_keys=ApiKeys(["a"], quota=Quota(10, "YEAR"))), "api_keys.quota.period",
     msg.must_be_a_quota_period(aws.QUOTA_PERIODS, "YEAR")),
    (dict(api_keys=ApiKeys(["a"], throttle=Throttle(1, -1))), "api_keys.throttle.burst_limit",
     model_msg.must_be_a_request_count(-1)),
    (dict(access_logs=True), "access_logs", msg.must_be_access_logs_or_none(True)),
    (dict(access_logs=AccessLogs(retention_days=10)), "access_logs.retention_days",
     model_msg.must_be_a_log_retention(aws.LOG_RETENTION_DAYS, 10)),
    (dict(access_logs=AccessLogs(cloudwatch_role="make")), "access_logs.cloudwatch_role",
     msg.must_be_a_cloudwatch_role("make")),
    (dict(access_logs=AccessLogs(cloudwatch_role="arn:aws:iam::123456789012:user/me")), "access_logs.cloudwatch_role",
     msg.must_be_a_cloudwatch_role("arn:aws:iam::123456789012:user/me")),
    (dict(access_logs=AccessLogs(kms_key_arn="alias/logs")), "access_logs.kms_key_arn",
     function_msg.must_be_a_kms_key_arn("alias/logs")),
    (dict(access_logs=AccessLogs(kms_key_arn=KEY.replace(":key/", ":alias/"))), "access_logs.kms_key_arn",
     function_msg.must_be_a_kms_key_arn(KEY.replace(":key/", ":alias/"))),
    (dict(access_logs=AccessLogs(kms_key_arn="")), "access_logs.kms_key_arn", function_msg.must_be_a_kms_key_arn("")),
    (dict(execution_logs="info"), "execution_logs", msg.must_be_an_execution_log_level(("ERROR", "INFO"), "info")),
    (dict(execution_logs="OFF"), "execution_logs", msg.must_be_an_execution_log_level(("ERROR", "INFO"), "OFF")),
    (dict(execution_logs=True), "execution_logs", msg.must_be_an_execution_log_level(("ERROR", "INFO"), True)),
    (dict(execution_logs="INFO", access_logs=None), "execution_logs", msg.execution_logs_need_access_logs("INFO")),
    (dict(web_acl_arn="gateway"), "web_acl_arn", msg.must_be_a_web_acl_arn("gateway")),
    (dict(web_acl_arn=GLOBAL_WEB_ACL), "web_acl_arn", msg.must_be_a_web_acl_arn(GLOBAL_WEB_ACL)),
    (dict(web_acl_arn=WEB_ACL.replace("wafv2", "waf-regional")), "web_acl_arn",
     msg.must_be_a_web_acl_arn(WEB_ACL.replace("wafv2", "waf-regional"))),
    (dict(web_acl_arn=[WEB_ACL]), "web_acl_arn", msg.must_be_a_web_acl_arn([WEB_ACL])),
    (dict(web_acl_arn=US_WEB_ACL), "web_acl_arn", msg.web_acl_must_be_in("eu-west-1", US_WEB_ACL)),
    (dict(endpoint_type="EDGE", web_acl_arn=US_WEB_ACL), "web_acl_arn", msg.web_acl_must_be_in("eu-west-1", US_WEB_ACL)),
    (dict(authorization=LambdaAuthorizer("auth", US_FUNCTION_ARN)), "authorization.function_arn",
     msg.authorizer_must_be_in("eu-west-1", US_FUNCTION_ARN)),
    # A China ARN is of the right form (one problem only), but of another region than the stack's.
    (dict(authorization=LambdaAuthorizer("cn", CN_FUNCTION_ARN)), "authorization.function_arn",
     msg.authorizer_must_be_in("eu-west-1", CN_FUNCTION_ARN)),
    (dict(tracing="yes"), "tracing", model_msg.must_be_a_boolean("yes")),
    (dict(domain="api.example.com"), "domain", msg.must_be_a_custom_domain_or_none("api.example.com")),
    (dict(domain=CustomDomain("API.example.com", CERT)), "domain.domain_name", msg.must_be_a_domain_name("API.example.com")),
    (dict(domain=CustomDomain("localhost", CERT)), "domain.domain_name", msg.must_be_a_domain_name("localhost")),
    (dict(domain=CustomDomain("api.example.com", "arn:aws:acm:eu-west-1:123456789012:cert/1")),
     "domain.certificate_arn", msg.must_be_a_certificate_arn("arn:aws:acm:eu-west-1:123456789012:cert/1")),
    (dict(domain=CustomDomain("api.example.com", CERT, base_path="v1/orders")), "domain.base_path",
     msg.must_be_a_base_path("v1/orders")),
    (dict(domain=CustomDomain("api.example.com", CERT, hosted_zone_id="/hostedzone/Z123")), "domain.hosted_zone_id",
     msg.must_be_a_hosted_zone_id("/hostedzone/Z123")),
    (dict(domain=CustomDomain("api.example.com", CERT, hosted_zone_id="z123")), "domain.hosted_zone_id",
     msg.must_be_a_hosted_zone_id("z123")),
    (dict(endpoint_type="EDGE", domain=CustomDomain("api.example.com", CERT)), "domain.certificate_arn",
     msg.certificate_must_be_in("us-east-1", "an EDGE API's domain is served by CloudFront", CERT)),
    (dict(domain=CustomDomain("api.example.com", EDGE_CERT)), "domain.certificate_arn",
     msg.certificate_must_be_in("eu-west-1", "a REGIONAL API's domain is served from the API's own region", EDGE_CERT)),
]


@pytest.mark.parametrize("changes, field, message", BAD_API, ids=[f"{field}:{i}" for i, (_, field, _) in enumerate(BAD_API)])
def test_each_bad_api_option_is_one_problem_at_its_field(base_dir, changes, field, message):
    assert only(base_dir, **changes) == Problem(Field(f"{AT}.{field}"), message)


BAD_ROUTE = [
    (dict(authorization="PUBLIC"), "authorization", msg.must_be_a_route_authorization("PUBLIC")),
    (dict(authorization=CognitoAuthorizer("users", [])), "authorization.user_pool_arns",
     msg.must_be_a_list_of("Cognito user pool ARNs", ())),
    (dict(api_key_required="no"), "api_key_required", msg.must_be_a_boolean_or_none("no")),
    (dict(api_key_required=True), "api_key_required", msg.api_key_needs_api_keys(True)),
    (dict(throttle=Throttle(1, -2)), "throttle.burst_limit", model_msg.must_be_a_request_count(-2)),
    (dict(throttle="fast"), "throttle", model_msg.must_be_a_throttle_or_none("fast")),
]


@pytest.mark.parametrize("changes, field, message", BAD_ROUTE, ids=[field for _, field, _ in BAD_ROUTE])
def test_each_bad_route_override_is_one_problem_at_its_field(base_dir, changes, field, message):
    found = problems(base_dir, deployment(routes=[Route("GET", "/orders", **changes)]))
    assert found == [Problem(Field(f"{AT}.routes[0].{field}"), message)]


def test_a_routes_lambda_authorizer_in_another_region_is_named_at_the_route(base_dir):
    # docs/aws-rules.md#r52-lambda-authorizers-in-the-apis-region-and-account
    routes = [Route("GET", "/orders"), Route("POST", "/orders", authorization=LambdaAuthorizer("auth", US_FUNCTION_ARN))]
    assert problems(base_dir, deployment(routes=routes)) == [Problem(
        Field(f"{AT}.routes[1].authorization.function_arn"), msg.authorizer_must_be_in("eu-west-1", US_FUNCTION_ARN))]


def test_the_messages_read_as_documented():
    assert msg.must_be_an_authorization("OPEN") == \
        "must be 'NONE', 'AWS_IAM', a CognitoAuthorizer or a LambdaAuthorizer, got: 'OPEN'"
    assert msg.must_be_a_cloudwatch_role("make") == (
        "must be 'create', 'existing' or an IAM role ARN, arn:<partition>:iam::<account>:role/<name>, got: 'make'")
    assert msg.api_key_needs_api_keys(True) == (
        "needs RestApi.api_keys: without a key in this API's usage plan no caller could pass, got: True")
    assert msg.must_be_an_execution_log_level(aws.EXECUTION_LOG_LEVELS, "info") == \
        "must be None (off) or 'ERROR' or 'INFO' (upper case), got: 'info'"
    assert msg.execution_logs_need_access_logs("INFO") == (
        "needs RestApi.access_logs: API Gateway logs only through the account's CloudWatch role, which "
        "AccessLogs.cloudwatch_role chooses ('existing' by default: the one bluegreen bootstrap sets), got: 'INFO'")
    assert msg.web_acl_must_be_in("eu-west-1", US_WEB_ACL).startswith(  # show() shortens a long value
        "must be a web ACL in eu-west-1: AWS WAF protects a stage only with a web ACL of its region, got: "
        "'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shop/")


def test_one_name_is_one_authorizer(base_dir):
    routes = [Route("GET", "/a", authorization=CognitoAuthorizer("users", [OTHER_POOL])),
              Route("GET", "/b", authorization=LambdaAuthorizer("tokens", FUNCTION_ARN)),
              Route("GET", "/c", authorization=LambdaAuthorizer("tokens", FUNCTION_ARN, result_ttl_s=60))]
    found = problems(base_dir, deployment(routes=routes, authorization=CognitoAuthorizer("users", [POOL])))
    assert found == [Problem(Field(f"{AT}.routes[0].authorization"), msg.authorizer_must_match(f"{AT}.authorization")),
                     Problem(Field(f"{AT}.routes[2].authorization"),
                             msg.authorizer_must_match(f"{AT}.routes[1].authorization"))]


def test_two_authorizers_on_one_terraform_address_are_refused(base_dir):
    routes = [Route("GET", "/a", authorization=LambdaAuthorizer("a-b", FUNCTION_ARN)),
              Route("GET", "/b", authorization=LambdaAuthorizer("a_b", FUNCTION_ARN))]
    found = problems(base_dir, deployment(routes=routes))
    assert found == [Problem(Field(f"{AT}.routes[1].authorization.name"), model_msg.must_not_share_a_terraform_address(
        "aws_lambda_permission.orders_authorizer_a_b", f"{AT}.routes[0].authorization.name", "a_b"))]


# --- what the stack's APIs must agree on -----------------------------------------------------------

def test_every_api_of_a_stack_makes_the_same_cloudwatch_role_choice(base_dir):
    found = problems(base_dir, deployment(), deployment("admin", access_logs=AccessLogs(cloudwatch_role="create")),
                     deployment("quiet", access_logs=None))
    assert found == [Problem(Field("shop.admin.api.access_logs.cloudwatch_role"), msg.cloudwatch_role_must_agree(
        f"{AT}.access_logs.cloudwatch_role", "existing", "create"))]
    assert str(found[0]) == (
        "shop.admin.api.access_logs.cloudwatch_role: must be 'existing', as shop.orders.api.access_logs.cloudwatch_role "
        "says: API Gateway has one CloudWatch role per account and region, so every API of a stack makes the same "
        "choice, got: 'create'")


def test_a_domain_name_maps_to_one_api_of_the_stack(base_dir):
    domain = CustomDomain("api.example.com", CERT)
    found = problems(base_dir, deployment(domain=domain), deployment("admin", domain=domain))
    assert found == [Problem(Field("shop.admin.api.domain.domain_name"),
                             msg.domain_name_must_be_unique(f"{AT}.domain.domain_name", "api.example.com"))]


def test_a_route_shows_only_the_overrides_it_sets():
    # Messages show the value a user wrote (core.values.show): a plain route reads as it is written.
    assert repr(Route("GET", "/orders")) == "Route(method='GET', path='/orders')"
    assert repr(Route("GET", "/orders", api_key_required=True, throttle=Throttle(1, 2))) == (
        "Route(method='GET', path='/orders', api_key_required=True, throttle=Throttle(rate_limit=1, burst_limit=2))")
