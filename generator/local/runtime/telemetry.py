"""What Lambda records of each run: its log in the function's log group, its metrics in CloudWatch.

Both are written straight into moto's backends of the emulator's process (the same account and
region as the function), as Lambda would publish them:

- the log: ``START``, what the handler printed, ``END`` and ``REPORT`` lines, in a stream of the
  function's log group (``/aws/lambda/NAME``, created if missing) named
  ``YYYY/MM/DD/[VERSION]<32 hex digits>``, one stream per run;
- the metrics ``Invocations``, ``Errors`` (Count) and ``Duration`` (Milliseconds) in ``AWS/Lambda``,
  each under the dimension sets Lambda uses (docs/aws-rules.md#r48-alarms-scoped-to-a-version):
  ``FunctionName``; ``FunctionName`` + ``Resource`` (the qualifier invoked, ``NAME:alias`` or
  ``NAME:3``) for a qualified invoke; and ``FunctionName`` + ``Resource`` + ``ExecutedVersion``
  for an invoke through an alias. So a rollout's checks on the emulator read real traffic.

A query names a metric by all its dimensions, as in CloudWatch, where each set of dimensions is a
metric of its own: ``install`` makes moto's ``GetMetricStatistics`` match the dimensions exactly
(moto 5.2 matches any datum that has them, so the function's count would add up all three sets).
``GetMetricData`` already matches exactly.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

NAMESPACE = "AWS/Lambda"
_lock = threading.Lock()  # moto's logs backend is not safe for concurrent writers


@dataclass(frozen=True)
class Record:
    """One run, as its log and metrics tell it."""

    request_id: str
    version: str
    lines: tuple[str, ...]   # what the handler printed, and the runtime's own lines (errors, timeout)
    duration_ms: float
    memory_mb: int
    max_memory_mb: int
    failed: bool
    timed_out: bool


def install() -> None:
    """``GetMetricStatistics`` matches dimensions exactly (see the module's docstring)."""
    from moto.cloudwatch import models

    subset = models.MetricDatumBase.filter

    def filter(self: Any, namespace: str | None, name: str | None, dimensions: list[dict[str, str]],
               already_present_metrics: Any = None) -> bool:
        if namespace is None and name is None and dimensions:  # moto's GetMetricStatistics, and only it
            wanted = sorted((d["Name"], d.get("Value")) for d in dimensions)
            return sorted((d.name, d.value) for d in self.dimensions) == wanted
        return subset(self, namespace, name, dimensions, already_present_metrics)

    setattr(models.MetricDatumBase, "filter", filter)  # noqa: B010 (mypy: a method)


def stream_name(version: str, at: datetime | None = None) -> str:
    """A new stream name for a run of ``version``, as Lambda names them."""
    day = (at or datetime.now(UTC)).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{uuid.uuid4().hex}"


def log_text(record: Record) -> str:
    """The run's log: START, the handler's lines, END, REPORT, as Lambda writes them."""
    report = (f"REPORT RequestId: {record.request_id}\tDuration: {record.duration_ms:.2f} ms\t"
              f"Billed Duration: {math.ceil(record.duration_ms)} ms\tMemory Size: {record.memory_mb} MB\t"
              f"Max Memory Used: {record.max_memory_mb} MB\t")
    if record.timed_out:
        report += "Status: timeout"
    return "\n".join([f"START RequestId: {record.request_id} Version: {record.version}", *record.lines,
                      f"END RequestId: {record.request_id}", report]) + "\n"


def write_log(account_id: str, region: str, group: str, stream: str, text: str) -> None:
    """``text`` as the events of a new ``stream`` in ``group`` (both created when missing)."""
    from moto.logs.models import logs_backends

    backend = logs_backends[account_id][region]
    now = int(time.time() * 1000)
    events = [{"timestamp": now, "message": line} for line in text.rstrip("\n").split("\n")]
    with _lock:
        backend.ensure_log_group(group)
        if stream not in backend.groups[group].streams:
            backend.create_log_stream(group, stream)
        backend.put_log_events(group, stream, events)


def dimension_sets(function_name: str, resource: str | None,
                   executed_version: str | None) -> list[list[dict[str, str]]]:
    """The dimension sets one invoke is counted under (see the module's docstring)."""
    sets = [[{"Name": "FunctionName", "Value": function_name}]]
    if resource is not None:
        sets.append([*sets[0], {"Name": "Resource", "Value": resource}])
        if executed_version is not None:
            sets.append([*sets[1], {"Name": "ExecutedVersion", "Value": executed_version}])
    return sets


def put_metrics(account_id: str, region: str, dimensions: list[list[dict[str, str]]], record: Record) -> None:
    """One invoke's ``Invocations``, ``Errors`` and ``Duration`` under each dimension set."""
    from moto.cloudwatch.models import cloudwatch_backends

    # Naive UTC, as moto's request parser gives the times of PutMetricData and of the queries.
    stamp = datetime.now(UTC).replace(tzinfo=None)
    values = (("Invocations", 1.0, "Count"), ("Errors", 1.0 if record.failed else 0.0, "Count"),
              ("Duration", record.duration_ms, "Milliseconds"))
    data = [{"MetricName": name, "Dimensions": dims, "Timestamp": stamp, "Value": value, "Unit": unit}
            for dims in dimensions for name, value, unit in values]
    cloudwatch_backends[account_id][region].put_metric_data(NAMESPACE, data)
