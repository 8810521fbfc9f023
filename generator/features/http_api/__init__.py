"""The HTTP API door: an API Gateway HTTP API (v2) whose routes invoke the alias.

Its parts: ``declaration`` (``HttpApi`` and its options), the rules (``rules``, ``rules_options``),
``messages``, ``addresses``, ``outputs``, and the synthesis (``synthesis*``, cdktf, imported only
by ``FEATURE.synthesize``). Reference: docs/http-api.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Problem
from ...model.naming import Address
from ..slice import Context, Part
from . import messages
from .addresses import URL_OUTPUT, HttpApiAddresses
from .declaration import HttpAccessLogs, HttpApi, HttpCors, HttpDomain, HttpLambdaAuthorizer, JwtAuthorizer, route_key
from .outputs import http_api_outputs
from .rules import http_api_problems, timeout_problems

__all__ = ["FEATURE", "HttpAccessLogs", "HttpApi", "HttpCors", "HttpDomain", "HttpLambdaAuthorizer", "JwtAuthorizer"]


class _HttpApiFeature:
    name = "http_api"
    label = "HTTP API"
    declarations = (HttpApi,)
    url_output = URL_OUTPUT
    replacement_warnings: dict[str, str] = {"aws_apigatewayv2_stage": messages.STAGE_WILL_CHANGE}

    def problems(self, part: Part, at: str, context: Context) -> Iterator[Problem]:
        where = f"{at}.{part.field}"
        yield from http_api_problems(part.value, where, context.region)
        yield from timeout_problems(part.deployment, part.value, where)

    def addresses(self, part: Part) -> list[Address]:
        return HttpApiAddresses(part.deployment, part.field).all()

    def outputs(self, part: Part) -> dict[str, tuple[str, str]]:
        return http_api_outputs(part)

    def summary(self, part: Part) -> str:
        keys = ", ".join(route_key(route) for route in part.value.routes)
        return f"HTTP API stage `{part.value.stage}`: {keys}, all invoking the alias."

    def synthesize(self, scope: Any, part: Part, name_prefix: str) -> None:
        from .synthesis import http_api  # cdktf: loaded only to synthesize

        http_api(scope, part.deployment, part.value, part.field, name_prefix)


FEATURE = _HttpApiFeature()
