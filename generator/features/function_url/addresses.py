"""The Terraform addresses and outputs of a deployment's function URL, each spelled once.

One resource, ``aws_lambda_function_url.<d>``; no ``aws_lambda_permission``: an ``AWS_IAM`` URL's
callers of the stack's own account need none (docs/aws-rules.md#r65-function-url-access).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model.naming import Address, Addresses, output_name

URL_OUTPUT = "function_url"
CALLER_POLICY_OUTPUT = "function_url_caller_policy"
OUTPUTS = (URL_OUTPUT, CALLER_POLICY_OUTPUT)  # in this order


@dataclass(frozen=True)
class FunctionUrlAddresses(Addresses):
    """The deployment's addresses with its function URL's (``field``: where the deployment holds it)."""

    field: str = "api"

    @property
    def function_url(self) -> str:
        return f"aws_lambda_function_url.{self.deployment.name}"

    def all(self) -> list[Address]:
        """The URL's addresses (not the base's), for the clash check."""
        d, mine = self.deployment, ("deployment", self.deployment.name)
        return [Address(address, "name", mine)
                for address in (self.function_url, *(f"output.{output_name(d, what)}" for what in OUTPUTS))]
