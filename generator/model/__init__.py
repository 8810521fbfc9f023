"""The deployment's base: what every deployment has, the rules it must meet, and the names it gets.

A stack file builds ``Stack``/``Deployment``/``Function`` (``stack``); ``rules*`` check them
against AWS's limits (``aws_limits``) before anything is written; ``naming`` derives the base
AWS names and Terraform addresses. The traffic of a deployment is values (``traffic``) kept in a
reviewed file (``traffic_file``). Features (front doors, rollouts) are not here: each is a slice
of ``generator.features``, which this package knows nothing of. Nothing here imports cdktf.
"""

from .stack import Deployment, Function, PolicyStatement, S3Backend, Stack, Vpc

__all__ = ["Deployment", "Function", "PolicyStatement", "S3Backend", "Stack", "Vpc"]
