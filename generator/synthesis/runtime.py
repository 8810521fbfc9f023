"""Prepare the process for cdktf: check that Node.js is there and keep jsii's banners quiet.

cdktf is a TypeScript library driven from Python through jsii, which starts a Node.js process on
first use. Without Node.js, jsii fails deep inside an import with a long traceback; we check
first and say what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from ..errors import ToolMissing

NODE_MISSING = ("Node.js is required to synthesize (cdktf runs through jsii): install it "
                "(Debian: apt-get install nodejs) or point JSII_NODE at a node binary")


def prepare_jsii() -> None:
    """Raise ``ToolMissing`` when Node.js is absent; silence jsii's Node end-of-life banner."""
    node = os.environ.get("JSII_NODE") or shutil.which("node")
    if not node or not shutil.which(node):
        raise ToolMissing(NODE_MISSING)
    major = _node_major(node)
    # jsii prints a page-wide banner on every run for Node releases past end of life; it says
    # nothing about our output and buries real messages. The variable lists majors to silence.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", major)
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


def _node_major(node: str) -> str:
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        raise ToolMissing(f"{NODE_MISSING} ({node} --version failed: {error})") from None
    return version.lstrip("v").split(".")[0]
