"""The version an alias invoke runs: drawn by the alias's weights, reproducibly (docs/local-code.md).

Lambda picks a version at random for each invoke of a weighted alias
(docs/aws-rules.md#r70-the-version-an-alias-runs). The emulator draws too, but from a seeded
sequence, so that N invokes give the same counts on every run and tests never flake: the n-th
invoke (from 0) of alias A of function F draws ``u``, the first 8 bytes of
``sha256("SEED:F:A:n")`` read as a big-endian integer divided by 2**64 (so 0 <= u < 1). The
additional versions are taken in ascending version order, each over its weight: the first whose
running total of weights exceeds ``u`` runs; past them all, the alias's primary version runs.
SEED is the server's ``BLUEGREEN_EMULATOR_SEED`` (default 0); n counts per server process.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping

SEED_VARIABLE = "BLUEGREEN_EMULATOR_SEED"

_lock = threading.Lock()
_counts: dict[tuple[str, str, str, str], int] = {}


def seed() -> str:
    """The server's seed, as text: ``BLUEGREEN_EMULATOR_SEED`` or ``0``."""
    return os.environ.get(SEED_VARIABLE, "0")


def draw(seed_text: str, function: str, alias: str, n: int) -> float:
    """The n-th draw for ``function``'s ``alias``: a number in [0, 1)."""
    digest = hashlib.sha256(f"{seed_text}:{function}:{alias}:{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pick(primary: str, weights: Mapping[str, float], u: float) -> str:
    """The version that draw ``u`` selects: an additional version by its weight, else ``primary``."""
    total = 0.0
    for version in sorted(weights, key=_version_order):
        total += float(weights[version])
        if u < total:
            return version
    return primary


def next_version(scope: tuple[str, str], function: str, alias: str, primary: str,
                 weights: Mapping[str, float]) -> str:
    """The version the next invoke of ``alias`` runs; ``scope`` is (account, region), so that two
    accounts' functions of one name count apart."""
    key = (*scope, function, alias)
    with _lock:
        n = _counts.get(key, 0)
        _counts[key] = n + 1
    return pick(primary, weights, draw(seed(), function, alias, n)) if weights else primary


def _version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (2**63, version)
