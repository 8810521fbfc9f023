"""The output folder's layout: the name of every file and folder bluegreen writes or reads in it.

cdktf decides part of it (``manifest.json`` at the top, ``stacks/<stack>/cdk.tf.json`` and
``stacks/<stack>/assets/``), bluegreen the rest (each stack's README, its traffic tfvars, the two
native-syntax files beside ``cdk.tf.json``, the local backend's state, and bluegreen's own lock
and work folder at the top). ``synth --module`` writes each stack as a child module in
``modules/<stack>/`` instead. Every module that needs one of these names imports it from here.
``OutputLayout`` turns them into paths for one output folder; ``stack_entry`` gives the posix
form that the manifest, the swap journal and the journal use, relative to the output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"         # cdktf's list of stacks, and the stack file each came from
STACKS = "stacks"                  # the folder of stack folders, as cdktf names it
CONFIG = "cdk.tf.json"             # a stack's Terraform configuration
ASSETS = "assets"                  # a stack's code archives
README = "README.md"               # a stack's README for its operators
TFVARS = "traffic.auto.tfvars.json"  # a stack's traffic values, read by terraform with no flags
STATE_FILE = "terraform.tfstate"   # the local backend's state, relative to the stack folder
WORK = ".bluegreen-work"           # bluegreen's scratch and swap journal, inside the output folder
LOCK = ".bluegreen.lock"           # one synth at a time per output folder
# Two constructs of a stack's configuration written as native syntax beside cdk.tf.json, which
# security scanners' JSON parsers cannot read (docs/security.md#the-stack-folder-as-written):
# the moved blocks of older alias addresses, and each alias's dynamic routing_config merged into
# it as an override file (Terraform reads *_override.tf last and merges it into the JSON block).
MOVED_BLOCKS = "bluegreen_moved.tf"
ALIAS_ROUTING = "bluegreen_routing_override.tf"
# What a stack folder holds that synthesis writes (and so replaces); everything else there, such
# as Terraform's .terraform/ and the state, belongs to the user and is never touched.
OWNED_BY_SYNTHESIS = frozenset({CONFIG, MOVED_BLOCKS, ALIAS_ROUTING, ASSETS, README, TFVARS})
# synth --module: each stack as a child module in modules/<stack>/, which a caller's root module
# calls (no provider, no backend, no tfvars: child modules read none). MODULE_TRAFFIC holds the
# committed traffic as the module's arguments, for the caller to read with jsondecode(file(...)).
MODULES = "modules"
MODULE_TRAFFIC = "traffic.json"
OWNED_BY_MODULE = frozenset({CONFIG, MOVED_BLOCKS, ALIAS_ROUTING, ASSETS, README, MODULE_TRAFFIC})


def stack_entry(stack: str, entry: str = "") -> str:
    """``stacks/<stack>`` or ``stacks/<stack>/<entry>``: a path relative to the output folder."""
    return f"{STACKS}/{stack}/{entry}" if entry else f"{STACKS}/{stack}"


def module_entry(stack: str, entry: str = "") -> str:
    """``modules/<stack>`` or ``modules/<stack>/<entry>``: a path relative to the output folder."""
    return f"{MODULES}/{stack}/{entry}" if entry else f"{MODULES}/{stack}"


@dataclass(frozen=True)
class OutputLayout:
    """The paths of one output folder."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def stacks_dir(self) -> Path:
        return self.root / STACKS

    @property
    def lock(self) -> Path:
        return self.root / LOCK

    @property
    def work(self) -> Path:
        return self.root / WORK

    def stack_dir(self, stack: str) -> Path:
        """The Terraform folder of ``stack``, where ``terraform init/plan/apply`` run."""
        return self.stacks_dir / stack

    def stack_file(self, stack: str, entry: str) -> Path:
        return self.stack_dir(stack) / entry

    @property
    def modules_dir(self) -> Path:
        return self.root / MODULES

    def module_dir(self, stack: str) -> Path:
        """The child module of ``stack`` (synth --module), which a caller's root module calls."""
        return self.modules_dir / stack

    def configs(self) -> list[Path]:
        """Every stack's ``cdk.tf.json`` in the folder, sorted."""
        return sorted(self.stacks_dir.glob(f"*/{CONFIG}"))
