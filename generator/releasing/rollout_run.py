"""``bluegreen rollout``: start a deployment's rollout, pick it back up, abort it, write its outcome.

The rollout itself runs in AWS Step Functions (``rollout.machine``), so it carries on if
this process dies (docs/aws-rules.md#r47-rollouts-run-by-step-functions). This module:

- checks the preconditions before starting (blue pinned, the committed weight 0, the applied
  alias on blue, a newest version other than blue) and names the first that fails;
- names executions after the deployment and the green version (``svc-v4``; ``svc-v4-2`` for a
  second attempt with ``--retry``), so running the command again, or in a retried CI job,
  finds the execution instead of starting another;
- when the execution has ended, writes the outcome to the traffic file and the record file
  (``rollout.record``) so that Git says what AWS serves and the next plan is empty
  (docs/aws-rules.md#r50-git-kept-equal-to-aws-after-a-rollout): promoted is blue := green,
  weight 0; anything else is what the alias serves, read back from Lambda, after putting an
  aborted rollout's alias back on blue.

Following an execution is ``rollout_watch``; this module never prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..core.errors import ExternalToolFailed, InvalidInput, Problem
from ..core.messages import releasing as releasing_msg
from ..features.rollout import machine as rollout_machine
from ..features.rollout import messages as msg
from ..features.rollout.addresses import STATE_MACHINE_OUTPUT, RolloutAddresses, execution_name
from ..features.rollout.applied_plan import Plan, read_plan
from ..features.rollout.record import (
    ABORTED,
    FAILED,
    INCONCLUSIVE,
    INTERFERED,
    NOT_STARTED,
    PROMOTED,
    ROLLED_BACK,
    ROLLED_BACK_AFTER_PROMOTION,
    Outcome,
    read_records,
    record_path,
    write_record,
)
from ..model import naming
from ..model.traffic import Traffic
from ..model.traffic_file import read_traffic, traffic_lock
from ..terraform.state import AppliedState
from .applied import applied
from .aws import Access, AwsCallFailed, answer
from .operations import Target, set_traffic

RUNNING, SUCCEEDED = "RUNNING", "SUCCEEDED"  # execution statuses
STOPPED = ("ABORTED", "TIMED_OUT")  # ended without reaching a Fail state: the alias is where it was
MISSING, ALARM = "missing", "ALARM"  # an alarm's "state" when CloudWatch has none of that name; firing
_RESULTS = {rollout_machine.ROLLED_BACK_ERROR: ROLLED_BACK, rollout_machine.NOT_STARTED_ERROR: NOT_STARTED,
            rollout_machine.INTERFERED_ERROR: INTERFERED, rollout_machine.INCONCLUSIVE_ERROR: INCONCLUSIVE,
            rollout_machine.ROLLED_BACK_PROMOTION_ERROR: ROLLED_BACK_AFTER_PROMOTION}


@dataclass(frozen=True)
class AppliedRollout:
    """One deployment's rollout as applied: where its state machine is and what it rolls out."""

    target: Target
    function_name: str
    machine_arn: str
    green: str                   # the newest applied version: what the state machine rolls out
    committed: Traffic           # the traffic file's entry
    serving: Traffic             # what the alias serves, as the applied state says
    plan: Plan                   # the steps, bake and alarms of the applied state machine

    @property
    def alarm_names(self) -> tuple[str, ...]:
        return self.plan.alarm_names

    @property
    def name(self) -> str:
        return f"{self.target.stack.name}/{self.target.deployment.name}"

    def execution_name(self, attempt: int) -> str:
        return execution_name(self.target.deployment, self.green, attempt)

    def execution_arn(self, name: str) -> str:
        # arn:<partition>:states:<region>:<account>:stateMachine:<machine> -> ...:execution:<machine>:<name>
        return f"{self.machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"


