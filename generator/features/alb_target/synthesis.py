"""The ALB target's resources (cdktf): a Lambda target group, the alias registered as its target,
Elastic Load Balancing's grant to invoke the alias, and the rule that forwards to it from the
user's listener. Imported only by ``FEATURE.synthesize``: it loads the provider's bindings.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from constructs import Construct

from ...bindings.provider import (
    LambdaPermission,
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionHostHeader,
    LbListenerRuleConditionPathPattern,
    LbTargetGroup,
    LbTargetGroupAttachment,
)
from ...bindings.terraform_text import literal
from ...model.naming import logical_id, ref
from ...model.stack import Deployment
from .addresses import AlbTargetAddresses, target_group_name
from .declaration import AlbTarget


def alb_target(scope: Construct, deployment: Deployment, target: AlbTarget, name_prefix: str) -> None:
    """Add the door's four resources to ``scope`` (the deployment's construct)."""
    at, name = AlbTargetAddresses(deployment), target_group_name(name_prefix, deployment)
    # A target group's name is unique in the account and region and forces a new group when it
    # changes; a listener rule still forwarding to the old group makes AWS refuse to delete it
    # (ResourceInUse). Created before the old one goes, the new group takes the rule first
    # (docs/aws-rules.md#r68-lambda-targets-of-an-application-load-balancer). Health checks stay
    # off, Lambda targets' default: each would be an invocation of the alias.
    group = LbTargetGroup(
        scope, "alb_target_group", name=name, target_type="lambda",
        lambda_multi_value_headers_enabled=target.multi_value_headers,
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
    group.override_logical_id(logical_id(at.target_group))
    # The grant names the alias (a grant on the bare function does not cover it) and this target
    # group alone; AWS checks it when the alias is registered, so it comes first.
    permission = LambdaPermission(
        scope, "alb_permission", statement_id_prefix=f"elasticloadbalancing-{name}-",
        action="lambda:InvokeFunction", principal="elasticloadbalancing.amazonaws.com",
        function_name=ref(at.alias, "function_name"), qualifier=ref(at.alias, "name"),
        source_arn=ref(at.target_group, "arn"),
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
    permission.override_logical_id(logical_id(at.permission))
    # The alias's ARN, never the function's: the load balancer then invokes what the alias routes
    # to, blue and green by their weights.
    attachment = LbTargetGroupAttachment(
        scope, "alb_attachment", target_group_arn=ref(at.target_group, "arn"), target_id=ref(at.alias, "arn"),
        depends_on=[permission], lifecycle=TerraformResourceLifecycle(create_before_destroy=True))
    attachment.override_logical_id(logical_id(at.attachment))
    # The rule forwards only once the group has its target (a group without one answers 503)
    # (docs/aws-rules.md#r69-listener-rules-for-a-lambda-target).
    rule = LbListenerRule(
        scope, "alb_listener_rule", listener_arn=literal(target.listener_arn), priority=target.priority,
        action=[LbListenerRuleAction(type="forward", target_group_arn=ref(at.target_group, "arn"))],
        condition=_conditions(target), depends_on=[attachment])
    rule.override_logical_id(logical_id(at.listener_rule))


def _conditions(target: AlbTarget) -> list[LbListenerRuleCondition]:
    # One condition per kind, its values ORed; a request must match both kinds when both are given.
    conditions = []
    if target.path_patterns:
        conditions.append(LbListenerRuleCondition(
            path_pattern=LbListenerRuleConditionPathPattern(values=[literal(p) for p in target.path_patterns])))
    if target.host_headers:
        conditions.append(LbListenerRuleCondition(
            host_header=LbListenerRuleConditionHostHeader(values=[literal(h) for h in target.host_headers])))
    return conditions
