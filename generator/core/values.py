"""Small helpers validation uses to test and show the values users wrote."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


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
