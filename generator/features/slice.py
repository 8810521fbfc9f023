"""The protocol every feature slice keeps, and the part of a deployment it is handed.

A feature is an optional part of a deployment that brings its own resources: a front door (REST
API, HTTP API, function URL, load balancer target) or a rollout. Its slice
(``generator.features.<feature>``) is the one place of everything about it: its declaration and
rules, its messages, its Terraform addresses, its synthesis and its outputs. The folds
(``features.validation``, ``features.addresses``, the synthesis of a deployment, its outputs) ask
each feature a deployment holds, through this protocol, so nothing decides twice what exists.

A slice's synthesis is the only part of it that imports cdktf, and only inside ``synthesize``:
validating, naming or reading a stack never loads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..core.errors import Problem
    from ..model.naming import Address
    from ..model.stack import Deployment


@dataclass(frozen=True)
class Part:
    """One feature as a deployment holds it: the deployment, the declaration, and its field
    (``"api"``, ``"api[1]"`` in a list of doors, ``"rollout"``)."""

    deployment: Deployment
    value: Any
    field: str


@dataclass(frozen=True)
class Context:
    """What a feature's rules may need beyond its deployment: the stack name that prefixes AWS
    names, and the stack's region (None for a library user's single deployment)."""

    name_prefix: Any
    region: Any = None


class Feature(Protocol):
    """What a slice gives the folds. ``name`` names it (``"http_api"``); ``declarations`` are
    the classes a stack file builds for it.

    A slice may also have ``stack_problems(region, deployments)``: what its parts across a stack
    must agree on (one CloudWatch role, unique domain names or listener priorities), asked with
    the (deployment, path) pairs that are valid on their own."""

    @property
    def name(self) -> str: ...

    @property
    def declarations(self) -> tuple[type, ...]: ...

    def problems(self, part: Part, at: str, context: Context) -> Iterator[Problem]:
        """Every problem of the declaration; ``at`` is the deployment's path (``shop.orders``), and
        the declaration's own fields are under ``f"{at}.{part.field}"``."""
        ...

    def addresses(self, part: Part) -> list[Address]:
        """Every Terraform address it adds; asked only of a declaration without problems."""
        ...

    def outputs(self, part: Part) -> dict[str, tuple[str, str]]:
        """Its Terraform outputs: ``what`` (``output_name``'s) to (description, value)."""
        ...

    def synthesize(self, scope: Any, part: Part, name_prefix: str) -> None:
        """Add its resources to ``scope`` (the deployment's construct); imports cdktf."""
        ...


class Door(Feature, Protocol):
    """A front door: how callers reach the alias. ``label`` names it to people (``"HTTP API"``);
    ``url_output`` is the output holding its URL (None when it has none);
    ``replacement_warnings`` what the plan summary says when a plan replaces one of its resources."""

    @property
    def label(self) -> str: ...

    @property
    def url_output(self) -> str | None: ...

    @property
    def replacement_warnings(self) -> dict[str, str]:
        """What the plan summary tells a reviewer when a plan replaces one of its resources, by
        resource type: the fact a replacement changes for callers."""
        ...

    def summary(self, part: Part) -> str:
        """One line for the stack README: the door, its routes, what it invokes."""
        ...
