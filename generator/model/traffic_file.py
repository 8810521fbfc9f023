"""The traffic file: each deployment's blue and green versions and green weight, as reviewed data.

One file per stack, next to the stack file: ``<stack>.traffic.json``. Formatting is fixed (two
spaces, one line per value, deployments in stack order) so a change of weight is a one-line Git
diff, and naming a new green version or promoting it two lines. Writes are atomic (a temporary
file, then a rename): a crash never leaves a half-written file; ``traffic_lock`` serialises
read-modify-write cycles, so two commands at once never lose an update. Synthesis copies the
values into the stack folder as ``traffic.auto.tfvars.json``, which ``terraform plan/apply``
read with no extra flags.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core.errors import InFile, InvalidInput, Problem
from ..core.json_file import read_json, write_atomically
from ..core.messages import traffic as msg
from .stack import Stack
from .traffic import Traffic, file_name, format_weight, parse_entry


def traffic_path(stack_file_dir: Path, stack: Stack) -> Path:
    return stack_file_dir / file_name(stack)


def read_traffic(path: Path, stack: Stack) -> dict[str, Traffic]:
    """Every deployment's traffic (defaults where the file or an entry is absent); validated."""
    traffic = {d.name: Traffic() for d in stack.deployments}
    where = str(path)
    if path.is_symlink() and not path.exists():
        raise InvalidInput(Problem(InFile(where), msg.traffic_file_link_must_lead_somewhere(os.readlink(path))))
    if not path.exists():
        return traffic
    if not path.is_file():
        raise InvalidInput(Problem(InFile(where), msg.TRAFFIC_FILE_MUST_BE_A_FILE))
    data = read_json(path, InFile(where), not_json=msg.traffic_file_must_be_json,
                     too_deep=msg.TRAFFIC_FILE_MUST_NOT_NEST_TOO_DEEPLY, object_pairs_hook=_refuse_duplicates)
    if not isinstance(data, dict):
        raise InvalidInput(Problem(InFile(where), msg.must_be_an_object_of_deployments(data)))
    problems = []
    for name, entry in data.items():
        if name not in traffic:
            problems.append(Problem(InFile(where, name),
                                    msg.must_be_a_deployment_of_the_stack(stack.name, traffic)))
            continue
        try:
            traffic[name] = parse_entry(entry)
        except ValueError as error:  # its text is a message of the catalogue (core.messages.traffic)
            problems.append(Problem(InFile(where, name), str(error)))
    if problems:
        raise InvalidInput(problems)
    return traffic


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    # json keeps the last of two equal keys; a write would then silently drop the first.
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(msg.keys_must_appear_once(duplicates))
    return dict(pairs)


def render_traffic(stack: Stack, traffic: dict[str, Traffic]) -> str:
    """The file's text: deployments in stack order, one value a line, a final newline."""
    lines = []
    for deployment in stack.deployments:
        entry = traffic[deployment.name]
        lines.append(f'  "{deployment.name}": {{\n'
                     f'    "blue_version": {json.dumps(entry.blue_version)},\n'
                     f'    "green_version": {json.dumps(entry.green_version)},\n'
                     f'    "green_weight": {format_weight(entry.green_weight)}\n'
                     "  }")
    return "{\n" + ",\n".join(lines) + "\n}\n"


@contextmanager
def traffic_lock(path: Path):
    """Hold the traffic file's folder exclusively: one read-modify-write at a time.

    The lock is on the folder, not on the file: a write replaces the file (a new inode), so a
    lock on the old file would let the next writer in early. Nothing is left behind on disk.
    """
    folder = (path.resolve() if path.is_symlink() else path).parent
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_traffic(path: Path, stack: Stack, traffic: dict[str, Traffic]) -> None:
    """Replace ``path`` atomically (``core.json_file.write_atomically``)."""
    write_atomically(path, render_traffic(stack, traffic))
