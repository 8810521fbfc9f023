"""What a plan says about each deployment, besides its alias: where it is (the root module or a
child module), its traffic variables, the version its function will publish and why, its rollout.

Pure reading of ``terraform show -json`` output; ``plan_summary`` turns it into lines. Addresses
come from ``model.naming`` and ``rollout.addresses``, compared with a change's address inside
its module (``type.name``), so a deployment is found the same way in a root and a child module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..features.rollout import addresses as rollout_names
from ..features.rollout import applied_plan
from ..model import naming

UNKNOWN = "(known after apply)"
UNKNOWN_KEYS = "(keys known after apply)"  # the environment's variables are all unknown
# A function's attributes that are its code; a change of any is a code change.
CODE_ATTRIBUTES = ("source_code_hash", "filename", "s3_bucket", "s3_key", "s3_object_version", "image_uri")
# Attributes AWS or the provider computes, and the provider's own settings: never a configuration
# change of the version (``version`` itself is how the plan says one will be published).
NOT_CONFIGURATION = frozenset({
    "arn", "id", "invoke_arn", "qualified_arn", "qualified_invoke_arn", "version", "last_modified", "code_sha256",
    "source_code_size", "signing_job_arn", "signing_profile_version_arn", "tags", "tags_all", "timeouts", "publish",
    "skip_destroy", "replace_security_groups_on_destroy", "replacement_security_group_ids", "environment"})


@dataclass
class Scope:
    """The deployments of one module: its address (``""`` for the root module), their names, and
    the values of their traffic variables that the plan shows (a child module's arguments are
    there only when the caller wrote them as constants)."""

    module: str
    names: list[str]
    variables: dict = field(default_factory=dict)

    def prefix(self) -> str:
        return f"{self.module}." if self.module else ""


def scopes(plan: dict) -> list[Scope]:
    """The root module's deployments, then each child module's (found by their weight variables)."""
    variables = {k: (v or {}).get("value") for k, v in (plan.get("variables") or {}).items()}
    found = [Scope("", naming.TrafficVariables.deployments_in(variables), variables)]
    calls = ((plan.get("configuration") or {}).get("root_module") or {}).get("module_calls") or {}
    found += list(_module_scopes(calls, "", _qualifiers(plan)))
    return found


def _module_scopes(calls: dict, parent: str, qualifiers: dict[str, str]) -> Iterator[Scope]:
    for call, body in calls.items():
        module = f"{parent}module.{call}"
        config = body.get("module") or {}
        names = naming.TrafficVariables.deployments_in(config.get("variables") or {})
        constants = {k: v["constant_value"] for k, v in (body.get("expressions") or {}).items()
                     if isinstance(v, dict) and "constant_value" in v}
        for name in names:  # blue's and green's data sources are read with those versions as qualifiers
            traffic = naming.TrafficVariables(name)
            for which, variable in (("blue", traffic.blue_version), ("green", traffic.green_version)):
                read = qualifiers.get(f"{module}.{naming.release_address(name, which)}")
                if variable not in constants and read is not None:
                    constants[variable] = read
        if names:
            yield Scope(module, names, constants)
        yield from _module_scopes(config.get("module_calls") or {}, f"{module}.", qualifiers)


def _qualifiers(plan: dict) -> dict[str, str]:
    """Each data source's qualifier in the prior state (read at plan), by address without index."""
    found: dict[str, str] = {}
    modules = list((((plan.get("prior_state") or {}).get("values") or {}).get("root_module") or {})
                   .get("child_modules") or [])
    while modules:
        module = modules.pop()
        modules += module.get("child_modules") or []
        for resource in module.get("resources") or []:
            qualifier = (resource.get("values") or {}).get("qualifier")
            if resource.get("mode") == "data" and qualifier:
                address = resource["address"].rsplit("[", 1)[0] if "index" in resource else resource["address"]
                found[address] = str(qualifier)
    return found


def relative_address(change: dict) -> str:
    """``type.name`` of a change: its address inside its module, without an index."""
    return f"{change['type']}.{change['name']}"


# --- the version a function publishes --------------------------------------------------------------

@dataclass(frozen=True)
class Publication:
    """A new version of a deployment's function: its number (None: known only after apply), and
    what changed: the code's hashes, configuration attribute names and environment key names."""

    version: str | None
    first: bool
    code: tuple[str, str] | None = None          # (source hash before, after); "" where there is none
    configuration: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()  # (key, "added" / "removed" / "changed"), by key


def publication(change: dict) -> Publication | None:
    """The version a function's change publishes; None when it publishes none.

    The provider marks ``version`` unknown in the plan exactly when it will publish; the new
    number is the one before plus one, as Lambda numbers a function's versions in sequence
    (docs/aws-rules.md#r16-publish-on-every-change). A created function's first number is not
    derived: it is known after apply.
    """
    body = change["change"]
    actions = tuple(body["actions"])
    if actions == ("no-op",) or ("delete" in actions and "create" not in actions):
        return None
    before, after, unknown = body.get("before") or {}, body.get("after") or {}, body.get("after_unknown") or {}
    if actions == ("create",):
        return Publication(None, first=True)
    if unknown.get("version") is not True and "create" not in actions:
        return None
    previous = str(before.get("version") or "")
    number = str(int(previous) + 1) if previous.isdigit() and actions == ("update",) else None
    return Publication(number, False, _code(before, after, unknown), _configuration(before, after, unknown),
                       _environment(before, after, unknown))


