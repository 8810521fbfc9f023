"""``bluegreen up --local`` serves every front door on loopback, through the function's own code.

One ``up`` of one deployment with a REST API, an HTTP API and a function URL, whose handler echoes
the event it gets: each door answers on its printed ``local URL:`` with its own event format, and
each answers an unknown route (or an unsigned request) as AWS does. The routing, events and answers
in detail, with the invoke injected, are in ``tests/test_local_doors.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.core.messages import local_doors as msg

pytestmark = pytest.mark.terraform
BIN = Path(sys.executable).parent
LOCAL_URL = re.compile(r"^local URL: (http://127\.0\.0\.1:\d+(?:/[\w-]+)?)$", re.M)

STACK = """
from generator import Deployment, Function, FunctionUrl, HttpApi, RestApi, Route, Stack

STACKS = [Stack(name="echo", region="us-east-1", deployments=[Deployment(
    name="echo", alias="live",
    function=Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=5),
    api=[RestApi(stage="v1", routes=[Route("GET", "/hello/{name}")]),
         HttpApi(routes=[Route("GET", "/hello/{name}")]),
         FunctionUrl(auth="AWS_IAM")])])]
"""
HANDLER = """
import json, os

def handler(event, context):
    return {"statusCode": 200, "headers": {"X-Version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"]},
            "body": json.dumps(event)}
"""
SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/lambda/aws4_request, "
                           "SignedHeaders=host, Signature=0"}


def bluegreen(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "bluegreen"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


@pytest.fixture(scope="module")
def served(terraform_env, tmp_path_factory):
    """The stack applied once with ``up --local``: its output; ``down`` afterwards."""
    folder = tmp_path_factory.mktemp("doors")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text(HANDLER)
    (folder / "echo.py").write_text(STACK)
    env = {k: v for k, v in terraform_env.items() if k != "TF_CLI_CONFIG_FILE"}
    up = bluegreen("up", "echo.py", "--local", cwd=folder, env=env)
    try:
        yield up
    finally:
        bluegreen("down", cwd=folder, env=env)


def test_up_prints_one_local_url_per_door(served):
    assert served.returncode == 0, served.stderr
    rest, http, url = LOCAL_URL.findall(served.stdout)
    assert rest.endswith("/v1")  # the stage is the REST API's base path
    assert not re.search(r":\d+/", http) and not re.search(r":\d+/", url)  # $default and a URL: no path
    assert len({rest.rsplit("/", 1)[0], http, url}) == 3  # a port each


def test_the_rest_api_answers_with_the_1_0_event_and_its_own_unknown_route(served):
    rest, _, _ = LOCAL_URL.findall(served.stdout)
    status, headers, body = fetch(rest + "/hello/ann?x=1")
    assert status == 200, body
    event = json.loads(body)
    assert (event["resource"], event["pathParameters"], event["requestContext"]["stage"]) == (
        "/hello/{name}", {"name": "ann"}, "v1")
    assert event["multiValueQueryStringParameters"] == {"x": ["1"]}
    assert headers["X-Version"] == "1"  # the alias ran version 1's code
    assert fetch(rest + "/nowhere")[::2] == (403, msg.REST_UNKNOWN_ROUTE.encode())


def test_the_http_api_answers_with_the_2_0_event_and_its_own_unknown_route(served):
    _, http, _ = LOCAL_URL.findall(served.stdout)
    status, _, body = fetch(http + "/hello/ann?x=1")
    assert status == 200, body
    event = json.loads(body)
    assert (event["version"], event["routeKey"], event["rawQueryString"]) == ("2.0", "GET /hello/{name}", "x=1")
    assert fetch(http + "/nowhere")[::2] == (404, msg.HTTP_UNKNOWN_ROUTE.encode())


def test_the_function_url_answers_a_signed_request_on_every_path(served):
    _, _, url = LOCAL_URL.findall(served.stdout)
    assert fetch(url + "/any/path")[::2] == (403, msg.URL_FORBIDDEN.encode())
    status, _, body = fetch(url + "/any/path", SIGNED)
    assert status == 200, body
    assert (json.loads(body)["routeKey"], json.loads(body)["rawPath"]) == ("$default", "/any/path")
