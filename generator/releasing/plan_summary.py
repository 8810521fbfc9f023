"""Read ``terraform show -json`` of a plan and say what a reviewer needs: the traffic change.

``summarize`` turns plan JSON into a ``PlanSummary`` (pure data); ``render_summary`` writes it
through a jinja2 template as Markdown (for a pull-request comment, with a mermaid pie of the new
split) or plain text. Deployments are recognised by the variables bluegreen generates
(``<name>_green_weight``) and their aliases (``aws_lambda_alias.<name>``).

A plan is input, and whoever can open a pull request writes it (a ``for_each`` key lands in an
address as is). So everything taken from it is escaped for the form it is written in: Markdown
(``markdown_text``, ``mermaid_text``) or a terminal (``plain_text``). The Markdown is cut to fit in
one GitHub comment, least important list first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.json_file import read_json
from ..core.messages import releasing as msg
from ..core.templating import render
from ..features import DOORS
from ..model import naming
from . import plan_reading, summary_lines
from .plan_reading import Scope
from .summary_lines import DeploymentTraffic, Split
from .summary_text import markdown_text, mermaid_text, plain_text

__all__ = ["MARKDOWN_BUDGET", "MARKDOWN_LIMIT", "PlanSummary", "load_plan", "markdown_text", "mermaid_text",
           "plain_text", "render_summary", "summarize", "summarize_file"]

ACTION_WORDS = {("create",): "create", ("update",): "update", ("delete",): "destroy",
                ("delete", "create"): "replace", ("create", "delete"): "replace",
                ("read",): "read", ("no-op",): "no change"}
# Terraform's words for the plan's tally ("Plan: 1 to add, 2 to change, 1 to destroy"), keyed by
# ACTION_WORDS; any other word (read, forget, one we don't know) reads "N to <word>".
TALLY_WORDS = {"create": "add", "update": "change", "destroy": "destroy", "replace": "replace"}
# GitHub refuses a comment body over 65,536 characters ("Body is too long (maximum is 65536
# characters)"). Keep well below it, counted in UTF-8 bytes (never fewer than characters): CI
# wrappers add a header, or a marker to find and update the comment.
MARKDOWN_LIMIT = 65_536
MARKDOWN_BUDGET = 60_000


class WarningLine(str):
    """A warning as one line, ``"<subject>: <message>"``, keeping both parts for the Markdown.

    ``subject`` is an address or a deployment name (from the plan), ``message`` our own words.
    """

    subject: str
    message: str

    def __new__(cls, subject: str, message: str) -> WarningLine:
        line = super().__new__(cls, f"{subject}: {message}")
        line.subject, line.message = subject, message
        return line


@dataclass
class PlanSummary:
    deployments: list[DeploymentTraffic] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (address, action word)
    warnings: list[WarningLine] = field(default_factory=list)

    @property
    def tally(self) -> str:
        """The changes counted by action as Terraform does: ``"15 to add, 1 to destroy"``."""
        counts: dict[str, int] = {word: 0 for word in TALLY_WORDS}
        for _, action in self.changes:
            counts[action] = counts.get(action, 0) + 1
        parts = [f"{n} to {TALLY_WORDS.get(action, action)}" for action, n in counts.items() if n]
        return ", ".join(parts) or "no changes"


@dataclass(frozen=True)
class Shown:
    """What a template prints: the summary's lists, cut to fit, and how many of each were cut."""

    deployments: list[DeploymentTraffic]
    warnings: list[WarningLine]
    changes: list[tuple[str, str]]
    more_deployments: int = 0
    more_warnings: int = 0
    more_changes: int = 0

    @classmethod
    def cut(cls, summary: PlanSummary, deployments: int, warnings: int, changes: int) -> Shown:
        return cls(summary.deployments[:deployments], summary.warnings[:warnings], summary.changes[:changes],
                   max(len(summary.deployments) - deployments, 0), max(len(summary.warnings) - warnings, 0),
                   max(len(summary.changes) - changes, 0))


