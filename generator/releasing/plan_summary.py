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

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.json_file import read_json
from ..core.messages import releasing as msg
from ..core.templating import render
from ..model import naming

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
    renamed: tuple[str, str] | None = None  # (old alias name, new) when the alias is replaced

    @property
    def line(self) -> str:
        return _traffic_line(self)


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
    variables = {k: (v or {}).get("value") for k, v in (plan.get("variables") or {}).items()}
    names = naming.TrafficVariables.deployments_in(variables)
    summary = PlanSummary()
    for change in changes:
        actions = change["change"]["actions"]
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise ValueError(msg.plan_actions_must_be_words(change.get("address"), actions))
        actions = tuple(actions)
        if actions != ("no-op",):
            summary.changes.append((change["address"], ACTION_WORDS.get(actions, "/".join(actions))))
        owner = naming.deployment_of_alias(change["type"], change["name"], names)
        if owner:
            summary.deployments.append(_alias_traffic(owner, change, variables))
    summary.warnings = _warnings(changes, summary.deployments)
    summary.deployments.sort(key=lambda d: d.name)
    return summary


def render_summary(summary: PlanSummary, form: str) -> str:
    """The summary as ``md`` (at most ``MARKDOWN_BUDGET`` UTF-8 bytes) or ``text`` (complete)."""
    if form != "md":
        return _render(summary, form, Shown.cut(summary, *_sizes(summary)))
    return _render_within(summary, MARKDOWN_BUDGET)


def _render(summary: PlanSummary, form: str, shown: Shown) -> str:
    return render(f"summary.{form}.j2", summary=summary, shown=shown, percent=_percent,
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


# --- escaping what the plan says ---------------------------------------------------------------

# Inline Markdown that plan text could start: code spans, emphasis, links and images, table cells,
# strikethrough, math. Any ASCII punctuation may be backslash-escaped in CommonMark; "<", ">" and
# "&" become entities instead, so no raw HTML (or entity) survives. An "_" between letters or
# digits can neither open nor close emphasis, so aws_lambda_alias stays readable in the source.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*\[\]|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
# Characters that don't print: newlines (would end a table row or start a block), ESC (drives a
# terminal), bidi overrides and zero-width characters (reorder or hide what a reviewer reads).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def markdown_text(value: object) -> str:
    """``value`` as literal Markdown text: safe in a paragraph, a table cell or ``<code>``."""
    return _markdown_text(str(value))


@lru_cache(maxsize=16384)  # a capped render repeats the same rows a dozen times
def _markdown_text(text: str) -> str:
    escaped = html.escape(plain_text(text), quote=False)
    return _MARKDOWN_ACTIVE.sub(lambda match: "\\" + match.group(), escaped)


def mermaid_text(value: object) -> str:
    """``value`` inside a mermaid block: versions and names keep their letters, digits, ``_.-``."""
    return _MERMAID_UNSAFE.sub("?", str(value))


def plain_text(value: object) -> str:
    """``value`` with characters that don't print shown as ``\\uXXXX``."""
    text = str(value)
    if text.isprintable():  # the fast path: every address bluegreen itself generates
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _HIDDEN_CATEGORIES else c for c in text)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _alias_traffic(name: str, change: dict, variables: dict) -> DeploymentTraffic:
    body = change["change"]
    before, after = _split(body.get("before")), _split(body.get("after"), body.get("after_unknown"))
    traffic = naming.TrafficVariables(name)
    weight = variables.get(traffic.green_weight) or 0
    pinned = variables.get(traffic.blue_version)
    green = variables.get(traffic.green_version) if weight > 0 else None
    primary = (body.get("after") or {}).get("function_version")
    # Unpinned, blue is whatever the alias serves: the first version published.
    blue = pinned if pinned is not None else primary
    previous = (body.get("before") or {}).get("function_version")
    if green is None:  # a rollback: name the green that loses its traffic
        green = next((v for v in (before.shares or {}) if v not in (blue, None)), None)
    return DeploymentTraffic(name=name, blue=blue, green=green, previous_blue=previous, before=before, after=after,
                             changed=tuple(body["actions"]) != ("no-op",), unpinned=pinned is None,
                             weight=float(weight), destroyed=body.get("after") is None and "delete" in body["actions"],
                             renamed=_renamed(body))


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


def _traffic_line(d: DeploymentTraffic) -> str:
    if d.destroyed:
        return f"{d.name}: the alias is destroyed"
    if d.after.shares is None:
        if d.before.shares is None:
            return f"{d.name}: first deploy: the first version published takes 100% of traffic"
        return f"{d.name}: versions are known only after apply"

    def part(label: str, version: str | None) -> str:
        shown = f"v{version}" if version else "(none)"
        old = "new" if d.before.shares is None else _percent(d.before.share(version))
        return f"{label} {shown} {old} -> {_percent(d.after.share(version))}"
    # Blue moves forward on a promote. A primary that goes back to an older version is a return
    # from weight 1 (green was primary), not a move of blue.
    moved = (d.previous_blue or "").isdigit() and (d.blue or "").isdigit() and \
        int(d.blue or 0) > int(d.previous_blue or 0)
    if moved and d.before.shares is not None:
        # Blue moves (a promote, or a pin after unpinned releases): name both versions' roles.
        return (f"{d.name}: blue moves v{d.previous_blue} -> v{d.blue}: "
                f"{part('old blue', d.previous_blue)}, {part('new blue', d.blue)}")
    parts = [part("blue", d.blue)]
    if d.green and d.green != d.blue:
        parts.append(part("green", d.green))
    suffix = "" if d.changed else " (no change)"
    if d.renamed:
        suffix = f" (alias {d.renamed[0]} replaced by {d.renamed[1]})"
    return f"{d.name}: " + ", ".join(parts) + suffix


def _warnings(changes: list[dict], deployments: list[DeploymentTraffic]) -> list[WarningLine]:
    warnings = []
    for change in changes:
        actions, kind, body = tuple(change["change"]["actions"]), change["type"], change["change"]
        if kind == "aws_lambda_function" and "create" in actions:
            warnings.append(WarningLine(change["address"], msg.NEW_VERSION_WILL_BE_PUBLISHED))
        elif kind == "aws_lambda_function" and actions == ("update",):
            warnings.append(WarningLine(change["address"], msg.NEW_VERSION_GETS_NO_TRAFFIC_YET))
        if kind == "aws_api_gateway_deployment" and {"create", "delete"} <= set(actions):
            warnings.append(WarningLine(change["address"], msg.API_WILL_BE_REDEPLOYED))
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


def _percent(share: float) -> str:
    value = round(share * 100, 2)
    return f"{value:g}%"
