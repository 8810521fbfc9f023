"""Messages of the emulator's runtime: the texts of a function's run that are the emulator's own.

Error payloads that Lambda itself writes (a timeout, a runtime that exited) keep Lambda's wording
(docs/aws-rules.md#r72-what-an-invoke-answers), so code written against Lambda reads them alike.
"""

from __future__ import annotations

_RUNTIMES_RUN = "python3.* (with the emulator's Python) and nodejs* (with the node on its PATH)"


def runtime_cannot_run_locally(runtime: object) -> str:
    return f"the emulator runs {_RUNTIMES_RUN} functions only, got: {runtime!r}"


def node_is_missing(runtime: str) -> str:
    return (f"a {runtime} function needs Node.js, and the emulator finds no node on its PATH: install Node.js "
            "(Debian: apt-get install nodejs), then restart the emulator (bluegreen down, then up --local)")


def payload_must_be_json(error: Exception) -> str:
    return f"Could not parse request body into json: {error}"


def task_timed_out(request_id: str, timeout_s: float) -> str:
    return f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds"


def runtime_exited(request_id: str, how: str) -> str:
    return f"RequestId: {request_id} Error: Runtime exited with error: {how}"
