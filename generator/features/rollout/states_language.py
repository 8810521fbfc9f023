"""Building blocks of the rollout's state machine in the Amazon States Language, as plain data.

``task`` writes a Task state that calls an AWS SDK action (``arn:aws:states:::aws-sdk:...``),
with its result selected and placed, its retries and a Catch that sends any error on; both the
state machine around the steps (``machine``) and each bake's checks (``gates``)
are made of them (docs/aws-rules.md#r47-rollouts-run-by-step-functions).
"""

from __future__ import annotations

from typing import Any

# A read is retried whatever failed (docs/aws-rules.md#r47-rollouts-run-by-step-functions).
RETRY_READ = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}]


def task(action: str, parameters: dict, selector: dict | None, result_path: str | None, *, next_state: str,
         catch_to: str, retry: list, catch: list | None = None) -> dict:
    """A Task calling ``action`` (``lambda:getAlias``) with ``parameters``; ``selector``: its
    ResultSelector, if any; an error its Retry leaves goes to ``catch`` first, then to
    ``catch_to``, with the error at ``$.error``."""
    state: dict[str, Any] = {"Type": "Task", "Resource": f"arn:aws:states:::aws-sdk:{action}",
                             "Parameters": parameters}
    if selector is not None:
        state["ResultSelector"] = selector
    state["ResultPath"] = result_path
    state["Retry"] = retry
    state["Catch"] = [*(catch or []), {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": catch_to}]
    state["Next"] = next_state
    return state
