"""The account's CloudWatch role for API Gateway: one setting per account and region.

A stage writes access logs only once the account's API Gateway settings name a role that API
Gateway can assume to write to CloudWatch Logs
(docs/aws-rules.md#r42-access-logs-and-the-account-cloudwatch-role). That setting belongs to
one owner per account and region, ``bluegreen bootstrap`` (``synthesis.bootstrap``,
docs/aws-rules.md#r51-the-account-bootstrap), so by default a stack leaves it alone. Every API
of a stack that logs makes the same ``AccessLogs.cloudwatch_role`` choice (validation checks it
for stack files; ``account_setting`` checks it again for library users, who add deployments to
a stack themselves), and the first one creates what the choice needs, at the stack's level:

- ``"existing"`` (the default): nothing; the account is set up already (by the bootstrap);
- ``"create"``: an IAM role that API Gateway may assume, holding the permissions of AWS's
  managed policy ``AmazonAPIGatewayPushToCloudWatchLogs`` (as an inline policy, see
  ``PUSH_LOGS_POLICY``), and ``aws_api_gateway_account`` naming it, as the bootstrap does;
- a role ARN: ``aws_api_gateway_account`` naming that role.

Stages that log depend on the account setting, so none is created before API Gateway may log.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from cdktf import TerraformStack
from constructs import Construct

from ...bindings.provider import ApiGatewayAccount, IamRole, IamRolePolicy
from ...bindings.terraform_text import literal
from ...core.errors import Field, InvalidInput, Problem
from ...model import aws_limits as aws
from ...model import iam_policy, naming
from ...model.naming import ref
from . import messages as msg
from .addresses import RestApiAddresses, api_account_role_name
from .options import CREATE_ROLE, EXISTING_ROLE

APIGATEWAY_TRUST_POLICY = iam_policy.document(iam_policy.trust("apigateway.amazonaws.com"))
# The statement of AWS's managed policy AmazonAPIGatewayPushToCloudWatchLogs, as the role's own
# inline policy: the local emulator (moto) holds no AWS managed policies, so attaching that one
# would fail there, and an inline policy needs no partition in its ARN.
PUSH_LOGS_POLICY_NAME = "push-logs-to-cloudwatch"
PUSH_LOGS_POLICY = iam_policy.document(iam_policy.allow(aws.APIGATEWAY_CLOUDWATCH_ACTIONS, "*"))


@dataclass(frozen=True)
class _Setting:
    choice: str
    field: str  # the field that made the choice, for a disagreeing API's message
    account: ApiGatewayAccount | None


# The setting made in each stack so far (a stack holds at most one).
_IN_STACK: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def account_setting(scope: Construct, choice: str, name_prefix: str, field: str) -> ApiGatewayAccount | None:
    """The stack's ``aws_api_gateway_account`` for ``choice`` (made on first use), or None for
    ``"existing"``. A choice that differs from the stack's first one is refused (``InvalidInput``)."""
    stack = TerraformStack.of(scope)
    setting = _IN_STACK.get(stack)
    if setting is None:
        setting = _Setting(choice, field, None if choice == EXISTING_ROLE else _account(stack, choice, name_prefix))
        _IN_STACK[stack] = setting
    elif setting.choice != choice:
        raise InvalidInput(Problem(Field(field), msg.cloudwatch_role_must_agree(setting.field, setting.choice, choice)))
    return setting.account


def _account(stack: TerraformStack, choice: str, name_prefix: str) -> ApiGatewayAccount:
    if choice != CREATE_ROLE:
        return account_resource(stack, literal(choice))
    return account_resource(stack, *logging_role(stack, api_account_role_name(name_prefix)))


def logging_role(stack: TerraformStack, role_name: str) -> tuple[str, list[IamRolePolicy]]:
    """A role named ``role_name`` that API Gateway may assume to write logs: its ARN, and what a
    setting naming it must wait for."""
    at = RestApiAddresses
    role = IamRole(stack, "apigateway-cloudwatch-role", name=role_name, assume_role_policy=APIGATEWAY_TRUST_POLICY)
    role.override_logical_id(naming.logical_id(at.api_account_role))
    policy = IamRolePolicy(stack, "apigateway-cloudwatch-policy", name=PUSH_LOGS_POLICY_NAME,
                           role=ref(at.api_account_role, "id"), policy=PUSH_LOGS_POLICY)
    policy.override_logical_id(naming.logical_id(at.api_account_role_policy))
    # API Gateway checks that it may assume the role and write logs when the setting is made.
    return ref(at.api_account_role, "arn"), [policy]


def account_resource(stack: TerraformStack, role_arn: str, depends_on: list[IamRolePolicy] | None = None, *,
                     reset_on_delete: bool | None = None) -> ApiGatewayAccount:
    """``aws_api_gateway_account`` naming ``role_arn``; ``reset_on_delete``: a destroy clears the
    setting instead of leaving it naming a deleted role (docs/aws-rules.md#r51-the-account-bootstrap)."""
    account = ApiGatewayAccount(stack, "apigateway-account", cloudwatch_role_arn=role_arn, depends_on=depends_on,
                                reset_on_delete=reset_on_delete)
    account.override_logical_id(naming.logical_id(RestApiAddresses.api_account))
    return account
