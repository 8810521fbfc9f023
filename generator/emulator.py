"""``bluegreen up --local`` / ``down``: try a stack with no AWS account, on a moto server.

``up`` starts moto on a free loopback port (or reuses the one already running), synthesizes into
``.bluegreen/local`` (kept apart from real output, so emulator state never mixes with production
state), and runs ``terraform init`` and ``apply`` with ``AWS_ENDPOINT_URL`` pointing at moto: the
generated Terraform is exactly the production one. ``down`` stops the server and removes the
emulator's Terraform state, which described resources that no longer exist.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput, Problem, ToolMissing
from .terraform_cli import find_provider_mirror, terraform_binary, write_cli_config

STATE_DIR = Path(".bluegreen")
LOCAL_OUT = STATE_DIR / "local"
STATE_FILE = STATE_DIR / "emulator.json"
LOOPBACK = "127.0.0.1"  # the emulator is only ever bound to and addressed on loopback


@dataclass(frozen=True)
class Emulator:
    pid: int
    endpoint: str


def start_emulator(state_dir: Path = STATE_DIR) -> Emulator:
    """The running emulator recorded in ``state_dir``, or a new moto server on a free port."""
    running = _recorded(state_dir / STATE_FILE.name)
    if running and _answers(running.endpoint):
        return running
    # A new server knows nothing: Terraform state left from an earlier one (say, before a
    # reboot) describes resources that are gone.
    shutil.rmtree(state_dir / LOCAL_OUT.name, ignore_errors=True)
    if importlib.util.find_spec("moto") is None:
        raise ToolMissing("the local emulator needs moto: pip install 'moto[server]'")
    state_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = open(state_dir / "moto.log", "ab")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)  # survives this command; `down` stops it
    emulator = Emulator(process.pid, f"http://{LOOPBACK}:{port}")
    _wait_until_answering(emulator, process)
    (state_dir / STATE_FILE.name).write_text(json.dumps({"pid": emulator.pid, "endpoint": emulator.endpoint}))
    return emulator


def stop_emulator(state_dir: Path = STATE_DIR) -> bool:
    """Stop the recorded emulator and drop its Terraform state; False when none was running."""
    recorded = _recorded(state_dir / STATE_FILE.name)
    # Only a process that still answers as moto on its recorded loopback port is stopped: after a
    # reboot the recorded pid may belong to anything.
    running = recorded is not None and _answers(recorded.endpoint) and _is_moto(recorded.pid)
    if running:
        try:
            os.killpg(recorded.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            running = False
    (state_dir / STATE_FILE.name).unlink(missing_ok=True)
    shutil.rmtree(state_dir / LOCAL_OUT.name, ignore_errors=True)
    return running


def terraform_environment(emulator: Emulator, state_dir: Path = STATE_DIR) -> dict[str, str]:
    """Terraform's environment against the emulator; the provider mirror when one is found."""
    terraform_binary()
    env = dict(os.environ, AWS_ENDPOINT_URL=emulator.endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test",
               # moto answers 500 for what it does not implement: fail fast, do not retry for minutes
               AWS_MAX_ATTEMPTS="2", TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    # The emulator needs only hashicorp/aws: install it from the local mirror when there is one,
    # whatever CLI configuration the user has for real work.
    mirror = find_provider_mirror()
    if mirror:
        env["TF_CLI_CONFIG_FILE"] = str(write_cli_config(state_dir, mirror).absolute())
    return env


def run_terraform(args: list[str], stack_dir: Path, env: dict[str, str]) -> str:
    result = subprocess.run([terraform_binary(), *args, "-no-color"], cwd=stack_dir,
                            env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise InvalidInput(Problem(f"terraform {args[0]}", " ".join(result.stderr.split())[-1500:]))
    return result.stdout


def _recorded(path: Path) -> Emulator | None:
    try:
        data = json.loads(path.read_text())
        return Emulator(int(data["pid"]), str(data["endpoint"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _is_moto(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"moto.server" in command


def _answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)
        return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _wait_until_answering(emulator: Emulator, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ToolMissing(f"the moto server exited at start (exit status {process.returncode}); "
                              "see .bluegreen/moto.log")
        if _answers(emulator.endpoint):
            return
        time.sleep(0.2)
    raise ToolMissing(f"the moto server did not answer on {emulator.endpoint} within 60 s")
