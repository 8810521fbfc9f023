"""The Terraform addresses and AWS names of a deployment's REST API, each spelled once.

``RestApiAddresses`` extends the deployment's base addresses (``model.naming.Addresses``) with
the API's: synthesis writes them, ``all`` lists them for the clash check, and the plan summary and
``bluegreen bootstrap`` look them up. Routes have no addresses of their own: the API is one
OpenAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model.naming import Address, Addresses, function_name, identifier, output_name
from ...model.stack import Deployment
from ..doors import door_of
from .declaration import RestApi
from .options import CREATE_ROLE, EXISTING_ROLE, lambda_authorizers

# The outputs a REST API adds, in this order: its URL, then its options' (``api_outputs``).
URL_OUTPUT = "invoke_url"


def api_name(stack_name: str, deployment: Deployment) -> str:
    return function_name(stack_name, deployment)


def access_log_group_name(stack_name: str, deployment: Deployment) -> str:
    """The log group of the API stage's access logs, e.g. ``/aws/apigateway/shop-orders/access``."""
    return f"/aws/apigateway/{api_name(stack_name, deployment)}/access"


def api_key_name(stack_name: str, deployment: Deployment, key: str) -> str:
    """An API key's name in AWS, e.g. ``shop-orders-partner-a``."""
    return f"{api_name(stack_name, deployment)}-{key}"


def api_account_role_name(stack_name: str) -> str:
    """The IAM role a stack creates for API Gateway's account-wide logging, e.g. ``shop-apigateway-cloudwatch``."""
    return f"{stack_name}-apigateway-cloudwatch"


def api_outputs(api: RestApi) -> list[str]:
    """The outputs of a deployment's API options, besides ``OUTPUTS``: the API keys' ids (never
    their values) and the custom domain's DNS target."""
    return [what for what, present in (("api_key_ids", api.api_keys), ("domain_target", api.domain)) if present]


def stage_id(deployment: Deployment, stage: str) -> str:
    return identifier(f"{deployment.name}_{stage}")



