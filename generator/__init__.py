"""bluegreen: blue/green and canary releases for AWS Lambda, synthesized to Terraform JSON.

The model (``Stack``, ``Deployment``, ``Function``, ``RestApi``, ``Route``) loads instantly and
never imports cdktf. ``BlueGreenDeployment`` (the cdktf construct for your own stacks),
``BlueGreenStack`` and ``synthesize`` are loaded on first use, since they bring in cdktf.
"""

from .core.errors import InvalidInput, Problem
from .model import Deployment, Function, PolicyStatement, RestApi, Rollout, Route, S3Backend, Stack, Vpc
from .model.api_options import AccessLogs, ApiKeys, CognitoAuthorizer, CustomDomain, LambdaAuthorizer, Quota, Throttle

__all__ = ["AccessLogs", "ApiKeys", "BlueGreenDeployment", "BlueGreenStack", "CognitoAuthorizer",
           "CustomDomain", "Deployment", "Function", "InvalidInput", "LambdaAuthorizer", "PolicyStatement",
           "Problem", "Quota", "RestApi", "Rollout", "Route", "S3Backend", "Stack", "Throttle", "Vpc", "synthesize"]

_LAZY_EXPORTS = {"BlueGreenDeployment": ".synthesis.deployment", "BlueGreenStack": ".synthesis.stack",
                 "synthesize": ".output.folder"}


def __getattr__(name: str):
    # PEP 562: load the cdktf layer only when a caller asks for it.
    if name in _LAZY_EXPORTS:
        import importlib

        module = importlib.import_module(_LAZY_EXPORTS[name], __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
