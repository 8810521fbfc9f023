"""A REST API's stage and custom domain over their life, planned and applied on moto.

- A renamed stage (docs/aws-rules.md#r27-create-before-destroy): API Gateway refuses to delete a
  stage that a base path mapping still uses, so the new stage is created, the mapping, the usage
  plan, the web ACL and the method settings move to it, and only then does the old stage go.
  The emulator refuses such a delete as AWS does (``moto_extras``), and Terraform's own progress
  lines show the order.
- A custom domain with a hosted zone gets its Route 53 alias record in the same apply
  (docs/aws-rules.md#r54-custom-domain-dns-records).
- A Lambda authorizer of another account stops the plan with the reason
  (docs/aws-rules.md#r52-lambda-authorizers-in-the-apis-region-and-account).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from conftest import synth_to, terraform, unwrapped

from generator.features.rest_api import messages as msg

pytestmark = pytest.mark.terraform
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
STACK = """
from generator import ApiKeys, CustomDomain, Deployment, Function, LambdaAuthorizer, RestApi, Route, Stack, Throttle

STACKS = [Stack(name="edge", region="us-east-1", deployments=[Deployment(
    name="web", function=Function(source="src", handler="app.handler", runtime="python3.12"),
    api=RestApi(stage={stage!r}, access_logs=None, throttle=Throttle(rate_limit=10, burst_limit=5),
                api_keys=ApiKeys(names=["partner"]), web_acl_arn={web_acl!r},
                domain=CustomDomain("api.example.com", {cert!r}, base_path="shop", hosted_zone_id={zone!r}),
                routes=[Route("GET", "/", throttle=Throttle(rate_limit=2, burst_limit=1), authorization={auth})]))])]
"""


@dataclass
class Site:
    stack_file: Path
    stack_dir: Path
    env: dict
    web_acl: str
    zone: str

    def write(self, stage: str, auth: str = "None") -> None:
        self.stack_file.write_text(STACK.format(stage=stage, web_acl=self.web_acl, cert=CERT, zone=self.zone,
                                                auth=auth))
        synth_to(self.stack_file, self.stack_file.parent / "out")

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture(scope="module")
def site(aws_env, tmp_path_factory) -> Site:
    """The stack applied on moto with stage v1, after the account's web ACL and hosted zone exist."""
    folder = tmp_path_factory.mktemp("edge")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    clients = dict(endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
    web_acl = boto3.client("wafv2", **clients).create_web_acl(
        Name="edge", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "edge"})
    zone = boto3.client("route53", **clients).create_hosted_zone(Name="example.com.", CallerReference="edge")
    site = Site(folder / "edge.py", folder / "out" / "stacks" / "edge", aws_env, web_acl["Summary"]["ARN"],
                zone["HostedZone"]["Id"].rsplit("/", 1)[-1])
    site.write("v1")
    terraform(["init"], site.stack_dir, aws_env)
    terraform(["apply", "-auto-approve"], site.stack_dir, aws_env, timeout=600)
    return site


def test_the_domain_answers_after_one_apply_through_its_alias_record(site):
    domain = site.client("apigateway").get_domain_name(domainName="api.example.com")
    records = site.client("route53").list_resource_record_sets(HostedZoneId=site.zone)["ResourceRecordSets"]
    (record,) = [r for r in records if r["Type"] == "A"]
    assert record["Name"].rstrip(".") == "api.example.com"
    assert (record["AliasTarget"]["DNSName"].rstrip("."), record["AliasTarget"]["HostedZoneId"]) == (
        domain["regionalDomainName"], domain["regionalHostedZoneId"])


def _line(output: str, text: str) -> int:
    """The position of the first line of ``output`` that holds ``text`` (it must be there)."""
    lines = output.splitlines()
    return next(i for i, line in enumerate(lines) if text in line)


def test_a_renamed_stage_is_created_first_and_everything_moves_to_it_before_the_old_one_goes(site):
    site.write("v2")
    terraform(["plan", "-out", "rename.bin"], site.stack_dir, site.env)
    plan = json.loads(terraform(["show", "-json", "rename.bin"], site.stack_dir, site.env).stdout)
    changed = {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]
               if c["change"]["actions"] != ["no-op"]}
    # The old stage goes last (create before destroy); what points at a stage moves in place or
    # is created on the new stage before its old self is removed.
    assert changed == {
        "aws_api_gateway_stage.web_v1": ["delete"], "aws_api_gateway_stage.web_v2": ["create"],
        "aws_api_gateway_base_path_mapping.web": ["update"], "aws_api_gateway_usage_plan.web": ["update"],
        "aws_wafv2_web_acl_association.web": ["create", "delete"],
        "aws_api_gateway_method_settings.web_all": ["create", "delete"],
        "aws_api_gateway_method_settings.web_get": ["create", "delete"]}
    applied = terraform(["apply", "rename.bin"], site.stack_dir, site.env, timeout=600).stdout
    print(applied)
    created = _line(applied, "aws_api_gateway_stage.web_v2: Creation complete")
    old_gone = _line(applied, "aws_api_gateway_stage.web_v1: Destruction complete")
    assert created < _line(applied, "aws_api_gateway_base_path_mapping.web: Modifications complete") < old_gone
    assert created < _line(applied, "aws_api_gateway_usage_plan.web: Modifications complete") < old_gone
    assert created < _line(applied, "aws_wafv2_web_acl_association.web: Creation complete") < old_gone
    assert created < _line(applied, "aws_api_gateway_method_settings.web_all: Creation complete") < old_gone
    apigateway = site.client("apigateway")
    (mapping,) = apigateway.get_base_path_mappings(domainName="api.example.com")["items"]
    assert mapping["stage"] == "v2"
    (api,) = apigateway.get_rest_apis()["items"]
    assert [s["stageName"] for s in apigateway.get_stages(restApiId=api["id"])["item"]] == ["v2"]
    assert terraform(["plan", "-detailed-exitcode"], site.stack_dir, site.env, check=False).returncode == 0


def test_a_lambda_authorizer_of_another_account_stops_the_plan_with_the_reason(site):
    other = "arn:aws:lambda:us-east-1:210987654321:function:auth"
    site.write("v2", auth=f"LambdaAuthorizer('tokens', {other!r})")
    try:
        result = terraform(["plan"], site.stack_dir, site.env, check=False)
        assert result.returncode == 1
        expected = msg.authorizer_account_must_be_callers("tokens", "210987654321").replace(
            "${data.aws_caller_identity.current.account_id}", "123456789012")
        assert unwrapped(expected) in unwrapped(result.stderr)
    finally:
        site.write("v2")
