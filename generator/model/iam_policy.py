"""IAM policy documents as bluegreen writes them: one shape for every role and grant it makes.

Pure data (no cdktf): validation measures the size of the user's statements with it, and
synthesis writes each role's trust policy and each grant from it. ``document`` gives the JSON
text with sorted keys, so the output is the same bytes on every machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

POLICY_VERSION = "2012-10-17"  # IAM's current policy language version


def policy(statements: Iterable[dict]) -> dict:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def allow(actions: Iterable[str], resource: str) -> dict:
    """A policy with one statement allowing ``actions`` on ``resource``."""
    return policy([{"Effect": "Allow", "Action": list(actions), "Resource": resource}])


def trust(service: str, source_account: str | None = None, source_arn: str | None = None) -> dict:
    """A trust policy letting the AWS service ``service`` (``lambda.amazonaws.com``) assume the role;
    with ``source_account`` and ``source_arn``, only on behalf of that account's resource (the
    service sets both keys when it assumes the role, which keeps it from being a confused deputy)."""
    statement: dict = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}
    if source_account is not None:
        statement.setdefault("Condition", {})["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn is not None:
        statement.setdefault("Condition", {})["ArnEquals"] = {"aws:SourceArn": source_arn}
    return policy([statement])


def document(value: dict) -> str:
    """The policy's JSON text, keys sorted."""
    return json.dumps(value, sort_keys=True)
