"""Small helpers validation uses to test and show the values users wrote."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

# The largest Lambda version number bluegreen takes: a 64-bit signed integer, far above any count
# of publishes (docs/aws-rules.md#r58-version-numbers).
LARGEST_VERSION = 2**63 - 1


def is_one_of(value: Any, allowed: Collection) -> bool:
    """``value in allowed``, False for unhashable values (a list where a name belongs)."""
    try:
        return value in allowed
    except TypeError:
        return False


def is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_utf8(text: str) -> bool:
    """Whether UTF-8 can encode ``text``: names and values decoded with surrogateescape (os.scandir,
    os.environ) hold lone surrogates where their bytes were not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def show(value: Any) -> str:
    """The value as the user would write it in Python, shortened past 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def shortened(text: str, limit: int = 40) -> str:
    """``text`` as Python shows a string (``repr``), cut past ``limit`` characters with its length
    said: a value of thousands of characters never fills an error message."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"
