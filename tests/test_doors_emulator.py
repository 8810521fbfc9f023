"""Every front door on one alias, applied on moto with the real Terraform CLI once, then walked
through in order: what each door created, a second plan that is empty, a route added and then
removed (each alone among the API's resources, and the next plan empty), the HTTP API and the
function URL answering on loopback as `up --local` serves them, a weight-only change
that plans the alias and nothing else, grants qualified by the alias, and a CORS change that
updates the function URL in place.

One module-scoped apply for the three doors keeps the suite's time down. What moto lacks shapes
it: the HTTP API's stage is never changed after it is created (``UpdateStage`` answers 500, which
an override beside the stack, ``max_retries = 1``, turns into a fast failure; docs/http-api.md);
a function URL's qualifier is read from Terraform's state, since moto ignores it
(docs/aws-rules.md#r66-a-function-url-on-the-alias); the load balancer's listener is made
beforehand with boto3, as a user's is, and no request reaches the function through it (moto has
no data plane; docs/alb-target.md). The REST API's own walk is in tests/test_terraform.py.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from conftest import synth_to, terraform, var_args

from generator.core.messages import local_doors as msg
from generator.features.alb_target.addresses import AlbTargetAddresses
from generator.features.http_api.addresses import HttpApiAddresses
from generator.local.emulator import Emulator
from generator.local.up import local_url
from generator.model.stack import Deployment

pytestmark = pytest.mark.terraform

STACK = """
from generator import (AlbTarget, Deployment, Function, FunctionUrl, HttpApi, HttpCors, JwtAuthorizer, Route, Stack,
                       Throttle, UrlCors)

USERS = JwtAuthorizer(name="users", issuer="https://issuer.example.com/", audience=["orders"], scopes=["orders/read"])
STACKS = [Stack(name="shop", region="us-east-1", deployments=[Deployment(
    name="orders", alias="live",
    function=Function(source="src", handler="app.handler", runtime="python3.12", timeout_s=10),
    api=[HttpApi(routes=[Route("GET", "/orders", authorization=USERS),
                         Route("ANY", "/files/{{proxy+}}", throttle=Throttle(rate_limit=5, burst_limit=10)), {routes}],
                 cors=HttpCors(allow_origins=["https://app.example.com"]),
                 throttle=Throttle(rate_limit=50, burst_limit=100)),
         FunctionUrl(auth="AWS_IAM", cors=UrlCors(allow_origins=["https://shop.example.com"], allow_methods=["GET"],
                                                  max_age={max_age})),
         AlbTarget(listener_arn={listener!r}, priority=100, path_patterns=["/orders/*"],
                   host_headers=["api.example.com"], multi_value_headers=True)])])]
