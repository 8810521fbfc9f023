"""The function URL's resource (cdktf): ``aws_lambda_function_url`` on the alias. Imported only by
``FEATURE.synthesize``."""

from __future__ import annotations

from typing import Any

from ...bindings.provider import LambdaFunctionUrl, LambdaFunctionUrlCors
from ...model.naming import logical_id, ref
from ..slice import Part
from .addresses import FunctionUrlAddresses
from .declaration import UrlCors


def synthesize_function_url(scope: Any, part: Part) -> None:
    """The URL, qualified by the alias's name so it serves what the alias routes to, weights
    included (docs/aws-rules.md#r66-a-function-url-on-the-alias). ``invoke_mode`` is always
    written, so the plan shows it; ``cors`` only when declared
    (docs/aws-rules.md#r67-function-url-cors-and-invoke-mode)."""
    url, at = part.value, FunctionUrlAddresses(part.deployment, part.field)
    resource = LambdaFunctionUrl(
        scope, "function_url",
        function_name=ref(at.alias, "function_name"),
        qualifier=ref(at.alias, "name"),
        authorization_type=url.auth,
        invoke_mode=url.invoke_mode,
        cors=None if url.cors is None else _cors(url.cors))
    resource.override_logical_id(logical_id(at.function_url))


def _cors(cors: UrlCors) -> Any:
    # Every field, empty ones too: the plan shows the whole setting, and an empty set reads back
    # from AWS as no value, which Terraform takes as equal (no diff on the next plan).
    return LambdaFunctionUrlCors(
        allow_origins=list(cors.allow_origins),
        allow_methods=list(cors.allow_methods),
        allow_headers=list(cors.allow_headers),
        expose_headers=list(cors.expose_headers),
        max_age=cors.max_age,
        allow_credentials=cors.allow_credentials)
