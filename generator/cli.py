"""The ``bluegreen`` command: parse arguments, call the layers, map errors to exit codes.

Exit status: 0 done; 2 invalid input (a message naming the field and value, no traceback);
1 anything unexpected, or ``synth --check`` found differences. ``BLUEGREEN_DEBUG=1`` adds the
traceback for unexpected errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from . import commands
from .errors import InvalidInput, ToolMissing

EXIT_UNEXPECTED, EXIT_INVALID = 1, 2
OUT_HELP = "the synthesized output folder (default: cdktf.out)"


def build_parser() -> argparse.ArgumentParser:
    # argparse itself exits 2 on bad arguments, the same status as any other bad input.
    parser = argparse.ArgumentParser(prog="bluegreen", description="Blue/green Lambda releases with Terraform.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    synth = _command(sub, "synth", commands.synth, "synthesize a stack file to Terraform JSON")
    synth.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 listing the files that differ from a fresh synth")
    synth.add_argument("--no-cache", action="store_true", help="synthesize with cdktf even when the "
                       "synth cache holds this exact input")

    shift = _command(sub, "shift", commands.shift_command, "send a share of traffic to green", deployment=True)
    shift.add_argument("weight", metavar="WEIGHT", help="0.25 or 25%%")
    promote = _command(sub, "promote", commands.promote_command, "make green the new blue, weight 0",
                       deployment=True)
    promote.add_argument("--version", metavar="N", help="the version to pin (default: the applied green version)")
    _command(sub, "rollback", commands.rollback_command, "send all traffic back to blue", deployment=True)
    status = _command(sub, "status", commands.status_command, "show versions, weights and phases")
    status.add_argument("--json", action="store_true", help="machine-readable output")

    summary = sub.add_parser("summary", help="summarize `terraform show -json PLAN` for reviewers")
    summary.add_argument("plan_json", metavar="PLAN_JSON")
    summary.add_argument("--format", choices=("md", "text"), default="md")
    summary.set_defaults(run=commands.summary_command)

    init = sub.add_parser("init", help="scaffold a new stack file and handler")
    init.add_argument("name", metavar="NAME", help="lower-case letters and digits")
    init.add_argument("--dir", default="stacks", help="folder for the stack file (default: stacks)")
    init.set_defaults(run=commands.init_command)

    up = sub.add_parser("up", help="deploy a stack on a local AWS emulator (moto)")
    up.add_argument("stack_file", metavar="STACK_FILE")
    up.add_argument("--local", action="store_true", required=True,
                    help="required: the only target of `up` is the local emulator")
    up.set_defaults(run=commands.up_command)
    down = sub.add_parser("down", help="stop the local emulator and drop its state")
    down.set_defaults(run=commands.down_command)
    return parser


def _command(sub, name: str, run, help_text: str, deployment: bool = False) -> argparse.ArgumentParser:
    command = sub.add_parser(name, help=help_text)
    command.add_argument("stack_file", metavar="STACK_FILE", help="Python file that defines STACKS")
    if deployment:
        command.add_argument("deployment", metavar="DEPLOYMENT", help="a deployment name (or STACK/DEPLOYMENT)")
    command.add_argument("--out", default="cdktf.out", metavar="DIR", help=OUT_HELP)
    command.set_defaults(run=run)
    return command


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except InvalidInput as error:
        print(f"error: {error.render()}", file=sys.stderr)
        return EXIT_INVALID
    except ToolMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        print(f"unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
        if os.environ.get("BLUEGREEN_DEBUG"):
            traceback.print_exc()
        else:
            print("(set BLUEGREEN_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
