"""Plan text made safe for where the summary writes it: Markdown, mermaid, or a terminal.

A plan is input, and whoever can open a pull request writes it (a ``for_each`` key lands in an
address as is). So everything taken from it is escaped for the form it is written in.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Inline Markdown that plan text could start: code spans, emphasis, links and images, table cells,
# strikethrough, math. Any ASCII punctuation may be backslash-escaped in CommonMark; "<", ">" and
# "&" become entities instead, so no raw HTML (or entity) survives. An "_" between letters or
# digits can neither open nor close emphasis, so aws_lambda_alias stays readable in the source.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*\[\]|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
# Characters that don't print: newlines (would end a table row or start a block), ESC (drives a
# terminal), bidi overrides and zero-width characters (reorder or hide what a reviewer reads).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def markdown_text(value: object) -> str:
    """``value`` as literal Markdown text: safe in a paragraph, a table cell or ``<code>``."""
    return _markdown_text(str(value))


@lru_cache(maxsize=16384)  # a capped render repeats the same rows a dozen times
def _markdown_text(text: str) -> str:
    escaped = html.escape(plain_text(text), quote=False)
    return _MARKDOWN_ACTIVE.sub(lambda match: "\\" + match.group(), escaped)


def mermaid_text(value: object) -> str:
    """``value`` inside a mermaid block: versions and names keep their letters, digits, ``_.-``."""
    return _MERMAID_UNSAFE.sub("?", str(value))


def plain_text(value: object) -> str:
    """``value`` with characters that don't print shown as ``\\uXXXX``."""
    text = str(value)
    if text.isprintable():  # the fast path: every address bluegreen itself generates
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _HIDDEN_CATEGORIES else c for c in text)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
