"""Put a function's reproducible code archive into the synthesized stack folder.

cdktf's own ``TerraformAsset`` zips folders with the current time in every entry, which would
publish a new Lambda version on every synth (AWS-RULES.md 16). We zip with
``generator.archive`` and hand cdktf the finished file: it copies files as they are, under a
path derived from the content, relative to the stack folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from cdktf import AssetType, TerraformAsset
from constructs import Construct

from ..archive import Archive

_build_dir: Path | None = None


def code_asset(scope: Construct, archive: Archive, name: str) -> tuple[str, str]:
    """Register ``archive`` as ``<name>.zip``; return (path for Terraform, source_code_hash)."""
    folder = _scratch() / archive.source_code_hash.replace("/", "_").replace("+", "-")
    folder.mkdir(exist_ok=True)
    zip_path = folder / f"{name}.zip"
    zip_path.write_bytes(archive.data)
    asset = TerraformAsset(scope, "code", path=str(zip_path), type=AssetType.FILE)
    return asset.path, archive.source_code_hash


def _scratch() -> Path:
    # cdktf copies assets when the app synthesizes, after constructs are built; keep the zips
    # until the process ends.
    global _build_dir
    if _build_dir is None:
        _build_dir = Path(tempfile.mkdtemp(prefix="bluegreen-archives-"))
        atexit.register(shutil.rmtree, _build_dir, True)
    return _build_dir