"""
ORDERS = Deployment(name="orders", function=None)  # for its addresses only
HTTP, ALB = HttpApiAddresses(ORDERS, "api[0]"), AlbTargetAddresses(ORDERS)
URL = "aws_lambda_function_url.orders"
SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/lambda/aws4_request, "
                           "SignedHeaders=host, Signature=0"}


class Shop:
    """The stack file, its synthesized folder and the moto account it is applied to."""

    def __init__(self, folder: Path, env: dict[str, str], listener: str):
        self.folder, self.env, self.listener = folder, env, listener
        self.stack_file = folder / "shop.py"
        self.stack_dir = folder / "cdktf.out" / "stacks" / "shop"
        kw = {"endpoint_url": env["AWS_ENDPOINT_URL"], "region_name": "us-east-1", "aws_access_key_id": "test",
              "aws_secret_access_key": "test"}
        self.v2, self.elb, self.lam = (boto3.client(s, **kw) for s in ("apigatewayv2", "elbv2", "lambda"))

    def write(self, *extra_routes: str, code: str = "blue", max_age: int = 60) -> None:
        self.stack_file.write_text(STACK.format(routes="".join(f"{r}, " for r in extra_routes), max_age=max_age,
                                                listener=self.listener))
        # The handler echoes its event, so that the doors on loopback show the event they built.
        (self.folder / "src" / "app.py").write_text(
            f"import json\n\ndef handler(event, context):\n"
            f"    return {{'statusCode': 200, 'body': json.dumps({{'code': {code!r}, 'event': event}})}}\n")
        synth_to(self.stack_file, self.folder / "cdktf.out")
        # The emulator's folder only: a call moto lacks fails in seconds, not after 25 retries.
        (self.stack_dir / "emulator_override.tf.json").write_text('{"provider": {"aws": {"max_retries": 1}}}')

    def apply(self) -> dict[str, str]:
        """Apply; what it changed, by address (from Terraform's machine-readable output)."""
        return _changes(terraform(["apply", "-auto-approve", "-json"], self.stack_dir, self.env).stdout)

    def plan(self, *args: str) -> dict[str, str]:
        """What a plan would change, by address (``{}`` for an empty plan)."""
        return _changes(terraform(["plan", "-json", *args], self.stack_dir, self.env).stdout)

    def route_keys(self) -> set[str]:
        (api,) = [a for a in self.v2.get_apis()["Items"] if a["Name"] == "shop-orders"]
        return {route["RouteKey"] for route in self.v2.get_routes(ApiId=api["ApiId"])["Items"]}

    def state(self, address: str) -> dict:
        """A resource's attributes as Terraform's state holds them (the local backend's file)."""
        state = json.loads((self.stack_dir / "terraform.tfstate").read_text())
        kind, name = address.split(".")
        (found,) = [r["instances"][0]["attributes"] for r in state["resources"]
                    if r["mode"] == "managed" and (r["type"], r["name"]) == (kind, name)]
        return found

    def outputs(self) -> dict[str, object]:
        return {name: output["value"] for name, output in json.loads(
            terraform(["output", "-json"], self.stack_dir, self.env).stdout).items()}


def _changes(stream: str) -> dict[str, str]:
    # One JSON message a line; a "planned_change" per resource that changes ("noop" ones are left out).
    found = {}
    for line in stream.splitlines():
        message = json.loads(line)
        if message.get("type") == "planned_change":
            change = message["change"]
            found[change["resource"]["addr"]] = change["action"]
    return found


def _listener(env: dict[str, str]) -> str:
    """A load balancer and listener made beforehand, as the user's are: the stack names it by ARN."""
    kw = {"endpoint_url": env["AWS_ENDPOINT_URL"], "region_name": "us-east-1", "aws_access_key_id": "test",
          "aws_secret_access_key": "test"}
    ec2, elb = boto3.client("ec2", **kw), boto3.client("elbv2", **kw)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for i, zone in ((1, "a"), (2, "b"))]
    balancer = elb.create_load_balancer(Name="shared", Subnets=subnets, Type="application")["LoadBalancers"][0]
    return elb.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])["Listeners"][0]["ListenerArn"]


@pytest.fixture(scope="module")
def shop(fresh_aws_env, tmp_path_factory) -> Shop:
    # fresh_aws_env: an account without API Gateway's CloudWatch role; no door here needs it.
    folder = tmp_path_factory.mktemp("doors")
    (folder / "src").mkdir()
    shop = Shop(folder, fresh_aws_env, _listener(fresh_aws_env))
    shop.write()
    terraform(["init"], shop.stack_dir, shop.env)
    shop.apply()
    return shop


def test_each_door_is_applied_and_a_second_plan_is_empty(shop):
    assert shop.route_keys() == {"GET /orders", "ANY /files/{proxy+}"}
    outputs = shop.outputs()
    group_arn, alias_arn = outputs["orders_alb_target_group_arn"], outputs["orders_alias_arn"]
    targets = shop.elb.describe_target_health(TargetGroupArn=group_arn)["TargetHealthDescriptions"]
    assert [t["Target"]["Id"] for t in targets] == [alias_arn]
    rule = next(r for r in shop.elb.describe_rules(ListenerArn=shop.listener)["Rules"] if r["Priority"] == "100")
    assert rule["Actions"][0]["TargetGroupArn"] == group_arn
    conditions = {c["Field"]: c.get("PathPatternConfig", c.get("HostHeaderConfig"))["Values"] for c in rule["Conditions"]}
    assert conditions == {"path-pattern": ["/orders/*"], "host-header": ["api.example.com"]}
    assert str(outputs["orders_function_url"]).endswith(".lambda-url.us-east-1.on.aws")
    assert str(outputs["orders_http_api_url"]).startswith("https://")
    assert shop.plan() == {}


