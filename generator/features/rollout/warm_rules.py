"""The rules of a rollout that keeps green warm: a deployment with ``provisioned_concurrency``
(docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).

``warm_timeout_s`` is a whole number of the machine's polls. The reservation must hold the worst
moment (``warm.worst_moment``): green raised for a weight while blue keeps its share of the last
one, plus one environment left on demand. AWS refuses a Put above the reservation, so a smaller
one would fail the rollout halfway. And the warm polls count in the execution history's budget.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...core.errors import Field, Problem
from ...core.values import is_whole_number
from ...model.stack import Deployment
from . import messages as msg
from .budget import Term
from .declaration import Rollout
from .warm import WARM_POLL_S, events, worst_moment

WARM_TIMEOUT_S_MAX = 24 * 3600  # a day: AWS allocates in minutes


def warm_problems(deployment: Deployment, rollout: Rollout, where: str) -> Iterator[Problem]:
    """``warm_timeout_s`` (checked whether or not it is used: a typo stays visible), and with a
    valid ``provisioned_concurrency`` the reservation at the worst moment."""
    timeout: object = rollout.warm_timeout_s
    if not (isinstance(timeout, int) and is_whole_number(timeout) and WARM_POLL_S <= timeout <= WARM_TIMEOUT_S_MAX
            and timeout % WARM_POLL_S == 0):
        yield Problem(Field(f"{where}.warm_timeout_s"), msg.must_be_a_warm_timeout(WARM_POLL_S, WARM_TIMEOUT_S_MAX,
                                                                                    timeout))
    n = deployment.provisioned_concurrency
    reserved = getattr(deployment.function, "reserved_concurrency", None)
    weights = rollout.weights if isinstance(rollout.steps, tuple) else None
    if not (isinstance(n, int) and is_whole_number(n) and n >= 1 and isinstance(reserved, int)
            and is_whole_number(reserved) and weights is not None
            and all(isinstance(w, (int, float)) and 0 < w < 1 for w in weights)):
        return
    # Below N + 2 the function's own rule names it already (model.rules_function_access).
    worst, change = worst_moment(n, weights)
    if n + 1 < reserved <= worst:
        yield Problem(Field(f"{where.removesuffix('.rollout')}.provisioned_concurrency"),
                      msg.warm_must_fit_the_reservation(reserved, n, worst, change))


def warm_terms(deployment: Deployment) -> Sequence[Term]:
    """The warm states' term of the history budget, when the deployment keeps green warm."""
    return (events,) if deployment.provisioned_concurrency else ()
