"""``Rollout``: a progressive release of a deployment's newest version, run by AWS Step Functions.

A deployment with a rollout gets, at synthesis, CloudWatch alarms scoped to the version being
rolled out and a state machine that moves the alias through ``steps`` while those alarms stay
quiet (``rollout.machine`` writes it; ``rollout.synthesis`` turns it into Terraform).
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
# How long CloudWatch may take to count an invocation on AWS, and the least a stack for AWS may
# say (docs/aws-rules.md#r48-alarms-scoped-to-a-version); below it only the emulator, where
# metrics count at once.
METRIC_DELAY_S_DEFAULT = 180
METRIC_DELAY_S_AWS_MIN = 60
MIN_INVOCATIONS_DEFAULT = 50


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

    The gates that hold on AWS, where metrics arrive minutes late
    (docs/aws-rules.md#r47-rollouts-run-by-step-functions): ``metric_delay_s`` (default 180), how
    long CloudWatch may take to count an invocation; every bake must last at least that plus the
    function's timeout, and a stack for AWS may not set it below 60 (only the emulator's
    ``--local`` commands accept less). ``min_invocations`` (default 50): a step passes only once
    green served that many invocations during it; 0, written explicitly, lets a step pass with no
    traffic. ``max_hold_s`` (default ``bake_s``): how long a step may run past its bake waiting
    for them; then the rollout ends ``inconclusive`` and the alias goes back to blue.
    ``final_bake_s`` (default ``bake_s``): how long the gates keep checking after green takes
    100%; a failure then puts the old blue back (``rolled back after promotion``).
    """

    steps: tuple[float, ...] | list[float]
    bake_s: int
    check_every_s: int
    max_error_rate: float
    max_p99_ms: int | None = None
    max_error_rate_above_blue: float | None = None
    gate_alarms: tuple[str, ...] | list[str] = ()
    smoke_event: Mapping[str, Any] | None = field(default=None, hash=False)
    metric_delay_s: int = METRIC_DELAY_S_DEFAULT
    min_invocations: int = MIN_INVOCATIONS_DEFAULT
    max_hold_s: int | None = None
    final_bake_s: int | None = None

    def __post_init__(self) -> None:
        for name in ("steps", "gate_alarms"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    @property
    def hold_s(self) -> int:
        """``max_hold_s``, its default resolved."""
        return self.bake_s if self.max_hold_s is None else self.max_hold_s

    @property
    def final_s(self) -> int:
        """``final_bake_s``, its default resolved."""
        return self.bake_s if self.final_bake_s is None else self.final_bake_s

    @property
    def checks_per_step(self) -> int:
        """How many times the gates are read during one step's bake (the last at its end)."""
        return self.bake_s // self.check_every_s

    @property
    def hold_checks(self) -> int:
        """How many more checks a step may take, past its bake, waiting for ``min_invocations``."""
        return self.hold_s // self.check_every_s

    @property
    def final_checks(self) -> int:
        """How many checks the final bake, at 100%, takes."""
        return self.final_s // self.check_every_s

    @property
    def longest_s(self) -> int:
        """How long the longest rollout bakes: every step held to its limit, then the final bake."""
        return len(self.steps) * (self.bake_s + self.hold_s) + self.final_s

    @property
    def most_checks(self) -> int:
        """The checks of the longest rollout: every step held to its limit, then the final bake."""
        return len(self.steps) * (self.checks_per_step + self.hold_checks) + self.final_checks
