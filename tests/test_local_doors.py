"""The emulator's front doors on loopback (``generator.local.doors``), with the invoke injected.

moto runs in this process (``mock_aws``): the REST API, the HTTP API and the function URL are made
with boto3 as Terraform makes them, and each door is driven with a fake invoke that echoes the event
it gets, so the routing, the events and the answer mapping are tested without running any code. End
to end, on doors Terraform applied and with the code run: the REST API in
``tests/test_terraform.py`` (the OpenAPI test), the HTTP API and the function URL in
``tests/test_doors_emulator.py``, and ``up --local``'s ``local URL:`` line in ``tests/test_emulator.py``.
"""

from __future__ import annotations

import base64
import io
import json
import socket
import threading
import urllib.error
import urllib.request
import zipfile

import boto3
import pytest
from moto import mock_aws

from generator.core.errors import ExternalToolFailed
from generator.core.messages import local_doors as msg
from generator.local.doors import function_url, routing, server
from generator.local.doors.exchange import Request
from generator.local.doors.http_api import HttpApiDoor
from generator.local.doors.rest_api import RestDoor
from generator.local.emulator import Emulator
from generator.local.runtime import Invocation
from generator.local.up import local_url

ACCOUNT, REGION = "123456789012", "us-east-1"
ALIAS_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:shop-orders:live"
INVOKE_ARN = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{ALIAS_ARN}/invocations"
SIGNED = (("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/lambda/aws4_request, "
                            "SignedHeaders=host;x-amz-date, Signature=0"),)


class Echo:
    """A fake invoke: answers ``reply(event)`` (by default a 200 whose body is the event) and keeps each call."""

    def __init__(self, reply=None, error=None):
        self.calls, self.reply, self.error = [], reply, error

    def __call__(self, account_id, region, function, qualifier, payload):
        event = json.loads(payload)
        self.calls.append({"account_id": account_id, "region": region, "function": function,
                           "qualifier": qualifier, "event": event})
        answer = self.reply(event) if self.reply else {"statusCode": 200, "body": json.dumps(event)}
        return Invocation(200, json.dumps(answer).encode(), self.error, "2", "", 1.0)

    @property
    def event(self):
        return self.calls[-1]["event"]


@pytest.fixture
def aws():
    with mock_aws(config={"lambda": {"use_docker": False}}):  # the emulator's Lambda (moto_extras.run_rollouts)
        function_url.keep_qualifier()
        yield lambda service: boto3.client(service, region_name=REGION, aws_access_key_id="test",
                                           aws_secret_access_key="test")


def rest_api(aws, timeout_ms=29000, integration_type="aws_proxy") -> str:
    """A REST API as bluegreen writes it (an OpenAPI body), deployed to stage v1; its id."""
    integration = {"type": integration_type, "httpMethod": "POST", "uri": INVOKE_ARN, "timeoutInMillis": timeout_ms,
                   "passthroughBehavior": "when_no_match"}
    operation = {"x-amazon-apigateway-integration": integration, "responses": {}}
    body = {"openapi": "3.0.1", "info": {"title": "shop", "version": "1"}, "paths": {
        "/orders": {"get": operation}, "/orders/{id}": {"get": operation}, "/orders/new": {"post": operation},
        "/files/{proxy+}": {"x-amazon-apigateway-any-method": operation}}}
    client = aws("apigateway")
    api_id = client.create_rest_api(name="shop")["id"]
    client.put_rest_api(restApiId=api_id, mode="overwrite", body=json.dumps(body))
    client.create_deployment(restApiId=api_id, stageName="v1", variables={"color": "blue"})
    return api_id


def http_api(aws, routes, payload="2.0", authorization="NONE") -> str:
    client = aws("apigatewayv2")
    api_id = client.create_api(Name="shop", ProtocolType="HTTP")["ApiId"]
    integration = client.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationMethod="POST",
                                            IntegrationUri=INVOKE_ARN, PayloadFormatVersion=payload,
                                            TimeoutInMillis=30000)["IntegrationId"]
    for key in routes:
        client.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration}",
                            AuthorizationType=authorization)
    client.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id


def get(door, path, query="", headers=(), method="GET", body=b"", invoke=None):
    invoke = invoke or Echo()
    return door.handle(Request(method, path, query, tuple(headers), body), invoke), invoke


