"""A deployment's traffic as values: blue and green versions and the green weight.

Here are the values and their rules: parsing a weight from the command line or an entry of the
traffic file, formatting it exactly, and the Terraform variables (``traffic.auto.tfvars.json``)
that carry them into the stack folder. Reading and writing the file that keeps them in Git is
``traffic_file``; synthesis needs only these values (the output folder reads the file, then
writes its values as tfvars).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from ..core.errors import InFile, InvalidInput, Problem
from ..core.messages import traffic as msg
from ..core.values import LARGEST_VERSION
from . import naming
from .stack import Stack

VERSION = re.compile(r"[1-9][0-9]*")
# ASCII digits only, a fraction or a percentage: no exponents, signs, "_" or other scripts' digits.
WEIGHT = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)%?")


def is_version(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a published version number: ``"1"`` to ``LARGEST_VERSION``, as text.

    Bounded so that no number of thousands of digits reaches ``int()`` (which refuses more than
    4,300), Terraform or an error message.
    """
    return (isinstance(value, str) and len(value) <= len(str(LARGEST_VERSION)) and VERSION.fullmatch(value) is not None
            and int(value) <= LARGEST_VERSION)


def is_too_large(value: object) -> TypeGuard[str]:
    """Whether ``value`` is written as a version number but is above ``LARGEST_VERSION``."""
    return isinstance(value, str) and VERSION.fullmatch(value) is not None and not is_version(value)


def is_count(text: str) -> bool:
    """Whether ``text`` is a whole number from 0 to ``LARGEST_VERSION`` (a count of versions), ASCII digits only."""
    return (text.isascii() and text.isdigit() and len(text.lstrip("0")) <= len(str(LARGEST_VERSION))
            and int(text) <= LARGEST_VERSION)


@dataclass(frozen=True)
class Traffic:
    """One deployment's traffic, as the traffic file and the Terraform variables hold it.

    ``blue_version`` None means unpinned (blue is then the first version the state published);
    ``green_version`` is the version that gets ``green_weight`` and is None while the weight is 0.
    """

    blue_version: str | None = None
    green_version: str | None = None
    green_weight: float = 0

    def describe(self) -> str:
        """``blue v3, green v4, green weight 0.25`` (no green named while there is none)."""
        blue = f"blue v{self.blue_version}" if self.blue_version else "blue unpinned"
        green = f", green v{self.green_version}" if self.green_version else ""
        return f"{blue}{green}, green weight {format_weight(self.green_weight)}"

    @property
    def phase(self) -> str:
        if self.blue_version is None:
            return "unpinned"
        if self.green_weight == 0:
            return "stable"
        return "green-primary" if self.green_weight == 1 else "canary"


def parse_entry(entry: Any) -> Traffic:
    """One deployment's entry of the traffic file; ``ValueError`` naming the rule it breaks."""
    if not isinstance(entry, dict) or set(entry) - {"blue_version", "green_version", "green_weight"}:
        raise ValueError(msg.entry_must_have_the_shape(entry))
    blue, green = entry.get("blue_version"), entry.get("green_version")
    for key, version in (("blue_version", blue), ("green_version", green)):
        if is_too_large(version):
            raise ValueError(msg.version_must_be_at_most_the_largest(key, version))
        if version is not None and not is_version(version):
            raise ValueError(msg.version_must_be_null_or_a_number(key, version))
    weight = entry.get("green_weight", 0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        raise ValueError(msg.green_weight_must_be_from_0_to_1(weight))
    if not is_exact_weight(weight):
        raise ValueError(msg.green_weight_must_be_on_the_grid(weight))
    if weight > 0 and green is None and "green_version" not in entry:
        # Written by a bluegreen from before green was pinned, in which green was "the newest
        # version". Readable, so rollback and shift can rewrite it; synth refuses it (tfvars).
        return Traffic(blue, None, weight + 0)
    if weight > 0 and (blue is None or green is None or green == blue):
        raise ValueError(msg.green_weight_needs_two_pinned_versions(format_weight(weight), entry))
    return Traffic(blue, green, weight + 0)  # + 0 turns -0.0 into 0.0


def file_name(stack: Stack) -> str:
    """The name of ``stack``'s traffic file: ``<stack>.traffic.json``, next to the stack file."""
    return f"{stack.name}.traffic.json"


def tfvars(stack: Stack, traffic: dict[str, Traffic]) -> str:
    """``traffic.auto.tfvars.json`` for the stack folder: the same values as Terraform variables."""
    values: dict[str, Any] = {}
    for deployment in stack.deployments:
        entry = traffic[deployment.name]
        if entry.green_weight > 0 and entry.green_version is None:
            raise InvalidInput(Problem(InFile(file_name(stack), deployment.name),
                                       msg.green_weight_needs_a_green_version(format_weight(entry.green_weight))))
        values[naming.blue_version_variable(deployment)] = entry.blue_version
        values[naming.green_version_variable(deployment)] = entry.green_version
        values[naming.green_weight_variable(deployment)] = entry.green_weight
    body = ",\n".join(f"  {json.dumps(k)}: {format_weight(v) if isinstance(v, (int, float)) else json.dumps(v)}"
                      for k, v in sorted(values.items()))
    return "{\n" + body + "\n}\n"


# Weights move in steps of 0.0001 (0.01%): every allowed weight is written, shown as a
# percentage and stored as a float exactly, so no weight silently becomes another one
# (0.99999999999999999999 would be 1.0 as a float, and 0.00001 would show as 0%).
WEIGHT_DECIMALS = 4


def parse_weight(text: str) -> float:
    """``0.25`` or ``25%`` -> 0.25; ``ValueError`` naming the rule for anything else."""
    raw = text.strip()
    if raw.startswith("-") and WEIGHT.fullmatch(raw[1:]):
        raise ValueError(msg.weight_must_be_from_0_to_1(text))
    if raw.lower() in ("nan", "inf", "infinity") or raw.lower().rstrip("%") in ("nan", "inf"):
        raise ValueError(msg.weight_must_be_from_0_to_1(text))
    if not WEIGHT.fullmatch(raw):
        raise ValueError(msg.weight_must_be_a_number_or_a_percentage(text))
    value = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
    if not 0 <= value <= 1:
        raise ValueError(msg.weight_must_be_from_0_to_1(text))
    if value != value.quantize(Decimal(1).scaleb(-WEIGHT_DECIMALS)):
        raise ValueError(msg.weight_must_be_on_the_grid(text))
    return float(value)


def is_exact_weight(weight: float) -> bool:
    """True when ``weight`` is on the 0.0001 grid (as the traffic file and Terraform hold it)."""
    value = Decimal(repr(float(weight)))
    return value == value.quantize(Decimal(1).scaleb(-WEIGHT_DECIMALS))


def format_weight(weight: float) -> str:
    """A weight as the shortest exact JSON number: 0, 1, 0.25 (never 0.25000000000000006)."""
    text = repr(float(weight) + 0)  # + 0: never "-0"
    if "e" in text:  # positional, as the file and parse_weight expect: 1e-05 -> 0.00001
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text
