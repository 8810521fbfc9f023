"""The synthesized Terraform against the real CLI and provider: validate, then plan and apply on moto.

These are the checks a platform team's pipeline runs. ``terraform validate`` proves the JSON is
accepted by hashicorp/aws 5.100.0; plans against a moto server prove the traffic semantics and
that a weight-only change touches nothing but the alias.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from conftest import EXAMPLE, FIXTURES, copy_example, synth_to, terraform, unwrapped, var_args

from generator.core.messages import local_doors as local_doors_msg
from generator.local.emulator import Emulator
from generator.local.up import local_url
from generator.terraform.runner import UNHASHED_LOCK_ENV, drop_lock_hashes

pytestmark = pytest.mark.terraform
ALIAS = "aws_lambda_alias.hello"


@pytest.mark.parametrize("stack_file", [EXAMPLE, FIXTURES / "shop" / "shop.py", FIXTURES / "options" / "options.py",
                                        FIXTURES / "gateway" / "gateway.py", FIXTURES / "rollout" / "rollout.py",
                                        FIXTURES / "doors" / "doors.py"],
                         ids=["hello", "shop", "options", "gateway", "rollout", "doors"])
def test_terraform_validate_accepts_the_synthesized_stack(stack_file, terraform_env, tmp_path):
    out = synth_to(stack_file, tmp_path / "out")
    stack_dir = next((out / "stacks").iterdir())
    terraform(["init", "-backend=false"], stack_dir, terraform_env)
    # The suite's init drops the lock's checksums, so no command re-hashes the provider (runner.UNHASHED_LOCK_ENV).
    assert 'version     = "5.100.0"' in (stack_dir / ".terraform.lock.hcl").read_text()
    assert "hashes" not in (stack_dir / ".terraform.lock.hcl").read_text()
    result = terraform(["validate"], stack_dir, terraform_env)
    assert "The configuration is valid" in result.stdout
    # The native-syntax files beside the JSON (synthesis.native_files) are as terraform fmt writes them.
    assert terraform(["fmt", "-check", "-diff"], stack_dir, terraform_env, check=False).returncode == 0


@pytest.fixture(scope="module")
def two_versions(aws_env, tmp_path_factory) -> Path:
    """The example applied on moto twice: v1 (blue, pinned), then new code published as v2.

    Its environment holds Terraform template sequences, which must reach Lambda literally.
    """
    stack_file = copy_example(tmp_path_factory.mktemp("deployed"))
    stack_file.write_text(stack_file.read_text().replace(
        'environment={"LOG_LEVEL": "INFO"}', f'environment={{"LOG_LEVEL": "INFO", "GREETING": {TEMPLATED!r}}}'))
    out = synth_to(stack_file, stack_file.parent.parent / "out")
    stack_dir = out / "stacks" / "hello"
    terraform(["init"], stack_dir, aws_env)
    terraform(["apply", "-auto-approve"], stack_dir, aws_env)
    app = stack_file.parent / "hello_src" / "app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))
    synth_to(stack_file, out)
    terraform(["apply", "-auto-approve", "-var", "hello_blue_version=1"], stack_dir, aws_env)
    return stack_dir


def plan(stack_dir: Path, env: dict, **variables) -> dict:
    args = ["plan", "-out", "plan.bin", *var_args("hello", **variables)]
    terraform(args, stack_dir, env)
    return json.loads(terraform(["show", "-json", "plan.bin"], stack_dir, env).stdout)


def changed(plan_json: dict) -> dict[str, list[str]]:
    return {c["address"]: c["change"]["actions"] for c in plan_json["resource_changes"]
            if c["change"]["actions"] != ["no-op"]}


TEMPLATED = "Hello ${name} from %{ if x }y%{ endif } in ${path.cwd} $${kept}"


def test_the_deployed_state_has_blue_v1_and_newest_v2(two_versions, aws_env):
    outputs = json.loads(terraform(["output", "-json"], two_versions, aws_env).stdout)
    assert (outputs["hello_blue_version"]["value"], outputs["hello_newest_version"]["value"]) == ("1", "2")
    assert changed(plan(two_versions, aws_env, blue_version=1)) == {}


def test_user_text_with_template_sequences_reaches_lambda_literally(two_versions, aws_env):
    lam = boto3.client("lambda", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    configuration = lam.get_function_configuration(FunctionName="hello-hello")
    assert configuration["Environment"]["Variables"]["GREETING"] == TEMPLATED
    assert terraform(["validate"], two_versions, aws_env).returncode == 0


@pytest.mark.parametrize("variables, message", [
    ({"blue_version": 1, "green_weight": 0.5}, "hello_green_weight is above 0, so var.hello_green_version must name"),
    ({"green_version": 2, "green_weight": 0.5}, "hello_green_weight is above 0 while blue is unpinned"),
    ({"blue_version": 1, "green_version": 9, "green_weight": 0.5}, "The green version (var.hello_green_version) must be"),
    ({"blue_version": 2, "green_version": 2, "green_weight": 0.5}, "name the same version: a weight needs two versions"),
])
def test_terraform_plan_refuses_traffic_that_names_no_real_green(two_versions, aws_env, variables, message):
    args = ["plan", *var_args("hello", **variables)]
    result = terraform(args, two_versions, aws_env, check=False)
    assert result.returncode != 0
    assert "Resource precondition failed" in result.stderr
    assert message in unwrapped(result.stderr)


def test_terraform_refuses_a_blue_version_that_was_never_published(two_versions, aws_env):
    result = terraform(["plan", "-var", "hello_blue_version=9"], two_versions, aws_env, check=False)
    assert result.returncode != 0
    assert "Resource precondition failed" in result.stderr
    assert "must be a version this function has published" in unwrapped(result.stderr)


def test_the_openapi_document_creates_every_route_and_a_second_plan_is_empty(aws_env, tmp_path):
    # The shop fixture has a root route, a path parameter, ANY on a greedy {proxy+} and no-API worker.
    out = synth_to(FIXTURES / "shop" / "shop.py", tmp_path / "out")
    stack_dir = out / "stacks" / "shop"
    terraform(["init"], stack_dir, aws_env)
    terraform(["apply", "-auto-approve"], stack_dir, aws_env)
    apigateway = boto3.client("apigateway", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="eu-west-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
    (api,) = [a for a in apigateway.get_rest_apis()["items"] if a["name"] == "shop-orders"]
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    # moto imports API Gateway's x-amazon-apigateway-any-method extension as a method named after
    # it, where AWS creates ANY (docs/aws-rules.md#r13-proxy-integration); read it back as ANY.
    moto_any = {"X-AMAZON-APIGATEWAY-ANY-METHOD": "ANY"}
    methods = {r["path"]: sorted(moto_any.get(m, m) for m in r.get("resourceMethods", {}))
               for r in apigateway.get_resources(restApiId=api["id"])["items"]}
    assert methods == {"/": ["GET"], "/orders": ["GET", "POST"], "/orders/{id}": ["GET"], "/files": [],
                       "/files/{proxy+}": ["ANY"]}
    integration = apigateway.get_integration(restApiId=api["id"], httpMethod="GET", resourceId=next(
        r["id"] for r in apigateway.get_resources(restApiId=api["id"])["items"] if r["path"] == "/orders"))
    # moto keeps the extension's lower-case "aws_proxy"; AWS reports it as AWS_PROXY.
    assert (integration["type"].upper(), integration["httpMethod"]) == ("AWS_PROXY", "POST")
    assert integration["uri"].endswith(":function:shop-orders:prod/invocations")
    assert terraform(["plan", "-detailed-exitcode"], stack_dir, aws_env, check=False).returncode == 0
    # Served on loopback as `up --local` serves it (docs/local-doors.md): the stage as base path,
    # the routes Terraform created, the alias running the code, and REST's own unknown-route answer.
    door = local_url(Emulator(0, aws_env["AWS_ENDPOINT_URL"]),
                     f"https://{api['id']}.execute-api.eu-west-1.amazonaws.com/v1")
    assert door.endswith("/v1")
    for path in ("/orders/42?x=1", "/files/a/b", "/"):
        with urllib.request.urlopen(door + path, timeout=60) as answer:
            assert (answer.status, answer.read()) == (200, b"orders"), path
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(door + "/nowhere", timeout=60)
    assert (refused.value.code, refused.value.read().decode()) == (403, local_doors_msg.REST_UNKNOWN_ROUTE)


LOCK = """# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "5.100.0"
  hashes = [
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
    "zh:0123",
  ]
}
"""


def test_an_unhashed_lock_keeps_the_provider_and_its_version_and_loses_only_the_checksums(tmp_path):
    (tmp_path / ".terraform.lock.hcl").write_text(LOCK)
    drop_lock_hashes(tmp_path)
    assert (tmp_path / ".terraform.lock.hcl").read_text() == LOCK.replace(
        '  hashes = [\n    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",\n    "zh:0123",\n  ]\n', "")
    drop_lock_hashes(tmp_path / "no-such-folder")  # no lock (an init that wrote none): nothing to do


def test_only_the_suites_environment_drops_the_checksums(terraform_env, tmp_path):
    # A real stack's init keeps them: they catch a provider package changed after init.
    (tmp_path / "main.tf.json").write_text(json.dumps({"terraform": {"required_providers": {
        "aws": {"source": "hashicorp/aws", "version": "5.100.0"}}}}))
    env = {k: v for k, v in terraform_env.items() if k != UNHASHED_LOCK_ENV}
    terraform(["init", "-backend=false"], tmp_path, env)
    assert "hashes = [" in (tmp_path / ".terraform.lock.hcl").read_text()
    terraform(["init", "-backend=false"], tmp_path, terraform_env)
    assert "hashes" not in (tmp_path / ".terraform.lock.hcl").read_text()


def _synth_functions(tmp_path: Path, stack: str, deployments: str) -> Path:
    """Synthesize a stack of ``deployments`` (Python source, each ``function=f``) sharing one
    small function; its stack folder."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "main.py").write_text("def handler(event, context):\n    return {}\n")
    stack_file = tmp_path / f"{stack}.py"
    stack_file.write_text(
        "from generator import Deployment, Function, Stack\n"
        "f = Function(source='src', handler='main.handler', runtime='python3.12')\n"
        f"STACKS = [Stack(name='{stack}', region='us-east-1', deployments=[{deployments}])]\n")
    return synth_to(stack_file, tmp_path / "out") / "stacks" / stack


