"""Matching a request path to a door's resource paths: ``/orders/{id}``, ``/files/{proxy+}``.

Pure: no moto, no sockets. A template matches when each static part equals the request's,
a ``{name}`` part takes exactly one segment and a greedy ``{name+}`` (last) takes one or more.
Among several matches the most specific wins, part by part from the left: a static part before a
``{name}`` before a greedy one (docs/aws-rules.md#r74-front-door-routing), so ``/orders/new``
beats ``/orders/{id}`` and both beat ``/{proxy+}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

STATIC, PARAMETER, GREEDY = 2, 1, 0


def segments(path: str) -> list[str]:
    """The parts of a path: ``"/a/b/"`` and ``"/a/b"`` give ``["a", "b"]``, ``"/"`` gives ``[]``."""
    return [part for part in path.split("/") if part]


def match(template: str, path: str) -> dict[str, str] | None:
    """The path parameters when ``path`` matches ``template`` (``{}`` for a static match), else None."""
    parts, given = segments(template), segments(path)
    found: dict[str, str] = {}
    for index, part in enumerate(parts):
        if _kind(part) == GREEDY:
            if index != len(parts) - 1 or len(given) <= index:
                return None
            found[part[1:-2]] = unquote("/".join(given[index:]))
            return found
        if index >= len(given):
            return None
        if _kind(part) == PARAMETER:
            found[part[1:-1]] = unquote(given[index])
        elif part != given[index]:
            return None
    return found if len(given) == len(parts) else None


def specificity(template: str) -> tuple[int, ...]:
    """A key that sorts more specific templates higher (compare with ``max``)."""
    return tuple(_kind(part) for part in segments(template)) + (STATIC + 1,)


def best(templates: Iterable[str], path: str) -> tuple[str, dict[str, str]] | None:
    """The most specific of ``templates`` that matches ``path``, with its parameters; None if none does."""
    found = [(specificity(t), t, params) for t in templates if (params := match(t, path)) is not None]
    if not found:
        return None
    _, template, params = max(found, key=lambda item: item[0])
    return template, params


def _kind(part: str) -> int:
    if part.startswith("{") and part.endswith("+}"):
        return GREEDY
    if part.startswith("{") and part.endswith("}"):
        return PARAMETER
    return STATIC
