"""``bluegreen status``: each deployment's blue and green versions, weight and phase.

From the traffic file (what Git says) and, where the stack folder has Terraform state, what is
applied (``applied``: the alias as it serves, the newest version). The phase comes
from what is applied when that is known, and from the file otherwise; a difference between the
two, and an apply that stopped before the alias changed, are each named in a note. State that
can't be read leaves the phase unknown (``state_not_read`` says why, and the command's exit
status follows it), with the file's values still shown. After a rollout, the alias serves what
the state does not say until the next apply records it: the phase is then what the alias
serves, read from Lambda, with a note saying so.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from ..core.errors import ExternalToolFailed, InvalidInput
from ..core.messages import releasing as msg
from ..features.loader import StackFile
from ..model.stack import Deployment
from ..model.traffic import Traffic, format_weight
from ..model.traffic_file import read_traffic
from ..output.workspace import Workspace
from ..terraform.state import AppliedState, read_state
from .applied import applied, serves
from .aws import Access
from .operations import locate
from .rollout_watch import WRITTEN, rollout_state


@dataclass(frozen=True)
class DeploymentStatus:
    stack: str
    deployment: str
    blue_version: str | None           # the traffic file's pin (None: unpinned)
    green_version: str | None          # the traffic file's green (None while the weight is 0)
    green_weight: float
    phase: str                         # unpinned, stable, canary, green-primary; unknown (state not read)
    phase_from: str                    # "applied", "traffic file", "alias" (since a rollout) or STATE_NOT_READ
    applied: Traffic | None            # the traffic variables last applied; None without state
    serving_blue: str | None           # the blue version the alias serves (the first one while unpinned)
    newest_version: str | None         # the newest published version
    alias_arn: str | None
    notes: list[str] = field(default_factory=list)
    rollout: str | None = None         # the latest rollout (running, or how it ended); None without one
    serving: Traffic | None = None     # what the alias serves, read from Lambda after a rollout
    state_not_read: str | None = None  # INVALID_STATE or STATE_TOOL_FAILED: the phase is unknown


UNKNOWN, STATE_NOT_READ = "unknown", "applied state not read"
# Why the state was not read: a file or answer that is not state (exit 2), or terraform state
# pull failed, say with the backend unreachable (exit 3).
INVALID_STATE, STATE_TOOL_FAILED = "invalid", "tool failed"


def collect_status(stack_file: StackFile, workspace: Workspace,
                   access: Callable[[str], Access] | None = None) -> list[DeploymentStatus]:
    """One row per deployment, from the workspace's traffic files and stack folders; with
    ``access`` (AWS for a region), deployments with a rollout show its state too."""
    rows = []
    for stack in stack_file.stacks:
        traffic = read_traffic(workspace.traffic_file(stack_file, stack), stack)
        try:
            state, unreadable = read_state(workspace.state_folder(stack), workspace.remote_state(stack),
                                           workspace.state_module(stack)), None
        except InvalidInput as error:
            state, unreadable = AppliedState(), (INVALID_STATE, msg.applied_state_not_read(error.render()))
        except ExternalToolFailed as error:  # remote state, and terraform could not pull it
            state, unreadable = AppliedState(), (STATE_TOOL_FAILED, msg.applied_state_not_read(str(error)))
        stack_rows = [_row(stack.name, d, traffic[d.name], state) for d in stack.deployments]
        if unreadable is not None:
            stack_rows = [replace(row, phase=UNKNOWN, phase_from=STATE_NOT_READ, state_not_read=unreadable[0],
                                  notes=[unreadable[1]]) for row in stack_rows]
        elif access is not None:
            stack_rows = [_with_rollout(row, stack_file, workspace, access, state) for row in stack_rows]
        rows += stack_rows
    return rows


def _with_rollout(row: DeploymentStatus, stack_file: StackFile, workspace: Workspace,
                  access: Callable[[str], Access], state: AppliedState) -> DeploymentStatus:
    # Every deployment, declared rollout or not: one removed from the stack file may still be
    # applied and running (nothing is asked of AWS when none is applied).
    target = locate(stack_file, f"{row.stack}/{row.deployment}", workspace)
    try:
        found = rollout_state(target, access, state, read_alias=True, read_control=True)
    except InvalidInput as error:  # --local with no emulator running, say: the rest still shows
        return replace(row, notes=[*row.notes, msg.rollout_state_not_read(error.render())])
    except ExternalToolFailed as error:
        return replace(row, notes=[*row.notes, msg.rollout_state_not_read(str(error))])
    if found is None:
        return row
    row = replace(row, rollout=f"{found.kind}: {found.line}")
    if found.serving is None or (row.applied is not None and
                                 serves(found.serving, None) == serves(row.applied, row.serving_blue)):
        return row
    # The rollout moved the alias outside Terraform: the state says what it served before.
    note = msg.alias_serves_since_the_rollout(found.serving.describe(), row.applied.describe() if row.applied
                                              else None, written=found.kind == WRITTEN)
    return replace(row, phase=found.serving.phase, phase_from="alias", serving=found.serving,
                   serving_blue=found.serving.blue_version, notes=[*row.notes, note])


def _row(stack: str, deployment: Deployment, committed: Traffic, state: AppliedState) -> DeploymentStatus:
    live = applied(deployment, state)
    phase_of = live.traffic if live else committed
    notes = []
    if live and live.stopped:
        notes.append(live.stopped)
    if live and live.traffic != committed:
        notes.append(msg.traffic_file_differs_from_applied(committed.phase, committed.describe()))
    if phase_of.blue_version is None:
        notes.append(_unpinned_note(live.serving_blue if live else None, live.newest_version if live else None))
    return DeploymentStatus(
        stack=stack, deployment=deployment.name, blue_version=committed.blue_version,
        green_version=committed.green_version, green_weight=committed.green_weight,
        phase=phase_of.phase, phase_from="applied" if live else "traffic file",
        applied=live.traffic if live else None, serving_blue=live.serving_blue if live else None,
        newest_version=live.newest_version if live else None, alias_arn=live.alias_arn if live else None,
        notes=notes)


def _unpinned_note(serving_blue: str | None, newest: str | None) -> str:
    if serving_blue and newest and newest != serving_blue:
        return msg.unpinned_blue_keeps_the_first_version(serving_blue, newest)
    return msg.UNPINNED_BLUE_NEEDS_PROMOTE


def render_status_json(rows: list[DeploymentStatus]) -> str:
    return json.dumps([asdict(row) for row in rows], indent=2, sort_keys=True) + "\n"


def render_status_text(rows: list[DeploymentStatus]) -> str:
    lines = []
    for row in rows:
        shown = row.serving or row.applied or Traffic(row.blue_version, row.green_version, row.green_weight)
        blue = f"v{row.serving_blue or shown.blue_version}" if (row.serving_blue or shown.blue_version) else "unpinned"
        green = f"green v{shown.green_version}" if shown.green_version else "no green"
        newest = (f", newest v{row.newest_version}" if row.newest_version
                  else ", newest unknown" if row.state_not_read else ", not applied yet")
        lines.append(f"{row.stack}/{row.deployment}: {row.phase} ({row.phase_from}), blue {blue}, {green}, "
                     f"green weight {format_weight(shown.green_weight)}{newest}")
        if row.rollout:
            lines.append(f"  rollout {row.rollout}")
        lines += [f"  note: {note}" for note in row.notes]
    return "\n".join(lines) + "\n"
