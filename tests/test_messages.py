"""Where a problem is and what it says: the four kinds of location, and the catalogue of messages.

Each kind of location renders as its docstring in ``generator.core.errors`` says; problems sort
by the line a user reads, whatever kinds of location they mix. Every message of the catalogue
(``generator.core.messages``) is used by the code, so none is left behind when a rule goes; and
the layers whose problems no other test file of this change builds from the catalogue (the
Terraform state, the applied state, shift) are checked here: location, text and whole line.
"""

from __future__ import annotations

import inspect
import random
import re
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from generator import Deployment, Function, InvalidInput, Problem, Stack
from generator.core import messages
from generator.core.errors import Argument, Field, InFile, Location, OfDeployment
from generator.core.layout import STATE_FILE
from generator.core.messages import releasing as releasing_msg
from generator.core.messages import terraform as terraform_msg
from generator.model import naming
from generator.releasing.applied import applied
from generator.releasing.operations import Target, shift
from generator.terraform.state import AppliedState, read_state

CATALOGUE = ROOT / "generator" / "core" / "messages"

# --- the four kinds of location ------------------------------------------------------------------


@pytest.mark.parametrize("location, rendered", [
    (Field("stacks[0].deployments[1].function.timeout_s"), "stacks[0].deployments[1].function.timeout_s"),
    (Field("shop.orders.function.memory_mb"), "shop.orders.function.memory_mb"),
    (Argument("--out"), "--out"),
    (Argument("WEIGHT"), "WEIGHT"),
    (InFile("shop.traffic.json", "orders"), "shop.traffic.json: orders"),
    (InFile("cdktf.out/stacks/shop/terraform.tfstate"), "cdktf.out/stacks/shop/terraform.tfstate"),
    (OfDeployment("shop", "orders"), "shop/orders"),
], ids=lambda value: type(value).__name__ if isinstance(value, Location) else "")
def test_each_kind_of_location_renders_as_documented(location, rendered):
    assert str(location) == rendered
    assert str(Problem(location, "must be so, got: 1")) == f"{rendered}: must be so, got: 1"


def test_one_problem_renders_as_its_line_and_several_as_a_counted_list():
    first = Problem(Argument("--out"), "must be a folder, got the file: 'x'")
    second = Problem(InFile("shop.traffic.json", "orders"), "green_weight must be a number from 0 to 1, got: 2")
    assert InvalidInput(first).render() == "--out: must be a folder, got the file: 'x'"
    assert InvalidInput([first, second]).render() == (
        "2 problems found:\n"
        "  --out: must be a folder, got the file: 'x'\n"
        "  shop.traffic.json: orders: green_weight must be a number from 0 to 1, got: 2")


# --- sorting -------------------------------------------------------------------------------------

MIXED = [
    Problem(OfDeployment("shop", "orders"), "blue is not pinned"),
    Problem(InFile("shop.traffic.json", "orders"), "must be an object"),
    Problem(Field("shop.region"), "must be an AWS region"),
    Problem(Argument("--out"), "must be a folder"),
    Problem(OfDeployment("shop", "billing"), "no version is known"),
    Problem(Argument("WEIGHT"), "must be from 0 to 1"),
    Problem(Argument("STACK_FILE"), "must be an existing Python file"),
]


def test_problems_of_mixed_kinds_sort_by_the_line_a_user_reads():
    shuffled = MIXED[:]
    random.Random(7).shuffle(shuffled)
    assert [str(p) for p in sorted(shuffled)] == sorted(str(p) for p in MIXED)
    assert max(MIXED) == Problem(OfDeployment("shop", "orders"), "blue is not pinned")  # "/" sorts after "."
    assert min(MIXED) == Problem(Argument("--out"), "must be a folder")


def test_locations_of_mixed_kinds_sort_by_their_text_without_a_type_error():
    locations = [p.where for p in MIXED if isinstance(p.where, Location)]
    assert [str(location) for location in sorted(locations)] == sorted(str(location) for location in locations)
    assert Argument("--out") < Field("shop.region") < OfDeployment("shop", "billing")
    assert Field("b") > InFile("a", "z")
    assert not Field("a: z") < InFile("a", "z") and not InFile("a", "z") < Field("a: z")  # same text: a tie
    assert Problem(Argument("b"), "x") > Problem(Field("a"), "y")


def test_a_location_never_compares_with_something_that_is_not_one():
    with pytest.raises(TypeError):
        sorted([Field("a"), "b"])
    with pytest.raises(TypeError):
        sorted([Problem(Field("a"), "x"), "b"])


