"""``Rollout``: a progressive release of a deployment's newest version, run by AWS Step Functions.

A deployment with a rollout gets, at synthesis, CloudWatch alarms scoped to the version being
rolled out and a state machine that moves the alias through ``steps`` while those alarms stay
quiet (``model.rollout_machine`` writes it; ``synthesis.rollout`` turns it into Terraform).
``bluegreen rollout`` starts and follows an execution, then writes the outcome to the traffic
file. The rules behind it are in docs/aws-rules.md#r47-rollouts-run-by-step-functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Lambda publishes its metrics at one-minute resolution: a shorter alarm period has no data.
ALARM_PERIOD_S = 60
MAX_STEPS = 10  # each step is a handful of states; ten keep the definition readable in a plan


@dataclass(frozen=True)
class Rollout:
    """How green goes from 0 to 100%: ``steps``, a bake after each, alarms that stop it.

    ``steps``: the green weights in order, each above 0 and below 1, rising (``(0.1, 0.5)``);
    100% is implied at the end, when green becomes the primary version. ``bake_s``: how long
    each step holds before the next, in seconds; a whole number of ``check_every_s``, the
    interval at which the alarms are read during the bake. ``max_error_rate``: the green
    version's share of failed invocations (Errors / Invocations over one minute) above which
    its error-rate alarm fires, e.g. ``0.01``.

    Optional, off by default: ``max_p99_ms``, an alarm on green's p99 duration in milliseconds;
    ``max_error_rate_above_blue``, an alarm when green's error rate exceeds blue's by this
    much (so a failing blue does not block a hotfix, and a green worse than blue does not pass);
    ``gate_alarms``, names of existing CloudWatch alarms (metric or composite) that also stop
    the rollout, such as an API Gateway 5XX alarm; ``smoke_event``, a JSON object sent to the
    green version before any traffic: a function error, or an answer with a ``statusCode`` of
    500 or more, stops the rollout before step 1.
    """

    steps: tuple[float, ...] | list[float]
    bake_s: int
    check_every_s: int
    max_error_rate: float
    max_p99_ms: int | None = None
    max_error_rate_above_blue: float | None = None
    gate_alarms: tuple[str, ...] | list[str] = ()
    smoke_event: Mapping[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        for name in ("steps", "gate_alarms"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    @property
    def checks_per_step(self) -> int:
        """How many times the alarms are read during one step's bake (the last at its end)."""
        return self.bake_s // self.check_every_s
