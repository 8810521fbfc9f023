"""A deployment's Terraform interface as plain JSON: its traffic variables, locals and outputs.

These are what module consumers and the traffic file set (``<name>_green_weight``,
``<name>_blue_version``) and what ``promote`` and ``status`` read back (``<name>_green_version``
and the rest). They are data, not provider resources, so they are built here without cdktf and
merged into the stack's JSON as they are: no typed wrapper to go through, and no round trips to
jsii's Node.js process (issue #4).
"""

from __future__ import annotations

from . import naming
from .model import Deployment


def traffic_interface(deployment: Deployment) -> dict[str, dict[str, object]]:
    """``{"variable": {...}, "locals": {...}, "output": {...}}`` for one deployment."""
    name = deployment.name
    weight = naming.green_weight_variable(deployment)
    blue = naming.blue_version_variable(deployment)
    green_local, blue_local = f"{name}_green_version", f"{name}_blue_version"
    variables = {
        weight: {
            "type": "number", "default": 0, "nullable": False,
            "description": f"Share of {name}'s traffic sent to the green (newest) version, from 0 to 1. "
                           "1 makes green the primary version.",
            "validation": [{"condition": f"${{var.{weight} >= 0 && var.{weight} <= 1}}",
                            "error_message": f"{weight} must be a number from 0 to 1, such as 0.25."}],
        },
        blue: {
            "type": "string", "default": None, "nullable": True,
            "description": f"The stable (blue) version of {name}. Null until the first promote: then blue "
                           "is the newest version and every change goes live at 100%.",
            "validation": [{"condition": f"${{var.{blue} == null || can(regex(\"^[0-9]+$\", var.{blue}))}}",
                            "error_message": f"{blue} must be null or a published version number such as \"3\"."}],
        },
    }
    local_values = {
        green_local: naming.ref(f"aws_lambda_function.{name}", "version"),
        blue_local: f"${{coalesce(var.{blue}, local.{green_local})}}",
    }
    outputs = {
        "blue_version": ("The pinned stable version (the newest until the first promote).", f"${{local.{blue_local}}}"),
        "green_version": ("The newest published version.", f"${{local.{green_local}}}"),
        "alias_arn": ("The alias to invoke; callers never name a version.",
                      naming.ref(f"aws_lambda_alias.{naming.alias_id(deployment)}", "arn")),
    }
    if deployment.api:
        stage = f"aws_api_gateway_stage.{naming.stage_id(deployment, deployment.api.stage)}"
        outputs["invoke_url"] = ("The API stage's URL.", naming.ref(stage, "invoke_url"))
    return {
        "variable": variables,
        "locals": local_values,
        "output": {naming.output_name(deployment, what): {"description": text, "value": value}
                   for what, (text, value) in outputs.items()},
    }
