"""Which local program runs a runtime: ``python3.*`` the emulator's own Python, ``nodejs*`` Node.js.

Memory is limited in a way each program survives (docs/aws-rules.md#r71-a-functions-environment):
Python limits its own address space (``RLIMIT_AS``, set by its runner); Node.js reserves far more
address space than it uses and dies under such a limit, so it gets its heap size
(``--max-old-space-size``) instead.
"""

from __future__ import annotations

import shutil
import sys

from .environment import RUNTIME_DIR

PYTHON_PREFIX, NODE_PREFIX = "python3.", "nodejs"


def runs_locally(runtime: object) -> bool:
    """True for a runtime the emulator can run (whatever is installed)."""
    return isinstance(runtime, str) and runtime.startswith((PYTHON_PREFIX, NODE_PREFIX))


class CannotRun(Exception):
    """A runtime the emulator does not run, or whose program is missing; the message says which."""


def command(runtime: str, memory_mb: int) -> list[str]:
    """The runner's command line for ``runtime`` (the result file is added by ``process.run``)."""
    from ...core.messages import local_runtime as msg

    if runtime.startswith(PYTHON_PREFIX):
        # -u: what the handler prints reaches the log even when the process is killed. -S: no site
        # start-up (its .pth files import this project's own finder, two thirds of a run's start);
        # the runner puts the interpreter's site-packages on the path itself.
        return [sys.executable, "-S", "-u", str(RUNTIME_DIR / "python_bootstrap.py")]
    if runtime.startswith(NODE_PREFIX):
        node = shutil.which("node")
        if node is None:
            raise CannotRun(msg.node_is_missing(runtime))
        return [node, f"--max-old-space-size={memory_mb}", str(RUNTIME_DIR / "node_bootstrap.js")]
    raise CannotRun(msg.runtime_cannot_run_locally(runtime))
