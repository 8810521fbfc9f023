"""Build and synthesize the cdktf ``App`` for a stack file: one ``BlueGreenStack`` per stack."""

from __future__ import annotations

from pathlib import Path

from cdktf import App

from ..model.archive import Archive
from ..model.loader import StackFile
from .assets import discard_code_assets
from .stack import BlueGreenStack


def build_app(stack_file: StackFile, outdir: Path, archives: dict[tuple[str, str], Archive] | None = None, *,
              module: bool = False) -> App:
    """A cdktf ``App`` holding one ``BlueGreenStack`` per stack, not yet synthesized.

    ``archives`` are the code archives by (stack, deployment), built by the caller; missing
    ones are built here. bluegreen's own synth passes placeholders, empty archives whose hashes
    are sentinels, and puts the real code in after cdktf (see ``output.code_fill``): cdktf's
    output then depends on the model alone and is cached on it. Each stack's code archives wait
    in a temporary folder until the stack synthesizes (see ``assets``). ``module``: each stack as
    a child module (``synth --module``), with no provider configuration and no backend.
    """
    app = App(outdir=str(outdir))
    try:
        for stack in stack_file.stacks:
            BlueGreenStack(app, stack, stack_file.base_dir, archives or {}, module=module)
    except BaseException:
        discard_code_assets(app)  # no synth will: the stacks built so far would keep their folders
        raise
    return app


def synth_into(stack_file: StackFile, outdir: Path, archives: dict[tuple[str, str], Archive] | None = None, *,
               module: bool = False) -> None:
    """Write ``manifest.json`` and ``stacks/<stack>/cdk.tf.json`` (with assets) into ``outdir``.

    Each stack's temporary folder of code archives is gone when this returns or raises.
    """
    app = build_app(stack_file, outdir, archives, module=module)
    try:
        app.synth()  # each stack's synth removes its folder
    except BaseException:
        discard_code_assets(app)  # stacks whose turn never came keep theirs otherwise
        raise
