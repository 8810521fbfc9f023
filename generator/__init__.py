"""bluegreen: blue/green and canary releases for AWS Lambda, synthesized to Terraform JSON.

The model (``Stack``, ``Deployment``, ``Function``, ``RestApi``, ``HttpApi``, ``Route``) loads instantly and
never imports cdktf. ``BlueGreenDeployment`` (the cdktf construct for your own stacks),
``BlueGreenStack`` and ``synthesize`` are loaded on first use, since they bring in cdktf.
"""

from .core.errors import InvalidInput, Problem
from .features.alb_target import AlbTarget
from .features.doors import Route, Throttle
from .features.function_url import FunctionUrl, UrlCors
from .features.http_api import HttpAccessLogs, HttpApi, HttpCors, HttpDomain, HttpLambdaAuthorizer, JwtAuthorizer
from .features.rest_api import RestApi
from .features.rest_api.options import (
    AccessLogs,
    ApiKeys,
    CognitoAuthorizer,
    CustomDomain,
    LambdaAuthorizer,
    Quota,
)
from .features.rollout import Rollout, Step
from .model import Deployment, Function, PolicyStatement, S3Backend, Stack, Vpc

__all__ = ["AccessLogs", "AlbTarget", "ApiKeys", "BlueGreenDeployment", "BlueGreenStack", "CognitoAuthorizer",
           "CustomDomain", "Deployment", "Function", "FunctionUrl", "HttpAccessLogs", "HttpApi", "HttpCors",
           "HttpDomain", "HttpLambdaAuthorizer", "InvalidInput", "JwtAuthorizer", "LambdaAuthorizer", "PolicyStatement",
           "Problem", "Quota", "RestApi", "Rollout", "Route", "S3Backend", "Stack", "Step", "Throttle", "UrlCors",
           "Vpc", "synthesize"]

_LAZY_EXPORTS = {"BlueGreenDeployment": ".synthesis.deployment", "BlueGreenStack": ".synthesis.stack",
                 "synthesize": ".output.folder"}


def __getattr__(name: str):
    # PEP 562: load the cdktf layer only when a caller asks for it.
    if name in _LAZY_EXPORTS:
        import importlib

        module = importlib.import_module(_LAZY_EXPORTS[name], __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
