"""``BlueGreenStack``: a Terraform root module for one ``Stack`` (provider, state backend, deployments),
or with ``module=True`` a child module (deployments only: the caller's provider and state apply)."""

from __future__ import annotations

from pathlib import Path

from cdktf import LocalBackend, S3Backend, TerraformStack
from constructs import Construct

from ..bindings.provider import AwsProvider
from ..bindings.terraform_text import literal
from ..core.layout import STATE_FILE
from ..model import naming
from ..model.archive import Archive
from ..model.stack import Stack
from .assets import under_path_module
from .deployment import BlueGreenDeployment, add_interface


class BlueGreenStack(TerraformStack):
    """One stack folder: the AWS provider for the region, the state's backend, deployments.

    ``module=True``: a child module for a caller's root module, with no provider configuration
    and no backend, its code archives named from ``path.module``. ``native_apart=True``: the
    moved blocks and the aliases' routing are left out of the JSON, for the caller to write
    beside it with ``native_files`` (bluegreen's own synth does).
    """

    def __init__(self, scope: Construct, stack: Stack, base_dir: Path,
                 archives: dict[tuple[str, str], Archive] | None = None, *, module: bool = False,
                 native_apart: bool = False, emulator: bool = False) -> None:
        super().__init__(scope, stack.name)
        if module:
            under_path_module(self)
        else:
            state_backend(self, stack)
        # Stack tags on every resource the provider manages; user text, so written literally.
        tags = {literal(key): literal(value) for key, value in stack.tags.items()}
        AwsProvider(self, "aws", region=stack.region, default_tags=[{"tags": tags}] if tags else None)
        self.deployments = [
            BlueGreenDeployment(self, deployment.name, deployment=deployment, name_prefix=stack.name,
                                base_dir=base_dir, add_variables_and_outputs=False,
                                archive=(archives or {}).get((stack.name, deployment.name)),
                                native_apart=native_apart, emulator=emulator)
            for deployment in stack.deployments
        ]
        add_interface(self, list(stack.deployments))
        if module:
            # A child module: the caller's provider and state apply (docs/aws-rules.md#r45-child-modules).
            # The provider construct stays for terraform.required_providers; cdktf's default local
            # backend goes too, with its note in the metadata. Stack tags are the provider's
            # default_tags: synth --module refuses them.
            self.add_override("provider", None)
            self.add_override("terraform.backend", None)
            self.add_override("//.metadata.backend", None)


def state_backend(scope: TerraformStack, stack: Stack) -> None:
    """Where the stack's state lives: a local file, or an S3 object (docs/aws-rules.md#r31-remote-state-in-s3)."""
    backend = stack.backend
    if backend is None:
        # cdktf's default local backend path is absolute; relative keeps output identical on
        # every machine and the state inside the stack folder.
        LocalBackend(scope, path=STATE_FILE)
        return
    # The typed backend, so cdktf adds no local one beside it. Its bucket is required, but a
    # partial configuration leaves the bucket to terraform init, and cdktf 0.21 has no
    # use_lockfile: both are overrides (None deletes the placeholder bucket).
    S3Backend(scope, bucket=backend.bucket or "-", key=backend.key or naming.state_key(stack),
              region=backend.region or stack.region, encrypt=backend.encrypt,
              dynamodb_table=backend.dynamodb_table)
    if backend.bucket is None:
        scope.add_override("terraform.backend.s3.bucket", None)
    if backend.use_lockfile:
        scope.add_override("terraform.backend.s3.use_lockfile", True)
