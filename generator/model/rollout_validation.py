"""The rules of a deployment's ``rollout`` (docs/aws-rules.md#r47-rollouts-run-by-step-functions).

Each problem names the field (``shop.orders.rollout.steps``) and the value; a bad field never
hides another field's problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.errors import Field, Problem
from ..core.messages import rollout as msg
from ..core.values import is_whole_number
from . import aws_limits as aws
from . import naming, rollout_names
from .rollout import ALARM_PERIOD_S, MAX_STEPS, Rollout
from .stack import Deployment
from .traffic import is_exact_weight

YEAR_S = 365 * 24 * 3600  # a standard execution's longest run
BAKE_S_MAX = YEAR_S
SMOKE_EVENT_MAX_BYTES = 32 * 1024  # it is written into the definition, which a plan shows
DESCRIBE_ALARMS_MAX = 100  # DescribeAlarms AlarmNames
P99_MS_MAX = 900_000  # Lambda's longest timeout, 15 minutes
# A Standard execution fails when its history reaches 25,000 events, with no Catch to roll back
# (docs/aws-rules.md#r47-rollouts-run-by-step-functions). Each alarm check writes 13 (a Wait, the
# DescribeAlarms task, two Choices and the counter's Pass), each step 14 more, the start, smoke
# test and promotion about 35: 1,800 checks leave some 1,400 events for retries.
MAX_CHECKS = 1_800


def rollout_problems(stack_name: str, deployment: Deployment, at: str) -> Iterator[Problem]:
    """The problems of ``deployment.rollout`` (``at``: the deployment's path)."""
    rollout, where = deployment.rollout, f"{at}.rollout"
    if rollout is None:
        return
    if not isinstance(rollout, Rollout):
        yield Problem(Field(where), msg.must_be_a_rollout(rollout))
        return
    yield from _steps_problems(rollout.steps, f"{where}.steps")
    yield from _time_problems(rollout, where)
    for name in ("max_error_rate", "max_error_rate_above_blue"):
        value = getattr(rollout, name)
        if (value is not None or name == "max_error_rate") and not _is_rate(value):
            yield Problem(Field(f"{where}.{name}"), msg.must_be_a_rate(value))
    if rollout.max_p99_ms is not None and not (is_whole_number(rollout.max_p99_ms)
                                               and 1 <= rollout.max_p99_ms <= P99_MS_MAX):
        yield Problem(Field(f"{where}.max_p99_ms"), msg.must_be_milliseconds(P99_MS_MAX, rollout.max_p99_ms))
    yield from _gate_problems(rollout, f"{where}.gate_alarms")
    if rollout.smoke_event is not None and not _is_small_json_object(rollout.smoke_event):
        yield Problem(Field(f"{where}.smoke_event"),
                      msg.smoke_event_must_be_json(SMOKE_EVENT_MAX_BYTES, rollout.smoke_event))
    if deployment.provisioned_concurrency is not None:
        yield Problem(Field(where), msg.rollout_excludes_provisioned_concurrency(deployment.provisioned_concurrency))
    name = rollout_names.role_name(naming.function_name(stack_name, deployment))
    if len(name) > aws.IAM_ROLE_NAME_MAX:
        yield Problem(Field(where), msg.rollout_name_must_fit(name, aws.IAM_ROLE_NAME_MAX))


def _steps_problems(steps: Any, where: str) -> Iterator[Problem]:
    numbers = isinstance(steps, tuple) and all(isinstance(s, (int, float)) and not isinstance(s, bool)
                                               for s in steps)
    if not (numbers and 1 <= len(steps) <= MAX_STEPS and all(0 < s < 1 for s in steps)
            and all(a < b for a, b in zip(steps, steps[1:], strict=False))):
        yield Problem(Field(where), msg.steps_must_be_rising_weights(MAX_STEPS, steps))
        return
    for index, step in enumerate(steps):
        if not is_exact_weight(step):
            yield Problem(Field(f"{where}[{index}]"), msg.step_must_be_on_the_grid(step))


def _time_problems(rollout: Rollout, where: str) -> Iterator[Problem]:
    bake, check = rollout.bake_s, rollout.check_every_s
    bake_ok = is_whole_number(bake) and 1 <= bake <= BAKE_S_MAX
    # At most one alarm period apart: an alarm in ALARM for one period is never missed.
    check_most = min(bake, ALARM_PERIOD_S) if bake_ok else ALARM_PERIOD_S
    check_ok = is_whole_number(check) and 1 <= check <= check_most
    if not bake_ok:
        yield Problem(Field(f"{where}.bake_s"), msg.must_be_seconds(1, BAKE_S_MAX, bake))
    if not check_ok:
        yield Problem(Field(f"{where}.check_every_s"), msg.must_be_seconds(1, check_most, check))
    if bake_ok and check_ok and bake % check:
        yield Problem(Field(f"{where}.bake_s"), msg.bake_must_be_whole_checks(check, bake))
    if bake_ok and isinstance(rollout.steps, tuple) and bake * len(rollout.steps) > YEAR_S:
        yield Problem(Field(f"{where}.bake_s"), msg.rollout_must_end_within_a_year(YEAR_S, bake * len(rollout.steps)))
    elif bake_ok and check_ok and isinstance(rollout.steps, tuple) and \
            len(rollout.steps) * (bake // check) > MAX_CHECKS:
        yield Problem(Field(f"{where}.check_every_s"),
                      msg.rollout_must_fit_the_history(MAX_CHECKS, len(rollout.steps) * (bake // check)))


def _gate_problems(rollout: Rollout, where: str) -> Iterator[Problem]:
    names = rollout.gate_alarms
    own = len(rollout_names.alarm_kinds(rollout))
    if not (isinstance(names, tuple) and all(isinstance(n, str) and 1 <= len(n) <= 255 for n in names)
            and len(set(names)) == len(names) and len(names) + own <= DESCRIBE_ALARMS_MAX):
        yield Problem(Field(where), msg.must_be_alarm_names(DESCRIBE_ALARMS_MAX, names))


def _is_rate(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1


def _is_small_json_object(value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    try:
        text = json.dumps(value, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError):
        return False
    # A round trip that changes the value (an int key becoming a string) means it was not JSON.
    return json.loads(text) == value and len(text.encode()) <= SMOKE_EVENT_MAX_BYTES and not _has_path_key(value)


def _has_path_key(value: Any) -> bool:
    """True when a key ends in ``.$``: the state machine would read its value as a path
    (docs/aws-rules.md#r47-rollouts-run-by-step-functions) instead of sending it."""
    if isinstance(value, Mapping):
        return any(str(key).endswith(".$") or _has_path_key(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_path_key(item) for item in value)
    return False
