"""Find the files of a function's source folder that belong in its archive, and what is wrong.

The walk is in a fixed order (names sorted at every level) and leaves out local caches and
bluegreen's and Terraform's own files. Symlinks are followed only while they stay inside the
source folder: a link to ``/etc/shadow`` must not ship that file to AWS, and a link that leaves
the folder makes the archive depend on the machine that builds it. A symlinked folder inside
the source is walked like any other folder (``Path.rglob`` skips it, silently dropping code),
and a link back to a folder that contains it is refused instead of walked forever.

Nothing here raises for bad input: each problem comes back as a message (``must ..., got:
...``, from ``core.messages.archive``) that the caller puts under its field path, so validation
reports all of them at once.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..core.messages import archive as msg
from ..core.values import is_utf8

# Caches that appear when the code runs locally, and bluegreen's and Terraform's own files when
# a source folder holds them: zipping any of them would publish a spurious version on every
# synth or traffic change (and ship Terraform state inside the function).
IGNORED_DIRECTORIES = frozenset({"__pycache__", ".git", ".pytest_cache", ".mypy_cache",
                                 "cdktf.out", ".bluegreen", ".terraform"})
IGNORED_SUFFIXES = (".pyc", ".pyo", ".tfstate", ".tfstate.backup", ".traffic.json", ".rollouts.json", ".tfvars.json")
IGNORED_NAMES = frozenset({".DS_Store", ".terraform.lock.hcl"})


@dataclass(frozen=True)
class SourceFile:
    """One file for the archive: its entry name, where to read it, its mode bit, its size."""

    name: str          # POSIX path relative to the source folder: the zip entry's name
    path: Path         # the path to read; a symlink inside the folder is read through
    executable: bool   # any execute bit on the file (the link's target, for a link)
    size: int          # bytes when the folder was walked


@dataclass
class SourceScan:
    """The files of a source folder in zip order, and every problem found on the way."""

    files: list[SourceFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)


def scan_source(folder: Path, label: str | None = None) -> SourceScan:
    """Walk ``folder``; ``label`` is how messages show it (default: the path as given)."""
    root = os.path.realpath(folder)  # links are judged by where they really lead
    walk = _Walk(root, str(folder) if label is None else label)
    walk.folder(Path(folder), "", root, frozenset({root}))
    walk.scan.files.sort(key=lambda f: f.name)
    return walk.scan


def unreadable_problems(files: list[SourceFile], label: str) -> list[str]:
    """A message for each file that cannot be opened for reading, found before any is zipped."""
    problems = []
    for file in files:
        try:
            with file.path.open("rb"):
                pass
        except OSError as error:
            problems.append(read_problem(error, label, file.name, "file"))
    return problems


def read_problem(error: OSError, label: str, name: str, kind: str) -> str:
    """The message for a file or folder the walk or the zip could not read."""
    reason = None if isinstance(error, PermissionError) else str(error.strerror or error)
    return msg.must_hold_only_readable_entries(kind, shown_path(label, name), reason)


def shown_path(label: str, name: str) -> str:
    return label if not name else f"{label.rstrip('/')}/{name}"


class _Walk:
    def __init__(self, root: str, label: str) -> None:
        self.root = root      # the source folder with every symlink resolved
        self.label = label
        self.scan = SourceScan()

    def folder(self, path: Path, prefix: str, real: str, ancestors: frozenset[str]) -> None:
        try:
            with os.scandir(path) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as error:
            self.scan.problems.append(read_problem(error, self.label, prefix.rstrip("/"), "folder"))
            return
        for entry in entries:
            self.entry(entry, prefix + entry.name, os.path.join(real, entry.name), ancestors)

    def entry(self, entry: os.DirEntry, name: str, real: str, ancestors: frozenset[str]) -> None:
        if not is_utf8(entry.name):
            # Zip entry names are UTF-8; a name in another encoding cannot be written faithfully.
            self.scan.problems.append(msg.names_must_be_utf8(os.fsencode(shown_path(self.label, name))))
            return
        is_link = entry.is_symlink()
        try:
            info = os.stat(entry.path)  # follows a symlink to what it points at
        except OSError as error:
            if not _ignored_file(entry.name) and entry.name not in IGNORED_DIRECTORIES:
                self.scan.problems.append(self._broken_link(entry, name) if is_link else
                                          read_problem(error, self.label, name, "file"))
            return
        is_dir = stat.S_ISDIR(info.st_mode)
        if (entry.name in IGNORED_DIRECTORIES) if is_dir else _ignored_file(entry.name):
            return
        if is_link:
            real = os.path.realpath(entry.path)
            if not _inside(real, self.root):
                self.scan.problems.append(msg.must_not_link_outside_the_folder(shown_path(self.label, name), real))
                return
        if is_dir:
            if real in ancestors:
                self.scan.problems.append(msg.must_not_link_to_a_containing_folder(
                    shown_path(self.label, name), os.readlink(entry.path)))
                return
            self.folder(Path(entry.path), name + "/", real, ancestors | {real})
        elif stat.S_ISREG(info.st_mode):
            self.scan.files.append(SourceFile(name, Path(entry.path), bool(info.st_mode & 0o111), info.st_size))
        # Sockets, FIFOs and devices are not code, and reading a FIFO would block: left out.

    def _broken_link(self, entry: os.DirEntry, name: str) -> str:
        try:
            target = os.readlink(entry.path)
        except OSError:
            target = "?"
        return msg.must_not_hold_a_broken_symlink(shown_path(self.label, name), target)


def _ignored_file(name: str) -> bool:
    return name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)