def load_plan(path: Path) -> dict:
    shown = str(path)
    plan = read_json(path, Argument("PLAN_JSON"), not_json=lambda error: msg.must_be_a_plan(error, shown),
                     too_deep=msg.plan_must_not_nest_too_deeply(shown), missing=msg.plan_must_exist(shown))
    # A plan has planned_values (and resource_changes when anything is managed); state JSON
    # from `terraform show -json` without a plan file has neither.
    if not isinstance(plan, dict) or not ("resource_changes" in plan or "planned_values" in plan):
        raise InvalidInput(Problem(Argument("PLAN_JSON"), msg.plan_must_have_resource_changes(shown)))
    return plan


def summarize_file(path: Path) -> PlanSummary:
    """``summarize(load_plan(path))``, with a plan of an unexpected shape reported as bad input."""
    plan = load_plan(path)
    try:
        return summarize(plan)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise InvalidInput(Problem(Argument("PLAN_JSON"), msg.plan_must_be_readable(error, str(path)))) from None


def summarize(plan: dict) -> PlanSummary:
    changes = [c for c in plan.get("resource_changes") or [] if c.get("mode", "managed") == "managed"]
    summary = PlanSummary()
    for change in changes:
        actions = change["change"]["actions"]
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise ValueError(msg.plan_actions_must_be_words(change.get("address"), actions))
        actions = tuple(actions)
        if actions != ("no-op",):
            summary.changes.append((change["address"], ACTION_WORDS.get(actions, "/".join(actions))))
    for scope in plan_reading.scopes(plan):
        summary.deployments += _deployments(scope, changes)
    summary.warnings = _warnings(changes, summary.deployments)
    summary.deployments.sort(key=lambda d: (d.module, d.name))
    return summary


def _deployments(scope: Scope, changes: list[dict]) -> list[DeploymentTraffic]:
    """The deployments of one module that have an alias in the plan, with their function's new
    version and their rollout's change."""
    mine = {plan_reading.relative_address(c): c for c in changes if (c.get("module_address") or "") == scope.module}
    found = []
    for change in mine.values():
        owner = naming.deployment_of_alias(change["type"], change["name"], scope.names)
        if not owner:
            continue
        d = _alias_traffic(owner, change, scope.variables)
        function = mine.get(naming.function_address(owner))
        d.module, d.rollout = scope.module, plan_reading.rollout_change(owner, mine)
        d.publication = plan_reading.publication(function) if function else None
        found.append(d)
    return found


def render_summary(summary: PlanSummary, form: str) -> str:
    """The summary as ``md`` (at most ``MARKDOWN_BUDGET`` UTF-8 bytes) or ``text`` (complete)."""
    if form != "md":
        return _render(summary, form, Shown.cut(summary, *_sizes(summary)))
    return _render_within(summary, MARKDOWN_BUDGET)


def _render(summary: PlanSummary, form: str, shown: Shown) -> str:
    return render(f"summary.{form}.j2", summary=summary, shown=shown, percent=summary_lines.percent,
                  md=markdown_text, mermaid=mermaid_text, plain=plain_text)


def _sizes(summary: PlanSummary) -> list[int]:
    return [len(summary.deployments), len(summary.warnings), len(summary.changes)]


def _render_within(summary: PlanSummary, budget: int) -> str:
    # Cut the least important list first: the resource list (the plan itself has it all), then
    # the warnings, then the traffic lines. Each list keeps as many of its items as still fit.
    def fits(sizes: list[int]) -> bool:
        return len(_render(summary, "md", Shown.cut(summary, *sizes)).encode("utf-8", "replace")) <= budget

    sizes = _sizes(summary)
    for index in (2, 1, 0):
        if fits(sizes):
            break
        full, sizes[index] = sizes[index], 0
        if fits(sizes):
            sizes[index] = _most(lambda n, i=index: fits([*sizes[:i], n, *sizes[i + 1:]]), full)
    return _render(summary, "md", Shown.cut(summary, *sizes))


