"""Build a function's code archive reproducibly: the same source files give the same zip bytes.

Lambda publishes a new version whenever ``source_code_hash`` changes, so an archive that differs
on every build would publish a version on every apply (hashicorp/terraform-provider-aws#33955,
AWS-RULES.md 16). Entries are sorted, timestamps fixed, modes normalized, and build-machine
paths never enter the zip. Entries are stored, not deflated: deflate's output differs between
zlib builds (zlib-ng, patched or accelerated zlib), and the archive must be the same bytes on
every machine that builds it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

# 1980-01-01, the earliest time a zip entry can hold; any fixed value would do.
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Caches that appear when the code runs locally, and bluegreen's and Terraform's own files when
# a source folder holds them: zipping any of them would publish a spurious version on every
# synth or traffic change (and ship Terraform state inside the function).
IGNORED_DIRECTORIES = frozenset({"__pycache__", ".git", ".pytest_cache", ".mypy_cache",
                                 "cdktf.out", ".bluegreen", ".terraform"})
IGNORED_SUFFIXES = (".pyc", ".pyo", ".tfstate", ".tfstate.backup", ".traffic.json", ".tfvars.json")
IGNORED_NAMES = frozenset({".DS_Store", ".terraform.lock.hcl"})


@dataclass(frozen=True)
class Archive:
    """Zip bytes and Lambda's ``source_code_hash`` for them (base64 of the SHA-256)."""

    data: bytes

    @property
    def source_code_hash(self) -> str:
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()


def source_files(folder: Path) -> list[tuple[str, Path]]:
    """``(name in the zip, file)`` pairs in a fixed order, caches left out."""
    files = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part in IGNORED_DIRECTORIES for part in relative.parts[:-1]):
            continue
        if path.name in IGNORED_NAMES or path.name.endswith(IGNORED_SUFFIXES) or not path.is_file():
            continue
        files.append((relative.as_posix(), path))
    return sorted(files)


def build_archive(folder: Path) -> Archive:
    """Zip ``folder``'s files with fixed timestamps and modes (0644, or 0755 where executable)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, path in source_files(folder):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
            executable = path.stat().st_mode & 0o111
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, so the modes above are read the same everywhere
            zf.writestr(info, path.read_bytes())
    return Archive(buffer.getvalue())
