"""The one metric-math expression a rollout's check sends, evaluated by the local emulator.

A rollout's check asks CloudWatch ``GetMetricData`` for an error rate that is 0 until enough
invocations have been seen: ``IF(<count> >= <N>, <errors> / <count>, 0)``, where ``<count>`` and
``<errors>`` are Ids of ``MetricStat`` queries of the same request. moto 5.2.5 answers every
metric-math ``Expression`` with no values, so the check could never see a rate locally. This
module (installed by ``generator.local.moto_extras``) evaluates exactly that form, spaced as
written above, and refuses any other metric-math expression (400 ``ValidationError``, quoting it)
rather than answer it wrongly. ``MetricStat`` and Metrics Insights (``SELECT``) queries keep moto's
answers.

Per timestamp of ``<count>``'s result (moto's buckets start at ``StartTime``, one every
``Period``): a count v >= N gives the errors at that timestamp divided by v, a count below N gives
0, and no point where either operand the division needs has none (taken to be what CloudWatch's
arithmetic does with a missing point; not verified against AWS). The answer keeps ``ScanBy``
(the order of ``<count>``'s result), ``Label`` (else the Id) and ``ReturnData``.
"""

from __future__ import annotations

import re
from typing import Any

# Exactly what the rollout sends: single spaces, lowercase-initial Ids, a whole-number threshold.
RATE = re.compile(r"IF\((?P<count>[a-z][a-zA-Z0-9_]*) >= (?P<floor>[0-9]+), "
                  r"(?P<errors>[a-z][a-zA-Z0-9_]*) / (?P=count), 0\)")

ONLY_FORM = "The local emulator evaluates only IF(<count> >= <N>, <errors> / <count>, 0); got: {expression}"
UNKNOWN_ID = "The local emulator found no MetricStat query with Id {id!r} for the expression: {expression}"


def install() -> None:
    """Wrap moto's CloudWatch ``get_metric_data`` in this process (idempotent)."""
    from moto.cloudwatch import models

    backend = models.CloudWatchBackend
    if getattr(backend, "_bluegreen_metric_math", False):
        return
    answer = backend.get_metric_data

    def get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: Any, end_time: Any,
                        scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
        math = [q for q in queries if _is_math(q)]
        if not math:
            return answer(self, queries, start_time, end_time, scan_by)
        # Every other query is answered by moto, with its data kept even when the request does
        # not return it: an expression may use it.
        others = [dict(q, ReturnData=True) for q in queries if not _is_math(q)]
        found = {r["id"]: r for r in answer(self, others, start_time, end_time, scan_by)} if others else {}
        results = {q["Id"]: _evaluate(q, found) for q in math}
        return [results[q["Id"]] if _is_math(q) else found[q["Id"]] for q in queries if q.get("ReturnData", True)]

    setattr(backend, "get_metric_data", get_metric_data)  # noqa: B010 (mypy: a method)
    setattr(backend, "_bluegreen_metric_math", True)  # noqa: B010 (an attribute moto does not declare)


def _is_math(query: dict[str, Any]) -> bool:
    return "Expression" in query and not str(query["Expression"]).startswith("SELECT")


def _evaluate(query: dict[str, Any], found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from moto.cloudwatch.exceptions import ValidationError

    expression = str(query["Expression"])
    form = RATE.fullmatch(expression)
    if form is None:
        raise ValidationError(ONLY_FORM.format(expression=expression))
    for operand in ("count", "errors"):
        if form[operand] not in found:
            raise ValidationError(UNKNOWN_ID.format(id=form[operand], expression=expression))
    count, errors, floor = found[form["count"]], found[form["errors"]], int(form["floor"])
    error_at = dict(zip(errors["timestamps"], errors["values"], strict=True))
    values, timestamps = [], []
    for moment, invocations in zip(count["timestamps"], count["values"], strict=True):
        if float(invocations) < floor:
            values.append(0.0)
        elif moment in error_at and float(invocations) > 0:  # N = 0 and a zero count: no quotient
            values.append(float(error_at[moment]) / float(invocations))
        else:
            continue  # no errors point: no point (see the module docstring)
        timestamps.append(moment)
    return {"id": query["Id"], "label": query.get("Label") or query["Id"], "values": values,
            "timestamps": timestamps, "status_code": "Complete"}
