"""The ``bluegreen`` command: exit codes, messages without tracebacks, and the console script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from generator.cli import program as cli
from generator.core.messages import tools

BIN = Path(sys.executable).parent


def run_main(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_invalid_stack_file_exits_2_listing_every_problem(tmp_path, capsys):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("def handler(e, c): pass\n")
    (tmp_path / "bad.py").write_text(
        "from generator import Deployment, Function, Stack\n"
        "STACKS = [Stack(name='shop', region='us-east-9', deployments=[Deployment(name='orders',\n"
        "    function=Function(source='src', handler='main.handler', runtime='python3.12', memory_mb=64))])]\n")
    code, out, err = run_main(capsys, "synth", str(tmp_path / "bad.py"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err == ("error: 2 problems found:\n"
                   "  shop.region: must be an AWS region such as us-east-1, got: 'us-east-9'\n"
                   "  shop.orders.function.memory_mb: must be between 128 and 10240, got: 64\n")
    assert not (tmp_path / "out").exists()


def test_a_stack_file_that_fails_to_import_exits_2_without_a_traceback(tmp_path, capsys):
    (tmp_path / "broken.py").write_text("import nothing_of_that_name\n")
    code, out, err = run_main(capsys, "synth", str(tmp_path / "broken.py"))
    assert code == 2
    assert "ModuleNotFoundError: No module named 'nothing_of_that_name'" in err
    assert "line 1" in err and "Traceback" not in err


def test_a_missing_stack_file_exits_2(tmp_path, capsys):
    code, _, err = run_main(capsys, "synth", str(tmp_path / "nope.py"))
    assert code == 2
    assert err.startswith("error: STACK_FILE: must be an existing Python file, got: ")


def test_unknown_arguments_exit_2_with_usage(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["synth"])
    assert exited.value.code == 2
    assert "the following arguments are required: STACK_FILE" in capsys.readouterr().err


def test_an_unexpected_failure_exits_1_without_a_traceback(monkeypatch, tmp_path, capsys):
    from generator.cli import commands

    def fail(*args, **kwargs):
        raise OSError("disk on fire")
    monkeypatch.setattr(commands, "synthesize", fail)
    monkeypatch.delenv("BLUEGREEN_DEBUG", raising=False)
    code, _, err = run_main(capsys, "synth", str(EXAMPLE), "--out", str(tmp_path / "out"))
    assert code == 1
    assert err == "unexpected error: OSError: disk on fire\n(set BLUEGREEN_DEBUG=1 for the traceback)\n"


def test_without_nodejs_synth_exits_2_saying_what_to_install(tmp_path):
    env = dict(os.environ, PATH=str(BIN))  # the venv only: no node on PATH
    env.pop("JSII_NODE", None)
    result = subprocess.run([str(BIN / "bluegreen"), "synth", str(EXAMPLE), "--out", str(tmp_path / "out"), "--no-cache"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error: Node.js is required to synthesize (cdktf runs through jsii)")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_console_script_synthesizes_the_example(tmp_path):
    result = subprocess.run([str(BIN / "bluegreen"), "synth", str(EXAMPLE), "--out", str(tmp_path / "out"), "--no-cache"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("synthesized stack hello (1 deployment): out/stacks/hello/cdk.tf.json\n")
    assert result.stderr == ""  # no jsii banners either
    assert (tmp_path / "out" / "stacks" / "hello" / "cdk.tf.json").is_file()


def test_the_model_and_validation_load_without_cdktf():
    code = ("import sys, generator, generator.features.loader, generator.features.validation, generator.cli.program, "
            "generator.terraform.mirror, generator.output.readme\n"
            "generator.features.loader.load_stack_file(sys.argv[1])\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'jsii', 'constructs', 'cdktf_cdktf_provider_aws'))\n"
            "print(loaded)")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_version_prints_the_installed_distributions_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"bluegreen {version('bluegreen')}\n"


def _subparsers(parser):
    import argparse

    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_every_subcommand_has_a_description_and_every_argument_has_help():
    import argparse

    parser = cli.build_parser()
    commands = _subparsers(parser)
    assert set(commands) >= {"synth", "shift", "promote", "rollback", "status", "summary", "init", "up", "down", "env"}
    for name, command in [("bluegreen", parser), *commands.items()]:
        assert command.description and len(command.description) > 20, name
        undocumented = [a.dest for a in command._actions
                        if not isinstance(a, argparse._SubParsersAction) and a.help in (None, "", argparse.SUPPRESS)]
        assert undocumented == [], f"{name}: arguments without help: {undocumented}"


def test_help_shows_defaults_and_documents_every_exit_status(capsys):
    commands = _subparsers(cli.build_parser())
    assert "(default: md)" in commands["summary"].format_help()
    assert "(default: stacks)" in commands["init"].format_help()
    assert "(default: cdktf.out at the project root)" in " ".join(commands["synth"].format_help().split())
    top = cli.build_parser().format_help()
    for line in ("  0    done", "  1    an unexpected error", "  2    invalid input",
                 "  3    an external tool failed", "  130  interrupted"):
        assert f"\n{line}" in top, line


def test_a_failed_external_tool_exits_3_without_a_traceback(monkeypatch, tmp_path, capsys):
    from generator.cli import commands
    from generator.core.errors import ExternalToolFailed

    def fail(*args, **kwargs):
        raise ExternalToolFailed("terraform apply failed (exit status 1) in x: Error: boom")
    monkeypatch.setattr(commands, "synthesize", fail)
    code, _, err = run_main(capsys, "synth", str(EXAMPLE), "--out", str(tmp_path / "out"))
    assert code == 3
    assert err == "error: terraform apply failed (exit status 1) in x: Error: boom\n"


@pytest.mark.parametrize("command", [["up", "STACK", "--local"], ["env", "--local"]])
@pytest.mark.parametrize("missing", ["moto", "boto3"])
def test_up_and_env_without_the_local_extra_exit_2_saying_what_to_install(command, missing, monkeypatch,
                                                                         tmp_path, capsys):
    import importlib.util

    if missing == "moto":
        find_spec = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "moto" else find_spec(name, *a))
    else:
        monkeypatch.setitem(sys.modules, "boto3", None)  # what an uninstalled package looks like to imports
    monkeypatch.chdir(tmp_path)
    argv = [str(EXAMPLE) if arg == "STACK" else arg for arg in command]
    code, out, err = run_main(capsys, *argv)
    assert code == 2
    assert err == f"error: {tools.local_extra_missing(missing.split(' and '))}\n"
    assert err.endswith(f"needs {missing}, which come with bluegreen's local extra: pip install 'bluegreen[local]'\n")
    assert not (tmp_path / ".bluegreen").exists()


def test_ctrl_c_during_a_synth_exits_130_without_a_traceback(tmp_path):
    # A terminal's Ctrl-C reaches the whole process group, jsii's Node.js process included.
    outcomes = []
    for delay in (0.8, 1.6):
        process = subprocess.Popen([str(BIN / "bluegreen"), "synth", str(EXAMPLE), "--no-cache",
                                    "--out", str(tmp_path / f"out{delay}")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=120)
        assert "Traceback" not in err and "unexpected error" not in err, err
        outcomes.append((process.returncode, err))
    assert (130, "interrupted\n") in outcomes, outcomes
    assert all(code in (0, 130) for code, _ in outcomes), outcomes


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    # `bluegreen status ... | head -0`: the output is buffered and written at exit, after the reader
    # has gone; Python would report "Exception ignored ... BrokenPipeError" and exit 120.
    reader, writer = os.pipe()
    os.close(reader)
    result = subprocess.run([str(BIN / "bluegreen"), "status", str(EXAMPLE), "--out", str(tmp_path / "out")],
                            stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(writer)
    assert (result.returncode, result.stderr) == (cli.EXIT_BROKEN_PIPE, "")


def test_a_broken_pipe_that_is_not_stdout_is_still_an_unexpected_error(monkeypatch, capsys):
    # A BrokenPipeError from a pipe to another tool (Node.js, Terraform) must not pass quietly.
    def broken(args):
        raise BrokenPipeError(32, "Broken pipe")
    monkeypatch.setattr(cli.commands, "status_command", broken)
    code, _, err = run_main(capsys, "status", str(EXAMPLE))
    assert code == cli.EXIT_UNEXPECTED
    assert err.startswith("unexpected error: BrokenPipeError")
