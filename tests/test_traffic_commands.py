"""``shift``, ``promote``, ``rollback``, ``status`` and ``synth --check`` on the committed traffic file.

Every bad input exits 2 with a message naming the problem, no traceback, and leaves the traffic
file byte-for-byte as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from generator import cli
from generator.traffic import format_weight, parse_weight


@pytest.fixture
def shop(tmp_path) -> Path:
    """A copy of the two-deployment shop fixture, with blue pinned on orders."""
    shutil.copytree(FIXTURES / "shop", tmp_path / "shop")
    (tmp_path / "shop" / "shop.traffic.json").write_text(
        '{\n  "orders": {\n    "blue_version": "3",\n    "green_weight": 0\n  }\n}\n')
    return tmp_path / "shop" / "shop.py"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def traffic(stack_file: Path) -> str:
    return (stack_file.parent / "shop.traffic.json").read_text()


def test_shift_rewrites_one_line_in_a_stable_format(shop, capsys):
    code, out, _ = run(capsys, "shift", shop, "orders", "25%")
    assert code == 0
    assert traffic(shop) == ('{\n  "orders": {\n    "blue_version": "3",\n    "green_weight": 0.25\n  },\n'
                             '  "worker": {\n    "blue_version": null,\n    "green_weight": 0\n  }\n}\n')
    assert out.startswith("shop/orders: blue v3, green weight 0 -> blue v3, green weight 0.25\n")
    before = traffic(shop)
    assert run(capsys, "shift", shop, "shop/orders", "0.4")[0] == 0
    changed = [(a, b) for a, b in zip(before.splitlines(), traffic(shop).splitlines()) if a != b]
    assert changed == [('    "green_weight": 0.25', '    "green_weight": 0.4')]
    assert sorted(p.name for p in shop.parent.iterdir() if p.name.startswith(".")) == []  # no temp files


def test_rollback_sets_the_weight_to_zero_and_keeps_blue(shop, capsys):
    run(capsys, "shift", shop, "orders", "0.3")
    assert run(capsys, "rollback", shop, "orders")[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "3", "green_weight": 0}


def test_promote_with_a_version_pins_it_and_zeroes_the_weight(shop, capsys):
    run(capsys, "shift", shop, "orders", "0.3")
    assert run(capsys, "promote", shop, "orders", "--version", "4")[0] == 0
    assert json.loads(traffic(shop))["orders"] == {"blue_version": "4", "green_weight": 0}


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
     "error: worker: blue is not pinned, so green and blue are the same version: run promote first to pin "
     "the version now serving\n"),
    (["promote", "{shop}", "orders", "--version", "3"],
     "error: orders: green is version 3, which is already blue: publish new code (synth and apply) before "
     "promoting\n"),
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
def test_bad_requests_exit_2_and_leave_the_traffic_file_unchanged(shop, capsys, argv, message):
    before = traffic(shop)
    code, _, err = run(capsys, *[a.replace("{shop}", str(shop)) for a in argv])
    assert (code, err) == (2, message)
    assert traffic(shop) == before


def test_promote_without_state_says_no_green_version_is_known(shop, capsys, tmp_path):
    before = traffic(shop)
    code, _, err = run(capsys, "promote", shop, "orders", "--out", tmp_path / "nothing")
    assert code == 2
    assert err == (f"error: orders: no green version is known: {tmp_path / 'nothing' / 'stacks' / 'shop'} has "
                   "no Terraform output orders_green_version (apply first, or pass --version N)\n")
    assert traffic(shop) == before


def test_promote_reading_outputs_without_terraform_exits_2(shop, capsys, tmp_path, monkeypatch):
    stack_dir = tmp_path / "out" / "stacks" / "shop"
    stack_dir.mkdir(parents=True)
    (stack_dir / "terraform.tfstate").write_text('{"version": 4}')
    monkeypatch.setenv("PATH", "/nonexistent")
    before = traffic(shop)
    code, _, err = run(capsys, "promote", shop, "orders", "--out", tmp_path / "out")
    assert code == 2
    assert err.startswith("error: Terraform is required: install the Terraform CLI")
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
     'orders: must be {"blue_version": "N" or null, "green_weight": 0..1}, got: {"blue": "3"}'),
    ("[1, 2]", "must be a JSON object of deployments, got: [1, 2]"),
    ('{"orders": {"blue_version": "3", "green_weight": 0.5}, "orders": {"blue_version": "4", "green_weight": 0}}',
     "is not valid JSON (orders appears more than once): fix or restore it from Git"),
])
def test_a_hand_broken_traffic_file_is_refused_and_kept(shop, capsys, content, message):
    path = shop.parent / "shop.traffic.json"
    path.write_text(content)
    for argv in (["shift", shop, "orders", "0.1"], ["status", shop], ["rollback", shop, "orders"]):
        code, _, err = run(capsys, *argv)
        assert (code, err.replace(str(path), "FILE")) == (2, f"error: FILE: {message}\n")
        assert path.read_text() == content


def test_status_shows_phase_per_deployment(shop, capsys, tmp_path):
    run(capsys, "shift", shop, "orders", "0.1")
    code, out, _ = run(capsys, "status", shop, "--out", tmp_path / "none")
    assert code == 0
    assert out == ("shop/orders: canary, blue v3, green not applied yet, green weight 0.1\n"
                   "shop/worker: unpinned, blue unpinned, green not applied yet, green weight 0\n")
    code, out, _ = run(capsys, "status", shop, "--json", "--out", tmp_path / "none")
    rows = json.loads(out)
    assert [(r["deployment"], r["phase"], r["green_weight"]) for r in rows] == [
        ("orders", "canary", 0.1), ("worker", "unpinned", 0)]


def test_synth_carries_the_traffic_into_the_stack_folder_and_check_spots_drift(shop, capsys, tmp_path):
    out = tmp_path / "out"
    assert run(capsys, "synth", shop, "--out", out)[0] == 0
    tfvars = json.loads((out / "stacks/shop/traffic.auto.tfvars.json").read_text())
    assert tfvars == {"orders_blue_version": "3", "orders_green_weight": 0,
                      "worker_blue_version": None, "worker_green_weight": 0}
    assert run(capsys, "synth", shop, "--out", out, "--check")[0] == 0

    run(capsys, "shift", shop, "orders", "0.2")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stdout, err = run(capsys, "synth", shop, "--out", out, "--check")
    assert code == 1
    assert stdout == f"differs: {out}/stacks/shop/traffic.auto.tfvars.json\n"
    assert "1 file(s) differ from a fresh synth" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # wrote nothing


def test_synth_check_of_a_missing_output_lists_every_file(shop, capsys, tmp_path):
    code, stdout, _ = run(capsys, "synth", shop, "--out", tmp_path / "absent", "--check")
    assert code == 1
    assert f"differs: {tmp_path / 'absent'}/stacks/shop/cdk.tf.json" in stdout
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize("text, weight", [("0.25", 0.25), ("25%", 0.25), ("12.5%", 0.125), ("0", 0.0),
                                          ("100%", 1.0), (" 1 ", 1.0), ("0.1", 0.1), ("33%", 0.33)])
def test_weights_parse_from_fractions_and_percentages(text, weight):
    assert parse_weight(text) == weight


@pytest.mark.parametrize("weight, text", [(0, "0"), (1, "1"), (0.25, "0.25"), (0.1, "0.1"), (1.0, "1"),
                                          (0.33, "0.33")])
def test_weights_are_written_as_the_shortest_exact_number(weight, text):
    assert format_weight(weight) == text


def test_minus_zero_is_written_as_zero(shop, capsys):
    assert run(capsys, "shift", shop, "orders", "-0")[0] == 2  # a sign is refused outright
    (shop.parent / "shop.traffic.json").write_text('{"orders": {"blue_version": "3", "green_weight": -0.0}}')
    assert run(capsys, "rollback", shop, "orders")[0] == 0
    assert '"green_weight": 0\n' in traffic(shop)


def test_a_symlinked_traffic_file_is_written_through(shop, capsys):
    real = shop.parent / "real.json"
    (shop.parent / "shop.traffic.json").rename(real)
    (shop.parent / "shop.traffic.json").symlink_to(real.name)
    assert run(capsys, "shift", shop, "orders", "0.2")[0] == 0
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
    code, _, err = run(capsys, "status", shop)
    assert (code, err) == (2, f"error: {path}: {message}\n")
