"""``shift``, ``promote``, ``rollback``, ``status`` and ``synth --check`` on the committed traffic file.

Every bad input exits 2 with a message naming the problem, no traceback, and leaves the traffic
file byte-for-byte as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from generator.cli import program as cli
from generator.core.messages import cli as cli_msg
from generator.core.messages import releasing as releasing_msg
from generator.core.messages import traffic as traffic_msg
from generator.model.traffic import format_weight, parse_weight
from generator.terraform.state import read_state


@pytest.fixture
def shop(tmp_path) -> Path:
    """A copy of the two-deployment shop fixture, with blue pinned on orders."""
    shutil.copytree(FIXTURES / "shop", tmp_path / "shop")
    (tmp_path / "shop" / "shop.traffic.json").write_text(
        '{\n  "orders": {\n    "blue_version": "3",\n    "green_version": null,\n    "green_weight": 0\n  }\n}\n')
    return tmp_path / "shop" / "shop.py"


@pytest.fixture
def out(tmp_path) -> Path:
    """An output folder whose applied state says: orders serves v3 and has published v4 (its
    traffic file pins 3), worker serves its first version, v1, and has published v2 (unpinned)."""
    folder = tmp_path / "out"
    applied(folder, orders=dict(serves="3", newest="4", first="1", variables=("3", None, 0)),
            worker=dict(serves="1", newest="2", first="1", variables=(None, None, 0)))
    return folder


def applied(out_dir: Path, **deployments: dict) -> None:
    """Write local Terraform state (format 4) as an apply of the shop stack leaves it.

    Per deployment: the version the alias ``serves`` (and its ``weights``), the ``newest``
    published version, the ``first`` one, and the traffic ``variables`` (blue, green, weight)
    that the applied_traffic output records.
    """
    resources, outputs = [], {}
    for name, d in deployments.items():
        routing = [{"additional_version_weights": d["weights"]}] if d.get("weights") else []
        resources += [
            _resource("aws_lambda_alias", name, function_version=d["serves"], routing_config=routing,
                      arn=f"arn:aws:lambda:eu-west-1:123456789012:function:shop-{name}:live"),
            _resource("aws_lambda_function", name, version=d["newest"]),
            _resource("terraform_data", f"{name}_first_version", output={"value": d["first"], "type": "string"})]
        blue, green, weight = d["variables"]
        outputs[f"{name}_applied_traffic"] = {"value": {"blue_version": blue, "green_version": green,
                                                        "green_weight": weight}}
        outputs[f"{name}_newest_version"] = {"value": d["newest"]}
    stack_dir = out_dir / "stacks" / "shop"
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / "terraform.tfstate").write_text(json.dumps({"version": 4, "outputs": outputs,
                                                             "resources": resources}))


def _resource(kind: str, name: str, **attributes) -> dict:
    return {"mode": "managed", "type": kind, "name": name, "instances": [{"attributes": attributes}]}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def traffic(stack_file: Path) -> str:
    return (stack_file.parent / "shop.traffic.json").read_text()


def test_shift_names_the_newest_applied_version_as_green_then_changes_one_line(shop, out, capsys):
    code, stdout, _ = run(capsys, "shift", shop, "orders", "25%", "--out", out)
    assert code == 0
    assert traffic(shop) == ('{\n  "orders": {\n    "blue_version": "3",\n    "green_version": "4",\n'
                             '    "green_weight": 0.25\n  },\n'
                             '  "worker": {\n    "blue_version": null,\n    "green_version": null,\n'
                             '    "green_weight": 0\n  }\n}\n')
    assert stdout.startswith("shop/orders: blue v3, no green, green weight 0 -> blue v3, green v4, green weight 0.25\n")
    before = traffic(shop)
    applied(out, orders=dict(serves="3", weights={"4": 0.25}, newest="5", first="1",  # a newer version appeared
                             variables=("3", "4", 0.25)))
    assert run(capsys, "shift", shop, "shop/orders", "0.4", "--out", out)[0] == 0
    changed = [(a, b) for a, b in zip(before.splitlines(), traffic(shop).splitlines(), strict=False) if a != b]
    assert changed == [('    "green_weight": 0.25', '    "green_weight": 0.4')]  # green stays v4
    assert sorted(p.name for p in shop.parent.iterdir() if p.name.startswith(".")) == []  # no temp files


def test_rollback_sets_the_weight_to_zero_and_keeps_blue(shop, out, capsys):
    run(capsys, "shift", shop, "orders", "0.3", "--out", out)
    assert run(capsys, "rollback", shop, "orders", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "3", "green_version": None, "green_weight": 0}


def test_promote_pins_the_green_getting_traffic_and_zeroes_the_weight(shop, out, capsys):
    run(capsys, "shift", shop, "orders", "0.3", "--out", out)
    applied(out, orders=dict(serves="3", weights={"4": 0.3}, newest="7", first="1", variables=("3", "4", 0.3)))
    assert run(capsys, "promote", shop, "orders", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "4", "green_version": None, "green_weight": 0}
    assert run(capsys, "promote", shop, "orders", "--version", "7", "--out", out)[0] == 2  # v7 served nothing
    assert run(capsys, "promote", shop, "orders", "--version", "7", "--skip-canary", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"]["blue_version"] == "7"  # published: the newest applied is 7


def test_promote_while_unpinned_pins_the_version_serving_not_the_newest(shop, out, capsys):
    code, stdout, _ = run(capsys, "promote", shop, "worker", "--out", out)
    assert code == 0
    assert json.loads(traffic(shop))["worker"] == {"blue_version": "1", "green_version": None, "green_weight": 0}
    assert "shop/worker: blue unpinned, no green, green weight 0 -> blue v1, no green, green weight 0" in stdout


def test_a_change_that_changes_nothing_says_so_and_writes_nothing(shop, out, capsys):
    before = (shop.parent / "shop.traffic.json").stat().st_mtime_ns
    code, stdout, _ = run(capsys, "rollback", shop, "orders", "--out", out)
    assert code == 0
    assert stdout == "shop/orders: blue v3, no green, green weight 0 (no change; nothing written)\n"
    assert (shop.parent / "shop.traffic.json").stat().st_mtime_ns == before


def test_concurrent_traffic_edits_never_lose_an_update(shop, out):
    # 20 rounds of two commands at once, each changing a different deployment: with the
    # read-modify-write unlocked, one change was lost in about half the rounds.
    (shop.parent / "shop.traffic.json").write_text(
        '{"orders": {"blue_version": "3", "green_version": null, "green_weight": 0},'
        ' "worker": {"blue_version": "1", "green_version": null, "green_weight": 0}}')
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for round_ in range(1, 21):
        weight = f"{round_}%"
        commands = [[sys.executable, "-m", "generator.cli", "shift", str(shop), name, weight, "--out", str(out)]
                    for name in ("orders", "worker")]
        processes = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
        results = [p.communicate(timeout=60) + (p.returncode,) for p in processes]
        assert [r[2] for r in results] == [0, 0], results
        written = json.loads(traffic(shop))
        assert (written["orders"]["green_weight"], written["worker"]["green_weight"]) == (round_ / 100,) * 2


@pytest.mark.parametrize("argv, message", [
    (["shift", "{shop}", "billing", "0.1"],
     "error: DEPLOYMENT: must be a deployment of the stack file (shop/orders, shop/worker), got: 'billing'\n"),
    (["shift", "{shop}", "eu/orders", "0.1"],
     "error: DEPLOYMENT: must be a deployment of the stack file (shop/orders, shop/worker), got: 'eu/orders'\n"),
    (["shift", "{shop}", "orders", "1.5"], "error: WEIGHT: must be from 0 to 1 (0% to 100%), got: '1.5'\n"),
    (["shift", "{shop}", "orders", "150%"], "error: WEIGHT: must be from 0 to 1 (0% to 100%), got: '150%'\n"),
    (["shift", "{shop}", "orders", "-0.1"], "error: WEIGHT: must be from 0 to 1 (0% to 100%), got: '-0.1'\n"),
    (["shift", "{shop}", "orders", "half"],
     "error: WEIGHT: must be a number from 0 to 1 (0.25) or a percentage (25%), got: 'half'\n"),
    (["shift", "{shop}", "orders", "nan"], "error: WEIGHT: must be from 0 to 1 (0% to 100%), got: 'nan'\n"),
    (["shift", "{shop}", "worker", "0.1"],
     "error: shop/worker: blue is not pinned, so there is no stable version to keep serving: run promote first "
     "to pin the version now serving\n"),
    (["promote", "{shop}", "orders", "--version", "3"],
     "error: shop/orders: version 3 is already blue: publish new code (synth and apply) before promoting\n"),
    (["shift", "{shop}", "orders", "0.00001"],
     "error: WEIGHT: must be a multiple of 0.0001 (0.01%), such as 0.0125 or 1.25%, got: '0.00001'\n"),
    (["shift", "{shop}", "orders", "0.99999999999999999999"],
     "error: WEIGHT: must be a multiple of 0.0001 (0.01%), such as 0.0125 or 1.25%, got: '0.99999999999999999999'\n"),
    (["shift", "{shop}", "orders", "0.1"],
     "error: shop/orders: no version is known: {out}/stacks/shop has no applied state for this deployment "
     "(apply first, or pass --version N)\n"),
    (["promote", "{shop}", "orders"],
     "error: shop/orders: no green version is getting traffic, so there is nothing to promote: shift to the new "
     "version first, or name the version to pin with --version N\n"),
    (["shift", "{shop}", "orders", "0", "--version", "v4"],
     "error: --version: must be a published version number such as 3, got: 'v4'\n"),
    (["promote", "{shop}", "orders", "--version", "v4"],
     "error: --version: must be a published version number such as 3, got: 'v4'\n"),
    (["promote", "{shop}", "orders", "--version", "0"],
     "error: --version: must be a published version number such as 3, got: '0'\n"),
    (["promote", "{shop}", "orders", "--version", "\u00b2"],
     "error: --version: must be a published version number such as 3, got: '\u00b2'\n"),
    (["shift", "{shop}", "orders", "1e-400"],
     "error: WEIGHT: must be a number from 0 to 1 (0.25) or a percentage (25%), got: '1e-400'\n"),
    (["shift", "{shop}", "orders", "\uff11"],
     "error: WEIGHT: must be a number from 0 to 1 (0.25) or a percentage (25%), got: '\uff11'\n"),
    (["shift", "{shop}", "orders", "1_0%"],
     "error: WEIGHT: must be a number from 0 to 1 (0.25) or a percentage (25%), got: '1_0%'\n"),
    (["shift", "{shop}", "orders", "inf"], "error: WEIGHT: must be from 0 to 1 (0% to 100%), got: 'inf'\n"),
])
def test_bad_requests_exit_2_and_leave_the_traffic_file_unchanged(shop, capsys, argv, message, tmp_path):
    before = traffic(shop)
    nothing = tmp_path / "nothing"
    code, _, err = run(capsys, *[a.replace("{shop}", str(shop)) for a in argv], "--out", nothing)
    assert (code, err) == (2, message.replace("{out}", str(nothing)))
    assert traffic(shop) == before


def test_shift_to_0_with_a_version_pins_green_with_no_traffic_and_without_one_rolls_back(shop, out, capsys):
    # Where a rollout with provisioned concurrency starts: green pinned, so Terraform warms it.
    assert run(capsys, "shift", shop, "orders", "0", "--version", "4", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "3", "green_version": "4", "green_weight": 0}
    assert run(capsys, "shift", shop, "orders", "0", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "3", "green_version": None, "green_weight": 0}
    code, _, stderr = run(capsys, "shift", shop, "orders", "0", "--version", "3", "--out", out)
    assert (code, stderr) == (2, f"error: shop/orders: {releasing_msg.green_must_not_be_blue('3')}\n")


def test_shift_reads_applied_state_without_terraform_or_init(shop, out, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no terraform at all: the state file is read directly
    assert run(capsys, "shift", shop, "orders", "10%", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"]["green_version"] == "4"


def test_a_version_never_published_is_refused(shop, out, capsys):
    before = traffic(shop)
    for argv in (["shift", shop, "orders", "0.3", "--version", "99"], ["promote", shop, "orders", "--version", "5"]):
        code, _, err = run(capsys, *argv, "--out", out)
        assert (code, err) == (2, f"error: --version: must be a version orders has published (the newest applied "
                                  f"is 4), got: '{argv[-1]}'\n")
    assert traffic(shop) == before


def test_after_a_rollback_promote_needs_the_version_named(shop, out, capsys):
    run(capsys, "shift", shop, "orders", "0.3", "--out", out)
    run(capsys, "rollback", shop, "orders", "--out", out)
    assert run(capsys, "promote", shop, "orders", "--out", out)[0] == 2
    assert run(capsys, "promote", shop, "orders", "--version", "4", "--skip-canary", "--out", out)[0] == 0


@pytest.mark.parametrize("state, message", [
    ('{"version": 4, "outputs": {}, "resources": [{"mode": "managed", "type": "aws_lambda_alias", "name": "orders", '
     '"instances": [{"attributes": {"function_version": "3"}}]}, {"mode": "managed", "type": "aws_lambda_function", '
     '"name": "orders", "instances": [{"attributes": {"version": 4}}]}]}',
     'Terraform state: aws_lambda_function.orders.version: must be a version number such as "3", got: 4'),
    ("[" * 100_000 + "]" * 100_000, "{state}: is nested too deeply to be Terraform state"),
    ("{ not json", "{state}: is not Terraform state JSON (Expecting property name enclosed in double quotes: "
                   "line 1 column 3 (char 2))"),
])
def test_unreadable_applied_state_exits_2_naming_it(shop, capsys, tmp_path, state, message):
    stack_dir = tmp_path / "out" / "stacks" / "shop"
    stack_dir.mkdir(parents=True)
    (stack_dir / "terraform.tfstate").write_text(state)
    before = traffic(shop)
    code, _, err = run(capsys, "shift", shop, "orders", "0.1", "--out", tmp_path / "out")
    assert (code, err) == (2, f"error: {message.replace('{state}', str(stack_dir / 'terraform.tfstate'))}\n")
    assert traffic(shop) == before


@pytest.mark.parametrize("content, message", [
    ("{ broken", "is not valid JSON (Expecting property name enclosed in double quotes: line 1 column 3 (char 2)): "
                 "fix or restore it from Git"),
    ('{"orders": {"blue_version": "3", "green_weight": 2}}', "orders: green_weight must be a number from 0 to 1, got: 2"),
    ('{"orders": {"blue_version": 3, "green_weight": 0}}',
     'orders: blue_version must be null or a version number such as "3", got: 3'),
    ('{"billing": {"blue_version": null, "green_weight": 0}}',
     "billing: is not a deployment of stack 'shop' (known: orders, worker)"),
    ('{"orders": {"blue": "3"}}',
     'orders: must be {"blue_version": "N" or null, "green_version": "N" or null, "green_weight": 0..1}, '
     'got: {"blue": "3"}'),
    ('{"orders": {"blue_version": "3", "green_version": null, "green_weight": 0.5}}',
     'orders: green_weight 0.5 needs a pinned blue_version and a different green_version (bluegreen shift '
     'sets them), got: {"blue_version": "3", "green_version": null, "green_weight": 0.5}'),
    ('{"orders": {"blue_version": "3", "green_version": "4", "green_weight": 0.00001}}',
     "orders: green_weight must be a multiple of 0.0001 (0.01%), got: 1e-05"),
    ("[" * 100_000 + "]" * 100_000, "is nested too deeply to be a traffic file: fix or restore it from Git"),
    ("[1, 2]", "must be a JSON object of deployments, got: [1, 2]"),
    ('{"orders": {"blue_version": "3", "green_weight": 0}, "orders": {"blue_version": "4", "green_weight": 0}}',
     "is not valid JSON (orders appears more than once): fix or restore it from Git"),
])
def test_a_hand_broken_traffic_file_is_refused_and_kept(shop, capsys, content, message):
    path = shop.parent / "shop.traffic.json"
    path.write_text(content)
    for argv in (["shift", shop, "orders", "0.1"], ["status", shop], ["rollback", shop, "orders"]):
        code, _, err = run(capsys, *argv, "--out", shop.parent / "out")
        assert (code, err.replace(str(path), "FILE")) == (2, f"error: FILE: {message}\n")
        assert path.read_text() == content


def test_status_shows_phase_per_deployment_from_the_file_without_state(shop, out, capsys, tmp_path):
    run(capsys, "shift", shop, "orders", "0.1", "--out", out)
    code, stdout, _ = run(capsys, "status", shop, "--out", tmp_path / "none")
    assert code == 0
    assert stdout == ("shop/orders: canary (traffic file), blue v3, green v4, green weight 0.1, not applied yet\n"
                      "shop/worker: unpinned (traffic file), blue unpinned, no green, green weight 0, not applied yet\n"
                      "  note: blue is unpinned: run promote after the first apply to pin the version now serving\n")
    code, stdout, _ = run(capsys, "status", shop, "--json", "--out", tmp_path / "none")
    rows = json.loads(stdout)
    assert [(r["deployment"], r["phase"], r["green_weight"]) for r in rows] == [
        ("orders", "canary", 0.1), ("worker", "unpinned", 0)]


def test_status_takes_the_phase_from_what_is_applied_and_names_the_difference(shop, capsys, tmp_path):
    applied(tmp_path / "out", orders=dict(serves="3", weights={"4": 0.5}, newest="4", first="1",
                                          variables=("3", "4", 0.5)),
            worker=dict(serves="1", newest="2", first="1", variables=(None, None, 0)))
    code, stdout, _ = run(capsys, "status", shop, "--out", tmp_path / "out")  # the file says stable
    assert code == 0
    assert stdout == (
        "shop/orders: canary (applied), blue v3, green v4, green weight 0.5, newest v4\n"
        "  note: the traffic file says stable: blue v3, green weight 0: apply to catch up\n"
        "shop/worker: unpinned (applied), blue v1, no green, green weight 0, newest v2\n"
        "  note: blue is unpinned: the alias stays on v1, the first version published; v2 gets no traffic: "
        "run promote to pin blue, then shift\n")


def test_status_reads_what_the_alias_serves_after_an_apply_that_stopped(shop, capsys, tmp_path):
    # The outputs say green v9 at 30% (Terraform wrote them), but a precondition stopped the
    # alias, which still serves v3 with v4 at 25%.
    applied(tmp_path / "out", orders=dict(serves="3", weights={"4": 0.25}, newest="5", first="1",
                                          variables=("3", "9", 0.3)))
    code, stdout, _ = run(capsys, "status", shop, "--out", tmp_path / "out")
    assert code == 0
    assert stdout.splitlines()[:3] == [
        "shop/orders: canary (applied), blue v3, green v4, green weight 0.25, newest v5",
        "  note: the last apply stopped before the alias changed: it serves v3 75%, v4 25%, not blue v3, "
        "green v9, green weight 0.3",
        "  note: the traffic file says stable: blue v3, green weight 0: apply to catch up"]


def test_status_with_unreadable_state_says_the_phase_is_unknown_and_why_and_exits_2(shop, capsys, tmp_path):
    # Not "not applied yet": the state may well hold an applied alias. The traffic file still shows.
    stack_dir = tmp_path / "out" / "stacks" / "shop"
    stack_dir.mkdir(parents=True)
    (stack_dir / "terraform.tfstate").write_text("{ broken")
    code, stdout, _ = run(capsys, "status", shop, "--out", tmp_path / "out")
    assert code == 2
    assert stdout.startswith("shop/orders: unknown (applied state not read), blue v3, no green, green weight 0, "
                             "newest unknown\n"
                             f"  note: applied state not read: {stack_dir / 'terraform.tfstate'}: is not Terraform "
                             "state JSON")


def test_synth_carries_the_traffic_into_the_stack_folder_and_check_spots_drift(shop, capsys, tmp_path):
    out = tmp_path / "out"
    assert run(capsys, "synth", shop, "--out", out)[0] == 0
    tfvars = json.loads((out / "stacks/shop/traffic.auto.tfvars.json").read_text())
    assert tfvars == {"orders_blue_version": "3", "orders_green_version": None, "orders_green_weight": 0,
                      "worker_blue_version": None, "worker_green_version": None, "worker_green_weight": 0}
    assert run(capsys, "synth", shop, "--out", out, "--check")[0] == 0

    run(capsys, "shift", shop, "orders", "0.2", "--version", "4", "--out", out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stdout, err = run(capsys, "synth", shop, "--out", out, "--check")
    assert code == 1
    assert stdout == f"differs: {out}/stacks/shop/traffic.auto.tfvars.json\n"
    assert "1 file(s) differ from a fresh synth" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # wrote nothing


def test_synth_check_of_a_missing_output_lists_every_file(shop, capsys, tmp_path):
    code, stdout, _ = run(capsys, "synth", shop, "--out", tmp_path / "absent", "--check")
    assert code == 1
    assert f"missing: {tmp_path / 'absent'}/stacks/shop/cdk.tf.json" in stdout
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize("text, weight", [("0.25", 0.25), ("25%", 0.25), ("12.5%", 0.125), ("0", 0.0),
                                          ("100%", 1.0), (" 1 ", 1.0), ("0.1", 0.1), ("33%", 0.33)])
def test_weights_parse_from_fractions_and_percentages(text, weight):
    assert parse_weight(text) == weight


@pytest.mark.parametrize("weight, text", [(0, "0"), (1, "1"), (0.25, "0.25"), (0.1, "0.1"), (1.0, "1"),
                                          (0.33, "0.33")])
def test_weights_are_written_as_the_shortest_exact_number(weight, text):
    assert format_weight(weight) == text


def test_minus_zero_is_written_as_zero(shop, out, capsys):
    assert run(capsys, "shift", shop, "orders", "-0", "--out", out)[0] == 2  # a sign is refused outright
    (shop.parent / "shop.traffic.json").write_text('{"orders": {"blue_version": "3", "green_weight": -0.0}}')
    assert run(capsys, "promote", shop, "orders", "--version", "4", "--skip-canary", "--out", out)[0] == 0
    assert '"green_weight": 0\n' in traffic(shop)


def test_a_symlinked_traffic_file_is_written_through(shop, out, capsys):
    real = shop.parent / "real.json"
    (shop.parent / "shop.traffic.json").rename(real)
    (shop.parent / "shop.traffic.json").symlink_to(real.name)
    assert run(capsys, "shift", shop, "orders", "0.2", "--out", out)[0] == 0
    assert (shop.parent / "shop.traffic.json").is_symlink()
    assert json.loads(real.read_text())["orders"]["green_weight"] == 0.2


@pytest.mark.parametrize("kind, message", [
    ("dangling link", "is a link to 'nowhere.json', which does not exist"),
    ("folder", "must be a file (the committed traffic file), got: a folder or other"),
])
def test_a_traffic_path_that_is_not_a_file_is_refused(shop, capsys, kind, message):
    path = shop.parent / "shop.traffic.json"
    path.unlink()
    if kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("nowhere.json")
    code, _, err = run(capsys, "status", shop, "--out", shop.parent / "out")
    assert (code, err) == (2, f"error: {path}: {message}\n")


def test_a_canary_written_by_an_earlier_bluegreen_is_read_and_rewritten_by_shift(shop, out, capsys, tmp_path):
    # Before green was pinned, a canary was {"blue_version", "green_weight"}: green was the newest version.
    path = shop.parent / "shop.traffic.json"
    path.write_text('{"orders": {"blue_version": "3", "green_weight": 0.25}}')
    code, _, err = run(capsys, "synth", shop, "--out", tmp_path / "synth")
    assert code == 2
    assert "shop.traffic.json: orders: has a green weight but no green_version (the format of an earlier " \
           "bluegreen, where green was the newest version): run bluegreen shift" in err
    assert run(capsys, "status", shop, "--out", out)[0] == 0
    assert run(capsys, "shift", shop, "orders", "25%", "--out", out)[0] == 0
    assert json.loads(path.read_text())["orders"] == {"blue_version": "3", "green_version": "4", "green_weight": 0.25}
    assert run(capsys, "synth", shop, "--out", tmp_path / "synth")[0] == 0


# --- numbers too large to be a Lambda version ----------------------------------------------------

HUGE = "9" * 5000  # int() refuses more than 4,300 digits; every path must refuse it first, as bad input


@pytest.mark.parametrize("command", [["shift", "orders", "0.1"], ["promote", "orders"]])
def test_a_version_argument_past_64_bits_exits_2_naming_it(shop, out, capsys, command):
    before = traffic(shop)
    code, stdout, err = run(capsys, command[0], shop, *command[1:], "--version", HUGE, "--out", out)
    assert (code, stdout) == (2, "")
    assert err == f"error: --version: {cli_msg.version_must_be_at_most_the_largest(HUGE)}\n"
    assert len(err) < 200 and traffic(shop) == before
    # the largest 64-bit number is a version number; one more is not
    assert run(capsys, "promote", shop, "orders", "--version", str(2**63), "--out", out)[0] == 2
    assert "--version: must be at most" not in run(capsys, "promote", shop, "orders", "--version", str(2**63 - 1),
                                                   "--out", out)[2]


def test_a_traffic_file_version_past_64_bits_is_refused_naming_the_field(shop, capsys):
    path = shop.parent / "shop.traffic.json"
    path.write_text(json.dumps({"orders": {"blue_version": HUGE, "green_version": None, "green_weight": 0}}))
    code, _, err = run(capsys, "status", shop, "--out", shop.parent / "out")
    assert (code, err) == (2, f"error: {path}: orders: "
                              f"{traffic_msg.version_must_be_at_most_the_largest('blue_version', HUGE)}\n")


def test_an_applied_version_past_64_bits_is_refused_naming_the_attribute(shop, capsys, tmp_path):
    applied(tmp_path / "out", orders=dict(serves="3", newest=HUGE, first="1", variables=("3", None, 0)))
    code, _, err = run(capsys, "shift", shop, "orders", "0.1", "--out", tmp_path / "out")
    assert (code, err) == (2, "error: Terraform state: aws_lambda_function.orders.version: "
                              f"{releasing_msg.version_must_be_at_most_the_largest(HUGE)}\n")


# --- promote never skips the canary unless told to ------------------------------------------------


def test_promote_refuses_a_green_that_no_apply_has_served(shop, out, capsys):
    # shift 50%, then promote with no apply in between: the alias still serves v3 alone.
    assert run(capsys, "shift", shop, "orders", "50%", "--out", out)[0] == 0
    shifted = traffic(shop)
    code, stdout, err = run(capsys, "promote", shop, "orders", "--out", out)
    assert (code, stdout) == (2, "")
    assert err == f"error: shop/orders: {releasing_msg.promoted_must_have_served('4', 'v3')}\n"
    assert traffic(shop) == shifted
    code, stdout, _ = run(capsys, "promote", shop, "orders", "--skip-canary", "--out", out)
    assert code == 0 and "-> blue v4, no green, green weight 0" in stdout


def test_promote_takes_a_green_the_applied_alias_gives_any_weight(shop, out, capsys):
    # Applied at 10%, 50% committed but not applied yet: v4 has served, so it may be promoted.
    run(capsys, "shift", shop, "orders", "50%", "--out", out)
    applied(out, orders=dict(serves="3", weights={"4": 0.1}, newest="4", first="1", variables=("3", "4", 0.1)))
    assert run(capsys, "promote", shop, "orders", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "4", "green_version": None, "green_weight": 0}


def test_promote_reads_the_applied_state_once(shop, out, capsys, monkeypatch):
    # With an S3 backend each read is a terraform state pull: the version named, the canary check
    # and the pin must share one.
    from generator.releasing import operations

    applied(out, orders=dict(serves="3", weights={"4": 0.1}, newest="4", first="1", variables=("3", "4", 0.1)))
    reads = []
    monkeypatch.setattr(operations, "read_state", lambda *args: reads.append(args) or read_state(*args))
    assert run(capsys, "promote", shop, "orders", "--version", "4", "--out", out)[0] == 0
    assert len(reads) == 1


def test_promote_without_an_applied_state_cannot_tell_and_refuses(shop, capsys, tmp_path):
    (shop.parent / "shop.traffic.json").write_text(json.dumps(
        {"orders": {"blue_version": "3", "green_version": "4", "green_weight": 0.5}}))
    nothing = tmp_path / "never-applied"
    code, _, err = run(capsys, "promote", shop, "orders", "--out", nothing)
    assert (code, err) == (2, "error: shop/orders: "
                              f"{releasing_msg.promoted_must_have_served_unknown('4', nothing / 'stacks' / 'shop')}\n")
    # A first pin before any apply moves no traffic: there is none yet.
    assert run(capsys, "promote", shop, "worker", "--version", "1", "--out", nothing)[0] == 0


def test_promote_of_a_module_only_stack_needs_skip_canary(shop, capsys, tmp_path):
    (shop.parent / "shop.traffic.json").write_text(json.dumps(
        {"orders": {"blue_version": "3", "green_version": "4", "green_weight": 0.5}}))
    out = tmp_path / "modules-only"
    (out / "modules" / "shop").mkdir(parents=True)  # as synth --module leaves it: no stacks/shop
    code, _, err = run(capsys, "promote", shop, "orders", "--out", out)
    assert (code, err) == (2, f"error: shop/orders: {releasing_msg.PROMOTED_MUST_HAVE_SERVED_MODULE}\n")
    assert run(capsys, "promote", shop, "orders", "--skip-canary", "--out", out)[0] == 0
    assert json.loads(traffic(shop))["orders"]["blue_version"] == "4"


def test_shift_names_the_synth_to_run_with_the_same_stack_file_and_out(shop, out, capsys):
    code, stdout, _ = run(capsys, "shift", shop, "orders", "25%", "--out", out)
    assert (code, stdout.splitlines()[-1]) == (0, f"wrote {os.path.relpath(shop.parent / 'shop.traffic.json')}; "
                                                  f"next: bluegreen synth {shop} --out {out}, then terraform plan")


def test_shift_validates_only_what_it_uses_and_loads_no_cdktf(shop, out, capsys):
    # shift edits one number: the functions' source folders are never read (synth still checks
    # them), and neither cdktf nor any slice's synthesis is imported.
    for folder in shop.parent.iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    program = ("import sys; from generator.cli import program; code = program.main(sys.argv[1:]); "
               "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(('cdktf', 'jsii', 'constructs'))} "
               "| {m for m in sys.modules if m.startswith(('generator.bindings', 'generator.synthesis')) "
               "or m.startswith('generator.features') and '.synthesis' in m}))")
    done = subprocess.run([sys.executable, "-c", program, "shift", str(shop), "orders", "10%", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "[]"), done.stderr
    assert json.loads(traffic(shop))["orders"]["green_weight"] == 0.1
    code, _, err = run(capsys, "synth", shop, "--out", out)
    assert code == 2 and "function.source: must be an existing folder" in err
