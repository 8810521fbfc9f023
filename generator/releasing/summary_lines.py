"""The plan summary's words for a deployment: its traffic, its new version, its rollout.

``plan_reading`` and ``plan_summary`` find the facts (a deployment's are a ``DeploymentTraffic``, here
beside the words for it); this says them as a reviewer reads them, e.g.
``hello: publishes v4, new: code changes (source hash a -> b), configuration changes
(environment keys: API_TOKEN added)``. Environment values are never in the facts, so never here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..features.rollout import addresses as rollout_names
from .plan_reading import UNKNOWN, UNKNOWN_KEYS, Publication, RolloutChange, RolloutPlan

_THRESHOLDS = {rollout_names.ERROR_RATE: "error rate > {:g}", rollout_names.P99: "p99 > {:g} ms",
               rollout_names.ABOVE_BLUE: "error rate above blue's > {:g}"}


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
    module: str = ""                 # "module.<name>" for a deployment in a child module
    roles_known: bool = True         # False: the plan says which versions serve, not which is blue
    publication: Publication | None = None
    rollout: RolloutChange | None = None

    @property
    def label(self) -> str:
        """The deployment's name, with its module's address in a child module."""
        return f"{self.module}: {self.name}" if self.module else self.name

    @property
    def line(self) -> str:
        return traffic_line(self)

    @property
    def lines(self) -> list[str]:
        """The traffic line, then the version published and the rollout's change, when there are."""
        extra = [publication_line(self.label, self.publication) if self.publication else None,
                 rollout_line(self.label, self.rollout) if self.rollout else None]
        return [self.line, *(line for line in extra if line)]


def traffic_line(d: DeploymentTraffic) -> str:
    if d.destroyed:
        return f"{d.label}: the alias is destroyed"
    if d.after.shares is None:
        if d.before.shares is None:
            return f"{d.label}: first deploy: the first version published takes 100% of traffic"
        return f"{d.label}: versions are known only after apply"

    def part(label: str, version: str | None) -> str:
        shown = f"v{version}" if version else "(none)"
        old = "new" if d.before.shares is None else percent(d.before.share(version))
        return f"{label}{' ' if label else ''}{shown} {old} -> {percent(d.after.share(version))}"
    if not d.roles_known:  # the versions the alias serves, without a claim of which is blue
        versions = sorted(set(d.before.shares or {}) | set(d.after.shares), key=_version_order)
        return f"{d.label}: " + ", ".join(part("", v) for v in versions) + _suffix(d)
    # Blue moves forward on a promote. A primary that goes back to an older version is a return
    # from weight 1 (green was primary), not a move of blue.
    moved = (d.previous_blue or "").isdigit() and (d.blue or "").isdigit() and \
        int(d.blue or 0) > int(d.previous_blue or 0)
    if moved and d.before.shares is not None:
        # Blue moves (a promote, or a pin after unpinned releases): name both versions' roles.
        return (f"{d.label}: promote: blue moves v{d.previous_blue} -> v{d.blue}: "
                f"{part('old blue', d.previous_blue)}, {part('new blue', d.blue)}")
    parts = [part("blue", d.blue)]
    if d.green and d.green != d.blue:
        parts.append(part("green", d.green))
    # Green back to no traffic, blue unchanged: what bluegreen rollback does.
    rollback = d.green and d.green != d.blue and d.before.share(d.green) > 0 and d.after.share(d.green) == 0 \
        and d.weight == 0
    return f"{d.label}: " + ("rollback: " if rollback else "") + ", ".join(parts) + _suffix(d)


def _suffix(d: DeploymentTraffic) -> str:
    if d.renamed:
        return f" (alias {d.renamed[0]} replaced by {d.renamed[1]})"
    return "" if d.changed else " (no change)"


def _version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (1 << 62, version)


def percent(share: float) -> str:
    value = round(share * 100, 2)
    return f"{value:g}%"


def publication_line(label: str, publication: Publication) -> str:
    if publication.first:
        return f"{label}: publishes its first version, number {UNKNOWN}"
    number = f"v{publication.version}, new" if publication.version else f"a new version, number {UNKNOWN}"
    changed = []
    if publication.code is not None:
        old, new = publication.code
        changed.append(f"code changes (source hash {old or '(none)'} -> {new or '(none)'})")
    settings = list(publication.configuration)
    if publication.environment == ((UNKNOWN_KEYS, "changed"),):
        settings.append(f"environment {UNKNOWN}")
    elif publication.environment:
        settings.append("environment keys: " + ", ".join(f"{key} {how}" for key, how in publication.environment))
    if settings:
        changed.append(f"configuration changes ({', '.join(settings)})")
    return f"{label}: publishes {number}" + (": " + ", ".join(changed) if changed else "")


