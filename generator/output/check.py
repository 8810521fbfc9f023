"""``bluegreen synth --check``: does the committed output equal what a fresh synth produces?

For repositories that commit the generated folder: CI fails (exit 1) and lists each file that is
missing, extra or different, like ``terraform fmt -check``. Only what this stack file's synth
would write is compared: its stacks' owned files and its part of ``manifest.json`` (another
stack file sharing the folder has its own check). Terraform's working files are not compared.
Code archives are compared by content (entry names, modes and bytes), not by their compressed
bytes, which differ between zlib builds. Nothing is written to the output folder.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.layout import ASSETS, MANIFEST, OWNED_BY_MODULE, OWNED_BY_SYNTHESIS, OutputLayout
from ..core.messages import output as msg
from ..features.loader import StackFile
from ..model.archive import same_archive_content
from . import manifest as output_manifest


@dataclass(frozen=True, order=True)
class Difference:
    path: str   # relative to the output folder, POSIX
    kind: str   # "missing" (not in the output), "extra" (should not be there) or "differs"

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}"


def stale_files(stack_file: StackFile, out_dir: Path, use_cache: bool = True, *,
                traffic_dir: Path | None = None, module: bool = False) -> list[Difference]:
    """What differs between ``out_dir`` and a fresh synth of ``stack_file``, by path; empty when current.

    Only the stack file's stacks are compared: the folder of a stack that left the stack file
    is kept on purpose (it may hold state) and is no difference a synth could fix. ``module``:
    the stack file's child modules (``synth --module``) instead.
    """
    from .folder import assemble

    out_dir = Path(out_dir).absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(Problem(Argument("--out"), msg.out_must_be_a_folder(str(out_dir))))
    names = [stack.name for stack in stack_file.stacks]
    previous = output_manifest.read_manifest(out_dir)
    source = output_manifest.stack_file_id(stack_file.path)
    output_manifest.refuse_claimed(previous, names, source, out_dir, module)
    scratch = Path(tempfile.mkdtemp(prefix="bluegreen-check-"))
    try:
        fresh = assemble(stack_file, scratch, use_cache=use_cache, traffic_dir=traffic_dir, module=module)
        expected = _owned_files(scratch, names, module)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    actual = _owned_files(out_dir, names, module)
    expected_part = output_manifest.part_of(output_manifest.merged(previous, fresh, source, module), source, names,
                                            module)
    differences = _file_differences(expected, actual)
    if not OutputLayout(out_dir).manifest.is_file():
        differences.append(Difference(MANIFEST, "missing"))
    elif previous is None or output_manifest.part_of(previous, source, names, module) != expected_part:
        differences.append(Difference(MANIFEST, "differs"))
    return sorted(differences)


def _file_differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[Difference]:
    differences = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            differences.append(Difference(path, "missing"))
        elif path not in expected:
            differences.append(Difference(path, "extra"))
        elif not _same_content(path, expected[path], actual[path]):
            differences.append(Difference(path, "differs"))
    return differences


def _same_content(path: str, expected: bytes, actual: bytes) -> bool:
    if expected == actual:
        return True
    if path.endswith(".zip") and f"/{ASSETS}/" in path:
        return same_archive_content(expected, actual)
    return False


def _owned_files(out_dir: Path, stacks: list[str], module: bool = False) -> dict[str, bytes]:
    """The files synthesis owns in the named stacks' (``module``: modules') folders, by path
    relative to ``out_dir``."""
    files = {}
    layout = OutputLayout(out_dir)
    folder, owned = (layout.module_dir, OWNED_BY_MODULE) if module else (layout.stack_dir, OWNED_BY_SYNTHESIS)
    for stack_dir in sorted(folder(name) for name in stacks if folder(name).is_dir()):
        for entry in sorted(stack_dir.iterdir()):
            if entry.name not in owned:
                continue
            paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
            for path in paths:
                files[path.relative_to(out_dir).as_posix()] = path.read_bytes()
    return files
