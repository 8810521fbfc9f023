"""Every name we derive: Terraform addresses, variables, outputs and AWS resource names.

The contract: each name is a pure function of the stack name, the deployment name, the alias,
the stage and the route. It changes if and only if one of those changes. That matters because a
changed Terraform address means destroy-and-recreate, and a changed AWS name means a new
function with no versions. No hashes, no counters: a reviewer reads ``aws_lambda_alias.orders_live``
in a plan and knows what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Deployment, Route

# Terraform identifiers may hold letters, digits, "_" and "-"; we keep to "_" for readability.
_NOT_IDENTIFIER = re.compile(r"[^a-zA-Z0-9_]+")


def function_name(stack_name: str, deployment: Deployment) -> str:
    """AWS Lambda function name, e.g. ``shop-orders``."""
    return f"{stack_name}-{deployment.name}"


def role_name(stack_name: str, deployment: Deployment) -> str:
    """IAM execution role name, e.g. ``shop-orders-exec``."""
    return f"{function_name(stack_name, deployment)}-exec"


def log_group_name(stack_name: str, deployment: Deployment) -> str:
    """The log group Lambda writes to by default, created by us so it has a retention."""
    return f"/aws/lambda/{function_name(stack_name, deployment)}"


def api_name(stack_name: str, deployment: Deployment) -> str:
    return function_name(stack_name, deployment)


def green_weight_variable(deployment: Deployment) -> str:
    return f"{deployment.name}_green_weight"


def blue_version_variable(deployment: Deployment) -> str:
    return f"{deployment.name}_blue_version"


def output_name(deployment: Deployment, what: str) -> str:
    """``blue_version``, ``green_version``, ``alias_arn`` or ``invoke_url``, prefixed."""
    return f"{deployment.name}_{what}"


def alias_id(deployment: Deployment) -> str:
    """Terraform name of the alias, e.g. ``orders_live`` for ``aws_lambda_alias.orders_live``."""
    return identifier(f"{deployment.name}_{deployment.alias}")


def stage_id(deployment: Deployment, stage: str) -> str:
    return identifier(f"{deployment.name}_{stage}")


def path_id(path: str) -> str:
    """A readable identifier for an API path: ``/orders/{id}`` -> ``orders_by_id``, ``/`` -> ``root``.

    A parameter ``{id}`` reads ``by_id``; a greedy ``{proxy+}`` reads ``by_proxy_all``. Two paths
    that map to the same identifier are reported by validation, never silently renamed.
    """
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "root"
    words = []
    for part in parts:
        if part.startswith("{"):
            greedy = part.endswith("+}")
            part = "by_" + part.strip("{}+") + ("_all" if greedy else "")
        words.append(identifier(part))
    return "_".join(words)


def path_prefixes(path: str) -> list[str]:
    """Every path an API needs a resource for: ``/a/b`` -> ``["/a", "/a/b"]``; ``/`` -> ``[]``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def resource_id(deployment: Deployment, path: str) -> str:
    """Terraform name of the ``aws_api_gateway_resource`` for a path (never the root)."""
    return f"{deployment.name}_{path_id(path)}"


def route_id(deployment: Deployment, route: Route) -> str:
    """Terraform name shared by a route's method and integration, e.g. ``orders_get_orders``."""
    return f"{deployment.name}_{route.method.lower()}_{path_id(route.path)}"


@dataclass(frozen=True)
class Address:
    """A Terraform address one deployment produces, the field that decides it, and what it is for.

    ``source`` says what the address stands for: the same source may repeat (two routes share
    the parent path ``/orders``), two different sources on one address are a clash.
    """

    address: str
    field: str
    source: tuple


def deployment_addresses(deployment: Deployment) -> list[Address]:
    """Every Terraform address (resources, variables, locals, outputs) of one deployment."""
    name = deployment.name
    by_name = [f"aws_lambda_function.{name}", f"aws_iam_role.{name}_execution",
               f"aws_iam_role_policy.{name}_logs", f"aws_cloudwatch_log_group.{name}",
               f"var.{green_weight_variable(deployment)}", f"var.{blue_version_variable(deployment)}",
               f"local.{name}_green_version", f"local.{name}_blue_version"]
    by_name += [f"output.{output_name(deployment, what)}" for what in ("blue_version", "green_version", "alias_arn")]
    if deployment.api:
        by_name += [f"aws_api_gateway_rest_api.{name}", f"aws_api_gateway_deployment.{name}",
                    f"aws_lambda_permission.{name}_api", f"output.{output_name(deployment, 'invoke_url')}"]
    addresses = [Address(a, "name", ("deployment", name)) for a in by_name]
    addresses.append(Address(f"aws_lambda_alias.{alias_id(deployment)}", "alias", ("alias", name)))
    if deployment.api:
        addresses.append(Address(f"aws_api_gateway_stage.{stage_id(deployment, deployment.api.stage)}",
                                 "api.stage", ("stage", name)))
        for index, route in enumerate(deployment.api.routes):
            field = f"api.routes[{index}].path"
            addresses += [Address(f"aws_api_gateway_resource.{resource_id(deployment, prefix)}", field,
                                  ("path", name, prefix)) for prefix in path_prefixes(route.path)]
            addresses += [Address(f"{kind}.{route_id(deployment, route)}", field,
                                  ("route", name, route.method, route.path))
                          for kind in ("aws_api_gateway_method", "aws_api_gateway_integration")]
    return addresses


def ref(address: str, attribute: str) -> str:
    """A Terraform reference such as ``${aws_lambda_alias.orders_live.arn}``.

    Synthesis writes references to the fixed addresses above directly: the JSON is the same as
    through cdktf's tokens, reads the same in review, and costs no round trip to jsii's Node.js
    process (66 of them per deployment before, most of a 100-deployment synth; issue #4).
    """
    return f"${{{address}.{attribute}}}"


def identifier(text: str) -> str:
    """``text`` as a Terraform name: runs of other characters become ``_``."""
    return _NOT_IDENTIFIER.sub("_", text).strip("_") or "_"