def applied_rollout(target: Target, state: AppliedState | None = None, *, applied_only: bool = False) -> AppliedRollout:
    """The deployment's applied rollout; ``InvalidInput`` (exit 2) when it has none applied.

    ``state``: the stack's applied state, when the caller has read it already. ``applied_only``:
    a rollout the state has counts even when the stack file no longer declares it (``guard``,
    ``status``, ``rollout --attach`` and ``--abort``: the next apply would destroy its state
    machine while it runs). Its steps and alarms are the applied state machine's, read from its
    definition in the state, whatever the stack file says now.
    """
    deployment = target.deployment
    if deployment.rollout is None and not applied_only:
        raise InvalidInput(Problem(target.where, msg.deployment_has_no_rollout(deployment.name)))
    state = state if state is not None else target.read_state()
    resource = state.resources.get(RolloutAddresses(deployment).state_machine) or {}
    # A caller's state has no outputs of its child module: the state machine's own ARN stands in
    # (docs/aws-rules.md#r82-a-callers-state-holds-its-modules-resources).
    live, machine = applied(deployment, state), state.outputs.get(naming.output_name(deployment, STATE_MACHINE_OUTPUT),
                                                                  resource.get("arn") if state.module else None)
    plan = read_plan(resource.get("definition"))
    if live is None or not isinstance(machine, str) or live.newest_version is None or plan is None:
        raise InvalidInput(Problem(target.where, msg.rollout_must_be_applied(target.state_at)))
    function_name = naming.function_name(target.stack.name, deployment)
    committed = read_traffic(target.traffic_file, target.stack)[deployment.name]
    return AppliedRollout(target, function_name, machine, live.newest_version, committed, live.traffic, plan)


def check_can_start(rollout: AppliedRollout, alarm_states: dict[str, str]) -> None:
    """The preconditions of a new execution, each failing with its reason (exit 2).

    ``alarm_states``: each gating alarm's state (``Executions.alarm_states``); one that does not
    exist could never stop the rollout, so it is refused rather than silently not watched.
    """
    target, committed = rollout.target, rollout.committed
    if committed.blue_version is None:
        raise InvalidInput(Problem(target.where, releasing_msg.BLUE_MUST_BE_PINNED))
    if committed.green_weight != 0:
        raise InvalidInput(Problem(target.where, msg.committed_weight_must_be_zero(committed.describe())))
    if rollout.green == committed.blue_version:
        raise InvalidInput(Problem(target.where, msg.nothing_to_roll_out(rollout.green)))
    # A green pinned at weight 0 still leaves blue serving alone.
    if (rollout.serving.blue_version, rollout.serving.green_weight) != (committed.blue_version, 0):
        raise InvalidInput(Problem(target.where, msg.alias_must_serve_blue(committed.blue_version,
                                                                            rollout.serving.describe())))
    # With provisioned concurrency, Terraform warms green and holds its config before the rollout,
    # so that the plan after a promotion is empty (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).
    if target.deployment.provisioned_concurrency and \
            not committed.green_version == rollout.serving.green_version == rollout.green:
        raise InvalidInput(Problem(target.where, msg.green_must_be_pinned_warm(rollout.green, committed.describe())))
    missing = [name for name, state in alarm_states.items() if state == MISSING]
    if missing:
        raise InvalidInput(Problem(target.where, msg.gate_alarms_must_exist(missing)))
    firing = [name for name, state in alarm_states.items() if state == ALARM]
    if firing:  # green would take traffic for one check, then certainly roll back
        raise InvalidInput(Problem(target.where, msg.alarms_must_not_be_firing(firing)))


