"""``BlueGreenDeployment``: one construct that turns a ``Deployment`` into its Terraform resources:
its base (function, role, alias, variables) here, and each of its features through its slice.

The function publishes a version on every change; a weighted alias splits traffic between the
pinned blue version and the pinned green one, driven by three Terraform variables (see
``interface``); front doors (a REST API, ...) invoke the alias. Library users add it
to their own cdktf stack; ``BlueGreenStack`` uses it for stack files. Addresses are fixed and
readable (see ``model.naming``).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from cdktf import Precondition, TerraformResourceLifecycle, TerraformStack, Token
from constructs import Construct

from ..bindings.provider import LambdaAlias, LambdaFunction
from ..bindings.terraform_text import literal
from ..core.errors import Field, InvalidInput, Problem
from ..core.messages import synthesis as msg
from ..features import parts_of
from ..features.rollout.rules import refuse_for_aws
from ..features.validation import validate_deployment
from ..model import naming
from ..model.archive import Archive, build_archive
from ..model.aws_limits import ARCHITECTURE_DEFAULT, EPHEMERAL_STORAGE_MB_DEFAULT
from ..model.naming import ref, version_locals
from ..model.stack import Deployment
from .assets import code_asset
from .canary_rule import release_configurations, shared_role_and_target
from .execution_role import execution_role
from .interface import traffic_interface
from .provisioned import provisioned_concurrency

_NULL = None  # Token.null_value(), fetched once: each fetch is a round trip to jsii
# The deployments already in each stack: their names must differ (each one's addresses are
# derived from it), and the top-level "moved" list is one JSON array per stack, rewritten whole.
_IN_STACK: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

class BlueGreenDeployment(Construct):
    """A Lambda function, its weighted alias, the traffic variables, outputs and an API.

    ``name_prefix`` prefixes AWS names (``<prefix>-<deployment>``); ``base_dir`` resolves the
    function's relative ``source``. ``add_variables_and_outputs=False`` leaves the traffic
    variables, locals and outputs to the caller (``add_interface``), as ``BlueGreenStack`` does.
    ``archive``: the code archive when the caller has built it already (default: built here).
    ``native_apart=True`` leaves the alias's ``moved`` block and its dynamic ``routing_config``
    out of the JSON, for the caller to write beside it in native syntax (``native_files``), as
    ``BlueGreenStack`` does. ``emulator=True``: for the local emulator, which accepts a rollout's
    ``metric_delay_s`` below a minute (AWS's synthesis refuses it). The deployment is validated
    first: bad input raises ``generator.InvalidInput`` listing every problem.
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment, name_prefix: str,
                 base_dir: str | Path = ".", add_variables_and_outputs: bool = True,
                 archive: Archive | None = None, native_apart: bool = False, emulator: bool = False) -> None:
        super().__init__(scope, id)
        base_dir = Path(base_dir)
        validate_deployment(name_prefix, deployment, base_dir)
        if not emulator:
            refuse_for_aws([(name_prefix, deployment)])
        if any(other.name == deployment.name for other in _IN_STACK.get(TerraformStack.of(self), [])):
            # Its resources would take the other's Terraform addresses, silently replacing them.
            raise InvalidInput(Problem(Field("deployment.name"),
                                       msg.must_differ_from_other_deployments(deployment.name)))
        self.deployment = deployment
        self._name = deployment.name
        self._at = naming.Addresses(deployment)
        self._name_prefix = name_prefix
        self._native_apart = native_apart
        self.function = self._function(name_prefix, archive or build_archive(base_dir / deployment.function.source))
        self.alias = self._alias()
        # Each feature adds its own resources; a slice loads its bindings only when a stack uses it.
        for feature, part in parts_of(deployment):
            feature.synthesize(self, part, name_prefix)
        if add_variables_and_outputs:
            self._interface()

    def _function(self, name_prefix: str, archive: Archive) -> LambdaFunction:
        deployment, function = self.deployment, self.deployment.function
        grants = execution_role(self, deployment, name_prefix)
        asset_path, source_code_hash = code_asset(self, archive, self._name)
        lambda_function = LambdaFunction(
            self, "function", function_name=naming.function_name(name_prefix, deployment),
            role=ref(self._at.role, "arn"), handler=literal(function.handler),
            runtime=function.runtime, memory_size=function.memory_mb, timeout=function.timeout_s,
            filename=asset_path, source_code_hash=source_code_hash,
            publish=True,  # every code or configuration change becomes a new version
            # User text is written literally: Terraform would evaluate ${...} in it.
            environment={"variables": {key: literal(value) for key, value in function.environment.items()}}
            if function.environment else None,
            # The options write nothing at their defaults, so Lambda's defaults hold and a stack
            # that does not use them synthesizes as before (docs/aws-rules.md#r32-function-options).
            architectures=[function.architecture] if function.architecture != ARCHITECTURE_DEFAULT else None,
            layers=list(function.layers) or None,
            reserved_concurrent_executions=function.reserved_concurrency,
            ephemeral_storage={"size": function.ephemeral_storage_mb}
            if function.ephemeral_storage_mb != EPHEMERAL_STORAGE_MB_DEFAULT else None,
            tracing_config={"mode": "Active"} if function.tracing else None,
            # Tags are user text, keys included (Terraform reads a JSON object's keys as templates too).
            tags={literal(key): literal(value) for key, value in function.tags.items()} or None,
            vpc_config={"subnet_ids": list(function.vpc.subnet_ids),
                        "security_group_ids": list(function.vpc.security_group_ids)} if function.vpc else None,
            dead_letter_config={"target_arn": literal(function.dead_letter_target)}
            if function.dead_letter_target else None,
            kms_key_arn=literal(function.kms_key_arn) if function.kms_key_arn else None,
            depends_on=grants)
        lambda_function.override_logical_id(naming.logical_id(self._at.function))
        return lambda_function

    def _alias(self) -> LambdaAlias:
        deployment = self.deployment
        weight = f"var.{naming.green_weight_variable(deployment)}"
        _, blue, green = version_locals(deployment)
        self._first_version()
        release_configurations(self, deployment, self._name_prefix)
        warm = provisioned_concurrency(self, deployment)
        alias = LambdaAlias(
            self, "alias", name=deployment.alias,
            function_name=ref(self._at.function, "function_name"),
            description=literal(f"{deployment.alias}: blue/green alias managed by bluegreen"),
            # Weight 1 moves the primary to green rather than routing 100% as a weight
            # (docs/aws-rules.md#r2-weights); otherwise blue is primary. Never $LATEST (#r3-no-latest).
            function_version=f"${{{weight} == 1 ? {green} : {blue}}}",
            # A renamed alias is replaced: the new one (and the permission and API that use it)
            # first, the old one last, so the stage never invokes an alias that is gone.
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True,
                                                 precondition=alias_preconditions(deployment)),
            # Warm capacity is in place before the alias sends a version traffic, and removed
            # only after the alias has left it (docs/aws-rules.md#r26-provisioned-concurrency-per-version).
            depends_on=[warm] if warm else None)
        alias.override_logical_id(naming.logical_id(self._at.alias))
        # Only what a binding cannot say (a dynamic block) is an override. Apart, the same
        # expressions go to a native-syntax override file instead (native_files).
        if not self._native_apart:
            for_each, weights = alias_routing(deployment)
            alias.add_override("dynamic.routing_config", {
                "for_each": f"${{{for_each}}}", "content": {"additional_version_weights": f"${{{weights}}}"}})
        return alias

    def _first_version(self) -> None:
        # Remembers the first version this state published and never changes after (its input
        # is ignored from then on): while blue is unpinned, blue is that version, so a second
        # release can't go live at 100% because nobody pinned blue after the first deploy.
        stack = TerraformStack.of(self)
        stack.add_override(f"resource.{self._at.first_version}", {
            "input": ref(self._at.function, "version"),
            "lifecycle": {"ignore_changes": ["input"]},
        })
        # Older releases kept the alias at <deployment>_<alias>: move it, don't replace it
        # (apart: in native syntax beside the JSON, native_files).
        deployments = _IN_STACK.setdefault(stack, [])
        deployments.append(self.deployment)
        if not self._native_apart:
            stack.add_override("moved", moved_blocks(deployments))

    def _interface(self) -> None:
        # Variables, locals and outputs are plain JSON (synthesis.interface), merged
        # into the stack one element at a time so deployments never overwrite each other.
        stack = TerraformStack.of(self)
        for block, elements in traffic_interface(self.deployment).items():
            for element, body in elements.items():
                stack.add_override(f"{block}.{element}", _keep_nulls(body))


