"""What synthesis writes for the REST API's options, and the ``gateway`` stack applied on moto.

The document's security per operation, the Lambda authorizers' grants, the stage's method paths,
execution logs in every method setting, the access logs' key, the web ACL on the stage's ARN,
create-before-destroy on every REST API, the account's CloudWatch role made once per stack (and
refused when a library user's stack disagrees), key values never written; then ``terraform
apply`` of every option (every function option too) on moto, read back with boto3, and a second
plan empty. The validation of each option is ``test_api_options``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import boto3
import pytest
from conftest import FIXTURES, bootstrapped_role, synth_to, terraform
from test_api_options import AT, GATEWAY, deployment

from generator import AccessLogs, InvalidInput, Problem
from generator.core.errors import Field
from generator.features.rest_api import messages as msg
from generator.model import aws_limits as aws

FIXTURE_WEB_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/gateway/a1b2c3d4-5678-90ab-cdef-000000111111"

# --- what synthesis writes ---------------------------------------------------------------------------

def synthesized(out: Path, stack: str) -> dict:
    """A stack's Terraform JSON without cdktf's ``//`` metadata."""
    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items() if key != "//"}
        return [plain(item) for item in value] if isinstance(value, list) else value
    return plain(json.loads((out / "stacks" / stack / "cdk.tf.json").read_text()))


@pytest.fixture(scope="module")
def gateway(tmp_path_factory) -> dict:
    return synthesized(synth_to(GATEWAY, tmp_path_factory.mktemp("gateway") / "out"), "gateway")


def body(document: dict, name: str) -> dict:
    return json.loads(document["resource"]["aws_api_gateway_rest_api"][name]["body"])


