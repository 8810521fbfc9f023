"""``bluegreen verify``'s statistics: does the split the alias served agree with its weight?

Pure: samples in, a ``Report`` out; no AWS, no I/O. ``releasing.verify`` makes the samples.

The test is the binomial score test at 99.9 %: green's observed share ``k/n`` is consistent with
the alias's weight ``w`` when it lies within ``w ± z·sqrt(w(1-w)/n)`` (``acceptance_interval``).
That is the same as ``w`` lying inside the 99.9 % Wilson score interval of the observed share
(``wilson_interval``): the Wilson interval is exactly the set of weights this test accepts. So an
alias that routes as configured fails about once in a thousand runs, and at ``w`` = 0 or 1 the
interval is the point itself: a single request on the other version fails. Lambda draws each
invocation's version at random (docs/aws-rules.md#r7-probabilistic-routing), which is what makes
the count binomial.

Latency percentiles are nearest-rank: the p-th percentile of n values is the smallest value with at
least p % of the values at or below it (so p50 of 1..100 is 50 and p99 is 99).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

from ..core.messages import verify as msg

CONFIDENCE = 0.999
# The two-sided standard normal quantile for CONFIDENCE: 3.2905...
Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)
# A share computed as k/n and a bound computed with a square root may differ in the last bit
# where they are mathematically equal (k/n = w at w = 0.5, say): that is inside.
_ROUNDING = 1e-12


def wilson_interval(successes: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of a share of ``successes`` out of ``n`` (``n`` > 0)."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def acceptance_interval(weight: float, n: int, z: float = Z) -> tuple[float, float]:
    """The shares of ``n`` draws that the score test accepts for ``weight``; the point at 0 and 1."""
    if n <= 0 or not 0 <= weight <= 1:
        raise ValueError(f"need 0 <= weight <= 1 and n > 0, got {weight} and {n}")
    half = z * math.sqrt(weight * (1 - weight) / n)
    return max(0.0, weight - half), min(1.0, weight + half)


def share_is_consistent(successes: int, n: int, weight: float, z: float = Z) -> bool:
    """Whether ``successes`` of ``n`` lies inside ``acceptance_interval(weight, n)``."""
    low, high = acceptance_interval(weight, n, z)
    return low - _ROUNDING <= successes / n <= high + _ROUNDING


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile (0 < p <= 100) of ``values``; None for none."""
    if not 0 < p <= 100:
        raise ValueError(f"a percentile is from 0 (exclusive) to 100, got {p}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass(frozen=True)
class Sample:
    """One invoke: the version that ran (None: the call got a 5xx and no version ran), whether it
    was an error (a function error, a 5xx), its client-side latency, and the error's text."""

    version: str | None
    error: bool
    latency_ms: float
    detail: str | None = None


@dataclass(frozen=True)
class Served:
    """What the alias is configured to serve (``GetAlias``): ``blue`` its primary version,
    ``green`` the other one (None when it serves one version) and green's weight."""

    blue: str
    green: str | None
    green_weight: float


@dataclass(frozen=True)
class VersionLine:
    version: str
    role: str                   # blue, green, or unexpected (neither: the alias never serves it)
    count: int
    expected_share: float
    errors: int
    p50_ms: float | None
    p99_ms: float | None
    first_error: str | None = None


@dataclass(frozen=True)
class Report:
    requests: int
    served: Served
    lines: list[VersionLine]
    errors: int
    no_version: int                          # invokes answered by a 5xx, with no version run
    green_share: float | None                # None: no invoke reached a version
    interval: tuple[float, float] | None
    consistent: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def versions(self) -> dict[str, int]:
        """Each version that served an invoke → how many it served."""
        return {line.version: line.count for line in self.lines if line.count}


def summarize(samples: list[Sample], served: Served) -> Report:
    """The report of ``samples`` against what the alias is configured with."""
    ran = [s for s in samples if s.version is not None]
    lines = [_line(version, served, [s for s in ran if s.version == version])
             for version in _ordered({s.version for s in ran if s.version is not None}, served)]
    errors = sum(s.error for s in samples)
    reasons = []
    green_share = interval = None
    if ran:
        green = sum(s.version == served.green for s in ran) if served.green else 0
        green_share, interval = green / len(ran), acceptance_interval(served.green_weight, len(ran))
        if not share_is_consistent(green, len(ran), served.green_weight):
            reasons.append(msg.share_outside_interval(green_share, interval, served.green_weight))
    else:
        reasons.append(msg.NO_INVOKE_REACHED_A_VERSION)
    unexpected = [line.version for line in lines if line.role == UNEXPECTED]
    if unexpected:
        reasons.append(msg.versions_the_alias_does_not_serve(unexpected))
    if errors:
        reasons.append(msg.errors_answered(errors))
    return Report(requests=len(samples), served=served, lines=lines, errors=errors,
                  no_version=len(samples) - len(ran), green_share=green_share, interval=interval,
                  consistent=not reasons, reasons=reasons)


BLUE, GREEN, UNEXPECTED = "blue", "green", "unexpected"


def _ordered(versions: set[str], served: Served) -> list[str]:
    """Blue, green, then any other version by number: the order a reader expects."""
    known = [v for v in (served.blue, served.green) if v is not None]
    return known + sorted(versions - set(known), key=lambda v: (len(v), v))


def _line(version: str, served: Served, samples: list[Sample]) -> VersionLine:
    role = BLUE if version == served.blue else GREEN if version == served.green else UNEXPECTED
    expected = (1 - served.green_weight if served.green else 1.0) if role == BLUE else \
        served.green_weight if role == GREEN else 0.0
    latencies = [s.latency_ms for s in samples]
    failed = [s for s in samples if s.error]
    return VersionLine(version=version, role=role, count=len(samples), expected_share=expected,
                       errors=len(failed), p50_ms=percentile(latencies, 50), p99_ms=percentile(latencies, 99),
                       first_error=failed[0].detail if failed else None)


# --- what verify prints ------------------------------------------------------------------------------


def report_json(report: Report, **about: str) -> dict:
    """``--json``'s object. Five of its keys are a fixed contract (docs/verify.md#json):
    ``requests``, ``versions``, ``errors``, ``expected_green_weight`` and ``consistent``; the rest
    add detail. ``about``: the deployment, function and alias, added as they are."""
    return {
        "requests": report.requests,
        "versions": report.versions,
        "errors": report.errors,
        "expected_green_weight": report.served.green_weight,
        "consistent": report.consistent,
        **about,
        "blue_version": report.served.blue,
        "green_version": report.served.green,
        "green_share": report.green_share,
        "interval": list(report.interval) if report.interval else None,
        "confidence": CONFIDENCE,
        "errors_by_version": {line.version: line.errors for line in report.lines if line.count},
        "errors_without_version": report.no_version,
        "latency_ms": {line.version: {"p50": line.p50_ms, "p99": line.p99_ms} for line in report.lines if line.count},
        "reasons": report.reasons,
    }


def render_text(report: Report, name: str, function: str, alias: str) -> str:
    """The report for a reader: a line per version, the interval, the verdict."""
    served = report.served
    lines = [f"{name}: {report.requests} invokes of {function}:{alias}; the alias routes "
             f"{_weight(served.green_weight)} to green (GetAlias)"]
    for line in report.lines:
        share = f"{_percent(line.count / (report.requests - report.no_version))}" \
            if report.requests > report.no_version else "-"
        lines.append(f"  v{line.version} ({line.role}): {line.count} ({share}, expected "
                     f"{_weight(line.expected_share)}), errors {line.errors}, latency p50 {_ms(line.p50_ms)} "
                     f"p99 {_ms(line.p99_ms)}")
        if line.first_error:
            lines.append(f"    first error: {line.first_error}")
    if report.no_version:
        lines.append(f"  no version (5xx from Lambda): {report.no_version}")
    if report.interval is not None and report.green_share is not None:
        low, high = report.interval
        lines.append(f"  green's share {_percent(report.green_share)}; the {CONFIDENCE:.1%} interval around "
                     f"{_weight(served.green_weight)} is [{_percent(low)}, {_percent(high)}]")
    if report.consistent:
        lines.append("consistent: the split agrees with the alias's weight, and no invoke answered an error")
    else:
        lines.append("inconsistent: " + "; ".join(report.reasons))
    return "\n".join(lines) + "\n"


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _weight(share: float) -> str:
    return f"{round(share * 100, 2):g}%"  # weights go in steps of 0.01%


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"