# --- routing ---------------------------------------------------------------------------------------

def test_the_most_specific_template_wins_part_by_part():
    templates = ["/orders/{id}", "/orders/new", "/{proxy+}", "/"]
    assert routing.best(templates, "/orders/new") == ("/orders/new", {})
    assert routing.best(templates, "/orders/7") == ("/orders/{id}", {"id": "7"})
    assert routing.best(templates, "/orders/7/lines") == ("/{proxy+}", {"proxy": "orders/7/lines"})
    assert routing.best(templates, "/") == ("/", {})
    assert routing.best(["/{proxy+}"], "/") is None  # a greedy part takes at least one segment
    assert routing.match("/a/{b}", "/a/x%20y") == {"b": "x y"}


# --- REST API --------------------------------------------------------------------------------------

def test_a_rest_route_gets_the_1_0_event_and_the_alias_is_invoked(aws):
    door = RestDoor(ACCOUNT, REGION, rest_api(aws), "v1")
    response, echo = get(door, "/v1/orders/42", "a=1&a=2&b=x", (("X-Trace", "one"), ("X-Trace", "two")))
    assert response.status == 200
    call = echo.calls[0]
    assert (call["function"], call["qualifier"]) == (ALIAS_ARN.rsplit(":", 1)[0], "live")
    event = json.loads(response.body)
    assert event == echo.event
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/orders/{id}", "/orders/42", "GET")
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert (event["headers"]["X-Trace"], event["multiValueHeaders"]["X-Trace"]) == ("two", ["one", "two"])
    assert event["stageVariables"] == {"color": "blue"}
    context = event["requestContext"]
    assert (context["stage"], context["resourcePath"], context["path"]) == ("v1", "/orders/{id}", "/v1/orders/42")
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert (event["body"], event["isBase64Encoded"]) == (None, False)


def test_rest_any_method_greedy_path_and_a_binary_body(aws):
    door = RestDoor(ACCOUNT, REGION, rest_api(aws), "v1")
    response, echo = get(door, "/v1/files/a/b.txt", method="PUT", body=b"\xff\x00")
    assert response.status == 200
    assert echo.event["pathParameters"] == {"proxy": "a/b.txt"}
    assert (echo.event["body"], echo.event["isBase64Encoded"]) == (base64.b64encode(b"\xff\x00").decode(), True)


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/nowhere"), ("DELETE", "/v1/orders"),
                                              ("GET", "/v2/orders"), ("GET", "/")])
def test_an_unknown_rest_route_gets_missing_authentication_token(aws, method, path):
    door = RestDoor(ACCOUNT, REGION, rest_api(aws), "v1")
    response, echo = get(door, path, method=method)
    assert (response.status, response.body.decode()) == (403, msg.REST_UNKNOWN_ROUTE)
    assert echo.calls == []


def test_the_handlers_status_headers_and_base64_body_are_the_answer(aws):
    door = RestDoor(ACCOUNT, REGION, rest_api(aws), "v1")
    reply = {"statusCode": 201, "headers": {"X-Color": "green"}, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
             "body": base64.b64encode(b"\x89PNG").decode(), "isBase64Encoded": True}
    response, _ = get(door, "/v1/orders", invoke=Echo(lambda event: reply))
    assert response.status == 201
    assert ("X-Color", "green") in response.headers
    assert [value for name, value in response.headers if name == "Set-Cookie"] == ["a=1", "b=2"]
    assert response.body == b"\x89PNG"


@pytest.mark.parametrize("echo", [Echo(error="Unhandled"), Echo(lambda event: "not a proxy answer"),
                                  Echo(lambda event: {"body": "no status"})])
def test_a_function_error_or_a_malformed_answer_is_a_502(aws, echo):
    door = RestDoor(ACCOUNT, REGION, rest_api(aws), "v1")
    response, _ = get(door, "/v1/orders", invoke=echo)
    assert (response.status, response.body.decode()) == (502, msg.REST_INTERNAL_ERROR)


def test_an_invoke_the_lambda_api_refuses_is_a_500(aws):
    def refused(*args):
        raise RuntimeError("Function not found")

    door = RestDoor(ACCOUNT, REGION, rest_api(aws), "v1")
    response, _ = get(door, "/v1/orders", invoke=refused)
    assert (response.status, response.body.decode()) == (500, msg.REST_INTERNAL_ERROR)


