"""A content-addressed cache of cdktf's output, so a re-synth that changes no model skips cdktf.

cdktf's run is the expensive part of a synth (seconds), so the cache holds what it writes and is
keyed on what that depends on, never on file timestamps:

- the loaded, validated model (a stack file is Python and may read anything, so we key on what
  it produced, not on its text);
- the installed versions of cdktf, the provider bindings, jsii and constructs;
- a digest of bluegreen's own code and templates (an edited generator is a new generator);
- the mode: a root module per stack, or a child module (``synth --module``: no provider, no
  backend, code under ``path.module``, another README).

Not on the functions' code, nor on the traffic: those change far more often than the model (an
edited handler, ``bluegreen shift``), and neither needs cdktf. cdktf runs with a placeholder
archive per deployment, whose sentinels are derived from the model (``output.code_fill``), so an
entry holds no code: cdktf's manifest and ``cdk.tf.json`` files, the placeholders' empty zips,
and each stack's README (which depends on the model alone). After a hit or a fresh run alike,
``output.folder`` puts the real code in (``code_fill.fill``) and writes the traffic tfvars; a
code-only or traffic-only change is a hit.

An entry is that tree plus a digest of every file in it; an entry whose files no longer match
their digests is treated as a miss and rewritten. Entries are written to a temporary folder and
renamed into place, so a reader never sees half an entry. The cache lives in
``$BLUEGREEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/bluegreen/synth``, else
``~/.cache/bluegreen/synth``; the newest ``KEEP_ENTRIES`` are kept. Pruning deletes only entries
(see ``is_entry``): the folder may be shared, and anything else in it is left alone.

The cache is shared by every checkout on the machine (two with the same model share an entry),
so each entry also records which projects used it: a file per project root in ``users/``.
``clean`` (``bluegreen cache clean``, ``make clean``) takes one project's name off its entries
and deletes those no other project uses; entries of other projects, and entries from before the
records, stay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..core.templating import TEMPLATES_DIR
from ..features.loader import StackFile

KEEP_ENTRIES = 32
PACKAGES = ("cdktf", "cdktf-cdktf-provider-aws", "jsii", "constructs")
_GENERATOR_DIR = Path(__file__).resolve().parent.parent  # the generator package
_TEMPLATES_DIR = TEMPLATES_DIR
_KEY = re.compile(r"[0-9a-f]{64}")  # a cache_key(): the name of every entry


def cache_dir() -> Path:
    configured = os.environ.get("BLUEGREEN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bluegreen" / "synth"


def cache_key(stack_file: StackFile, module: bool = False) -> str:
    """The entry of cdktf's output for ``stack_file``: its model, the installed versions, bluegreen's
    code, and the mode (root modules, or ``synth --module``'s child modules, another output)."""
    digest = hashlib.sha256()
    for part in (model_json(stack_file), json.dumps(installed_versions(), sort_keys=True).encode(),
                 generator_digest().encode(), b"module" if module else b"root"):
        digest.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: parts cannot run together
    return digest.hexdigest()


def model_json(stack_file: StackFile) -> bytes:
    """The validated model as JSON: all that cdktf's output depends on, besides the tools."""
    return json.dumps([dataclasses.asdict(stack) for stack in stack_file.stacks], sort_keys=True, default=str).encode()


def installed_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


@lru_cache(maxsize=1)
def generator_digest() -> str:
    digest = hashlib.sha256()
    files = sorted(p for folder in (_GENERATOR_DIR, _TEMPLATES_DIR) if folder.is_dir()
                   for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".j2"))
    for path in files:
        digest.update(path.relative_to(_GENERATOR_DIR.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def restore(key: str, target: Path, project: Path | None = None) -> bool:
    """Copy entry ``key`` into the empty folder ``target``; False on a miss or a damaged entry.
    ``project``: the root of the project that uses it, recorded for ``clean``."""
    entry = cache_dir() / key
    try:
        expected = json.loads((entry / "digests.json").read_text())
        tree = entry / "tree"
        if _digests(tree) != expected:
            if is_entry(entry):
                shutil.rmtree(entry, ignore_errors=True)  # damaged: drop it, the fresh synth replaces it
            return False
        shutil.copytree(tree, target, dirs_exist_ok=True)
        os.utime(entry)  # recently used: kept longest
        _record_use(entry, project)
        return True
    except (OSError, ValueError):
        return False


def store(key: str, source: Path, project: Path | None = None) -> None:
    """Save the synthesized folder ``source`` as entry ``key``, used by ``project``; a cache that
    fails is only slower."""
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".entry-", dir=root))
        shutil.copytree(source, staging / "tree")
        (staging / "digests.json").write_text(json.dumps(_digests(staging / "tree"), sort_keys=True))
        try:
            staging.rename(root / key)
        except OSError:  # another process stored the same key first: same content by construction
            shutil.rmtree(staging, ignore_errors=True)
        _record_use(root / key, project)
        _prune(root)
    except OSError:
        pass


def _digests(tree: Path) -> dict[str, str]:
    return {p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(tree.rglob("*")) if p.is_file()}


def _prune(root: Path) -> None:
    entries = sorted((p for p in root.iterdir() if is_entry(p)), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        shutil.rmtree(old, ignore_errors=True)


USERS = "users"  # in an entry, beside tree/: one file per project that used it


def user_name(project: Path) -> str:
    """The name of ``project``'s file in an entry's ``users/``: a digest of its absolute path."""
    return hashlib.sha256(str(Path(project).absolute()).encode()).hexdigest()


def _record_use(entry: Path, project: Path | None) -> None:
    if project is None:
        return
    try:
        (entry / USERS).mkdir(exist_ok=True)
        (entry / USERS / user_name(project)).write_text(f"{Path(project).absolute()}\n")  # for people reading it
    except OSError:
        pass  # unrecorded: clean leaves the entry to the pruning of old entries


def clean(project: Path) -> tuple[int, int]:
    """Take ``project`` off every entry it used; delete those that no other project uses.

    Returns (deleted, kept because another project uses them). Entries ``project`` never used,
    and anything that is not an entry, are not touched.
    """
    root, deleted, shared = cache_dir(), 0, 0
    if not root.is_dir():
        return 0, 0
    for entry in sorted(p for p in root.iterdir() if is_entry(p)):
        mark = entry / USERS / user_name(project)
        if not mark.is_file():
            continue
        mark.unlink(missing_ok=True)
        if any((entry / USERS).iterdir()):
            shared += 1
        else:
            shutil.rmtree(entry, ignore_errors=True)
            deleted += 1
    return deleted, shared


def is_entry(path: Path) -> bool:
    """Whether ``path`` is an entry this cache wrote: a key's name, holding ``digests.json`` and ``tree/``.

    ``$BLUEGREEN_CACHE_DIR`` may point at a folder shared with other tools (or be mistyped as
    one): nothing else in it is ever deleted.
    """
    return (_KEY.fullmatch(path.name) is not None and path.is_dir() and not path.is_symlink()
            and (path / "digests.json").is_file() and (path / "tree").is_dir())
