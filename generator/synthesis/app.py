"""Build and synthesize the cdktf ``App`` for a stack file: one ``BlueGreenStack`` per stack."""

from __future__ import annotations

from pathlib import Path

from cdktf import App

from ..core.layout import OutputLayout
from ..features.loader import StackFile
from ..model.archive import Archive
from .assets import discard_code_assets
from .native_files import native_files
from .stack import BlueGreenStack


def build_app(stack_file: StackFile, outdir: Path, archives: dict[tuple[str, str], Archive] | None = None, *,
              module: bool = False) -> App:
    """A cdktf ``App`` holding one ``BlueGreenStack`` per stack, not yet synthesized.

    ``archives`` are the code archives by (stack, deployment), built by the caller; missing
    ones are built here. bluegreen's own synth passes placeholders, empty archives whose hashes
    are sentinels, and puts the real code in after cdktf (see ``output.code_fill``): cdktf's
    output then depends on the model alone and is cached on it. Each stack's code archives wait
    in a temporary folder until the stack synthesizes (see ``assets``). ``module``: each stack as
    a child module (``synth --module``), with no provider configuration and no backend. The
    moved blocks and the aliases' routing are left for ``native_files`` to write beside the JSON.
    """
    app = App(outdir=str(outdir))
    try:
        for stack in stack_file.stacks:
            BlueGreenStack(app, stack, stack_file.base_dir, archives or {}, module=module, native_apart=True,
                           emulator=stack_file.emulator)
    except BaseException:
        discard_code_assets(app)  # no synth will: the stacks built so far would keep their folders
        raise
    return app


def synth_into(stack_file: StackFile, outdir: Path, archives: dict[tuple[str, str], Archive] | None = None, *,
               module: bool = False) -> None:
    """Write ``manifest.json`` and ``stacks/<stack>/cdk.tf.json`` (with assets and the files of
    ``native_files`` beside it) into ``outdir``.

    Each stack's temporary folder of code archives is gone when this returns or raises.
    """
    app = build_app(stack_file, outdir, archives, module=module)
    try:
        app.synth()  # each stack's synth removes its folder
    except BaseException:
        discard_code_assets(app)  # stacks whose turn never came keep theirs otherwise
        raise
    layout = OutputLayout(outdir)
    for stack in stack_file.stacks:
        for name, text in native_files(stack).items():
            layout.stack_file(stack.name, name).write_text(text)
