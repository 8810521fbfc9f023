"""Where one ``bluegreen`` command reads and writes: the project root and the folders under it.

Every folder bluegreen derives is spelled here, once. There are two workspaces:

- the committed one (the default): output in ``cdktf.out`` (or ``--out DIR``), traffic in the
  ``<stack>.traffic.json`` files next to the stack file, which Git tracks;
- the local one (``--local``): the emulator's output folder and a traffic file of its own, both
  under ``.bluegreen/local/``, so version numbers of a throwaway moto server never reach Git.
  Everything under ``.bluegreen/local/`` belongs to the running emulator: a new server or
  ``bluegreen down`` removes it.

The project root is the nearest ancestor of the stack file's folder (of the current directory,
for ``down`` and ``env``, which take no stack file) that holds ``.git`` or ``.bluegreen``; with
neither, the current directory. State and the default output are anchored there, so a command
means the same thing from any folder of the project. An explicit ``--out DIR`` is relative to
the current directory, as paths given on a command line are.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.layout import OutputLayout
from ..core.messages import output as msg
from ..features.loader import StackFile
from ..model.stack import Stack
from ..model.traffic_file import traffic_path

STATE_DIR = ".bluegreen"
DEFAULT_OUT = "cdktf.out"
ROOT_MARKERS = (".git", STATE_DIR)


@dataclass(frozen=True)
class Workspace:
    """The folders of one command; ``traffic_dir`` None means next to the stack file."""

    root: Path
    out_dir: Path
    traffic_dir: Path | None
    local: bool = False

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
        return cls.at(root, local, Path(out) if out is not None else None)

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

    def remote_state(self, stack: Stack) -> bool:
        """Whether ``stack``'s applied state is in its remote backend: never for the emulator, whose
        output is synthesized with local state (see ``local.up``), and never for a stack synthesized
        only as a module (``synth --module``): that is applied in its caller's root module, whose
        state bluegreen does not read (``--version`` names the version instead)."""
        return stack.backend is not None and not self.local and not self.module_only(stack)

    def module_only(self, stack: Stack) -> bool:
        """Whether ``stack`` is synthesized here only as a child module (``synth --module``)."""
        return self.layout.module_dir(stack.name).is_dir() and not self.stack_dir(stack).is_dir()

    def traffic_file(self, stack_file: StackFile, stack: Stack) -> Path:
        return traffic_path(self.traffic_dir or stack_file.base_dir, stack)


def project_root(start: Path) -> Path:
    """The nearest ancestor of ``start`` (itself included) holding a root marker; else the cwd."""
    start = Path(start).absolute()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return Path.cwd()
