"""The HTTP API door (``generator.features.http_api``): its declaration and validation.

Each bad value gives exactly one problem, at its field path, with its text from the slice's
catalogue (``features.http_api.messages``). What synthesis writes is ``test_http_api_synthesis``
(a golden and ``terraform validate``); the stack applied on moto is ``test_http_api_emulator``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import (
    Deployment,
    Function,
    HttpAccessLogs,
    HttpApi,
    HttpCors,
    HttpDomain,
    HttpLambdaAuthorizer,
    InvalidInput,
    JwtAuthorizer,
    Problem,
    RestApi,
    Route,
    Stack,
    Throttle,
)
from generator.core.errors import Field
from generator.core.messages import model as model_msg
from generator.features.http_api import messages as msg
from generator.features.validation import validate_stacks
from generator.model import aws_limits as aws

AT = "shop.orders.api"
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:auth"
US_FUNCTION_ARN = FUNCTION_ARN.replace("eu-west-1", "us-east-1")
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
US_CERT = CERT.replace("eu-west-1", "us-east-1")
JWT = JwtAuthorizer("users", ISSUER, ["orders"])


def deployment(routes=None, timeout_s=3, **changes) -> Deployment:
    return Deployment(name="orders", function=Function(source="src", handler="app.handler", runtime="python3.12",
                                                       timeout_s=timeout_s),
                      api=HttpApi(routes=[Route("GET", "/orders")] if routes is None else routes, **changes))


def problems(base_dir: Path, **changes) -> list[Problem]:
    try:
        validate_stacks([Stack(name="shop", region="eu-west-1", deployments=[deployment(**changes)])], base_dir)
    except InvalidInput as error:
        return error.problems
    return []


def only(base_dir: Path, **changes) -> Problem:
    found = problems(base_dir, **changes)
    assert len(found) == 1, found
    return found[0]


# --- the model and good values -----------------------------------------------------------------

def test_the_defaults_are_payload_2_a_30_second_wait_the_default_stage_and_access_logs(base_dir):
    api = HttpApi(routes=[Route("GET", "/")])
    assert (api.payload_format_version, api.integration_timeout_s, api.stage, api.authorization, api.cors,
            api.throttle, api.domain) == ("2.0", 30, "$default", "NONE", None, None, None)
    assert api.access_logs == HttpAccessLogs(retention_days=14)
    assert problems(base_dir) == []


def test_lists_become_tuples_so_the_model_stays_frozen_and_hashable():
    cors = HttpCors(["https://a.example.com"], allow_headers=["authorization"])
    assert (cors.allow_origins, cors.allow_methods, cors.allow_headers) == (("https://a.example.com",), ("*",),
                                                                            ("authorization",))
    assert JwtAuthorizer("u", ISSUER, ["a"], scopes=["s"]).audience == ("a",)
    assert HttpLambdaAuthorizer("g", FUNCTION_ARN, identity_sources=["$request.header.X"]).identity_sources == (
        "$request.header.X",)
    hash(HttpApi(routes=[Route("GET", "/")], cors=cors, authorization=JWT, throttle=Throttle(1, 1)))


@pytest.mark.parametrize("changes", [
    dict(routes=[Route("GET", "/orders"), Route("ANY", "/files/{proxy+}"), Route("ANY", "$default")]),
    dict(routes=[Route("ANY", "/{proxy+}")]),
    dict(routes=[Route("GET", "/"), Route("POST", "/orders/{id}"), Route("GET", "/orders/{id}")]),
    dict(payload_format_version="1.0"),
    dict(integration_timeout_s=3),
    dict(stage="live"),
    dict(authorization="AWS_IAM"),
    dict(authorization=JwtAuthorizer("users", ISSUER, ["a", "b"], identity_source="$request.header.X-Token",
                                     scopes=["orders/read"])),
    dict(authorization=HttpLambdaAuthorizer("gate", f"{FUNCTION_ARN}:live")),
    dict(authorization=HttpLambdaAuthorizer("gate", FUNCTION_ARN, identity_sources=[], result_ttl_s=0,
                                            simple_responses=False, payload_format_version="1.0")),
    dict(authorization=HttpLambdaAuthorizer("gate", FUNCTION_ARN, identity_sources=[
        "$request.querystring.t", "$context.identity.sourceIp", "$stageVariables.s"])),
    dict(routes=[Route("GET", "/a", authorization=JWT), Route("GET", "/b", authorization=JwtAuthorizer(
        "users", ISSUER, ["orders"], scopes=["orders/write"])), Route("GET", "/c", authorization="NONE")]),
    dict(cors=HttpCors(["*"], allow_methods=["GET", "POST"], allow_headers=["*"], max_age_s=86400)),
    dict(cors=HttpCors(["https://app.example.com"], allow_credentials=True)),
    dict(throttle=Throttle(rate_limit=0.5, burst_limit=0)),
    dict(routes=[Route("POST", "/orders", throttle=Throttle(5, 10))]),
    dict(access_logs=None),
    dict(access_logs=HttpAccessLogs(retention_days=3653)),
    dict(domain=HttpDomain("api.example.com", CERT)),
    dict(domain=HttpDomain("api.example.com", CERT, base_path="orders/v1")),
], ids=lambda changes: ",".join(changes))
def test_good_values_are_accepted(base_dir, changes):
    assert problems(base_dir, **changes) == []


# --- one problem per bad value -----------------------------------------------------------------

BAD = [
    (dict(payload_format_version="3.0"), "payload_format_version", msg.must_be_a_payload_format_version("3.0")),
    (dict(payload_format_version=2.0), "payload_format_version", msg.must_be_a_payload_format_version(2.0)),
    (dict(integration_timeout_s=31), "integration_timeout_s", msg.must_be_whole_seconds_up_to(30, 31)),
    (dict(integration_timeout_s=0), "integration_timeout_s", msg.must_be_whole_seconds_up_to(30, 0)),
    (dict(integration_timeout_s=2.5), "integration_timeout_s", msg.must_be_whole_seconds_up_to(30, 2.5)),
    (dict(integration_timeout_s=10, timeout_s=20), "integration_timeout_s",
     msg.must_cover_the_function_timeout(20, 10)),
    (dict(stage="my stage"), "stage", msg.must_be_a_stage_name("my stage")),
    (dict(routes=[]), "routes", msg.MUST_HOLD_A_ROUTE),
    (dict(routes="GET /orders"), "routes", model_msg.must_be_a_list_of_routes("GET /orders")),
    (dict(routes=["GET /orders"]), "routes[0]", model_msg.must_be_a_route("GET /orders")),
    (dict(routes=[Route("FETCH", "/orders")]), "routes[0].method", msg.must_be_a_method(aws.HTTP_METHODS, "FETCH")),
    (dict(routes=[Route("GET", "orders")]), "routes[0].path", msg.path_must_be_a_route_path("orders")),
    (dict(routes=[Route("GET", "/{proxy+}/x")]), "routes[0].path", msg.path_must_be_a_route_path("/{proxy+}/x")),
    (dict(routes=[Route("GET", "/a/../b")]), "routes[0].path", msg.path_must_be_a_route_path("/a/../b")),
    (dict(routes=[Route("GET", "$default")]), "routes[0].method", msg.default_route_method_must_be_any("GET")),
    (dict(routes=[Route("GET", "/orders"), Route("GET", "/orders")]), "routes[1]",
     msg.route_key_must_be_unique("GET /orders", f"{AT}.routes[0]")),
    (dict(routes=[Route("ANY", "$default"), Route("ANY", "$default")]), "routes[1]",
     msg.route_key_must_be_unique("$default", f"{AT}.routes[0]")),
    (dict(routes=[Route("ANY", "/{proxy+}"), Route("ANY", "$default")]), "routes[1].path",
     msg.default_route_is_shadowed("ANY /{proxy+}")),
    (dict(routes=[Route("GET", "/orders", api_key_required=True)]), "routes[0].api_key_required",
     msg.api_key_required_is_not_offered(True)),
    (dict(routes=[Route("GET", "/orders", authorization="COGNITO")]), "routes[0].authorization",
     msg.must_be_a_route_authorization("COGNITO")),
    (dict(authorization="OPEN"), "authorization", msg.must_be_an_authorization("OPEN")),
    (dict(authorization=JwtAuthorizer("a b", ISSUER, ["x"])), "authorization.name",
     model_msg.must_be_an_authorizer_name("a b")),
    (dict(authorization=JwtAuthorizer("u", "http://issuer", ["x"])), "authorization.issuer",
     msg.must_be_an_https_issuer("http://issuer")),
    (dict(authorization=JwtAuthorizer("u", ISSUER, [])), "authorization.audience",
     msg.must_be_a_list_of("audience values", 1, 50, ())),
    (dict(authorization=JwtAuthorizer("u", ISSUER, ["x"], identity_source="$request.querystring.t")),
     "authorization.identity_source", msg.must_be_a_header_identity_source("$request.querystring.t")),
    (dict(authorization=HttpLambdaAuthorizer("g", "arn:aws:lambda:eu-west-1:1:function:f")), "authorization.function_arn",
     msg.must_be_a_lambda_function_arn("arn:aws:lambda:eu-west-1:1:function:f")),
    (dict(authorization=HttpLambdaAuthorizer("g", US_FUNCTION_ARN)), "authorization.function_arn",
     msg.function_must_be_in_region("eu-west-1", US_FUNCTION_ARN)),
    (dict(authorization=HttpLambdaAuthorizer("g", FUNCTION_ARN, result_ttl_s=3601)), "authorization.result_ttl_s",
     msg.must_be_a_ttl(0, 3600, 3601)),
    (dict(authorization=HttpLambdaAuthorizer("g", FUNCTION_ARN, identity_sources=[])),
     "authorization.identity_sources", msg.must_be_identity_sources(())),
    (dict(authorization=HttpLambdaAuthorizer("g", FUNCTION_ARN, identity_sources=["method.request.header.A"])),
     "authorization.identity_sources", msg.must_be_identity_sources(("method.request.header.A",))),
    (dict(authorization=HttpLambdaAuthorizer("g", FUNCTION_ARN, payload_format_version="1.0")),
     "authorization.payload_format_version", msg.simple_responses_need_payload_2("1.0")),
    (dict(cors=HttpCors([])), "cors.allow_origins", msg.must_be_a_list_of("origins", 1, 100, ())),
    (dict(cors=HttpCors(["*"], allow_credentials=True)), "cors.allow_origins",
     msg.credentials_need_named_origins(("*",))),
    (dict(cors=HttpCors(["*"], allow_methods=["FETCH"])), "cors.allow_methods", msg.must_be_cors_methods(("FETCH",))),
    (dict(cors=HttpCors(["*"], max_age_s=-1)), "cors.max_age_s", msg.must_be_whole_seconds_from_zero(-1)),
    (dict(cors="*"), "cors", msg.must_be_option("an HttpCors", "*")),
    (dict(throttle=Throttle(-1, 1)), "throttle.rate_limit", model_msg.must_be_a_rate_limit(-1)),
    (dict(throttle=Throttle(1, 1.5)), "throttle.burst_limit", model_msg.must_be_a_request_count(1.5)),
    (dict(routes=[Route("GET", "/orders", throttle="fast")]), "routes[0].throttle", model_msg.must_be_a_throttle_or_none("fast")),
    (dict(access_logs=HttpAccessLogs(retention_days=10)), "access_logs.retention_days", msg.must_be_a_retention(10)),
    (dict(domain=HttpDomain("API.example.com", CERT)), "domain.domain_name", msg.must_be_a_domain_name("API.example.com")),
    (dict(domain=HttpDomain("api.example.com", US_CERT)), "domain.certificate_arn",
     msg.must_be_a_certificate_arn("eu-west-1", US_CERT)),
    (dict(domain=HttpDomain("api.example.com", CERT, base_path="/v1")), "domain.base_path",
     msg.must_be_a_base_path("/v1")),
]


@pytest.mark.parametrize("changes, field, message", BAD, ids=[f"{field}:{i}" for i, (_, field, _) in enumerate(BAD)])
def test_each_bad_value_is_one_problem_at_its_field(base_dir, changes, field, message):
    assert only(base_dir, **changes) == Problem(Field(f"{AT}.{field}"), message)


def test_one_name_is_one_authorizer_but_a_jwt_authorizers_scopes_may_differ(base_dir):
    other = JwtAuthorizer("users", "https://other.example.com", ["orders"])
    found = problems(base_dir, routes=[Route("GET", "/a", authorization=JWT), Route("GET", "/b", authorization=other)])
    assert found == [Problem(Field(f"{AT}.routes[1].authorization"), msg.authorizer_must_match(f"{AT}.routes[0].authorization"))]


def test_a_timeout_rule_names_the_field_and_the_value():
    # The texts a user reads: the field's value, the function's, and what to do.
    assert msg.must_be_whole_seconds_up_to(30, 45) == \
        "must be a whole number of seconds from 1 to 30 (an HTTP API waits at most 30 s), got: 45"
    assert msg.default_route_is_shadowed("ANY /{proxy+}").startswith("must not be used together with 'ANY /{proxy+}'")


def test_its_addresses_join_the_clash_check(base_dir):
    # orders' HTTP API grant is aws_lambda_permission.orders_http_api, the REST API grant of a
    # deployment named orders_http: one would silently replace the other.
    rest = Deployment(name="orders_http", function=Function(source="src", handler="app.handler", runtime="python3.12"),
                      api=RestApi(routes=[Route("GET", "/")]))
    with pytest.raises(InvalidInput) as caught:
        validate_stacks([Stack(name="shop", region="eu-west-1", deployments=[deployment(), rest])], base_dir)
    assert caught.value.problems == [Problem(Field("shop.orders_http.name"), model_msg.must_not_share_a_terraform_address(
        "aws_lambda_permission.orders_http_api", "shop.orders.name", "orders_http"))]
