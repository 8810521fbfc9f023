"""The model: what a user declares, the rules it must meet, and the names it gets.

A stack file builds ``Stack``/``Deployment``/``Function``/``RestApi``/``Route`` (``stack``);
``validation`` checks them against AWS's limits (``aws_limits``) before anything is written;
``naming`` derives every AWS name and Terraform address from them. The traffic of a deployment
is values (``traffic``) kept in a reviewed file (``traffic_file``). Nothing here imports cdktf.
"""

from .stack import Deployment, Function, RestApi, Route, S3Backend, Stack

__all__ = ["Deployment", "Function", "RestApi", "Route", "S3Backend", "Stack"]
