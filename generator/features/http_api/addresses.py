"""The Terraform addresses and AWS names of a deployment's HTTP API, each spelled once.

The API, its one integration, its stage and the alias's grant are named after the deployment
(``aws_apigatewayv2_api.orders``); every route is one instance of a single
``aws_apigatewayv2_route`` keyed by its route key (``aws_apigatewayv2_route.orders["GET /orders"]``),
so adding or removing a route touches that route alone; options are ``<deployment>_http_...``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model.naming import Address, Addresses, function_name, identifier, output_name
from ...model.stack import Deployment
from .declaration import HttpApi, HttpLambdaAuthorizer, authorizers_where, http_api_of

URL_OUTPUT = "http_api_url"  # the stage's invoke URL
DOMAIN_OUTPUT = "http_domain_target"


def api_name(stack_name: str, deployment: Deployment) -> str:
    return function_name(stack_name, deployment)


def access_log_group_name(stack_name: str, deployment: Deployment) -> str:
    """The stage's access log group, e.g. ``/aws/apigateway/shop-orders/http-access``."""
    return f"/aws/apigateway/{api_name(stack_name, deployment)}/http-access"


def output_whats(api: HttpApi) -> list[str]:
    """The outputs an HTTP API adds, in order: its URL, then the domain's DNS target."""
    return [URL_OUTPUT, *([DOMAIN_OUTPUT] if api.domain is not None else [])]


@dataclass(frozen=True)
class HttpApiAddresses(Addresses):
    """The deployment's addresses with its HTTP API's (``field``: where the deployment holds it)."""

    field: str = "api"

    @property
    def http_api(self) -> str:
        return f"aws_apigatewayv2_api.{self.deployment.name}"

    @property
    def integration(self) -> str:
        return f"aws_apigatewayv2_integration.{self.deployment.name}"

    @property
    def routes(self) -> str:
        """One resource, ``for_each`` route key: ``route(key)`` is one route's address."""
        return f"aws_apigatewayv2_route.{self.deployment.name}"

    def route(self, key: str) -> str:
        return f'{self.routes}["{key}"]'

    @property
    def stage(self) -> str:
        return f"aws_apigatewayv2_stage.{self.deployment.name}"

    @property
    def permission(self) -> str:
        return f"aws_lambda_permission.{self.deployment.name}_http_api"

    def authorizer(self, name: str) -> str:
        return f"aws_apigatewayv2_authorizer.{self.deployment.name}_http_{identifier(name)}"

    def authorizer_permission(self, name: str) -> str:
        """Per ``HttpLambdaAuthorizer``: API Gateway's grant to invoke the authorizer function."""
        return f"aws_lambda_permission.{self.deployment.name}_http_authorizer_{identifier(name)}"

    @property
    def access_log_group(self) -> str:
        return f"aws_cloudwatch_log_group.{self.deployment.name}_http_access"

    @property
    def domain_name(self) -> str:
        return f"aws_apigatewayv2_domain_name.{self.deployment.name}_http"

    @property
    def api_mapping(self) -> str:
        return f"aws_apigatewayv2_api_mapping.{self.deployment.name}_http"

    def all(self) -> list[Address]:
        """The HTTP API's addresses (not the base's), for the clash check."""
        d, api, at = self.deployment, http_api_of(self.deployment), self.field
        mine = ("deployment", d.name)
        found = [Address(a, "name", mine) for a in (self.http_api, self.integration, self.routes, self.stage,
                                                 self.permission)]
        for name, (authorizer, field) in authorizers_where(api, at).items():
            found.append(Address(self.authorizer(name), f"{field}.name", ("authorizer", d.name, name)))
            if isinstance(authorizer, HttpLambdaAuthorizer):  # its function needs a grant of its own
                found.append(Address(self.authorizer_permission(name), f"{field}.name", ("authorizer", d.name, name)))
        if api.access_logs is not None:
            found.append(Address(self.access_log_group, f"{at}.access_logs", mine))
        if api.domain is not None:
            found += [Address(a, f"{at}.domain", mine) for a in (self.domain_name, self.api_mapping)]
        found += [Address(f"output.{output_name(d, what)}", "name", mine) for what in output_whats(api)]
        return found
