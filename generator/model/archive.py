"""Build a function's code archive reproducibly, and hash it by content, not by zip bytes.

Lambda publishes a new version whenever ``source_code_hash`` changes, so a hash that differs on
every build would publish a version on every apply (docs/aws-rules.md#r16-publish-on-every-change).
Entries are sorted, timestamps fixed, modes normalized (0644, or 0755 where executable), and
build-machine paths never enter the zip.

Entries are deflated at a fixed level: Lambda's limits are 50 MB zipped for a direct upload
and 75 GB of stored code per region, counting every kept version
(docs/aws-rules.md#r23-code-size-and-storage), so storing code uncompressed wastes both.
Deflate's output can differ between zlib builds (zlib-ng, patched or accelerated zlib), so
``source_code_hash`` is computed over the archive's content --
each entry's name, mode and uncompressed bytes, in order -- never over the zip bytes: another
machine's zlib gives other bytes but the same hash, and publishes no new version.
``archive_content_digest`` and ``same_archive_content`` compare committed zips the same way.

The files come from ``archive_source`` (symlinks, caches, unreadable files); every
problem is bad input (``InvalidInput``), never a raw ``OSError``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..core.errors import Field, InFile, InvalidInput, Problem
from ..core.messages import archive as msg
from .archive_source import (
    IGNORED_DIRECTORIES,
    IGNORED_NAMES,
    IGNORED_SUFFIXES,
    SourceFile,
    read_problem,
    scan_source,
    unreadable_problems,
)

__all__ = ["Archive", "build_archive", "source_files", "source_problems", "archive_content_digest",
           "same_archive_content", "MAX_ZIPPED_BYTES", "MAX_UNZIPPED_BYTES", "COMPRESS_LEVEL",
           "IGNORED_DIRECTORIES", "IGNORED_NAMES", "IGNORED_SUFFIXES"]

# Lambda quotas (AWS Lambda developer guide, "Lambda quotas"): "Deployment package (.zip file
# archive) size: 50 MB (zipped, for direct upload), 250 MB (unzipped)"; MB here is MiB.
# Module constants, read at call time, so tests can lower them instead of writing 250 MB.
MAX_ZIPPED_BYTES = 52_428_800
MAX_UNZIPPED_BYTES = 262_144_000
# zlib's own default level: nearly all of level 9's saving at a fraction of its time, and every
# synth builds the archives. Fixed, so one zlib build always gives the same bytes.
COMPRESS_LEVEL = 6
# 1980-01-01, the earliest time a zip entry can hold; any fixed value would do.
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Names the scheme of the content digest, so a future change of it is a deliberate one.
_CONTENT_SCHEME = b"bluegreen archive content v1"


@dataclass(frozen=True)
class Archive:
    """Zip bytes and Lambda's ``source_code_hash`` for them (base64 of a SHA-256 of the content)."""

    data: bytes

    @cached_property
    def source_code_hash(self) -> str:
        return archive_content_digest(self.data)

    @property
    def asset_folder(self) -> str:
        """The folder the zip goes in, under ``assets/<id>/`` of its stack folder: 32 upper-case hex
        digits, as cdktf's own asset hashes look, taken from the content digest, never from the
        zip bytes (which differ between zlib builds, and would move the path with them)."""
        return base64.b64decode(self.source_code_hash).hex().upper()[:32]


