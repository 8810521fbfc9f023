"""The model: what a user declares, the rules it must meet, and the names it gets.

A stack file builds ``Stack``/``Deployment``/``Function``/``RestApi``/``Route`` (``stack``);
``validation`` checks them against AWS's limits (``aws_limits``) before anything is written;
``naming`` derives every AWS name and Terraform address from them. The traffic of a deployment
is values (``traffic``) kept in a reviewed file (``traffic_file``). Nothing here imports cdktf.
"""

from .api_options import AccessLogs, ApiKeys, CognitoAuthorizer, CustomDomain, LambdaAuthorizer, Quota, Throttle
from .rollout import Rollout
from .stack import Deployment, Function, PolicyStatement, RestApi, Route, S3Backend, Stack, Vpc

__all__ = ["AccessLogs", "ApiKeys", "CognitoAuthorizer", "CustomDomain", "Deployment", "Function",
           "LambdaAuthorizer", "PolicyStatement", "Quota", "RestApi", "Rollout", "Route", "S3Backend", "Stack",
           "Throttle", "Vpc"]
