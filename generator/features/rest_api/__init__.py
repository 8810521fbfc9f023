"""The REST API door: an API Gateway REST API, defined as one OpenAPI document, in front of the alias.

Its parts: ``declaration`` (``RestApi``) and ``options`` (authorizers, keys, throttling, logs,
domain), the rules (``rules*``), ``messages``, ``addresses``, ``outputs``, and the synthesis
(``synthesis*``, cdktf, imported only by ``FEATURE.synthesize``). Reference: docs/api-options.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.errors import Problem
from ...model.naming import Address
from ..slice import Context, Part
from . import messages
from .addresses import URL_OUTPUT, RestApiAddresses
from .declaration import RestApi
from .options import AccessLogs, ApiKeys, CognitoAuthorizer, CustomDomain, LambdaAuthorizer, Quota
from .outputs import rest_api_outputs
from .rules import api_problems, partition_problems, timeout_problems
from .rules_stack import api_stack_problems

__all__ = ["FEATURE", "AccessLogs", "ApiKeys", "CognitoAuthorizer", "CustomDomain", "LambdaAuthorizer", "Quota",
           "RestApi"]


class _RestApiFeature:
    name = "rest_api"
    label = "REST API"
    declarations = (RestApi,)
    url_output = URL_OUTPUT
    replacement_warnings: dict[str, str] = {"aws_api_gateway_deployment": messages.API_WILL_BE_REDEPLOYED}

    def problems(self, part: Part, at: str, context: Context) -> Iterator[Problem]:
        yield from api_problems(part.value, f"{at}.{part.field}")
        yield from timeout_problems(part.deployment, at)
        yield from partition_problems(context.region, part.deployment, part.field, at)

    def stack_problems(self, region: Any, deployments: list[tuple[Any, str]]) -> Iterator[Problem]:
        yield from api_stack_problems(region, deployments)

    def addresses(self, part: Part) -> list[Address]:
        return RestApiAddresses(part.deployment, part.field).all()

    def outputs(self, part: Part) -> dict[str, tuple[str, str]]:
        return rest_api_outputs(part)

    def summary(self, part: Part) -> str:
        routes = ", ".join(f"{route.method} {route.path}" for route in part.value.routes)
        return f"REST API stage `{part.value.stage}`: {routes}, all invoking the alias."

    def synthesize(self, scope: Any, part: Part, name_prefix: str) -> None:
        from .synthesis import BlueGreenApi  # cdktf: loaded only to synthesize

        BlueGreenApi(scope, deployment=part.deployment, name_prefix=name_prefix)


FEATURE = _RestApiFeature()
