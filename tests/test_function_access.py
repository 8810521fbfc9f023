"""Unit tests of what a Function may reach (``generator.model.rules_function_access``) and its model.

``policy_statements``, ``managed_policy_arns``, ``permissions_boundary``, ``vpc``,
``dead_letter_target``, ``kms_key_arn`` and a deployment's ``provisioned_concurrency``: each bad
value gives exactly one problem at its field path, built from the catalogue
(``core.messages.function``); a few are written out literally, so a drift in wording fails here.
What synthesis writes for them is the ``options`` golden in ``test_synthesis`` (validated by
``terraform validate`` in ``test_terraform``); what a plan does with the dead-letter rule and the
provisioned concurrency is ``test_release_rules``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, validation_problems

from generator import Deployment, Function, PolicyStatement, Problem, Vpc
from generator.core.errors import Field
from generator.core.messages import function as msg
from generator.core.messages import releasing as releasing_msg
from generator.model import naming
from generator.releasing.plan_summary import summarize

AT = "shop.orders.function"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
READ_TABLE = PolicyStatement(actions=["dynamodb:GetItem"], resources=[TABLE])
SUBNET, GROUP = "subnet-0123456789abcdef0", "sg-0123456789abcdef0"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders-dead-letters"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def deployment(provisioned_concurrency=None, **function_changes) -> Deployment:
    fields = dict(source="src", handler="app.handler", runtime="python3.12")
    fields.update(function_changes)
    return Deployment(name="orders", function=Function(**fields), provisioned_concurrency=provisioned_concurrency)


def problems(base_dir: Path, provisioned_concurrency=None, **function_changes) -> list[Problem]:
    return validation_problems(deployment(provisioned_concurrency, **function_changes), base_dir)


def only(base_dir: Path, **changes) -> Problem:
    found = problems(base_dir, **changes)
    assert len(found) == 1, found
    return found[0]


# --- good values ---------------------------------------------------------------------------------

def test_the_defaults_grant_nothing_and_are_valid(base_dir):
    function = deployment().function
    assert (function.policy_statements, function.managed_policy_arns, function.permissions_boundary, function.vpc,
            function.dead_letter_target, function.kms_key_arn, function.log_kms_key_arn) == \
        ((), (), None, None, None, None, None)
    assert deployment().provisioned_concurrency is None
    assert problems(base_dir) == []


@pytest.mark.parametrize("changes", [
    dict(policy_statements=[READ_TABLE]),
    dict(policy_statements=[PolicyStatement(actions=["s3:Get*", "s3:List?ucket"], resources=["arn:aws:s3:::b/*"],
                                            effect="Deny", condition={"ForAnyValue:StringLike": {"s3:prefix": ["a/*"]},
                                                                      "Bool": {"aws:SecureTransport": "true"}})]),
    dict(policy_statements=[PolicyStatement(actions=["*"], resources=["*"])]),
    dict(managed_policy_arns=[POLICY, "arn:aws:iam::123456789012:policy/team/orders-extra"]),
    dict(managed_policy_arns=[f"arn:aws:iam::123456789012:policy/p{i}" for i in range(20)]),
    dict(permissions_boundary="arn:aws-us-gov:iam::123456789012:policy/boundary"),
    dict(vpc=Vpc(subnet_ids=[SUBNET, "subnet-12345678"], security_group_ids=[GROUP])),
    dict(vpc=Vpc(subnet_ids=[f"subnet-{i:017x}" for i in range(16)], security_group_ids=[f"sg-{i:08x}" for i in range(5)])),
    dict(dead_letter_target=QUEUE),
    dict(dead_letter_target="arn:aws:sns:us-east-1:123456789012:orders-failures"),
    dict(kms_key_arn=KEY),
    dict(log_kms_key_arn=KEY),
    dict(provisioned_concurrency=1),
    dict(provisioned_concurrency=500, reserved_concurrency=502),
], ids=lambda changes: ",".join(changes))
def test_good_values_pass(base_dir, changes):
    assert problems(base_dir, **changes) == []


# --- bad values: the exact problem ---------------------------------------------------------------

@pytest.mark.parametrize("statement, field, message", [
    (PolicyStatement(actions=["dynamodb:GetItem"], resources=[TABLE], effect="allow"),
     "effect", msg.must_be_an_effect(("Allow", "Deny"), "allow")),
    (PolicyStatement(actions=[], resources=[TABLE]), "actions", msg.must_hold_at_least_one("action", ())),
    (PolicyStatement(actions=["GetItem"], resources=[TABLE]), "actions[0]", msg.must_be_an_iam_action("GetItem")),
    (PolicyStatement(actions=["dynamodb:GetItem"], resources=["orders"]),
     "resources[0]", msg.must_be_an_iam_resource("orders")),
    (PolicyStatement(actions=["dynamodb:GetItem"], resources=[TABLE], condition={"StringEquals": "x"}),
     "condition", msg.must_be_an_iam_condition({"StringEquals": "x"})),
    (PolicyStatement(actions=["dynamodb:GetItem"], resources=[TABLE], condition={"String Equals": {"k": "v"}}),
     "condition", msg.must_be_an_iam_condition({"String Equals": {"k": "v"}})),
    (PolicyStatement(actions=["dynamodb:GetItem"], resources=[TABLE], condition={"StringEquals": {"k": 1}}),
     "condition", msg.must_be_an_iam_condition({"StringEquals": {"k": 1}})),
])
def test_each_bad_statement_part_is_named(base_dir, statement, field, message):
    assert only(base_dir, policy_statements=[READ_TABLE, statement]) == \
        Problem(Field(f"{AT}.policy_statements[1].{field}"), message)


def test_a_statement_must_be_a_policy_statement(base_dir):
    raw = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert only(base_dir, policy_statements=[raw]) == \
        Problem(Field(f"{AT}.policy_statements[0]"), msg.must_be_a_policy_statement(raw))
    assert str(only(base_dir, policy_statements=[raw])) == (
        "shop.orders.function.policy_statements[0]: must be a PolicyStatement(actions=[...], resources=[...]), "
        "got: {'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}")


def test_statements_must_fit_the_roles_inline_policy_size(base_dir):
    many = [PolicyStatement(actions=["dynamodb:GetItem"], resources=[f"{TABLE}{i:04d}"]) for i in range(120)]
    found = only(base_dir, policy_statements=many)
    assert found.where == Field(f"{AT}.policy_statements")
    assert found.message.startswith("must fit in the execution role's inline policies: at most 8960 characters")


@pytest.mark.parametrize("changes, field, message", [
    (dict(managed_policy_arns=["AmazonS3ReadOnlyAccess"]), "managed_policy_arns[0]",
     msg.must_be_a_managed_policy_arn("AmazonS3ReadOnlyAccess")),
    (dict(managed_policy_arns=[POLICY, POLICY]), "managed_policy_arns[1]", msg.managed_policy_must_be_unique(POLICY)),
    (dict(managed_policy_arns=[f"arn:aws:iam::123456789012:policy/p{i}" for i in range(21)],
          vpc=Vpc([SUBNET], [GROUP])), "managed_policy_arns", msg.must_hold_at_most_managed_policies(20, 10, 21)),
    (dict(permissions_boundary="boundary"), "permissions_boundary", msg.must_be_a_managed_policy_arn("boundary")),
    (dict(vpc=[SUBNET]), "vpc", msg.must_be_a_vpc_or_none([SUBNET])),
    (dict(vpc=Vpc([], [GROUP])), "vpc.subnet_ids", msg.must_be_ids_between("subnet", 16, ())),
    (dict(vpc=Vpc([SUBNET, SUBNET], [GROUP])), "vpc.subnet_ids", msg.must_be_ids_between("subnet", 16, (SUBNET, SUBNET))),
    (dict(vpc=Vpc([SUBNET], [f"sg-{i:08x}" for i in range(6)])), "vpc.security_group_ids",
     msg.must_be_ids_between("security group", 5, tuple(f"sg-{i:08x}" for i in range(6)))),
    (dict(vpc=Vpc(["subnet-xyz"], [GROUP])), "vpc.subnet_ids[0]",
     msg.must_be_an_id("a subnet", "subnet-0123456789abcdef0", "subnet-xyz")),
    (dict(dead_letter_target="arn:aws:lambda:us-east-1:123456789012:function:f"), "dead_letter_target",
     msg.must_be_a_dead_letter_target("arn:aws:lambda:us-east-1:123456789012:function:f")),
    (dict(kms_key_arn="alias/orders"), "kms_key_arn", msg.must_be_a_kms_key_arn("alias/orders")),
    (dict(log_kms_key_arn="key/1"), "log_kms_key_arn", msg.must_be_a_kms_key_arn("key/1")),
], ids=["arn", "duplicate", "too-many-with-vpc", "boundary", "vpc-type", "no-subnet", "same-subnet", "groups",
        "subnet-id", "dead-letter", "kms", "log-kms"])
def test_each_bad_value_is_named(base_dir, changes, field, message):
    assert only(base_dir, **changes) == Problem(Field(f"{AT}.{field}"), message)


def test_a_vpc_function_may_attach_the_vpc_policy_itself_as_it_is_not_attached_for_it(base_dir):
    vpc_policy = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    assert problems(base_dir, managed_policy_arns=[vpc_policy], vpc=Vpc([SUBNET], [GROUP])) == []


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "4"])
def test_provisioned_concurrency_must_be_a_whole_number_from_1(base_dir, value):
    assert only(base_dir, provisioned_concurrency=value) == \
        Problem(Field("shop.orders.provisioned_concurrency"), msg.must_be_a_provisioned_concurrency(value))


@pytest.mark.parametrize("reserved", [5, 4, 3])
def test_provisioned_concurrency_must_leave_room_in_the_reservation(base_dir, reserved):
    # Split 0.5/0.5 and rounded up, 3 becomes 2 + 2: one more than itself. At reserved 5, N = 4
    # could hold all 5 environments, leaving none on demand for green's share beyond its own.
    assert only(base_dir, provisioned_concurrency=4, reserved_concurrency=reserved) == Problem(
        Field("shop.orders.provisioned_concurrency"), msg.provisioned_must_stay_below_reserved(reserved, 4))
    assert "at least two below the function's reserved_concurrency" in msg.provisioned_must_stay_below_reserved(
        reserved, 4)


def test_provisioned_concurrency_two_below_the_reservation_is_accepted(base_dir):
    assert validation_problems(deployment(provisioned_concurrency=4, reserved_concurrency=6), base_dir) == []


# --- the model and its addresses -----------------------------------------------------------------

def test_lists_become_tuples_so_the_model_stays_frozen_and_hashes():
    statement = PolicyStatement(actions=["a:b"], resources=["*"], condition={"Bool": {"k": "true"}})
    assert statement.actions == ("a:b",) and hash(statement) == hash(copy.deepcopy(statement))
    function = deployment(policy_statements=[statement], managed_policy_arns=[POLICY], vpc=Vpc([SUBNET], [GROUP])).function
    assert function.policy_statements == (statement,) and function.managed_policy_arns == (POLICY,)
    assert function.vpc.subnet_ids == (SUBNET,)
    assert hash(function) != hash(deployment().function)


def test_each_grant_has_an_address_only_when_its_option_is_set():
    def addresses(**changes):
        return {a.address for a in naming.Addresses(deployment(**changes)).all()}

    optional = {"aws_iam_role_policy.orders_statements": dict(policy_statements=[READ_TABLE]),
                "aws_iam_role_policy_attachment.orders_managed": dict(managed_policy_arns=[POLICY]),
                "aws_iam_role_policy.orders_vpc_access": dict(vpc=Vpc([SUBNET], [GROUP])),
                "aws_iam_role_policy.orders_dead_letters": dict(dead_letter_target=QUEUE),
                "aws_iam_role_policy.orders_environment_key": dict(kms_key_arn=KEY),
                "aws_lambda_provisioned_concurrency_config.orders": dict(provisioned_concurrency=2)}
    for address, changes in optional.items():
        assert address in addresses(**changes) and address not in addresses(), address
    assert {f"data.aws_lambda_function.orders_{which}" for which in ("newest", "blue", "green")} <= addresses()


# --- the plan summary keeps warning ---------------------------------------------------------------

def test_the_summary_warns_that_a_new_dead_letter_target_cannot_be_canaried():
    plan = json.loads((FIXTURES / "plans" / "w1-new-version.json").read_text())
    function = next(c for c in plan["resource_changes"] if c["type"] == "aws_lambda_function")
    assert function["change"]["actions"] == ["update"]
    before = [w for w in summarize(plan).warnings if releasing_msg.DEAD_LETTER_CHANGE_PREVENTS_A_CANARY in w]
    function["change"]["after"]["dead_letter_config"] = [{"target_arn": QUEUE}]
    after = [w for w in summarize(plan).warnings if releasing_msg.DEAD_LETTER_CHANGE_PREVENTS_A_CANARY in w]
    assert (before, len(after)) == ([], 1)
    assert after[0].startswith(function["address"])
