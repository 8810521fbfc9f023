"""A deployment's rollout as Terraform: alarms on the newest version, a role, a state machine.

The alarms watch the version being rolled out, the function's newest published version, through
the alias (the ``ExecutedVersion`` dimension), so a new version moves them in place and a
failing blue never stops green's rollout (docs/aws-rules.md#r48-alarms-scoped-to-a-version). The
alarm relative to blue reads blue as the alias minus green, so no alarm names blue's version:
promoting green leaves every rollout resource as it is, and the next plan stays empty. The
state machine (``rollout.machine``) has the newest version written into its definition;
its role may read and update this alias, read these alarms and metrics and, for the smoke test,
invoke the newest version, and with provisioned concurrency size the versions' configs, nothing
else (docs/aws-rules.md#r49-least-privilege-rollout-role).
"""

from __future__ import annotations

import json
import uuid

from constructs import Construct

from ...bindings import caller
from ...bindings.provider import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
    IamRole,
    IamRolePolicy,
    SfnStateMachine,
)
from ...bindings.terraform_text import literal
from ...model import iam_policy, naming
from ...model.naming import ref, version_locals
from ...model.stack import Deployment
from . import addresses as rollout_names
from .addresses import ABOVE_BLUE, ERROR_RATE, P99, RolloutAddresses
from .declaration import ALARM_PERIOD_S, Rollout
from .machine import definition
from .synthesis_notify import notifications

# Stands for the newest version until the definition is text; random, so that no user text (an
# alarm name, the smoke event) can hold it. The output has the reference instead: deterministic.
_GREEN = f"@@green-{uuid.uuid4().hex}@@"


def rollout(scope: Construct, deployment: Deployment, name_prefix: str) -> None:
    """The rollout's alarms, role and state machine (only for a deployment with a rollout)."""
    plan = deployment.rollout
    assert plan is not None, "only a deployment with a rollout gets one"
    rollout_at = RolloutAddresses(deployment)
    function_name = naming.function_name(name_prefix, deployment)
    newest = f"${{{version_locals(deployment)[0]}}}"  # the newest version: the one rolled out
    dimensions = {"FunctionName": function_name,
                  "Resource": rollout_names.alias_resource(function_name, deployment.alias)}
    for kind in rollout_names.alarm_kinds(plan):
        alarm = CloudwatchMetricAlarm(
            scope, f"rollout_{kind}", alarm_name=rollout_names.alarm_name(function_name, deployment.alias, kind),
            alarm_description=_DESCRIPTIONS[kind], comparison_operator="GreaterThanThreshold",
            evaluation_periods=1, datapoints_to_alarm=1, threshold=_threshold(plan, kind),
            # No invocations is no evidence against green: only failures fire the alarm.
            treat_missing_data="notBreaching", **_metric(kind, dimensions, newest))
        alarm.override_logical_id(naming.logical_id(rollout_at.alarm(kind)))
    role = IamRole(scope, "rollout_role", name=rollout_names.role_name(function_name),
                   assume_role_policy=_trust_policy(scope, function_name))
    role.override_logical_id(naming.logical_id(rollout_at.role))
    policy = IamRolePolicy(scope, "rollout_policy", name=rollout_names.POLICY_NAME, role=ref(rollout_at.role, "id"),
                           policy=_role_policy(scope, deployment, function_name, newest))
    policy.override_logical_id(naming.logical_id(rollout_at.policy))
    alarm_names = rollout_names.gating_alarm_names(function_name, deployment)
    # User text (alarm names, the smoke event) is made literal first; then the newest version goes in.
    text = literal(json.dumps(definition(function_name, deployment.alias, _GREEN, alarm_names, plan,
                                         deployment.provisioned_concurrency)))
    machine = SfnStateMachine(scope, "rollout_machine", name=rollout_names.state_machine_name(function_name),
                              type="STANDARD", role_arn=ref(rollout_at.role, "arn"),
                              definition=text.replace(_GREEN, newest),
                              # The role may do nothing until its policy exists: a first execution
                              # started right after the apply would fail on its first call.
                              depends_on=[policy])
    machine.override_logical_id(naming.logical_id(rollout_at.state_machine))
    if plan.notify_topic_arn is not None:
        notifications(scope, deployment, name_prefix)


PROVISIONED_CONCURRENCY_ACTIONS = ("lambda:PutProvisionedConcurrencyConfig", "lambda:GetProvisionedConcurrencyConfig",
                                   "lambda:DeleteProvisionedConcurrencyConfig")

_DESCRIPTIONS = {
    ERROR_RATE: "Rollout gate: the newest version's errors / invocations through the alias, per minute.",
    P99: "Rollout gate: the newest version's p99 duration through the alias, in milliseconds, per minute.",
    ABOVE_BLUE: "Rollout gate: the newest version's error rate minus the rest of the alias's (blue), per minute.",
}


