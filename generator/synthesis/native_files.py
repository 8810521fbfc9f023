"""Two constructs of a stack, written in Terraform's native syntax beside its ``cdk.tf.json``.

Terraform reads every ``*.tf`` and ``*.tf.json`` file of a folder as one configuration, so a block
may be written in either syntax. Security scanners read the folder as it is, and the Terraform JSON
parser of checkov 3.3.30 cannot read two blocks that bluegreen writes in any JSON form Terraform
accepts (docs/security.md#the-stack-folder-as-written): a ``moved`` block makes the whole file a
parsing error, and a ``dynamic`` block stops its graph at that resource. Its native-syntax parser
reads both. So bluegreen's own synth (``BlueGreenStack(native_apart=True)``) leaves them out of the
JSON and writes them here, with the same expressions:

- ``MOVED_BLOCKS``: the ``moved`` blocks from each alias's older address (``moved_blocks``);
- ``ALIAS_ROUTING``: each alias's ``dynamic "routing_config"`` (``alias_routing``), in an override
  file: Terraform merges a nested block of an ``*_override.tf`` file, dynamic blocks included,
  into the resource block of the same address, so each alias is the block it was in one file
  (docs/aws-rules.md#r57-native-syntax-beside-json).

Both files are written for every stack, so a re-synth always replaces them (an empty
``MOVED_BLOCKS`` holds its comment only), from the model alone, in ``terraform fmt``'s layout.
"""

from __future__ import annotations

from ..core.layout import ALIAS_ROUTING, CONFIG, MOVED_BLOCKS
from ..model import naming
from ..model.stack import Deployment, Stack
from .deployment import alias_routing, moved_blocks

_HEADER = (f"# Written by bluegreen synth; Terraform reads it together with {CONFIG}.\n"
           "# Native syntax, not JSON, so that security scanners read it (docs/security.md).\n")


def native_files(stack: Stack) -> dict[str, str]:
    """The text of each native-syntax file of ``stack``'s folder, by file name."""
    return {MOVED_BLOCKS: _HEADER + "".join(_moved(block) for block in moved_blocks(list(stack.deployments))),
            ALIAS_ROUTING: _HEADER + "".join(_routing(d) for d in stack.deployments)}


def _moved(block: dict[str, str]) -> str:
    return f"\nmoved {{\n  from = {block['from']}\n  to   = {block['to']}\n}}\n"


def _routing(deployment: Deployment) -> str:
    for_each, weights = alias_routing(deployment)
    return (f'\nresource "{naming.ALIAS_TYPE}" "{naming.alias_id(deployment)}" {{\n'
            '  dynamic "routing_config" {\n'
            f"    for_each = {for_each}\n"
            "    content {\n"
            f"      additional_version_weights = {weights}\n"
            "    }\n"
            "  }\n"
            "}\n")
