"""Swap a freshly synthesized folder into place, carrying over what synthesis does not own.

What synthesis owns in a stack folder: ``cdk.tf.json``, ``assets/``, ``README.md`` and
``traffic.auto.tfvars.json`` (a copy of the committed traffic file). Anything
else there (``.terraform/``, ``.terraform.lock.hcl``, ``terraform.tfstate*``, a user's own
``*.auto.tfvars.json``) belongs to Terraform or the user and moves into the new output. A stack
folder whose stack left the stack file is kept whole when it holds such files: deleting it could
drop the only state of live infrastructure.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from .traffic import TFVARS_NAME

OWNED_BY_SYNTHESIS = frozenset({"cdk.tf.json", "assets", "README.md", TFVARS_NAME})


def replace_output(new: Path, out_dir: Path) -> None:
    """Make ``new`` the content of ``out_dir``; on any failure put everything back."""
    if not out_dir.exists():
        new.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    old.rmdir()
    out_dir.rename(old)
    moves: list[tuple[Path, Path]] = []
    try:
        for source, target in _carried_over(old / "stacks", new / "stacks"):
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
            moves.append((source, target))
        new.rename(out_dir)
    except BaseException:
        for source, target in reversed(moves):
            target.rename(source)
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _carried_over(old_stacks: Path, new_stacks: Path):
    if not old_stacks.is_dir():
        return
    for old_stack in sorted(old_stacks.iterdir()):
        kept = [entry for entry in sorted(old_stack.iterdir()) if entry.name not in OWNED_BY_SYNTHESIS]
        if not (new_stacks / old_stack.name).exists():
            if kept:
                print(f"note: kept {old_stack.name}/ (no longer in the stack file, but it holds "
                      f"{', '.join(e.name for e in kept)})", file=sys.stderr)
                yield old_stack, new_stacks / old_stack.name
            continue
        for entry in kept:
            yield entry, new_stacks / old_stack.name / entry.name
