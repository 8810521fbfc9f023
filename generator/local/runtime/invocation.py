"""What one invoke gave (its own module: ``invoking`` uses it without importing the package)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Invocation:
    """What one invoke of a function gave, as Lambda's Invoke answers it.

    ``status_code``: 200 for a run (also when the function failed), 202 for an ``Event`` invoke;
    ``payload``: what the handler returned, as JSON bytes, or Lambda's error payload;
    ``function_error``: ``"Unhandled"`` when the handler raised, timed out or its process died,
    else None; ``executed_version``: the version that ran (``"$LATEST"``, ``"3"``);
    ``log_tail``: the run's log, its last 4 KB (what ``LogType=Tail`` returns, decoded);
    ``duration_ms``: how long the handler ran.
    """

    status_code: int
    payload: bytes
    function_error: str | None
    executed_version: str
    log_tail: str
    duration_ms: float
