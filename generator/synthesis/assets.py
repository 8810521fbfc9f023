"""Put a function's reproducible code archive into the synthesized stack folder.

cdktf's own ``TerraformAsset`` zips folders with the current time in every entry, which would
publish a new Lambda version on every synth (docs/aws-rules.md#r16-publish-on-every-change). We
zip with ``generator.archive`` and hand cdktf the finished file: it copies files as they are, to
``assets/<id>/<hash>/<name>.zip`` relative to the stack folder. We give cdktf that hash
(``asset_hash``) from the archive's content: cdktf's own is an MD5 of the zip bytes, which
differ between zlib builds, and a path that moves would change the synthesized output on a
machine with another zlib although the code is the same.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import shutil
import tempfile
from pathlib import Path

from cdktf import AssetType, TerraformAsset
from constructs import Construct

from ..archive import Archive

_build_dir: Path | None = None


def code_asset(scope: Construct, archive: Archive, name: str) -> tuple[str, str]:
    """Register ``archive`` as ``<name>.zip``; return (path for Terraform, source_code_hash)."""
    # Named by the zip bytes: two archives of one content but other bytes never share a file
    # before cdktf copies them. Only the scratch folder sees this name.
    folder = _scratch() / hashlib.sha256(archive.data).hexdigest()
    folder.mkdir(exist_ok=True)
    zip_path = folder / f"{name}.zip"
    zip_path.write_bytes(archive.data)
    asset = TerraformAsset(scope, "code", path=str(zip_path), type=AssetType.FILE,
                           asset_hash=asset_hash(archive))
    return asset.path, archive.source_code_hash


def asset_hash(archive: Archive) -> str:
    """The folder name cdktf puts the archive under: 32 upper-case hex digits, as cdktf's own
    hashes look, taken from the content digest (``source_code_hash``), never the zip bytes."""
    return base64.b64decode(archive.source_code_hash).hex().upper()[:32]


def _scratch() -> Path:
    # cdktf copies assets when the app synthesizes, after constructs are built; keep the zips
    # until the process ends.
    global _build_dir
    if _build_dir is None:
        _build_dir = Path(tempfile.mkdtemp(prefix="bluegreen-archives-"))
        atexit.register(shutil.rmtree, _build_dir, True)
    return _build_dir
