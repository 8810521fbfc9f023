"""``bluegreen summary``: golden Markdown and text for each kind of change a reviewer meets.

The plan JSON fixtures in ``tests/fixtures/plans`` are real ``terraform show -json`` output,
captured from the end-to-end test and ``test_summary_terraform`` (``BLUEGREEN_CAPTURE_PLANS``)
and trimmed to the keys the summary reads. One is a real plan edited by hand into a case the cycle does not reach:
``role-change`` (``w1-new-version`` with the function pointed at another role, which bluegreen
never does itself).
Regenerate the goldens with ``BLUEGREEN_UPDATE_GOLDENS=1`` and review the diff.

The last tests treat a plan as hostile input, built in the test: addresses that would break the
Markdown table or inject HTML, thousands of changes that would overflow a GitHub comment, and
JSON nested too deeply for the parser.
"""

from __future__ import annotations

import dataclasses
import json
import os

import pytest
from conftest import FIXTURES, GOLDEN

from generator import InvalidInput, Problem, Rollout, Step
from generator.cli import program as cli
from generator.core.errors import Argument
from generator.core.messages import releasing as msg
from generator.features.function_url import messages as url_msg
from generator.features.http_api import messages as http_msg
from generator.features.rest_api import messages as rest_msg
from generator.features.rollout import machine as rollout_machine
from generator.releasing.plan_summary import MARKDOWN_LIMIT, render_summary, summarize, summarize_file

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
    assert set(CASES) == {"first-deploy", "unpinned-new-version", "pin-blue", "canary-25", "shift-50", "promote",
                          "route-change", "canary-10", "to-one", "w1-new-version", "one-to-half", "rollback",
                          "route-removal", "alias-rename", "role-change", "config-change", "code-change",
                          "code-and-config-change", "rollout-added", "rollout-changed", "module-new-version",
                          "module-canary-25"}


@pytest.mark.parametrize("case, line", [
    ("first-deploy", "hello: first deploy: the first version published takes 100% of traffic"),
    # New code with blue unpinned, and new code at weight 1: a new version gets no traffic.
    ("unpinned-new-version", "hello: blue v1 100% -> 100% (no change)"),
    ("w1-new-version", "hello: blue v2 0% -> 0%, green v3 100% -> 100% (no change)"),
    ("canary-25", "hello: blue v1 100% -> 75%, green v2 0% -> 25%"),
    ("shift-50", "hello: blue v1 75% -> 50%, green v2 25% -> 50%"),
    ("promote", "hello: promote: blue moves v1 -> v2: old blue v1 50% -> 0%, new blue v2 50% -> 100%"),
    ("to-one", "hello: blue v2 90% -> 0%, green v3 10% -> 100%"),
    # A return from weight 1 is not a move of blue.
    ("one-to-half", "hello: blue v2 0% -> 50%, green v3 100% -> 50%"),
    ("rollback", "hello: rollback: blue v2 50% -> 100%, green v3 50% -> 0%"),
    ("alias-rename", "hello: blue v2 100% -> 100% (alias live replaced by prod)"),
])
def test_the_traffic_line_reads_like_a_reviewer_would_say_it(case, line):
    summary = summarize(json.loads((PLANS / f"{case}.json").read_text()))
    assert [d.line for d in summary.deployments] == [line]


def test_each_alias_is_credited_to_its_own_deployment_only():
    # Deployment a_b's alias is aws_lambda_alias.a_b, never deployment a's (alias b_x).
    plan = json.loads((PLANS / "canary-25.json").read_text())
    change = next(c for c in plan["resource_changes"] if c["address"] == "aws_lambda_alias.hello")
    renamed = json.loads(json.dumps(change).replace("hello", "a_b"))
    plan["resource_changes"].append(renamed)
    plan["variables"]["a_green_weight"] = {"value": 0}
    assert [d.name for d in summarize(plan).deployments] == ["hello"]


