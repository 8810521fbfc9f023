"""The rollout's state machine, in the Amazon States Language: a plain dict, no cdktf.

It moves one alias from blue to green through the rollout's steps, each baking for its own
``bake_s`` (docs/aws-rules.md#r78-per-step-bakes), or all at once (``steps=()``: straight to
the promotion), checking the gates every ``check_every_s`` of each bake (``gates``: green's
error rate over the step and over the whole rollout, the invocations it served, the alarms),
keeps checking for ``final_bake_s`` after green takes 100%, and ends one of five ways
(docs/aws-rules.md#r47-rollouts-run-by-step-functions):

- **promoted**: green is the alias's primary version with no routing configuration;
- **rolled back** (error ``RolledBack``): a gate failed, the smoke test failed or a call
  failed; the alias is back on blue with no routing configuration and the cause names why;
- **inconclusive** (error ``Inconclusive``): green served fewer than ``min_invocations`` in a
  step, even after holding it; the alias is back on blue;
- **rolled back after promotion** (error ``RolledBackAfterPromotion``): a gate failed in the
  final bake, or, all at once, green served fewer than ``min_invocations`` in it, even after
  holding it; the alias is back on the old blue;
- **interfered** (error ``Interfered``): the alias changed under the rollout (its revision id
  differs from the one the rollout's last change returned); the alias is left as it is.

Blue is what the alias serves when the execution starts; green is fixed in the definition (the
newest version), so an execution can only roll out what the reviewed plan showed. Every change
of the alias passes the revision id it expects, so AWS itself refuses a change that would
overwrite someone else's (UpdateAlias ``RevisionId``) — except the rollback, which must win.

The state names are what ``bluegreen rollout`` reads back from the execution's history to show
progress: ``step_state`` and the constants here are the only spelling of them. ``applied_plan``
reads the steps, bakes and alarms back from an applied definition, which is what runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import controls, gates
from .addresses import alias_resource, control_parameter_name
from .declaration import Rollout, Step
from .states_language import RETRY_READ, task
from .warm import RELEASE_BLUE, Names, Warmth

READ_ALIAS = "Read the alias"
ALREADY_GREEN = "Already on green"
START = "Start"
SMOKE_TEST = "Smoke test"
SMOKE_FAILED = "Smoke test failed"
SMOKE_ANSWER = "Check the smoke answer"
SMOKE_ANSWERED_FAILURE = "Smoke test answered a failure"
ALARM_FIRED = "Alarm fired"
COMPOSITE_FIRED = "Composite alarm fired"
FINAL_BAKE = "Final bake"
ROLL_BACK_PROMOTION = "Roll back the promotion"
ROLLED_BACK_PROMOTION = "Rolled back after promotion"
INCONCLUSIVE = "Not enough traffic: roll back"
INCONCLUSIVE_END = "Inconclusive"
TASK_FAILED = "A call failed"
INTERFERED = "Interfered"
ROLL_BACK = "Roll back"
ROLLED_BACK = "Rolled back"
ROLLBACK_FAILED = "Rollback failed"
PROMOTE = "Promote"
PROMOTED = "Promoted"
NOT_STARTED = "Not started"

# The errors an execution fails with (its Error; the Cause says the rest).
ROLLED_BACK_ERROR = "RolledBack"
INTERFERED_ERROR = "Interfered"
NOT_STARTED_ERROR = "NotStarted"
ROLLBACK_FAILED_ERROR = "RollbackFailed"
INCONCLUSIVE_ERROR = "Inconclusive"
ROLLED_BACK_PROMOTION_ERROR = "RolledBackAfterPromotion"

# A read is retried whatever failed (RETRY_READ); a change and the smoke test only on Lambda's own
# faults and throttling, with the backoff the Step Functions guide advises for Lambda, and a change
# also on a concurrent update of the alias (docs/aws-rules.md#r47-rollouts-run-by-step-functions);
# never on a refused revision, which is someone else's change. Anything still failing rolls back.
# The first read also waits out a role that IAM has not propagated yet (the apply just made it):
# 1 + 2 + 4 + 8 + 16 s.
_RETRY_FIRST_READ = [{**RETRY_READ[0], "MaxAttempts": 5}]
LAMBDA_SERVICE_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                         "Lambda.ClientExecutionTimeoutException", "Lambda.TooManyRequestsException"]
_LAMBDA_BACKOFF = {"IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2}
_RETRY_INVOKE = [{"ErrorEquals": LAMBDA_SERVICE_ERRORS, **_LAMBDA_BACKOFF}]
_RETRY_CHANGE = [{"ErrorEquals": [*LAMBDA_SERVICE_ERRORS, "Lambda.ResourceConflictException"], **_LAMBDA_BACKOFF}]


def step_state(step: int, what: str) -> str:
    """``Step 2: set weight`` and the like: one step's states (steps count from 1; 0 is the
    promotion, ``Promote: check the alias``)."""
    return f"Step {step}: {what}" if step else f"{PROMOTE}: {what}"


def final_state(what: str) -> str:
    """``Final bake: wait`` and the like: the checks after green took 100%."""
    return f"{FINAL_BAKE}: {what}"


SET_WEIGHT, WAIT, CHECK_ALARMS, HEALTHY, COUNT, BAKED = ("set weight", "wait", "check alarms", "healthy?",
                                                        "count", "baked?")
READ_STEP, READ_ROLLOUT = "read the step's metrics", "read the rollout's metrics"
CHECK_ALIAS, UNCHANGED, START_BAKE = "check the alias", "unchanged?", "start the bake"
STEP_RATE_HIGH, ROLLOUT_RATE_HIGH = "error rate over the step", "error rate over the rollout"
SERVED_SOME, TOO_LITTLE, NO_TRAFFIC = "served any?", "too little traffic", "no traffic"
_WARM_NAMES = Names(step_state, CHECK_ALIAS, START_BAKE, TASK_FAILED, ROLL_BACK, PROMOTED)


@dataclass(frozen=True)
class Green:
    """What the definition rolls out: ``version`` of ``function_name`` through ``alias``."""

    function_name: str
    alias: str
    version: str

    @property
    def dimensions(self) -> list[dict]:
        """CloudWatch's dimensions of the invocations this version served through the alias
        (docs/aws-rules.md#r48-alarms-scoped-to-a-version)."""
        return [{"Name": "FunctionName", "Value": self.function_name},
                {"Name": "Resource", "Value": alias_resource(self.function_name, self.alias)},
                {"Name": "ExecutedVersion", "Value": self.version}]


def definition(function_name: str, alias: str, green: str, alarm_names: list[str], rollout: Rollout,
               provisioned: int | None = None) -> dict:
    """The state machine for ``alias`` of ``function_name`` rolling out version ``green``;
    ``provisioned``: the deployment's provisioned concurrency, kept warm on green (``warm``)."""
    states: dict[str, Any] = {}
    lambda_alias = {"FunctionName": function_name, "Name": alias}
    warmth = Warmth(function_name, green, provisioned, rollout, _RETRY_CHANGE, _WARM_NAMES) if provisioned else None

    def entry(step: int) -> str:  # where a change starts: sizing green first, with provisioned concurrency
        return warmth.entry(step) if warmth else step_state(step, CHECK_ALIAS)
    # All at once, the first change is the promotion itself.
    first_change = entry(1 if rollout.steps else 0)
    first = SMOKE_TEST if rollout.smoke_event is not None else first_change
    states[READ_ALIAS] = task("lambda:getAlias", lambda_alias, {"version.$": "$.FunctionVersion",
                                                                "revision.$": "$.RevisionId"}, "$.start",
                              next_state=ALREADY_GREEN, catch_to=NOT_STARTED, retry=_RETRY_FIRST_READ)
    states[ALREADY_GREEN] = {"Type": "Choice", "Choices": [
        {"Variable": "$.start.version", "StringEquals": green, "Next": NOT_STARTED}], "Default": START}
    states[START] = {"Type": "Pass", "Parameters": {"blue.$": "$.start.version", "green": green,
                                                     "expect": {"revision.$": "$.start.revision"},
                                                     **controls.start_fields()}, "Next": first}
    states[NOT_STARTED] = {"Type": "Fail", "Error": NOT_STARTED_ERROR,
                           "Cause": f"The alias could not be read, or already serves version {green}: "
                                    "nothing was changed."}
    if rollout.smoke_event is not None:
        states.update(_smoke_test(function_name, green, rollout.smoke_event, first_change))
    target = Green(function_name, alias, green)
    count = len(rollout.steps)
    for index, step in enumerate(zip(rollout.weights, rollout.bakes, rollout.holds, strict=True), start=1):
        after = entry(index + 1 if index < count else 0)
        weight_set = warmth.after_weight(index) if warmth else step_state(index, START_BAKE)
        states.update(_step(index, _StepPlan(*step), lambda_alias, target, alarm_names, rollout,
                            _Exits(after, weight_set, entry(0))))
    states.update(_promote(lambda_alias, green))
    states.update(_final_bake(target, alarm_names, rollout, RELEASE_BLUE if warmth else PROMOTED))
    states.update(_endings(lambda_alias, warmth, inconclusive=bool(rollout.steps and rollout.min_invocations)))
    if warmth:
        states.update(warmth.states())
    return {"Comment": f"Roll out version {green} of {function_name} through alias {alias}: {_comment(rollout)}.",
            "StartAt": READ_ALIAS, "States": states}


def _comment(rollout: Rollout) -> str:
    """``10%, 50%, then 100%``, a ``Step`` with its bake (``1% for 3600 s``), or ``all at once, 100%``:
    what a plan shows first."""
    if not rollout.steps:
        return "all at once, 100%"
    return ", ".join(f"{s.weight * 100:g}% for {s.bake_s} s" if isinstance(s, Step) else f"{s * 100:g}%"
                     for s in rollout.steps) + ", then 100%"


@dataclass(frozen=True)
class _StepPlan:
    """One step: its weight, its bake and the most it may hold past it, in seconds."""

    weight: float
    bake_s: int
    hold_s: int


def _guarded_change(step: int, lambda_alias: dict, routing: dict, version: tuple[str, str], next_state: str) -> dict:
    """Read the alias, compare its revision with the expected one, then change it with that revision.

    ``version``: the primary version's parameter, ``("FunctionVersion", "4")`` or a path to it."""
    check, unchanged, change = (step_state(step, CHECK_ALIAS), step_state(step, UNCHANGED),
                                step_state(step, SET_WEIGHT) if step else PROMOTE)
    update = {**lambda_alias, version[0]: version[1], "RoutingConfig": _routing(routing),
              "RevisionId.$": "$.expect.revision"}
    interfered = [{"ErrorEquals": ["Lambda.PreconditionFailedException"], "ResultPath": "$.error", "Next": INTERFERED}]
    return {
        check: task("lambda:getAlias", lambda_alias, {"revision.$": "$.RevisionId"}, "$.live",
                    next_state=unchanged, catch_to=TASK_FAILED, retry=RETRY_READ),
        unchanged: {"Type": "Choice", "Choices": [
            {"Variable": "$.live.revision", "StringEqualsPath": "$.expect.revision", "Next": change}],
            "Default": INTERFERED},
        change: task("lambda:updateAlias", update, {"revision.$": "$.RevisionId"}, "$.expect",
                     next_state=next_state, catch_to=TASK_FAILED, retry=_RETRY_CHANGE, catch=interfered),
    }


def _routing(weights: dict) -> dict:
    """The alias's routing configuration; with no weights, the empty configuration that clears
    them, exactly as Terraform's provider sends it, so the next plan sees no difference
    (docs/aws-rules.md#r6-clearing-weights)."""
    return {"AdditionalVersionWeights": weights} if weights else {}


def _checks(name: Callable[[str], str], target: Green, alarm_names: list[str], rollout: Rollout, bake: _Bake,
            *, longest_step_s: int, baked: dict, promote: str | None) -> dict:
    """One bake's loop: wait, read both windows and the alarms, judge, read the control, count,
    bake on or leave. ``name(what)`` names its states; ``bake.fired``: where each failed gate
    goes; ``baked``: the Choice that ends the loop; ``promote``: where ``--promote-now`` goes
    (None: it does nothing here)."""
    period, fired = gates.window_period, bake.fired
    control = controls.check_states(name, control_parameter_name(target.function_name), counted=name(COUNT),
                                    wait=name(WAIT), promote=promote, roll_back=bake.roll_back,
                                    call_failed=fired["call"], pause_checks=rollout.pause_checks,
                                    pause_s=rollout.pause_s, where=bake.where)
    return {**control,
        # The whole rollout's window is read first, the step's last: a count that lands between the
        # two reads (CloudWatch's are minutes late) is then judged by the step's rate, the one the
        # Choice tests first, as it is when both reads see it.
        name(WAIT): {"Type": "Wait", "Seconds": rollout.check_every_s, "Next": name(READ_ROLLOUT)},
        name(READ_ROLLOUT): gates.read_metrics(target.dimensions, "$.checks.rollout_since", period(rollout.longest_s),
                                               rollout.min_invocations, gates.ROLLOUT_METRICS,
                                               next_state=name(READ_STEP), catch_to=fired["call"]),
        name(READ_STEP): gates.read_metrics(target.dimensions, "$.checks.since", period(longest_step_s),
                                            rollout.min_invocations, gates.STEP_METRICS,
                                            next_state=name(CHECK_ALARMS), catch_to=fired["call"]),
        name(CHECK_ALARMS): gates.describe_alarms(alarm_names, next_state=name(HEALTHY), catch_to=fired["call"]),
        name(HEALTHY): gates.healthy(rollout.max_error_rate, fired, name(controls.READ_CONTROL)),
        name(COUNT): gates.count(name(BAKED)),
        name(BAKED): baked,
    }


@dataclass(frozen=True)
class _Exits:
    """Where a step goes: ``passed``, the next change; ``weight_set``, once its weight is set;
    ``promote_now``, the promotion's first state (green sized first, with provisioned concurrency)."""

    passed: str
    weight_set: str
    promote_now: str


def _step(step: int, plan: _StepPlan, lambda_alias: dict, target: Green, alarm_names: list[str], rollout: Rollout,
          exits: _Exits) -> dict:
    """Step ``step``: set its weight, bake, then the next change, the promotion or a rollback."""
    def name(what: str) -> str:
        return step_state(step, what)
    states = _guarded_change(step, lambda_alias, {target.version: plan.weight}, ("FunctionVersion.$", "$.blue"),
                             exits.weight_set)
    states[name(START_BAKE)] = gates.start_bake(step == 1, name(WAIT))
    where = f"step {step}"
    bake = _Bake(name, where, ROLL_BACK)
    states.update(bake.failures(target.version, rollout.max_error_rate))
    every = rollout.check_every_s
    baked = gates.step_baked(plan.bake_s // every, plan.hold_s // every, rollout.min_invocations,
                             wait=name(WAIT), passed=exits.passed, too_little_traffic=name(SERVED_SOME))
    states.update(_checks(name, target, alarm_names, rollout, bake, longest_step_s=plan.bake_s + plan.hold_s,
                          baked=baked, promote=exits.promote_now))
    if rollout.min_invocations:
        states.update(_too_little_traffic(name, target.version, rollout.min_invocations,
                                          f"in {where}, holding it {plan.hold_s} s past its bake", INCONCLUSIVE))
    return states


def _too_little_traffic(name: Callable[[str], str], green: str, least: int, where: str, then: str) -> dict:
    """The reason states of a bake that ended, held, with fewer than ``least`` invocations."""
    required = f"Version {green} served {{}} of {least} invocations required {where}: not enough traffic to judge."
    return {name(SERVED_SOME): gates.served_some(name(TOO_LITTLE), name(NO_TRAFFIC)),
            name(TOO_LITTLE): _reason(required, gates.shown(gates.STEP_METRICS, gates.INVOCATIONS), then),
            name(NO_TRAFFIC): _reason(required, "0", then)}


@dataclass(frozen=True)
class _Bake:
    """One bake's failure states: ``name(what)`` names them, ``where`` goes into each reason,
    ``roll_back`` is where they lead."""

    name: Callable[[str], str]
    where: str
    roll_back: str

    @property
    def fired(self) -> dict[str, str]:
        """Where each failed gate goes (``gates.healthy``) and a failed call."""
        return {"metric": self.name(ALARM_FIRED), "composite": self.name(COMPOSITE_FIRED),
                "step": self.name(STEP_RATE_HIGH), "rollout": self.name(ROLLOUT_RATE_HIGH),
                "call": self.name(TASK_FAILED)}

    def failures(self, green: str, max_error_rate: float) -> dict:
        """The reason states: each writes why, then rolls back."""
        fired, where, then = self.fired, self.where, self.roll_back

        def over(window: str) -> str:  # States.Format's template: {} takes the rate, then the count
            return (f"The error rate of version {green} over {window} was {{}} with {{}} invocations, above "
                    f"max_error_rate {max_error_rate:g}.")
        step, whole = gates.STEP_METRICS, gates.ROLLOUT_METRICS
        return {
            fired["metric"]: _reason(f"Alarm {{}} is in ALARM ({where}).", "$.alarms.metric[0]", then),
            fired["composite"]: _reason(f"Alarm {{}} is in ALARM ({where}).", "$.alarms.composite[0]", then),
            fired["step"]: _reason(over(where), _values(step), then),
            fired["rollout"]: _reason(over(f"the whole rollout, checked in {where}"), _values(whole), then),
            # The whole error object: a Catch's output always has it, while a missing Cause would
            # be a runtime error that no Catch takes, with the alias still weighted.
            fired["call"]: _reason(f"A call failed ({where}): {{}}", "States.JsonToString($.error)", then),
        }


def _values(window: str) -> str:
    """A window's error rate and invocations, as ``States.Format`` arguments."""
    return f"{gates.shown(window, gates.ERROR_RATE)}, {gates.shown(window, gates.INVOCATIONS)}"


def _promote(lambda_alias: dict, green: str) -> dict:
    return _guarded_change(0, lambda_alias, {}, ("FunctionVersion", green), final_state(START_BAKE))


def _final_bake(target: Green, alarm_names: list[str], rollout: Rollout, passed: str) -> dict:
    """After green took 100%: the same gates for ``final_bake_s``, so that the last step's late
    errors are read before the rollout ends; a failure puts the old blue back. All at once, it is
    the only bake: its windows start with it, and it passes only once green served
    ``min_invocations`` in it, held up to ``max_hold_s`` (docs/aws-rules.md#r78-per-step-bakes).
    ``passed``: where a passed bake goes (``Promoted``, or releasing the old blue's warm capacity)."""
    bake = _Bake(final_state, "the final bake, after promotion", ROLL_BACK_PROMOTION)
    states = {final_state(START_BAKE): gates.start_bake(rollout.all_at_once, final_state(WAIT)),
              **bake.failures(target.version, rollout.max_error_rate)}
    if rollout.final_hold_s:
        baked = gates.step_baked(rollout.final_checks, rollout.final_hold_checks, rollout.min_invocations,
                                 wait=final_state(WAIT), passed=passed, too_little_traffic=final_state(SERVED_SOME))
        states.update(_too_little_traffic(final_state, target.version, rollout.min_invocations,
                                          f"in the final bake, holding it {rollout.final_hold_s} s past its end",
                                          ROLL_BACK_PROMOTION))
    else:
        baked = gates.final_baked(rollout.final_checks, wait=final_state(WAIT), passed=passed)
    states.update(_checks(final_state, target, alarm_names, rollout, bake,
                          longest_step_s=rollout.final_s + rollout.final_hold_s, baked=baked, promote=None))
    states[PROMOTED] = {"Type": "Succeed"}
    return states


def _smoke_test(function_name: str, green: str, event: Any, after: str) -> dict:
    invoke = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": function_name, "Qualifier": green,
                             "Payload": json.loads(json.dumps(event))},
              "ResultSelector": {"payload.$": "$.Payload"}, "ResultPath": "$.smoke", "Retry": _RETRY_INVOKE,
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": SMOKE_FAILED}],
              "Next": SMOKE_ANSWER}
    return {
        SMOKE_TEST: invoke,
        SMOKE_ANSWER: {"Type": "Choice", "Choices": [{"And": [
            {"Variable": "$.smoke.payload.statusCode", "IsPresent": True},
            {"Variable": "$.smoke.payload.statusCode", "IsNumeric": True},
            {"Variable": "$.smoke.payload.statusCode", "NumericGreaterThanEquals": 500}],
            "Next": SMOKE_ANSWERED_FAILURE}], "Default": after},
        SMOKE_FAILED: _reason(f"The smoke test of version {green} failed before any traffic: {{}}",
                              "States.JsonToString($.error)"),
        SMOKE_ANSWERED_FAILURE: _reason(f"The smoke test of version {green} answered with a failure before any "
                                        "traffic: {}", "States.JsonToString($.smoke.payload)"),
    }


