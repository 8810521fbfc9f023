"""Traffic operations on the committed traffic file: shift, promote, roll back.

Each operation reads the stack file and its traffic file, checks the request, and rewrites only
the traffic file (atomically, under a lock). Nothing here talks to AWS: Terraform applies the
result. A version to pin that the request doesn't name is read from the applied outputs.

A problem of a deployment's traffic or applied state names the deployment with its stack
(``shop/orders``, ``Target.where``); the texts are in ``core.messages.releasing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..core.errors import Argument, InFile, InvalidInput, OfDeployment, Problem
from ..core.messages import releasing as msg
from ..features.loader import StackFile
from ..model.stack import Deployment, Stack
from ..model.traffic import Traffic, is_version
from ..model.traffic_file import read_traffic, traffic_lock, write_traffic
from ..output.workspace import Workspace
from ..terraform.state import AppliedState, read_state
from .applied import Applied, applied, checked_version


@dataclass(frozen=True)
class Target:
    """One deployment of a loaded stack file, with its traffic file and stack folder.

    Both come from a ``Workspace``: the committed traffic file and ``cdktf.out``, or with
    ``--local`` the emulator's own, so the operations below never need to know which.
    """

    stack: Stack
    deployment: Deployment
    traffic_file: Path
    stack_dir: Path             # where the applied state is: the stack folder, or a caller's (Workspace.state_folder)
    remote_state: bool = False  # the applied state is in the stack's backend (see Workspace.remote_state)
    module_only: bool = False   # synthesized only as a module: its state is the caller's (Workspace.module_only)
    state_module: str | None = None  # read from a caller's root module: the stack's module there (module.shop)

    @property
    def where(self) -> OfDeployment:
        return OfDeployment(self.stack.name, self.deployment.name)

    @cached_property
    def live(self) -> Applied | None:
        """What the stack folder's applied state says, read once for the command: with an S3
        backend each read is a ``terraform state pull``, and promote may ask three times."""
        return applied(self.deployment, self.read_state())

    def read_state(self) -> AppliedState:
        """The applied state of the deployment's stack (``terraform.state.read_state``)."""
        return read_state(self.stack_dir, self.remote_state, self.state_module)

    @property
    def state_at(self) -> str:
        """Where the applied state is read, for messages: the stack folder, or the caller's module in it."""
        return str(self.stack_dir) if self.state_module is None else f"{self.stack_dir} ({self.state_module})"


def locate(stack_file: StackFile, name: str, workspace: Workspace) -> Target:
    """Find ``name`` (``deployment`` or ``stack/deployment``) in the stack file; its files in
    ``workspace``, the traffic file's folder ready to write."""
    stack_name, _, deployment_name = name.rpartition("/")
    matches = [(s, d) for s in stack_file.stacks for d in s.deployments
               if d.name == deployment_name and stack_name in ("", s.name)]
    if len(matches) != 1:
        known = [f"{s.name}/{d.name}" for s in stack_file.stacks for d in s.deployments]
        rule = msg.must_name_one_deployment if matches else msg.must_be_a_deployment_of_the_stack_file
        raise InvalidInput(Problem(Argument("DEPLOYMENT"), rule(known, name)))
    stack, deployment = matches[0]
    if workspace.traffic_dir is not None:
        workspace.traffic_dir.mkdir(parents=True, exist_ok=True)  # the local one exists on demand
    return Target(stack, deployment, workspace.traffic_file(stack_file, stack), workspace.state_folder(stack),
                  workspace.remote_state(stack), workspace.module_only(stack), workspace.state_module(stack))


