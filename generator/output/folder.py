"""Synthesize a stack file into an output folder, all or nothing, through the synth cache.

The new output is assembled in a scratch folder inside the output folder (``.bluegreen-work/``,
on the output's file system, so the swap is renames even when the output folder is a mount
point), in three steps, each from what it depends on:

1. cdktf's output for the model (``cdk.tf.json``, the manifest, each stack's README), from the
   synth cache on a hit, else from a cdktf run with a placeholder for each function's code
   (keyed on the model, the installed versions and bluegreen's code; see ``cache``);
2. the functions' code: each zip, its asset folder, ``filename`` and ``source_code_hash``,
   filled into that tree (see ``code_fill``);
3. each stack's traffic tfvars, from the traffic files.

Steps 2 and 3 run on every path, a cache hit, a fresh run and ``--no-cache`` alike, and take
milliseconds: an edited handler or a ``bluegreen shift`` re-synthesizes without cdktf, and the
output is byte for byte what a ``--no-cache`` synth writes. Only when the new output is complete
does it take the output's place (see ``swap``). A failure leaves the previous output
exactly as it was. Files that synthesis does not own (Terraform's ``.terraform/``, lock file,
local state, anything a user put there) are never touched, so ``terraform plan`` keeps working
across re-synths.

Several stack files may share one output folder: ``manifest.json`` lists every stack and the
stack file it came from (see ``manifest``), and each synth replaces only its own stacks.
``module=True`` (``synth --module``) writes each stack as a child module in ``modules/<stack>/``
instead, through the same steps, with ``traffic.json`` for the traffic (see ``module``).
This module imports no cdktf: a cache hit never starts Node.js.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.layout import (
    CONFIG,
    LOCK,
    MANIFEST,
    MODULE_TRAFFIC,
    README,
    TFVARS,
    WORK,
    OutputLayout,
    module_entry,
    stack_entry,
)
from ..core.messages import output as msg
from ..features.loader import StackFile
from ..features.rollout.rules import refuse_for_aws
from ..model.archive import Archive, build_archive
from ..model.traffic import tfvars
from ..model.traffic_file import read_traffic, traffic_path
from . import cache as synth_cache
from . import code_fill
from . import manifest as output_manifest
from . import module as module_output
from .swap import clear_work, has_journal, make_scratch, recover, replace_output
from .workspace import project_root

# What a folder may hold and still count as new: bluegreen's own files, and the folder a fresh
# ext4 file system has at its root (an output folder may be a mount point).
_AS_GOOD_AS_EMPTY = frozenset({LOCK, WORK, "lost+found"})
_CDKTF_ENVIRONMENT = ("SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON", "CDKTF_OUTDIR", "CDKTF_DISABLE_PLUGIN_CACHE_ENV",
                      "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS")  # set by `cdktf synth`: errors would not raise


@dataclass(frozen=True)
class SynthResult:
    folders: list[Path]   # one stack folder per stack, in stack-file order
    cached: bool          # served from the synth cache


def synthesize(stack_file: StackFile, out_dir: Path, use_cache: bool = True, *,
               traffic_dir: Path | None = None, module: bool = False) -> SynthResult:
    """Write ``out_dir/stacks/<stack>/cdk.tf.json`` (and assets, README, traffic) for every stack.

    ``traffic_dir`` holds the ``<stack>.traffic.json`` files (default: the stack file's folder).
    ``module``: each stack as a child module in ``out_dir/modules/<stack>/`` (see ``module``).
    """
    if module:
        module_output.refuse_module_input(stack_file)
    _refuse_what_only_the_emulator_takes(stack_file)
    out_dir = resolve_output_folder(stack_file, out_dir)
    traffic = traffic_files(stack_file, traffic_dir, module)  # a broken traffic file fails here, before any work
    # Each archive is built once, before any work: its zip and its source_code_hash come from the
    # same bytes even when the code is edited during the synth.
    archives = build_archives(stack_file)
    key = synth_cache.cache_key(stack_file, module) if use_cache else None
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _exclusive(out_dir):
            cached = _synthesize_locked(stack_file, out_dir, archives, traffic, key, module)
    except BaseException:
        if created and [p.name for p in out_dir.iterdir()] == [LOCK]:
            shutil.rmtree(out_dir, ignore_errors=True)  # a first synth that failed leaves nothing
        raise
    return SynthResult([_folder(OutputLayout(out_dir), stack.name, module) for stack in stack_file.stacks], cached)


def _refuse_what_only_the_emulator_takes(stack_file: StackFile) -> None:
    """A synthesis for AWS refuses what only the emulator's immediate metrics make safe
    (``rollout.rules.refuse_for_aws``), before anything is written."""
    if not stack_file.emulator:
        refuse_for_aws((stack.name, d) for stack in stack_file.stacks for d in stack.deployments)


def assemble(stack_file: StackFile, folder: Path, use_cache: bool = True, *,
             traffic_dir: Path | None = None, module: bool = False) -> output_manifest.Manifest:
    """Synthesize into the empty ``folder`` as the output folder lays it out; cdktf's manifest of
    these stacks (``module``: of the modules).

    For ``synth --check``: no output folder is involved, and nothing but ``folder`` is written.
    """
    if module:
        module_output.refuse_module_input(stack_file)
    _refuse_what_only_the_emulator_takes(stack_file)
    traffic = traffic_files(stack_file, traffic_dir, module)
    archives = build_archives(stack_file)
    key = synth_cache.cache_key(stack_file, module) if use_cache else None
    return _assemble(stack_file, folder, archives, traffic, key, module)[1]


def _folder(layout: OutputLayout, stack: str, module: bool) -> Path:
    return layout.module_dir(stack) if module else layout.stack_dir(stack)


def resolve_output_folder(stack_file: StackFile, out_dir: Path) -> Path:
    """The absolute output folder (a symlink's target), refused where writing it would hurt."""
    out_dir = Path(out_dir).absolute()
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()
    for parent in out_dir.parents:
        if parent.exists() and not parent.is_dir():
            raise InvalidInput(Problem(Argument("--out"), msg.out_must_be_a_folder_path(str(parent), str(out_dir))))
    _refuse_foreign(out_dir)
    for stack in stack_file.stacks:
        for deployment in stack.deployments:
            source = (stack_file.base_dir / deployment.function.source).resolve()
            if out_dir.resolve().is_relative_to(source):
                raise InvalidInput(Problem(Argument("--out"), msg.out_must_not_be_in_source(
                    f"{stack.name}/{deployment.name}", str(out_dir))))
    return out_dir


def _refuse_foreign(out_dir: Path) -> None:
    # Never replace files in a folder we did not write: --out pointed at the wrong place must not
    # cost the user their files. Ours: new (as good as empty), or holding bluegreen's manifest or
    # the journal of a synth that was interrupted (which may have parked the manifest).
    if not out_dir.exists():
        return
    if (out_dir.is_dir() and (all(p.name in _AS_GOOD_AS_EMPTY for p in out_dir.iterdir())
                              or output_manifest.read_manifest(out_dir) is not None or has_journal(out_dir))):
        return
    raise InvalidInput(Problem(Argument("--out"), msg.out_must_be_ours(MANIFEST, str(out_dir))))


def build_archives(stack_file: StackFile) -> dict[tuple[str, str], Archive]:
    return {(stack.name, d.name): build_archive(stack_file.base_dir / d.function.source,
                                                at=f"{stack.name}.{d.name}.function.source",
                                                label=str(d.function.source))
            for stack in stack_file.stacks for d in stack.deployments}


def traffic_files(stack_file: StackFile, traffic_dir: Path | None = None, module: bool = False) -> dict[str, str]:
    """``stacks/<stack>/traffic.auto.tfvars.json`` text per stack (``module``: the same text as
    ``modules/<stack>/traffic.json``), from the traffic files in ``traffic_dir`` (default: the
    committed ones, next to the stack file)."""
    folder = stack_file.base_dir if traffic_dir is None else Path(traffic_dir)
    return {module_entry(stack.name, MODULE_TRAFFIC) if module else stack_entry(stack.name, TFVARS):
            tfvars(stack, read_traffic(traffic_path(folder, stack), stack)) for stack in stack_file.stacks}


def _synthesize_locked(stack_file: StackFile, out_dir: Path, archives: dict, traffic: dict[str, str],
                       key: str | None, module: bool) -> bool:
    _refuse_foreign(out_dir)  # again, now that no other synth can change the folder
    previous = output_manifest.read_manifest(out_dir)
    source = output_manifest.stack_file_id(stack_file.path)
    names = [stack.name for stack in stack_file.stacks]
    output_manifest.refuse_claimed(previous, names, source, out_dir, module)
    scratch = make_scratch(out_dir)
    try:
        cached, fresh = _assemble(stack_file, scratch, archives, traffic, key, module)
        # The cache holds cdktf's manifest as it is: the merge depends on the output folder.
        manifest = output_manifest.merged(previous, fresh, source, module)
        OutputLayout(scratch).manifest.write_text(output_manifest.render(manifest))
        replace_output(scratch, out_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name in output_manifest.retired(previous, names, source, module):
        if _folder(OutputLayout(out_dir), name, module).is_dir():
            print(f"note: {msg.kept_retired_stack(module_entry(name) if module else name)}", file=sys.stderr)
    return cached


def _assemble(stack_file: StackFile, folder: Path, archives: dict, traffic: dict[str, str],
              key: str | None, module: bool = False) -> tuple[bool, output_manifest.Manifest]:
    """Fill the empty ``folder``: cdktf's output from the cache (True) or from cdktf (False, and
    stored), then the code and the traffic, which the cache never holds; and cdktf's manifest.
    ``module``: the stack folders then move to ``modules/`` (see ``module``)."""
    stand_ins = code_fill.placeholders(stack_file)
    project = project_root(stack_file.base_dir)  # recorded in the cache entry, for cache clean
    cached = key is not None and synth_cache.restore(key, folder, project)
    if not cached:
        _fresh_synth(stack_file, folder, stand_ins, module)
    if cached or key is None:
        code_fill.fill(folder, stand_ins, archives)
    else:
        # Stored only once the fill has accepted what cdktf wrote: an entry the fill refuses
        # would fail every later synth, --no-cache aside. The tree is small (empty placeholder zips).
        unfilled = Path(tempfile.mkdtemp(prefix="unfilled-", dir=folder.parent))
        try:
            shutil.copytree(folder, unfilled, dirs_exist_ok=True)
            code_fill.fill(folder, stand_ins, archives)
            synth_cache.store(key, unfilled, project)
        finally:
            shutil.rmtree(unfilled, ignore_errors=True)
    fresh = _fresh_manifest(folder)  # read while the stack folders are where it says
    if module:
        module_output.relocate(folder, [stack.name for stack in stack_file.stacks])
    for relative, text in traffic.items():
        (folder / relative).write_text(text)
    return cached, fresh


def _fresh_manifest(folder: Path) -> output_manifest.Manifest:
    manifest = output_manifest.read_manifest(folder)
    if manifest is None:
        raise RuntimeError(f"cdktf wrote a {MANIFEST} of a shape bluegreen does not know, in {folder}")
    return manifest


def _fresh_synth(stack_file: StackFile, scratch: Path, stand_ins: dict, module: bool = False) -> None:
    """cdktf's output for the model, with placeholders for the code, and each stack's (or module's) README."""
    from .readme import render_stack_readme

    # cdktf's Node.js side reads these and would write HCL or change the app's context: the
    # output must depend on the stack file alone (the synth cache keys on nothing else). Node
    # reads its environment once, when jsii starts it (the first synth in a process), so they
    # are withheld for this synth only and the caller's values are back when it returns or
    # raises. A Node.js that a library user's own cdktf app started earlier keeps its own copy.
    withheld = {name: os.environ.pop(name) for name in _CDKTF_ENVIRONMENT if name in os.environ}
    try:
        from ..synthesis.app import synth_into  # cdktf and Node.js start only here

        synth_into(stack_file, scratch, stand_ins, module=module)
    finally:
        os.environ.update(withheld)
    layout = OutputLayout(scratch)
    for stack in stack_file.stacks:
        config = layout.stack_file(stack.name, CONFIG)
        readme = (module_output.render_module_readme(stack, json.loads(config.read_text()))
                  if module else render_stack_readme(stack))
        layout.stack_file(stack.name, README).write_text(readme)


@contextmanager
def _exclusive(out_dir: Path):
    """One synth at a time per output folder; an interrupted one is undone (or finished) first."""
    with open(OutputLayout(out_dir).lock, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        recover(out_dir)
        _clear_old_scratch(out_dir)
        try:
            yield
        finally:
            clear_work(out_dir)


def _clear_old_scratch(out_dir: Path) -> None:
    """Remove the empty scratch folders earlier versions left next to the output (``.<out>.new-*``).

    Names are compared as strings (``--out '*'`` is no pattern), and only empty folders go: a
    full one may hold the only copy of an entry an interrupted swap parked, so the user decides.
    """
    prefixes = (f".{out_dir.name}.new-", f".{out_dir.name}.old-")
    try:
        siblings = [p for p in out_dir.parent.iterdir() if p.name.startswith(prefixes)]
    except OSError:
        return
    for sibling in siblings:
        try:
            if sibling.is_dir() and not sibling.is_symlink():
                sibling.rmdir()
        except OSError:
            pass
