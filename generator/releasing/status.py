"""``bluegreen status``: each deployment's blue and green versions, weight and phase.

From the traffic file (what Git says) and, where the stack folder has Terraform state, what is
applied (``applied``: the alias as it serves, the newest version). The phase comes
from what is applied when that is known, and from the file otherwise; a difference between the
two, an apply that stopped before the alias changed, and state that can't be read are each
named in a note, and the file's values are still shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from ..core.errors import ExternalToolFailed, InvalidInput
from ..core.messages import releasing as msg
from ..model.loader import StackFile
from ..model.stack import Deployment
from ..model.traffic import Traffic, format_weight
from ..model.traffic_file import read_traffic
from ..output.workspace import Workspace
from ..terraform.state import AppliedState, read_state
from .applied import applied
from .aws import Access
from .operations import locate
from .rollout_watch import rollout_state


@dataclass(frozen=True)
class DeploymentStatus:
    stack: str
    deployment: str
    blue_version: str | None           # the traffic file's pin (None: unpinned)
    green_version: str | None          # the traffic file's green (None while the weight is 0)
    green_weight: float
    phase: str                         # unpinned, stable, canary, green-primary
    phase_from: str                    # "applied" or "traffic file"
    applied: Traffic | None            # the traffic variables last applied; None without state
    serving_blue: str | None           # the blue version the alias serves (the first one while unpinned)
    newest_version: str | None         # the newest published version
    alias_arn: str | None
    notes: list[str] = field(default_factory=list)
    rollout: str | None = None         # the latest rollout (running, or how it ended); None without one


def collect_status(stack_file: StackFile, workspace: Workspace,
                   access: Callable[[str], Access] | None = None) -> list[DeploymentStatus]:
    """One row per deployment, from the workspace's traffic files and stack folders; with
    ``access`` (AWS for a region), deployments with a rollout show its state too."""
    rows = []
    for stack in stack_file.stacks:
        traffic = read_traffic(workspace.traffic_file(stack_file, stack), stack)
        try:
            state, unreadable = read_state(workspace.stack_dir(stack), workspace.remote_state(stack)), None
        except InvalidInput as error:
            state, unreadable = AppliedState(), msg.applied_state_not_read(error.render())
        except ExternalToolFailed as error:  # remote state, and terraform could not pull it
            state, unreadable = AppliedState(), msg.applied_state_not_read(str(error))
        stack_rows = [_row(stack.name, d, traffic[d.name], state, unreadable) for d in stack.deployments]
        if access is not None and unreadable is None:
            stack_rows = [_with_rollout(row, stack_file, workspace, access, state) for row in stack_rows]
        rows += stack_rows
    return rows


def _with_rollout(row: DeploymentStatus, stack_file: StackFile, workspace: Workspace,
                  access: Callable[[str], Access], state: AppliedState) -> DeploymentStatus:
    target = locate(stack_file, f"{row.stack}/{row.deployment}", workspace)
    if target.deployment.rollout is None:
        return row
    try:
        found = rollout_state(target, access, state)
    except InvalidInput as error:  # --local with no emulator running, say: the rest still shows
        return replace(row, notes=[*row.notes, msg.rollout_state_not_read(error.render())])
    except ExternalToolFailed as error:
        return replace(row, notes=[*row.notes, msg.rollout_state_not_read(str(error))])
    return replace(row, rollout=f"{found[0]}: {found[1]}" if found else None)


def _row(stack: str, deployment: Deployment, committed: Traffic, state: AppliedState,
         unreadable: str | None) -> DeploymentStatus:
    live = applied(deployment, state)
    phase_of = live.traffic if live else committed
    notes = [unreadable] if unreadable else []
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
        shown = row.applied or Traffic(row.blue_version, row.green_version, row.green_weight)
        blue = f"v{row.serving_blue or shown.blue_version}" if (row.serving_blue or shown.blue_version) else "unpinned"
        green = f"green v{shown.green_version}" if shown.green_version else "no green"
        newest = f", newest v{row.newest_version}" if row.newest_version else ", not applied yet"
        lines.append(f"{row.stack}/{row.deployment}: {row.phase} ({row.phase_from}), blue {blue}, {green}, "
                     f"green weight {format_weight(shown.green_weight)}{newest}")
        if row.rollout:
            lines.append(f"  rollout {row.rollout}")
        lines += [f"  note: {note}" for note in row.notes]
    return "\n".join(lines) + "\n"
