"""The function URL door: a Lambda function URL on the deployment's alias, no API Gateway.

Its parts: ``declaration`` (``FunctionUrl``, ``UrlCors``), ``rules``, ``messages``,
``addresses``, ``outputs`` and ``synthesis`` (cdktf, imported only by ``FEATURE.synthesize``).
Reference: docs/function-url.md; the AWS facts: docs/aws-rules.md#r65-function-url-access to
#r67-function-url-cors-and-invoke-mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Problem
from ...model.naming import Address, output_name
from ..slice import Context, Part
from . import messages
from .addresses import CALLER_POLICY_OUTPUT, URL_OUTPUT, FunctionUrlAddresses
from .declaration import FunctionUrl, UrlCors
from .outputs import function_url_outputs
from .rules import function_url_problems

__all__ = ["FEATURE", "FunctionUrl", "UrlCors"]


class _FunctionUrlFeature:
    name = "function_url"
    label = "function URL"
    declarations = (FunctionUrl,)
    url_output = URL_OUTPUT
    replacement_warnings: dict[str, str] = {"aws_lambda_function_url": messages.URL_WILL_CHANGE}

    def problems(self, part: Part, at: str, context: Context) -> Iterator[Problem]:
        yield from function_url_problems(part.value, f"{at}.{part.field}")

    def addresses(self, part: Part) -> list[Address]:
        return FunctionUrlAddresses(part.deployment, part.field).all()

    def outputs(self, part: Part) -> dict[str, tuple[str, str]]:
        return function_url_outputs(part)

    def summary(self, part: Part) -> str:
        url = part.value
        cors = "" if url.cors is None else f", CORS for {', '.join(url.cors.allow_origins)}"
        policy = output_name(part.deployment, CALLER_POLICY_OUTPUT)
        return (f"Function URL (`{url.auth}`, `{url.invoke_mode}`{cors}): every path invokes the alias; "
                f"a caller's role needs the policy of output `{policy}`.")

    def synthesize(self, scope: Any, part: Part, name_prefix: str) -> None:
        from .synthesis import synthesize_function_url  # cdktf: loaded only to synthesize

        synthesize_function_url(scope, part)


FEATURE = _FunctionUrlFeature()
