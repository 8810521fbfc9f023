"""Synthesize a stack file into an output folder, all or nothing, through the synth cache.

The new output is assembled in a scratch folder next to the output (from the cache on a hit,
from cdktf on a miss); only when it is complete does it take the output's place. A failure
leaves the previous output exactly as it was. Files that synthesis does not own (Terraform's
``.terraform/``, lock file, local state, anything a user put there) move into the new output,
so ``terraform plan`` keeps working across re-synths. This module imports no cdktf: a cache hit
never starts Node.js.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import synth_cache
from .errors import InvalidInput, Problem
from .loader import StackFile
from .output_swap import replace_output
from .traffic import TFVARS_NAME, read_traffic, tfvars, traffic_path

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class SynthResult:
    folders: list[Path]   # one stack folder per stack, in stack-file order
    cached: bool          # served from the synth cache


def synthesize(stack_file: StackFile, out_dir: Path, use_cache: bool = True) -> SynthResult:
    """Write ``out_dir/stacks/<stack>/cdk.tf.json`` (and assets, README, traffic) for every stack."""
    out_dir = Path(out_dir).absolute()
    _check_output_folder(out_dir)
    traffic = traffic_files(stack_file)  # a broken traffic file fails here, before any work
    key = synth_cache.cache_key(stack_file, traffic) if use_cache else None
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        cached = key is not None and synth_cache.restore(key, scratch)
        if not cached:
            _fresh_synth(stack_file, scratch, traffic)
            if key is not None:
                synth_cache.store(key, scratch)
        replace_output(scratch, out_dir)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return SynthResult([out_dir / "stacks" / stack.name for stack in stack_file.stacks], cached)


def traffic_files(stack_file: StackFile) -> dict[str, str]:
    """``stacks/<stack>/traffic.auto.tfvars.json`` text per stack, from the committed traffic files."""
    return {f"stacks/{stack.name}/{TFVARS_NAME}": tfvars(stack, read_traffic(traffic_path(stack_file.base_dir, stack), stack))
            for stack in stack_file.stacks}


def _fresh_synth(stack_file: StackFile, scratch: Path, traffic: dict[str, str]) -> None:
    from .stack_readme import render_stack_readme
    from .synthesis.app import synth_into  # cdktf and Node.js start only here

    synth_into(stack_file, scratch)
    for stack in stack_file.stacks:
        (scratch / "stacks" / stack.name / "README.md").write_text(render_stack_readme(stack))
    for relative, text in traffic.items():
        (scratch / relative).write_text(text)


def _check_output_folder(out_dir: Path) -> None:
    # Never replace a folder we did not write: --out pointed at the wrong place must not cost
    # the user their files.
    if out_dir.exists() and (not out_dir.is_dir() or
                             (any(out_dir.iterdir()) and not (out_dir / MANIFEST).is_file())):
        raise InvalidInput(Problem("--out", "must be a new folder or one that bluegreen synthesized "
                                   f"(it has {MANIFEST}), got: {str(out_dir)!r}"))