def _threshold(plan: Rollout, kind: str) -> float:
    values = {ERROR_RATE: plan.max_error_rate, P99: plan.max_p99_ms, ABOVE_BLUE: plan.max_error_rate_above_blue}
    value = values[kind]
    assert value is not None, f"alarm {kind} exists only when its field is set"
    return value


def _query(query_id: str, metric: str, dimensions: dict) -> CloudwatchMetricAlarmMetricQuery:
    metric_of = CloudwatchMetricAlarmMetricQueryMetric(namespace="AWS/Lambda", metric_name=metric,
                                                       period=ALARM_PERIOD_S, stat="Sum", dimensions=dimensions)
    return CloudwatchMetricAlarmMetricQuery(id=query_id, return_data=False, metric=metric_of)


def _metric(kind: str, alias: dict, newest: str) -> dict:
    """The alarm's metric: a plain statistic for p99, metric math for the error rates."""
    green = {**alias, "ExecutedVersion": newest}
    if kind == P99:
        return {"namespace": "AWS/Lambda", "metric_name": "Duration", "period": ALARM_PERIOD_S,
                "extended_statistic": "p99", "dimensions": green}
    green_rate = "IF(invocations > 0, errors / invocations, 0)"
    queries = [_query("errors", "Errors", green), _query("invocations", "Invocations", green)]
    if kind == ERROR_RATE:
        expression = green_rate
    else:
        queries += [_query("alias_errors", "Errors", alias), _query("alias_invocations", "Invocations", alias)]
        blue_rate = ("IF(alias_invocations - invocations > 0, (alias_errors - errors) / "
                     "(alias_invocations - invocations), 0)")
        expression = f"{green_rate} - {blue_rate}"
    queries.append(CloudwatchMetricAlarmMetricQuery(id=kind, expression=expression, label=_DESCRIPTIONS[kind],
                                                    return_data=True))
    return {"metric_query": queries}


def _trust_policy(scope: Construct, function_name: str) -> str:
    """Step Functions may assume the role only for this account's own state machine
    (docs/aws-rules.md#r53-service-roles-trust-only-their-own-resource). Its ARN is built from its
    name, where the stack is applied and the account: a reference to the state machine would be
    a cycle, since the machine names the role."""
    account = caller.account_id(scope)
    machine_arn = (f"arn:{caller.partition(scope)}:states:{caller.region(scope)}:{account}:stateMachine:"
                   f"{rollout_names.state_machine_name(function_name)}")
    return iam_policy.document(iam_policy.trust("states.amazonaws.com", source_account=account,
                                                source_arn=machine_arn))


def _role_policy(scope: Construct, deployment: Deployment, function_name: str, newest: str) -> str:
    """What the state machine may do (docs/aws-rules.md#r49-least-privilege-rollout-role)."""
    plan, at = deployment.rollout, naming.Addresses(deployment)
    assert plan is not None
    function_arn = ref(at.function, "arn")
    # Lambda checks GetAlias and UpdateAlias against the function's ARN, which no narrower
    # resource can stand for; the alias's own ARN is listed too, for the qualified form.
    alias_actions = {"Effect": "Allow", "Action": ["lambda:GetAlias", "lambda:UpdateAlias"],
                     "Resource": [function_arn, ref(at.alias, "arn")]}
    # DescribeAlarms leaves composite alarms out unless it may read every alarm: a gate alarm may
    # be composite, so with gate alarms the grant is "*", and otherwise only the rollout's own.
    own = [ref(RolloutAddresses(deployment).alarm(kind), "arn") for kind in rollout_names.alarm_kinds(plan)]
    alarms = {"Effect": "Allow", "Action": ["cloudwatch:DescribeAlarms"],
              "Resource": "*" if plan.gate_alarms else own}
    # GetMetricData takes no resource: the gates' reads of green's invocations and error rate.
    metrics = {"Effect": "Allow", "Action": ["cloudwatch:GetMetricData"], "Resource": "*"}
    # The controls' parameter, read at each check: this one parameter only
    # (docs/aws-rules.md#r84-controls-through-an-ssm-parameter).
    control = {"Effect": "Allow", "Action": ["ssm:GetParameter"],
               "Resource": rollout_names.control_parameter_arn(caller.partition(scope), caller.region(scope),
                                                               caller.account_id(scope), function_name)}
    statements = [alias_actions, alarms, metrics, control]
    if plan.smoke_event is not None:
        statements.append({"Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                           "Resource": f"{function_arn}:{newest}"})
    if deployment.provisioned_concurrency:
        # Green's and blue's configs on their versions: the function's qualified ARNs, and the
        # unqualified one for the unqualified form (docs/aws-rules.md#r83-provisioned-concurrency-during-a-rollout).
        statements.append({"Effect": "Allow", "Action": list(PROVISIONED_CONCURRENCY_ACTIONS),
                           "Resource": [function_arn, f"{function_arn}:*"]})
    return iam_policy.document(iam_policy.policy(statements))
