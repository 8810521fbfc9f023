"""``bluegreen status``: each deployment's blue and green versions, weight and phase.

From the committed traffic file (what Git says) and, where a stack folder has Terraform state,
its outputs (what was last applied): a difference between the two is shown, never hidden.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from . import naming
from .loader import StackFile
from .terraform_outputs import read_outputs
from .traffic import format_weight, read_traffic, traffic_path


@dataclass(frozen=True)
class DeploymentStatus:
    stack: str
    deployment: str
    blue_version: str | None       # the traffic file's pin (None: unpinned)
    green_weight: float
    phase: str                     # unpinned, stable, canary, green-primary
    applied_blue_version: str | None   # from Terraform outputs, None without state
    applied_green_version: str | None
    alias_arn: str | None


def collect_status(stack_file: StackFile, out_dir: Path) -> list[DeploymentStatus]:
    rows = []
    for stack in stack_file.stacks:
        traffic = read_traffic(traffic_path(stack_file.base_dir, stack), stack)
        outputs = read_outputs(out_dir / "stacks" / stack.name)
        for d in stack.deployments:
            entry = traffic[d.name]
            rows.append(DeploymentStatus(
                stack=stack.name, deployment=d.name, blue_version=entry.blue_version,
                green_weight=entry.green_weight, phase=entry.phase,
                applied_blue_version=_text(outputs.get(naming.output_name(d, "blue_version"))),
                applied_green_version=_text(outputs.get(naming.output_name(d, "green_version"))),
                alias_arn=_text(outputs.get(naming.output_name(d, "alias_arn")))))
    return rows


def render_status_json(rows: list[DeploymentStatus]) -> str:
    return json.dumps([asdict(row) for row in rows], indent=2, sort_keys=True) + "\n"


def render_status_text(rows: list[DeploymentStatus]) -> str:
    lines = []
    for row in rows:
        blue = f"v{row.blue_version}" if row.blue_version else "unpinned"
        green = f"v{row.applied_green_version}" if row.applied_green_version else "not applied yet"
        line = (f"{row.stack}/{row.deployment}: {row.phase}, blue {blue}, green {green}, "
                f"green weight {format_weight(row.green_weight)}")
        if row.blue_version and row.applied_blue_version and row.applied_blue_version != row.blue_version:
            line += f" (applied blue is v{row.applied_blue_version}: apply to catch up)"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _text(value) -> str | None:
    return value if isinstance(value, str) else None
