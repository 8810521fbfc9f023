"""Build and synthesize the cdktf ``App`` for a stack file: one ``BlueGreenStack`` per stack."""

from __future__ import annotations

from pathlib import Path

from cdktf import App

from ..archive import Archive
from ..loader import StackFile
from .stack import BlueGreenStack


def build_app(stack_file: StackFile, outdir: Path, archives: dict[tuple[str, str], Archive] | None = None) -> App:
    """A cdktf ``App`` holding one ``BlueGreenStack`` per stack, not yet synthesized.

    ``archives`` are the code archives by (stack, deployment), built by the caller; missing
    ones are built here.
    """
    app = App(outdir=str(outdir))
    for stack in stack_file.stacks:
        BlueGreenStack(app, stack, stack_file.base_dir, archives or {})
    return app


def synth_into(stack_file: StackFile, outdir: Path, archives: dict[tuple[str, str], Archive] | None = None) -> None:
    """Write ``manifest.json`` and ``stacks/<stack>/cdk.tf.json`` (with assets) into ``outdir``."""
    build_app(stack_file, outdir, archives).synth()
