"""``bluegreen bootstrap``: apply (or destroy) the account bootstrap of one region, its one owner of
API Gateway's CloudWatch role setting (docs/aws-rules.md#r51-the-account-bootstrap).

The bootstrap's Terraform runs in its own folder (``Bootstrap.folder``), which keeps the state
unless an S3 backend is given: a second apply then finds everything in place and changes
nothing, and ``--destroy`` knows what to delete. Before an apply the account's setting is read:

- none, or the bootstrap's own role: apply (its own role with no state here is refused: the
  state is where the first run kept it, and an apply would fail creating the role again);
- another role, set by someone else: left alone and said so (stacks log through it as well),
  unless ``take_over``, which sets the bootstrap's role in its place and says which one it was.

Before a destroy too: when the setting names another role by now, the bootstrap stops managing
the setting (``terraform state rm``) so that destroying its own role never clears someone else's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Argument, ExternalToolFailed, InvalidInput, Problem
from ..core.layout import CONFIG
from ..core.messages import bootstrap as msg
from ..features.rest_api.addresses import RestApiAddresses
from ..model import naming
from ..model.stack import S3Backend, Stack
from ..terraform.runner import Terraform
from .aws import Access, AwsCallFailed, answer

APPLIED, LEFT_ALONE, DESTROYED = "applied", "left alone", "destroyed"


@dataclass(frozen=True)
class Bootstrap:
    """One region's bootstrap: its Terraform ``folder`` and where its state lives (``backend``
    None: ``terraform.tfstate`` in the folder)."""

    region: str
    folder: Path
    backend: S3Backend | None = None

    @property
    def stack(self) -> Stack:
        backend = self.backend
        if backend is not None and backend.key is None:
            backend = S3Backend(backend.bucket, naming.bootstrap_state_key(self.region), backend.region,
                                backend.use_lockfile, backend.dynamodb_table, backend.encrypt)
        return Stack(name=naming.BOOTSTRAP_STACK, region=self.region, backend=backend)

    def owns(self, role_arn: str | None) -> bool:
        """Whether ``role_arn`` is this bootstrap's role (created at IAM's root path ``/``)."""
        return bool(role_arn) and str(role_arn).endswith(f":role/{naming.bootstrap_role_name(self.region)}")


def account_role(access: Access) -> str | None:
    """The role ARN the account's API Gateway settings in ``access.region`` name; None when unset."""
    client = access.client("apigateway", lambda error: msg.account_unreadable(access.region, str(error)))
    try:
        return answer(client.get_account).get("cloudwatchRoleArn") or None
    except AwsCallFailed as error:
        raise ExternalToolFailed(msg.account_unreadable(access.region, error.detail)) from None


def apply_bootstrap(bootstrap: Bootstrap, access: Access, terraform: Terraform, *, take_over: bool = False,
                    echo: Callable[[str], None] = print) -> str:
    """Apply the bootstrap (``APPLIED``), or leave a setting someone else made (``LEFT_ALONE``)."""
    current = account_role(access)
    if current is not None and not bootstrap.owns(current):
        if not take_over:
            echo(msg.set_by_someone_else(bootstrap.region, current))
            return LEFT_ALONE
        echo(msg.taking_over(bootstrap.region, current))
    _write_config(bootstrap)
    terraform.init(bootstrap.folder)
    if bootstrap.owns(current) and not terraform.resources(bootstrap.folder):
        # Its role exists and is set, but this state never made it: an apply would fail creating it.
        raise InvalidInput(_state_is_elsewhere(bootstrap, str(current)))
    echo(_summary(terraform.apply(bootstrap.folder).stdout))
    role = terraform.outputs(bootstrap.folder).get(naming.BOOTSTRAP_ROLE_OUTPUT)
    echo(msg.role_in_place(bootstrap.region, str(role)))
    return APPLIED


def destroy_bootstrap(bootstrap: Bootstrap, access: Access, terraform: Terraform,
                      echo: Callable[[str], None] = print) -> str:
    """Destroy the bootstrap's role and clear the setting, unless the setting names another role by now."""
    current = account_role(access)
    _write_config(bootstrap)
    terraform.init(bootstrap.folder)
    account = RestApiAddresses.api_account
    if current is not None and not bootstrap.owns(current) and account in terraform.resources(bootstrap.folder):
        echo(msg.destroy_leaves_setting(bootstrap.region, current))
        terraform.forget(bootstrap.folder, account)
    echo(_summary(terraform.destroy(bootstrap.folder).stdout))
    return DESTROYED


def _state_is_elsewhere(bootstrap: Bootstrap, current: str) -> Problem:
    backend = bootstrap.backend
    if backend is not None:
        return Problem(Argument("--state-bucket"), msg.state_is_elsewhere(bootstrap.region, current,
                                                                          f"s3://{backend.bucket}"))
    return Problem(Argument("--dir"), msg.state_is_elsewhere(bootstrap.region, current,
                                                             os.path.relpath(bootstrap.folder)))


def _write_config(bootstrap: Bootstrap) -> None:
    """The bootstrap's ``cdk.tf.json`` in its folder, rewritten only when it changes (atomically)."""
    from ..synthesis.bootstrap import bootstrap_config  # cdktf (Node.js) only when a bootstrap runs

    text = bootstrap_config(bootstrap.stack)
    path = bootstrap.folder / CONFIG
    if path.is_file() and path.read_text() == text:
        return
    bootstrap.folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{CONFIG}.new")
    temporary.write_text(text)
    os.replace(temporary, path)


def _summary(printed: str) -> str:
    """Terraform's last line of an apply or destroy: ``Apply complete! Resources: ...``."""
    lines = [line for line in printed.splitlines() if line.strip()]
    found = [line for line in lines if line.startswith(("Apply complete!", "Destroy complete!", "No changes."))]
    return (found or lines or ["(terraform printed nothing)"])[-1]
