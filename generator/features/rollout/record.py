"""The rollout record: each deployment's last rollout outcome, in a small file next to the traffic file.

``<stack>.rollouts.json`` holds, per deployment, the execution (its name and ARN), its result,
the reason, the versions and the times. It is rewritten with the traffic file when a rollout ends, so a commit
of both tells the story in Git's history ("rolled back: Alarm ... is in ALARM"), and ``guard``
knows whether an ended execution's outcome has been written yet. Writes are atomic and happen
under the traffic file's lock.

Beside the outcome, a deployment's entry may hold ``controls``: each ``--pause``, ``--resume``
and ``--promote-now`` given to its latest controlled execution, who gave it and when (a new
execution's first control replaces an earlier execution's list).
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


@dataclass(frozen=True)
class Control:
    """One control given to a running execution (``bluegreen rollout --pause`` and the like)."""

    execution: str       # the execution's name
    control: str         # pause, resume, promote-now (``controls.CONTROLS``)
    by: str              # the AWS caller's ARN (``sts:GetCallerIdentity``)
    user: str            # the local user who ran the command
    at: str              # ISO 8601, UTC
    reason: str | None   # ``--reason``, if given


# The one key a record of an older release may lack; the controls' key, which only an entry
# with controls has.
_ARN, _CONTROLS = "execution_arn", "controls"


def record_path(traffic_file: Path, stack: Stack) -> Path:
    """``<stack>.rollouts.json``, in the traffic file's folder."""
    return traffic_file.parent / f"{stack.name}.rollouts.json"


def read_records(path: Path) -> dict[str, Outcome]:
    """The outcomes by deployment name; empty when there is no file."""
    return {name: _outcome({k: v for k, v in entry.items() if k != _CONTROLS})
            for name, entry in _read(path).items() if set(entry) - {_CONTROLS}}


def read_controls(path: Path) -> dict[str, list[Control]]:
    """The controls by deployment name (only deployments that have some)."""
    return {name: [Control(**c) for c in entry[_CONTROLS]] for name, entry in _read(path).items()
            if entry.get(_CONTROLS)}


def _read(path: Path) -> dict[str, dict[str, Any]]:
    """The entries by deployment name, each checked: an outcome's keys (or none, with controls),
    and controls of ``Control``'s keys."""
    if not path.exists():
        return {}
    where = InFile(str(path))
    data = read_json(path, where, not_json=msg.record_must_be_json, too_deep=msg.RECORD_MUST_NOT_NEST)
    names, control_keys = {f.name for f in fields(Outcome)}, {f.name for f in fields(Control)}

    def fits(entry: Any) -> bool:
        if not isinstance(entry, dict):
            return False
        given = entry.get(_CONTROLS, [])
        controls_fit = isinstance(given, list) and all(isinstance(c, dict) and set(c) == control_keys
                                                       for c in given)
        outcome = set(entry) - {_CONTROLS}
        return controls_fit and (outcome in (names, names - {_ARN}) or (not outcome and bool(given)))
    if not isinstance(data, dict) or not all(fits(e) for e in data.values()):
        raise InvalidInput(Problem(where, msg.record_must_have_the_shape(sorted(names))))
    return data


def _outcome(entry: dict[str, Any]) -> Outcome:
    values: dict[str, Any] = {_ARN: None, **entry}
    return Outcome(**values)


def write_record(path: Path, stack: Stack, deployment: str, outcome: Outcome) -> None:
    """Set ``deployment``'s outcome (call under ``traffic_lock``); its controls and the other
    deployments' entries stay as they are."""
    entries = _read(path)
    entries[deployment] = {**asdict(outcome), **({_CONTROLS: entries[deployment][_CONTROLS]}
                                                 if entries.get(deployment, {}).get(_CONTROLS) else {})}
    _write(path, stack, entries)


def add_control(path: Path, stack: Stack, deployment: str, control: Control) -> None:
    """Append ``control`` to ``deployment``'s controls (call under ``traffic_lock``); a control of
    another execution than the listed ones starts the list again."""
    entries = _read(path)
    entry = dict(entries.get(deployment, {}))
    kept = [c for c in entry.get(_CONTROLS, []) if c["execution"] == control.execution]
    entry[_CONTROLS] = [*kept, asdict(control)]
    entries[deployment] = entry
    _write(path, stack, entries)


def _write(path: Path, stack: Stack, entries: dict[str, dict[str, Any]]) -> None:
    order = [d.name for d in stack.deployments]
    ordered = {name: entries[name] for name in sorted(entries, key=lambda n: (n not in order, order.index(n)
                                                                              if n in order else 0, n))}
    write_atomically(path, json.dumps(ordered, indent=2) + "\n")