@dataclass(frozen=True)
class RestApiAddresses(Addresses):
    """The deployment's addresses with its REST API's (``field`` is where the deployment holds it)."""

    field: str = "api"

    @property
    def api(self) -> RestApi:
        _, api = door_of(self.deployment, RestApi)
        assert api is not None, "only a deployment with a REST API has its addresses"
        return api

    @property
    def rest_api(self) -> str:
        return f"aws_api_gateway_rest_api.{self.deployment.name}"

    @property
    def api_deployment(self) -> str:
        return f"aws_api_gateway_deployment.{self.deployment.name}"

    @property
    def permission(self) -> str:
        return f"aws_lambda_permission.{self.deployment.name}_api"

    @property
    def stage(self) -> str:
        return f"aws_api_gateway_stage.{stage_id(self.deployment, self.api.stage)}"

    # --- the API's options (docs/aws-rules.md#r39-authorization to #r44-custom-domain-names) -----

    @property
    def access_log_group(self) -> str:
        """With ``RestApi.access_logs`` (the default): the log group of the stage's access logs."""
        return f"aws_cloudwatch_log_group.{self.deployment.name}_api_access"

    def authorizer_permission(self, authorizer: str) -> str:
        """Per ``LambdaAuthorizer`` name: API Gateway's grant to invoke the authorizer function."""
        return f"aws_lambda_permission.{self.deployment.name}_authorizer_{identifier(authorizer)}"

    @property
    def usage_plan(self) -> str:
        """With ``RestApi.api_keys``: the usage plan bound to the stage."""
        return f"aws_api_gateway_usage_plan.{self.deployment.name}"

    def api_key(self, key: str) -> str:
        return f"aws_api_gateway_api_key.{self.deployment.name}_{identifier(key)}"

    def usage_plan_key(self, key: str) -> str:
        return f"aws_api_gateway_usage_plan_key.{self.deployment.name}_{identifier(key)}"

    @property
    def stage_method_settings(self) -> str:
        """With ``RestApi.throttle`` or ``RestApi.execution_logs``: the settings of every method of
        the stage (``*/*``)."""
        return f"aws_api_gateway_method_settings.{self.deployment.name}_all"

    def route_method_settings(self, method: str, path: str) -> str:
        """With ``Route.throttle``: that one method's settings, e.g. ``orders_get_orders_id``."""
        return f"aws_api_gateway_method_settings.{self.deployment.name}_{identifier(f'{method} {path}'.lower())}"

    @property
    def domain_name(self) -> str:
        return f"aws_api_gateway_domain_name.{self.deployment.name}"

    @property
    def base_path_mapping(self) -> str:
        return f"aws_api_gateway_base_path_mapping.{self.deployment.name}"

    @property
    def domain_record(self) -> str:
        """With ``CustomDomain.hosted_zone_id``: the domain's Route 53 alias record."""
        return f"aws_route53_record.{self.deployment.name}_domain"

    @property
    def web_acl_association(self) -> str:
        """With ``RestApi.web_acl_arn``: the web ACL's association with the stage."""
        return f"aws_wafv2_web_acl_association.{self.deployment.name}"

    # The account's CloudWatch role is one setting per account and region: these addresses are the
    # stack's, the same whichever deployment asks (its source is the same, so no clash).
    api_account = "aws_api_gateway_account.apigateway"
    api_account_role = "aws_iam_role.apigateway_cloudwatch"
    api_account_role_policy = "aws_iam_role_policy.apigateway_cloudwatch"
    def all(self) -> list[Address]:
        """The API's addresses (not the base's), for the clash check."""
        d, mine = self.deployment, ("deployment", self.deployment.name)
        found = [Address(a, "name", mine) for a in (self.rest_api, self.api_deployment, self.permission,
                                                     f"output.{output_name(d, URL_OUTPUT)}")]
        found.append(Address(self.stage, f"{self.field}.stage", ("stage", d.name)))
        return found + self._api_option_addresses()

    def _api_option_addresses(self) -> list[Address]:
        d, api, at = self.deployment, self.api, self.field
        mine = ("deployment", d.name)
        found: list[Address] = []
        for name, (_, index) in lambda_authorizers(api).items():  # those some route uses
            field = f"{at}.authorization" if api.routes[index].authorization is None else \
                f"{at}.routes[{index}].authorization"
            found.append(Address(self.authorizer_permission(name), f"{field}.name", ("authorizer", d.name, name)))
            found.append(Address(self.caller_identity, f"{field}.function_arn", (self.caller_identity,)))
        if api.throttle is not None or api.execution_logs is not None:
            field = f"{at}.throttle" if api.throttle is not None else f"{at}.execution_logs"
            found.append(Address(self.stage_method_settings, field, mine))
        found += [Address(self.route_method_settings(route.method, route.path), f"{at}.routes[{i}].throttle",
                          ("method_settings", d.name, route.method, route.path))
                  for i, route in enumerate(api.routes) if route.throttle is not None]
        if api.api_keys is not None:
            found.append(Address(self.usage_plan, f"{at}.api_keys", mine))
            found += [Address(address, f"{at}.api_keys.names[{i}]", ("api_key", d.name, key))
                      for i, key in enumerate(api.api_keys.names)
                      for address in (self.api_key(key), self.usage_plan_key(key))]
        if api.access_logs is not None:
            found.append(Address(self.access_log_group, f"{at}.access_logs", mine))
            found += [Address(address, f"{at}.access_logs.cloudwatch_role", ("api_account",))
                      for address in self._account_addresses(api.access_logs.cloudwatch_role)]
        if api.domain is not None:
            found += [Address(address, f"{at}.domain", mine) for address in (self.domain_name, self.base_path_mapping)]
            if api.domain.hosted_zone_id is not None:
                found.append(Address(self.domain_record, f"{at}.domain.hosted_zone_id", mine))
        if api.web_acl_arn is not None:
            found.append(Address(self.web_acl_association, f"{at}.web_acl_arn", mine))
        found += [Address(f"output.{output_name(d, what)}", "name", mine) for what in api_outputs(api)]
        return found

    def _account_addresses(self, cloudwatch_role: str) -> list[str]:
        # "existing": the account's role is someone else's; an ARN: set it; "create": make it and set it.
        if cloudwatch_role == EXISTING_ROLE:
            return []
        if cloudwatch_role == CREATE_ROLE:
            return [self.api_account, self.api_account_role, self.api_account_role_policy]
        return [self.api_account]