@pytest.mark.parametrize("case, expected", [
    ("first-deploy", ["a new version will be published", "blue is unpinned"]),
    ("unpinned-new-version", ["a new version will be published; it gets no traffic", "blue is unpinned"]),
    ("route-change", ["a new version will be published; it gets no traffic", "the API will be redeployed"]),
    ("role-change", ["a new version will be published", "the execution role changes"]),
    ("w1-new-version", ["a new version will be published; it gets no traffic"]),
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


# --- a plan is input: what it says is escaped, counted and cut to fit -----------------------------

EVIL = 'aws_s3_object.x["a|b`c<script>alert(1)</script>&amp;\n| fake | row |"]'


def change(address, actions, kind="aws_s3_object", name="x") -> dict:
    return {"address": address, "type": kind, "name": name, "mode": "managed",
            "change": {"actions": actions, "before": None, "after": {}}}


def cells(row: str) -> list[str]:
    """A GFM table row split as GitHub splits it: on each "|" that no backslash escapes."""
    assert row.startswith("|") and row.endswith("|"), row
    found, cell, index = [], "", 1
    while index < len(row) - 1:
        if row[index] == "\\":
            cell, index = cell + row[index:index + 2], index + 2
        elif row[index] == "|":
            found, cell, index = found + [cell], "", index + 1
        else:
            cell, index = cell + row[index], index + 1
    return found + [cell]


def test_an_address_cannot_break_the_markdown_table_or_inject_html():
    plan = {"resource_changes": [change(EVIL, ["delete"]), change("aws_s3_object.y", ["create"]),
                                 change("aws_lambda_function.f`<b>|", ["update"], "aws_lambda_function", "f"),
                                 change("aws_s3_object.z", ["delete", "weird|<i>"])]}
    text = render_summary(summarize(plan), "md")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 4  # header, delimiter and one row per change: the newline did not end a row
    assert all(len(cells(row)) == 2 for row in rows), rows
    assert "<script" not in text and "<b>" not in text and "<i>" not in text and "&amp;\n" not in text
    assert cells(rows[2]) == [
        r' <code>aws_s3_object.x\["a\|b\`c&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;\\u000a\| fake \| row \|"\]</code> ',
        " destroy "]
    assert cells(rows[5])[1] == r" delete/weird\|&lt;i&gt; "
    # The warning names the function in <code>, escaped the same way.
    assert r"- :warning: <code>aws_lambda_function.f\`&lt;b&gt;\|</code>: a new version will be published" in text


def test_the_text_form_shows_characters_that_do_not_print():
    text = render_summary(summarize({"resource_changes": [change("aws_s3_object.x[\"\x1b[2J\u202e\"]", ["create"])]}),
                          "text")
    assert '  create: aws_s3_object.x["\\u001b[2J\\u202e"]\n' in text and "\x1b" not in text


def test_version_labels_and_names_cannot_break_out_of_the_mermaid_block():
    alias = {"address": "aws_lambda_alias.hello", "type": "aws_lambda_alias", "name": "hello",
             "mode": "managed", "change": {"actions": ["update"], "before": None, "after": {
                 "name": "live", "function_version": '1"\n```\n<script>',
                 "routing_config": [{"additional_version_weights": {"2`; click": 0.25}}]}}}
    plan = {"resource_changes": [alias], "variables": {"hello_green_weight": {"value": 0.25},
                                                       "hello_blue_version": {"value": "1"},
                                                       "hello_green_version": {"value": "2`; click"}}}
    text = render_summary(summarize(plan), "md")
    block = text.split("```mermaid\n")[1].split("```")[0]
    assert block.splitlines() == ["pie title hello after apply", '    "green v1???????script?" : 75.0',
                                  '    "green v2???click" : 25.0']
    assert "<script" not in text


@pytest.mark.parametrize("actions, heading", [
    ([["create"]] * 15, "15 to add"),
    ([["create"], ["update"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"]],
     "1 to add, 2 to change, 1 to destroy, 2 to replace"),
    ([["no-op"], ["forget"]], "1 to forget"),
    ([["no-op"]], "no changes"),
])
def test_resources_are_counted_by_action_as_terraform_does(actions, heading):
    summary = summarize({"resource_changes": [change(f"aws_s3_object.o{i}", a) for i, a in enumerate(actions)]})
    assert f"Resources ({heading}):\n" in render_summary(summary, "text")
    assert f"<details><summary>Resources: {heading}</summary>" in render_summary(summary, "md")


def test_a_plan_of_5000_changes_fits_in_one_github_comment_and_says_how_many_were_left_out():
    plan = {"resource_changes": [change(f"aws_s3_object.file_{i:05d}", ["create"]) for i in range(5000)]}
    text = render_summary(summarize(plan), "md")
    assert len(text) < MARKDOWN_LIMIT == 65_536
    shown = [line for line in text.splitlines() if line.startswith("| <code>")]
    assert f"\n… and {5000 - len(shown)} more resource changes not shown\n" in text
    assert 100 < len(shown) < 5000 and "<details><summary>Resources: 5000 to add</summary>" in text


def test_warnings_are_cut_too_when_the_resource_list_alone_is_not_enough():
    # Each new function version is also a warning: 5,000 of them would fill a comment on their own.
    plan = {"resource_changes": [change(f"aws_lambda_function.fn_{i:05d}", ["create"], "aws_lambda_function", f"fn_{i}")
                                 for i in range(5000)]}
    text = render_summary(summarize(plan), "md")
    assert len(text) < MARKDOWN_LIMIT == 65_536
    warnings = [line for line in text.splitlines() if line.startswith("- :warning:")]
    assert f"- … and {5000 - len(warnings)} more warnings not shown\n" in text
    assert "\n… and 5000 more resource changes not shown\n" in text


def test_a_small_plan_is_never_cut():
    text = render_summary(summarize(json.loads((PLANS / "first-deploy.json").read_text())), "md")
    assert "not shown" not in text


@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000],
                         ids=["arrays", "objects"])
def test_a_plan_nested_too_deeply_exits_2_naming_the_problem(tmp_path, capsys, content):
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(InvalidInput) as raised:
        summarize_file(path)
    assert raised.value.problems == [Problem(Argument("PLAN_JSON"), msg.plan_must_not_nest_too_deeply(str(path)))]
    assert cli.main(["summary", str(path)]) == 2
    assert capsys.readouterr().err == f"error: PLAN_JSON: {msg.plan_must_not_nest_too_deeply(str(path))}\n"
    assert msg.plan_must_not_nest_too_deeply(str(path)) == (
        "must be the output of terraform show -json PLAN (its arrays and objects are nested too deeply to read), "
        f"got: {str(path)!r}")


def test_a_plan_of_an_unexpected_shape_names_the_plan_json_argument_and_what_broke(tmp_path, capsys):
    path = tmp_path / "plan.json"
    path.write_text('{"resource_changes": [{"address": "x.y", "type": "x", "name": "y", "change": {"actions": 1}}]}')
    broke = ValueError(msg.plan_actions_must_be_words("x.y", 1))
    expected = Problem(Argument("PLAN_JSON"), msg.plan_must_be_readable(broke, str(path)))
    with pytest.raises(InvalidInput) as raised:
        summarize_file(path)
    assert raised.value.problems == [expected]
    assert cli.main(["summary", str(path)]) == 2
    assert capsys.readouterr().err == f"error: {expected}\n"
    assert str(expected) == ("PLAN_JSON: is not a plan bluegreen can read (ValueError: the actions of 'x.y' are "
                             f"not a list of words: 1), got: {str(path)!r}")


# --- what a reviewer needs besides the split: the version, what changed, the rollout, a module ----

def summary_of(case: str):
    return summarize(json.loads((PLANS / f"{case}.json").read_text()))


def extra_lines(case: str) -> list[str]:
    return [line for d in summary_of(case).deployments for line in d.lines[1:]]


@pytest.mark.parametrize("case, line", [
    # The state's version is 3 and the provider marks it unknown: it publishes, as 4.
    ("w1-new-version", "hello: publishes v4, new: code changes (source hash "
                       "tsgpszD4F50+0sAN29BrOQPWkIBZAyCugJGMyLEsCZE= -> rGfFn4pHEZ0ugRm2Ot97M1r9YUs5cG8oYs+rDdLaMJ8=)"),
    ("config-change", "hello: publishes v2, new: configuration changes (environment keys: API_TOKEN added, "
                      "LOG_LEVEL changed)"),
    ("role-change", "hello: publishes v4, new: code changes (source hash tsgpszD4F50+0sAN29BrOQPWkIBZAyCugJGMyLEsCZE= "
                    "-> rGfFn4pHEZ0ugRm2Ot97M1r9YUs5cG8oYs+rDdLaMJ8=), configuration changes (role)"),
    # A new function's first number is not derived from anything in the plan.
    ("first-deploy", "hello: publishes its first version, number (known after apply)"),
])
def test_a_plan_that_publishes_says_the_version_number_and_what_changed(case, line):
    assert extra_lines(case) == [line]


def test_code_and_configuration_changed_together_are_both_named():
    (line,) = extra_lines("code-and-config-change")
    assert line.startswith("hello: publishes v4, new: code changes (source hash ")
    assert line.endswith("), configuration changes (environment keys: API_TOKEN changed)")


def test_a_plan_that_publishes_nothing_says_nothing_of_versions():
    assert extra_lines("canary-25") == [] and extra_lines("promote") == []


def test_a_number_that_cannot_be_derived_is_said_to_be_known_after_apply():
    plan = json.loads((PLANS / "w1-new-version.json").read_text())
    function = next(c for c in plan["resource_changes"] if c["type"] == "aws_lambda_function")
    del function["change"]["before"]["version"]
    assert [line for d in summarize(plan).deployments for line in d.lines[1:]] == [
        "hello: publishes a new version, number (known after apply): code changes (source hash "
        "tsgpszD4F50+0sAN29BrOQPWkIBZAyCugJGMyLEsCZE= -> rGfFn4pHEZ0ugRm2Ot97M1r9YUs5cG8oYs+rDdLaMJ8=)"]


SECRET = "hunter2-never-in-a-summary"


@pytest.mark.parametrize("case", ["config-change", "code-and-config-change"])
def test_environment_values_never_appear_in_the_summary(case):
    # The real plan holds the values (Terraform writes them); the summary only the keys.
    assert SECRET in (PLANS / f"{case}.json").read_text()
    for form in ("md", "text"):
        text = render_summary(summary_of(case), form)
        assert SECRET not in text and "DEBUG" not in text and "API\\_TOKEN" not in text
        assert "API_TOKEN" in text


@pytest.mark.parametrize("case, line", [
    ("promote", "hello: promote: blue moves v1 -> v2: old blue v1 50% -> 0%, new blue v2 50% -> 100%"),
    ("rollback", "hello: rollback: blue v2 50% -> 100%, green v3 50% -> 0%"),
])
def test_a_promote_and_a_rollback_are_labelled_as_such(case, line):
    assert [d.line for d in summary_of(case).deployments] == [line]
    assert all(f": {word}:" not in d.line for c in ("canary-25", "shift-50", "to-one", "one-to-half")
               for d in summary_of(c).deployments for word in ("promote", "rollback"))


@pytest.mark.parametrize("case, lines", [
    # No argument of the module is in the plan and the alias is unweighted: which version is blue
    # is not claimed.
    ("module-new-version", ["module.hello: hello: v1 100% -> 100% (no change)",
                            "module.hello: hello: publishes v2, new: code changes (source hash "
                            "4+tiM+8t2SdaHpPeytyVvbtAJG60tTXWfd9c7XZcIWE= -> "
                            "av7X4oO1m255dOS1OWfnxRDi8yvYxZZLf+uJlb59Iw4=)"]),
    ("module-canary-25", ["module.hello: hello: blue v1 100% -> 75%, green v2 0% -> 25%"]),
])
def test_a_module_plan_shows_the_alias_inside_the_module(case, lines):
    summary = summary_of(case)
    assert [line for d in summary.deployments for line in d.lines] == lines
    assert "No Lambda alias" not in render_summary(summary, "md")
    assert "no Lambda alias" not in render_summary(summary, "text")


def test_a_module_argument_written_as_a_constant_is_read():
    plan = json.loads((PLANS / "module-new-version.json").read_text())
    call = plan["configuration"]["root_module"]["module_calls"]["hello"]
    call["expressions"] = {"hello_blue_version": {"constant_value": "1"},
                           "hello_green_version": {"constant_value": None},
                           "hello_green_weight": {"constant_value": 0}}
    assert summarize(plan).deployments[0].line == "module.hello: hello: blue v1 100% -> 100% (no change)"


TRAFFIC = ("at least 100 invocations per step (held up to 120 s), error rate over each step and the whole rollout > "
           "0.01, final bake 300 s at 100%")


@pytest.mark.parametrize("case, line", [
    ("rollout-added", "hello: rollout added: steps 10%, 50%, then 100%; 240 s per step, gates read every 60 s; "
                      f"{TRAFFIC}; gates: hello-hello-live-green-error-rate (error rate > 0.01), hello-api-5xx"),
    ("rollout-changed", "hello: rollout changes: steps 5%, 25%, 50%, then 100% (was 10%, 50%, then 100%); 240 s "
                        f"per step, gates read every 60 s; {TRAFFIC.replace('100 invocations', '20 invocations')} "
                        f"(was {TRAFFIC}); gates: hello-hello-live-green-error-rate (error rate > 0.01), "
                        "hello-api-5xx"),
])
def test_a_plan_that_adds_or_changes_a_rollout_shows_its_steps_and_gates(case, line):
    assert extra_lines(case) == [line]
    assert f"  {line}\n" in render_summary(summary_of(case), "text")


def _rollout_changed_to(plan: Rollout) -> list[str]:
    """rollout-changed's plan with the state machine's new definition written for ``plan``."""
    document = json.loads((PLANS / "rollout-changed.json").read_text())
    body = next(c for c in document["resource_changes"] if c["type"] == "aws_sfn_state_machine")["change"]
    body["after"]["definition"] = json.dumps(rollout_machine.definition(
        "hello-hello", "live", "2", ["hello-hello-live-green-error-rate", "hello-api-5xx"], plan))
    return [line for d in summarize(document).deployments for line in d.lines[1:]]


def test_a_rollout_with_per_step_bakes_shows_each_steps_bake_and_hold():
    plan = Rollout(steps=(Step(0.01, 3600), Step(0.5, 300)), check_every_s=60, max_error_rate=0.01,
                   min_invocations=100, max_hold_s=120)
    (line,) = _rollout_changed_to(plan)
    assert line == ("hello: rollout changes: steps 1%, 50%, then 100% (was 10%, 50%, then 100%); 3600 s, 300 s per "
                    "step, gates read every 60 s (was 240 s per step, gates read every 60 s); at least 100 invocations "
                    "per step (held up to 120 s), error rate over each step and the whole rollout > 0.01, final bake "
                    "300 s at 100%; gates: hello-hello-live-green-error-rate (error rate > 0.01), hello-api-5xx")
    # the hold left out is each step's own bake
    (line,) = _rollout_changed_to(dataclasses.replace(plan, max_hold_s=None))
    assert "at least 100 invocations per step (held up to 3600 s, 300 s)" in line


def test_an_all_at_once_rollout_says_so_and_that_the_final_bake_judges_the_traffic():
    plan = Rollout(steps=(), check_every_s=60, max_error_rate=0.01, min_invocations=100, final_bake_s=600)
    (line,) = _rollout_changed_to(plan)
    assert line.startswith("hello: rollout changes: steps all at once: 100% at the start, judged by the final bake "
                           "(was 10%, 50%, then 100%); no steps, gates read every 60 s (was 240 s per step, gates "
                           "read every 60 s); at least 100 invocations in the final bake (held up to 600 s), error "
                           "rate over the final bake > 0.01, final bake 600 s at 100%"), line


def test_environment_keys_known_only_after_apply_are_said_so_and_values_stay_out():
    plan = json.loads((PLANS / "w1-new-version.json").read_text())
    body = next(c for c in plan["resource_changes"] if c["type"] == "aws_lambda_function")["change"]
    body["before"]["environment"] = [{"variables": {"LOG_LEVEL": "INFO", "OLD": SECRET}}]
    body["after"]["environment"] = [{"variables": {"LOG_LEVEL": "INFO"}}]
    body["after_unknown"]["environment"] = [{"variables": {"TOKEN": True}}]
    (line,) = [line for d in summarize(plan).deployments for line in d.lines[1:]]
    assert line.endswith("configuration changes (environment keys: OLD removed, TOKEN added)")
    body["after_unknown"]["environment"] = [{"variables": True}]
    text = render_summary(summarize(plan), "text")
    assert "configuration changes (environment (known after apply))" in text and SECRET not in text


@pytest.mark.parametrize("kind, name, expected", [
    ("aws_lambda_function_url", "orders", url_msg.URL_WILL_CHANGE),
    ("aws_apigatewayv2_stage", "orders", http_msg.STAGE_WILL_CHANGE),
    ("aws_api_gateway_deployment", "orders", rest_msg.API_WILL_BE_REDEPLOYED),
])
def test_a_door_replaced_is_named_with_what_it_changes_for_callers(kind, name, expected):
    # Each door says what a replacement of its resources means (its slice's replacement_warnings);
    # an update in place says nothing.
    replaced = summarize({"resource_changes": [change(f"{kind}.{name}", ["create", "delete"], kind, name)]})
    assert [str(w) for w in replaced.warnings] == [f"{kind}.{name}: {expected}"]
    updated = summarize({"resource_changes": [change(f"{kind}.{name}", ["update"], kind, name)]})
    assert list(updated.warnings) == []
