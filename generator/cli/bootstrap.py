"""``bluegreen bootstrap``: set up an account and region for API Gateway logging, once
(docs/aws-rules.md#r51-the-account-bootstrap); its arguments, checks and output."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.messages import bootstrap as msg
from ..core.messages import model as model_msg
from ..model import aws_limits as aws
from ..model.rules_backend import backend_problems
from ..model.stack import S3Backend
from ..output.workspace import Workspace
from ..releasing.aws import Access
from ..releasing.bootstrap import Bootstrap, apply_bootstrap, destroy_bootstrap
from ..terraform.runner import Terraform

EXIT_OK = 0
STATE_ARGUMENTS = {"bucket": "--state-bucket", "key": "--state-key", "region": "--state-region"}


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--region", required=True, metavar="REGION", help="the AWS region to set up")
    command.add_argument("--dir", metavar="DIR", help="the bootstrap's Terraform folder, where its state is kept "
                         "without --state-bucket (default: .bluegreen/bootstrap/REGION/ at the project root)")
    command.add_argument("--state-bucket", metavar="BUCKET", help="keep the state in this S3 bucket instead "
                         "(locked with a .tflock object, Terraform 1.10 or later)")
    command.add_argument("--state-key", metavar="KEY", help="the state's S3 key (default: "
                         "bluegreen/bootstrap/REGION/terraform.tfstate)")
    command.add_argument("--state-region", metavar="REGION", help="the state bucket's region (default: --region)")
    command.add_argument("--take-over", action="store_true", help="when the account's role was set by someone "
                         "else, set the bootstrap's in its place (default: leave it and say so)")
    command.add_argument("--destroy", action="store_true", help="delete the bootstrap's role and clear the "
                         "account's setting (needs --yes)")
    command.add_argument("--yes", action="store_true", help="with --destroy: go ahead although every logging "
                         "stage in the region stops logging")
    command.add_argument("--local", action="store_true", help="set up the running local emulator's account "
                         "(state under .bluegreen/local/, gone with the emulator)")


def bootstrap_command(args: argparse.Namespace) -> int:
    workspace = Workspace.from_args(args)
    bootstrap = _bootstrap(args, workspace)
    if args.destroy and not args.yes:
        raise InvalidInput(Problem(Argument("--destroy"), msg.destroy_needs_yes(args.region)))
    access, terraform = _target(args, workspace, bootstrap.region)

    def echo(line: str) -> None:
        print(line, flush=True)

    if args.destroy:
        print(f"warning: {msg.destroy_warning(args.region)}", file=sys.stderr, flush=True)
        destroy_bootstrap(bootstrap, access, terraform, echo=echo)
    else:
        apply_bootstrap(bootstrap, access, terraform, take_over=args.take_over, echo=echo)
    print(f"bootstrap of {args.region}: {os.path.relpath(bootstrap.folder)}")
    return EXIT_OK


def _bootstrap(args: argparse.Namespace, workspace: Workspace) -> Bootstrap:
    """The bootstrap the arguments name; ``InvalidInput`` naming every bad argument."""
    problems = []
    if args.region not in aws.AWS_REGIONS:
        problems.append(Problem(Argument("--region"), model_msg.must_be_an_aws_region(args.region)))
    given = {field: getattr(args, f"state_{field}") for field in STATE_ARGUMENTS}
    if args.local:
        shown = os.path.relpath(workspace.local_dir)
        problems += [Problem(Argument(name), msg.cannot_be_combined_with_local(name, shown))
                     for name, value in (("--dir", args.dir), *((STATE_ARGUMENTS[f], v) for f, v in given.items()))
                     if value is not None]
    backend = None
    if given["bucket"] is not None:
        backend = S3Backend(bucket=given["bucket"], key=given["key"], region=given["region"])
        problems += [Problem(Argument(STATE_ARGUMENTS[str(p.where).rsplit(".", 1)[-1]]), p.message)
                     for p in backend_problems(backend, "bootstrap")]
    elif not args.local:
        problems += [Problem(Argument(STATE_ARGUMENTS[f]), msg.needs_state_bucket(STATE_ARGUMENTS[f]))
                     for f in ("key", "region") if given[f] is not None]
    if problems:
        raise InvalidInput(problems)
    folder = Path(args.dir) if args.dir is not None else workspace.bootstrap_dir(args.region)
    return Bootstrap(args.region, folder.absolute(), backend)


def _target(args: argparse.Namespace, workspace: Workspace, region: str) -> tuple[Access, Terraform]:
    """AWS as boto3 and Terraform find it, or with ``--local`` the running emulator."""
    if not args.local:
        return Access(region), Terraform()
    from ..local import emulator  # the emulator's code (and urllib) only with --local
    from ..local.bootstrap import emulator_access

    emulator.require_local_extra()
    server = emulator.running_emulator(workspace)
    return emulator_access(server, workspace, region), Terraform(emulator.terraform_environment(server, workspace))
