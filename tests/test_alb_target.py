"""The ALB target door (``AlbTarget``): its rules, its Terraform JSON (a golden), and the real
provider's validate, plan and apply on moto.

docs/alb-target.md is the reference; docs/aws-rules.md#r68-lambda-targets-of-an-application-load-balancer
and #r69-listener-rules-for-a-lambda-target the AWS behaviour it relies on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, GOLDEN, synth_to, validation_problems

from generator import AlbTarget, Deployment, Function, RestApi, Route, Stack
from generator.core.errors import Field, InvalidInput, Problem
from generator.core.messages import model as model_msg
from generator.features.alb_target import messages as msg
from generator.features.alb_target.addresses import target_group_name
from generator.features.validation import validate_stacks

LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0123456789abcdef/fedcba9876543210"
OTHER_LISTENER = LISTENER.replace("fedcba9876543210", "00000000000000aa")
UPDATE = os.environ.get("BLUEGREEN_UPDATE_GOLDENS") == "1"


def _deployment(name: str = "orders", **target) -> Deployment:
    values = {"listener_arn": LISTENER, "priority": 100, "path_patterns": ("/orders/*",), **target}
    return Deployment(name=name, function=Function(source="src", handler="app.handler", runtime="python3.12"),
                      api=AlbTarget(**values))


def _problems(base_dir: Path, **target) -> list[Problem]:
    return validation_problems(_deployment(**target), base_dir)


AT = "shop.orders.api"


def test_a_valid_alb_target_has_no_problems(base_dir):
    assert _problems(base_dir, host_headers=["api.example.com", "*.example.org"], multi_value_headers=True) == []
    assert _problems(base_dir, path_patterns=(), host_headers=("api.example.com",)) == []


@pytest.mark.parametrize("arn", [
    LISTENER.replace("listener/app/", "listener/net/"),  # a Network Load Balancer's
    LISTENER.replace(":listener/", ":targetgroup/"),
    LISTENER.replace("123456789012", "1234"),
    LISTENER + "/extra",
    None,
])
def test_the_listener_must_be_an_application_load_balancers(base_dir, arn):
    assert _problems(base_dir, listener_arn=arn) == [Problem(Field(f"{AT}.listener_arn"), msg.must_be_a_listener_arn(arn))]


def test_the_listener_must_be_in_the_stacks_region(base_dir):
    arn = LISTENER.replace("us-east-1", "eu-west-1")
    assert _problems(base_dir, listener_arn=arn) == [
        Problem(Field(f"{AT}.listener_arn"), msg.listener_must_be_in("us-east-1", arn))]


@pytest.mark.parametrize("priority", [0, 50_001, -1, True, "100", 1.5, None])
def test_the_priority_is_a_whole_number_from_1_to_50000(base_dir, priority):
    assert _problems(base_dir, priority=priority) == [
        Problem(Field(f"{AT}.priority"), model_msg.must_be_a_whole_number_between(1, 50_000, priority))]


@pytest.mark.parametrize("priority", [1, 50_000])
def test_the_priority_range_holds_its_ends(base_dir, priority):
    assert _problems(base_dir, priority=priority) == []


def test_a_rule_needs_a_condition(base_dir):
    assert _problems(base_dir, path_patterns=()) == [Problem(Field(AT), msg.NEEDS_A_CONDITION)]


@pytest.mark.parametrize("pattern", ["", "/" + "a" * 128, "/orders list", "/orders/{id}", "/caf\u00e9"])
def test_a_path_pattern_is_1_to_128_allowed_characters(base_dir, pattern):
    assert _problems(base_dir, path_patterns=("/ok", pattern)) == [
        Problem(Field(f"{AT}.path_patterns[1]"), msg.must_be_a_path_pattern(pattern))]


def test_a_path_pattern_may_hold_every_character_aws_allows(base_dir):
    assert _problems(base_dir, path_patterns=("/a-Z_0.9$/~\"'@:+&", "/" + "b" * 127, "/x/*/?")) == []


@pytest.mark.parametrize("host", ["localhost", "api.example.c0m", "api.example.", "api example.com",
                                  "api.example.com:443", "a" * 126 + ".com"])
def test_a_host_header_is_a_name_with_a_dot_and_letters_after_the_last(base_dir, host):
    assert _problems(base_dir, host_headers=(host,)) == [
        Problem(Field(f"{AT}.host_headers[0]"), msg.must_be_a_host_header(host))]


def test_a_condition_value_appears_once(base_dir):
    assert _problems(base_dir, path_patterns=["/a", "/b", "/a"]) == [
        Problem(Field(f"{AT}.path_patterns[2]"), msg.must_not_repeat("/a"))]


@pytest.mark.parametrize("field, value, kind", [("path_patterns", "/orders/*", "path patterns"),
                                                ("host_headers", ("api.example.com", 3), "host names")])
def test_conditions_are_lists_of_strings(base_dir, field, value, kind):
    assert _problems(base_dir, **{field: value}) == [Problem(Field(f"{AT}.{field}"), msg.must_be_a_list_of(kind, value))]


def test_a_rule_has_at_most_five_condition_values(base_dir):
    assert _problems(base_dir, path_patterns=("/a", "/b", "/c", "/d"), host_headers=("x.example.com",)) == []
    assert _problems(base_dir, path_patterns=("/a", "/b", "/c", "/d"), host_headers=("x.example.com", "y.example.com")) \
        == [Problem(Field(AT), msg.too_many_condition_values(6))]


def test_a_rule_has_at_most_five_wildcards(base_dir):
    assert _problems(base_dir, path_patterns=("/a/*", "/b/*?"), host_headers=("*.example.com",)) == []
    assert _problems(base_dir, path_patterns=("/a/*", "/b/*??"), host_headers=("*.example.com", "?.example.org")) \
        == [Problem(Field(AT), msg.too_many_wildcards(6))]


def test_multi_value_headers_is_a_boolean(base_dir):
    assert _problems(base_dir, multi_value_headers="yes") == [
        Problem(Field(f"{AT}.multi_value_headers"), model_msg.must_be_a_boolean("yes"))]


@pytest.mark.parametrize("stack_name, name, group", [("a-long-stack-name", "a_long_deployment_x",
                                                      "a-long-stack-name-a-long-deployment-x"),
                                                     ("shop", "orders_", "shop-orders-")])
def test_the_target_group_name_must_be_one_aws_accepts(base_dir, stack_name, name, group):
    problems = validation_problems(_deployment(name), base_dir, stack_name=stack_name)
    assert problems == [Problem(Field(f"{stack_name}.{name}.api"), msg.must_make_a_target_group_name(group))]


def test_a_wrong_deployment_name_is_reported_once_not_again_as_a_target_group_name(base_dir):
    name = "orders_" + "x" * 27  # 34 characters: too long for a deployment, and for a target group
    problems = validation_problems(_deployment(name), base_dir)
    assert [str(p.where) for p in problems] == [f"shop.{name}.name"]


def test_underscores_become_hyphens_in_the_target_group_name(base_dir):
    assert validation_problems(_deployment("orders_eu"), base_dir) == []
    assert target_group_name("shop", _deployment("orders_eu")) == "shop-orders-eu"


def test_two_deployments_never_take_one_priority_of_one_listener(base_dir):
    stack = Stack(name="shop", region="us-east-1", deployments=[
        _deployment("orders"), _deployment("refunds", listener_arn=OTHER_LISTENER),
        _deployment("admin", path_patterns=("/admin/*",))])
    with pytest.raises(InvalidInput) as raised:
        validate_stacks([stack], base_dir)
    assert raised.value.problems == [Problem(Field("shop.admin.api.priority"),
                                             msg.priority_must_be_unique("shop.orders.api.priority", 100))]


def test_an_alb_target_goes_beside_a_rest_api_but_not_beside_another(base_dir):
    target = AlbTarget(listener_arn=LISTENER, priority=1, path_patterns=["/x"])
    both = Deployment(name="orders", function=Function(source="src", handler="app.handler", runtime="python3.12"),
                      api=[RestApi(routes=[Route("GET", "/x")]), target])
    assert validation_problems(both, base_dir) == []
    twice = Deployment(name="orders", function=both.function, api=[target, target])
    assert validation_problems(twice, base_dir) == [
        Problem(Field("shop.orders.api[1]"), model_msg.door_must_be_unique("AlbTarget", "shop.orders.api[0]"))]


def test_the_cli_refuses_a_bad_alb_target_with_exit_2_and_writes_nothing(tmp_path):
    stack_file = tmp_path / "bad.py"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    stack_file.write_text(
        "from generator import AlbTarget, Deployment, Function, Stack\n"
        "STACKS = [Stack(name='shop', region='us-east-1', deployments=[Deployment(name='orders', "
        "function=Function(source='src', handler='app.handler', runtime='python3.12'), "
        f"api=AlbTarget(listener_arn={LISTENER!r}, priority=0, path_patterns=['/x']))])]\n")
    result = subprocess.run([str(Path(sys.executable).parent / "bluegreen"), "synth", str(stack_file),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert model_msg.must_be_a_whole_number_between(1, 50_000, 0) in result.stderr
    assert "shop.orders.api.priority" in result.stderr
    assert not (tmp_path / "out").exists()


# --- synthesis ---------------------------------------------------------------------------------------


def _without_metadata(value):
    if isinstance(value, dict):
        return {key: _without_metadata(item) for key, item in value.items() if key != "//"}
    if isinstance(value, list):
        return [_without_metadata(item) for item in value]
    return value


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> Path:
    return synth_to(FIXTURES / "alb" / "alb.py", tmp_path_factory.mktemp("alb") / "cdktf.out") / "stacks" / "alb"


def test_the_alb_stack_matches_its_golden(synthesized):
    produced = _without_metadata(json.loads((synthesized / "cdk.tf.json").read_text()))
    golden = GOLDEN / "alb.cdk.tf.json"
    if UPDATE:
        golden.write_text(json.dumps(produced, indent=2, sort_keys=True) + "\n")
    assert produced == json.loads(golden.read_text()), \
        f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 and review the diff of {golden.name}"


def test_the_target_is_the_alias_granted_to_its_target_group_alone(synthesized):
    resources = json.loads((synthesized / "cdk.tf.json").read_text())["resource"]
    permission = resources["aws_lambda_permission"]["orders_alb"]
    assert (permission["principal"], permission["qualifier"], permission["source_arn"]) == (
        "elasticloadbalancing.amazonaws.com", "${aws_lambda_alias.orders.name}", "${aws_lb_target_group.orders.arn}")
    attachment = resources["aws_lb_target_group_attachment"]["orders"]
    assert attachment["target_id"] == "${aws_lambda_alias.orders.arn}"
    assert attachment["depends_on"] == ["aws_lambda_permission.orders_alb"]
    assert resources["aws_lb_listener_rule"]["orders"]["depends_on"] == ["aws_lb_target_group_attachment.orders"]
    group = resources["aws_lb_target_group"]["orders"]
    assert (group["name"], group["target_type"], group["lifecycle"]) == ("alb-orders", "lambda",
                                                                         {"create_before_destroy": True})


# terraform validate and the apply on moto: tests/test_terraform.py and tests/test_doors_emulator.py
# (every door on one alias).


def test_the_stack_readme_names_the_listener_rule_and_its_conditions(synthesized):
    readme = (synthesized / "README.md").read_text()
    assert (f"- ALB listener `{LISTENER}`, rule priority 100: paths /orders, /orders/*; hosts api.example.com, "
            "all invoking the alias.") in readme
    assert "`orders_alb_target_group_arn`" in readme
