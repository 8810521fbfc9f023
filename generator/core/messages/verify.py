"""Messages of ``bluegreen verify``: its arguments, the invokes, and why a split is inconsistent."""

from __future__ import annotations

from ..values import shortened


def requests_must_be_a_whole_number(maximum: int, got: str) -> str:
    return f"must be a whole number of invokes from 1 to {maximum}, got: {shortened(got)}"


def requests_must_be_at_most(maximum: int, got: str) -> str:
    """Every request is a real invocation on AWS, billed: the maximum keeps a typo from costing much."""
    return f"must be at most {maximum} (each request is a real, billed invocation on AWS), got: {shortened(got)}"


def event_file_must_exist(path: str) -> str:
    return f"must be an existing JSON file (the event each invoke sends), got: {path!r}, which does not exist"


def event_file_must_be_json(path: str, error: Exception) -> str:
    return f"must be a file of JSON (the event each invoke sends), got: {path!r} ({error})"


EVENT_FILE_MUST_NOT_NEST_TOO_DEEPLY = "is nested too deeply to be an event (the file's JSON is hundreds of levels deep)"


def event_must_fit_a_payload(path: str, size: int, limit: int) -> str:
    """Lambda's synchronous request payload quota (docs/aws-rules.md#r77-invoke-payloads-and-cost)."""
    return (f"must be at most {limit:,} bytes of JSON (Lambda's synchronous payload quota), got: {path!r} of "
            f"{size:,} bytes")


def invoke_answered_no_version(function: str, alias: str) -> str:
    """An Invoke through an alias always names the version that ran
    (docs/aws-rules.md#r76-counting-the-versions-an-alias-served)."""
    return (f"AWS Lambda Invoke of {function}:{alias} answered without an ExecutedVersion, so which version ran "
            "is unknown (an emulator that does not run the code answers so)")


def share_outside_interval(share: float, interval: tuple[float, float], weight: float) -> str:
    low, high = interval
    return (f"green's share {share:.1%} is outside the 99.9% interval [{low:.1%}, {high:.1%}] around the "
            f"alias's weight {weight:.2%}")


NO_INVOKE_REACHED_A_VERSION = "no invoke reached a version (every one answered a 5xx)"


def versions_the_alias_does_not_serve(versions: list[str]) -> str:
    return f"version(s) the alias does not route to answered: {', '.join(f'v{v}' for v in versions)}"


def errors_answered(count: int) -> str:
    return f"{count} invoke(s) answered an error (a function error or a 5xx)"
