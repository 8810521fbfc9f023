"""``bluegreen summary``: golden Markdown and text for each kind of change a reviewer meets.

The plan JSON fixtures in ``tests/fixtures/plans`` are real ``terraform show -json`` output,
captured from the end-to-end test (``BLUEGREEN_CAPTURE_PLANS``) and trimmed to the keys the
summary reads. A few are real plans edited by hand into cases the cycle does not reach:
``role-change`` (the function pointed at another role, which bluegreen never does itself),
``rollback-from-1``, ``one-to-half``, ``half-to-one`` and ``w1-new-version`` (weight 1, green
primary), ``prefix`` (deployments ``a`` with alias ``b_x`` and ``a_b``) and ``alias-rename``.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import FIXTURES, GOLDEN
from generator import cli
from generator.plan_summary import render_summary, summarize

PLANS = FIXTURES / "plans"
CASES = sorted(p.stem for p in PLANS.glob("*.json"))
UPDATE = os.environ.get("BLUEGREEN_UPDATE_GOLDENS") == "1"


@pytest.mark.parametrize("form", ["md", "text"])
@pytest.mark.parametrize("case", CASES)
def test_summary_matches_the_golden_file(case, form):
    produced = render_summary(summarize(json.loads((PLANS / f"{case}.json").read_text())), form)
    golden = GOLDEN / "summary" / f"{case}.{form}"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(produced)
    assert produced == golden.read_text()


def test_every_kind_of_change_has_a_fixture():
    assert set(CASES) >= {"first-deploy", "pin-blue", "new-version", "canary-25", "shift-50", "promote",
                          "route-change", "canary-10", "rollback", "role-change", "rollback-from-1",
                          "one-to-half", "half-to-one", "w1-new-version", "prefix", "alias-rename"}


@pytest.mark.parametrize("case, line", [
    ("canary-25", "hello: blue v1 100% -> 75%, green v2 0% -> 25%"),
    ("shift-50", "hello: blue v1 75% -> 50%, green v2 25% -> 50%"),
    ("promote", "hello: blue moves v1 -> v2: old blue v1 50% -> 0%, new blue v2 50% -> 100%"),
    ("rollback", "hello: blue v2 90% -> 100%, green v3 10% -> 0%"),
    ("new-version", "hello: blue v1 100% -> 100% (no change)"),
    # Hand-made from real plans (review findings): a return from weight 1 is not a promote...
    ("rollback-from-1", "hello: blue v2 0% -> 100%, green v3 100% -> 0%"),
    ("one-to-half", "hello: blue v2 0% -> 50%, green v3 100% -> 50%"),
    ("half-to-one", "hello: blue v2 50% -> 0%, green v3 50% -> 100%"),
    # ...a new version at weight 1 goes live at once...
    ("w1-new-version", "hello: a new version is published and, as green, takes 100% of traffic"),
])
def test_the_traffic_line_reads_like_a_reviewer_would_say_it(case, line):
    summary = summarize(json.loads((PLANS / f"{case}.json").read_text()))
    assert [d.line for d in summary.deployments] == [line]


@pytest.mark.parametrize("case, lines", [
    # ...deployment a (alias b_x) is not deployment a_b's alias...
    ("prefix", ["a: blue v1 100% -> 75%, green v2 0% -> 25%", "a_b: blue v4 100% -> 100% (no change)"]),
    # ...and a renamed alias is one destroyed and one created.
    ("alias-rename", ["hello: the alias is destroyed", "hello: blue v1 new -> 100%"]),
])
def test_each_alias_is_credited_to_its_own_deployment(case, lines):
    summary = summarize(json.loads((PLANS / f"{case}.json").read_text()))
    assert [d.line for d in summary.deployments] == lines


@pytest.mark.parametrize("case, expected", [
    ("first-deploy", ["a new version will be published", "the API will be redeployed", "blue is unpinned"]),
    ("new-version", ["a new version will be published"]),
    ("route-change", ["a new version will be published", "the API will be redeployed"]),
    ("role-change", ["a new version will be published", "the execution role changes"]),
    ("w1-new-version", ["a new version will be published", "goes live at once with 100% of traffic"]),
    ("canary-25", []),
])
def test_warnings_name_what_a_reviewer_must_know(case, expected):
    warnings = summarize(json.loads((PLANS / f"{case}.json").read_text())).warnings
    assert sorted(any(e in w for w in warnings) for e in expected) == [True] * len(expected)
    assert len(warnings) == len(expected)


def test_the_markdown_carries_a_pie_of_the_new_split():
    text = render_summary(summarize(json.loads((PLANS / "canary-25.json").read_text())), "md")
    assert '```mermaid\npie title hello after apply\n    "blue v1" : 75.0\n    "green v2" : 25.0\n```' in text


@pytest.mark.parametrize("content, message", [
    (None, "error: PLAN_JSON: must be an existing file, got: "),
    ("{not json", "error: PLAN_JSON: must be the output of terraform show -json PLAN (Expecting property name"),
    ('{"hello": 1}', "error: PLAN_JSON: must be the output of terraform show -json PLAN (no resource_changes"),
    ('{"format_version": "1.0"}', "error: PLAN_JSON: must be the output of terraform show -json PLAN (no resource"),
    ("[1, 2]", "error: PLAN_JSON: must be the output of terraform show -json PLAN (no resource_changes"),
    ('{"resource_changes": [{"address": "x.y", "type": "x", "name": "y"}]}',
     "error: PLAN_JSON: is not a plan bluegreen can read (KeyError: 'change')"),
    ('{"resource_changes": [1]}', "error: PLAN_JSON: is not a plan bluegreen can read (AttributeError"),
    ('{"resource_changes": [{"address": "x.y", "type": "x", "name": "y", "change": {"actions": "update"}}]}',
     "error: PLAN_JSON: is not a plan bluegreen can read (ValueError: the actions of 'x.y' are not a list"),
])
def test_a_bad_plan_file_exits_2_naming_it(tmp_path, capsys, content, message):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    assert cli.main(["summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err
