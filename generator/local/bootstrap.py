"""The emulator's account bootstrap: ``up --local`` sets up each region its stacks log in, as a
user runs ``bluegreen bootstrap --region R`` once on AWS (docs/aws-rules.md#r51-the-account-bootstrap).

The emulator refuses a logging stage while its account names no CloudWatch role, as AWS does
(``moto_extras``), so a stack whose APIs log through the account's existing role
(``AccessLogs.cloudwatch_role="existing"``, the default) needs the bootstrap first. A region whose
account names a role already (a bootstrap of an earlier ``up``, or a stack's own) is left as it is.
The state is the emulator's (``Workspace.bootstrap_dir``), gone with it.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.messages import bootstrap as msg
from ..features.doors import door_of
from ..features.loader import StackFile
from ..features.rest_api import RestApi
from ..features.rest_api.options import EXISTING_ROLE
from ..model.stack import Stack
from ..output.workspace import Workspace
from ..releasing.aws import Access
from ..releasing.bootstrap import Bootstrap, account_role, apply_bootstrap
from ..terraform.runner import Terraform
from .emulator import Emulator, emulator_variables


def emulator_access(emulator: Emulator, workspace: Workspace, region: str) -> Access:
    """``Access`` to the emulator in ``region``, with its test credentials whatever AWS_* says."""
    variables = emulator_variables(emulator, workspace, region)
    return Access(region, variables["AWS_ENDPOINT_URL"],
                  (variables["AWS_ACCESS_KEY_ID"], variables["AWS_SECRET_ACCESS_KEY"]))


def bootstrap_regions(stack_file: StackFile, workspace: Workspace, emulator: Emulator, terraform: Terraform,
                      echo: Callable[[str], None] = print) -> list[str]:
    """Bootstrap every region where a stack logs through the account's role and none is set; the
    regions bootstrapped."""
    done = []
    for region in sorted({stack.region for stack in stack_file.stacks if logs_through_account(stack)}):
        access = emulator_access(emulator, workspace, region)
        if account_role(access) is None:
            echo(msg.bootstrapping_emulator(region))
            apply_bootstrap(Bootstrap(region, workspace.bootstrap_dir(region)), access, terraform, echo=echo)
            done.append(region)
    return done


def logs_through_account(stack: Stack) -> bool:
    """Whether a REST API of ``stack`` logs through the account's existing role. Only a REST API
    has access logs: ``Deployment.api`` may hold another door, or a list of doors."""
    apis = [door_of(d, RestApi)[1] for d in stack.deployments]
    return any(api.access_logs.cloudwatch_role == EXISTING_ROLE for api in apis
               if api is not None and api.access_logs is not None)
