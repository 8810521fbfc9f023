"""``bluegreen init NAME``: the scaffold, which is also how the example was made."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from generator import InvalidInput, Problem
from generator.cli import program as cli
from generator.cli.scaffold import scaffold_files, write_scaffold
from generator.core.errors import Argument
from generator.core.messages import cli as msg
from generator.features.loader import load_stack_file


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    # init extends the .gitignore of the project it writes into, else of the current folder: never
    # let that be this repository's.
    monkeypatch.chdir(tmp_path)


def test_init_hello_reproduces_the_shipped_example(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init", "hello"]) == 0
    assert capsys.readouterr().out == ("wrote stacks/hello.py\nwrote stacks/hello_src/app.py\n"
                                       "added /.bluegreen/ to .gitignore\nnext: bluegreen synth stacks/hello.py\n")
    for relative in ("stacks/hello.py", "stacks/hello_src/app.py"):
        assert (tmp_path / relative).read_text() == (ROOT / relative).read_text()


def test_a_scaffold_is_a_valid_stack_answering_blue(tmp_path):
    assert cli.main(["init", "orders", "--dir", str(tmp_path)]) == 0
    stack = load_stack_file(tmp_path / "orders.py").stacks[0]
    assert (stack.name, stack.deployments[0].api.routes[0].path) == ("orders", "/orders")
    assert 'MESSAGE = "Hello From Blue Deployment"' in (tmp_path / "orders_src/app.py").read_text()


def test_init_never_overwrites_and_writes_nothing_when_refusing(tmp_path, capsys):
    (tmp_path / "orders_src").mkdir()
    (tmp_path / "orders_src" / "app.py").write_text("mine")
    expected = Problem(Argument("NAME"), msg.scaffold_must_not_overwrite(f"{tmp_path}/orders_src/app.py"))
    with pytest.raises(InvalidInput) as raised:
        write_scaffold("orders", tmp_path)
    assert raised.value.problems == [expected]
    assert cli.main(["init", "orders", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {expected}\n"
    assert str(expected) == f"NAME: would overwrite {tmp_path}/orders_src/app.py, which exists"
    assert not (tmp_path / "orders.py").exists()
    assert (tmp_path / "orders_src" / "app.py").read_text() == "mine"


def test_init_refuses_a_name_that_cannot_be_both_stack_and_deployment(tmp_path, capsys):
    with pytest.raises(InvalidInput) as raised:
        scaffold_files("my-service", tmp_path)
    assert raised.value.problems == [Problem(Argument("NAME"), msg.must_be_a_scaffold_name("my-service"))]
    assert cli.main(["init", "my-service", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == ("error: NAME: must be 1-29 lower-case letters and digits, starting "
                                       "with a letter, got: 'my-service'\n")
    assert list(Path(tmp_path).iterdir()) == []


def test_init_refuses_a_name_whose_iam_role_would_be_too_long(tmp_path, capsys):
    # <name>-<name>-exec may have 64 characters: 29 is the longest name that fits.
    assert cli.main(["init", "a" * 30, "--dir", str(tmp_path)]) == 2
    assert "must be 1-29 lower-case letters and digits" in capsys.readouterr().err
    assert cli.main(["init", "a" * 29, "--dir", str(tmp_path)]) == 0
    assert cli.main(["synth", str(tmp_path / f"{'a' * 29}.py"), "--out", str(tmp_path / "out")]) == 0


# --- .gitignore: bluegreen's local state never reaches Git -----------------------------------------


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_init_in_a_new_repository_keeps_bluegreen_state_out_of_git(tmp_path, capsys, monkeypatch):
    assert git("init", "-q", cwd=tmp_path).returncode == 0
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")  # from a subfolder: the repository's root gets it
    assert cli.main(["init", "shop"]) == 0
    assert "added /.bluegreen/ to ../.gitignore\n" in capsys.readouterr().out
    state = tmp_path / ".bluegreen"  # as up --local leaves it
    (state / "local").mkdir(parents=True)
    (state / "emulator.json").write_text("{}")
    (state / "emulator.log").write_text("log")
    status = git("status", "--porcelain", "--untracked-files=all", cwd=tmp_path).stdout.splitlines()
    assert sorted(status) == ["?? .gitignore", "?? app/stacks/shop.py", "?? app/stacks/shop_src/app.py"]


def test_init_extends_the_users_gitignore_and_keeps_every_line(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    mine = "# mine\nnode_modules/\n!keep.log\n*.log"  # no final newline
    (tmp_path / ".gitignore").write_text(mine)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init", "shop"]) == 0
    assert (tmp_path / ".gitignore").read_text().startswith(mine + "\n")
    assert (tmp_path / ".gitignore").read_text().endswith("\n/.bluegreen/\n")


@pytest.mark.parametrize("line", [".bluegreen", ".bluegreen/", "/.bluegreen/", ".bluegreen/*", "!.bluegreen/"])
def test_a_gitignore_that_already_names_the_state_folder_is_left_alone(tmp_path, capsys, monkeypatch, line):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(f"dist/\n{line}\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init", "shop"]) == 0
    assert "gitignore" not in capsys.readouterr().out
    assert (tmp_path / ".gitignore").read_text() == f"dist/\n{line}\n"