class Executions:
    """The rollout's executions in Step Functions, and its alias in Lambda, through boto3."""

    def __init__(self, rollout: AppliedRollout, access: Access):
        self.rollout = rollout
        self.access = access
        self.sfn = self.client("stepfunctions")
        self.lam = self.client("lambda")
        self.cloudwatch = self.client("cloudwatch")

    def client(self, service: str) -> Any:
        """A boto3 client for ``service``; its set-up failing is this rollout's call failure (the
        controls' SSM and STS clients, ``rollout_control``, are made only when a control is given)."""
        return self.access.client(service, lambda error: msg.aws_call_failed("client set-up", self.rollout.name,
                                                                              error))

    def current(self) -> tuple[int, dict] | None:
        """The latest attempt for the green version and its description; None before the first."""
        found, attempt = None, 1
        while True:
            try:
                arn = self.rollout.execution_arn(self.rollout.execution_name(attempt))
                described = self.call("DescribeExecution", partial(self.sfn.describe_execution, executionArn=arn),
                                      quiet=("ExecutionDoesNotExist",))
            except Missing:
                return found
            found, attempt = (attempt, described), attempt + 1

    def start(self, attempt: int) -> str:
        """Start attempt ``attempt``; its ARN. An execution of that name that exists already is
        returned instead (StartExecution is idempotent for a running one; an ended one is picked up)."""
        name = self.rollout.execution_name(attempt)
        try:
            self.call("StartExecution", lambda: self.sfn.start_execution(
                stateMachineArn=self.rollout.machine_arn, name=name, input="{}"), quiet=("ExecutionAlreadyExists",))
        except Missing:
            pass  # started meanwhile by another run: follow that one
        return self.rollout.execution_arn(name)

    def describe(self, arn: str) -> dict:
        return self.call("DescribeExecution", lambda: self.sfn.describe_execution(executionArn=arn))

    def history(self, arn: str, after_id: int) -> list[dict]:
        """The events after ``after_id``, oldest first (read newest first, stopping at the known ones)."""
        events: list[dict] = []
        token: str | None = None
        while True:
            paging = {"nextToken": token} if token else {}
            page = self.call("GetExecutionHistory", partial(self.sfn.get_execution_history, executionArn=arn,
                                                            reverseOrder=True, maxResults=200, **paging))
            new = [e for e in page.get("events", []) if int(e.get("id", 0)) > after_id]
            events += new
            token = page.get("nextToken")
            if not token or len(new) < len(page.get("events", [])):
                return sorted(events, key=lambda e: int(e.get("id", 0)))

    def alarm_states(self) -> dict[str, str]:
        """Each gating alarm's state (``OK``, ``ALARM``, ``INSUFFICIENT_DATA``; ``missing`` if absent)."""
        names = list(self.rollout.alarm_names)
        if not names:
            return {}  # DescribeAlarms without names would list every alarm of the account
        answer = self.call("DescribeAlarms", lambda: self.cloudwatch.describe_alarms(
            AlarmNames=names, AlarmTypes=["MetricAlarm", "CompositeAlarm"]))
        found = {a["AlarmName"]: a["StateValue"] for key in ("MetricAlarms", "CompositeAlarms")
                 for a in answer.get(key, [])}
        return {name: found.get(name, MISSING) for name in names}

    def stop(self, arn: str, reason: str) -> None:
        self.call("StopExecution", lambda: self.sfn.stop_execution(executionArn=arn, error="Aborted",
                                                                   cause=reason))

    def serve_blue(self, blue: str) -> None:
        """Put the alias back on ``blue`` with an empty routing configuration, as the rollback does,
        and with provisioned concurrency, blue's warm capacity too."""
        deployment = self.rollout.target.deployment
        # The empty configuration, as Terraform's provider sends it (docs/aws-rules.md#r6-clearing-weights).
        self.call("UpdateAlias", lambda: self.lam.update_alias(
            FunctionName=self.rollout.function_name, Name=deployment.alias, FunctionVersion=blue, RoutingConfig={}))
        if deployment.provisioned_concurrency:
            self._restore_warm_capacity(blue, deployment.provisioned_concurrency)

    def _restore_warm_capacity(self, blue: str, n: int) -> None:
        """As the state machine's rollback does: green's config released, then blue's back to N
        (green first, within the reservation; docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout)."""
        function = self.rollout.function_name
        try:
            self.call("DeleteProvisionedConcurrencyConfig", lambda: self.lam.delete_provisioned_concurrency_config(
                FunctionName=function, Qualifier=self.rollout.green),
                quiet=("ProvisionedConcurrencyConfigNotFoundException",))
        except Missing:
            pass  # released already
        self.call("PutProvisionedConcurrencyConfig", lambda: self.lam.put_provisioned_concurrency_config(
            FunctionName=function, Qualifier=blue, ProvisionedConcurrentExecutions=n))

    def served(self) -> Traffic:
        """What the alias serves now, as traffic-file values."""
        alias = self.call("GetAlias", lambda: self.lam.get_alias(FunctionName=self.rollout.function_name,
                                                                 Name=self.rollout.target.deployment.alias))
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        if weights:
            (green, weight), = weights.items()
            return Traffic(str(alias["FunctionVersion"]), str(green), float(weight))
        return Traffic(str(alias["FunctionVersion"]), None, 0)

    def call(self, operation: str, call: Callable[[], Any], quiet: tuple[str, ...] = ()) -> Any:
        """``call()``'s answer; ``Missing`` for an expected error code in ``quiet``; any other failure
        is ``ExternalToolFailed`` naming ``operation`` and the rollout."""
        try:
            return answer(call)
        except AwsCallFailed as failed:
            if failed.code and failed.code in quiet:
                raise Missing() from None
            if failed.no_credentials:
                raise ExternalToolFailed(msg.aws_credentials_missing(self.rollout.name)) from None
            raise ExternalToolFailed(msg.aws_call_failed(operation, self.rollout.name, failed.detail)) from None


