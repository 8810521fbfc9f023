"""A version's code, unpacked once per archive: the folder its handler runs in (``LAMBDA_TASK_ROOT``).

Each archive unpacks into ``CACHE/<CodeSha256>`` (the digest of the zip file, as Lambda reports
it), so two versions with the same code share a folder and a version always runs exactly the code
it published, whatever the working tree holds now. Unpacking goes to a temporary folder first,
renamed into place: a reader never sees half an archive, and two invokes that unpack the same
archive at once both end with one whole folder. The cache is ``BLUEGREEN_EMULATOR_CODE_DIR`` or
a folder of the system's temporary directory, per user.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

CACHE_VARIABLE = "BLUEGREEN_EMULATOR_CODE_DIR"


def cache_dir() -> Path:
    """Where archives unpack: ``BLUEGREEN_EMULATOR_CODE_DIR``, or this process's private folder."""
    configured = os.environ.get(CACHE_VARIABLE)
    return Path(configured) if configured else _private_dir()


@functools.cache
def _private_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="bluegreen-code-"))  # mode 0700, a name nobody can guess


def unpacked(code_sha256: str, archive: bytes) -> Path:
    """The folder that holds ``archive`` (a zip file whose digest is ``code_sha256``), unpacked."""
    cache = cache_dir()
    target = cache / code_sha256.replace("/", "_")  # base64 digests may hold '/'
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=cache))
    try:
        _extract(archive, staging)
        os.replace(staging, target)
    except OSError:
        if not target.is_dir():  # not another invoke that won the race: a real failure
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _extract(archive: bytes, folder: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        for member in bundle.infolist():
            # extract() drops absolute paths and '..': nothing lands outside the folder.
            path = Path(bundle.extract(member, folder))
            mode = member.external_attr >> 16
            if mode and not member.is_dir():
                # Keep the archive's execute bits (a bundled binary), as Lambda does.
                path.chmod(stat.S_IMODE(mode) | stat.S_IRUSR)