def test_each_door_answers_on_loopback_with_its_event_and_its_own_refusals(shop):
    # What `up --local` does for each door (generator.local.up.local_url): the emulator serves it
    # on a loopback port, through the routes Terraform created (docs/local-doors.md).
    outputs, emulator = shop.outputs(), Emulator(0, shop.env["AWS_ENDPOINT_URL"])
    http, url = (local_url(emulator, str(outputs[name])) for name in ("orders_http_api_url", "orders_function_url"))
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", http) and re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    status, body = fetch(http + "/files/a/b?x=1")
    event = json.loads(body)["event"]
    assert status == 200 and (event["version"], event["routeKey"], event["rawQueryString"]) == (
        "2.0", "ANY /files/{proxy+}", "x=1")
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert fetch(http + "/orders") == (401, msg.HTTP_UNAUTHORIZED.encode())  # its JWT authorizer wants a token
    assert fetch(http + "/orders", {"Authorization": "Bearer t"})[0] == 200  # not checked locally
    assert fetch(http + "/nowhere") == (404, msg.HTTP_UNKNOWN_ROUTE.encode())
    assert fetch(url + "/any/path") == (403, msg.URL_FORBIDDEN.encode())  # AWS_IAM: unsigned
    status, body = fetch(url + "/any/path", SIGNED)  # signed (any signature passes locally)
    assert status == 200 and json.loads(body)["event"]["rawPath"] == "/any/path"


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_a_route_added_then_removed_changes_that_route_alone(shop):
    shop.write('Route("POST", "/orders")')
    assert shop.apply() == {HTTP.route("POST /orders"): "create"}
    assert shop.route_keys() == {"GET /orders", "ANY /files/{proxy+}", "POST /orders"}
    # New code too, in the same apply: it publishes version 2 for the weight change below.
    shop.write(code="green")
    api_changes = {address: action for address, action in shop.apply().items() if address.startswith("aws_apigatewayv2_")}
    assert api_changes == {HTTP.route("POST /orders"): "delete"}
    assert shop.route_keys() == {"GET /orders", "ANY /files/{proxy+}"}
    assert shop.plan() == {}


def test_a_weight_only_change_plans_the_alias_alone(shop):
    # Blue pinned to version 1 (where the alias is), green version 2 at a quarter: every door follows.
    weights = var_args("orders", blue_version=1, green_version=2, green_weight=0.25)
    assert shop.plan(*weights) == {HTTP.alias: "update"}


def test_every_door_reaches_the_function_through_the_alias(shop):
    # Read from Terraform's state, not moto's answers (docs/aws-rules.md#r10-permission-qualifier).
    http_grant, api = shop.state(HTTP.permission), shop.state(HTTP.http_api)
    assert (http_grant["qualifier"], http_grant["source_arn"]) == ("live", f"{api['execution_arn']}/*/*")
    alb_grant, group = shop.state(ALB.permission), shop.state(ALB.target_group)
    assert (alb_grant["qualifier"], alb_grant["source_arn"]) == ("live", group["arn"])
    url = shop.state(URL)
    assert (url["qualifier"], url["function_name"], url["authorization_type"]) == ("live", "shop-orders", "AWS_IAM")
    policy = json.loads(str(shop.outputs()["orders_function_url_caller_policy"]))
    alias_arn = "arn:aws:lambda:us-east-1:123456789012:function:shop-orders:live"
    assert [(s["Action"], s["Resource"], s.get("Condition")) for s in policy["Statement"]] == [
        ("lambda:InvokeFunctionUrl", alias_arn, {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}),
        ("lambda:InvokeFunction", alias_arn, None)]


def test_a_cors_change_is_one_in_place_update_of_the_url(shop):
    shop.write(code="green", max_age=600)
    try:
        assert shop.plan() == {URL: "update"}
    finally:
        shop.write(code="green")  # as applied
