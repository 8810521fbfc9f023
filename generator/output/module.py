"""``bluegreen synth --module``: each stack as a Terraform child module in ``modules/<stack>/``.

A root module (``stacks/<stack>/``) is where ``terraform init/plan/apply`` run: it configures the
AWS provider and the state's backend, and reads ``traffic.auto.tfvars.json``. A team that already
has a root module of its own calls a child module from it instead (docs/aws-rules.md#r45-child-modules):

- no provider configuration and no backend: the caller's ``aws`` provider (its region, its
  credentials) and the caller's state apply. ``terraform.required_providers`` stays, so the
  module still says it needs hashicorp/aws at the version the bindings are made for;
- code archives named from ``${path.module}`` (``synthesis.assets.under_path_module``), so the
  module works from wherever it is called;
- the same variables and outputs as the root module;
- ``traffic.json``: the committed traffic file's values as the module's arguments (the same text
  as a root module's tfvars). A child module reads no ``*.auto.tfvars``, so the caller wires the
  arguments once, ``jsondecode(file(".../traffic.json"))``, and from then on every
  ``bluegreen shift``, ``promote`` and ``rollback`` reaches the caller's plan as a reviewed diff
  of the traffic file, carried here by ``synth --module`` (and checked by ``synth --check --module``);
- a README for the caller: a module block with every argument, the inputs and the outputs.

cdktf writes every stack into ``stacks/<stack>/``; the synth assembles the module there as any
stack (the cache and the code fill see the same layout) and ``relocate`` moves it into
``modules/<stack>/`` before the swap. Stack tags cannot be kept: they are the provider's
``default_tags``, and a child module has no provider configuration (``refuse_module_input``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import Field, InvalidInput, Problem
from ..core.layout import MODULE_TRAFFIC, OutputLayout
from ..core.messages import output as msg
from ..core.templating import render
from ..features.loader import StackFile
from ..model import naming
from ..model.stack import Stack


def refuse_module_input(stack_file: StackFile) -> None:
    """Refuse what a child module cannot carry, before anything is written: stack tags."""
    problems = [Problem(Field(f"{stack.name}.tags"), msg.module_must_not_have_stack_tags(dict(stack.tags)))
                for stack in stack_file.stacks if stack.tags]
    if problems:
        raise InvalidInput(problems)


def relocate(folder: Path, stacks: list[str]) -> None:
    """Move each ``stacks/<stack>/`` that cdktf wrote into ``folder`` to ``modules/<stack>/``."""
    layout = OutputLayout(folder)
    layout.modules_dir.mkdir(exist_ok=True)
    for stack in stacks:
        layout.stack_dir(stack).rename(layout.module_dir(stack))
    layout.stacks_dir.rmdir()  # empty now: a module synth writes no root stack


def render_module_readme(stack: Stack, config: dict) -> str:
    """The module's README, from its Terraform JSON (``config``): what a caller sets and reads."""
    variables = config.get("variable", {})
    arguments = [name for d in stack.deployments for name in (
        naming.blue_version_variable(d), naming.green_version_variable(d), naming.green_weight_variable(d))]
    width = max(len(name) for name in arguments)
    return render(
        "module_README.md.j2", stack=stack, traffic_json=MODULE_TRAFFIC,
        provider_version=config["terraform"]["required_providers"]["aws"]["version"],
        arguments=[(name.ljust(width), name) for name in arguments],
        deployments=[{"newest": naming.output_name(d, "newest_version")} for d in stack.deployments],
        inputs=[(name, body["type"], json.dumps(body.get("default")), body["description"])
                for name, body in sorted(variables.items())],
        outputs=[(name, body["description"]) for name, body in sorted(config.get("output", {}).items())])
