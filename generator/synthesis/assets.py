"""Put a function's reproducible code archive into the synthesized stack folder.

cdktf's own ``TerraformAsset`` zips folders with the current time in every entry, which would
publish a new Lambda version on every synth (docs/aws-rules.md#r16-publish-on-every-change). We
zip with ``model.archive`` and hand cdktf the finished file: it copies files as they are, to
``assets/<id>/<hash>/<name>.zip`` relative to the stack folder. We give cdktf that hash
(``asset_hash``) from the archive's content (``Archive.asset_folder``): cdktf's own is an MD5 of the zip bytes, which
differ between zlib builds, and a path that moves would change the synthesized output on a
machine with another zlib although the code is the same.

Where the zip waits meanwhile: ``TerraformAsset`` looks at its file when it is created and
copies it when its stack synthesizes, whoever calls ``app.synth()`` (bluegreen for a stack file,
or a library user's own app). Each stack gets a temporary folder, and the stack's synthesizer (a
public cdktf hook) is wrapped so that the folder is removed as soon as the stack has synthesized,
copy done. A later synth of the same app writes the zips again, from memory, at the same paths.
A stack that never synthesizes (a build that failed, a tree only inspected) keeps its folder
until ``discard_code_assets`` or, as the fallback, the end of the process.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
import weakref
from pathlib import Path

import jsii
from cdktf import AssetType, IStackSynthesizer, ISynthesisSession, TerraformAsset, TerraformStack
from constructs import Construct

from ..model.archive import Archive

_PREFIX = "bluegreen-archives-"


def code_asset(scope: Construct, archive: Archive, name: str) -> tuple[str, str]:
    """Register ``archive`` as ``<name>.zip``; return (path for Terraform, source_code_hash)."""
    # Named by the zip bytes: two archives of one content but other bytes never share a file
    # before cdktf copies them. Only the temporary folder sees this name.
    zip_path = _stack_archives(TerraformStack.of(scope)).add(
        f"{hashlib.sha256(archive.data).hexdigest()}/{name}.zip", archive.data)
    asset = TerraformAsset(scope, "code", path=str(zip_path), type=AssetType.FILE,
                           asset_hash=archive.asset_folder)
    if TerraformStack.of(scope) in _UNDER_PATH_MODULE:
        return f"${{path.module}}/{asset.path}", archive.source_code_hash
    return asset.path, archive.source_code_hash


def under_path_module(stack: TerraformStack) -> None:
    """Name ``stack``'s code archives from ``${path.module}``: the stack is written as a child module.

    Terraform reads a relative path in a resource argument from its working directory, the root
    module's folder; a child module is called from elsewhere, so its own files are named from
    ``path.module`` (docs/aws-rules.md#r45-child-modules). Call before the deployments are added.
    """
    _UNDER_PATH_MODULE.add(stack)


def discard_code_assets(scope: Construct) -> None:
    """Remove the temporary folders of the stacks in ``scope`` (an app, or a stack) now.

    For a build that failed before its app synthesized; a synth removes them by itself.
    """
    for node in scope.node.find_all():
        archives = _BY_STACK.get(node)
        if archives is not None:
            archives.remove()


class _StackArchives:
    """One stack's zips: the temporary folder they wait in, and their bytes to write them again."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=_PREFIX))
        self.files: dict[str, bytes] = {}
        _LIVE.add(self.folder)

    def add(self, relative: str, data: bytes) -> Path:
        self.files[relative] = data
        return self._write(relative, data)

    def write(self) -> None:
        """Put back what a previous synth removed, at the same paths (cdktf keeps the paths)."""
        if self.folder not in _LIVE:
            # mkdtemp's private mode; a folder someone else made in the meantime is an error.
            self.folder.mkdir(mode=0o700)
            _LIVE.add(self.folder)
        for relative, data in self.files.items():
            self._write(relative, data)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        _LIVE.discard(self.folder)

    def _write(self, relative: str, data: bytes) -> Path:
        path = self.folder / relative
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
        return path


@jsii.implements(IStackSynthesizer)
class _RemovingSynthesizer:
    """The stack's own synthesizer, with its zips written before and removed after each run."""

    def __init__(self, inner: IStackSynthesizer, archives: _StackArchives) -> None:
        self._inner = inner
        self._archives = archives

    def synthesize(self, session: ISynthesisSession) -> None:
        self._archives.write()
        try:
            self._inner.synthesize(session)  # copies every asset of the stack
        finally:
            self._archives.remove()


def _stack_archives(stack: TerraformStack) -> _StackArchives:
    archives = _BY_STACK.get(stack)
    if archives is None:
        archives = _BY_STACK[stack] = _StackArchives()
        stack.synthesizer = _RemovingSynthesizer(stack.synthesizer, archives)
    return archives


def _remove_leftovers() -> None:
    for folder in list(_LIVE):
        shutil.rmtree(folder, ignore_errors=True)


_BY_STACK: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_UNDER_PATH_MODULE: weakref.WeakSet = weakref.WeakSet()  # stacks written as child modules
_LIVE: set[Path] = set()  # temporary folders that exist now
atexit.register(_remove_leftovers)
