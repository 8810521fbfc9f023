"""The function's execution role and everything it may do, one named policy per reason.

Least privilege is the default (docs/aws-rules.md#r12-least-privilege): the role may write to its
own log group and nothing else. Each option adds exactly its own grant, under its own address, so
a plan names why a permission appears: ``write-xray-traces`` (tracing), ``stack-file-statements``
(``policy_statements``), ``send-dead-letters`` (``dead_letter_target``), ``decrypt-environment``
(``kms_key_arn``), ``manage-network-interfaces`` (``vpc``) and an attachment per managed policy
(docs/aws-rules.md#r34-function-permissions to #r37-environment-encryption).
"""

from __future__ import annotations

from cdktf import TerraformIterator, Token
from constructs import Construct

from ..bindings.provider import CloudwatchLogGroup, IamRole, IamRolePolicy, IamRolePolicyAttachment
from ..bindings.terraform_text import literal
from ..model import aws_limits as aws
from ..model import iam_policy, naming
from ..model.naming import ref
from ..model.rules_function_access import statements_policy
from ..model.stack import Deployment

LAMBDA_TRUST_POLICY = iam_policy.document(iam_policy.trust("lambda.amazonaws.com"))


def execution_role(scope: Construct, deployment: Deployment, name_prefix: str) -> list[Construct]:
    """The role, its log group and grants; returns what the function must be created after.

    Lambda checks some grants when the function is created or updated (a dead-letter target it
    cannot send to, a VPC without the network-interface actions), so the function waits for all
    of them.
    """
    at, function = naming.Addresses(deployment), deployment.function
    role = IamRole(scope, "role", name=naming.role_name(name_prefix, deployment),
                   assume_role_policy=LAMBDA_TRUST_POLICY,
                   permissions_boundary=literal(function.permissions_boundary)
                   if function.permissions_boundary else None)
    role.override_logical_id(naming.logical_id(at.role))
    logs = CloudwatchLogGroup(scope, "logs", name=naming.log_group_name(name_prefix, deployment),
                              retention_in_days=function.log_retention_days,
                              kms_key_id=literal(function.log_kms_key_arn) if function.log_kms_key_arn else None)
    logs.override_logical_id(naming.logical_id(at.log_group))
    grants: list[Construct] = [logs, _policy(scope, at, at.log_policy, "write-own-logs",
                                             iam_policy.allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                                                              f"{ref(at.log_group, 'arn')}:*"))]
    if function.tracing:
        # These two actions take no resource-level permissions, so "*" (#r32-function-options).
        grants.append(_policy(scope, at, at.tracing_policy, "write-xray-traces", iam_policy.allow(
            ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*")))
    if function.policy_statements:
        # User text (ARNs, condition values): written literally, never evaluated (#r24-terraform-json-templates).
        grants.append(_policy(scope, at, at.statements_policy, "stack-file-statements",
                              statements_policy(function.policy_statements), user_text=True))
    if function.dead_letter_target:
        service = function.dead_letter_target.split(":")[2]
        grants.append(_policy(scope, at, at.dead_letter_policy, "send-dead-letters", iam_policy.allow(
            [aws.DEAD_LETTER_ACTIONS[service]], function.dead_letter_target), user_text=True))
    if function.vpc:
        # The EC2 actions of AWS's policy for VPC functions, without its log writes on every log
        # group; DescribeNetworkInterfaces works only on "*"
        # (docs/aws-rules.md#r55-vpc-network-interface-permissions).
        grants.append(_policy(scope, at, at.vpc_access, "manage-network-interfaces", iam_policy.allow(
            aws.VPC_NETWORK_ACTIONS, "*")))
    if function.kms_key_arn:
        grants.append(_policy(scope, at, at.environment_key_policy, "decrypt-environment", iam_policy.allow(
            ["kms:Decrypt"], function.kms_key_arn), user_text=True))
    grants += _attachments(scope, deployment, at)
    return grants


def _attachments(scope: Construct, deployment: Deployment, at: naming.Addresses) -> list[Construct]:
    function, attachments = deployment.function, []
    if function.managed_policy_arns:
        # One attachment per ARN, keyed by it: a plan names the policy that comes or goes, and
        # removing one never touches the others.
        arns = TerraformIterator.from_list([literal(arn) for arn in function.managed_policy_arns])
        managed = IamRolePolicyAttachment(scope, "managed_policies", for_each=arns, role=ref(at.role, "name"),
                                          policy_arn=Token.as_string(arns.value))
        managed.override_logical_id(naming.logical_id(at.managed_policies))
        attachments.append(managed)
    return attachments


def _policy(scope: Construct, at: naming.Addresses, address: str, name: str, document: dict,
            user_text: bool = False) -> IamRolePolicy:
    text = iam_policy.document(document)
    policy = IamRolePolicy(scope, naming.logical_id(address), name=name, role=ref(at.role, "id"),
                           policy=literal(text) if user_text else text)
    policy.override_logical_id(naming.logical_id(address))
    return policy
