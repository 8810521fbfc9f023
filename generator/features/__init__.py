"""A deployment's features, one slice each, and the registry the folds go through.

A feature is an optional part of a deployment with resources of its own: a front door
(``Deployment.api``: one door or a list of them, at most one of each kind) or a ``rollout``.
Each is a slice, the one place of its declaration, rules, messages, addresses, synthesis and
outputs, behind the protocol of ``slice``. Registering a slice is one line in ``DOORS`` or
``FEATURES`` below; validation (``validation``), the address registry (``addresses``), the
synthesis of a deployment and its outputs are folds over what ``parts_of`` finds.
"""

from __future__ import annotations

from typing import Any

from ..model.naming import OUTPUTS
from . import alb_target, function_url, http_api, rest_api, rollout
from .doors import doors_of
from .slice import Door, Feature, Part

# The front doors, in the order their outputs and addresses are listed.
DOORS: tuple[Door, ...] = (
    rest_api.FEATURE,
    http_api.FEATURE,
    function_url.FEATURE,
    alb_target.FEATURE,
)
# Every feature: the doors, then those of other fields.
FEATURES: tuple[Feature, ...] = (*DOORS, rollout.FEATURE)


def door_for(value: Any) -> Door | None:
    """The door feature whose declaration ``value`` is, or None."""
    return next((door for door in DOORS if isinstance(value, door.declarations)), None)


def parts_of(deployment: Any) -> list[tuple[Feature, Part]]:
    """Every feature ``deployment`` holds, with its part: its doors (in the order written), then
    its rollout. A value of no door's class is left out: validation reports it."""
    found: list[tuple[Feature, Part]] = list(doors_in(deployment))
    if deployment.rollout is not None:
        found.append((rollout.FEATURE, Part(deployment, deployment.rollout, "rollout")))
    return found


def doors_in(deployment: Any) -> list[tuple[Door, Part]]:
    """The front doors ``deployment`` has, each with its part, in the order written."""
    found = []
    for field, value in doors_of(deployment):
        door = door_for(value)
        if door is not None:
            found.append((door, Part(deployment, value, field)))
    return found


def outputs_of(deployment: Any) -> list[str]:
    """The outputs ``deployment`` has (``what``, for ``naming.output_name``): the base's, then
    each feature's."""
    return [*OUTPUTS, *(what for feature, part in parts_of(deployment) for what in feature.outputs(part))]
