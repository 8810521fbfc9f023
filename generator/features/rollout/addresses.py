"""The names a rollout adds: its Terraform addresses and AWS names, each spelled once.

``naming.Addresses.all`` lists the addresses with the deployment's others (for the clash check
and the goldens' registry test). AWS names derive from the function's name
(``naming.function_name``), which callers pass in: this module imports nothing from ``naming``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model.stack import Deployment
from .declaration import Rollout

# The alarms a rollout may have, by kind: the error rate always, the others when their field is set.
ERROR_RATE, P99, ABOVE_BLUE = "error_rate", "p99", "above_blue"
_ALARM_SUFFIX = {ERROR_RATE: "green-error-rate", P99: "green-p99-duration", ABOVE_BLUE: "green-errors-above-blue"}
STATE_MACHINE_OUTPUT = "rollout_state_machine_arn"  # the output's ``what`` (``naming.output_name``)


def alarm_kinds(rollout: Rollout) -> list[str]:
    """The rollout's own alarms, in the order they are written and read."""
    return [kind for kind, on in ((ERROR_RATE, True), (P99, rollout.max_p99_ms is not None),
                                  (ABOVE_BLUE, rollout.max_error_rate_above_blue is not None)) if on]


def alarm_name(function_name: str, alias: str, kind: str) -> str:
    """A rollout alarm's name in CloudWatch, e.g. ``shop-orders-live-green-error-rate``."""
    return f"{function_name}-{alias}-{_ALARM_SUFFIX[kind]}"


def gating_alarm_names(function_name: str, deployment: Deployment) -> list[str]:
    """Every alarm that stops the rollout: its own, then ``gate_alarms``."""
    rollout = deployment.rollout
    assert rollout is not None, "only a deployment with a rollout has gating alarms"
    return [alarm_name(function_name, deployment.alias, kind) for kind in alarm_kinds(rollout)] + \
        list(rollout.gate_alarms)


POLICY_NAME = "run-rollout"  # the role's one inline policy


def alias_resource(function_name: str, alias: str) -> str:
    """The ``Resource`` dimension of Lambda's metrics for invocations through the alias."""
    return f"{function_name}:{alias}"


def execution_name(deployment: Deployment, green: str, attempt: int) -> str:
    """``svc-v4``, then ``svc-v4-2``...: the deployment and the version it rolls out, so a retried
    job finds the execution; no ``:`` or ``/``, which execution names may not hold."""
    base = f"{deployment.name}-v{green}"
    return base if attempt == 1 else f"{base}-{attempt}"


def role_name(function_name: str) -> str:
    """The state machine's role, e.g. ``shop-orders-rollout`` (64 characters at most: validated)."""
    return f"{function_name}-rollout"


def state_machine_name(function_name: str) -> str:
    """The state machine, e.g. ``shop-orders-rollout``: one per function, as there is one alias."""
    return f"{function_name}-rollout"


def control_parameter_name(function_name: str) -> str:
    """The SSM parameter that carries a control to the running execution, e.g.
    ``/bluegreen/rollout/shop-orders-rollout``: named from the state machine, never managed by
    Terraform (docs/aws-rules.md#r84-controls-through-an-ssm-parameter)."""
    return f"/bluegreen/rollout/{state_machine_name(function_name)}"


def control_parameter_arn(partition: str, region: str, account: str, function_name: str) -> str:
    """The parameter's ARN: a name that starts with ``/`` follows ``parameter`` directly."""
    return f"arn:{partition}:ssm:{region}:{account}:parameter{control_parameter_name(function_name)}"


# By deployment name too: the plan summary reads a plan with no stack file.
ALARM_KINDS = (ERROR_RATE, P99, ABOVE_BLUE)


def alarm_address(name: str, kind: str) -> str:
    return f"aws_cloudwatch_metric_alarm.{name}_{kind}"


def state_machine_address(name: str) -> str:
    return f"aws_sfn_state_machine.{name}_rollout"


def notify_rule_address(name: str) -> str:
    return f"aws_cloudwatch_event_rule.{name}_rollout"


def notify_target_address(name: str) -> str:
    return f"aws_cloudwatch_event_target.{name}_rollout"


def notify_rule_name(function_name: str) -> str:
    """The EventBridge rule of ``notify_topic_arn``, e.g. ``shop-orders-rollout``: the state
    machine's name (rules have a namespace of their own), so the role's length check covers it."""
    return f"{function_name}-rollout"


NOTIFY_TARGET_ID = "notify-topic"  # the rule's one target


@dataclass(frozen=True)
class RolloutAddresses:
    """The Terraform addresses of one deployment's rollout."""

    deployment: Deployment

    def alarm(self, kind: str) -> str:
        return alarm_address(self.deployment.name, kind)

    @property
    def role(self) -> str:
        return f"aws_iam_role.{self.deployment.name}_rollout"

    @property
    def policy(self) -> str:
        return f"aws_iam_role_policy.{self.deployment.name}_rollout"

    @property
    def state_machine(self) -> str:
        return state_machine_address(self.deployment.name)

    @property
    def notify_rule(self) -> str:
        return notify_rule_address(self.deployment.name)

    @property
    def notify_target(self) -> str:
        return notify_target_address(self.deployment.name)

    def all(self) -> list[str]:
        """Every resource address of the rollout; none without one."""
        rollout = self.deployment.rollout
        if not isinstance(rollout, Rollout):
            return []
        notify = [self.notify_rule, self.notify_target] if rollout.notify_topic_arn is not None else []
        return [*(self.alarm(kind) for kind in alarm_kinds(rollout)), self.role, self.policy, self.state_machine,
                *notify]
