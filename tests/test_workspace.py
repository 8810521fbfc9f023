"""The workspace: one project root, the committed and the local (``--local``) folders.

The default ``--out`` and ``.bluegreen/`` are anchored at the project root, so a command means
the same from any folder; ``--local`` reads and edits only the emulator's files under
``.bluegreen/local/``, never the committed traffic file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from generator import InvalidInput, Problem
from generator.cli import commands
from generator.cli import program as cli
from generator.core.errors import Argument
from generator.core.messages import output as msg
from generator.features.loader import load_stack_file
from generator.model import naming
from generator.model.traffic import Traffic
from generator.model.traffic_file import read_traffic
from generator.output.folder import SynthResult
from generator.output.workspace import Workspace, project_root

COMMITTED = '{\n  "orders": {\n    "blue_version": "3",\n    "green_weight": 0\n  }\n}\n'


@pytest.fixture
def project(tmp_path) -> Path:
    """A project root (it has .git) holding the shop fixture as stacks/, blue pinned on orders."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "shop", root / "stacks")
    (root / "stacks" / "shop.traffic.json").write_text(COMMITTED)
    return root


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def local_traffic(root: Path) -> dict[str, Traffic]:
    stack = load_stack_file(root / "stacks" / "shop.py").stacks[0]
    return read_traffic(root / ".bluegreen/local/traffic/shop.traffic.json", stack)


def test_the_project_root_is_the_nearest_folder_with_git_or_bluegreen(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    nested = tmp_path / "repo" / "a" / "b"
    nested.mkdir(parents=True)
    assert project_root(nested) == tmp_path / "repo"
    (tmp_path / "repo" / "a" / ".bluegreen").mkdir()
    assert project_root(nested) == tmp_path / "repo" / "a"
    (tmp_path / "loose").mkdir()
    monkeypatch.chdir(tmp_path / "loose")
    assert project_root(tmp_path / "loose") == tmp_path / "loose"  # no marker: the current folder


def test_synth_writes_to_the_roots_cdktf_out_from_any_folder_and_an_explicit_out_is_cwd_relative(
        project, monkeypatch, capsys):
    calls = []

    def fake_synthesize(stack_file, out_dir, use_cache=True, traffic_dir=None):
        calls.append((Path(out_dir).absolute(), traffic_dir))
        return SynthResult([], cached=False)
    monkeypatch.setattr(commands, "synthesize", fake_synthesize)
    monkeypatch.chdir(project / "stacks")
    assert run(capsys, "synth", "shop.py")[0] == 0
    assert run(capsys, "synth", "shop.py", "--out", "here")[0] == 0
    assert run(capsys, "synth", "shop.py", "--local")[0] == 0
    assert calls == [(project / "cdktf.out", None), (project / "stacks" / "here", None),
                     (project / ".bluegreen/local/out", project / ".bluegreen/local/traffic")]


def test_traffic_commands_with_local_edit_only_the_local_traffic_file(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    code, out, _ = run(capsys, "promote", "stacks/shop.py", "orders", "--version", "1", "--local")
    assert code == 0
    assert out.splitlines()[-1] == ("wrote .bluegreen/local/traffic/shop.traffic.json; "
                                    "next: bluegreen up stacks/shop.py --local")
    assert local_traffic(project)["orders"].blue_version == "1"

    code, out, _ = run(capsys, "status", "stacks/shop.py", "--local", "--json")
    assert code == 0
    assert {(r["deployment"], r["blue_version"]) for r in json.loads(out)} == {("orders", "1"), ("worker", None)}
    code, out, _ = run(capsys, "status", "stacks/shop.py", "--json")
    assert json.loads(out)[0]["blue_version"] == "3"  # without --local: the committed file

    assert run(capsys, "rollback", "stacks/shop.py", "orders", "--local")[0] == 0
    assert (project / "stacks" / "shop.traffic.json").read_text() == COMMITTED


def test_promote_and_shift_with_local_read_the_emulators_terraform_outputs(project, terraform_env,
                                                                           monkeypatch, capsys):
    orders = load_stack_file(project / "stacks" / "shop.py").stacks[0].deployments[0]
    # As an apply leaves it: the alias serves v1 (the first version, blue unpinned), v2 is the newest.
    resources = [{"mode": "managed", "type": kind, "name": name, "instances": [{"attributes": attributes}]}
                 for kind, name, attributes in (
                     ("aws_lambda_alias", naming.alias_id(orders), {"function_version": "1", "routing_config": []}),
                     ("aws_lambda_function", orders.name, {"version": "2"}),
                     ("terraform_data", naming.first_version_id(orders), {"output": {"value": "1", "type": "string"}}))]
    traffic = {"blue_version": None, "green_version": None, "green_weight": 0}
    state = project / ".bluegreen/local/out/stacks/shop/terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({
        "version": 4, "terraform_version": "1.5.7", "serial": 1, "lineage": "test", "resources": resources,
        "outputs": {naming.output_name(orders, "applied_traffic"): {"value": traffic}}}))
    monkeypatch.chdir(project / "stacks")  # and from a subfolder
    code, _, err = run(capsys, "promote", "shop.py", "worker")
    assert code == 2 and "no version is known" in err  # cdktf.out has no state

    assert run(capsys, "promote", "shop.py", "orders", "--local")[0] == 0
    assert local_traffic(project)["orders"].blue_version == "1"
    assert run(capsys, "shift", "shop.py", "orders", "25%", "--local")[0] == 0
    shifted = local_traffic(project)["orders"]
    assert (shifted.blue_version, shifted.green_version, shifted.green_weight) == ("1", "2", 0.25)
    assert (project / "stacks" / "shop.traffic.json").read_text() == COMMITTED


def test_out_and_local_together_exit_2(project, capsys):
    local_out = os.path.relpath(Workspace.at(project_root(project / "stacks"), local=True).out_dir)
    expected = Problem(Argument("--out"), msg.out_cannot_be_combined_with_local(local_out, "x"))
    with pytest.raises(InvalidInput) as raised:
        Workspace.from_args(argparse.Namespace(local=True, out="x"), load_stack_file(project / "stacks/shop.py"))
    assert raised.value.problems == [expected]
    code, _, err = run(capsys, "status", project / "stacks/shop.py", "--local", "--out", "x")
    assert code == 2
    assert err == f"error: {expected}\n"
    assert err.startswith("error: --out: cannot be combined with --local (the emulator's output folder is ")
    assert err.endswith(", got: 'x'\n")


def test_synth_check_with_local_exits_2(project, capsys):
    code, _, err = run(capsys, "synth", project / "stacks/shop.py", "--local", "--check")
    assert code == 2
    assert err.startswith("error: --check: cannot be combined with --local")


def test_the_local_workspace_lives_under_bluegreen_local(tmp_path):
    workspace = Workspace.at(tmp_path, local=True)
    assert (workspace.out_dir, workspace.traffic_dir) == (tmp_path / ".bluegreen/local/out",
                                                          tmp_path / ".bluegreen/local/traffic")
    assert workspace.out_dir.is_relative_to(workspace.local_dir)
    assert workspace.traffic_dir.is_relative_to(workspace.local_dir)  # `down` removes both
    assert workspace.emulator_record == tmp_path / ".bluegreen/emulator.json"
