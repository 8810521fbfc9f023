"""The function URL door's rules (``FunctionUrl``, ``UrlCors``): each bad input exits 2 naming the
field and the value, with the text of ``features.function_url.messages``.

The auth type (docs/aws-rules.md#r65-function-url-access: a public URL is refused), the invoke
mode and the Lambda API's CORS limits (docs/aws-rules.md#r67-function-url-cors-and-invoke-mode),
and one URL per deployment (an alias has one URL).
"""

from __future__ import annotations

import pytest
from conftest import validation_problems

from generator import Deployment, Function, FunctionUrl, RestApi, Route, UrlCors
from generator.cli import program as cli
from generator.core.errors import Field, Problem
from generator.core.messages import model as model_msg
from generator.features.function_url import messages as msg


def deployment(api) -> Deployment:
    return Deployment(name="orders", function=Function(source="src", handler="app.handler", runtime="python3.12"),
                      api=api)


def problems_of(url: FunctionUrl, base_dir) -> list[Problem]:
    return validation_problems(deployment(url), base_dir)


def test_an_aws_iam_url_with_every_cors_field_at_its_limit_is_valid(base_dir):
    cors = UrlCors(allow_origins=["*", *(f"https://{i}.example.com" for i in range(99))],
                   allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "*"],
                   allow_headers=[f"x-h{i}" for i in range(99)] + ["x" * 1024],
                   expose_headers=["content-length"], max_age=86400, allow_credentials=True)
    assert problems_of(FunctionUrl(auth="AWS_IAM", cors=cors, invoke_mode="RESPONSE_STREAM"), base_dir) == []
    assert problems_of(FunctionUrl("AWS_IAM"), base_dir) == []


def test_a_public_url_is_refused_saying_why_and_what_to_do(base_dir):
    assert problems_of(FunctionUrl(auth="NONE"), base_dir) == [
        Problem(Field("shop.orders.api.auth"), msg.AUTH_NONE_REFUSED)]
    assert "lambda:InvokedViaFunctionUrl" in msg.AUTH_NONE_REFUSED
    assert "docs/function-url.md#a-public-url" in msg.AUTH_NONE_REFUSED