def rollout_line(label: str, change: RolloutChange) -> str:
    if change.action == "removed" or change.after is None:
        return f"{label}: rollout removed"
    after, before = change.after, change.before
    parts = ["steps " + _steps(after) + _was(_steps, after, before), _timing(after) + _was(_timing, after, before)]
    if after.machine is not None and after.machine.min_invocations is not None:
        parts.append(_traffic(after) + _was(_traffic, after, before))
    parts.append("gates: " + _gates(after, change) + _was(lambda p: _gates(p, change), after, before))
    if after.machine is not None and after.machine.smoke_test:
        parts.append("smoke test before any traffic")
    if any(change.topics):
        parts.append(_notifications(*change.topics, added=change.action == "added"))
    if after.machine is not None and after.machine.provisioned:
        parts.append(f"provisioned concurrency {after.machine.provisioned}, green warmed before each weight")
    return f"{label}: rollout {change.action}: " + "; ".join(parts)


def _notifications(before: str | None, after: str | None, added: bool) -> str:
    """Where each start and end of the rollout is sent (``notify_topic_arn``), and where it went
    before the plan when that differs (a rollout just added had none)."""
    said = f"notifications of each start and end to {after}" if after else "no notifications"
    return said if before == after or added else f"{said} (was {before or 'none'})"


def _was(say, after: RolloutPlan, before: RolloutPlan | None) -> str:
    """`` (was ...)`` when the part said of ``before`` differs from ``after``'s, both known."""
    if before is None or before.machine is None or after.machine is None:
        return ""
    old = say(before)
    return "" if old == say(after) else f" (was {old})"


def _steps(plan: RolloutPlan) -> str:
    if plan.machine is None:
        return UNKNOWN
    if not plan.machine.steps:
        return "all at once: 100% at the start, judged by the final bake"
    return ", ".join(f"{round(w * 100, 2):g}%" for w in plan.machine.steps) + ", then 100%"


def _timing(plan: RolloutPlan) -> str:
    """``60 s per step`` when every step bakes as long, else each step's bake (``3600 s, 300 s per step``)."""
    if plan.machine is None:
        return f"bake {UNKNOWN}"
    bakes = plan.machine.bakes
    if not bakes:
        return f"no steps, gates read every {plan.machine.check_every_s} s"
    each = f"{bakes[0]} s" if len(set(bakes)) == 1 else ", ".join(f"{b} s" for b in bakes)
    return f"{each} per step, gates read every {plan.machine.check_every_s} s"


def _traffic(plan: RolloutPlan) -> str:
    """``at least 100 invocations per step (held up to 120 s), error rate over each step and the
    whole rollout > 0.01, final bake 300 s at 100%``: the gates the state machine itself computes."""
    machine = plan.machine
    if machine is None or machine.min_invocations is None:
        return f"traffic gates {UNKNOWN}"
    holds = machine.holds or (machine.final_hold_s,)
    held = f"{holds[0]} s" if len(set(holds)) == 1 else ", ".join(f"{h} s" for h in holds)
    where = "per step" if machine.steps else "in the final bake"
    least = (f"at least {machine.min_invocations} invocations {where} (held up to {held})"
             if machine.min_invocations else f"no least traffic {where}")
    over = "each step and the whole rollout" if machine.steps else "the final bake"
    return (f"{least}, error rate over {over} > {machine.max_error_rate:g}, "
            f"final bake {machine.final_bake_s} s at 100%")


def _gates(plan: RolloutPlan, change: RolloutChange) -> str:
    """The alarms that stop the rollout: its own with their thresholds, then the others it reads."""
    own = [f"{name} ({_THRESHOLDS[kind].format(threshold)})" for name, (kind, threshold) in change.thresholds.items()]
    if plan.machine is None:
        return ", ".join(own + [f"others {UNKNOWN}"])
    return ", ".join(own + [name for name in plan.machine.alarm_names if name not in change.thresholds]) or "none"