def test_each_operation_asks_for_exactly_its_routes_authorization(gateway):
    paths = body(gateway, "orders")["paths"]
    security = {(path, method): operation.get("security") for path, methods in paths.items()
                for method, operation in methods.items()}
    assert security == {
        ("/orders", "get"): [{"users": ["orders/read"]}],
        ("/orders", "post"): [{"users": ["orders/write"]}],
        ("/orders/{id}", "get"): [{"tokens": []}],
        ("/orders/{id}", "delete"): [{"sigv4": []}],
        ("/partner/orders", "get"): [{"api_key": []}],
        ("/", "get"): [{"tenants": []}],
    }
    schemes = body(gateway, "orders")["components"]["securitySchemes"]
    assert schemes["sigv4"]["x-amazon-apigateway-authtype"] == "awsSigv4"
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert schemes["users"]["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools", "providerARNs": ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"]}
    assert schemes["tenants"]["x-amazon-apigateway-authorizer"]["authorizerUri"] == (
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:gateway-authorizer:live/invocations")
    assert schemes["tenants"]["x-amazon-apigateway-authorizer"]["identitySource"] == \
        "method.request.header.X-Tenant, method.request.querystring.tenant"
    assert schemes["tokens"]["name"] == "Authorization"


def test_an_api_without_options_has_no_security_in_its_document(tmp_path):
    out = synth_to(FIXTURES / "shop" / "shop.py", tmp_path / "out")
    document = body(synthesized(out, "shop"), "orders")
    assert "components" not in document
    assert all("security" not in op for methods in document["paths"].values() for op in methods.values())


def test_lambda_authorizers_get_a_grant_for_this_apis_authorizers_only(gateway):
    permissions = gateway["resource"]["aws_lambda_permission"]
    tenants = permissions["orders_authorizer_tenants"]
    assert (tenants["function_name"], tenants["qualifier"]) == (
        "arn:aws:lambda:eu-west-1:123456789012:function:gateway-authorizer", "live")
    assert tenants["source_arn"] == "${aws_api_gateway_rest_api.orders.execution_arn}/authorizers/*"
    assert "qualifier" not in permissions["orders_authorizer_tokens"]
    assert sorted(gateway["resource"]["aws_api_gateway_deployment"]["orders"]["depends_on"]) == [
        "aws_lambda_permission.orders_api", "aws_lambda_permission.orders_authorizer_tenants",
        "aws_lambda_permission.orders_authorizer_tokens"]


def test_method_paths_escape_every_slash_and_settings_update_the_stage_one_at_a_time(gateway):
    settings = gateway["resource"]["aws_api_gateway_method_settings"]
    assert {name: s["method_path"] for name, s in settings.items()} == {
        "orders_all": "*/*", "orders_get": "~1/GET", "orders_post_orders": "~1orders/POST",
        "orders_delete_orders_id": "~1orders~1{id}/DELETE", "admin_any_proxy": "~1{proxy+}/ANY"}
    assert settings["orders_delete_orders_id"]["settings"] == {"throttling_burst_limit": 1, "throttling_rate_limit": 1.5,
                                                              "logging_level": "INFO", "metrics_enabled": True}
    assert settings["admin_any_proxy"]["settings"] == {"throttling_burst_limit": 2, "throttling_rate_limit": 2}
    chain = [settings[name].get("depends_on") for name in ("orders_all", "orders_get", "orders_post_orders",
                                                           "orders_delete_orders_id")]
    assert chain == [None, ["aws_api_gateway_method_settings.orders_all"],
                     ["aws_api_gateway_method_settings.orders_get"], ["aws_api_gateway_method_settings.orders_post_orders"]]


def test_execution_logs_set_the_level_and_metrics_in_every_method_setting(gateway):
    # docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role: a route's own settings
    # hold their own level, so each one of orders' gets it, and admin's (no execution logs) none.
    settings = gateway["resource"]["aws_api_gateway_method_settings"]
    for name, setting in settings.items():
        logging = {key: setting["settings"].get(key) for key in ("logging_level", "metrics_enabled")}
        expected = {"logging_level": "INFO", "metrics_enabled": True} if name.startswith("orders_") else \
            {"logging_level": None, "metrics_enabled": None}
        assert logging == expected, name


def test_execution_logs_without_a_stage_throttle_get_the_every_method_settings_alone(tmp_path):
    out = _synth_one(tmp_path, "RestApi(routes=[Route('GET', '/')], execution_logs='ERROR')")
    assert out["resource"]["aws_api_gateway_method_settings"] == {"a_all": {
        "method_path": "*/*", "rest_api_id": "${aws_api_gateway_rest_api.a.id}",
        "settings": {"logging_level": "ERROR", "metrics_enabled": True},
        "stage_name": "${aws_api_gateway_stage.a_live.stage_name}",
        "lifecycle": {"create_before_destroy": True}}}  # docs/aws-rules.md#r27-create-before-destroy
    assert "aws_wafv2_web_acl_association" not in out["resource"]
    assert "kms_key_id" not in out["resource"]["aws_cloudwatch_log_group"]["a_api_access"]


def test_the_web_acl_guards_the_stage_and_the_access_log_group_has_its_key(gateway):
    resource = gateway["resource"]
    assert resource["aws_wafv2_web_acl_association"] == {"orders": {
        "resource_arn": "${aws_api_gateway_stage.orders_v1.arn}",
        "web_acl_arn": FIXTURE_WEB_ACL, "lifecycle": {"create_before_destroy": True}}}
    assert resource["aws_cloudwatch_log_group"]["orders_api_access"]["kms_key_id"] == \
        "arn:aws:kms:eu-west-1:123456789012:key/9876fedc-98fe-76dc-54ba-9876fedcba98"
    assert "kms_key_id" not in resource["aws_cloudwatch_log_group"]["admin_api_access"]


def test_every_rest_api_is_created_before_its_predecessor_is_destroyed(gateway, tmp_path):
    # docs/aws-rules.md#r27-create-before-destroy
    apis = gateway["resource"]["aws_api_gateway_rest_api"]
    assert {name: api["lifecycle"] for name, api in apis.items()} == {
        "orders": {"create_before_destroy": True}, "admin": {"create_before_destroy": True}}
    plain = _synth_one(tmp_path, "RestApi(routes=[Route('GET', '/')])")
    assert plain["resource"]["aws_api_gateway_rest_api"]["a"]["lifecycle"] == {"create_before_destroy": True}


def test_a_vpc_function_gets_the_network_interface_actions_and_no_log_writes_beyond_its_own(gateway):
    # docs/aws-rules.md#r55-vpc-network-interface-permissions: AWS's managed policy would add log writes
    # on every log group.
    assert "aws_iam_role_policy_attachment" not in gateway["resource"] or not any(
        "AWSLambdaVPCAccessExecutionRole" in json.dumps(a)
        for a in gateway["resource"]["aws_iam_role_policy_attachment"].values())
    policies = gateway["resource"]["aws_iam_role_policy"]
    vpc = policies["orders_vpc_access"]
    assert (vpc["name"], json.loads(vpc["policy"])["Statement"]) == ("manage-network-interfaces", [{
        "Action": ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
                   "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses"],
        "Effect": "Allow", "Resource": "*"}])
    log_actions = {action for policy in policies.values() if policy["role"] == "${aws_iam_role.orders_execution.id}"
                   for statement in json.loads(policy["policy"])["Statement"] if statement["Effect"] == "Allow"
                   for action in statement["Action"] if action.startswith("logs:")}
    assert log_actions == {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert "aws_iam_role_policy.orders_vpc_access" in gateway["resource"]["aws_lambda_function"]["orders"]["depends_on"]


def _synth_one(tmp_path: Path, api: str) -> dict:
    """A stack ``one`` of deployment ``a`` with the API ``api`` (Python source), synthesized."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    stack_file = tmp_path / "one.py"
    stack_file.write_text(
        "from generator import AccessLogs, Deployment, Function, RestApi, Route, Stack\n"
        "f = Function(source='src', handler='app.handler', runtime='python3.12')\n"
        f"STACKS = [Stack(name='one', region='eu-west-1', deployments=[Deployment(name='a', function=f, api={api})])]\n")
    return synthesized(synth_to(stack_file, tmp_path / "out"), "one")


def test_a_stack_with_default_logs_leaves_the_account_role_to_the_bootstrap(gateway):
    # docs/aws-rules.md#r51-the-account-bootstrap: the setting has one owner per account and region.
    resource = gateway["resource"]
    assert "aws_api_gateway_account" not in resource and "apigateway_cloudwatch" not in resource["aws_iam_role"]
    assert "apigateway_cloudwatch" not in resource.get("aws_iam_role_policy", {})
    assert all("depends_on" not in stage for stage in resource["aws_api_gateway_stage"].values())
    log_format = json.loads(resource["aws_api_gateway_stage"]["orders_v1"]["access_log_settings"]["format"])
    assert {"requestId", "ip", "requestTime", "httpMethod", "resourcePath", "status", "protocol", "responseLength",
            "integrationLatency", "lambdaRequestId"} <= set(log_format)
    assert resource["aws_api_gateway_stage"]["orders_v1"]["xray_tracing_enabled"] is True
    assert "xray_tracing_enabled" not in resource["aws_api_gateway_stage"]["admin_live"]


def test_create_makes_the_account_role_once_for_the_stack_and_every_logging_stage_waits_for_it(tmp_path):
    resource = _synth_one(tmp_path, "RestApi(routes=[Route('GET', '/')], "
                                    "access_logs=AccessLogs(cloudwatch_role='create'))")["resource"]
    assert list(resource["aws_api_gateway_account"]) == ["apigateway"]
    assert "reset_on_delete" not in resource["aws_api_gateway_account"]["apigateway"]
    assert resource["aws_iam_role"]["apigateway_cloudwatch"]["name"] == "one-apigateway-cloudwatch"
    statement = json.loads(resource["aws_iam_role_policy"]["apigateway_cloudwatch"]["policy"])["Statement"]
    assert statement == [{"Effect": "Allow", "Resource": "*", "Action": list(aws.APIGATEWAY_CLOUDWATCH_ACTIONS)}]
    assert resource["aws_api_gateway_stage"]["a_live"]["depends_on"] == ["aws_api_gateway_account.apigateway"]


def test_key_values_are_never_written_or_output(gateway):
    keys = gateway["resource"]["aws_api_gateway_api_key"]
    assert all(set(key) == {"name"} for key in keys.values())
    outputs = json.dumps(gateway["output"])
    assert ".value" not in outputs and "orders_api_key_ids" in gateway["output"]


def test_an_existing_role_or_a_given_arn_is_not_made_again(tmp_path):
    stack_file = tmp_path / "roles.py"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    role = "arn:aws:iam::123456789012:role/apigw-logs"
    stack_file.write_text(
        "from generator import AccessLogs, Deployment, Function, RestApi, Route, Stack\n"
        "f = Function(source='src', handler='app.handler', runtime='python3.12')\n"
        "def api(role): return RestApi(routes=[Route('GET', '/')], access_logs=AccessLogs(cloudwatch_role=role))\n"
        f"STACKS = [Stack(name='given', region='us-east-1', deployments=[Deployment(name='a', function=f, api=api({role!r}))]),\n"
        "          Stack(name='there', region='us-east-1', deployments=[Deployment(name='a', function=f, api=api('existing'))])]\n")
    out = synth_to(stack_file, tmp_path / "out")
    given, there = synthesized(out, "given")["resource"], synthesized(out, "there")["resource"]
    assert given["aws_api_gateway_account"] == {"apigateway": {"cloudwatch_role_arn": role}}
    assert "apigateway_cloudwatch" not in given["aws_iam_role"]
    assert "aws_api_gateway_account" not in there and "depends_on" not in there["aws_api_gateway_stage"]["a_live"]


def test_library_users_get_the_same_one_role_rule_in_their_own_stack(tmp_path):
    from cdktf import App, TerraformStack

    from generator import BlueGreenDeployment

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    stack = TerraformStack(App(outdir=str(tmp_path / "out")), "shop")
    BlueGreenDeployment(stack, "orders", deployment=deployment(), name_prefix="shop", base_dir=tmp_path)
    with pytest.raises(InvalidInput) as caught:
        BlueGreenDeployment(stack, "admin", name_prefix="shop", base_dir=tmp_path,
                            deployment=deployment("admin", access_logs=AccessLogs(cloudwatch_role="create")))
    assert caught.value.problems == [Problem(Field("shop.admin.api.access_logs.cloudwatch_role"),
                                             msg.cloudwatch_role_must_agree(f"{AT}.access_logs.cloudwatch_role",
                                                                            "existing", "create"))]


# --- applied on moto ----------------------------------------------------------------------------------
# What the gateway stack names but does not own is made first, as the account or another stack
# would have: the authorizer function, the function's layers and customer managed policy, the web
# ACL. AWS's own managed policies (the function's AWSXrayReadOnlyAccess) exist in every account;
# moto holds them only when its server
# starts with MOTO_IAM_LOAD_MANAGED_POLICIES=true, so this module's server does.

@pytest.fixture(scope="module", autouse=True)
def _aws_managed_policies_in_moto():
    """Before this module's moto server starts (module fixtures that are autouse come first)."""
    previous = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    yield
    if previous is None:
        os.environ.pop("MOTO_IAM_LOAD_MANAGED_POLICIES")
    else:
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = previous


def _clients(endpoint: str) -> dict:
    return dict(endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")


def _zip(name: str, text: str) -> bytes:
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr(name, text)
    return code.getvalue()


def _authorizer_function(endpoint: str) -> None:
    """The Lambda authorizer the fixture names (with its alias), as another stack would have made it."""
    role = boto3.client("iam", **_clients(endpoint)).create_role(
        RoleName="gateway-authorizer", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    lambda_client = boto3.client("lambda", **_clients(endpoint))
    lambda_client.create_function(FunctionName="gateway-authorizer", Runtime="python3.12", Role=role["Role"]["Arn"],
                                  Handler="auth.handler", Code={"ZipFile": _zip("auth.py", "def handler(e, c):\n    "
                                                                                "return {}\n")}, Publish=True)
    lambda_client.create_alias(FunctionName="gateway-authorizer", Name="live", FunctionVersion="1")


def _what_the_account_holds(endpoint: str) -> str:
    """The orders function's layers (up to the versions it names) and customer managed policy, and a
    regional web ACL; the web ACL's ARN, whose id AWS (here moto) generates."""
    lambda_client = boto3.client("lambda", **_clients(endpoint))
    for layer, version in (("deps", 3), ("tools", 12)):
        for _ in range(version):
            lambda_client.publish_layer_version(LayerName=layer, Content={"ZipFile": _zip("python/x.py", "")})
    boto3.client("iam", **_clients(endpoint)).create_policy(
        PolicyName="orders-extra", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    web_acl = boto3.client("wafv2", **_clients(endpoint)).create_web_acl(
        Name="gateway", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "gateway"})
    return web_acl["Summary"]["ARN"]


def _gateway_naming(tmp_path: Path, web_acl_arn: str) -> Path:
    """A copy of the gateway fixture whose web_acl_arn is ``web_acl_arn``: everything else as it is."""
    copy = tmp_path / "gateway"
    shutil.copytree(GATEWAY.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    text = (copy / "gateway.py").read_text()
    assert text.count(FIXTURE_WEB_ACL) == 1
    (copy / "gateway.py").write_text(text.replace(FIXTURE_WEB_ACL, web_acl_arn))
    return copy / "gateway.py"


@pytest.mark.terraform
def test_the_gateway_stack_applies_on_moto_and_a_second_plan_is_empty(aws_env, tmp_path):
    endpoint = aws_env["AWS_ENDPOINT_URL"]
    _authorizer_function(endpoint)
    web_acl_arn = _what_the_account_holds(endpoint)
    stack_dir = synth_to(_gateway_naming(tmp_path, web_acl_arn), tmp_path / "out") / "stacks" / "gateway"
    terraform(["init"], stack_dir, aws_env)
    terraform(["apply", "-auto-approve"], stack_dir, aws_env, timeout=600)
    apigateway = boto3.client("apigateway", **_clients(endpoint))
    apis = {a["name"]: a["id"] for a in apigateway.get_rest_apis()["items"]}
    stage = apigateway.get_stage(restApiId=apis["gateway-orders"], stageName="v1")
    assert stage["tracingEnabled"] is True
    assert stage["accessLogSettings"]["destinationArn"].endswith(":log-group:/aws/apigateway/gateway-orders/access")
    assert {path: (s["throttlingRateLimit"], s["throttlingBurstLimit"], s["loggingLevel"], s["metricsEnabled"])
            for path, s in stage["methodSettings"].items()} == {
        "*/*": (100.0, 50, "INFO", True), "~1/GET": (5.0, 5, "INFO", True), "~1orders/POST": (20.0, 10, "INFO", True),
        "~1orders~1{id}/DELETE": (1.5, 1, "INFO", True)}
    assert stage["webAclArn"] == web_acl_arn
    assert boto3.client("wafv2", **_clients(endpoint)).get_web_acl_for_resource(
        ResourceArn=f"arn:aws:apigateway:eu-west-1::/restapis/{apis['gateway-orders']}/stages/v1")["WebACL"]["ARN"] == \
        web_acl_arn
    (access_logs,) = boto3.client("logs", **_clients(endpoint)).describe_log_groups(
        logGroupNamePrefix="/aws/apigateway/gateway-orders/access")["logGroups"]
    assert access_logs["kmsKeyId"] == "arn:aws:kms:eu-west-1:123456789012:key/9876fedc-98fe-76dc-54ba-9876fedcba98"
    assert apigateway.get_account()["cloudwatchRoleArn"] == bootstrapped_role("eu-west-1")  # left as it was
    (plan,) = apigateway.get_usage_plans()["items"]
    assert (plan["apiStages"], plan["quota"], plan["throttle"]) == (
        [{"apiId": apis["gateway-orders"], "stage": "v1"}], {"limit": 10000, "period": "MONTH"},
        {"burstLimit": 5, "rateLimit": 10.0})
    outputs = json.loads(terraform(["output", "-json"], stack_dir, aws_env).stdout)
    key_ids = outputs["orders_api_key_ids"]["value"]
    assert sorted(key_ids) == ["partner-a", "partner-b"]
    assert sorted(k["id"] for k in apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"]) == sorted(
        key_ids.values())
    assert outputs["orders_domain_target"]["value"]["target_domain_name"] == \
        apigateway.get_domain_name(domainName="api.example.com")["regionalDomainName"]
    assert apigateway.get_base_path_mappings(domainName="api.example.com")["items"] == [
        {"basePath": "orders", "restApiId": apis["gateway-orders"], "stage": "v1"}]
    _the_function_has_every_option(endpoint)
    assert terraform(["plan", "-detailed-exitcode"], stack_dir, aws_env, check=False).returncode == 0


def _the_function_has_every_option(endpoint: str) -> None:
    lambda_client = boto3.client("lambda", **_clients(endpoint))
    config = lambda_client.get_function(FunctionName="gateway-orders")
    function = config["Configuration"]
    assert (function["Architectures"], [layer["Arn"].rsplit(":", 2)[1:] for layer in function["Layers"]],
            function["EphemeralStorage"], function["TracingConfig"], function["Environment"]["Variables"],
            function["DeadLetterConfig"]["TargetArn"], function["KMSKeyArn"].rsplit("/", 1)[1],
            sorted(function["VpcConfig"]["SubnetIds"]), config["Concurrency"]) == (
        ["arm64"], [["deps", "3"], ["tools", "12"]], {"Size": 2048}, {"Mode": "Active"}, {"TABLE": "orders"},
        "arn:aws:sqs:eu-west-1:123456789012:orders-dead-letters", "1234abcd-12ab-34cd-56ef-1234567890ab",
        ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], {"ReservedConcurrentExecutions": 6})
    assert config["Tags"] == {"cost-center": "42", "note": "${not_a_reference}", "team": "orders",
                              "env": "${not_a_reference}", "owner": "platform"}
    iam = boto3.client("iam", **_clients(endpoint))
    role = iam.get_role(RoleName="gateway-orders-exec")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == "arn:aws:iam::123456789012:policy/boundary"
    assert sorted(p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="gateway-orders-exec")[
        "AttachedPolicies"]) == ["AWSXrayReadOnlyAccess", "orders-extra"]
    assert "manage-network-interfaces" in iam.list_role_policies(RoleName="gateway-orders-exec")["PolicyNames"]
    (log_group,) = boto3.client("logs", **_clients(endpoint)).describe_log_groups(
        logGroupNamePrefix="/aws/lambda/gateway-orders")["logGroups"]
    assert log_group["kmsKeyId"] == "arn:aws:kms:eu-west-1:123456789012:key/abcd1234-ab12-cd34-ef56-abcdef123456"
