"""Property tests of the traffic file: whatever the values, it reads back what was written.

A value it refuses is named by its place in the file (``InFile``), with the catalogue's text
(``core.messages.traffic``).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import Deployment, Function, InvalidInput, Problem, Stack
from generator.core.errors import InFile
from generator.core.messages import traffic as msg
from generator.model.traffic import Traffic, format_weight, parse_entry, parse_weight, tfvars
from generator.model.traffic_file import read_traffic, render_traffic

NAMES = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), min_size=1, max_size=5, unique=True)
VERSIONS = st.integers(1, 10**6).map(str)
# Weights on the 0.0001 grid, the only ones the traffic file holds.
WEIGHTS = st.integers(0, 10_000).map(lambda steps: steps / 10_000)


@st.composite
def traffic_entries(draw) -> Traffic:
    weight = draw(WEIGHTS)
    if weight == 0:
        return Traffic(draw(st.none() | VERSIONS), None, 0)
    blue = draw(VERSIONS)
    return Traffic(blue, draw(VERSIONS.filter(lambda v: v != blue)), weight)


TRAFFIC = traffic_entries()


def stack_of(names: list[str]) -> Stack:
    function = Function(source="src", handler="app.handler", runtime="python3.12")
    return Stack(name="shop", region="us-east-1", deployments=[Deployment(name=n, function=function) for n in names])


@given(names=NAMES, data=st.data())
def test_the_traffic_file_reads_back_exactly_what_was_written(tmp_path_factory, names, data):
    stack = stack_of(names)
    traffic = {name: data.draw(TRAFFIC) for name in names}
    path = tmp_path_factory.mktemp("traffic") / "shop.traffic.json"
    path.write_text(render_traffic(stack, traffic))
    assert read_traffic(path, stack) == traffic
    assert json.loads(tfvars(stack, traffic)) == {
        **{f"{n}_blue_version": t.blue_version for n, t in traffic.items()},
        **{f"{n}_green_version": t.green_version for n, t in traffic.items()},
        **{f"{n}_green_weight": t.green_weight for n, t in traffic.items()}}


@given(names=NAMES, data=st.data())
def test_changing_one_weight_changes_one_line(names, data):
    stack = stack_of(names)
    traffic = {name: data.draw(TRAFFIC) for name in names}
    target = data.draw(st.sampled_from(names))
    entry = data.draw(TRAFFIC.filter(lambda t: t.green_weight > 0))
    traffic[target] = entry
    weight = data.draw(WEIGHTS.filter(lambda w: w not in (0, entry.green_weight)))
    before = render_traffic(stack, traffic).splitlines()
    after = render_traffic(stack, {**traffic, target: Traffic(entry.blue_version, entry.green_version, weight)}).splitlines()
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after, strict=False)) == 1


@given(weight=WEIGHTS)
def test_a_written_weight_parses_back_to_the_same_number(weight):
    assert parse_weight(format_weight(weight)) == weight


@given(weight=st.floats(0, 1, allow_nan=False))
def test_a_weight_off_the_grid_is_refused_never_rounded(weight):
    text = format_weight(weight)
    try:
        parsed = parse_weight(text)
    except ValueError as error:
        assert str(error) == msg.weight_must_be_on_the_grid(text)
        assert str(error).startswith("must be a multiple of 0.0001 (0.01%), such as 0.0125 or 1.25%, got: ")
    else:
        assert parsed == weight and on_the_grid(weight)


@given(percent=st.integers(0, 100))
def test_whole_percentages_parse_to_the_same_value_as_fractions(percent):
    assert parse_weight(f"{percent}%") == parse_weight(str(percent / 100))


def on_the_grid(weight: float) -> bool:
    # As the file holds it (its shortest repr), the weight is a whole number of 0.0001 steps.
    return Decimal(repr(weight)) % Decimal("0.0001") == 0


@given(weight=st.floats(0, 1, allow_nan=False).filter(lambda w: not on_the_grid(w)))
def test_an_entry_weight_off_the_grid_is_refused_showing_it_as_the_file_holds_it(weight):
    entry = {"blue_version": "1", "green_version": "2", "green_weight": weight}
    with pytest.raises(ValueError) as raised:
        parse_entry(entry)
    assert str(raised.value) == msg.green_weight_must_be_on_the_grid(weight)
    assert str(raised.value) == f"green_weight must be a multiple of 0.0001 (0.01%), got: {weight!r}"


def test_problems_of_the_traffic_file_name_the_file_and_the_deployment(tmp_path):
    path = tmp_path / "shop.traffic.json"
    path.write_text('{"orders": {"green_weight": 2}, "billing": {}}')
    with pytest.raises(InvalidInput) as raised:
        read_traffic(path, stack_of(["orders", "worker"]))
    assert raised.value.problems == [
        Problem(InFile(str(path), "orders"), msg.green_weight_must_be_from_0_to_1(2)),
        Problem(InFile(str(path), "billing"), msg.must_be_a_deployment_of_the_stack("shop", ["orders", "worker"]))]
    assert raised.value.render() == (
        "2 problems found:\n"
        f"  {path}: orders: {msg.green_weight_must_be_from_0_to_1(2)}\n"
        f"  {path}: billing: {msg.must_be_a_deployment_of_the_stack('shop', ['orders', 'worker'])}")
    assert str(raised.value.problems[1]) == f"{path}: billing: is not a deployment of stack 'shop' (known: orders, worker)"