def test_no_answer_within_the_integration_timeout_is_a_504(aws):
    released = threading.Event()

    def stuck(*args):
        released.wait(30)
        return Invocation(200, b"{}", None, "1", "", 1.0)

    door = RestDoor(ACCOUNT, REGION, rest_api(aws, timeout_ms=50), "v1")
    try:
        response, _ = get(door, "/v1/orders", invoke=stuck)
    finally:
        released.set()
    assert (response.status, response.body.decode()) == (504, msg.REST_TIMED_OUT)


# --- HTTP API --------------------------------------------------------------------------------------

def test_an_http_route_gets_the_2_0_event(aws):
    door = HttpApiDoor(ACCOUNT, REGION, http_api(aws, ["GET /hello/{name}", "ANY /{proxy+}"]), "$default")
    headers = (("X-Trace", "one"), ("X-Trace", "two"), ("Cookie", "a=1; b=2"))
    response, echo = get(door, "/hello/ann", "q=1&q=2", headers)
    assert response.status == 200
    event = echo.event
    assert (event["version"], event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "2.0", "GET /hello/{name}", "/hello/ann", "q=1&q=2")
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"]["x-trace"] == "one,two" and "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"q": "1,2"}
    assert event["pathParameters"] == {"name": "ann"}
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["stage"] == "$default"
    assert "multiValueHeaders" not in event
    post, echo = get(door, "/hello/ann", method="POST")  # no POST route: ANY /{proxy+} takes it
    assert (post.status, echo.event["routeKey"]) == (200, "ANY /{proxy+}")


def test_an_unknown_http_route_gets_not_found_and_default_catches_the_rest(aws):
    door = HttpApiDoor(ACCOUNT, REGION, http_api(aws, ["GET /hello"]), "$default")
    response, echo = get(door, "/nowhere")
    assert (response.status, response.body.decode()) == (404, msg.HTTP_UNKNOWN_ROUTE)
    assert echo.calls == []
    door = HttpApiDoor(ACCOUNT, REGION, http_api(aws, ["GET /hello", "$default"]), "$default")
    response, echo = get(door, "/nowhere")
    assert response.status == 200 and echo.event["routeKey"] == "$default"


def test_a_2_0_answer_without_status_is_a_200_json_body(aws):
    door = HttpApiDoor(ACCOUNT, REGION, http_api(aws, ["GET /hello"]), "$default")
    response, _ = get(door, "/hello", invoke=Echo(lambda event: {"hello": "world"}))
    assert (response.status, json.loads(response.body)) == (200, {"hello": "world"})
    assert ("Content-Type", "application/json") in response.headers
    response, _ = get(door, "/hello", invoke=Echo(error="Unhandled"))
    assert (response.status, response.body.decode()) == (502, msg.HTTP_INTERNAL_ERROR)


def test_payload_format_1_0_through_an_http_api(aws):
    door = HttpApiDoor(ACCOUNT, REGION, http_api(aws, ["GET /hello"], payload="1.0"), "$default")
    response, echo = get(door, "/hello", "a=1")
    assert response.status == 200
    assert (echo.event["version"], echo.event["resource"], echo.event["multiValueQueryStringParameters"]) == (
        "1.0", "/hello", {"a": ["1"]})
    response, _ = get(door, "/hello", invoke=Echo(lambda event: {"no": "status"}))
    assert response.status == 502  # format 1.0 makes no assumptions


def test_an_iam_route_needs_a_signed_request(aws):
    door = HttpApiDoor(ACCOUNT, REGION, http_api(aws, ["GET /hello"], authorization="AWS_IAM"), "$default")
    response, echo = get(door, "/hello")
    assert (response.status, response.body.decode(), echo.calls) == (403, msg.HTTP_FORBIDDEN, [])
    response, echo = get(door, "/hello", headers=SIGNED)
    assert response.status == 200


# --- function URL ----------------------------------------------------------------------------------