def _reason(template: str, argument: str, then: str = ROLL_BACK) -> dict:
    """A Pass that writes ``$.reason.cause`` (what the rollback fails with), then rolls back."""
    return {"Type": "Pass", "Parameters": {"cause.$": f"States.Format('{template}', {argument})"},
            "ResultPath": "$.reason", "Next": then}


def _roll_back(lambda_alias: dict, then: str) -> dict:
    """Put the alias back on blue. No revision here: traffic back on blue must win over anything else."""
    rollback = {**lambda_alias, "FunctionVersion.$": "$.blue", "RoutingConfig": _routing({})}
    return {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:updateAlias",
            "Parameters": rollback, "ResultPath": None,
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": ROLLBACK_FAILED}],
            "Next": then}


def _endings(lambda_alias: dict, warmth: Warmth | None, *, inconclusive: bool) -> dict:
    """The rollbacks and the ends; ``inconclusive`` when a step can end so (only a step judges
    traffic that way): Step Functions refuses a state that no transition reaches."""
    cleaning: dict[str, Any] = {}

    def roll_back(rollback: str, then: str) -> dict:
        # With provisioned concurrency, the alias first, then green's and blue's warm capacity (``warm``).
        if warmth:
            then, states = warmth.clean_up(rollback, then)
            cleaning.update(states)
        return _roll_back(lambda_alias, then)
    endings = {
        TASK_FAILED: _reason("A call failed: {}", "States.JsonToString($.error)"),
        INTERFERED: {"Type": "Fail", "Error": INTERFERED_ERROR,
                     "Cause": "The alias changed during the rollout (its revision is not the one this rollout "
                              "set): it was left as it is."},
        ROLL_BACK: roll_back(ROLL_BACK, ROLLED_BACK),
        ROLLED_BACK: {"Type": "Fail", "Error": ROLLED_BACK_ERROR, "CausePath": "$.reason.cause"},
        **({INCONCLUSIVE: roll_back(INCONCLUSIVE, INCONCLUSIVE_END),
            INCONCLUSIVE_END: {"Type": "Fail", "Error": INCONCLUSIVE_ERROR, "CausePath": "$.reason.cause"}}
           if inconclusive else {}),
        ROLL_BACK_PROMOTION: roll_back(ROLL_BACK_PROMOTION, ROLLED_BACK_PROMOTION),
        ROLLED_BACK_PROMOTION: {"Type": "Fail", "Error": ROLLED_BACK_PROMOTION_ERROR, "CausePath": "$.reason.cause"},
        ROLLBACK_FAILED: {"Type": "Fail", "Error": ROLLBACK_FAILED_ERROR,
                          "Cause": "Putting the alias back on blue failed: read the execution's history."},
    }
    return {**endings, **cleaning}
