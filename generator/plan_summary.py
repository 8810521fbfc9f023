"""Read ``terraform show -json`` of a plan and say what a reviewer needs: the traffic change.

``summarize`` turns plan JSON into a ``PlanSummary`` (pure data); ``render_summary`` writes it
through a jinja2 template as Markdown (for a pull-request comment, with a mermaid pie of the new
split) or plain text. Deployments are recognised by the variables bluegreen generates
(``<name>_green_weight``) and their aliases (``aws_lambda_alias.<name>_<alias>``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import naming
from .errors import InvalidInput, Problem
from .templating import render

ACTION_WORDS = {("create",): "create", ("update",): "update", ("delete",): "destroy",
                ("delete", "create"): "replace", ("create", "delete"): "replace",
                ("read",): "read", ("no-op",): "no change"}
ROLE_WARNING = ("the execution role changes: AWS refuses weighted routing between versions with "
                "different roles, so this release cannot be canaried; shift all at once or keep the role")


@dataclass(frozen=True)
class Split:
    """Traffic shares by version label, e.g. ``{"1": 0.75, "2": 0.25}``; None where unknown."""

    shares: dict[str, float] | None

    def share(self, version: str | None) -> float:
        return (self.shares or {}).get(version, 0.0) if version else 0.0


@dataclass
class DeploymentTraffic:
    name: str
    blue: str | None                 # version label after apply; None = not known until apply
    green: str | None
    previous_blue: str | None        # the primary version before apply; None on first deploy
    before: Split
    after: Split
    changed: bool
    unpinned: bool
    weight: float = 0.0
    destroyed: bool = False

    @property
    def line(self) -> str:
        return _traffic_line(self)


@dataclass
class PlanSummary:
    deployments: list[DeploymentTraffic] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (address, action word)
    warnings: list[str] = field(default_factory=list)


def load_plan(path: Path) -> dict:
    try:
        plan = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InvalidInput(Problem("PLAN_JSON", f"must be an existing file, got: {str(path)!r}")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(Problem("PLAN_JSON", f"must be the output of terraform show -json PLAN ({error}), "
                                   f"got: {str(path)!r}")) from None
    # A plan has planned_values (and resource_changes when anything is managed); state JSON
    # from `terraform show -json` without a plan file has neither.
    if not isinstance(plan, dict) or not ("resource_changes" in plan or "planned_values" in plan):
        raise InvalidInput(Problem("PLAN_JSON", "must be the output of terraform show -json PLAN (no "
                                   f"resource_changes in it), got: {str(path)!r}"))
    return plan


def summarize_file(path: Path) -> PlanSummary:
    """``summarize(load_plan(path))``, with a plan of an unexpected shape reported as bad input."""
    plan = load_plan(path)
    try:
        return summarize(plan)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise InvalidInput(Problem("PLAN_JSON", "is not a plan bluegreen can read "
                                   f"({type(error).__name__}: {error}), got: {str(path)!r}")) from None


def summarize(plan: dict) -> PlanSummary:
    changes = [c for c in plan.get("resource_changes") or [] if c.get("mode", "managed") == "managed"]
    variables = {k: (v or {}).get("value") for k, v in (plan.get("variables") or {}).items()}
    names = sorted((k[: -len("_green_weight")] for k in variables if k.endswith("_green_weight")),
                   key=len, reverse=True)
    summary = PlanSummary()
    for change in changes:
        actions = change["change"]["actions"]
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise ValueError(f"the actions of {change.get('address')!r} are not a list of words: {actions!r}")
        actions = tuple(actions)
        if actions != ("no-op",):
            summary.changes.append((change["address"], ACTION_WORDS.get(actions, "/".join(actions))))
        owner = _owner(change, names)
        if change["type"] == "aws_lambda_alias" and owner:
            summary.deployments.append(_alias_traffic(owner, change, variables))
    summary.warnings = _warnings(changes, summary.deployments)
    summary.deployments.sort(key=lambda d: d.name)
    return summary


def render_summary(summary: PlanSummary, form: str) -> str:
    return render(f"summary.{form}.j2", summary=summary, percent=_percent)


def _owner(change: dict, names: list[str]) -> str | None:
    # Exact: the alias address is <deployment>_<alias>, so match it whole with the alias name the
    # plan carries; a prefix match would give deployment a_b the alias of deployment a (alias b_x).
    body = change["change"]
    alias = (body.get("after") or body.get("before") or {}).get("name")
    return next((n for n in names if isinstance(alias, str) and change["name"] == naming.identifier(f"{n}_{alias}")), None)


def _alias_traffic(name: str, change: dict, variables: dict) -> DeploymentTraffic:
    body = change["change"]
    before, after = _split(body.get("before")), _split(body.get("after"), body.get("after_unknown"))
    weight = variables.get(f"{name}_green_weight") or 0
    pinned = variables.get(f"{name}_blue_version")
    primary = (body.get("after") or {}).get("function_version")
    weighted = [v for v in (after.shares or {}) if v != primary]
    green = weighted[0] if weighted else (primary if weight == 1 or pinned is None else None)
    blue = pinned if pinned is not None else primary
    if green is None and after.shares is not None:
        green = _newest(before, after, blue)
    previous = (body.get("before") or {}).get("function_version")
    return DeploymentTraffic(name=name, blue=blue, green=green, previous_blue=previous, before=before, after=after,
                             changed=tuple(body["actions"]) != ("no-op",), unpinned=pinned is None,
                             weight=float(weight), destroyed=body.get("after") is None and "delete" in body["actions"])


def _split(state: dict | None, unknown: dict | None = None) -> Split:
    if not state:
        return Split({} if state is not None else None)
    unknown = unknown or {}
    if unknown.get("function_version") or unknown.get("routing_config"):
        return Split(None)
    weights = {}
    for block in state.get("routing_config") or []:
        weights.update({str(k): float(v) for k, v in (block.get("additional_version_weights") or {}).items()})
    primary = state.get("function_version")
    return Split({primary: 1 - sum(weights.values()), **weights} if primary else weights)


def _newest(before: Split, after: Split, blue: str | None) -> str | None:
    versions = {v for s in (before, after) for v in (s.shares or {}) if v and v.isdigit() and v != blue}
    return max(versions, key=int) if versions else None


def _traffic_line(d: DeploymentTraffic) -> str:
    if d.destroyed:
        return f"{d.name}: the alias is destroyed"
    if d.after.shares is None:
        if d.unpinned:
            return f"{d.name}: a new version is published and, blue being unpinned, takes 100% of traffic"
        if d.weight > 0:
            return f"{d.name}: a new version is published and, as green, takes {_percent(d.weight)} of traffic"
        return f"{d.name}: versions are known only after apply"

    def part(label: str, version: str | None) -> str:
        shown = f"v{version}" if version else "(none)"
        old = "new" if d.before.shares is None else _percent(d.before.share(version))
        return f"{label} {shown} {old} -> {_percent(d.after.share(version))}"
    # Blue moves forward on a promote. A primary that goes back to an older version is a return
    # from weight 1 (green was primary), not a move of blue.
    moved = (d.previous_blue or "").isdigit() and (d.blue or "").isdigit() and int(d.blue) > int(d.previous_blue)
    if moved and d.before.shares is not None:
        # Blue moves (a promote, or a pin after unpinned releases): name both versions' roles.
        return (f"{d.name}: blue moves v{d.previous_blue} -> v{d.blue}: "
                f"{part('old blue', d.previous_blue)}, {part('new blue', d.blue)}")
    parts = [part("blue", d.blue)]
    if d.green and d.green != d.blue:
        parts.append(part("green", d.green))
    suffix = "" if d.changed else " (no change)"
    return f"{d.name}: " + ", ".join(parts) + suffix


def _warnings(changes: list[dict], deployments: list[DeploymentTraffic]) -> list[str]:
    warnings = []
    for change in changes:
        actions, kind, body = tuple(change["change"]["actions"]), change["type"], change["change"]
        if kind == "aws_lambda_function" and ("create" in actions or actions == ("update",)):
            warnings.append(f"{change['address']}: a new version will be published")
        if kind == "aws_api_gateway_deployment" and "create" in actions:
            warnings.append(f"{change['address']}: the API will be redeployed (routes or integrations changed)")
        if _role_changes(kind, actions, body):
            warnings.append(f"{change['address']}: {ROLE_WARNING}")
    for d in deployments:
        if d.unpinned:
            warnings.append(f"{d.name}: blue is unpinned, so every change goes live at 100%: promote to pin it")
        elif d.after.shares is None and d.weight > 0 and not d.destroyed:
            warnings.append(f"{d.name}: the new version goes live at once with {_percent(d.weight)} of traffic "
                            "(the weight is not 0): roll back first to publish it without traffic")
    return warnings


def _role_changes(kind: str, actions: tuple, body: dict) -> bool:
    # AWS-RULES.md 4: both versions of a weighted alias need the same execution role. A role
    # replaced, or a function pointed at another role, breaks that; a policy edit does not.
    if kind != "aws_lambda_function" or actions != ("update",):
        return False
    before, after = body.get("before") or {}, body.get("after") or {}
    return (body.get("after_unknown") or {}).get("role") is True or before.get("role") != after.get("role")


def _percent(share: float) -> str:
    value = round(share * 100, 2)
    return f"{value:g}%"
