"""The user's intent: a stack of blue/green Lambda deployments, as frozen dataclasses.

This module is the public vocabulary of stack files (``Stack``, ``Deployment``, ``Function``,
``RestApi``, ``Route``, ``S3Backend``,
``PolicyStatement``, ``Vpc``). It holds data only: no AWS calls, no cdktf, no validation side effects,
so loading a stack file is instant. ``features.validation`` checks a model; ``generator.synthesis``
turns a valid one into Terraform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .aws_limits import ARCHITECTURE_DEFAULT, EPHEMERAL_STORAGE_MB_DEFAULT


@dataclass(frozen=True)
class PolicyStatement:
    """One IAM statement added to the function's execution role, for what its code calls.

    ``actions``: IAM actions (``"dynamodb:GetItem"``; wildcards as IAM allows, ``"s3:Get*"``).
    ``resources``: ARNs the actions apply to (``"arn:aws:dynamodb:us-east-1:123456789012:table/orders"``),
    or ``"*"`` for actions that take no resource. ``effect``: ``"Allow"`` (default) or ``"Deny"``.
    ``condition``: IAM condition block, ``{operator: {key: value or [values]}}``, default none.
    Written as the role's inline policy ``stack-file-statements`` (docs/aws-rules.md#r34-function-permissions).
    """

    actions: tuple[str, ...] | list[str]
    resources: tuple[str, ...] | list[str]
    effect: str = "Allow"
    condition: Mapping[str, Mapping[str, str | list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", _as_tuple(self.actions))
        object.__setattr__(self, "resources", _as_tuple(self.resources))

    def __hash__(self) -> int:
        return hash((self.actions, self.resources, self.effect, _frozen(self.condition)))


@dataclass(frozen=True)
class Vpc:
    """The subnets and security groups a function reaches a VPC through (docs/aws-rules.md#r35-vpc-access).

    ``subnet_ids``: 1 to 16 ``subnet-...`` ids, in different Availability Zones for resilience.
    ``security_group_ids``: 1 to 5 ``sg-...`` ids. The execution role gets the EC2 actions of
    AWS's managed policy for VPC functions (``AWSLambdaVPCAccessExecutionRole``), which let
    Lambda create the network interfaces, as its inline policy ``manage-network-interfaces``.
    """

    subnet_ids: tuple[str, ...] | list[str]
    security_group_ids: tuple[str, ...] | list[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "subnet_ids", _as_tuple(self.subnet_ids))
        object.__setattr__(self, "security_group_ids", _as_tuple(self.security_group_ids))


@dataclass(frozen=True)
class Function:
    """The Lambda function's code and configuration.

    ``source``: folder with the code, relative to the stack file (or absolute); zipped
    reproducibly. ``handler``: ``module.function`` (e.g. ``main.handler``). ``runtime``: a Lambda
    runtime id (e.g. ``python3.12``). ``memory_mb``: 128..10240, default 128. ``timeout_s``:
    1..900, default 3. ``environment``: variables, default none. ``log_retention_days``: one of
    CloudWatch's allowed values, default 14.

    Options (docs/aws-rules.md#r32-function-options); each default writes nothing, so Lambda's
    own default holds. ``architecture``: ``"x86_64"`` (default) or ``"arm64"`` (Graviton; the
    code and its layers must be built for it). ``layers``: up to 5 layer version ARNs
    (``arn:aws:lambda:us-east-1:123456789012:layer:deps:3``), no duplicates, in the order Lambda
    extracts them; default none. ``reserved_concurrency``: None (default) leaves the function
    unreserved, sharing the account's pool; a whole number from 0 reserves that many concurrent
    executions and caps it there; 0 throttles every call (a kill switch). ``ephemeral_storage_mb``:
    the size of ``/tmp``, 512..10240, default 512. ``tracing``: True turns on active X-Ray tracing
    and lets the execution role write traces (``xray:PutTraceSegments``,
    ``xray:PutTelemetryRecords``); default False. ``tags``: AWS tags on the function, default none;
    at most 50, keys 1..128 characters not starting with ``aws:``, values 0..256 characters
    (docs/aws-rules.md#r33-tags).

    Permissions (docs/aws-rules.md#r34-function-permissions); least privilege stays the default:
    the role may write to its own log group and nothing else. ``policy_statements``: extra
    ``PolicyStatement``s for what the code calls, default none. ``managed_policy_arns``: IAM
    managed policies to attach (``"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"``), default
    none. ``permissions_boundary``: a managed policy ARN that caps what the role can ever do,
    default None.

    Network, failures and keys: ``vpc``: a ``Vpc``, default None (Lambda's own network).
    ``dead_letter_target``: an SQS queue or SNS topic ARN that receives asynchronous events that
    failed every retry, with the role's permission to send there (docs/aws-rules.md#r36-dead-letter-target);
    default None. ``kms_key_arn``: a customer managed KMS key (key ARN) that encrypts the
    environment variables at rest, with the role's ``kms:Decrypt`` on it
    (docs/aws-rules.md#r37-environment-encryption); default None (Lambda's AWS managed key).
    ``log_kms_key_arn``: a customer managed KMS key (key ARN) that encrypts the function's log
    group; the key's policy must let CloudWatch Logs use it; default None (CloudWatch's own
    encryption).
    A change of ``dead_letter_target`` can't be canaried: AWS splits traffic only between versions
    that share it (docs/aws-rules.md#r4-same-role-and-dead-letter-queue).
    """

    source: str | Path
    handler: str
    runtime: str
    memory_mb: int = 128
    timeout_s: int = 3
    environment: Mapping[str, str] = field(default_factory=dict)
    log_retention_days: int = 14
    architecture: str = ARCHITECTURE_DEFAULT
    layers: tuple[str, ...] | list[str] = ()
    reserved_concurrency: int | None = None
    ephemeral_storage_mb: int = EPHEMERAL_STORAGE_MB_DEFAULT
    tracing: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    policy_statements: tuple[PolicyStatement, ...] | list[PolicyStatement] = ()
    managed_policy_arns: tuple[str, ...] | list[str] = ()
    permissions_boundary: str | None = None
    vpc: Vpc | None = None
    dead_letter_target: str | None = None
    kms_key_arn: str | None = None
    log_kms_key_arn: str | None = None

    def __post_init__(self) -> None:
        # Sorted plain dicts: deterministic output whatever mapping the user passed; layers keep
        # their order (Lambda extracts them in it) as a tuple. Anything else is left as it is for
        # validation to report with its field name.
        for name in ("environment", "tags"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, dict(sorted(value.items(), key=lambda item: str(item[0]))))
        for name in ("layers", "policy_statements", "managed_policy_arns"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))

    def __hash__(self) -> int:  # environment and tags are dicts, so hash by their items
        return hash((self.source, self.handler, self.runtime, self.memory_mb, self.timeout_s,
                     _frozen(self.environment), self.log_retention_days, self.architecture,
                     _frozen(self.layers), self.reserved_concurrency, self.ephemeral_storage_mb,
                     self.tracing, _frozen(self.tags), _frozen(self.policy_statements),
                     _frozen(self.managed_policy_arns), self.permissions_boundary, _frozen(self.vpc),
                     self.dead_letter_target, self.kms_key_arn, self.log_kms_key_arn))


@dataclass(frozen=True)
class Deployment:
    """One Lambda service released blue/green through a weighted alias.

    ``name``: lower-case letters, digits and ``_``; it prefixes every Terraform address and
    variable (``aws_lambda_alias.<name>``, ``var.<name>_green_weight``). ``alias``: the
    alias that callers and the API invoke, default ``"live"``. ``api``: an optional ``RestApi``.
    ``provisioned_concurrency``: None (default) or N, a whole number from 1: N execution
    environments kept warm, split between the versions by their traffic, blue ceil(N x (1 - w))
    and green ceil(N x w), each only while it has traffic, never on the alias, which AWS refuses
    while it is weighted (docs/aws-rules.md#r26-provisioned-concurrency-per-version). It starts
    once blue is pinned (the first ``bluegreen promote``). ``rollout``: None (default) or a
    ``Rollout``: a state machine that takes the newest version from 0 to 100% through its steps,
    gated on alarms, started by ``bluegreen rollout`` (docs/aws-rules.md#r47-rollouts-run-by-step-functions).
    """

    name: str
    function: Function
    alias: str = "live"
    api: Any = None  # a front door (generator.features.doors) or a list of them
    provisioned_concurrency: int | None = None
    rollout: Any = None  # a generator.features.rollout.Rollout


@dataclass(frozen=True)
class S3Backend:
    """Terraform state in an S3 bucket, locked while a plan or apply runs.

    ``bucket``: the state bucket; None leaves it to ``terraform init -backend-config=bucket=...``
    (partial configuration: one stack file, a bucket per environment). ``key``: the state
    object, default ``bluegreen/<stack>/terraform.tfstate``. ``region``: the bucket's region,
    default the stack's. ``use_lockfile``: Terraform's own lock, a ``<key>.tflock`` object next
    to the state written with a conditional put (Terraform 1.10 or later); default True.
    ``dynamodb_table``: a DynamoDB lock table instead, for setups older than that (Terraform
    1.11 marks it deprecated). ``encrypt``: server-side encryption of the state, default True.
    """

    bucket: str | None = None
    key: str | None = None
    region: str | None = None
    use_lockfile: bool = True
    dynamodb_table: str | None = None
    encrypt: bool = True


@dataclass(frozen=True)
class Stack:
    """A Terraform root module: one AWS region, one state, one or more deployments.

    ``name``: lower-case letters, digits and ``-``; it names the output folder
    (``cdktf.out/stacks/<name>``) and prefixes AWS resource names (``<name>-<deployment>``).
    ``backend``: where Terraform keeps the state; None (the default) is a local
    ``terraform.tfstate`` in the stack folder, for trying things; teams use ``S3Backend``.
    ``tags``: AWS tags on every resource of the stack (the provider's ``default_tags``), default
    none; a function's own ``tags`` add to them and win on a shared key (docs/aws-rules.md#r33-tags).
    """

    name: str
    region: str
    deployments: tuple[Deployment, ...] | list[Deployment] = ()
    backend: S3Backend | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deployments", _as_tuple(self.deployments))
        if isinstance(self.tags, Mapping):  # sorted, as Function's; anything else is for validation
            object.__setattr__(self, "tags", dict(sorted(self.tags.items(), key=lambda item: str(item[0]))))

    def __hash__(self) -> int:  # tags is a dict, so hash by its items
        return hash((self.name, self.region, self.deployments, self.backend, _frozen(self.tags)))


def _as_tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _frozen(value):
    # A hashable stand-in for a dict (its items) or a tuple of unhashable items (their reprs).
    # Only hashing uses it; equality stays the dataclass's own.
    if isinstance(value, dict):
        value = tuple(value.items())
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
