"""Messages of the local emulator: its record (``.bluegreen/emulator.json``) and ``--local``."""

from __future__ import annotations

# Every problem of a damaged record ends with this: it was edited by hand (bluegreen writes it
# atomically), and guessing what it meant could orphan a server or stop the wrong process.
_START_OVER = "(to start over: stop any moto server you started by hand, then delete the file)"


def emulator_must_be_running(record: str) -> str:
    return (f"no emulator is running (none is recorded in {record}, or it no longer answers): start one "
            "with bluegreen up STACK_FILE --local")


def record_must_be_readable(error: Exception) -> str:
    return f"is not a readable emulator record ({error}) {_START_OVER}"


RECORD_MUST_NOT_NEST = f"is nested too deeply to be an emulator record {_START_OVER}"


def record_must_be_an_object(data: object) -> str:
    return f"must be a JSON object with pid and endpoint, got: {data!r} {_START_OVER}"


def pid_must_be_a_process_id(pid: object) -> str:
    return f"must be a process id (a positive integer), got: {pid!r} {_START_OVER}"


def endpoint_must_be_loopback(loopback: str, endpoint: object) -> str:
    return f"must be http://{loopback}:PORT, got: {endpoint!r} {_START_OVER}"
