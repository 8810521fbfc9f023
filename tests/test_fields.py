"""``core.fields``: a table of one-field rules, checked in its order, each problem at its field."""

from __future__ import annotations

from dataclasses import dataclass

from generator.core.errors import Field, Problem
from generator.core.fields import Rule, field_problems, is_bool, one_of, whole_between


@dataclass(frozen=True)
class Door:
    timeout_s: object = 30
    mode: object = "BUFFERED"
    strict: object = False
    note: object = None


RULES = (Rule("timeout_s", whole_between(1, 30), lambda got: f"must be 1..30, got: {got!r}"),
         Rule("mode", one_of(("BUFFERED", "RESPONSE_STREAM")), lambda got: f"must be a mode, got: {got!r}"),
         Rule("strict", is_bool, lambda got: f"must be True or False, got: {got!r}"),
         Rule("note", lambda got: isinstance(got, str), lambda got: f"must be text, got: {got!r}", optional=True))


def test_a_valid_declaration_has_no_problems():
    assert list(field_problems(Door(), "shop.orders.api", RULES)) == []


def test_every_broken_rule_is_reported_in_the_tables_order_at_its_field():
    found = list(field_problems(Door(timeout_s=True, mode=["BUFFERED"], strict="yes", note=3), "shop.orders.api[1]", RULES))
    assert found == [Problem(Field("shop.orders.api[1].timeout_s"), "must be 1..30, got: True"),
                     Problem(Field("shop.orders.api[1].mode"), "must be a mode, got: ['BUFFERED']"),
                     Problem(Field("shop.orders.api[1].strict"), "must be True or False, got: 'yes'"),
                     Problem(Field("shop.orders.api[1].note"), "must be text, got: 3")]


def test_the_ends_of_a_range_pass_and_one_past_them_fails():
    assert [whole_between(1, 30)(value) for value in (0, 1, 30, 31, 2.0)] == [False, True, True, False, False]
