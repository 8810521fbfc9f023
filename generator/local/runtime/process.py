"""One run of a handler: its own process, its own process group, stopped at the function's timeout.

The child is a runner (``python_bootstrap.py`` or ``node_bootstrap.js``) that reads the request on
stdin and writes its outcome to a file of a private temporary folder; what it prints is the run's
log. At the timeout the whole process group is killed (SIGKILL), with whatever the handler started,
as Lambda stops the execution environment. No sandbox beyond that and the memory limit: it is the
user's own code on the user's machine (docs/local-code.md).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOG_DRAIN_S = 5  # how long a killed child's pipe may stay open before its log is given up


@dataclass(frozen=True)
class Run:
    """What the child gave: its outcome (None when it wrote none: killed, crashed or exited early),
    its log, whether it was stopped at the timeout, its exit status and the time it took."""

    outcome: dict[str, Any] | None
    log: str
    timed_out: bool
    returncode: int
    wall_ms: float


def run(command: list[str], env: dict[str, str], cwd: Path, request: dict[str, Any], timeout_s: float) -> Run:
    """Run ``command`` (ending with the runner's result file, added here) in ``cwd`` with exactly
    ``env``, feeding ``request`` as JSON on stdin; kill its process group after ``timeout_s``."""
    with tempfile.TemporaryDirectory(prefix="bluegreen-run-") as folder:
        result_file = Path(folder) / "result.json"
        started = time.monotonic()
        child = subprocess.Popen([*command, str(result_file)], cwd=cwd, env=env, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        timed_out = False
        try:
            log, _ = child.communicate(json.dumps(request).encode(), timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(child.pid)
            log = _rest_of_log(child)
        wall_ms = (time.monotonic() - started) * 1000
        _kill_group(child.pid)  # anything the handler left running in the background
        outcome = None if timed_out else _read(result_file)
    return Run(outcome, log.decode("utf-8", "replace"), timed_out, child.returncode, wall_ms)


def _rest_of_log(child: subprocess.Popen) -> bytes:
    """What the killed child printed; nothing more once a process that left the group (a
    daemon the handler started) keeps the pipe open past a few seconds."""
    try:
        return child.communicate(timeout=LOG_DRAIN_S)[0] or b""
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return b""


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def _read(result_file: Path) -> dict[str, Any] | None:
    try:
        outcome = json.loads(result_file.read_text())
    except (OSError, ValueError):
        return None
    return outcome if isinstance(outcome, dict) else None
