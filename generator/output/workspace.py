"""Where one ``bluegreen`` command reads and writes: the project root and the folders under it.

Every folder bluegreen derives is spelled here, once. There are two workspaces:

- the committed one (the default): output in ``cdktf.out`` (or ``--out DIR``), traffic in the
  ``<stack>.traffic.json`` files next to the stack file, which Git tracks;
- the local one (``--local``): the emulator's output folder and a traffic file of its own, both
  under ``.bluegreen/local/``, so version numbers of a throwaway moto server never reach Git.
  Everything under ``.bluegreen/local/`` belongs to the running emulator: a new server or
  ``bluegreen down`` removes it.

``rollout``, ``guard`` and ``status`` may also read what a caller's root module applied, for a
stack it calls as a child module (``synth --module``): ``--module-dir DIR`` names the caller's
folder, whose state is read as a stack folder's is, and the stack's resources are those of its
module block there (``module.<stack>``, or the NAME ``--module [STACK=]NAME`` gives). Traffic
stays in the committed traffic file, which ``synth --module`` copies into the module's
``traffic.json``.

The project root is the nearest ancestor of the stack file's folder (of the current directory,
for ``down`` and ``env``, which take no stack file) that holds ``.git`` or ``.bluegreen``; with
neither, the current directory. State and the default output are anchored there, so a command
means the same thing from any folder of the project. An explicit ``--out DIR`` is relative to
the current directory, as paths given on a command line are.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.layout import MODULE_TRAFFIC, STATE_FILE, OutputLayout
from ..core.messages import output as msg
from ..features.loader import StackFile
from ..model.stack import Stack
from ..model.traffic_file import traffic_path

STATE_DIR = ".bluegreen"
DEFAULT_OUT = "cdktf.out"
ROOT_MARKERS = (".git", STATE_DIR)
# A module block's name, as Terraform's identifiers go (the caller's `module "NAME"`).
MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# What `terraform init` writes in a folder: its record of the backend and the workspace in use.
INITIALIZED = ".terraform"


@dataclass(frozen=True)
class Workspace:
    """The folders of one command; ``traffic_dir`` None means next to the stack file.
    ``caller_dir``: a caller's root module, whose state holds each stack as its child module
    ``module.<name>``, ``<name>`` the stack's own unless ``modules`` (stack -> name) says otherwise."""

    root: Path
    out_dir: Path
    traffic_dir: Path | None
    local: bool = False
    caller_dir: Path | None = None
    modules: dict[str, str] = field(default_factory=dict)

    @classmethod
    def at(cls, root: Path, local: bool = False, out_dir: Path | None = None) -> Workspace:
        if local:
            local_dir = root / STATE_DIR / "local"
            return cls(root, local_dir / "out", local_dir / "traffic", local=True)
        return cls(root, out_dir if out_dir is not None else root / DEFAULT_OUT, None)

    @classmethod
    def from_args(cls, args: argparse.Namespace, stack_file: StackFile | None = None) -> Workspace:
        """The workspace of parsed arguments (``--local``, ``--out``) and the stack file, if any."""
        local, out = getattr(args, "local", False), getattr(args, "out", None)
        root = project_root(stack_file.base_dir if stack_file else Path.cwd())
        if local and out is not None:
            shown = os.path.relpath(cls.at(root, local=True).out_dir)
            raise InvalidInput(Problem(Argument("--out"), msg.out_cannot_be_combined_with_local(shown, out)))
        workspace = cls.at(root, local, Path(out) if out is not None else None)
        caller_dir, names = getattr(args, "module_dir", None), getattr(args, "module_names", None) or []
        if caller_dir is None and not names:
            return workspace
        stacks = [stack.name for stack in stack_file.stacks] if stack_file else []
        return _with_caller(workspace, caller_dir, names, stacks)

    @property
    def state_dir(self) -> Path:
        """bluegreen's own folder: the emulator record, its log, the Terraform CLI config."""
        return self.root / STATE_DIR

    @property
    def local_dir(self) -> Path:
        """What belongs to the running emulator: its output folder and its traffic files."""
        return self.state_dir / "local"

    def bootstrap_dir(self, region: str) -> Path:
        """The Terraform folder of ``bluegreen bootstrap`` in ``region`` when ``--dir`` names none:
        ``.bluegreen/bootstrap/<region>/``, or the emulator's own under ``.bluegreen/local/``
        (gone with the emulator, whose account it set up)."""
        return (self.local_dir if self.local else self.state_dir) / "bootstrap" / region

    @property
    def emulator_record(self) -> Path:
        return self.state_dir / "emulator.json"

    @property
    def layout(self) -> OutputLayout:
        return OutputLayout(self.out_dir)

    def stack_dir(self, stack: Stack) -> Path:
        """The Terraform folder of ``stack``, where ``terraform init/plan/apply`` run."""
        return self.layout.stack_dir(stack.name)

    def state_folder(self, stack: Stack) -> Path:
        """Where ``stack``'s applied state is read: its stack folder, or the caller's root module."""
        return self.caller_dir if self.caller_dir is not None else self.stack_dir(stack)

    def state_module(self, stack: Stack) -> str | None:
        """The module address of ``stack`` in the caller's state (``module.shop``); None for a root stack."""
        return None if self.caller_dir is None else f"module.{self.modules.get(stack.name, stack.name)}"

    def remote_state(self, stack: Stack) -> bool:
        """Whether ``stack``'s applied state is in its remote backend: never for the emulator, whose
        output is synthesized with local state (see ``local.up``), and never for a stack synthesized
        only as a module (``synth --module``): that is applied in its caller's root module, whose
        state is read only with ``--module-dir`` (``--version`` names the version otherwise). A
        caller's state is pulled when its folder has no local state file but ``terraform init`` ran
        there: its own backend, whatever the stack declares, or a workspace other than the default
        (docs/aws-rules.md#r82-a-callers-state-holds-its-modules-resources)."""
        if self.caller_dir is not None:
            return not (self.caller_dir / STATE_FILE).is_file() and (self.caller_dir / INITIALIZED).is_dir()
        return stack.backend is not None and not self.local and not self.module_only(stack)

    def module_only(self, stack: Stack) -> bool:
        """Whether ``stack`` is applied only as a child module: synthesized here only with ``synth
        --module``, or read from a caller's root module (``--module-dir``)."""
        if self.caller_dir is not None:
            return True
        return self.layout.module_dir(stack.name).is_dir() and not self.stack_dir(stack).is_dir()

    def module_traffic(self, stack: Stack) -> Path:
        """The module's copy of the traffic file (``synth --module``), which the caller's plan reads."""
        return self.layout.module_dir(stack.name) / MODULE_TRAFFIC

    def traffic_file(self, stack_file: StackFile, stack: Stack) -> Path:
        return traffic_path(self.traffic_dir or stack_file.base_dir, stack)


