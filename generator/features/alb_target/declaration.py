"""What a stack file writes for an Application Load Balancer door: ``AlbTarget``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AlbTarget:
    """The deployment's alias as the one target of a Lambda target group, forwarded to by a rule
    on an existing Application Load Balancer listener (docs/alb-target.md).

    ``listener_arn``: the listener the rule goes on (an ``arn:...:listener/app/...`` of the
    stack's region); the load balancer and listener are not the stack's. ``priority``: the rule's
    place on that listener, 1 to 50,000, unique on it. ``path_patterns`` and ``host_headers``:
    what requests the rule takes (at least one of them; a request must match one value of each
    given). ``multi_value_headers``: the event's headers and query string as lists of values.
    """

    listener_arn: str
    priority: int
    path_patterns: tuple[str, ...] = ()
    host_headers: tuple[str, ...] = ()
    multi_value_headers: bool = False

    def __post_init__(self) -> None:
        # A list written in a stack file is kept as a tuple: the declaration stays hashable and
        # its value is what the user wrote (validation names anything else).
        for name in ("path_patterns", "host_headers"):
            value: Any = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))
