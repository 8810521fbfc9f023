"""Part of validation (see ``validation``): where a stack keeps its Terraform state.

Pure, returns problems, never raises. The rules are S3's for bucket names, Terraform's S3
backend's for keys, DynamoDB's for table names (docs/aws-rules.md#r31-remote-state-in-s3), and
ours for locking: a team's state is never written without a lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core.errors import Field, Problem
from ..core.messages import model as msg
from ..core.values import is_one_of
from . import aws_limits as aws
from .stack import S3Backend


def backend_problems(backend: Any, where: str) -> Iterator[Problem]:
    """The problems of ``Stack.backend`` (``where``: the stack's field path)."""
    at = f"{where}.backend"
    if backend is None:
        return
    if not isinstance(backend, S3Backend):
        yield Problem(Field(at), msg.must_be_a_backend(backend))
        return
    if backend.bucket is not None and not _is_bucket_name(backend.bucket):
        yield Problem(Field(f"{at}.bucket"), msg.must_be_a_bucket_name(backend.bucket))
    if backend.key is not None and not _is_state_key(backend.key):
        yield Problem(Field(f"{at}.key"), msg.must_be_a_state_key(backend.key))
    if backend.region is not None and not is_one_of(backend.region, aws.AWS_REGIONS):
        yield Problem(Field(f"{at}.region"), msg.must_be_an_aws_region(backend.region))
    table = backend.dynamodb_table
    if table is not None and not (isinstance(table, str) and aws.DYNAMODB_TABLE.fullmatch(table)):
        yield Problem(Field(f"{at}.dynamodb_table"), msg.must_be_a_table_name(table))
    for name in ("use_lockfile", "encrypt"):
        if not isinstance(getattr(backend, name), bool):
            yield Problem(Field(f"{at}.{name}"), msg.must_be_a_boolean(getattr(backend, name)))
    if backend.use_lockfile is False and table is None:
        yield Problem(Field(f"{at}.use_lockfile"), msg.STATE_MUST_BE_LOCKED)


def _is_bucket_name(name: Any) -> bool:
    return (isinstance(name, str) and aws.S3_BUCKET.fullmatch(name) is not None and ".." not in name
            and not aws.IPV4.fullmatch(name) and not name.startswith(aws.S3_BUCKET_RESERVED_PREFIXES)
            and not name.endswith(aws.S3_BUCKET_RESERVED_SUFFIXES))


def _is_state_key(key: Any) -> bool:
    return (isinstance(key, str) and 0 < len(key.encode("utf-8", "surrogatepass")) <= aws.S3_KEY_MAX_BYTES
            and not key.startswith("/") and not key.endswith("/") and "//" not in key)
