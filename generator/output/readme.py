"""The README written into each synthesized stack folder: what is there and how to drive it."""

from __future__ import annotations

from ..core.templating import render
from ..features import doors_in, outputs_of
from ..model import naming
from ..model.stack import Stack


def render_stack_readme(stack: Stack) -> str:
    deployments = [{
        "name": d.name,
        "alias": d.alias,
        "function_name": naming.function_name(stack.name, d),
        "alias_address": naming.Addresses(d).alias,
        "weight_variable": naming.green_weight_variable(d),
        "blue_variable": naming.blue_version_variable(d),
        "green_variable": naming.green_version_variable(d),
        "doors": [door.summary(part) for door, part in doors_in(d)],
        "outputs": [naming.output_name(d, what) for what in outputs_of(d)],
    } for d in stack.deployments]
    return render("stack_README.md.j2", stack=stack, deployments=deployments)