def add_interface(stack: TerraformStack, deployments: list[Deployment]) -> None:
    """Set ``stack``'s variable, locals and output blocks to those of ``deployments``.

    This replaces the three blocks whole, so pass all of the stack's deployments: three jsii
    round trips in all, instead of eight per deployment.
    """
    blocks: dict[str, dict] = {}
    for deployment in deployments:
        for block, elements in traffic_interface(deployment).items():
            blocks.setdefault(block, {}).update(elements)
    for block, elements in blocks.items():
        stack.add_override(block, _keep_nulls(elements))


def alias_routing(deployment: Deployment) -> tuple[str, str]:
    """The alias's dynamic ``routing_config``: its ``for_each`` and its weights, as expressions.

    The routing block exists only while 0 < weight < 1 and green differs from blue. When it is
    absent, provider 5.100.0 sends an empty routing configuration, which clears old weights
    (docs/aws-rules.md#r6-clearing-weights); an always-present empty map would diff on every
    plan. One additional version at most (#r1-one-additional-version).
    """
    weight = f"var.{naming.green_weight_variable(deployment)}"
    _, blue, green = version_locals(deployment)
    # Nested conditionals, not &&: HCL evaluates both sides of &&, so an unknown blue (the first
    # deploy) would make the block, and so the alias, unknown even at weight 0.
    return (f"{weight} > 0 && {weight} < 1 ? ({green} != {blue} ? [1] : []) : []",
            f"{{ ({green}) = {weight} }}")


