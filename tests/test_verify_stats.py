"""``bluegreen verify``'s statistics on their own (``generator.releasing.verify_stats``): the
99.9 % interval at the weights 0, 0.01, 0.5 and 1, its agreement with the Wilson score interval,
the exact chance that an honest split fails, nearest-rank percentiles, and the report with its
``--json`` keys."""

from __future__ import annotations

import math

import pytest

from generator.core.messages import verify as msg
from generator.releasing.verify_stats import (
    CONFIDENCE,
    Sample,
    Served,
    Z,
    acceptance_interval,
    percentile,
    render_text,
    report_json,
    share_is_consistent,
    summarize,
    wilson_interval,
)


def test_the_confidence_is_99_9_percent_two_sided():
    assert CONFIDENCE == 0.999
    assert Z == pytest.approx(3.2905267, abs=1e-6)


# --- the interval at the weights the issue names ----------------------------------------------------


@pytest.mark.parametrize("n", [1, 100, 10_000])
def test_at_weight_0_and_1_the_interval_is_the_point_itself(n):
    assert acceptance_interval(0, n) == (0.0, 0.0)
    assert acceptance_interval(1, n) == (1.0, 1.0)
    assert share_is_consistent(0, n, 0) and not share_is_consistent(1, n, 0)  # one green request fails
    assert share_is_consistent(n, n, 1) and not share_is_consistent(n - 1, n, 1)


def test_at_weight_0_01_of_100_requests_up_to_4_green_pass_and_5_fail():
    low, high = acceptance_interval(0.01, 100)
    # 0.01 ± 3.2905 * sqrt(0.01 * 0.99 / 100) = 0.01 ± 0.03274, cut at 0
    assert (low, high) == (0.0, pytest.approx(0.042740, abs=1e-6))
    assert [share_is_consistent(k, 100, 0.01) for k in range(7)] == [True] * 5 + [False] * 2


def test_at_weight_0_5_of_200_requests_the_interval_is_38_4_to_61_6_percent():
    low, high = acceptance_interval(0.5, 200)
    assert (low, high) == (pytest.approx(0.383663, abs=1e-6), pytest.approx(0.616337, abs=1e-6))
    assert share_is_consistent(100, 200, 0.5)  # exactly the weight: inside, whatever the rounding
    assert share_is_consistent(77, 200, 0.5) and share_is_consistent(123, 200, 0.5)
    assert not share_is_consistent(76, 200, 0.5) and not share_is_consistent(124, 200, 0.5)


def test_the_wilson_interval_matches_the_textbook_at_95_percent():
    low, high = wilson_interval(50, 100, z=1.959964)
    assert (low, high) == (pytest.approx(0.4038, abs=1e-4), pytest.approx(0.5962, abs=1e-4))
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


@pytest.mark.parametrize("weight", [0.0, 0.01, 0.25, 0.5, 0.9, 1.0])
def test_a_share_passes_exactly_when_the_weight_is_inside_its_wilson_interval(weight):
    # The score test and the Wilson interval are the same statement, read from either side.
    n = 100
    for k in range(n + 1):
        low, high = wilson_interval(k, n)
        assert share_is_consistent(k, n, weight) == (low - 1e-9 <= weight <= high + 1e-9), (k, weight)


def binomial(n: int, k: int, weight: float) -> float:
    """The chance of ``k`` green of ``n`` at ``weight`` (0 < weight < 1), in logarithms: no overflow."""
    return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                    + k * math.log(weight) + (n - k) * math.log(1 - weight))


def chance_to_fail(n: int, true_weight: float, weight: float) -> float:
    """The exact chance that an alias routing ``true_weight`` fails the check against ``weight``."""
    return sum(binomial(n, k, true_weight) for k in range(n + 1) if not share_is_consistent(k, n, weight))


@pytest.mark.parametrize("weight, n, at_most", [
    (0.5, 200, 0.001), (0.5, 40, 0.001), (0.3, 10_000, 0.0011), (0.1, 1000, 0.001),
    # A small canary of few requests: the score test's normal approximation fails it a little
    # more often (docs/verify.md#the-interval).
    (0.1, 100, 0.0025), (0.01, 1000, 0.0016), (0.01, 100, 0.0035),
])
def test_an_honest_split_fails_about_once_in_a_thousand_runs(weight, n, at_most):
    # Exact, from the binomial distribution: no flaky estimate.
    assert chance_to_fail(n, weight, weight) <= at_most


def test_a_split_off_by_ten_points_is_caught_almost_always_at_a_thousand_requests():
    # Green gets 60 % where the alias says 50 %.
    assert chance_to_fail(1000, 0.6, 0.5) > 0.998
    assert chance_to_fail(200, 0.6, 0.5) < 0.5  # at 200, such a difference often goes unseen


