"""``bluegreen verify`` on the command line: its arguments, what it prints and its exit status
(``releasing.verify`` invokes, ``releasing.verify_stats`` judges; docs/verify.md)."""

from __future__ import annotations

import argparse
import json
import sys

from ..features.loader import load_stack_file
from ..model import naming
from ..output.workspace import Workspace
from ..releasing.operations import locate
from ..releasing.verify import DEFAULT_REQUESTS, MAX_REQUESTS, parse_requests, read_event, verify
from ..releasing.verify_stats import CONFIDENCE, render_text, report_json
from .commands import EXIT_OK, access_for

# The split disagrees with the alias's weight, a version it does not route to answered, or an
# invoke answered an error (1 to 5 are taken: program.EPILOG).
EXIT_INCONSISTENT = 6

HELP = "invoke a deployment's alias N times and check the split against its weight"
DESCRIPTION = (f"Invoke the alias with Lambda's Invoke, N times (a few at once), and report per version the count, "
               f"the share against the weight the alias is configured with (read with GetAlias, not the traffic "
               f"file), errors (function errors and 5xx answers) and p50/p99 latency. Green's share must lie inside "
               f"the {CONFIDENCE:.1%} binomial (Wilson score) interval around the weight: exit 0 when it does and no "
               f"invoke answered an error, else exit {EXIT_INCONSISTENT}. On AWS every request is a real, billed "
               f"invocation of your function, with whatever it does: at most {MAX_REQUESTS:,}. With --local, the "
               "emulator runs the code (its choice of version is seeded, so counts repeat).")


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--requests", metavar="N", default=str(DEFAULT_REQUESTS),
                         help=f"how many invokes (1 to {MAX_REQUESTS:,}; each a billed invocation on AWS)")
    command.add_argument("--event", metavar="FILE", help="a JSON file: the event each invoke sends (default: an "
                         "API Gateway REST proxy event for GET /, docs/verify.md)")
    command.add_argument("--json", action="store_true", help="print one JSON object")


def verify_command(args: argparse.Namespace) -> int:
    requests = parse_requests(args.requests)
    payload = read_event(args.event)  # bad arguments first: nothing is invoked before they pass
    stack_file = load_stack_file(args.stack_file, read_sources=False)
    workspace = Workspace.from_args(args, stack_file)
    target = locate(stack_file, args.deployment, workspace)
    report = verify(target, access_for(args, workspace, target.stack.region), requests, payload)
    name = f"{target.stack.name}/{target.deployment.name}"
    function = naming.function_name(target.stack.name, target.deployment)
    if args.json:
        about = {"deployment": name, "function": function, "alias": target.deployment.alias}
        print(json.dumps(report_json(report, **about), indent=2, sort_keys=True))
    else:
        sys.stdout.write(render_text(report, name, function, target.deployment.alias))
    return EXIT_OK if report.consistent else EXIT_INCONSISTENT