class Missing(Exception):
    """An expected AWS answer (no such execution yet; one of that name exists already; no control
    parameter yet)."""


def blue_of(events: list[dict]) -> str | None:
    """The blue version an execution started from (its ``Start`` state's output), if it got there."""
    for event in events:
        details = event.get("stateExitedEventDetails") or {}
        if details.get("name") == rollout_machine.START:
            try:
                blue = json.loads(details.get("output") or "{}").get("blue")
            except ValueError:
                return None
            return blue if isinstance(blue, str) else None
    return None


def settle(executions: Executions, name: str, description: dict, blue: str | None,
           stopped_because: str | None = None) -> Outcome:
    """Write the ended execution's outcome to the traffic file and the record file.

    ``stopped_because``: the reason this process stopped it with (``--abort``), which the
    execution's description may not carry.
    """
    rollout = executions.rollout
    status, error = description.get("status"), description.get("error")
    if status == SUCCEEDED:
        result, reason = PROMOTED, None
    else:
        if status in STOPPED and blue is not None:
            executions.serve_blue(blue)  # a stopped execution leaves the alias where it was
        result = ABORTED if status in STOPPED else _RESULTS.get(str(error), FAILED)
        reason = str(stopped_because or description.get("cause") or error or status)
    # Always what the alias serves, read back: green alone after a promotion, blue alone after a
    # rollback, and whatever someone else set if they moved it.
    traffic = executions.served()
    outcome = Outcome(execution=name, execution_arn=str(description.get("executionArn")), result=result,
                      reason=reason, blue_version=blue or rollout.committed.blue_version, green_version=rollout.green,
                      started=_time(description.get("startDate")), ended=_time(description.get("stopDate")))
    target = rollout.target
    set_traffic(target, traffic)
    # The record last: until it names this execution, guard says the outcome is not written and
    # a rerun settles it again.
    with traffic_lock(target.traffic_file):
        write_record(record_path(target.traffic_file, target.stack), target.stack, target.deployment.name, outcome)
    return outcome


def recorded(rollout: AppliedRollout, description: dict) -> Outcome | None:
    """The record file's outcome of the execution ``description`` describes, if written; None while
    it runs (a record naming a running execution is not the truth about it), and None for
    another execution of the same name: a stack destroyed and created again numbers its versions
    from 1 and names its state machine as before, so even the ARN comes back, and only the start
    time tells them apart (docs/aws-rules.md#r60-execution-names-come-back)."""
    if description.get("status") == RUNNING:
        return None
    target = rollout.target
    written = read_records(record_path(target.traffic_file, target.stack)).get(target.deployment.name)
    if written is None or written.started != _time(description.get("startDate")):
        return None
    # A record of an older release has no ARN: its name, with the start time, stands in.
    same = (written.execution_arn == str(description.get("executionArn")) if written.execution_arn is not None
            else written.execution == description.get("name"))
    return written if same else None


def _time(value: Any) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value or "")
