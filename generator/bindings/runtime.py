"""Start cdktf's Node.js process: check that Node.js is there and keep jsii's banners quiet,
without changing the caller's environment.

cdktf is a TypeScript library driven from Python through jsii. jsii starts one Node.js process
per Python process, on the first import of a jsii library (``import cdktf`` loads cdktf's
assembly), and that process keeps a copy of the environment as it was then. Hence:

- Node.js is looked for just before that start, and only then: without it, jsii fails deep
  inside an import with a long traceback; we say what to install. When cdktf is imported
  already (a library user's app imported it first), Node.js is running and nothing is checked,
  run or changed.
- jsii prints a page-wide banner on every run for Node releases past end of life (or
  deprecated); it says nothing about our output and buries real messages. Two variables
  silence it, and the Node process reads them when it starts. We set each only when the user
  has not (their value wins, even an empty one that asks for the banner), only around the
  import that starts Node, and remove them right after: ``os.environ`` is the user's again
  while Node keeps the quiet copy it started with. Keeping them for the whole synth would
  change nothing, as Node never reads its environment again, so the import is the scope.
- Nothing else is touched here. A library user's app, run by ``cdktf synth``, relies on the
  ``CDKTF_*`` variables the CLI passes to that same Node process; only bluegreen's own
  stack-file synth withholds them (``output.folder``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ..core.errors import ToolMissing
from ..core.messages import tools

# The Node majors whose end-of-life banner is silenced (a comma-separated list), and any
# value to silence the deprecation one.
SILENCE_END_OF_LIFE = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
SILENCE_DEPRECATED = "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"


def import_cdktf() -> None:
    """Import cdktf, which starts jsii's Node.js process: ``ToolMissing`` without Node.js."""
    if "cdktf" in sys.modules:
        return
    with quiet_jsii_start():
        import cdktf  # noqa: F401  (jsii starts Node.js here, with the environment as it is now)


@contextmanager
def quiet_jsii_start() -> Iterator[None]:
    """Around the start of jsii's Node.js: check for it, and silence its release banners."""
    node = find_node()
    quiet = {SILENCE_DEPRECATED: "1"}
    if SILENCE_END_OF_LIFE not in os.environ:  # `node --version` starts a process: only when needed
        quiet[SILENCE_END_OF_LIFE] = _node_major(node)
    with environment_defaults(quiet):
        yield


def find_node() -> str:
    """The node binary jsii will run (``JSII_NODE``, else ``node`` on PATH); ``ToolMissing`` if none."""
    node = os.environ.get("JSII_NODE") or shutil.which("node")
    if not node or not shutil.which(node):
        raise ToolMissing(tools.NODE_MISSING)
    return node


@contextmanager
def environment_defaults(values: Mapping[str, str]) -> Iterator[None]:
    """Set the variables of ``values`` that are unset; afterwards, remove exactly those again."""
    added = [name for name in values if name not in os.environ]
    for name in added:
        os.environ[name] = values[name]
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _node_major(node: str) -> str:
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        raise ToolMissing(tools.node_version_failed(node, error)) from None
    return version.lstrip("v").split(".")[0]
