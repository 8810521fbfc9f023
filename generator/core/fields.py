"""Field rules as data: a declaration's simple rules in one table, checked by one loop.

Most of a declaration's rules say one thing about one field: it is a whole number in a range,
one of a few words, text matching a pattern, a list of such. Written by hand, each is the same
``isinstance`` preamble and a ``Problem(Field(f"{at}.name"), msg...)``; as a ``Rule``, it is one
line that names the field, the test and the message (from the feature's catalogue), and
``field_problems`` reports every field that breaks its rule, in the table's order. Rules between
fields (a timeout against the function's) stay code, next to the table.

Why not pydantic or attrs: validation here reports every problem at once, each at a path and
with a text a test imports, and never converts a value; both libraries would need adapters for
that, and pydantic alone costs more to import than the rest of validation (docs/layout.md has
the measurement). This module imports only the standard library and ``core``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import Field, Problem
from .values import is_one_of, is_whole_number


@dataclass(frozen=True)
class Rule:
    """``field`` (an attribute of the declaration) must pass ``test``; else ``message(value)``.

    ``optional``: None passes (the field's default says "not set").
    """

    field: str
    test: Callable[[Any], bool]
    message: Callable[[Any], str]
    optional: bool = False


def field_problems(value: Any, at: str, rules: Iterable[Rule]) -> Iterator[Problem]:
    """One problem for each field of ``value`` that breaks its rule, at ``f"{at}.{field}"``."""
    for rule in rules:
        got = getattr(value, rule.field)
        if got is None and rule.optional:
            continue
        if not rule.test(got):
            yield Problem(Field(f"{at}.{rule.field}"), rule.message(got))


# --- the tests rules are made of -----------------------------------------------------------------

def whole_between(low: int, high: int) -> Callable[[Any], bool]:
    """A whole number (not a bool) from ``low`` to ``high``."""
    return lambda value: is_whole_number(value) and low <= value <= high


def one_of(allowed: Collection) -> Callable[[Any], bool]:
    return lambda value: is_one_of(value, allowed)


def is_bool(value: Any) -> bool:
    return isinstance(value, bool)