def _most(fits, high: int) -> int:
    """The largest n in 0..high with fits(n), given fits(0) and that fits turns false only once."""
    low = 0
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def _alias_traffic(name: str, change: dict, variables: dict) -> DeploymentTraffic:
    body = change["change"]
    before, after = _split(body.get("before")), _split(body.get("after"), body.get("after_unknown"))
    traffic = naming.TrafficVariables(name)
    primary = (body.get("after") or {}).get("function_version")
    weight, roles_known = variables.get(traffic.green_weight), True
    if weight is None:  # a child module's arguments that the plan does not show
        weight, roles_known = _weight_served(after, primary)
    pinned = variables.get(traffic.blue_version)
    green = variables.get(traffic.green_version) if weight > 0 else None
    if green is None and roles_known and 0 < weight < 1:  # the version the alias routes to is green
        green = next((v for v in after.shares or {} if v != primary), None)
    # Unpinned, blue is whatever the alias serves: the first version published.
    blue = pinned if pinned is not None else primary
    previous = (body.get("before") or {}).get("function_version")
    if green is None:  # a rollback: name the green that loses its traffic
        green = next((v for v in (before.shares or {}) if v not in (blue, None)), None)
    return DeploymentTraffic(name=name, blue=blue, green=green, previous_blue=previous, before=before, after=after,
                             changed=tuple(body["actions"]) != ("no-op",),
                             unpinned=pinned is None and traffic.blue_version in variables,
                             weight=float(weight), destroyed=body.get("after") is None and "delete" in body["actions"],
                             renamed=_renamed(body), roles_known=roles_known)


def _weight_served(after: Split, primary: str | None) -> tuple[float, bool]:
    """Green's weight as the alias will serve it, and whether that says which version is blue: a
    weighted alias routes to green; an unweighted one serves blue (weight 0) or green (weight 1)."""
    routed = sum(share for version, share in (after.shares or {}).items() if version != primary)
    return (routed, True) if 0 < routed < 1 else (0.0, False)


def _renamed(body: dict) -> tuple[str, str] | None:
    old, new = (body.get("before") or {}).get("name"), (body.get("after") or {}).get("name")
    return (str(old), str(new)) if old and new and old != new else None


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


def _warnings(changes: list[dict], deployments: list[DeploymentTraffic]) -> list[WarningLine]:
    warnings = []
    for change in changes:
        actions, kind, body = tuple(change["change"]["actions"]), change["type"], change["change"]
        if kind == "aws_lambda_function" and "create" in actions:
            warnings.append(WarningLine(change["address"], msg.NEW_VERSION_WILL_BE_PUBLISHED))
        elif kind == "aws_lambda_function" and actions == ("update",):
            warnings.append(WarningLine(change["address"], msg.NEW_VERSION_GETS_NO_TRAFFIC_YET))
        if {"create", "delete"} <= set(actions):  # a replacement: what it changes for the door's callers
            warnings += [WarningLine(change["address"], door.replacement_warnings[kind])
                         for door in DOORS if kind in door.replacement_warnings]
        if _changes(kind, actions, body, "role"):
            warnings.append(WarningLine(change["address"], msg.ROLE_CHANGE_PREVENTS_A_CANARY))
        if _changes(kind, actions, body, "dead_letter_config"):
            warnings.append(WarningLine(change["address"], msg.DEAD_LETTER_CHANGE_PREVENTS_A_CANARY))
    for d in deployments:
        if d.unpinned and not d.destroyed:
            warnings.append(WarningLine(d.name, msg.UNPINNED_BLUE_STAYS_ON_THE_FIRST_VERSION))
    return warnings


def _changes(kind: str, actions: tuple, body: dict, attribute: str) -> bool:
    # Both versions of a weighted alias need the same execution role and the same dead-letter
    # target (docs/aws-rules.md#r4-same-role-and-dead-letter-queue). A role replaced, or a
    # function pointed at another role or target, breaks that; a policy edit does not. The
    # alias's precondition refuses such a weight at plan; this warns before anyone tries.
    if kind != "aws_lambda_function" or actions != ("update",):
        return False
    before, after = body.get("before") or {}, body.get("after") or {}
    return (body.get("after_unknown") or {}).get(attribute) is True or before.get(attribute) != after.get(attribute)
