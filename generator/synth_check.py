"""``bluegreen synth --check``: does the committed output equal what a fresh synth produces?

For repositories that commit the generated folder: CI fails (exit 1) and lists the files that
differ, like ``terraform fmt -check``. Only what synthesis owns is compared; Terraform's working
files are not. Nothing is written to the output folder.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .errors import InvalidInput, Problem
from .loader import StackFile


def stale_files(stack_file: StackFile, out_dir: Path, use_cache: bool = True) -> list[str]:
    """Relative paths that are missing, extra or different in ``out_dir``; empty when current.

    Only the stack file's stacks are compared: the folder of a stack that left the stack file
    is kept on purpose (it may hold state) and is no difference a synth could fix.
    """
    from .output_folder import synthesize
    from .output_swap import MANIFEST, OWNED_BY_SYNTHESIS

    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(Problem("--out", f"must be a folder, got the file: {str(out_dir)!r}"))
    names = {stack.name for stack in stack_file.stacks}
    scratch = Path(tempfile.mkdtemp(prefix="bluegreen-check-"))
    try:
        fresh = scratch / "out"
        synthesize(stack_file, fresh, use_cache=use_cache)
        expected = _owned_files(fresh, MANIFEST, OWNED_BY_SYNTHESIS, names)
        actual = _owned_files(out_dir, MANIFEST, OWNED_BY_SYNTHESIS, names) if out_dir.is_dir() else {}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    names = sorted(set(expected) | set(actual))
    return [name for name in names if expected.get(name) != actual.get(name)]


def _owned_files(out_dir: Path, manifest_name: str, owned: frozenset[str], stacks: set[str]) -> dict[str, bytes]:
    files = {}
    manifest = out_dir / manifest_name
    if manifest.is_file():
        files[manifest_name] = manifest.read_bytes()
    folder = out_dir / "stacks"
    for stack_dir in sorted(folder / name for name in stacks if (folder / name).is_dir()):
        for entry in sorted(stack_dir.iterdir()):
            if entry.name not in owned:
                continue
            paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
            for path in paths:
                files[path.relative_to(out_dir).as_posix()] = path.read_bytes()
    return files
