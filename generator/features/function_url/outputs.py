"""The Terraform outputs a function URL adds to its deployment: the URL, and the identity policy
a caller needs (docs/aws-rules.md#r65-function-url-access)."""

from __future__ import annotations

import json
from typing import Any

from ...model.naming import ref
from ..slice import Part
from .addresses import CALLER_POLICY_OUTPUT, URL_OUTPUT, FunctionUrlAddresses


class _Expression(str):
    """A Terraform expression written as it is inside the policy (not as a quoted string)."""


def caller_policy(alias_arn: str) -> dict[str, Any]:
    """The identity policy a caller's role needs to call an ``AWS_IAM`` URL on the alias whose ARN
    is ``alias_arn``: since October 2025 both actions, on the qualified ARN
    (docs/aws-rules.md#r11-qualified-arns-in-identity-policies); ``lambda:FunctionUrlAuthType`` is
    the condition key AWS documents for ``lambda:InvokeFunctionUrl``."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "InvokeFunctionUrl", "Effect": "Allow", "Action": "lambda:InvokeFunctionUrl", "Resource": alias_arn,
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}},
        {"Sid": "InvokeFunction", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": alias_arn}]}


def function_url_outputs(part: Part) -> dict[str, tuple[str, str]]:
    at = FunctionUrlAddresses(part.deployment, part.field)
    policy = caller_policy(_Expression(f"{at.alias}.arn"))
    return {
        URL_OUTPUT: ("The function URL on the alias; callers sign requests with SigV4 (service lambda).",
                     ref(at.function_url, "function_url")),
        CALLER_POLICY_OUTPUT: ("The IAM policy (JSON) a caller's role needs to call the function URL: "
                               "lambda:InvokeFunctionUrl and lambda:InvokeFunction on the alias.",
                               f"${{jsonencode({_hcl(policy)})}}"),
    }


def _hcl(value: Any) -> str:
    """``value`` (dicts, lists, strings) as a Terraform expression, keys in the order given."""
    if isinstance(value, _Expression):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)} = {_hcl(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(item) for item in value) + "]"
    return json.dumps(value)
