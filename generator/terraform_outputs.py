"""Read a stack folder's Terraform outputs (``terraform output -json``): the live versions.

Used by ``promote`` (which version is green?) and ``status``. A folder with no state yet has no
outputs; that is not an error here, callers decide what it means.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .errors import InvalidInput, Problem
from .terraform_cli import terraform_binary


def read_outputs(stack_dir: Path) -> dict[str, object]:
    """Output name -> value; empty when the folder has no Terraform state."""
    if not _has_state(stack_dir):
        return {}
    try:
        result = subprocess.run([terraform_binary(), "output", "-json", "-no-color"], cwd=stack_dir,
                                capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise InvalidInput(Problem(str(stack_dir), "terraform output -json did not answer in 120 s")) from None
    if result.returncode != 0:
        raise InvalidInput(Problem(str(stack_dir), "terraform output -json failed: "
                                   f"{' '.join(result.stderr.split())[:500]}"))
    try:
        return {name: item.get("value") for name, item in json.loads(result.stdout or "{}").items()}
    except (json.JSONDecodeError, AttributeError):
        raise InvalidInput(Problem(str(stack_dir), "terraform output -json printed something that is not "
                                   "an outputs object")) from None


def _has_state(stack_dir: Path) -> bool:
    state = stack_dir / "terraform.tfstate"
    return stack_dir.is_dir() and state.is_file() and state.stat().st_size > 0