# --- the catalogue -------------------------------------------------------------------------------


def catalogue_modules() -> list[ModuleType]:
    return [getattr(messages, name) for name in messages.__all__]


def public_messages(module: ModuleType) -> list[str]:
    """The messages ``module`` defines: its public functions and its upper-case text constants."""
    names = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            names.append(name)
        elif name.isupper() and isinstance(value, str):
            names.append(name)
    return names


def test_every_module_of_the_catalogue_is_in_its_face_and_small():
    files = {path.stem for path in CATALOGUE.glob("*.py")} - {"__init__"}
    assert files == set(messages.__all__)
    for path in CATALOGUE.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name


def test_every_module_has_messages_and_every_constant_is_text():
    # The functions' texts are checked where each is raised (tests/test_*.py build the expected
    # line from them and assert the literal wording); a constant has no such call.
    for module in catalogue_modules():
        assert public_messages(module), module.__name__
        for name in public_messages(module):
            value = getattr(module, name)
            if not callable(value):
                assert isinstance(value, str) and value and value == value.strip(), f"{module.__name__}.{name}"


def test_every_message_of_the_catalogue_is_used_outside_it():
    sources = "\n".join(path.read_text() for path in (ROOT / "generator").rglob("*.py")
                        if not path.is_relative_to(CATALOGUE))
    unused = [f"{module.__name__}.{name}" for module in catalogue_modules() for name in public_messages(module)
              if not re.search(rf"\b{name}\b", sources)]
    assert unused == [], "dead messages: use them or remove them"


def test_a_message_shows_the_value_the_user_wrote():
    assert messages.model.must_be_between(128, 10240, 64) == "must be between 128 and 10240, got: 64"
    assert messages.model.must_be_an_aws_region(["us-east-1"]) == \
        "must be an AWS region such as us-east-1, got: ['us-east-1']"
    assert messages.traffic.version_must_be_null_or_a_number("blue_version", 3) == \
        'blue_version must be null or a version number such as "3", got: 3'
    assert messages.traffic.weight_must_be_from_0_to_1("-5%") == "must be from 0 to 1 (0% to 100%), got: '-5%'"


# --- key messages of the layers the other test files don't build from the catalogue ---------------


def shop() -> Stack:
    function = Function(source="src", handler="app.handler", runtime="python3.12")
    return Stack(name="shop", region="us-east-1", deployments=[Deployment(name="orders", function=function)])


def test_terraform_state_without_outputs_is_a_problem_in_the_state_file(tmp_path):
    state = tmp_path / STATE_FILE
    state.write_text('{"version": 4}')
    with pytest.raises(InvalidInput) as raised:
        read_state(tmp_path)
    assert raised.value.problems == [Problem(InFile(str(state)), terraform_msg.state_must_have_outputs(None))]
    assert raised.value.render() == f"{state}: {terraform_msg.state_must_have_outputs(None)}"
    assert raised.value.render() == f'{state}: must be Terraform state with an "outputs" object, got: none'


def test_a_version_in_state_that_is_not_one_names_the_attribute_it_was_read_from():
    orders = shop().deployments[0]
    at = naming.Addresses(orders)
    state = AppliedState({}, {at.alias: {"function_version": "1"}, at.function: {"version": 4}})
    with pytest.raises(InvalidInput) as raised:
        applied(orders, state)
    where = InFile("Terraform state", f"{at.function}.version")
    assert raised.value.problems == [Problem(where, releasing_msg.must_be_a_version_number(4))]
    assert raised.value.render() == ("Terraform state: aws_lambda_function.orders.version: must be a version "
                                     'number such as "3", got: 4')


def test_shift_with_blue_unpinned_is_a_problem_of_the_deployment(tmp_path: Path):
    stack = shop()
    target = Target(stack, stack.deployments[0], tmp_path / "shop.traffic.json", tmp_path / "out/stacks/shop")
    with pytest.raises(InvalidInput) as raised:
        shift(target, 0.25)
    assert raised.value.problems == [Problem(OfDeployment("shop", "orders"), releasing_msg.BLUE_MUST_BE_PINNED)]
    assert raised.value.render() == f"shop/orders: {releasing_msg.BLUE_MUST_BE_PINNED}"
    assert not target.traffic_file.exists()


def test_a_problem_refuses_a_location_that_is_a_bare_string():
    with pytest.raises(TypeError, match="Problem.where must be a Location"):
        Problem("STACK_FILE", "must be an existing Python file")  # type: ignore[arg-type]