def moved_blocks(deployments: list[Deployment]) -> list[dict[str, str]]:
    """``moved`` blocks from each alias's older ``<deployment>_<alias>`` address to its own.

    Left out where the old address is the new one, or is another deployment's alias address
    (deployments ``api`` with alias ``v2`` and ``api_v2``): Terraform refuses both.
    """
    addresses = [naming.Addresses(d) for d in deployments]
    current = {a.alias for a in addresses}
    blocks = [{"from": a.legacy_alias, "to": a.alias} for a in addresses]
    return [block for block in blocks if block["from"] not in current]


def alias_preconditions(deployment: Deployment) -> list[Precondition]:
    """What ``terraform plan`` refuses before the alias moves, each with the fix in its message."""
    weight = f"var.{naming.green_weight_variable(deployment)}"
    pinned_blue = f"var.{naming.blue_version_variable(deployment)}"
    pinned_green = f"var.{naming.green_version_variable(deployment)}"
    newest, blue, _ = version_locals(deployment)
    rules = [
        # HCL evaluates both sides of ||, so a null is guarded with a conditional instead.
        (f"tonumber({blue}) <= tonumber({newest})",
         f"The blue version ({pinned_blue}) must be a version this function has published: at most the newest."),
        (f"{pinned_green} == null ? true : tonumber({pinned_green}) <= tonumber({newest})",
         f"The green version ({pinned_green}) must be a version this function has published: at most the newest."),
        (f"{weight} == 0 || {pinned_green} != null",
         f"{weight} is above 0, so {pinned_green} must name the version that gets it "
         "(bluegreen shift sets both)."),
        (f"{weight} == 0 || {pinned_blue} != null",
         f"{weight} is above 0 while blue is unpinned: pin {pinned_blue} first (bluegreen promote)."),
        (f"{weight} == 0 || {pinned_green} != {pinned_blue}",
         f"{pinned_green} and {pinned_blue} name the same version: a weight needs two versions."),
    ]
    return [*(Precondition(condition=f"${{{condition}}}", error_message=message) for condition, message in rules),
            shared_role_and_target(deployment)]


def _keep_nulls(value):
    # jsii turns Python None into "absent"; Terraform needs a literal null (blue's default).
    if isinstance(value, dict):
        return {key: _keep_nulls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_keep_nulls(item) for item in value]
    global _NULL
    if value is None and _NULL is None:
        _NULL = Token.null_value()
    return _NULL if value is None else value
