"""Put a freshly synthesized folder in place, touching only the files synthesis owns.

What synthesis owns: ``manifest.json`` at the top, and in each stack folder ``cdk.tf.json``,
``assets/``, ``README.md`` and ``traffic.auto.tfvars.json`` (a copy of the committed traffic
file). Everything else (``.terraform/``, ``.terraform.lock.hcl``, ``terraform.tfstate*``, a
user's own files, a folder of a stack that left the stack file) is never moved or deleted: it
stays where Terraform expects it, so no crash or failure can strand or lose state.

Each owned entry is swapped by renames within one file system. On a failure the entries already
swapped are put back; after a hard crash the next synth rewrites every owned entry anyway.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from .traffic import TFVARS_NAME

OWNED_BY_SYNTHESIS = frozenset({"cdk.tf.json", "assets", "README.md", TFVARS_NAME})
MANIFEST = "manifest.json"


def replace_output(new: Path, out_dir: Path) -> None:
    """Make the owned entries of the existing folder ``out_dir`` those of ``new``; ``new`` is consumed."""
    trash = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    done: list[tuple[Path, Path, Path | None]] = []  # (new entry, its place, the old entry's parking spot)
    try:
        for source, target in _owned_entries(new, out_dir):
            parked = None
            if target.exists() or target.is_symlink():
                parked = trash / str(len(done))
                target.rename(parked)
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
            done.append((source, target, parked))
    except BaseException:
        for source, target, parked in reversed(done):
            target.rename(source)
            if parked is not None:
                parked.rename(target)
        raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(new, ignore_errors=True)
    _note_retired_stacks(out_dir)


def _owned_entries(new: Path, out_dir: Path):
    yield new / MANIFEST, out_dir / MANIFEST
    for stack_dir in sorted((new / "stacks").iterdir()):
        for entry in sorted(stack_dir.iterdir()):
            if entry.name in OWNED_BY_SYNTHESIS:
                yield entry, out_dir / "stacks" / stack_dir.name / entry.name


def _note_retired_stacks(out_dir: Path) -> None:
    stacks = out_dir / "stacks"
    synthesized = _manifest_stacks(out_dir)
    for folder in sorted(p for p in stacks.iterdir() if p.is_dir()) if stacks.is_dir() else []:
        if folder.name not in synthesized:
            print(f"note: kept {folder.name}/ (no longer in the stack file; its Terraform files "
                  "are left as they were)", file=sys.stderr)


def _manifest_stacks(out_dir: Path) -> set[str]:
    try:
        return set(json.loads((out_dir / MANIFEST).read_text()).get("stacks", {}))
    except (OSError, ValueError, AttributeError, TypeError):
        return set()
