"""Functions' code put into synthesized output after cdktf, so that new code never waits for cdktf.

cdktf takes seconds; handler code changes far more often than the model (what the stack file
declares). Of everything synthesis writes, only three things depend on a deployment's code: its
zip at ``assets/<id>/<asset folder>/<name>.zip``, and in ``cdk.tf.json`` the ``filename`` naming
that zip and the ``source_code_hash`` (see ``synthesis.assets``). So bluegreen's own synth runs
cdktf with a placeholder archive per deployment (``placeholders``), and ``fill`` then puts the
real code in: it writes the zip into the real asset folder in place of the placeholder's, and
replaces the two placeholder values in ``cdk.tf.json`` as text, which keeps cdktf's bytes as they
are. The fill runs
on every path (a fresh cdktf run, a synth-cache hit, ``--no-cache``, ``synth --check``), so all of
them give the same bytes, and the synth cache stores the tree before the fill, keyed on the
model only (see ``cache``). A library user's own cdktf app never sees a placeholder: its
``BlueGreenDeployment`` registers the real archive (``synthesis.assets.code_asset``).

A placeholder's ``source_code_hash`` is a sentinel shaped like a real one (the base64 of a
SHA-256), so cdktf and ``synthesis.assets`` treat it like any other: its asset folder is 32
upper-case hex digits, and neither needs escaping in a path segment or a JSON string. The
SHA-256 is taken over a digest of the model and the deployment's stack and name: each deployment
has its own sentinel, and no user text in the output can hold one. A sentinel derived from names
alone could be spelled in an environment value, which the fill would then rewrite; this one would
take a text that holds a digest of itself. The fill still checks that each sentinel is found
exactly once where cdktf puts it, and raises rather than write a configuration it is unsure of.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.layout import ASSETS, CONFIG, OutputLayout
from ..features.loader import StackFile
from ..model.archive import Archive
from .cache import model_json

# Names the scheme of the sentinels, so that no other digest of the same parts can equal one.
_SCHEME = b"bluegreen code placeholder v1"

# What a sentinel looks like in cdk.tf.json: a SHA-256's base64 as a whole JSON string, or its
# asset folder as a segment of a path. One scan finds every candidate (see _replace_once_each).
_CANDIDATES = re.compile(rb'"[A-Za-z0-9+/]{43}="|/[0-9A-F]{32}/')

Deployments = Mapping[tuple[str, str], Archive]  # by (stack, deployment), as folder.build_archives


@dataclass(frozen=True)
class Placeholder(Archive):
    """An empty archive standing in for a deployment's code while cdktf runs; its hash is a sentinel."""

    sentinel: str

    @property
    def source_code_hash(self) -> str:  # a given value, not a digest of data
        return self.sentinel


def placeholders(stack_file: StackFile) -> dict[tuple[str, str], Placeholder]:
    """One placeholder per deployment, by (stack, deployment); the same for the same model."""
    model = hashlib.sha256(model_json(stack_file)).digest()
    return {(stack.name, d.name): Placeholder(b"", _sentinel(model, stack.name, d.name))
            for stack in stack_file.stacks for d in stack.deployments}


def _sentinel(model: bytes, stack: str, deployment: str) -> str:
    digest = hashlib.sha256()
    for part in (_SCHEME, model, stack.encode(), deployment.encode()):
        digest.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: parts cannot run together
    return base64.b64encode(digest.digest()).decode()


def fill(folder: Path, stand_ins: Mapping[tuple[str, str], Placeholder], archives: Deployments) -> None:
    """Replace each placeholder in the tree cdktf wrote into ``folder`` with that deployment's archive."""
    layout = OutputLayout(folder)
    for stack in dict.fromkeys(stack for stack, _ in stand_ins):
        swaps = {}
        placed = _asset_folders(layout.stack_file(stack, ASSETS))
        for (in_stack, deployment), stand_in in stand_ins.items():
            if in_stack == stack:
                real = archives[(stack, deployment)]
                _fill_asset(layout.stack_file(stack, ASSETS), placed.get(stand_in.asset_folder, []), stand_in, real)
                # The source_code_hash is a whole JSON string; the asset folder, a segment of filename's path.
                swaps[f'"{stand_in.source_code_hash}"'.encode()] = f'"{real.source_code_hash}"'.encode()
                swaps[f"/{stand_in.asset_folder}/".encode()] = f"/{real.asset_folder}/".encode()
        config = layout.stack_file(stack, CONFIG)
        config.write_bytes(_replace_once_each(config.read_bytes(), swaps, config))


def _replace_once_each(text: bytes, swaps: dict[bytes, bytes], config: Path) -> bytes:
    """``text`` with each key of ``swaps`` replaced by its value, in one pass; each must occur once."""
    found: dict[bytes, int] = dict.fromkeys(swaps, 0)

    def swap(match: re.Match[bytes]) -> bytes:
        if match[0] not in swaps:
            return match[0]
        found[match[0]] += 1
        return swaps[match[0]]

    text = _CANDIDATES.sub(swap, text)
    for old, count in found.items():
        if count != 1:
            raise RuntimeError(f"cdktf wrote the code placeholder {old.decode()} {count} times in {config}, "
                               "where bluegreen expects it once")
    return text


def _asset_folders(assets: Path) -> dict[str, list[Path]]:
    """Every ``assets/<id>/<asset folder>`` by its asset folder's name: one listing per stack,
    not one per deployment (a stack of 100 deployments would list 100 folders 100 times)."""
    found: dict[str, list[Path]] = {}
    for owner in sorted(assets.iterdir()) if assets.is_dir() else []:
        for folder in sorted(owner.iterdir()) if owner.is_dir() else []:
            found.setdefault(folder.name, []).append(folder)
    return found


def _fill_asset(assets: Path, folders: list[Path], stand_in: Placeholder, real: Archive) -> None:
    # cdktf copied the placeholder's empty zip to assets/<id>/<asset folder>/<name>.zip.
    files = list(folders[0].iterdir()) if len(folders) == 1 else []
    if len(files) != 1 or not files[0].is_file() or files[0].stat().st_size != 0:
        raise RuntimeError(f"cdktf did not write the code placeholder {stand_in.asset_folder} as one "
                           f"empty file in {assets}")
    # Written anew rather than renamed: the swap's renames are the only ones in the output folder
    # (tests/test_output_folder.py interrupts them one by one). Modes as cdktf left them.
    target = folders[0].with_name(real.asset_folder)
    target.mkdir()
    shutil.copymode(folders[0], target)
    (target / files[0].name).write_bytes(real.data)
    shutil.copymode(files[0], target / files[0].name)
    files[0].unlink()
    folders[0].rmdir()
