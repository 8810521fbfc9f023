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
# How long CloudWatch may take to count an invocation on AWS, and the least a stack for AWS may
# say (docs/aws-rules.md#r48-alarms-scoped-to-a-version); below it only the emulator, where
# metrics count at once.
METRIC_DELAY_S_DEFAULT = 180
METRIC_DELAY_S_AWS_MIN = 60
MIN_INVOCATIONS_DEFAULT = 50
# How long a rollout waits for green's provisioned concurrency to be READY before each weight
# (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout): AWS allocates it in minutes,
# and a SAM user saw 15 environments take about 15.
WARM_TIMEOUT_S_DEFAULT = 1200


@dataclass(frozen=True)
class Step:
    """One step of a rollout with its own bake: green takes ``weight`` (above 0, below 1) for
    ``bake_s`` seconds, a whole number of the rollout's ``check_every_s``
    (docs/aws-rules.md#r78-per-step-bakes). ``Rollout(steps=(Step(0.01, 3600), 0.5), bake_s=300, ...)``:
    1% for an hour, then 50% for the rollout's ``bake_s``."""

    weight: float
    bake_s: int


@dataclass(frozen=True)
class Rollout:
    """How green goes from 0 to 100%: ``steps``, a bake after each, alarms that stop it.

    ``steps``: the green weights in order, each above 0 and below 1, rising (``(0.1, 0.5)``);
    100% is implied at the end, when green becomes the primary version. A step is a bare weight,
    which bakes for ``bake_s``, or a ``Step(weight, bake_s)`` with its own bake. ``()``: all at
    once, green takes 100% at the start and the final bake judges it with every gate.
    ``bake_s``: how long each bare-weight step holds before the next, in seconds; a whole number
    of ``check_every_s``; None (the default) only when no step is a bare weight.
    ``check_every_s`` (default 60): the interval at which the gates are read during a bake.
    ``max_error_rate`` (required): the green version's share of failed invocations (Errors /
    Invocations over one minute) above which its error-rate alarm fires, e.g. ``0.01``.

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
    traffic. ``max_hold_s`` (default: each step's own bake): how long a step may run past its bake
    waiting for them; then the rollout ends ``inconclusive`` and the alias goes back to blue.
    ``final_bake_s`` (default ``bake_s``, or the last step's bake when ``bake_s`` is None;
    required for ``steps=()`` without ``bake_s``): how long the gates keep checking after green
    takes 100%; a failure then puts the old blue back (``rolled back after promotion``). All at
    once, the final bake also waits up to ``max_hold_s`` (default: the final bake) for
    ``min_invocations``, then puts the old blue back, as too little traffic to judge.

    ``notify_topic_arn`` (default None): an SNS topic, in the stack's region, that gets a message
    each time a rollout starts, succeeds, fails, is aborted or times out (an EventBridge rule on
    the state machine; the topic's policy must let EventBridge publish: docs/rollouts.md).

    ``warm_timeout_s`` (default 1200), only for a deployment with ``provisioned_concurrency``:
    before each weight the rollout sizes green's provisioned concurrency for it and waits until
    it is READY, at most this long (a whole number of 10 s polls); then it rolls back
    (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).

    ``max_pause_s`` (default: the longest bake, a step's or the final one): how long
    ``bluegreen rollout --pause`` may hold a rollout, all its pauses added up, in seconds; a whole
    number of ``check_every_s``. Past it the rollout rolls back (docs/rollouts.md#controls).
    """

    steps: tuple[float | Step, ...] | list[float | Step]
    bake_s: int | None = None
    check_every_s: int = ALARM_PERIOD_S
    max_error_rate: float = None  # type: ignore[assignment]  # required: the rules name it when left out
    max_p99_ms: int | None = None
    max_error_rate_above_blue: float | None = None
    gate_alarms: tuple[str, ...] | list[str] = ()
    smoke_event: Mapping[str, Any] | None = field(default=None, hash=False)
    metric_delay_s: int = METRIC_DELAY_S_DEFAULT
    min_invocations: int = MIN_INVOCATIONS_DEFAULT
    max_hold_s: int | None = None
    final_bake_s: int | None = None
    notify_topic_arn: str | None = None
    warm_timeout_s: int = WARM_TIMEOUT_S_DEFAULT
    max_pause_s: int | None = None

    def __post_init__(self) -> None:
        for name in ("steps", "gate_alarms"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    @property
    def all_at_once(self) -> bool:
        """``steps=()``: green takes 100% at once, then the final bake judges it."""
        return not self.steps

    @property
    def weights(self) -> tuple[float, ...]:
        """Each step's green weight."""
        return tuple(s.weight if isinstance(s, Step) else s for s in self.steps)

    @property
    def bakes(self) -> tuple[int, ...]:
        """Each step's bake, in seconds: its own, or ``bake_s`` for a bare weight."""
        return tuple(s.bake_s if isinstance(s, Step) else self.bake_s or 0 for s in self.steps)

    @property
    def holds(self) -> tuple[int, ...]:
        """How long each step may run past its bake waiting for ``min_invocations``: ``max_hold_s``,
        by default the step's own bake; none when no traffic is needed (``min_invocations=0``)."""
        if not self.min_invocations:
            return tuple(0 for _ in self.steps)
        return tuple(bake if self.max_hold_s is None else self.max_hold_s for bake in self.bakes)

    @property
    def final_s(self) -> int:
        """``final_bake_s``, its default resolved: ``bake_s``, else the last step's bake."""
        if self.final_bake_s is not None:
            return self.final_bake_s
        return self.bake_s if self.bake_s is not None else (self.bakes[-1] if self.steps else 0)

    @property
    def final_hold_s(self) -> int:
        """All at once, how long the final bake may run past its end waiting for ``min_invocations``
        (``max_hold_s``, by default the final bake); 0 after steps, which judged the traffic."""
        if not self.all_at_once or not self.min_invocations:
            return 0
        return self.final_s if self.max_hold_s is None else self.max_hold_s

    @property
    def pause_s(self) -> int:
        """``max_pause_s``, its default resolved: the longest bake, a step's or the final one."""
        return max((*self.bakes, self.final_s)) if self.max_pause_s is None else self.max_pause_s

    @property
    def pause_checks(self) -> int:
        """How many paused checks a rollout may take, all its pauses added up."""
        return self.pause_s // self.check_every_s

    @property
    def step_checks(self) -> tuple[tuple[int, int], ...]:
        """Each step's checks: those of its bake, and the most its hold may add."""
        every = self.check_every_s
        return tuple((bake // every, hold // every) for bake, hold in zip(self.bakes, self.holds, strict=True))

    @property
    def final_checks(self) -> int:
        """How many checks the final bake, at 100%, takes."""
        return self.final_s // self.check_every_s

    @property
    def final_hold_checks(self) -> int:
        """How many more checks an all-at-once final bake may take waiting for ``min_invocations``."""
        return self.final_hold_s // self.check_every_s

    @property
    def longest_s(self) -> int:
        """How long the longest rollout bakes: every step held to its limit, then the final bake."""
        return sum(self.bakes) + sum(self.holds) + self.final_s + self.final_hold_s

    @property
    def most_checks(self) -> int:
        """The checks of the longest rollout: every step held to its limit, then the final bake."""
        return sum(bake + hold for bake, hold in self.step_checks) + self.final_checks + self.final_hold_checks
