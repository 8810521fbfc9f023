"""Unit tests of a Function's options (``generator.model.rules_function_options``) and their model.

``architecture``, ``layers``, ``reserved_concurrency``, ``ephemeral_storage_mb``, ``tracing`` and
``tags``: each bad value gives exactly one problem, built from the catalogue
(``core.messages.model``) at its field path; a few are also written out literally, so a drift
in wording fails here. What synthesis writes for them is the ``options`` golden in
``test_synthesis``; that the defaults write nothing is the unchanged ``hello`` and ``shop`` goldens.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import Deployment, Function, InvalidInput, Problem, Stack
from generator.core.errors import Field
from generator.core.messages import function as function_msg
from generator.core.messages import model as msg
from generator.features.validation import validate_stacks
from generator.model import naming

AT = "shop.orders.function"
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:deps:3"


def function(**changes) -> Function:
    fields = dict(source="src", handler="app.handler", runtime="python3.12")
    fields.update(changes)
    return Function(**fields)


def stacks(**function_changes) -> list[Stack]:
    return [Stack(name="shop", region="us-east-1",
                  deployments=[Deployment(name="orders", function=function(**function_changes))])]


def problems(base_dir: Path, **function_changes) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        validate_stacks(stacks(**function_changes), base_dir)
    return caught.value.problems


def only(base_dir: Path, **function_changes) -> Problem:
    found = problems(base_dir, **function_changes)
    assert len(found) == 1, found
    return found[0]


# --- good values -------------------------------------------------------------------------------

def test_the_defaults_are_lambdas_own_and_valid(base_dir):
    default = function()
    assert (default.architecture, default.layers, default.reserved_concurrency, default.ephemeral_storage_mb,
            default.tracing, default.tags) == ("x86_64", (), None, 512, False, {})
    assert validate_stacks(stacks(), base_dir) is None


@pytest.mark.parametrize("changes", [
    dict(architecture="arm64"),
    dict(architecture="x86_64"),
    dict(layers=[LAYER]),
    dict(layers=[f"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1" for i in range(5)]),
    dict(layers=("arn:aws-cn:lambda:cn-north-1:123456789012:layer:my_layer-2:10",)),
    dict(reserved_concurrency=0),
    dict(reserved_concurrency=1000),
    dict(reserved_concurrency=5000),  # after a quota increase
    dict(ephemeral_storage_mb=512),
    dict(ephemeral_storage_mb=10240),
    dict(tracing=True),
    dict(tags={"team": "shop", "empty": ""}),
    dict(tags={f"k{i}": "v" for i in range(50)}),
    dict(tags={"k" * 128: "v" * 256, "Owner:name": "a b"}),
], ids=lambda changes: ",".join(changes))
def test_good_values_pass(base_dir, changes):
    assert validate_stacks(stacks(**changes), base_dir) is None


def test_every_option_together_passes(base_dir):
    assert validate_stacks(stacks(architecture="arm64", layers=[LAYER], reserved_concurrency=10,
                                  ephemeral_storage_mb=4096, tracing=True, tags={"team": "shop"}), base_dir) is None


# --- bad values: the exact problem -------------------------------------------------------------

@pytest.mark.parametrize("value", ["arm", "ARM64", "x86-64", None, 64])
def test_architecture_must_be_x86_64_or_arm64(base_dir, value):
    assert only(base_dir, architecture=value) == Problem(
        Field(f"{AT}.architecture"), function_msg.must_be_an_architecture(("x86_64", "arm64"), value))


def test_architecture_message_reads_literally(base_dir):
    assert str(only(base_dir, architecture="arm")) == \
        f"{AT}.architecture: must be one of 'x86_64', 'arm64', got: 'arm'"


@pytest.mark.parametrize("value", [LAYER, None, {LAYER: 1}])
def test_layers_must_be_a_list(base_dir, value):
    assert only(base_dir, layers=value) == Problem(Field(f"{AT}.layers"), function_msg.must_be_a_list_of_layer_arns(value))


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:us-east-1:123456789012:layer:deps",            # no version
    "arn:aws:lambda:us-east-1:123456789012:function:deps:3",       # a function, not a layer
    "arn:aws:lambda:us-east-1:12345:layer:deps:3",                 # account of 5 digits
    "arn:aws:lambda:us-east-1:123456789012:layer:deps:$LATEST",
    "arn:aws:lambda:us-east-1:123456789012:layer:" + "x" * 100 + ":1",  # past 140 characters
    "deps",
    3,
])
def test_each_layer_must_be_a_layer_version_arn(base_dir, arn):
    assert only(base_dir, layers=[LAYER, arn]) == Problem(Field(f"{AT}.layers[1]"), function_msg.must_be_a_layer_version_arn(arn))


def test_layer_message_reads_literally(base_dir):
    assert str(only(base_dir, layers=["deps"])) == (
        f"{AT}.layers[0]: must be a Lambda layer version ARN, "
        "arn:<partition>:lambda:<region>:<account>:layer:<name>:<version> (at most 140 characters), got: 'deps'")


def test_at_most_five_layers(base_dir):
    six = [f"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1" for i in range(6)]
    assert only(base_dir, layers=six) == Problem(Field(f"{AT}.layers"), function_msg.must_hold_at_most_layers(5, 6))
    assert str(only(base_dir, layers=six)) == f"{AT}.layers: must hold at most 5 layers (Lambda's limit per function), got: 6"


def test_a_layer_may_not_be_named_twice(base_dir):
    assert only(base_dir, layers=[LAYER, LAYER]) == Problem(Field(f"{AT}.layers[1]"), function_msg.layer_must_be_unique(LAYER))


def test_two_versions_of_one_layer_are_two_layers(base_dir):
    assert validate_stacks(stacks(layers=[LAYER, LAYER[:-1] + "4"]), base_dir) is None


@pytest.mark.parametrize("value", [-1, 1.5, True, "5"])
def test_reserved_concurrency_must_be_none_or_a_whole_number_from_0(base_dir, value):
    assert only(base_dir, reserved_concurrency=value) == Problem(
        Field(f"{AT}.reserved_concurrency"), function_msg.must_be_a_reserved_concurrency(value))


def test_reserved_concurrency_message_reads_literally(base_dir):
    assert str(only(base_dir, reserved_concurrency=-1)) == (
        f"{AT}.reserved_concurrency: must be None (unreserved) or a whole number of at least 0 (0 throttles "
        "every call; the most is the account's concurrency quota less 100), got: -1")


@pytest.mark.parametrize("value", [511, 10241, 0])
def test_ephemeral_storage_must_be_512_to_10240(base_dir, value):
    assert only(base_dir, ephemeral_storage_mb=value) == Problem(
        Field(f"{AT}.ephemeral_storage_mb"), msg.must_be_between(512, 10240, value))


@pytest.mark.parametrize("value", [1024.0, "1024", None, False])
def test_ephemeral_storage_must_be_a_whole_number(base_dir, value):
    assert only(base_dir, ephemeral_storage_mb=value) == Problem(
        Field(f"{AT}.ephemeral_storage_mb"), msg.must_be_a_whole_number_between(512, 10240, value))


@pytest.mark.parametrize("value", ["Active", 1, None])
def test_tracing_must_be_a_boolean(base_dir, value):
    assert only(base_dir, tracing=value) == Problem(Field(f"{AT}.tracing"), msg.must_be_a_boolean(value))


@pytest.mark.parametrize("value", [["team"], "team=shop"])
def test_tags_must_be_a_dict(base_dir, value):
    assert only(base_dir, tags=value) == Problem(Field(f"{AT}.tags"), function_msg.must_be_a_dict_of_tags(value))


@pytest.mark.parametrize("key", ["", "k" * 129, 7])
def test_tag_keys_must_be_1_to_128_characters(base_dir, key):
    assert only(base_dir, tags={key: "v"}) == Problem(Field(f"{AT}.tags"), function_msg.tag_key_must_be(128, key))


@pytest.mark.parametrize("key", ["aws:owner", "AWS:owner", "Aws:cost"])
def test_tag_keys_must_not_start_with_aws(base_dir, key):
    assert only(base_dir, tags={key: "v"}) == Problem(Field(f"{AT}.tags"), function_msg.tag_key_must_not_be_reserved("aws:", key))


def test_tag_key_prefix_message_reads_literally(base_dir):
    assert str(only(base_dir, tags={"aws:owner": "me"})) == (
        f"{AT}.tags: keys must not start with 'aws:' (in any case; reserved for AWS), got: 'aws:owner'")


@pytest.mark.parametrize("value", ["v" * 257, None, 3])
def test_tag_values_must_be_0_to_256_characters(base_dir, value):
    assert only(base_dir, tags={"team": value}) == Problem(Field(f"{AT}.tags.team"), function_msg.tag_value_must_be(256, value))


def test_at_most_50_tags(base_dir):
    tags = {f"k{i}": "v" for i in range(51)}
    assert only(base_dir, tags=tags) == Problem(Field(f"{AT}.tags"), function_msg.must_hold_at_most_tags(50, 51))


def test_every_bad_option_is_reported_at_once(base_dir):
    found = problems(base_dir, architecture="arm", layers=["x"], reserved_concurrency=-1,
                     ephemeral_storage_mb=1, tracing="yes", tags={"aws:x": "v"})
    assert [str(p.where) for p in found] == [f"{AT}.{name}" for name in (
        "architecture", "layers[0]", "reserved_concurrency", "ephemeral_storage_mb", "tracing", "tags")]


# --- the model: stored values and hashing ------------------------------------------------------

def test_layers_are_stored_as_a_tuple_in_order_and_tags_sorted():
    f = function(layers=[LAYER, LAYER[:-1] + "1"], tags={"b": "2", "a": "1"})
    assert f.layers == (LAYER, LAYER[:-1] + "1")
    assert list(f.tags) == ["a", "b"]


def test_equal_functions_with_layers_and_tags_hash_equal():
    one = function(layers=[LAYER], tags={"b": "2", "a": "1"}, environment={"X": "1"})
    two = function(layers=(LAYER,), tags={"a": "1", "b": "2"}, environment={"X": "1"})
    assert one == two
    assert hash(one) == hash(two)
    assert len({one, two}) == 1


def test_the_hash_covers_every_option():
    base = function()
    for changes in (dict(architecture="arm64"), dict(layers=[LAYER]), dict(reserved_concurrency=0),
                    dict(ephemeral_storage_mb=1024), dict(tracing=True), dict(tags={"a": "1"})):
        assert hash(function(**changes)) != hash(base), changes


def test_a_function_with_bad_unhashable_values_still_hashes_for_validation():
    # Validation reports these; hashing one (a set of models, a cache key) must not raise first.
    assert isinstance(hash(function(layers=[["x"]], tags={"a": ["b"]})), int)


def test_the_tracing_policy_has_an_address_only_with_tracing():
    def addresses(tracing):
        deployment = Deployment(name="orders", function=function(tracing=tracing))
        return {a.address for a in naming.Addresses(deployment).all()}

    assert "aws_iam_role_policy.orders_tracing" in addresses(True)
    assert "aws_iam_role_policy.orders_tracing" not in addresses(False)


# --- stack tags (the provider's default_tags) -----------------------------------------------------

def test_stack_tags_follow_the_same_rules_named_at_the_stack(base_dir):
    function_ok = stacks()[0].deployments
    with pytest.raises(InvalidInput) as caught:
        validate_stacks([Stack(name="shop", region="us-east-1", deployments=function_ok,
                               tags={"AWS:team": "x", "ok": "v" * 257})], base_dir)
    assert caught.value.problems == [
        Problem(Field("shop.tags"), function_msg.tag_key_must_not_be_reserved("aws:", "AWS:team")),
        Problem(Field("shop.tags.ok"), function_msg.tag_value_must_be(256, "v" * 257))]


def test_stack_tags_are_sorted_and_a_stack_with_them_still_hashes(base_dir):
    stack = Stack(name="shop", region="us-east-1", deployments=stacks()[0].deployments, tags={"b": "2", "a": "1"})
    assert list(stack.tags) == ["a", "b"]
    assert hash(stack) == hash(Stack(name="shop", region="us-east-1", deployments=stacks()[0].deployments,
                                     tags={"a": "1", "b": "2"}))
    assert validate_stacks([stack], base_dir) is None
