"""Where a stack is applied, as Terraform reads it at plan: the caller's account, the partition
and the region, each one data source per stack, made on first use.

Trust policies and preconditions need them as references without quotes: a Terraform function
call such as ``split(":", ...)`` inside a JSON policy text would have its quotes escaped.
"""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct

from ..model import naming
from ..model.naming import ref
from .provider import DataAwsCallerIdentity, DataAwsPartition, DataAwsRegion


def account_id(scope: Construct) -> str:
    """``${data.aws_caller_identity.current.account_id}``."""
    _once(scope, "caller-identity", DataAwsCallerIdentity, naming.Addresses.caller_identity)
    return ref(naming.Addresses.caller_identity, "account_id")


def partition(scope: Construct) -> str:
    """``${data.aws_partition.current.partition}`` (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    _once(scope, "partition", DataAwsPartition, naming.Addresses.partition)
    return ref(naming.Addresses.partition, "partition")


def region(scope: Construct) -> str:
    """``${data.aws_region.current.name}``: the provider's region, the stack's."""
    _once(scope, "region", DataAwsRegion, naming.Addresses.region)
    return ref(naming.Addresses.region, "name")


def _once(scope: Construct, construct_id: str, kind, address: str) -> None:
    stack = TerraformStack.of(scope)
    if stack.node.try_find_child(construct_id) is None:
        kind(stack, construct_id).override_logical_id(naming.logical_id(address))
