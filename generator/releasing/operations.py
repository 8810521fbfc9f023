"""Traffic operations on the committed traffic file: shift, promote, roll back.

Each operation reads the stack file and its traffic file, checks the request, and rewrites only
the traffic file (atomically, under a lock). Nothing here talks to AWS: Terraform applies the
result. A version to pin that the request doesn't name is read from the applied outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InvalidInput, Problem
from ..model.loader import StackFile
from ..model.stack import Deployment, Stack
from ..model.traffic import VERSION, Traffic
from ..model.traffic_file import read_traffic, traffic_lock, write_traffic
from ..output.workspace import Workspace
from ..terraform.state import read_state
from .applied import applied


@dataclass(frozen=True)
class Target:
    """One deployment of a loaded stack file, with its traffic file and stack folder.

    Both come from a ``Workspace``: the committed traffic file and ``cdktf.out``, or with
    ``--local`` the emulator's own, so the operations below never need to know which.
    """

    stack: Stack
    deployment: Deployment
    traffic_file: Path
    stack_dir: Path


def locate(stack_file: StackFile, name: str, workspace: Workspace) -> Target:
    """Find ``name`` (``deployment`` or ``stack/deployment``) in the stack file; its files in ``workspace``."""
    stack_name, _, deployment_name = name.rpartition("/")
    matches = [(s, d) for s in stack_file.stacks for d in s.deployments
               if d.name == deployment_name and stack_name in ("", s.name)]
    if len(matches) != 1:
        known = ", ".join(f"{s.name}/{d.name}" for s in stack_file.stacks for d in s.deployments)
        rule = ("names more than one deployment, write STACK/DEPLOYMENT" if matches
                else "must be a deployment of the stack file")
        raise InvalidInput(Problem("DEPLOYMENT", f"{rule} ({known}), got: {name!r}"))
    stack, deployment = matches[0]
    return Target(stack, deployment, workspace.traffic_file(stack_file, stack), workspace.stack_dir(stack))


def shift(target: Target, weight: float, version: str | None = None) -> tuple[Traffic, Traffic]:
    """Send ``weight`` of the traffic to green: ``version``, the green already getting traffic, or
    else the newest applied version. Blue must be pinned. A weight of 0 is a rollback."""
    if weight == 0:
        if version is not None:
            raise InvalidInput(Problem("--version", "names a green version, and a weight of 0 gives green no "
                                       f"traffic (it is a rollback): leave it out, got: {version!r}"))
        return rollback(target)

    def change(current: Traffic) -> Traffic:
        if current.blue_version is None:
            raise InvalidInput(Problem(target.deployment.name, "blue is not pinned, so there is no stable version "
                                       "to keep serving: run promote first to pin the version now serving"))
        ongoing = current.green_version if current.green_weight > 0 else None
        green = _published(target, version) or ongoing or applied_version(target, "newest")
        if green == current.blue_version:
            raise InvalidInput(Problem(target.deployment.name, f"version {green} is already blue: publish new code "
                                       "(synth and apply) before shifting traffic to it"))
        return Traffic(current.blue_version, green, weight)
    return _update(target, change)


def rollback(target: Target) -> tuple[Traffic, Traffic]:
    """All traffic back to blue; blue stays as it is, no version is green any more."""
    return _update(target, lambda current: Traffic(current.blue_version, None, 0))


def promote(target: Target, version: str | None) -> tuple[Traffic, Traffic]:
    """Pin blue: ``version``, or else the green getting traffic.

    While blue is unpinned, promote pins the version now serving (the first one published), so
    that pinning never moves traffic by itself. With blue pinned and no green getting traffic
    (say, right after a rollback), the version to pin must be named: guessing "the newest"
    would send all traffic to a version no canary has tried.
    """
    def change(current: Traffic) -> Traffic:
        blue: str | None
        if current.blue_version is None:
            blue = _published(target, version) or applied_version(target, "serving_blue")
        else:
            green = current.green_version if current.green_weight > 0 else None
            blue = _published(target, version) or green
            if blue is None:
                raise InvalidInput(Problem(target.deployment.name, "no green version is getting traffic, so there "
                                           "is nothing to promote: shift to the new version first, or name the "
                                           "version to pin with --version N"))
        if blue == current.blue_version:
            raise InvalidInput(Problem(target.deployment.name, f"version {blue} is already blue: publish new code "
                                       "(synth and apply) before promoting"))
        return Traffic(blue_version=blue, green_version=None, green_weight=0)
    return _update(target, change)


def applied_version(target: Target, what: str) -> str:
    """``newest`` (the newest published version) or ``serving_blue``, from the applied state."""
    live = applied(target.deployment, read_state(target.stack_dir))
    value = (live.newest_version if what == "newest" else live.serving_blue) if live else None
    if value is None:
        raise InvalidInput(Problem(target.deployment.name, f"no version is known: {target.stack_dir} has no "
                                   "applied state for this deployment (apply first, or pass --version N)"))
    if not VERSION.fullmatch(value):
        raise InvalidInput(Problem(f"{target.stack_dir}: {what} version", "must be a version number such as "
                                   f"\"3\", got: {value!r}"))
    return value


def _published(target: Target, version: str | None) -> str | None:
    """``version``, refused when the applied state shows the function never published it."""
    if version is None:
        return None
    live = applied(target.deployment, read_state(target.stack_dir))
    newest = live.newest_version if live else None
    if newest is not None and VERSION.fullmatch(newest) and int(version) > int(newest):
        raise InvalidInput(Problem("--version", f"must be a version {target.deployment.name} has published (the "
                                   f"newest applied is {newest}), got: {version!r}"))
    return version


def _update(target: Target, change) -> tuple[Traffic, Traffic]:
    # Locked from read to write: two commands at once would otherwise both read the old file
    # and the second write would silently drop the first change.
    with traffic_lock(target.traffic_file):
        traffic = read_traffic(target.traffic_file, target.stack)
        before = traffic[target.deployment.name]
        after = change(before)
        traffic[target.deployment.name] = after
        if after != before:
            write_traffic(target.traffic_file, target.stack, traffic)
    return before, after
