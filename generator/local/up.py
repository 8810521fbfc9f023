"""``bluegreen up --local``: synthesize a stack file into the local workspace and apply it on the
running emulator, then read back what each alias serves.

Every ``up`` synthesizes again, with the local traffic (see ``output.workspace``): changed code
publishes the next version, exactly as it would on AWS. State is always local there: a stack's
``S3Backend`` is for the team's real state, never for a throwaway emulator. Terraform runs through the one runner
(``terraform.runner``), with the emulator's variables (``emulator.terraform_environment``). Each region
a stack logs in is bootstrapped first, as on AWS (``local.bootstrap``).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..core.errors import ExternalToolFailed, Field, InvalidInput, Problem
from ..core.messages import local_doors as msg
from ..core.messages import local_runtime as runtime_msg
from ..features import doors_in
from ..features.loader import StackFile
from ..model import naming
from ..model.stack import Deployment, Stack
from ..output.folder import synthesize
from ..output.workspace import Workspace
from ..terraform.runner import Terraform
from .bootstrap import bootstrap_regions
from .doors.server import DOORS_PATH
from .emulator import Emulator, terraform_environment
from .runtime.runtimes import runs_locally


@dataclass(frozen=True)
class ServedAlias:
    """What one deployment's alias serves on the emulator after ``up``."""

    stack: str
    deployment: str
    alias: str
    shares: dict[str, float]   # version -> share of traffic, primary first
    urls: tuple[tuple[str, str], ...]  # (door label, its URL) for each front door that has one
    local_urls: tuple[str, ...] = ()  # where the emulator serves each of those doors on loopback


def deploy(stack_file: StackFile, workspace: Workspace, emulator: Emulator) -> Iterator[ServedAlias]:
    """Synthesize, then ``init`` and ``apply`` each stack in turn; yield each alias once applied."""
    terraform = Terraform(terraform_environment(emulator, workspace))
    stack_file = with_local_state(stack_file)
    result = synthesize(stack_file, workspace.out_dir, traffic_dir=workspace.traffic_dir)
    bootstrap_regions(stack_file, workspace, emulator, terraform)  # the account's logging role, as on AWS
    for stack, folder in zip(stack_file.stacks, result.folders, strict=True):
        terraform.init(folder)
        terraform.apply(folder)
        outputs = terraform.outputs(folder)
        for deployment in stack.deployments:
            yield _served(emulator, stack, deployment, outputs)


def refuse_what_cannot_run(stack_file: StackFile) -> None:
    """``InvalidInput`` naming each function whose runtime the emulator cannot run
    (docs/local-code.md): checked before the emulator starts, so nothing is applied."""
    problems = [Problem(Field(f"{stack.name}.{deployment.name}.function.runtime"),
                        runtime_msg.runtime_cannot_run_locally(deployment.function.runtime))
                for stack in stack_file.stacks for deployment in stack.deployments
                if not runs_locally(deployment.function.runtime)]
    if problems:
        raise InvalidInput(problems)


def with_local_state(stack_file: StackFile) -> StackFile:
    """``stack_file`` with every stack's state local, marked for the emulator: the emulator's state
    is throwaway, and must never reach (or wait for) a team's state bucket."""
    return replace(stack_file, stacks=tuple(replace(stack, backend=None) for stack in stack_file.stacks),
                   emulator=True)


def _served(emulator: Emulator, stack: Stack, deployment: Deployment, outputs: dict[str, object]) -> ServedAlias:
    import boto3  # from the local extra (with moto), checked before up starts

    client = boto3.client("lambda", endpoint_url=emulator.endpoint, region_name=stack.region,
                          aws_access_key_id="test", aws_secret_access_key="test")
    alias = client.get_alias(FunctionName=naming.function_name(stack.name, deployment), Name=deployment.alias)
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    shares = {alias["FunctionVersion"]: 1 - sum(weights.values()), **weights}
    urls = [(door.label, outputs.get(naming.output_name(deployment, door.url_output)))
            for door, _ in doors_in(deployment) if door.url_output is not None]
    served = tuple((label, url) for label, url in urls if isinstance(url, str))
    return ServedAlias(stack.name, deployment.name, deployment.alias, shares, served,
                       tuple(local_url(emulator, url) for _, url in served))


def local_url(emulator: Emulator, url: str) -> str:
    """Where the emulator serves the door at ``url`` on loopback (its control path starts the
    listener the first time: docs/local-doors.md)."""
    request = urllib.request.Request(emulator.endpoint + DOORS_PATH, data=json.dumps({"url": url}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return str(json.loads(answer.read())["local_url"])
    except (OSError, ValueError, KeyError) as error:
        raise ExternalToolFailed(msg.door_not_served(url, error)) from error
