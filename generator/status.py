"""``bluegreen status``: each deployment's blue and green versions, weight and phase.

From the traffic file (what Git says) and, where the stack folder has Terraform state, its
outputs (what was last applied). The phase comes from what is applied when that is known, and
from the file otherwise; a difference between the two is shown, never hidden. State that
can't be read is named, and the file's values are still shown.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from . import naming
from .errors import InvalidInput
from .loader import StackFile
from .model import Deployment
from .terraform_outputs import read_outputs
from .traffic import Traffic, format_weight, read_traffic
from .workspace import Workspace


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


def collect_status(stack_file: StackFile, workspace: Workspace) -> list[DeploymentStatus]:
    """One row per deployment, from the workspace's traffic files and stack folders."""
    rows = []
    for stack in stack_file.stacks:
        traffic = read_traffic(workspace.traffic_file(stack_file, stack), stack)
        folder = workspace.stack_dir(stack)
        try:
            outputs, unreadable = read_outputs(folder), None
        except InvalidInput as error:
            outputs, unreadable = {}, f"applied state not read: {error.render()}"
        rows += [_row(stack.name, d, traffic[d.name], outputs, unreadable) for d in stack.deployments]
    return rows


def _row(stack: str, deployment: Deployment, committed: Traffic, outputs: dict,
         unreadable: str | None) -> DeploymentStatus:
    def output(what: str):
        return outputs.get(naming.output_name(deployment, what))

    applied = _applied_traffic(output("applied_traffic"))
    serving_blue, newest = _text(output("blue_version")), _text(output("newest_version"))
    phase_of = applied or committed
    notes = [unreadable] if unreadable else []
    if applied and applied != committed:
        notes.append(f"the traffic file says {_describe(committed)}: apply to catch up")
    if phase_of.blue_version is None:
        notes.append(_unpinned_note(serving_blue, newest))
    return DeploymentStatus(
        stack=stack, deployment=deployment.name, blue_version=committed.blue_version,
        green_version=committed.green_version, green_weight=committed.green_weight,
        phase=phase_of.phase, phase_from="applied" if applied else "traffic file", applied=applied,
        serving_blue=serving_blue, newest_version=newest, alias_arn=_text(output("alias_arn")), notes=notes)


def _unpinned_note(serving_blue: str | None, newest: str | None) -> str:
    if serving_blue and newest and newest != serving_blue:
        return (f"blue is unpinned: the alias stays on v{serving_blue}, the first version published; v{newest} "
                "gets no traffic: run promote to pin blue, then shift")
    return "blue is unpinned: run promote after the first apply to pin the version now serving"


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
        lines += [f"  note: {note}" for note in row.notes]
    return "\n".join(lines) + "\n"


def _describe(traffic: Traffic) -> str:
    blue = f"blue v{traffic.blue_version}" if traffic.blue_version else "blue unpinned"
    green = f", green v{traffic.green_version}" if traffic.green_version else ""
    return f"{traffic.phase}: {blue}{green}, green weight {format_weight(traffic.green_weight)}"


def _applied_traffic(value) -> Traffic | None:
    # Written by the applied_traffic output; anything else (an older output layout) reads as unknown.
    if not isinstance(value, dict):
        return None
    weight = value.get("green_weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        return None
    return Traffic(_text(value.get("blue_version")), _text(value.get("green_version")), weight + 0)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None

