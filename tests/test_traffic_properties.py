"""Property tests of the traffic file: whatever the values, it reads back what was written."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from generator import Deployment, Function, Stack
from generator.model.traffic import Traffic, format_weight, parse_weight, tfvars
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
        assert "multiple of 0.0001" in str(error)
    else:
        assert parsed == weight and round(weight * 10_000) == weight * 10_000


@given(percent=st.integers(0, 100))
def test_whole_percentages_parse_to_the_same_value_as_fractions(percent):
    assert parse_weight(f"{percent}%") == parse_weight(str(percent / 100))
