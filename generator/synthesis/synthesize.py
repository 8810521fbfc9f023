"""Synthesize a stack file into an output folder, all or nothing.

cdktf writes into a fresh scratch folder next to the output; only when every stack has been
synthesized does the scratch folder take the output's place. A failure leaves the previous
output exactly as it was. Files that synthesis does not own (Terraform's ``.terraform/``, lock
file, local state, anything a user put there) move into the new output, so ``terraform plan``
keeps working across re-synths.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cdktf import App

from ..errors import InvalidInput, Problem
from ..loader import StackFile
from ..stack_readme import render_stack_readme
from ..traffic import TFVARS_NAME, read_traffic, tfvars, traffic_path
from .swap import replace_output

MANIFEST = "manifest.json"


def synthesize(stack_file: StackFile, out_dir: Path) -> list[Path]:
    """Write ``out_dir/stacks/<stack>/cdk.tf.json`` (and assets, README) for every stack."""
    out_dir = Path(out_dir).absolute()
    _check_output_folder(out_dir)
    extras = human_and_traffic_files(stack_file)  # reads the traffic files: bad ones fail here
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        build_app(stack_file, scratch).synth()
        for relative, text in extras.items():
            (scratch / relative).write_text(text)
        replace_output(scratch, out_dir)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return [out_dir / "stacks" / stack.name for stack in stack_file.stacks]


def build_app(stack_file: StackFile, outdir: Path) -> App:
    """A cdktf ``App`` holding one ``BlueGreenStack`` per stack, not yet synthesized."""
    from .stack import BlueGreenStack  # the provider bindings load only when needed

    app = App(outdir=str(outdir))
    for stack in stack_file.stacks:
        BlueGreenStack(app, stack, stack_file.base_dir)
    return app


def human_and_traffic_files(stack_file: StackFile) -> dict[str, str]:
    """Files written beside each ``cdk.tf.json``: the stack README and the traffic tfvars."""
    files = {}
    for stack in stack_file.stacks:
        traffic = read_traffic(traffic_path(stack_file.base_dir, stack), stack)
        files[f"stacks/{stack.name}/README.md"] = render_stack_readme(stack)
        files[f"stacks/{stack.name}/{TFVARS_NAME}"] = tfvars(stack, traffic)
    return files


def _check_output_folder(out_dir: Path) -> None:
    # Never replace a folder we did not write: --out pointed at the wrong place must not cost
    # the user their files.
    if out_dir.exists() and (not out_dir.is_dir() or
                             (any(out_dir.iterdir()) and not (out_dir / MANIFEST).is_file())):
        raise InvalidInput(Problem("--out", "must be a new folder or one that bluegreen synthesized "
                                   f"(it has {MANIFEST}), got: {str(out_dir)!r}"))