def test_bad_arguments_to_the_intervals_are_refused():
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    with pytest.raises(ValueError):
        acceptance_interval(1.5, 10)
    with pytest.raises(ValueError):
        acceptance_interval(0.5, 0)


# --- percentiles -------------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
    assert percentile([7.0], 50) == percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 500.0], 99) == 500.0  # the slowest of five is their p99
    assert percentile([3.0, 1.0], 50) == 1.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 0)


# --- the report --------------------------------------------------------------------------------------

HALF = Served("1", "2", 0.5)


def samples(blue: int, green: int, *, errors_on_green: int = 0, other: dict[str, int] | None = None) -> list[Sample]:
    made = [Sample("1", False, 2.0) for _ in range(blue)]
    made += [Sample("2", i < errors_on_green, 3.0, "ZeroDivisionError: division by zero" if i < errors_on_green
                    else None) for i in range(green)]
    for version, count in (other or {}).items():
        made += [Sample(version, False, 1.0) for _ in range(count)]
    return made


def test_a_split_inside_the_interval_with_no_errors_is_consistent():
    report = summarize(samples(96, 104), HALF)
    assert report.consistent and report.reasons == []
    assert report.versions == {"1": 96, "2": 104}
    assert report.green_share == 0.52 and report.errors == 0
    blue, green = report.lines
    assert (blue.role, blue.expected_share, blue.p50_ms, green.role, green.p99_ms) == ("blue", 0.5, 2.0, "green", 3.0)


def test_a_split_outside_the_interval_is_inconsistent_and_says_why():
    report = summarize(samples(140, 60), HALF)
    assert not report.consistent
    assert report.reasons == [msg.share_outside_interval(0.3, report.interval, 0.5)]
    assert report.reasons == ["green's share 30.0% is outside the 99.9% interval [38.4%, 61.6%] around the "
                              "alias's weight 50.00%"]


def test_errors_make_a_good_split_inconsistent_and_are_counted_per_version():
    report = summarize(samples(100, 100, errors_on_green=3), HALF)
    assert not report.consistent and report.errors == 3
    assert report.reasons == [msg.errors_answered(3)]
    assert report.lines[1].errors == 3 and report.lines[1].first_error == "ZeroDivisionError: division by zero"


def test_a_version_the_alias_does_not_route_to_is_inconsistent():
    report = summarize(samples(100, 0, other={"3": 1}), Served("1", None, 0.0))
    assert not report.consistent
    assert report.reasons == [msg.versions_the_alias_does_not_serve(["3"])]
    assert [line.role for line in report.lines] == ["blue", "unexpected"]


def test_blue_alone_at_weight_0_is_consistent():
    report = summarize(samples(50, 0), Served("1", None, 0.0))
    assert report.consistent and report.versions == {"1": 50} and report.interval == (0.0, 0.0)


def test_5xx_answers_without_a_version_are_errors_outside_the_share():
    report = summarize([*samples(10, 10), Sample(None, True, 5.0, "ServiceException")], HALF)
    assert (report.requests, report.no_version, report.errors, report.green_share) == (21, 1, 1, 0.5)
    assert not report.consistent
    nothing = summarize([Sample(None, True, 5.0)], HALF)
    assert nothing.reasons == [msg.NO_INVOKE_REACHED_A_VERSION, msg.errors_answered(1)]


def test_the_json_object_has_the_fixed_keys():
    report = summarize(samples(96, 104), HALF)
    shown = report_json(report, deployment="hello/hello")
    assert {k: shown[k] for k in ("requests", "versions", "errors", "expected_green_weight", "consistent")} == {
        "requests": 200, "versions": {"1": 96, "2": 104}, "errors": 0, "expected_green_weight": 0.5,
        "consistent": True}
    assert shown["deployment"] == "hello/hello" and shown["latency_ms"]["2"] == {"p50": 3.0, "p99": 3.0}
    assert shown["interval"] == [pytest.approx(0.383663, abs=1e-6), pytest.approx(0.616337, abs=1e-6)]


def test_the_text_report_has_a_line_per_version_and_the_verdict():
    text = render_text(summarize(samples(96, 104, errors_on_green=1), HALF), "hello/hello", "hello-hello", "live")
    assert text.splitlines() == [
        "hello/hello: 200 invokes of hello-hello:live; the alias routes 50% to green (GetAlias)",
        "  v1 (blue): 96 (48.0%, expected 50%), errors 0, latency p50 2.0 ms p99 2.0 ms",
        "  v2 (green): 104 (52.0%, expected 50%), errors 1, latency p50 3.0 ms p99 3.0 ms",
        "    first error: ZeroDivisionError: division by zero",
        "  green's share 52.0%; the 99.9% interval around 50% is [38.4%, 61.6%]",
        f"inconsistent: {msg.errors_answered(1)}",
    ]