def shift(target: Target, weight: float, version: str | None = None) -> tuple[Traffic, Traffic]:
    """Send ``weight`` of the traffic to green: ``version``, the green already getting traffic, or
    else the newest applied version. Blue must be pinned. A weight of 0 is a rollback, or with
    ``version``, green pinned with no traffic: what a rollout with provisioned concurrency starts
    from, as Terraform then warms green for its first step
    (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout)."""
    if weight == 0 and version is None:
        return rollback(target)

    def change(current: Traffic) -> Traffic:
        if current.blue_version is None:
            raise InvalidInput(Problem(target.where, msg.BLUE_MUST_BE_PINNED))
        ongoing = current.green_version if current.green_weight > 0 else None
        green = _published(target, version) or ongoing or applied_version(target, "newest")
        if green == current.blue_version:
            raise InvalidInput(Problem(target.where, msg.green_must_not_be_blue(green)))
        return Traffic(current.blue_version, green, weight)
    return _update(target, change)


def rollback(target: Target) -> tuple[Traffic, Traffic]:
    """All traffic back to blue; blue stays as it is, no version is green any more."""
    return _update(target, lambda current: Traffic(current.blue_version, None, 0))


def promote(target: Target, version: str | None, skip_canary: bool = False) -> tuple[Traffic, Traffic]:
    """Pin blue: ``version``, or else the green getting traffic.

    While blue is unpinned, promote pins the version now serving (the first one published), so
    that pinning never moves traffic by itself. With blue pinned and no green getting traffic
    (say, right after a rollback), the version to pin must be named: guessing "the newest"
    would send all traffic to a version no canary has tried. The new blue must be a version the
    applied alias serves traffic to (``_check_served``), unless ``skip_canary``.
    """
    def change(current: Traffic) -> Traffic:
        blue: str | None
        if current.blue_version is None:
            blue = _published(target, version) or applied_version(target, "serving_blue")
        else:
            green = current.green_version if current.green_weight > 0 else None
            blue = _published(target, version) or green
            if blue is None:
                raise InvalidInput(Problem(target.where, msg.NOTHING_TO_PROMOTE))
        if blue == current.blue_version:
            raise InvalidInput(Problem(target.where, msg.promoted_must_not_be_blue(blue)))
        if not skip_canary:
            _check_served(target, blue, first_pin=current.blue_version is None)
        return Traffic(blue_version=blue, green_version=None, green_weight=0)
    return _update(target, change)


def _check_served(target: Target, blue: str, first_pin: bool) -> None:
    """Refuse a new blue that has served no traffic as applied: that promote would skip the canary.

    The committed traffic file is not enough: ``shift 50%`` then ``promote``, with no apply in
    between, would make blue a version that never took a request. So the applied alias decides:
    its primary version and each version it gives weight to have served. Without an applied state
    to read, nothing can be told; only the first pin before any apply goes ahead (there is no
    traffic yet to move).
    """
    live = target.live
    if live is not None:
        if blue not in live.served:
            serves = " and ".join(f"v{version}" for version in live.served)
            raise InvalidInput(Problem(target.where, msg.promoted_must_have_served(blue, serves)))
        return
    if first_pin:
        return
    if target.module_only:
        raise InvalidInput(Problem(target.where, msg.PROMOTED_MUST_HAVE_SERVED_MODULE))
    raise InvalidInput(Problem(target.where, msg.promoted_must_have_served_unknown(blue, target.stack_dir)))


def set_traffic(target: Target, traffic: Traffic) -> tuple[Traffic, Traffic]:
    """Write ``traffic`` as it is (a rollout's outcome: what the alias serves)."""
    return _update(target, lambda _current: traffic)


def applied_version(target: Target, what: str) -> str:
    """``newest`` (the newest published version) or ``serving_blue``, from the applied state."""
    live = target.live
    value = (live.newest_version if what == "newest" else live.serving_blue) if live else None
    if value is None:
        raise InvalidInput(Problem(target.where,
                                   msg.version_must_be_applied(target.stack_dir)))
    return checked_version(value, InFile(str(target.stack_dir), f"{what} version"))


def _published(target: Target, version: str | None) -> str | None:
    """``version``, refused when the applied state shows the function never published it."""
    if version is None:
        return None
    live = target.live
    newest = live.newest_version if live else None
    if is_version(newest) and is_version(version) and int(version) > int(newest):
        raise InvalidInput(Problem(Argument("--version"),
                                   msg.must_be_a_published_version(target.deployment.name, newest, version)))
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
