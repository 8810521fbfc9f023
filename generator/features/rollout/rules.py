"""The rules of a deployment's ``rollout`` (docs/aws-rules.md#r47-rollouts-run-by-step-functions).

Each problem names the field (``shop.orders.rollout.steps``) and the value; a bad field never
hides another field's problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ...core.errors import Field, InvalidInput, Problem
from ...core.values import is_whole_number
from ...model import aws_limits as aws
from ...model import naming
from ...model.stack import Deployment
from ...model.traffic import is_exact_weight
from . import addresses as rollout_names
from . import messages as msg
from .budget import Term, budget_problems
from .declaration import ALARM_PERIOD_S, METRIC_DELAY_S_AWS_MIN, Rollout, Step
from .warm_rules import warm_problems, warm_terms

YEAR_S = 365 * 24 * 3600  # a standard execution's longest run
BAKE_S_MAX = YEAR_S
SMOKE_EVENT_MAX_BYTES = 32 * 1024  # it is written into the definition, which a plan shows
DESCRIBE_ALARMS_MAX = 100  # DescribeAlarms AlarmNames
P99_MS_MAX = 900_000  # Lambda's longest timeout, 15 minutes
METRIC_DELAY_S_MAX = 3600  # an hour: CloudWatch's lag is minutes
MIN_INVOCATIONS_MAX = 1_000_000_000
# An SNS topic ARN (the topic name: 1-256 letters, digits, "-" and "_", ".fifo" for a FIFO topic).
# EventBridge delivers only to a target in the rule's region
# (docs/aws-rules.md#r80-rollout-notifications-from-execution-status-changes).
SNS_TOPIC_ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):"
                           r"[A-Za-z0-9_-]{1,256}(\.fifo)?")
_PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"))  # the others are "aws"


def rollout_problems(stack_name: str, deployment: Deployment, at: str, region: Any = None) -> Iterator[Problem]:
    """The problems of ``deployment.rollout`` (``at``: the deployment's path; ``region``: the
    stack's, None for a library user's single deployment)."""
    rollout, where = deployment.rollout, f"{at}.rollout"
    if rollout is None:
        return
    if not isinstance(rollout, Rollout):
        yield Problem(Field(where), msg.must_be_a_rollout(rollout))
        return
    yield from _steps_problems(rollout.steps, f"{where}.steps")
    yield from _time_problems(rollout, getattr(deployment.function, "timeout_s", None), where, warm_terms(deployment))
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
    yield from _notify_problems(rollout.notify_topic_arn, region, f"{where}.notify_topic_arn")
    yield from warm_problems(deployment, rollout, where)
    name = rollout_names.role_name(naming.function_name(stack_name, deployment))
    if len(name) > aws.IAM_ROLE_NAME_MAX:
        yield Problem(Field(where), msg.rollout_name_must_fit(name, aws.IAM_ROLE_NAME_MAX))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _steps_problems(steps: Any, where: str) -> Iterator[Problem]:
    """The weights: each a number or a ``Step``'s, rising, on the grid; ``()`` is all at once.
    A ``Step``'s bake is ``_time_problems``'s."""
    weights = [s.weight if isinstance(s, Step) else s for s in steps] if isinstance(steps, tuple) else None
    if weights is None or not (all(_is_number(w) and 0 < w < 1 for w in weights)
                               and all(a < b for a, b in zip(weights, weights[1:], strict=False))):
        yield Problem(Field(where), msg.steps_must_be_rising_weights(steps))
        return
    for index, (step, weight) in enumerate(zip(steps, weights, strict=True)):
        if not is_exact_weight(weight):
            named = f"{where}[{index}].weight" if isinstance(step, Step) else f"{where}[{index}]"
            yield Problem(Field(named), msg.step_must_be_on_the_grid(weight))


def _is_bake(value: Any) -> bool:
    return is_whole_number(value) and 1 <= value <= BAKE_S_MAX


def _bakes(rollout: Rollout, where: str) -> list[tuple[str, Any]]:
    """Each bake the rollout gives, named: ``bake_s`` when set, and each ``Step``'s."""
    steps = rollout.steps if isinstance(rollout.steps, tuple) else ()
    return ([(f"{where}.bake_s", rollout.bake_s)] if rollout.bake_s is not None else []) + \
        [(f"{where}.steps[{i}].bake_s", s.bake_s) for i, s in enumerate(steps) if isinstance(s, Step)]


def _bake_problems(rollout: Rollout, where: str) -> Iterator[Problem]:
    """Each bake a whole number of seconds, and one wherever a bake is needed
    (docs/aws-rules.md#r78-per-step-bakes): ``bake_s`` for a bare weight, ``final_bake_s`` all at
    once without ``bake_s``."""
    for name, value in _bakes(rollout, where):
        if not _is_bake(value):
            yield Problem(Field(name), msg.must_be_seconds(1, BAKE_S_MAX, value))
    steps = rollout.steps
    if rollout.bake_s is None and isinstance(steps, tuple):
        if any(not isinstance(s, Step) for s in steps):
            yield Problem(Field(f"{where}.bake_s"), msg.bake_s_needed_for_bare_weights(None))
        elif not steps and rollout.final_bake_s is None:
            yield Problem(Field(f"{where}.final_bake_s"), msg.final_bake_s_needed_all_at_once(None))


