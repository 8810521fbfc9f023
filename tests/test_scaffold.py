"""``bluegreen init NAME``: the scaffold, which is also how the example was made."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from generator import InvalidInput, Problem
from generator.cli import program as cli
from generator.cli.scaffold import scaffold_files, write_scaffold
from generator.core.errors import Argument
from generator.core.messages import cli as msg
from generator.model.loader import load_stack_file


def test_init_hello_reproduces_the_shipped_example(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init", "hello"]) == 0
    assert capsys.readouterr().out == ("wrote stacks/hello.py\nwrote stacks/hello_src/app.py\n"
                                       "next: bluegreen synth stacks/hello.py\n")
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
