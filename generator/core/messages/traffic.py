"""Messages of traffic values and the traffic file (``model.traffic``, ``model.traffic_file``).

Values read from the traffic file are shown as JSON, as the file holds them (``null``, ``"3"``);
a weight typed on the command line is shown as typed (``'25%'``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..values import LARGEST_VERSION

_ENTRY_SHAPE = '{"blue_version": "N" or null, "green_version": "N" or null, "green_weight": 0..1}'
# Weights move in steps of 0.0001: see model.traffic (WEIGHT_DECIMALS).
_ON_THE_GRID = "must be a multiple of 0.0001 (0.01%)"

TRAFFIC_FILE_MUST_BE_A_FILE = "must be a file (the committed traffic file), got: a folder or other"
TRAFFIC_FILE_MUST_NOT_NEST_TOO_DEEPLY = "is nested too deeply to be a traffic file: fix or restore it from Git"


def _json(value: Any) -> str:
    """A value of the traffic file as JSON, shortened past 80 characters."""
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- one deployment's entry of the traffic file --------------------------------------------------


def entry_must_have_the_shape(entry: Any) -> str:
    return f"must be {_ENTRY_SHAPE}, got: {_json(entry)}"


def version_must_be_null_or_a_number(key: str, got: Any) -> str:
    """``key``: ``blue_version`` or ``green_version``."""
    return f"{key} must be null or a version number such as \"3\", got: {_json(got)}"


def version_must_be_at_most_the_largest(key: str, got: str) -> str:
    """A version number of more digits than a Lambda version has (see ``core.values.LARGEST_VERSION``)."""
    return f"{key} must be at most \"{LARGEST_VERSION}\" (a Lambda version number), got: {_json(got)}"


def green_weight_must_be_from_0_to_1(got: Any) -> str:
    return f"green_weight must be a number from 0 to 1, got: {_json(got)}"


def green_weight_must_be_on_the_grid(got: float) -> str:
    return f"green_weight {_ON_THE_GRID}, got: {_json(got)}"


def green_weight_needs_two_pinned_versions(weight: str, entry: Any) -> str:
    """``weight``: the weight as the file writes it (``0.25``)."""
    return (f"green_weight {weight} needs a pinned blue_version and a different green_version (bluegreen shift "
            f"sets them), got: {_json(entry)}")


def green_weight_needs_a_green_version(weight: str) -> str:
    """An entry written before green was pinned; synth refuses it. ``weight`` as the file writes it."""
    return ("has a green weight but no green_version (the format of an earlier bluegreen, where green was the "
            "newest version): run bluegreen shift (it names the newest applied version) or rollback to rewrite "
            f"it, got: green_weight {weight}")


# --- a weight typed on the command line (WEIGHT) -------------------------------------------------


def weight_must_be_from_0_to_1(text: str) -> str:
    return f"must be from 0 to 1 (0% to 100%), got: {text!r}"


def weight_must_be_a_number_or_a_percentage(text: str) -> str:
    return f"must be a number from 0 to 1 (0.25) or a percentage (25%), got: {text!r}"


def weight_must_be_on_the_grid(text: str) -> str:
    return f"{_ON_THE_GRID}, such as 0.0125 or 1.25%, got: {text!r}"


# --- the traffic file ----------------------------------------------------------------------------


def traffic_file_link_must_lead_somewhere(target: str) -> str:
    return f"is a link to {target!r}, which does not exist"


def traffic_file_must_be_json(error: Exception) -> str:
    return f"is not valid JSON ({error}): fix or restore it from Git"


def keys_must_appear_once(keys: Iterable[str]) -> str:
    return f"{', '.join(keys)} appears more than once"


def must_be_an_object_of_deployments(got: Any) -> str:
    return f"must be a JSON object of deployments, got: {_json(got)}"


def must_be_a_deployment_of_the_stack(stack: str, known: Iterable[str]) -> str:
    return f"is not a deployment of stack {stack!r} (known: {', '.join(known)})"