def _with_caller(workspace: Workspace, caller_dir: str | None, names: list[str], stacks: list[str]) -> Workspace:
    """``workspace`` reading a caller's root module (``--module-dir``, ``--module [STACK=]NAME``)."""
    if caller_dir is None:
        raise InvalidInput(Problem(Argument("--module"), msg.MODULE_NEEDS_MODULE_DIR))
    if workspace.local:
        raise InvalidInput(Problem(Argument("--module-dir"), msg.module_dir_cannot_be_combined_with_local(caller_dir)))
    if not Path(caller_dir).is_dir():
        raise InvalidInput(Problem(Argument("--module-dir"), msg.module_dir_must_be_a_folder(caller_dir)))
    modules: dict[str, str] = {}
    for given in names:
        stack, _, name = given.rpartition("=")
        if not MODULE_NAME.fullmatch(name):
            raise InvalidInput(Problem(Argument("--module"), msg.module_must_name_a_module_block(given)))
        if not stack and len(stacks) != 1:
            raise InvalidInput(Problem(Argument("--module"), msg.module_must_say_which_stack(stacks, given)))
        stack = stack or stacks[0]
        if stack not in stacks:
            raise InvalidInput(Problem(Argument("--module"), msg.module_must_name_a_stack(stacks, given)))
        if stack in modules:
            raise InvalidInput(Problem(Argument("--module"), msg.module_given_twice(stack, given)))
        modules[stack] = name
    return replace(workspace, caller_dir=Path(caller_dir).absolute(), modules=modules)


def project_root(start: Path) -> Path:
    """The nearest ancestor of ``start`` (itself included) holding a root marker; else the cwd."""
    start = Path(start).absolute()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return Path.cwd()
