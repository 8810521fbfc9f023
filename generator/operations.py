"""Traffic operations on the committed traffic file: shift, promote, roll back, status.

Each operation reads the stack file and its traffic file, checks the request, and rewrites only
the traffic file (atomically). Nothing here talks to AWS: Terraform applies the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import naming
from .errors import InvalidInput, Problem
from .loader import StackFile
from .model import Deployment, Stack
from .terraform_outputs import read_outputs
from .traffic import Traffic, read_traffic, traffic_path, write_traffic


@dataclass(frozen=True)
class Target:
    """One deployment of a loaded stack file, with its traffic file and stack folder."""

    stack: Stack
    deployment: Deployment
    traffic_file: Path
    stack_dir: Path


def locate(stack_file: StackFile, name: str, out_dir: Path) -> Target:
    """Find ``name`` (``deployment`` or ``stack/deployment``) in the stack file."""
    stack_name, _, deployment_name = name.rpartition("/")
    matches = [(s, d) for s in stack_file.stacks for d in s.deployments
               if d.name == deployment_name and stack_name in ("", s.name)]
    if len(matches) != 1:
        known = ", ".join(f"{s.name}/{d.name}" for s in stack_file.stacks for d in s.deployments)
        rule = "names more than one deployment, write STACK/DEPLOYMENT" if matches else "must be a deployment of the stack file"
        raise InvalidInput(Problem("DEPLOYMENT", f"{rule} ({known}), got: {name!r}"))
    stack, deployment = matches[0]
    return Target(stack, deployment, traffic_path(stack_file.base_dir, stack), out_dir / "stacks" / stack.name)


def shift(target: Target, weight: float) -> tuple[Traffic, Traffic]:
    """Send ``weight`` of the traffic to green. Blue must be pinned: otherwise green is blue."""
    def change(current: Traffic) -> Traffic:
        if current.blue_version is None and weight > 0:
            raise InvalidInput(Problem(target.deployment.name, "blue is not pinned, so green and blue are the "
                                       "same version: run promote first to pin the version now serving"))
        return replace(current, green_weight=weight)
    return _update(target, change)


def rollback(target: Target) -> tuple[Traffic, Traffic]:
    """All traffic back to blue; blue stays as it is."""
    return _update(target, lambda current: replace(current, green_weight=0))


def promote(target: Target, version: str | None) -> tuple[Traffic, Traffic]:
    """Blue becomes green (``version``, or the deployed green version from Terraform outputs)."""
    green = version or _deployed_green(target)

    def change(current: Traffic) -> Traffic:
        if current.blue_version == green:
            raise InvalidInput(Problem(target.deployment.name, f"green is version {green}, which is already "
                                       "blue: publish new code (synth and apply) before promoting"))
        return Traffic(blue_version=green, green_weight=0)
    return _update(target, change)


def _deployed_green(target: Target) -> str:
    output = naming.output_name(target.deployment, "green_version")
    green = read_outputs(target.stack_dir).get(output)
    if not isinstance(green, str) or not green.isdigit():
        raise InvalidInput(Problem(target.deployment.name, f"no green version is known: {target.stack_dir} "
                                   f"has no Terraform output {output} (apply first, or pass --version N)"))
    return green


def _update(target: Target, change) -> tuple[Traffic, Traffic]:
    traffic = read_traffic(target.traffic_file, target.stack)
    before = traffic[target.deployment.name]
    after = change(before)
    traffic[target.deployment.name] = after
    write_traffic(target.traffic_file, target.stack, traffic)
    return before, after
