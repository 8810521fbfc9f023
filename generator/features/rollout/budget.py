"""The execution-history budget of a rollout: how many events its longest execution writes.

A Standard execution fails when its history reaches 25,000 events, with no Catch to roll back
and the alias left where it was (docs/aws-rules.md#r79-the-execution-history-budget). So a
rollout's length is limited by its events, not by a fixed number of steps or checks:
``longest_execution_events`` adds up the events of every state its longest execution enters
(every step held to its limit, then the final bake), plus room for one retried call in every
check. Each part of the state machine that adds states adds its term to ``TERMS``.

The counts follow Step Functions' history: a Task writes 5 events (entered, scheduled, started,
succeeded, exited), a Wait, a Pass and a Choice 2 each, the execution's start 1
(``tests/step_functions_model.py`` walks the definition and counts them independently).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from ...core.errors import Field, Problem
from . import messages as msg
from .declaration import Rollout

HISTORY_EVENTS_MAX = 25_000
TASK_EVENTS, STATE_EVENTS = 5, 2  # a Task; a Wait, Pass, Choice, or Fail
# One check: a Wait, three reads (the two GetMetricData windows and DescribeAlarms), the healthy?
# and baked? Choices and the counter's Pass.
CHECK_EVENTS = 2 + 3 * TASK_EVENTS + 3 * STATE_EVENTS
# One change of the alias (each step and the promotion): read it, compare its revision, update
# it, start the bake.
CHANGE_EVENTS = 2 * TASK_EVENTS + 2 * STATE_EVENTS
RETRY_EVENTS = 3  # a retried call's failure, its wait and its new start
# The execution's start, the first read, the already-green Choice, the Start Pass, the smoke test
# (a Task and a Choice), and the longest ending: the served-any? Choice, the reason Pass, the
# rollback Task, the Fail (and the execution's own failure event).
START_EVENTS = 1 + TASK_EVENTS + 2 * STATE_EVENTS + TASK_EVENTS + STATE_EVENTS
END_EVENTS = 2 * STATE_EVENTS + TASK_EVENTS + STATE_EVENTS + 1

Term = Callable[[Rollout], int]


def _frame(rollout: Rollout) -> int:
    """The start, the smoke test, each step's change, the promotion and the longest ending."""
    return START_EVENTS + (len(rollout.steps) + 1) * CHANGE_EVENTS + END_EVENTS


def _checks(rollout: Rollout) -> int:
    """Every check of the longest execution, each with room for one retried call."""
    return rollout.most_checks * (CHECK_EVENTS + RETRY_EVENTS)


# Each check's control read (features/rollout/controls.py): GetParameter and the control? Choice.
CONTROL_EVENTS = TASK_EVENTS + STATE_EVENTS


def _control_reads(rollout: Rollout) -> int:
    """The control read of every counted check."""
    return rollout.most_checks * CONTROL_EVENTS


def paused_events(rollout: Rollout) -> int:
    """Every paused check ``max_pause_s`` allows, and the one past it that rolls back: each a whole
    check with its control read (its paused Pass and pause-left? Choice stand for the counter's
    Pass and the baked? Choice), with room for one retried call."""
    return (rollout.pause_checks + 1) * (CHECK_EVENTS + CONTROL_EVENTS + RETRY_EVENTS)


# The events of the longest execution, a term per part of the state machine: a part that adds
# states (a check's extra read, a wait of its own) adds its term here.
TERMS: list[Term] = [_frame, _checks, _control_reads, paused_events]


def longest_execution_events(rollout: Rollout, extra: Sequence[Term] = ()) -> int:
    """The events of ``rollout``'s longest execution, retries' room included (a valid rollout);
    ``extra``: the terms of the deployment's own parts (green's warm-up, ``warm_rules.warm_terms``)."""
    return sum(term(rollout) for term in (*TERMS, *extra))


def most_steps(rollout: Rollout, extra: Sequence[Term] = ()) -> int:
    """The most of ``rollout``'s steps, taken in order, that fit the history with its other settings
    (0 when not even the first does). More steps never write fewer events: a binary search."""
    low, high = 0, len(rollout.steps)  # the first ``low`` fit; more than ``high`` don't
    while low < high:
        middle = (low + high + 1) // 2
        if middle and longest_execution_events(replace(rollout, steps=rollout.steps[:middle]),
                                                  extra) <= HISTORY_EVENTS_MAX:
            low = middle
        else:
            high = middle - 1
    return low


def most_pause_s(rollout: Rollout, extra: Sequence[Term] = ()) -> int:
    """The longest ``max_pause_s`` that fits the history with the rollout's other settings; -1
    when not even no pause does."""
    left = HISTORY_EVENTS_MAX - longest_execution_events(replace(rollout, max_pause_s=0), extra)
    if left < 0:
        return -1
    per_check = CHECK_EVENTS + CONTROL_EVENTS + RETRY_EVENTS
    return left // per_check * rollout.check_every_s  # max_pause_s=0 counted the check past the limit already


def budget_problems(rollout: Rollout, where: str, extra: Sequence[Term] = ()) -> Iterator[Problem]:
    """The rollout's longest execution must fit in its history: ``steps`` is named when fewer
    steps would fit (with how many), ``check_every_s`` when even one step does not, as checking
    less often is then what helps."""
    events = longest_execution_events(rollout, extra)
    if events <= HISTORY_EVENTS_MAX:
        return
    if rollout.max_pause_s is not None and (pause_fits := most_pause_s(rollout, extra)) >= 0:
        # The pauses are what does not fit: name max_pause_s, with the most that does.
        yield Problem(Field(f"{where}.max_pause_s"), msg.pause_must_fit_the_history(
            HISTORY_EVENTS_MAX, pause_fits, rollout.max_pause_s, events))
        return
    fitting = most_steps(rollout, extra)
    if fitting:
        yield Problem(Field(f"{where}.steps"), msg.steps_must_fit_the_history(
            HISTORY_EVENTS_MAX, fitting, len(rollout.steps), events))
    else:
        yield Problem(Field(f"{where}.check_every_s"), msg.rollout_must_fit_the_history(
            HISTORY_EVENTS_MAX, rollout.most_checks, events))
