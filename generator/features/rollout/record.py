"""The rollout record: each deployment's last rollout outcome, in a small file next to the traffic file.

``<stack>.rollouts.json`` holds, per deployment, the execution (its name and ARN), its result,
the reason, the versions and the times. It is rewritten with the traffic file when a rollout ends, so a commit
of both tells the story in Git's history ("rolled back: Alarm ... is in ALARM"), and ``guard``
knows whether an ended execution's outcome has been written yet. Writes are atomic and happen
under the traffic file's lock.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ...core.errors import InFile, InvalidInput, Problem
from ...core.json_file import read_json, write_atomically
from ...model.stack import Stack
from . import messages as msg

# The results a rollout ends with (``Outcome.result``); "not started": the alias could not be
# read, or served green already, and nothing was changed; "inconclusive": green served too few
# invocations to judge, and the alias went back to blue; "rolled back after promotion": a gate
# failed in the final bake, and the alias went back to the old blue.
PROMOTED, ROLLED_BACK, INTERFERED, ABORTED, FAILED, NOT_STARTED = ("promoted", "rolled back", "interfered",
                                                                   "aborted", "failed", "not started")
INCONCLUSIVE, ROLLED_BACK_AFTER_PROMOTION = "inconclusive", "rolled back after promotion"


@dataclass(frozen=True)
class Outcome:
    execution: str            # the execution's name (deployment, green version, attempt)
    # With ``started``, what tells this execution from a later one of the same name; None in a
    # record written before the ARN was kept (then the name and ``started`` tell them apart).
    execution_arn: str | None
    result: str               # one of the results above
    reason: str | None        # why it did not promote (the execution's cause); None when promoted
    blue_version: str | None  # what the alias served before
    green_version: str        # the version rolled out
    started: str              # ISO 8601, UTC
    ended: str


# The one key a record of an older release may lack.
_ARN = "execution_arn"


def record_path(traffic_file: Path, stack: Stack) -> Path:
    """``<stack>.rollouts.json``, in the traffic file's folder."""
    return traffic_file.parent / f"{stack.name}.rollouts.json"


def read_records(path: Path) -> dict[str, Outcome]:
    """The outcomes by deployment name; empty when there is no file."""
    if not path.exists():
        return {}
    where = InFile(str(path))
    data = read_json(path, where, not_json=msg.record_must_be_json, too_deep=msg.RECORD_MUST_NOT_NEST)
    names = {f.name for f in fields(Outcome)}
    if not isinstance(data, dict) or not all(isinstance(e, dict) and set(e) in (names, names - {_ARN})
                                             for e in data.values()):
        raise InvalidInput(Problem(where, msg.record_must_have_the_shape(sorted(names))))
    return {name: _outcome(entry) for name, entry in data.items()}


def _outcome(entry: dict[str, Any]) -> Outcome:
    values: dict[str, Any] = {_ARN: None, **entry}
    return Outcome(**values)


def write_record(path: Path, stack: Stack, deployment: str, outcome: Outcome) -> None:
    """Set ``deployment``'s outcome (call under ``traffic_lock``); the others stay as they are."""
    records = read_records(path)
    records[deployment] = outcome
    order = [d.name for d in stack.deployments]
    ordered = {name: asdict(records[name]) for name in sorted(records, key=lambda n: (n not in order, order.index(n)
                                                                                     if n in order else 0, n))}
    write_atomically(path, json.dumps(ordered, indent=2) + "\n")