def test_aliases_whose_old_addresses_collide_still_plan(aws_env, tmp_path):
    # Deployment api with alias v2 had the address deployment api_v2's alias has now, and alias
    # "-" made web's old address web itself: a moved block for either would fail the plan.
    stack_dir = _synth_functions(tmp_path, "col", "Deployment(name='api', alias='v2', function=f), "
                                 "Deployment(name='api_v2', function=f), Deployment(name='web', alias='-', function=f)")
    terraform(["init"], stack_dir, aws_env)
    assert terraform(["plan"], stack_dir, aws_env, check=False).returncode == 0


def test_an_alias_at_the_address_of_older_releases_is_moved_not_replaced(aws_env, tmp_path):
    # Older releases kept the alias at <deployment>_<alias>; the moved block, written beside the
    # JSON in native syntax (bluegreen_moved.tf), takes the live alias over with no change.
    stack_dir = _synth_functions(tmp_path, "older", "Deployment(name='svc', alias='live', function=f)")
    terraform(["init"], stack_dir, aws_env)
    terraform(["apply", "-auto-approve"], stack_dir, aws_env)
    terraform(["state", "mv", "aws_lambda_alias.svc", "aws_lambda_alias.svc_live"], stack_dir, aws_env)
    terraform(["plan", "-out", "plan.bin"], stack_dir, aws_env)
    plan_json = json.loads(terraform(["show", "-json", "plan.bin"], stack_dir, aws_env).stdout)
    (alias,) = [c for c in plan_json["resource_changes"] if c["type"] == "aws_lambda_alias"]
    assert (alias["address"], alias.get("previous_address")) == ("aws_lambda_alias.svc", "aws_lambda_alias.svc_live")
    assert changed(plan_json) == {}
