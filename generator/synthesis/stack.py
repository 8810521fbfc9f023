"""``BlueGreenStack``: a Terraform root module for one ``Stack`` (provider, local state, deployments)."""

from __future__ import annotations

from pathlib import Path

from cdktf import LocalBackend, TerraformStack
from constructs import Construct

from ..core.layout import STATE_FILE
from ..model.archive import Archive
from ..model.stack import Stack
from .deployment import BlueGreenDeployment, add_interface
from .provider import AwsProvider


class BlueGreenStack(TerraformStack):
    """One stack folder: the AWS provider for the region, relative local state, deployments."""

    def __init__(self, scope: Construct, stack: Stack, base_dir: Path,
                 archives: dict[tuple[str, str], Archive] | None = None) -> None:
        super().__init__(scope, stack.name)
        # cdktf's default local backend path is absolute; relative keeps output identical on
        # every machine and the state inside the stack folder.
        LocalBackend(self, path=STATE_FILE)
        AwsProvider(self, "aws", region=stack.region)
        self.deployments = [
            BlueGreenDeployment(self, deployment.name, deployment=deployment, name_prefix=stack.name,
                                base_dir=base_dir, add_variables_and_outputs=False,
                                archive=(archives or {}).get((stack.name, deployment.name)))
            for deployment in stack.deployments
        ]
        add_interface(self, list(stack.deployments))
