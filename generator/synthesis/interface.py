"""A deployment's Terraform interface as plain JSON: its traffic variables, locals and outputs.

These are what module consumers and the traffic file set (``<name>_blue_version``,
``<name>_green_version``, ``<name>_green_weight``) and what ``shift``, ``promote`` and ``status``
read back (``<name>_newest_version``, ``<name>_applied_traffic`` and the rest). They are data,
not provider resources, so they are built here without cdktf and merged into the stack's JSON as
they are: no typed wrapper to go through, and no round trips to jsii's Node.js process.

The versions, exactly:

- newest: the function's newest published version (every code or configuration change
  publishes one);
- blue: the pinned ``<name>_blue_version``, or, while that is null, the first version this state
  ever published (``terraform_data.<name>_first_version``), so that an unpinned deployment never
  moves to a new version by itself;
- green: the pinned ``<name>_green_version``, the only version that ever gets the green weight.
  A new version therefore gets no traffic until a reviewed traffic change names it, at any
  weight, 1 included.
"""

from __future__ import annotations

from ..features import parts_of
from ..features.rollout import warm
from ..model import naming
from ..model.naming import version_locals
from ..model.stack import Deployment
from ..model.traffic import WEIGHT_DECIMALS

VERSION_PATTERN = "^[1-9][0-9]*$"


def traffic_interface(deployment: Deployment) -> dict[str, dict]:
    """``{"variable": {...}, "locals": {...}, "output": {...}}`` for one deployment."""
    return {
        "variable": _variables(deployment),
        "locals": _locals(deployment),
        "output": {naming.output_name(deployment, what): {"description": text, "value": value}
                   for what, (text, value) in _outputs(deployment).items()},
    }


def _variables(deployment: Deployment) -> dict[str, object]:
    name = deployment.name
    weight = naming.green_weight_variable(deployment)
    blue = naming.blue_version_variable(deployment)
    green = naming.green_version_variable(deployment)
    return {
        weight: {
            "type": "number", "default": 0, "nullable": False,
            "description": f"Share of {name}'s traffic sent to the green version ({green}), from 0 to 1. "
                           "1 makes green the primary version.",
            "validation": [{"condition": f"${{var.{weight} >= 0 && var.{weight} <= 1}}",
                            "error_message": f"{weight} must be a number from 0 to 1, such as 0.25."}],
        },
        blue: {
            "type": "string", "default": None, "nullable": True,
            "description": f"The stable (blue) version of {name}. Null until the first promote: then blue "
                           "is the first version this state published, whatever was published since.",
            "validation": [_version_validation(blue)],
        },
        green: {
            "type": "string", "default": None, "nullable": True,
            "description": f"The version that gets {weight}: required when the weight is above 0. A version "
                           "published later gets no traffic until this names it.",
            "validation": [_version_validation(green)],
        },
    }


def _version_validation(variable: str) -> dict[str, str]:
    return {"condition": f"${{var.{variable} == null || can(regex(\"{VERSION_PATTERN}\", var.{variable}))}}",
            "error_message": f"{variable} must be null or a published version number such as \"3\"."}


def _locals(deployment: Deployment) -> dict[str, str]:
    newest, blue, green = (ref.removeprefix("local.") for ref in version_locals(deployment))
    at = naming.Addresses(deployment)
    provisioned = {naming.logical_id(at.local("provisioned_concurrency")): provisioned_concurrency_local(deployment)} \
        if deployment.provisioned_concurrency else {}
    return {
        **provisioned,
        newest: naming.ref(at.function, "version"),
        blue: f"${{coalesce(var.{naming.blue_version_variable(deployment)}, {at.first_version}.output)}}",
        # Without a pinned green the "green" is blue itself, so the weight has nothing to route to
        # (a precondition on the alias refuses a weight above 0 without one).
        green: f"${{coalesce(var.{naming.green_version_variable(deployment)}, local.{blue})}}",
    }


def provisioned_concurrency_local(deployment: Deployment) -> str:
    """The map from version to its provisioned concurrency: blue ceil(N x (1 - w)), green
    ceil(N x w), only pinned versions with a share above 0 (docs/aws-rules.md#r26-provisioned-concurrency-per-version).

    In whole steps of the weight's grid: the weight as a float times N could land a hair above a
    whole number (0.3 x 10) and round up one too many. Keys are pinned versions only, so they
    are known at plan, as ``for_each`` needs: the first deploy, with blue unpinned, has none.

    With a rollout, a pinned green gets at least the figure of the rollout's first weight, at
    weight 0 too: it is warm before the rollout starts, and its config is Terraform's, so that
    after the state machine promotes it the next plan changes nothing
    (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).
    """
    steps = 10 ** WEIGHT_DECIMALS
    n = deployment.provisioned_concurrency
    assert n is not None, "only a deployment with provisioned concurrency has the map"
    weight = f"var.{naming.green_weight_variable(deployment)}"
    blue, green = (f"var.{v}" for v in (naming.blue_version_variable(deployment),
                                        naming.green_version_variable(deployment)))
    grid = f"floor({weight} * {steps} + 0.5)"
    green_share = f"ceil({n} * {grid} / {steps})"
    if deployment.rollout is not None:
        green_share = f"max({green_share}, {warm.first_green_size(deployment.rollout, n)})"
    return (f"${{{{ for version, count in merge("
            f"{{ for v in compact([{blue}]) : v => ceil({n} * ({steps} - {grid}) / {steps}) }}, "
            f"{{ for v in compact([{green}]) : v => {green_share} if v != {blue} }}"
            f") : version => count if count > 0 }}}}")


def _outputs(deployment: Deployment) -> dict[str, tuple[str, str]]:
    newest, blue, _ = version_locals(deployment)
    at = naming.Addresses(deployment)
    alias = at.alias
    weight = naming.green_weight_variable(deployment)
    pinned_blue = naming.blue_version_variable(deployment)
    green = naming.green_version_variable(deployment)
    outputs = {
        "blue_version": ("The blue version: the pinned one, or the first version published while unpinned.",
                         f"${{{blue}}}"),
        "green_version": ("The version that gets the green weight; null when none is pinned.", f"${{var.{green}}}"),
        "newest_version": ("The newest published version: what shift and promote pin next.", f"${{{newest}}}"),
        "applied_traffic": ("The traffic variables as applied (what bluegreen status compares with the traffic file).",
                            f"${{{{ blue_version = var.{pinned_blue}, green_version = var.{green}, "
                            f"green_weight = var.{weight} }}}}"),
        "alias_arn": ("The alias to invoke; callers never name a version.", naming.ref(alias, "arn")),
        "alias_routing": ("What the alias serves: its primary version and the additional version's weight.",
                          f"${{{{ primary = {alias}.function_version, "
                          f"weights = try({alias}.routing_config[0].additional_version_weights, {{}}) }}}}"),
    }
    for feature, part in parts_of(deployment):  # each feature's outputs after the base's
        outputs.update(feature.outputs(part))
    return outputs
