"""The output folder's ``manifest.json``: cdktf's list of stacks, plus the stack file of each.

cdktf writes ``manifest.json`` with one entry per stack: ``{"name": "hello",
"synthesizedStackPath": "stacks/hello/cdk.tf.json", "workingDirectory": "stacks/hello", ...}``.
Several stack files may share one output folder, so the manifest is a merge: a synth replaces
the entries of its own stack file's stacks and keeps the others'. A ``"bluegreen"`` section names
the stack file each stack came from, as a path relative to the output folder
(``../stacks/hello.py``), which is the same on every machine that checks the repository out.
Child modules (``synth --module``, in ``modules/<name>/``) are not cdktf stacks of the folder:
the section's ``"modules"`` names each one's stack file, and is written only when there are some.

The manifest is also how bluegreen knows a folder is its own: it replaces files only in a folder
whose ``manifest.json`` has that section, or is the plain cdktf manifest written by bluegreen
versions before it (every entry pointing at an existing ``stacks/<name>/cdk.tf.json``). Another
program's ``manifest.json`` (a web app's, say) is neither, and the folder is refused.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Field, InvalidInput, Problem
from ..core.layout import CONFIG, MANIFEST, OutputLayout, stack_entry
from ..core.messages import output as msg

FORMAT = 1
# Names a stack folder can have: never "..", never a path.
_STACK_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Manifest:
    version: str                 # the cdktf version that wrote the newest entries
    stacks: dict[str, dict]      # cdktf's entry per stack name
    # The stack file of each stack (see ``stack_file_id``); a manifest written before bluegreen
    # recorded them has none, and its stacks belong to whichever stack file synthesizes them next.
    stack_files: dict[str, str] = field(default_factory=dict)
    # The stack file of each child module in modules/<name>/ (synth --module), by module name.
    modules: dict[str, str] = field(default_factory=dict)


def read_manifest(folder: Path) -> Manifest | None:
    """``folder``'s manifest if bluegreen wrote it; None when there is none or it is someone else's."""
    try:
        data = json.loads(OutputLayout(folder).manifest.read_text())
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return _parse(data, folder)


def _parse(data: object, folder: Path) -> Manifest | None:
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return None
    stacks = data.get("stacks")
    if not isinstance(stacks, dict) or not all(_is_stack_entry(name, entry) for name, entry in stacks.items()):
        return None
    marker = data.get("bluegreen")
    if marker is None:
        # Earlier versions wrote cdktf's manifest as it is: theirs only when it lists stacks
        # whose Terraform files are there.
        if stacks and all((folder / entry["synthesizedStackPath"]).is_file() for entry in stacks.values()):
            return Manifest(data["version"], stacks)
        return None
    files = marker.get("stackFiles") if isinstance(marker, dict) else None
    if (not isinstance(marker, dict) or marker.get("format") != FORMAT or not isinstance(files, dict)
            or not set(files) <= set(stacks) or not all(isinstance(f, str) for f in files.values())):
        return None
    modules = marker.get("modules", {})
    if not isinstance(modules, dict) or not all(isinstance(name, str) and _STACK_NAME.fullmatch(name)
                                                and isinstance(source, str) for name, source in modules.items()):
        return None
    return Manifest(data["version"], stacks, dict(files), dict(modules))


def _is_stack_entry(name: object, entry: object) -> bool:
    return (isinstance(name, str) and _STACK_NAME.fullmatch(name) is not None and isinstance(entry, dict)
            and entry.get("name") == name
            and entry.get("synthesizedStackPath") == stack_entry(name, CONFIG)
            and entry.get("workingDirectory") == stack_entry(name))


def stack_file_id(stack_file: Path) -> str:
    """How the manifest names a stack file: its POSIX path from the repository root (the nearest
    folder holding ``.git``), else its file name.

    The same wherever the repository is cloned and wherever the output folder is, so a committed
    ``cdktf.out`` is the same bytes on every machine, and no build-machine path enters the output.
    """
    target = Path(os.path.realpath(stack_file))
    for folder in target.parents:
        if (folder / ".git").exists():
            return target.relative_to(folder).as_posix()
    return target.name


def merged(previous: Manifest | None, fresh: Manifest, stack_file: str, module: bool = False) -> Manifest:
    """``previous`` with the stacks of ``stack_file`` replaced by ``fresh``'s (a synth of it).

    ``module``: ``fresh`` is cdktf's manifest of a ``synth --module``, whose stacks become child
    modules; the root stacks stay as they were (and the other way round).
    """
    old = previous or Manifest(fresh.version, {})
    if module:
        others = {name: source for name, source in old.modules.items()
                  if name not in fresh.stacks and source != stack_file}
        return Manifest(fresh.version, dict(old.stacks), dict(old.stack_files),
                        {**others, **dict.fromkeys(fresh.stacks, stack_file)})
    kept = {name: entry for name, entry in old.stacks.items()
            if name not in fresh.stacks and old.stack_files.get(name) != stack_file}
    files = {name: source for name, source in old.stack_files.items() if name in kept}
    return Manifest(fresh.version, {**kept, **fresh.stacks}, {**files, **dict.fromkeys(fresh.stacks, stack_file)},
                    dict(old.modules))


def render(manifest: Manifest) -> str:
    """The file's text: sorted keys, so it is the same bytes whichever stack file synthesized last."""
    marker: dict = {"format": FORMAT, "stackFiles": manifest.stack_files}
    if manifest.modules:
        marker["modules"] = manifest.modules
    data = {"bluegreen": marker, "stacks": manifest.stacks, "version": manifest.version}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def refuse_claimed(previous: Manifest | None, names: list[str], stack_file: str, out_dir: Path,
                   module: bool = False) -> None:
    """Refuse stacks (``module``: child modules) that another stack file already synthesized into
    this output folder.

    Two stack files writing one stack folder would take turns overwriting its Terraform
    (and sharing its state).
    """
    owners = _owners(previous, module)
    claimed = {name: owners[name] for name in names if owners.get(name, stack_file) != stack_file}
    if claimed:
        # The problem is the stack the stack file defines (a field of the model), named as the user
        # reads it; the manifest only says who defined it first.
        manifest = os.path.join(out_dir, MANIFEST)
        raise InvalidInput([Problem(Field(f"stack {name!r}"), msg.stack_must_come_from_one_stack_file(
                                manifest, other, stack_file)) for name, other in sorted(claimed.items())])


def retired(previous: Manifest | None, names: list[str], stack_file: str, module: bool = False) -> list[str]:
    """Stacks (``module``: child modules) that ``stack_file`` synthesized before and defines no longer."""
    return sorted(name for name, source in _owners(previous, module).items()
                  if source == stack_file and name not in names)


def _owners(manifest: Manifest | None, module: bool) -> dict[str, str]:
    """The stack file of each stack (``module``: of each child module) in ``manifest``."""
    if manifest is None:
        return {}
    return manifest.modules if module else manifest.stack_files


def part_of(manifest: Manifest, stack_file: str, names: list[str], module: bool = False) -> dict:
    """What one stack file's synth decides in ``manifest``: ``synth --check`` compares only this."""
    if module:
        mine = sorted(set(names) | {name for name, source in manifest.modules.items() if source == stack_file})
        return {"version": manifest.version, "modules": {name: manifest.modules.get(name) for name in mine}}
    mine = sorted(set(names) | {name for name, source in manifest.stack_files.items() if source == stack_file})
    return {"version": manifest.version, "stacks": {name: manifest.stacks.get(name) for name in mine},
            "stackFiles": {name: manifest.stack_files.get(name) for name in mine}}
