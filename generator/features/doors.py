"""What the front doors share: ``Route``, ``Throttle`` and finding a deployment's doors.

A front door is how callers reach a deployment's alias: a REST API, an HTTP API, a function URL
or a load balancer's target group. ``Deployment.api`` holds one door or a list of them, at most
one of each kind; each door is a feature slice of its own (``generator.features.<door>``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..core.errors import Field, Problem
from ..core.fields import Rule, field_problems
from ..core.messages import model as msg
from ..core.values import is_whole_number


@dataclass(frozen=True)
class Route:
    """One API route: an HTTP method and a resource path, both sent to the deployment's alias.

    ``Route("GET", "/orders")``; path parameters as ``/orders/{id}``, a greedy tail as
    ``/files/{proxy+}``. ``method`` may be ``ANY``.

    Per-route overrides of the API's options (the door's options); None, the default, takes
    the door's. ``authorization``: ``"NONE"``, ``"AWS_IAM"``, a ``CognitoAuthorizer`` or
    a ``LambdaAuthorizer``. ``api_key_required``: True or False. ``throttle``: a ``Throttle`` for
    this method alone (docs/aws-rules.md#r41-throttling).
    """

    method: str
    path: str
    authorization: Any = None
    api_key_required: bool | None = None
    throttle: Throttle | None = None

    def __repr__(self) -> str:  # the overrides only when set, so a plain route reads as it is written
        names = ("authorization", "api_key_required", "throttle")
        overrides = "".join(f", {name}={getattr(self, name)!r}" for name in names if getattr(self, name) is not None)
        return f"Route(method={self.method!r}, path={self.path!r}{overrides})"


@dataclass(frozen=True)
class Throttle:
    """A request rate limit (docs/aws-rules.md#r41-throttling).

    ``rate_limit``: steady requests per second (a number from 0; fractions allowed).
    ``burst_limit``: requests allowed at once above the rate (a whole number from 0). Both 0
    refuses every request. Neither can raise the account's own limit (by default 10,000 per
    second and a burst of 5,000 per region), which AWS applies first.
    """

    rate_limit: float
    burst_limit: int



THROTTLE_RULES = (
    Rule("rate_limit", lambda rate: isinstance(rate, (int, float)) and not isinstance(rate, bool)
         and math.isfinite(rate) and rate >= 0, msg.must_be_a_rate_limit),
    Rule("burst_limit", lambda burst: is_whole_number(burst) and burst >= 0, msg.must_be_a_request_count),
)


def throttle_problems(throttle: Any, at: str) -> Iterator[Problem]:
    """A ``Throttle`` or None (docs/aws-rules.md#r41-throttling)."""
    if throttle is None:
        return
    if not isinstance(throttle, Throttle):
        yield Problem(Field(at), msg.must_be_a_throttle_or_none(throttle))
        return
    yield from field_problems(throttle, at, THROTTLE_RULES)


def doors_of(deployment: Any) -> list[tuple[str, Any]]:
    """Each front door of ``deployment`` with its field: ``[("api", door)]`` for one door,
    ``[("api[0]", door), ...]`` for a list; none without ``api``."""
    api = deployment.api
    if api is None:
        return []
    if isinstance(api, (list, tuple)):
        return [(f"api[{index}]", door) for index, door in enumerate(api)]
    return [("api", api)]


def door_of(deployment: Any, kind: type) -> tuple[str, Any] | tuple[None, None]:
    """The field and the door of class ``kind`` that ``deployment`` has, or ``(None, None)``."""
    for field, door in doors_of(deployment):
        if isinstance(door, kind):
            return field, door
    return None, None