def archive_content_digest(zip_bytes: bytes) -> str:
    """Base64 SHA-256 of a zip's content: each entry's name, mode and uncompressed bytes, in order.

    Two zips with the same entries give the same digest whatever compressor (or zlib build)
    wrote them; it is the ``source_code_hash`` of an ``Archive``. Raises ``ValueError`` when
    ``zip_bytes`` is not a readable zip.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
            return _content_digest((info.filename, info.external_attr >> 16, zf.read(info))
                                   for info in zf.infolist())
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as error:
        raise ValueError(msg.not_a_readable_zip(error)) from error


def same_archive_content(first: bytes, second: bytes) -> bool:
    """Whether two zips hold the same entries (names, modes, bytes, order); never raises.

    For ``synth --check``: a committed archive deflated by another zlib build differs in bytes,
    not in content, and is current. Equal bytes are equal; anything that is not a readable zip
    equals only identical bytes.
    """
    if first == second:
        return True
    try:
        return archive_content_digest(first) == archive_content_digest(second)
    except ValueError:
        return False


def source_files(folder: Path) -> list[tuple[str, Path]]:
    """``(name in the zip, file)`` pairs in a fixed order, caches left out; ``InvalidInput``
    when the folder holds something that cannot be archived (see ``source_problems``)."""
    scan = scan_source(folder)
    if scan.problems:
        raise InvalidInput([Problem(InFile(str(folder)), message) for message in scan.problems])
    return [(file.name, file.path) for file in scan.files]


def source_problems(folder: Path, at: str, label: str | None = None) -> list[Problem]:
    """Everything that would stop ``build_archive(folder)``, as problems under the field path ``at``.

    Symlinks leading outside the folder, broken or cyclic links, unreadable files and folders,
    names that are not UTF-8, and Lambda's size limits. ``label`` shows the folder (default:
    the path). The zip is built here only when its size could exceed ``MAX_ZIPPED_BYTES``.
    """
    label = str(folder) if label is None else label
    scan = scan_source(folder, label)
    messages = scan.problems + unreadable_problems(scan.files, label)
    if not messages:
        try:
            _check_unzipped_size(scan.total_size, label, at)
            if _zipped_size_bound(scan.files) > MAX_ZIPPED_BYTES:
                _check_zipped_size(_zip(scan.files, label, at), label, at)
        except InvalidInput as error:
            return error.problems
    return [Problem(Field(at), message) for message in messages]


def build_archive(folder: Path, at: str = "function.source", label: str | None = None) -> Archive:
    """Zip ``folder``'s files: sorted, deflated, fixed timestamps and modes (0644 or 0755).

    Raises ``InvalidInput`` for anything ``source_problems`` reports (validation normally has,
    before this runs), under the field path ``at``, showing the folder as ``label`` (default:
    the path).
    """
    label = str(folder) if label is None else label
    scan = scan_source(folder, label)
    if scan.problems:
        raise InvalidInput([Problem(Field(at), message) for message in scan.problems])
    _check_unzipped_size(scan.total_size, label, at)
    data = _zip(scan.files, label, at)
    _check_zipped_size(data, label, at)
    return Archive(data)


def _zip(files: list[SourceFile], label: str, at: str) -> bytes:
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        for file in files:
            content = _read(file, label, at)
            total += len(content)
            info = zipfile.ZipInfo(file.name, date_time=FIXED_TIMESTAMP)
            info.external_attr = ((0o100755 if file.executable else 0o100644) & 0xFFFF) << 16
            info.create_system = 3  # Unix, so the modes above are read the same everywhere
            zf.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    _check_unzipped_size(total, label, at)  # the files may have grown since the walk
    return buffer.getvalue()


def _read(file: SourceFile, label: str, at: str) -> bytes:
    try:
        with file.path.open("rb") as stream:
            return stream.read()
    except OSError as error:
        raise InvalidInput(Problem(Field(at), read_problem(error, label, file.name, "file"))) from None


def _check_unzipped_size(total: int, label: str, at: str) -> None:
    if total > MAX_UNZIPPED_BYTES:
        raise InvalidInput(Problem(Field(at), msg.must_fit_lambdas_unzipped_limit(MAX_UNZIPPED_BYTES, total, label)))


def _check_zipped_size(data: bytes, label: str, at: str) -> None:
    if len(data) > MAX_ZIPPED_BYTES:
        raise InvalidInput(Problem(Field(at), msg.must_fit_lambdas_zipped_limit(MAX_ZIPPED_BYTES, len(data), label)))


def _zipped_size_bound(files: list[SourceFile]) -> int:
    # Deflate never grows n bytes by more than n/4096 + n/16384 plus a few bytes (zlib's
    # deflateBound); each entry adds two headers of at most 46 bytes plus its name. Generous on
    # purpose: below the bound the zip needs no building to know it fits.
    return 22 + sum(f.size + f.size // 1024 + 2 * len(f.name.encode()) + 256 for f in files)


def _content_digest(entries: Iterable[tuple[str, int, bytes]]) -> str:
    digest = hashlib.sha256()

    def part(value: bytes) -> None:  # length-prefixed: parts cannot run together
        digest.update(len(value).to_bytes(8, "big"))
        digest.update(value)

    part(_CONTENT_SCHEME)
    for name, mode, data in entries:
        part(name.encode())
        part(b"%o" % mode)
        part(data)
    return base64.b64encode(digest.digest()).decode()
