"""``bluegreen up --local`` and ``down``: the example deployed on moto and torn down again."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_example

pytestmark = pytest.mark.terraform
BIN = Path(sys.executable).parent


def bluegreen(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "bluegreen"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_up_deploys_the_example_on_moto_and_down_stops_it(terraform_env, tmp_path):
    stack_file = copy_example(tmp_path)
    env = {k: v for k, v in terraform_env.items() if k != "TF_CLI_CONFIG_FILE"}
    try:
        up = bluegreen("up", str(stack_file), "--local", cwd=tmp_path, env=env)
        assert up.returncode == 0, up.stderr
        endpoint = re.search(r"^moto emulator: (http://127\.0\.0\.1:\d+) \(pid (\d+)\)", up.stdout, re.M)
        assert endpoint, up.stdout
        pid = int(endpoint.group(2))
        assert re.search(r"^hello/hello: alias live -> v1 100%; invoke URL https://\w+\.execute-api\."
                         r"us-east-1\.amazonaws\.com/v1$", up.stdout, re.M), up.stdout
        assert (tmp_path / ".bluegreen/local/stacks/hello/terraform.tfstate").is_file()
        again = bluegreen("up", str(stack_file), "--local", cwd=tmp_path, env=env)
        assert again.returncode == 0, again.stderr
        assert f"(pid {pid})" in again.stdout  # the running emulator is reused
        assert json.loads((tmp_path / ".bluegreen/emulator.json").read_text())["pid"] == pid
    finally:
        down = bluegreen("down", cwd=tmp_path, env=env)
    assert down.returncode == 0 and down.stdout == "moto emulator stopped; local state removed\n"
    _wait_gone(pid)
    assert not (tmp_path / ".bluegreen/local").exists()
    assert bluegreen("down", cwd=tmp_path, env=env).stdout == "no emulator was running\n"


def test_up_requires_local(tmp_path):
    result = bluegreen("up", "stacks/hello.py", cwd=tmp_path, env=dict(os.environ))
    assert result.returncode == 2
    assert "the following arguments are required: --local" in result.stderr


def _wait_gone(pid: int) -> None:
    import time
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return  # a zombie: it has exited, only its parent's bookkeeping remains
        time.sleep(0.1)
    raise AssertionError(f"the moto server (pid {pid}) is still running")


def test_down_never_stops_a_process_that_is_not_the_recorded_emulator(tmp_path):
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        (tmp_path / ".bluegreen").mkdir()
        (tmp_path / ".bluegreen/emulator.json").write_text(json.dumps({"pid": stranger.pid, "endpoint": "http://127.0.0.1:9"}))
        result = bluegreen("down", cwd=tmp_path, env=dict(os.environ))
        assert (result.returncode, result.stdout) == (0, "no emulator was running\n")
        assert stranger.poll() is None
        assert not (tmp_path / ".bluegreen/emulator.json").exists()
    finally:
        stranger.kill()
        stranger.wait()