def function_with_url(aws) -> str:
    role = aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = aws("lambda")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return 1\n")
    lam.create_function(FunctionName="shop-orders", Role=role, Runtime="python3.12", Handler="app.handler",
                        Code={"ZipFile": archive.getvalue()}, Publish=True, Timeout=3)
    lam.create_alias(FunctionName="shop-orders", Name="live", FunctionVersion="1")
    return lam.create_function_url_config(FunctionName="shop-orders", Qualifier="live", AuthType="AWS_IAM")[
        "FunctionUrl"]


def test_a_function_url_invokes_its_alias_with_the_2_0_event_once_signed(aws):
    url = function_with_url(aws)
    door = server.find_door(url)
    assert isinstance(door, function_url.FunctionUrlDoor)
    response, echo = get(door, "/any/path", "x=1")
    assert (response.status, response.body.decode(), echo.calls) == (403, msg.URL_FORBIDDEN, [])
    response, echo = get(door, "/any/path", "x=1", SIGNED, method="POST", body=b'{"a": 1}')
    assert response.status == 200
    assert echo.calls[0]["qualifier"] == "live"
    event = echo.event
    assert (event["routeKey"], event["rawPath"], event["body"]) == ("$default", "/any/path", '{"a": 1}')
    assert event["requestContext"]["http"]["method"] == "POST"


# --- the control path and the listeners ------------------------------------------------------------

def test_each_door_gets_one_loopback_listener_with_its_base_path(aws):
    rest_id = rest_api(aws)
    http_id = http_api(aws, ["GET /hello"])
    echo = Echo()
    rest = server.serve(f"https://{rest_id}.execute-api.{REGION}.amazonaws.com/v1", echo)
    again = server.serve(f"https://{rest_id}.execute-api.{REGION}.amazonaws.com/v1/", echo)
    http = server.serve(f"https://{http_id}.execute-api.{REGION}.amazonaws.com/", echo)
    assert rest is again and rest.local_url == f"http://127.0.0.1:{rest.port}/v1"
    assert http.local_url == f"http://127.0.0.1:{http.port}" and http.port != rest.port
    assert server.serve(f"https://nothere.execute-api.{REGION}.amazonaws.com/v1", echo) is None

    with urllib.request.urlopen(rest.local_url + "/orders?a=1", timeout=10) as answer:
        assert (answer.status, json.loads(answer.read())["path"]) == (200, "/orders")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(http.local_url + "/nowhere", timeout=10)
    assert (refused.value.code, refused.value.read().decode()) == (404, msg.HTTP_UNKNOWN_ROUTE)


def test_the_control_path_names_what_is_wrong():
    class Posted:
        def __init__(self, data):
            self.data = data

        def get_data(self):
            return self.data

    handle = server.control(Echo())
    status, _, body = handle(Posted(b'{"nothing": 1}'), "", {})
    assert (status, json.loads(body)["message"]) == (400, msg.body_must_name_a_url({"nothing": 1}))
    with mock_aws():
        url = "https://nothere.execute-api.us-east-1.amazonaws.com/v1"
        status, _, body = handle(Posted(json.dumps({"url": url}).encode()), "", {})
    assert (status, json.loads(body)["message"]) == (404, msg.url_must_be_a_door(url))


def test_up_stops_with_the_door_named_when_the_emulator_does_not_serve_it():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe is closed
    url = "https://abc.execute-api.us-east-1.amazonaws.com/v1"
    with pytest.raises(ExternalToolFailed) as failed:
        local_url(Emulator(1, f"http://127.0.0.1:{port}"), url)
    assert str(failed.value).startswith(msg.door_not_served(url, ""))


def test_a_body_past_api_gateways_payload_limit_is_refused_before_it_is_read(aws):
    import http.client

    rest = server.serve(f"https://{rest_api(aws)}.execute-api.{REGION}.amazonaws.com/v1", Echo())
    for length, status, body in ((str(server.PAYLOAD_LIMIT + 1), 413, msg.TOO_LARGE), ("-5", 400, msg.BAD_REQUEST)):
        connection = http.client.HTTPConnection("127.0.0.1", rest.port, timeout=10)
        # Only the headers are sent: a listener that read the body would wait here for it.
        connection.putrequest("POST", "/v1/orders")
        connection.putheader("Content-Length", length)
        connection.endheaders()
        answer = connection.getresponse()
        assert (answer.status, answer.read().decode()) == (status, body)
        connection.close()