def _time_problems(rollout: Rollout, function_timeout_s: Any, where: str, extra: Sequence[Term]) -> Iterator[Problem]:
    bake_problems = list(_bake_problems(rollout, where))
    yield from bake_problems
    bakes = [(name, value) for name, value in _bakes(rollout, where) if _is_bake(value)]
    final = rollout.final_bake_s
    shortest = [value for _, value in bakes] + ([final] if not bakes and _is_bake(final) else [])
    check = rollout.check_every_s
    # At most one alarm period apart: an alarm in ALARM for one period is never missed.
    check_most = min([ALARM_PERIOD_S, *shortest])
    check_ok = is_whole_number(check) and 1 <= check <= check_most
    if not check_ok:
        yield Problem(Field(f"{where}.check_every_s"), msg.must_be_seconds(1, check_most, check))
    for name, value in bakes if check_ok else ():
        if value % check:
            yield Problem(Field(name), msg.bake_must_be_whole_checks(check, value))
    problems = list(_gate_time_problems(rollout, check if check_ok else None, where))
    yield from problems
    steps_ok = not list(_steps_problems(rollout.steps, f"{where}.steps"))
    if problems or bake_problems or not (check_ok and steps_ok) or any(value % check for _, value in bakes):
        return
    yield from _timing_rule_problems(rollout, function_timeout_s, bakes, where)
    if rollout.longest_s > YEAR_S:
        yield Problem(Field(f"{where}.bake_s" if rollout.bake_s is not None else f"{where}.steps"),
                      msg.rollout_must_end_within_a_year(YEAR_S, rollout.longest_s))
    else:
        yield from budget_problems(rollout, where, extra)


def _timing_rule_problems(rollout: Rollout, function_timeout_s: Any, bakes: list[tuple[str, int]],
                          where: str) -> Iterator[Problem]:
    """Every bake at least ``metric_delay_s`` plus the function's timeout, each step's named
    (docs/aws-rules.md#r78-per-step-bakes)."""
    delay = rollout.metric_delay_s
    if not (is_whole_number(delay) and 0 <= delay <= METRIC_DELAY_S_MAX and is_whole_number(function_timeout_s)):
        return
    least = delay + function_timeout_s
    # final_bake_s left out is bake_s (or the last step's): only that one is named, which fixes both.
    final = [(f"{where}.final_bake_s", rollout.final_bake_s)] if rollout.final_bake_s is not None else []
    for name, value in [*bakes, *final]:
        if value < least:
            yield Problem(Field(name), msg.bake_must_outlast_metrics(name[len(where) + 1:], delay,
                                                                     function_timeout_s, value))


def _gate_time_problems(rollout: Rollout, check: int | None, where: str) -> Iterator[Problem]:
    """The traffic gates' fields: ``metric_delay_s``, ``min_invocations``, ``max_hold_s``,
    ``final_bake_s``, and the controls' ``max_pause_s`` (``check``: ``check_every_s`` when it is valid)."""
    delay = rollout.metric_delay_s
    if not (is_whole_number(delay) and 0 <= delay <= METRIC_DELAY_S_MAX):
        yield Problem(Field(f"{where}.metric_delay_s"), msg.must_be_seconds(0, METRIC_DELAY_S_MAX, delay))
    least = rollout.min_invocations
    if not (is_whole_number(least) and 0 <= least <= MIN_INVOCATIONS_MAX):
        yield Problem(Field(f"{where}.min_invocations"), msg.must_be_an_invocation_count(MIN_INVOCATIONS_MAX, least))
    for name, low in (("max_hold_s", 0), ("final_bake_s", 1), ("max_pause_s", 0)):
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


def _notify_problems(arn: Any, region: Any, where: str) -> Iterator[Problem]:
    """``notify_topic_arn``: None, or an SNS topic ARN in the stack's region and partition."""
    if arn is None:
        return
    found = SNS_TOPIC_ARN.fullmatch(arn) if isinstance(arn, str) else None
    if found is None or found.group(1) != partition_of(found.group(2)):
        yield Problem(Field(where), msg.must_be_a_topic_arn(arn))
    elif region is not None and found.group(2) != region:
        yield Problem(Field(where), msg.topic_must_be_in(region, arn))


def partition_of(region: str) -> str:
    """The partition of ``region``'s ARNs: ``aws-cn`` for China, ``aws-us-gov`` for GovCloud, else ``aws``."""
    return next((partition for prefix, partition in _PARTITIONS if region.startswith(prefix)), "aws")


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
