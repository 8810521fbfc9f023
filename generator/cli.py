"""The ``bluegreen`` command: parse arguments, call the layers, map errors to exit codes.

Exit status: 0 done; 2 invalid input (a message naming the field and value, no traceback);
1 anything unexpected. ``BLUEGREEN_DEBUG=1`` adds the traceback for unexpected errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from .errors import InvalidInput, ToolMissing
from .loader import load_stack_file

EXIT_OK, EXIT_UNEXPECTED, EXIT_INVALID = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    # argparse itself exits 2 on bad arguments, the same status as any other bad input.
    parser = argparse.ArgumentParser(prog="bluegreen", description="Blue/green Lambda releases with Terraform.")
    commands = parser.add_subparsers(dest="command", required=True)
    synth = commands.add_parser("synth", help="synthesize a stack file to Terraform JSON")
    synth.add_argument("stack_file", metavar="STACK_FILE", help="Python file that defines STACKS")
    synth.add_argument("--out", default="cdktf.out", metavar="DIR",
                       help="output folder (default: cdktf.out)")
    synth.set_defaults(run=_synth)
    return parser


def _synth(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    stack_file = load_stack_file(args.stack_file)
    from .synthesis.synthesize import synthesize  # cdktf loads only for commands that need it

    folders = synthesize(stack_file, Path(args.out))
    elapsed = time.perf_counter() - started
    for stack, folder in zip(stack_file.stacks, folders):
        count = len(stack.deployments)
        print(f"synthesized stack {stack.name} ({count} deployment{'s' * (count != 1)}): "
              f"{os.path.relpath(folder)}/cdk.tf.json")
    print(f"done in {elapsed:.1f}s")
    return EXIT_OK


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