def _code(before: dict, after: dict, unknown: dict) -> tuple[str, str] | None:
    if not any(unknown.get(a) is True or before.get(a) != after.get(a) for a in CODE_ATTRIBUTES):
        return None
    hashes = before.get("source_code_hash"), after.get("source_code_hash")
    return (str(hashes[0] or ""), UNKNOWN if unknown.get("source_code_hash") is True
            else str(hashes[1] or ""))


def _configuration(before: dict, after: dict, unknown: dict) -> tuple[str, ...]:
    names = (set(before) | set(after) | set(unknown)) - NOT_CONFIGURATION - set(CODE_ATTRIBUTES)
    return tuple(sorted(a for a in names if unknown.get(a) is True or before.get(a) != after.get(a)))


def _environment(before: dict, after: dict, unknown: dict) -> tuple[tuple[str, str], ...]:
    """Environment keys added, removed or changed (or known only after apply); never a value."""
    def variables(state: dict) -> dict:
        blocks = state.get("environment") or [{}]
        found = blocks[0] if isinstance(blocks, list) and blocks else {}
        return (found or {}).get("variables") or {} if isinstance(found, dict) else {}
    blocks = unknown.get("environment")
    late = variables({"environment": blocks}) if isinstance(blocks, list) else {}
    if blocks is True or late is True:
        return ((UNKNOWN_KEYS, "changed"),)
    old, new = variables(before), variables(after)
    late_keys = {key for key, value in late.items() if value is True}

    def how(key: str) -> str | None:
        if key not in new and key not in late_keys:
            return "removed"
        if key not in old:
            return "added"
        return "changed" if key in late_keys or old[key] != new[key] else None
    return tuple((key, word) for key in sorted(set(old) | set(new) | late_keys) if (word := how(key)))


# --- a rollout's steps and gates ------------------------------------------------------------------

@dataclass(frozen=True)
class RolloutPlan:
    """A rollout as its state machine's definition says (``features.rollout.applied_plan.read_plan``): ``machine``
    is None while the definition is unknown until apply, or is not one bluegreen wrote."""

    machine: applied_plan.Plan | None


@dataclass
class RolloutChange:
    action: str                          # "added", "removed" or "changes"
    before: RolloutPlan | None
    after: RolloutPlan | None
    thresholds: dict[str, tuple[str, float]] = field(default_factory=dict)  # alarm name: (kind, threshold)
    topics: tuple[str | None, str | None] = (None, None)  # notify_topic_arn before and after (None: none)


def rollout_change(name: str, changes: dict[str, dict]) -> RolloutChange | None:
    """The rollout of deployment ``name`` when the plan changes it; ``changes`` by relative address."""
    machine = changes.get(rollout_names.state_machine_address(name))
    alarms = {kind: changes[a] for kind in rollout_names.ALARM_KINDS
              if (a := rollout_names.alarm_address(name, kind)) in changes}
    target = changes.get(rollout_names.notify_target_address(name))
    moved = [c for c in (machine, target, *alarms.values()) if c and tuple(c["change"]["actions"]) != ("no-op",)]
    if machine is None or not moved:
        return None
    body = machine["change"]
    actions = tuple(body["actions"])
    action = "added" if actions == ("create",) else "removed" if actions == ("delete",) else "changes"
    thresholds = {}
    for kind, alarm in alarms.items():
        after = alarm["change"].get("after") or {}
        if after.get("alarm_name") and after.get("threshold") is not None:
            thresholds[str(after["alarm_name"])] = (kind, after["threshold"])
    return RolloutChange(action, _rollout_plan(body.get("before"), {}),
                         _rollout_plan(body.get("after"), body.get("after_unknown") or {}), thresholds,
                         _topics(target))


def _topics(target: dict | None) -> tuple[str | None, str | None]:
    """The topic the rollout's notifications go to, before and after the plan (None: none)."""
    if target is None:
        return None, None
    before, after = (state.get("arn") if isinstance(state, dict) else None
                     for state in (target["change"].get("before"), target["change"].get("after")))
    return (str(before) if before else None), (str(after) if after else None)


def _rollout_plan(state: dict | None, unknown: dict) -> RolloutPlan | None:
    if not state and not unknown:
        return None
    text = (state or {}).get("definition")
    if unknown.get("definition") is True or not isinstance(text, str):
        return RolloutPlan(None)
    # One reader of the definition, the one status and rollout use: it reads every definition
    # bluegreen wrote, before the traffic gates too; anything else is shown as unknown.
    return RolloutPlan(applied_plan.read_plan(text))
