"""Green kept warm during a rollout: the state machine's provisioned-concurrency states.

Only for a deployment with ``provisioned_concurrency`` N
(docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout). The configurations are on the
versions, never on the alias: green gets ceil(N x w), blue
ceil(N x (1 - w)), in the same grid arithmetic as Terraform's map
(``synthesis.interface.provisioned_concurrency_local``). Before each weight w (and before the
promotion, w = 1) the machine puts green's figure for w and polls it every ``WARM_POLL_S`` until
it is READY; FAILED, or not READY within ``warm_timeout_s``, rolls back with the reason. Only then
does the weight move, and only after that is blue lowered to its share, so blue never has less
than its traffic. The old blue keeps its last share through the final bake (a rollback after
promotion lands on warm environments) and is released when the bake passes. Every rollback,
after the alias is back on blue, releases green and restores blue to N: green first, so the two
never hold more than the worst moment the validation checked (``worst_moment``).

The state names are ``machine.step_state``'s (``Step 1: size green``), so progress reads them as
it reads the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ...model.traffic import WEIGHT_DECIMALS
from .declaration import Rollout
from .states_language import RETRY_READ, task

WARM_POLL_S = 10  # how often green's status is read while it warms
SIZE_GREEN, WARM, WAIT_WARM = "size green", "green warm?", "wait for green"
READ_WARM, COUNT_POLL, SIZE_BLUE = "read green's warm capacity", "count the poll", "size blue"
WARM_FAILED, NOT_WARM = "green's warm-up failed", "green not warm in time"
RELEASE_BLUE = "Release the old blue"
RELEASE_GREEN, RESTORE_BLUE = "release green", "restore blue's warm capacity"
NOT_RESTORED = "warm capacity not restored"
READY, FAILED = "READY", "FAILED"

_GRID = 10 ** WEIGHT_DECIMALS


def green_size(n: int, weight: float) -> int:
    """Green's provisioned concurrency at ``weight``: ceil(N x w), in whole steps of the weight grid."""
    return -(-n * round(weight * _GRID) // _GRID)


def blue_size(n: int, weight: float) -> int:
    """Blue's provisioned concurrency while green has ``weight``: ceil(N x (1 - w))."""
    return -(-n * (_GRID - round(weight * _GRID)) // _GRID)


def read_provisioned(states: dict, rollback: str) -> int | None:
    """N, read back from a definition's states (``rollback``'s restore of blue); None without."""
    restore = states.get(f"{rollback}: {RESTORE_BLUE}")
    figure = (restore or {}).get("Parameters", {}).get("ProvisionedConcurrentExecutions")
    return figure if isinstance(figure, int) and not isinstance(figure, bool) else None


def first_green_size(rollout: Rollout, n: int) -> int:
    """Green's figure for the rollout's first weight (N all at once): what Terraform gives a
    pinned green at weight 0, so it is warm, and its config Terraform's, before the rollout."""
    return green_size(n, rollout.weights[0] if rollout.weights else 1.0)


def worst_moment(n: int, weights: tuple[float, ...]) -> tuple[int, str]:
    """The most the two versions hold at once, and the change where (``step 2``, ``the promotion``,
    ``--promote-now in step 1``; the first of the largest): green raised for the new weight while
    blue still has its share of the last one. ``--promote-now`` raises green to N during any step,
    while blue keeps that step's share until the alias moves."""
    before = (0.0, *weights)
    changes = [(green_size(n, new), blue_size(n, old), f"step {k}") for k, (old, new) in
               enumerate(zip(before, weights, strict=False), start=1)]
    changes.append((n, blue_size(n, before[-1]), "the promotion"))
    changes += [(n, blue_size(n, weight), f"--promote-now in step {k}") for k, weight in enumerate(weights, start=1)]
    total, _, where = max(((green + blue, -order, where) for order, (green, blue, where) in enumerate(changes)))
    return total, where


def most_polls(rollout: Rollout) -> int:
    """How many times green's status is read at most before one weight."""
    return math.ceil(rollout.warm_timeout_s / WARM_POLL_S)


# A poll: the Wait, the read, the counting Pass and the Choice, with room for one retried read.
POLL_EVENTS = 2 + 5 + 2 + 2 + 3
# A change's other warm states: size green (a Task) and the Choice, size blue (a Task), each
# Task with room for one retry; and once, the release of the old blue or a rollback's two
# clean-up Tasks.
CHANGE_EVENTS = 5 + 2 + 5 + 2 * 3
CLEAN_UP_EVENTS = 2 * 5 + 2  # and the Pass that notes a failed clean-up


def events(rollout: Rollout) -> int:
    """The warm states' share of the longest execution's history (``budget``): every weight, and
    the promotion, waiting the longest for green."""
    return (len(rollout.steps) + 1) * (CHANGE_EVENTS + most_polls(rollout) * POLL_EVENTS) + CLEAN_UP_EVENTS


@dataclass(frozen=True)
class Names:
    """The machine's spelling of what the warm states lead to: ``step(k, what)`` names a state of
    change k (``machine.step_state``), the rest are its states' names."""

    step: Callable[[int, str], str]
    check_alias: str
    start_bake: str
    call_failed: str
    roll_back: str
    promoted: str


@dataclass(frozen=True)
class Warmth:
    """What the warm states size: ``green`` (the version rolled out) of ``function_name``, N = ``n``;
    ``retry``: the Retry of a change (the machine's, for the alias)."""

    function_name: str
    green: str
    n: int
    rollout: Rollout
    retry: list
    names: Names

    def changes(self) -> list[tuple[int, float, float]]:
        """Each change (steps from 1, then the promotion as 0) with green's weight before and after."""
        weights = self.rollout.weights
        before, after = (0.0, *weights), (*weights, 1.0)
        return [(k if k <= len(weights) else 0, old, new)
                for k, (old, new) in enumerate(zip(before, after, strict=True), start=1)]

    def _change(self, step: int) -> tuple[float, float]:
        (old, new), = [(o, n) for k, o, n in self.changes() if k == step]
        return old, new

    def entry(self, step: int) -> str:
        """Where change ``step`` starts: sizing green, unless its figure is the last one's (a
        first change always sizes: green may still be warming from the apply)."""
        old, new = self._change(step)
        warms = old == 0 or green_size(self.n, new) != green_size(self.n, old)
        return self.names.step(step, SIZE_GREEN if warms else self.names.check_alias)

    def after_weight(self, step: int) -> str:
        """Where step ``step`` goes once its weight is set: lowering blue, if its figure changes."""
        old, new = self._change(step)
        lowers = blue_size(self.n, new) != blue_size(self.n, old)
        return self.names.step(step, SIZE_BLUE if lowers else self.names.start_bake)

    def states(self) -> dict:
        """Every warm state of the definition but the rollbacks' (``clean_up``)."""
        states: dict = {}
        for step, _old, new in self.changes():
            def name(what: str, step: int = step) -> str:
                return self.names.step(step, what)
            where = f"before step {step}" if step else "before the promotion"
            if self.entry(step) == name(SIZE_GREEN):
                states.update(self._warm_up(name, new, where))
            if step and self.after_weight(step) == name(SIZE_BLUE):
                put = self._put(("Qualifier.$", "$.blue"), blue_size(self.n, new))
                states[name(SIZE_BLUE)] = task("lambda:putProvisionedConcurrencyConfig", put, None, None,
                                               next_state=name(self.names.start_bake),
                                               catch_to=self.names.call_failed, retry=self.retry)
        states[RELEASE_BLUE] = self._release_blue()
        return states

    def _put(self, qualifier: tuple[str, str], size: int) -> dict:
        return {"FunctionName": self.function_name, qualifier[0]: qualifier[1],
                "ProvisionedConcurrentExecutions": size}

    def _warm_up(self, name: Callable[[str], str], new: float, where: str) -> dict:
        """Size green for ``new``, then poll until READY; FAILED or too slow rolls back."""
        size = green_size(self.n, new)
        status = {"status.$": "$.Status", "detail.$": "States.JsonToString($)"}
        limit, roll_back, failed = most_polls(self.rollout), self.names.roll_back, self.names.call_failed
        return {
            name(SIZE_GREEN): task("lambda:putProvisionedConcurrencyConfig", self._put(("Qualifier", self.green), size),
                                   {**status, "polls": 0}, "$.warm", next_state=name(WARM), catch_to=failed,
                                   retry=self.retry),
            name(WARM): {"Type": "Choice", "Choices": [
                {"Variable": "$.warm.status", "StringEquals": READY, "Next": name(self.names.check_alias)},
                {"Variable": "$.warm.status", "StringEquals": FAILED, "Next": name(WARM_FAILED)},
                {"Variable": "$.warm.polls", "NumericGreaterThanEquals": limit, "Next": name(NOT_WARM)}],
                "Default": name(WAIT_WARM)},
            name(WAIT_WARM): {"Type": "Wait", "Seconds": WARM_POLL_S, "Next": name(READ_WARM)},
            name(READ_WARM): task("lambda:getProvisionedConcurrencyConfig",
                                  {"FunctionName": self.function_name, "Qualifier": self.green}, status,
                                  "$.warm_read", next_state=name(COUNT_POLL), catch_to=failed, retry=RETRY_READ),
            name(COUNT_POLL): {"Type": "Pass", "Parameters": {
                "status.$": "$.warm_read.status", "detail.$": "$.warm_read.detail",
                "polls.$": "States.MathAdd($.warm.polls, 1)"}, "ResultPath": "$.warm", "Next": name(WARM)},
            name(WARM_FAILED): _reason(f"The provisioned concurrency of version {self.green} ({size}) failed "
                                       f"{where}: {{}}", "$.warm.detail", roll_back),
            name(NOT_WARM): _reason(f"The provisioned concurrency of version {self.green} ({size}) was not READY "
                                    f"{where} within warm_timeout_s ({self.rollout.warm_timeout_s} s): {{}}",
                                    "$.warm.detail", roll_back),
        }

    def _release_blue(self) -> dict:
        """After the final bake the old blue's config goes. A failure still ends promoted (the
        rollout did promote; the next apply deletes it), its error kept at ``$.release_error``."""
        then = self.names.promoted
        return {"Type": "Task", "Resource": f"{_SDK}deleteProvisionedConcurrencyConfig",
                "Parameters": {"FunctionName": self.function_name, "Qualifier.$": "$.blue"}, "ResultPath": None,
                "Retry": self.retry, "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.release_error",
                                                "Next": then}], "Next": then}

    def clean_up(self, rollback: str, then: str) -> tuple[str, dict]:
        """After ``rollback`` put the alias back: release green, then restore blue to N (green first,
        so the two never hold more than ``worst_moment``). Its first state and its states; a
        failure goes on to ``then`` with the rollback's own cause and what failed."""
        release, restore = f"{rollback}: {RELEASE_GREEN}", f"{rollback}: {RESTORE_BLUE}"
        failed = f"{rollback}: {NOT_RESTORED}"
        catch = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.warm_error", "Next": failed}]
        return release, {
            # The rollback's cause, and what was left undone: traffic is on blue either way.
            failed: {"Type": "Pass", "Parameters": {"cause.$": "States.Format('{} (provisioned concurrency not "
                                                               "restored: {})', $.reason.cause, "
                                                               "States.JsonToString($.warm_error))"},
                     "ResultPath": "$.reason", "Next": then},
            release: {"Type": "Task", "Resource": f"{_SDK}deleteProvisionedConcurrencyConfig",
                      "Parameters": {"FunctionName": self.function_name, "Qualifier": self.green},
                      "ResultPath": None, "Retry": self.retry, "Catch": catch, "Next": restore},
            restore: {"Type": "Task", "Resource": f"{_SDK}putProvisionedConcurrencyConfig",
                      "Parameters": self._put(("Qualifier.$", "$.blue"), self.n),
                      "ResultPath": None, "Retry": self.retry, "Catch": catch, "Next": then},
        }


_SDK = "arn:aws:states:::aws-sdk:lambda:"


def _reason(template: str, argument: str, then: str) -> dict:
    """A Pass that writes ``$.reason.cause`` (what the rollback fails with), then rolls back."""
    return {"Type": "Pass", "Parameters": {"cause.$": f"States.Format('{template}', {argument})"},
            "ResultPath": "$.reason", "Next": then}
