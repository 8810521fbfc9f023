"""The rules of a deployment's ``rollout`` (docs/aws-rules.md#r47-rollouts-run-by-step-functions).

Each problem names the field (``shop.orders.rollout.steps``) and the value; a bad field never
hides another field's problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ...core.errors import Field, InvalidInput, Problem
from ...core.values import is_whole_number
from ...model import aws_limits as aws
from ...model import naming
from ...model.stack import Deployment
from ...model.traffic import is_exact_weight
from . import addresses as rollout_names
from . import messages as msg
from .declaration import ALARM_PERIOD_S, MAX_STEPS, METRIC_DELAY_S_AWS_MIN, Rollout

YEAR_S = 365 * 24 * 3600  # a standard execution's longest run
BAKE_S_MAX = YEAR_S
SMOKE_EVENT_MAX_BYTES = 32 * 1024  # it is written into the definition, which a plan shows
DESCRIBE_ALARMS_MAX = 100  # DescribeAlarms AlarmNames
P99_MS_MAX = 900_000  # Lambda's longest timeout, 15 minutes
# A Standard execution fails when its history reaches 25,000 events, with no Catch to roll back
# (docs/aws-rules.md#r47-rollouts-run-by-step-functions). Each check writes 23 (a Wait, three
# tasks of five events: two GetMetricData and DescribeAlarms, two Choices and the counter's
# Pass), each step and the promotion 14 more, the start, smoke test and endings about 40: 900
# checks leave some 4,000 events for retries (three each).
MAX_CHECKS = 900
METRIC_DELAY_S_MAX = 3600  # an hour: CloudWatch's lag is minutes
MIN_INVOCATIONS_MAX = 1_000_000_000


def rollout_problems(stack_name: str, deployment: Deployment, at: str) -> Iterator[Problem]:
    """The problems of ``deployment.rollout`` (``at``: the deployment's path)."""
    rollout, where = deployment.rollout, f"{at}.rollout"
    if rollout is None:
        return
    if not isinstance(rollout, Rollout):
        yield Problem(Field(where), msg.must_be_a_rollout(rollout))
        return
    yield from _steps_problems(rollout.steps, f"{where}.steps")
    yield from _time_problems(rollout, getattr(deployment.function, "timeout_s", None), where)
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


def _time_problems(rollout: Rollout, function_timeout_s: Any, where: str) -> Iterator[Problem]:
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
    problems = list(_gate_time_problems(rollout, check if check_ok else None, where))
    yield from problems
    if problems or not (bake_ok and check_ok and isinstance(rollout.steps, tuple)):
        return
    delay_ok = is_whole_number(rollout.metric_delay_s) and 0 <= rollout.metric_delay_s <= METRIC_DELAY_S_MAX
    if delay_ok and is_whole_number(function_timeout_s):
        least = rollout.metric_delay_s + function_timeout_s
        # final_bake_s left out is bake_s: only bake_s is named then, which fixes both.
        for name, value in (("bake_s", bake), ("final_bake_s", rollout.final_bake_s)):
            if value is not None and value < least:
                yield Problem(Field(f"{where}.{name}"), msg.bake_must_outlast_metrics(
                    name, rollout.metric_delay_s, function_timeout_s, value))
    if rollout.longest_s > YEAR_S:
        yield Problem(Field(f"{where}.bake_s"), msg.rollout_must_end_within_a_year(YEAR_S, rollout.longest_s))
    elif rollout.most_checks > MAX_CHECKS:
        yield Problem(Field(f"{where}.check_every_s"), msg.rollout_must_fit_the_history(MAX_CHECKS,
                                                                                          rollout.most_checks))


def _gate_time_problems(rollout: Rollout, check: int | None, where: str) -> Iterator[Problem]:
    """The traffic gates' fields: ``metric_delay_s``, ``min_invocations``, ``max_hold_s``,
    ``final_bake_s`` (``check``: ``check_every_s`` when it is valid)."""
    delay = rollout.metric_delay_s
    if not (is_whole_number(delay) and 0 <= delay <= METRIC_DELAY_S_MAX):
        yield Problem(Field(f"{where}.metric_delay_s"), msg.must_be_seconds(0, METRIC_DELAY_S_MAX, delay))
    least = rollout.min_invocations
    if not (is_whole_number(least) and 0 <= least <= MIN_INVOCATIONS_MAX):
        yield Problem(Field(f"{where}.min_invocations"), msg.must_be_an_invocation_count(MIN_INVOCATIONS_MAX, least))
    for name, low in (("max_hold_s", 0), ("final_bake_s", 1)):
        value = getattr(rollout, name)
        if value is None:
            continue
        if not (is_whole_number(value) and low <= value <= BAKE_S_MAX):
            yield Problem(Field(f"{where}.{name}"), msg.must_be_seconds_or_none(low, BAKE_S_MAX, value))
        elif check is not None and value % check:
            yield Problem(Field(f"{where}.{name}"), msg.must_be_whole_checks("bake_s", check, value))


def refuse_for_aws(deployments: Iterable[tuple[str, Deployment]]) -> None:
    """Raise ``InvalidInput`` naming every value only the emulator accepts (``emulator_only_problems``)
    in ``deployments``, each with its stack's name."""
    problems = [problem for stack_name, deployment in deployments
                for problem in emulator_only_problems(stack_name, deployment, f"{stack_name}.{deployment.name}")]
    if problems:
        raise InvalidInput(problems)


def emulator_only_problems(stack_name: str, deployment: Deployment, at: str) -> Iterator[Problem]:
    """What a stack for AWS may not hold though the emulator accepts it: a ``metric_delay_s``
    below a minute, which only the emulator's immediate metrics make safe
    (docs/aws-rules.md#r48-alarms-scoped-to-a-version)."""
    rollout = deployment.rollout
    if isinstance(rollout, Rollout) and is_whole_number(rollout.metric_delay_s) and \
            rollout.metric_delay_s < METRIC_DELAY_S_AWS_MIN:
        yield Problem(Field(f"{at}.rollout.metric_delay_s"),
                      msg.metric_delay_is_for_the_emulator(METRIC_DELAY_S_AWS_MIN, rollout.metric_delay_s))


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
