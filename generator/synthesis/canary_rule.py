"""The rule that a weighted alias's two versions share an execution role and a dead-letter target.

AWS refuses weighted routing between versions that differ in either
(docs/aws-rules.md#r4-same-role-and-dead-letter-queue), and ``apply`` would fail only when it
reaches the alias, after the rest has changed. So while the weight is strictly between 0 and 1,
the plan reads both versions' configurations (``data.aws_lambda_function.<name>_blue`` and
``_green``, by the pinned version numbers) and the alias's precondition compares them. At 0 or 1
nothing is read: one version serves, and a release that can't be canaried can still go out at
once.
"""

from __future__ import annotations

from cdktf import Precondition
from constructs import Construct

from ..bindings.provider import DataAwsLambdaFunction
from ..model import naming
from ..model.stack import Deployment

COLOURS = ("blue", "green")


def release_configurations(scope: Construct, deployment: Deployment, name_prefix: str) -> None:
    """The data sources, read only while the alias is weighted: the newest published version, then
    blue's and green's configurations, each only when that version is published.

    A version that does not exist is not read (the read would stop the plan with "couldn't find
    resource", naming no version); the alias's own preconditions then say which variable names a
    version never published.
    """
    at, weight = naming.Addresses(deployment), f"var.{naming.green_weight_variable(deployment)}"
    weighted = f"{weight} > 0 && {weight} < 1"
    function_name = naming.function_name(name_prefix, deployment)
    # The function by name, not by reference: a reference to a function with pending changes
    # would defer the reads to apply, and the precondition with them. Without a qualifier, the
    # data source's version is the newest published one.
    newest = DataAwsLambdaFunction(scope, "newest_release", function_name=function_name)
    newest.override_logical_id(naming.logical_id(at.release("newest")))
    # The binding's count is a number; the condition is an expression (rule 3), so an override.
    newest.add_override("count", f"${{{weighted} ? 1 : 0}}")
    published = f"one({at.release('newest')}[*].version)"
    for colour, variable in zip(COLOURS, (naming.blue_version_variable(deployment),
                                          naming.green_version_variable(deployment)), strict=True):
        release = DataAwsLambdaFunction(scope, f"{colour}_release", function_name=function_name,
                                        qualifier=f"${{var.{variable}}}")
        release.override_logical_id(naming.logical_id(at.release(colour)))
        # try(): a null or unpublished version, or no newest read, is simply not read.
        release.add_override("count", f"${{{weighted} && try(tonumber(var.{variable}) <= tonumber({published}), "
                                      "false) ? 1 : 0}")


def shared_role_and_target(deployment: Deployment) -> Precondition:
    """The alias's precondition: a weight strictly between 0 and 1 needs both settings shared.

    Holds trivially when either version was not read (unpublished): another precondition names it.
    """
    at, weight = naming.Addresses(deployment), f"var.{naming.green_weight_variable(deployment)}"
    blue, green = (at.release(colour) for colour in COLOURS)
    same = (f"try({blue}[0].role, \"\") == try({green}[0].role, \"\") && "
            f"jsonencode(try({blue}[0].dead_letter_config, [])) == jsonencode(try({green}[0].dead_letter_config, []))")
    unread = f"length({blue}) == 0 || length({green}) == 0"
    blue_version, green_version = naming.blue_version_variable(deployment), naming.green_version_variable(deployment)
    return Precondition(
        condition=f"${{{weight} == 0 || {weight} == 1 || {unread} || ({same})}}",
        error_message=(f"{weight} is between 0 and 1, but the versions in var.{blue_version} and var.{green_version} "
                       "have different execution roles or dead-letter targets, and AWS splits traffic only between "
                       "versions that share both. Release this version without a canary: set the weight to 1 "
                       "(bluegreen shift ... 1), or 0 to stay on blue."))