def test_a_public_url_exits_2_from_synth_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    (tmp_path / "open.py").write_text(
        "from generator import Deployment, Function, FunctionUrl, Stack\n"
        "STACKS = [Stack(name='shop', region='us-east-1', deployments=[Deployment(name='orders',\n"
        "    function=Function(source='src', handler='app.handler', runtime='python3.12'),\n"
        "    api=FunctionUrl(auth='NONE'))])]\n")
    code = cli.main(["synth", str(tmp_path / "open.py"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"error: shop.orders.api.auth: {msg.AUTH_NONE_REFUSED}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("auth", ["aws_iam", "IAM", None, ["AWS_IAM"]])
def test_an_auth_type_other_than_aws_iam_is_refused(base_dir, auth):
    assert problems_of(FunctionUrl(auth=auth), base_dir) == [
        Problem(Field("shop.orders.api.auth"), msg.must_be_an_auth_type(auth))]


@pytest.mark.parametrize("mode", ["buffered", "STREAM", None])
def test_an_unknown_invoke_mode_is_refused(base_dir, mode):
    assert problems_of(FunctionUrl(auth="AWS_IAM", invoke_mode=mode), base_dir) == [
        Problem(Field("shop.orders.api.invoke_mode"), msg.must_be_an_invoke_mode(mode))]


def test_cors_must_be_a_url_cors(base_dir):
    assert problems_of(FunctionUrl(auth="AWS_IAM", cors={"allow_origins": ["*"]}), base_dir) == [
        Problem(Field("shop.orders.api.cors"), msg.must_be_cors({"allow_origins": ["*"]}))]


ORIGIN = "https://shop.example.com"
BAD_CORS = [
    (dict(allow_origins=[]), "allow_origins", msg.must_have_an_origin([])),
    (dict(allow_origins=ORIGIN), "allow_origins", msg.must_be_a_list("origins", 100, ORIGIN)),
    (dict(allow_origins=[f"https://{i}.example.com" for i in range(101)]), "allow_origins",
     msg.too_many("origins", 100, 101)),
    (dict(allow_origins=["https://" + "a" * 246]), "allow_origins[0]", msg.must_be_an_origin("https://" + "a" * 246)),
    (dict(allow_origins=[""]), "allow_origins[0]", msg.must_be_an_origin("")),
    (dict(allow_origins=[ORIGIN, ORIGIN]), "allow_origins[1]", msg.must_not_repeat("origin", ORIGIN)),
    (dict(allow_methods=["GET", "FETCH"]), "allow_methods[1]", msg.must_be_a_method("FETCH")),
    (dict(allow_methods=["get"]), "allow_methods[0]", msg.must_be_a_method("get")),
    (dict(allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]), "allow_methods",
     msg.too_many("methods", 6, 7)),
    (dict(allow_methods=["GET", "GET"]), "allow_methods[1]", msg.must_not_repeat("method", "GET")),
    (dict(allow_headers=["x" * 1025]), "allow_headers[0]", msg.must_be_a_header("x" * 1025)),
    (dict(allow_headers=[f"x-{i}" for i in range(101)]), "allow_headers", msg.too_many("headers", 100, 101)),
    (dict(expose_headers=[" etag"]), "expose_headers[0]", msg.must_be_a_header(" etag")),
    (dict(expose_headers=[1]), "expose_headers[0]", msg.must_be_a_header(1)),
    (dict(max_age=86401), "max_age", msg.must_be_a_max_age(86401)),
    (dict(max_age=-1), "max_age", msg.must_be_a_max_age(-1)),
    (dict(max_age=1.5), "max_age", msg.must_be_a_max_age(1.5)),
    (dict(max_age=True), "max_age", msg.must_be_a_max_age(True)),
    (dict(allow_credentials="yes"), "allow_credentials", model_msg.must_be_a_boolean("yes")),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_CORS, ids=[f"{i}-{case[1]}" for i, case in
                                                                        enumerate(BAD_CORS)])
def test_cors_values_outside_the_lambda_apis_limits_are_refused(base_dir, changes, field, message):
    cors = UrlCors(**{"allow_origins": [ORIGIN], **changes})
    assert problems_of(FunctionUrl(auth="AWS_IAM", cors=cors), base_dir) == [
        Problem(Field(f"shop.orders.api.cors.{field}"), message)]


def test_every_problem_of_a_url_is_reported_at_once_in_a_list_of_doors(base_dir):
    api = [RestApi(routes=[Route("GET", "/")]), FunctionUrl(auth="NONE", invoke_mode="FAST",
                                                             cors=UrlCors(allow_origins=[], max_age=-5))]
    assert sorted(map(str, validation_problems(deployment(api), base_dir))) == [
        f"shop.orders.api[1].auth: {msg.AUTH_NONE_REFUSED}",
        f"shop.orders.api[1].cors.allow_origins: {msg.must_have_an_origin([])}",
        f"shop.orders.api[1].cors.max_age: {msg.must_be_a_max_age(-5)}",
        f"shop.orders.api[1].invoke_mode: {msg.must_be_an_invoke_mode('FAST')}"]


def test_a_second_function_url_on_one_deployment_is_refused(base_dir):
    api = [FunctionUrl(auth="AWS_IAM"), RestApi(routes=[Route("GET", "/")]), FunctionUrl(auth="AWS_IAM")]
    assert validation_problems(deployment(api), base_dir) == [
        Problem(Field("shop.orders.api[2]"), model_msg.door_must_be_unique("FunctionUrl", "shop.orders.api[0]"))]


def test_the_stack_readme_names_the_url_door_and_its_outputs():
    from conftest import FIXTURES

    from generator.features.loader import load_stack_file
    from generator.output.readme import render_stack_readme

    (stack,) = load_stack_file(FIXTURES / "doors" / "doors.py").stacks
    readme = render_stack_readme(stack)
    assert ("- Function URL (`AWS_IAM`, `BUFFERED`, CORS for https://shop.example.com): every path invokes the alias; a caller's role needs the "
            "policy of output `orders_function_url_caller_policy`.") in readme
    assert "`orders_invoke_url`, `orders_http_api_url`, `orders_function_url`, `orders_function_url_caller_policy`, `orders_alb_target_group_arn`" in readme
