"""Synthesize a stack file into an output folder, all or nothing, through the synth cache.

The new output is assembled in a scratch folder next to the output (from the cache on a hit,
from cdktf on a miss); only when it is complete does it take the output's place. A failure
leaves the previous output exactly as it was. Files that synthesis does not own (Terraform's
``.terraform/``, lock file, local state, anything a user put there) move into the new output,
so ``terraform plan`` keeps working across re-synths. This module imports no cdktf: a cache hit
never starts Node.js.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import synth_cache
from .archive import Archive, build_archive
from .errors import InvalidInput, Problem
from .loader import StackFile
from .output_swap import MANIFEST, replace_output
from .traffic import TFVARS_NAME, read_traffic, tfvars, traffic_path

LOCK = ".bluegreen.lock"
_CDKTF_ENVIRONMENT = ("SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON", "CDKTF_OUTDIR", "CDKTF_DISABLE_PLUGIN_CACHE_ENV")


@dataclass(frozen=True)
class SynthResult:
    folders: list[Path]   # one stack folder per stack, in stack-file order
    cached: bool          # served from the synth cache


def synthesize(stack_file: StackFile, out_dir: Path, use_cache: bool = True) -> SynthResult:
    """Write ``out_dir/stacks/<stack>/cdk.tf.json`` (and assets, README, traffic) for every stack."""
    out_dir = resolve_output_folder(stack_file, out_dir)
    traffic = traffic_files(stack_file)  # a broken traffic file fails here, before any work
    # Each archive is built once and used for both the cache key and the output, so code edited
    # during a synth can never be stored under the key of other code.
    archives = build_archives(stack_file)
    key = synth_cache.cache_key(stack_file, archives, traffic) if use_cache else None
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _exclusive(out_dir):
            scratch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
            try:
                cached = key is not None and synth_cache.restore(key, scratch)
                if not cached:
                    _fresh_synth(stack_file, scratch, archives, traffic)
                    if key is not None:
                        synth_cache.store(key, scratch)
                replace_output(scratch, out_dir)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    except BaseException:
        if created and [p.name for p in out_dir.iterdir()] == [LOCK]:
            shutil.rmtree(out_dir, ignore_errors=True)  # a first synth that failed leaves nothing
        raise
    return SynthResult([out_dir / "stacks" / stack.name for stack in stack_file.stacks], cached)


def resolve_output_folder(stack_file: StackFile, out_dir: Path) -> Path:
    """The absolute output folder (a symlink's target), refused where writing it would hurt."""
    out_dir = Path(out_dir).absolute()
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()
    for parent in out_dir.parents:
        if parent.exists() and not parent.is_dir():
            raise InvalidInput(Problem("--out", f"must be a folder path, but {str(parent)!r} is a file, "
                                       f"got: {str(out_dir)!r}"))
    # Never replace a folder we did not write: --out pointed at the wrong place must not cost
    # the user their files.
    if out_dir.exists() and (not out_dir.is_dir() or
                             (any(p.name != LOCK for p in out_dir.iterdir()) and not (out_dir / MANIFEST).is_file())):
        raise InvalidInput(Problem("--out", "must be a new folder or one that bluegreen synthesized "
                                   f"(it has {MANIFEST}), got: {str(out_dir)!r}"))
    for stack in stack_file.stacks:
        for deployment in stack.deployments:
            source = (stack_file.base_dir / deployment.function.source).resolve()
            if out_dir.resolve().is_relative_to(source):
                raise InvalidInput(Problem("--out", f"must not be inside the source folder of {stack.name}/"
                                           f"{deployment.name} (the output would be zipped into the "
                                           f"function), got: {str(out_dir)!r}"))
    return out_dir


def build_archives(stack_file: StackFile) -> dict[tuple[str, str], Archive]:
    return {(stack.name, d.name): build_archive(stack_file.base_dir / d.function.source)
            for stack in stack_file.stacks for d in stack.deployments}


def traffic_files(stack_file: StackFile) -> dict[str, str]:
    """``stacks/<stack>/traffic.auto.tfvars.json`` text per stack, from the committed traffic files."""
    return {f"stacks/{stack.name}/{TFVARS_NAME}": tfvars(stack, read_traffic(traffic_path(stack_file.base_dir, stack), stack))
            for stack in stack_file.stacks}


def _fresh_synth(stack_file: StackFile, scratch: Path, archives: dict, traffic: dict[str, str]) -> None:
    from .stack_readme import render_stack_readme

    # cdktf's Node.js side reads these and would write HCL or change the app's context: the
    # output must depend on the stack file alone (the synth cache keys on nothing else).
    for name in _CDKTF_ENVIRONMENT:
        os.environ.pop(name, None)
    from .synthesis.app import synth_into  # cdktf and Node.js start only here

    synth_into(stack_file, scratch, archives)
    for stack in stack_file.stacks:
        (scratch / "stacks" / stack.name / "README.md").write_text(render_stack_readme(stack))
    for relative, text in traffic.items():
        (scratch / relative).write_text(text)


@contextmanager
def _exclusive(out_dir: Path):
    """One synth at a time per output folder; leftovers of a crashed one are cleared first."""
    with open(out_dir / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in out_dir.parent.glob(f".{out_dir.name}.[no][el][wd]-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # only ever scratch copies of owned files
        yield
