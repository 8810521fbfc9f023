"""The ``bluegreen`` command: parse arguments, call the layers, map errors to exit codes.

Exit status (also in ``bluegreen --help``): 0 done; 1 anything unexpected, ``synth --check``
found differences, or ``guard`` found a rollout that an apply would undo; 2 invalid input (a
message naming the field and value, no traceback) or a required tool missing; 3 an external tool
(Terraform, the moto emulator, an AWS call) failed; 4 and 5 a rollout's outcomes; 130
interrupted; 141 the reader of the output went away (``bluegreen prune ... | head -1``), which ends
the command quietly, as the shell's own tools end on SIGPIPE. ``BLUEGREEN_DEBUG=1`` adds the
traceback for unexpected errors.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from importlib import metadata

from ..core.errors import ExternalToolFailed, InvalidInput, ToolMissing
from ..core.layout import CONFIG, MODULE_TRAFFIC, MODULES, STACKS, STATE_FILE, TFVARS
from ..releasing.prune import DEFAULT_KEEP
from . import commands, verify_command
from .bootstrap import add_arguments as add_bootstrap_arguments
from .bootstrap import bootstrap_command
from .commands import EXIT_INTERFERED, EXIT_INVALID, EXIT_ROLLED_BACK, EXIT_TOOL_FAILED
from .verify_command import EXIT_INCONSISTENT

EXIT_UNEXPECTED, EXIT_INTERRUPTED = 1, 130
# 128 + SIGPIPE: what a shell reports for a tool that a closed pipe ended (`yes | head -1`).
EXIT_BROKEN_PIPE = 141
EPILOG = f"""\
exit status:
  0    done
  {EXIT_UNEXPECTED}    an unexpected error (BLUEGREEN_DEBUG=1 shows the traceback),
       synth --check found differences, or guard found a rollout that
       terraform apply would undo
  {EXIT_INVALID}    invalid input (a bad argument, stack file, traffic file or emulator
       record, named in the message), or a required tool missing (Node.js,
       Terraform, the local extra)
  {EXIT_TOOL_FAILED}    an external tool failed: terraform, the moto emulator, or a call to AWS
       (prune, rollout, guard, bootstrap, verify; missing credentials too), or a rollout failed
       to put traffic back on blue
  {EXIT_ROLLED_BACK}    rollout: rolled back (an alarm, an error rate, the smoke test, a failed
       call), also after promotion, inconclusive (too few invocations), aborted or not
       started; traffic is on blue and the traffic file says so
  {EXIT_INTERFERED}    rollout: someone changed the alias during the rollout; it was left
       as they set it, and the traffic file now says what it serves
  {EXIT_INCONSISTENT}    verify: green's share is outside the interval around the alias's
       weight, a version the alias does not route to answered, or an invoke
       answered an error (a function error or a 5xx)
  {EXIT_INTERRUPTED}  interrupted
  {EXIT_BROKEN_PIPE}  the output's reader went away (| head): stopped quietly

Paths: .bluegreen/ and the default --out (cdktf.out) are at the project root, the
nearest folder above the stack file (or the current folder, for down and env)
holding .git or .bluegreen; else the current folder. --local works on the
emulator's own output and traffic under .bluegreen/local/, never the committed ones.
"""
OUT_HELP = "the synthesized output folder, relative to the current folder (default: cdktf.out at the project root)"
# Where status and guard read what is applied (terraform.state.read_state): said once, for both.
APPLIED_STATE = (f"the applied Terraform state (the stack folder's {STATE_FILE}, read directly with no "
                 "terraform init; with an S3Backend, terraform state pull in the stack folder, after "
                 "terraform init)")
# rollout, guard and status for a stack called as a child module: said once, for the three.
MODULE_DIR_READS = ("With --module-dir DIR, the applied state is a caller's root module's instead (its folder DIR, "
                    "where it runs terraform apply on synth --module output), the stack's resources under its "
                    "module block.")
LOCAL_HELP = ("work on the local emulator's output and traffic under .bluegreen/local/ "
              "instead of --out and the committed traffic file")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each real default: not None, not an off switch, not one the help already states."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False) or "(default" in (action.help or ""):
            return action.help or ""
        return super()._get_help_string(action) or ""


class TopHelpFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """``HelpFormatter`` that keeps the epilog's table of exit statuses as written."""


def build_parser() -> argparse.ArgumentParser:
    # argparse itself exits 2 on bad arguments, the same status as any other bad input.
    parser = argparse.ArgumentParser(prog="bluegreen", description="Blue/green and canary releases of AWS Lambda "
                                     "functions, synthesized to Terraform JSON.",
                                     epilog=EPILOG, formatter_class=TopHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}",
                        help="print bluegreen's version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    synth = _command(sub, "synth", commands.synth, "synthesize a stack file to Terraform JSON",
                     f"Write, per stack, DIR/{STACKS}/<stack>/: {CONFIG}, the code archives, "
                     f"{TFVARS} (the traffic file's values) and a README. With --module, "
                     f"DIR/{MODULES}/<stack>/ instead: a child module for your own root module.")
    synth.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 listing the files that differ from a fresh synth")
    synth.add_argument("--no-cache", action="store_true", help="run cdktf even when the synth cache "
                       "holds its output for this model (the code and traffic are written either way)")
    synth.add_argument("--module", action="store_true",
                       help=f"write each stack as a child module in DIR/{MODULES}/<stack>/: no provider "
                       f"configuration, no backend, code under path.module, and {MODULE_TRAFFIC} (the traffic "
                       "file's values as the module's arguments, for your root module to read)")

    shift = _command(sub, "shift", commands.shift_command, "send a share of traffic to green",
                     "Set the green weight in the traffic file, and name the green version that gets it: "
                     "--version, the green already getting traffic, or else the newest applied version "
                     "(read from the stack folder's Terraform state). Blue must be pinned; a weight of 0 "
                     "is a rollback, or with --version pins that green with no traffic (where a rollout with "
                     "provisioned concurrency starts). A version published later gets no traffic until a shift "
                     "names it.",
                     deployment=True)
    shift.add_argument("weight", metavar="WEIGHT", help="the share of traffic for green: 0.25 or 25%% "
                       "(steps of 0.0001, i.e. 0.01%%)")
    shift.add_argument("--version", metavar="N", help="the green version (default: the green already getting "
                       "traffic, else the newest applied version)")
    promote = _command(sub, "promote", commands.promote_command, "make green the new blue, weight 0",
                       "Pin blue and set the green weight to 0. Blue becomes --version, or else the green "
                       "getting traffic (with none, --version is required); while blue is unpinned, promote "
                       "pins the version now serving (the first one published). The new blue must be a version "
                       "the applied alias serves traffic to (read from the stack folder's Terraform state), so "
                       "that no promote skips the canary; --skip-canary promotes any other.", deployment=True)
    promote.add_argument("--version", metavar="N", help="the version to pin (default: the green getting "
                         "traffic)")
    promote.add_argument("--skip-canary", action="store_true", help="promote a version the applied alias "
                         "serves no traffic to (no canary, or one bluegreen cannot see: a stack synthesized "
                         "only as a module); without it, promote refuses such a version")
    _command(sub, "rollback", commands.rollback_command, "send all traffic back to blue",
             "Set the green weight to 0; blue stays as it is.", deployment=True)
    status = _command(sub, "status", commands.status_command, "show versions, weights and phases",
                      "Per deployment: blue, green, weight and phase, from the traffic file and "
                      f"{APPLIED_STATE}. What the alias serves is read from its "
                      "resource in that state, never from the outputs. A deployment with a rollout also "
                      "shows its execution, from AWS Step Functions (or the emulator with --local). "
                      f"{MODULE_DIR_READS} Writes nothing.")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    _module_arguments(status)
    prune = _command(sub, "prune", commands.prune_command, "delete old published versions of a function",
                     "The versions older than the N newest go, oldest first, each reported with its code "
                     "size, and the total freed. Never deleted: blue and green as "
                     "applied (the stack folder's Terraform state) and as in the traffic file, the first "
                     "version (blue while unpinned), the newest, any version an alias points at or routes "
                     "weight to, any version with provisioned concurrency, and $LATEST. Talks to AWS Lambda "
                     "with boto3 (its usual credentials, AWS_PROFILE and AWS_ENDPOINT_URL), or to the "
                     "emulator with --local.", deployment=True)
    prune.add_argument("--keep", metavar="N", default=str(DEFAULT_KEEP),
                       help="how many of the newest versions to keep besides the protected ones (0 keeps "
                       "only those)")
    prune.add_argument("--dry-run", action="store_true", help="report what would be deleted; delete nothing")

    _rollout_commands(sub)
    verify = _command(sub, "verify", verify_command.verify_command, verify_command.HELP,
                      verify_command.DESCRIPTION, deployment=True)
    verify_command.add_arguments(verify)

    summary = _subcommand(sub, "summary", commands.summary_command, "summarize a Terraform plan for reviewers",
                          "Read `terraform show -json PLAN` output and print its traffic change, warnings "
                          "and resource changes. Writes nothing.")
    summary.add_argument("plan_json", metavar="PLAN_JSON", help="the output of terraform show -json PLAN")
    summary.add_argument("--format", choices=("md", "text"), default="md",
                         help="Markdown for a pull-request comment, or plain text")

    init = _subcommand(sub, "init", commands.init_command, "scaffold a new stack file and handler",
                       "Write DIR/NAME.py and its handler from bluegreen's templates.")
    init.add_argument("name", metavar="NAME", help="the stack's name: lower-case letters and digits")
    init.add_argument("--dir", default="stacks", help="folder for the stack file")

    bootstrap = _subcommand(sub, "bootstrap", bootstrap_command, "set up an account and region for API Gateway "
                            "logging, once", "Apply a small Terraform root module that owns the account's "
                            "API Gateway CloudWatch role in REGION: an IAM role API Gateway may assume to "
                            "write logs, and the account setting naming it. Run it once per account and "
                            "region before the first stack with access logs (stacks leave the setting "
                            "alone: AccessLogs(cloudwatch_role='existing')); again, it changes nothing. "
                            "Keep its state (--dir or --state-bucket). A role set by someone else is left "
                            "alone (--take-over replaces it). Talks to AWS with boto3 and Terraform's usual "
                            "credentials, or to the emulator with --local (up --local does it by itself).")
    add_bootstrap_arguments(bootstrap)
    up = _subcommand(sub, "up", commands.up_command, "deploy a stack on a local AWS emulator (moto)",
                     "Start a moto server on a free loopback port (or reuse the running one), synthesize "
                     "into .bluegreen/local/ with the local traffic, and run terraform init and apply "
                     "against it. Refuses (exit 1), as guard does, while a rollout is running or has ended without its "
                     "outcome written: the apply would set its alias back. Needs bluegreen's local extra: "
                     "pip install 'bluegreen[local]'.")
    up.add_argument("stack_file", metavar="STACK_FILE", help="Python file that defines STACKS")
    _local_switch(up, "up")
    _subcommand(sub, "down", commands.down_command, "stop the local emulator and drop its state",
                "Stop the moto server that up started and remove .bluegreen/local/ (its Terraform "
                "state and local traffic). Never stops a process that is not that server.")
    env = _subcommand(sub, "env", commands.env_command, "print shell exports for the running emulator",
                      'Print export lines for terraform and the AWS CLI against the running emulator: '
                      'eval "$(bluegreen env --local)". Exit 2 when no emulator is running. The first one a '
                      'shell evaluates saves what it changes; eval "$(bluegreen env --local --unset)" puts '
                      "it all back.")
    _local_switch(env, "env")
    cache = _subcommand(sub, "cache", commands.cache_command, "manage the synth cache",
                        "clean: delete the synth cache's entries that this project (the folder holding .git or "
                        ".bluegreen above the current folder) used and no other project uses. Other checkouts' "
                        "entries stay. The cache is $BLUEGREEN_CACHE_DIR, else $XDG_CACHE_HOME/bluegreen/synth, "
                        "else ~/.cache/bluegreen/synth.")
    cache.add_argument("action", choices=("clean",), help="what to do")
    env.add_argument("--unset", action="store_true", help="print what puts back every variable env --local "
                     "set or cleared, as it was before (needs no running emulator)")
    return parser


def _rollout_commands(sub) -> None:
    """``rollout`` and ``guard``."""
    rollout = _command(sub, "rollout", commands.rollout_command,
                       "roll the newest version out through the deployment's steps, in AWS Step Functions",
                       "Start the deployment's rollout state machine for its newest applied version (the "
                       "execution is named after the deployment and that version, so running this again picks "
                       "it up instead of starting another), show its progress, and when it ends write the "
                       "outcome to the traffic file and <stack>.rollouts.json: promoted (blue := green, weight "
                       "0, exit 0), rolled back (also after promotion), inconclusive or aborted (weight 0, blue "
                       "serving, exit 4), interfered (what the alias "
                       "serves, exit 5). Before a start: blue pinned, green weight 0 in the traffic file, the "
                       "applied alias on blue alone, and a newer version than blue applied. --pause, --resume and "
                       "--promote-now give the running execution a control, obeyed at its next check: exit 0 when "
                       "it took it, 2 when none runs or the control does not apply now. "
                       f"{MODULE_DIR_READS} The outcome is written to the committed traffic file as always; synth "
                       f"--module then copies it into the module's {MODULE_TRAFFIC}, which the caller's plan reads.",
                       deployment=True)
    rollout.add_argument("--json", action="store_true", help="print one JSON object per event")
    rollout.add_argument("--no-wait", action="store_true", help="return once the execution is started (or "
                         "found); write nothing: a later run or --attach writes the outcome")
    choice = rollout.add_mutually_exclusive_group()
    choice.add_argument("--attach", action="store_true", help="only pick up the execution for the newest "
                        "version, running or ended; never start one")
    choice.add_argument("--retry", action="store_true", help="start another attempt for the same version "
                        "when the last one has ended")
    choice.add_argument("--abort", action="store_true", help="stop the running execution, put the alias back "
                        "on blue and write weight 0")
    choice.add_argument("--pause", action="store_true", help="hold the running execution's weight from its next "
                        "check (the gates still roll back), at most max_pause_s in all")
    choice.add_argument("--resume", action="store_true", help="let the paused execution bake on")
    choice.add_argument("--promote-now", action="store_true", help="skip the running execution's remaining "
                        "steps and bakes at its next check: promote, then run the final bake")
    rollout.add_argument("--reason", metavar="TEXT", help="with --abort: why, recorded as the execution's cause "
                         "and in <stack>.rollouts.json; with --pause, --resume or --promote-now: recorded there")
    _module_arguments(rollout)
    guard = _command(sub, "guard", commands.guard_command, "fail while terraform apply would undo a rollout",
             "Exit 1, naming them, while a deployment's rollout is running or has ended without its outcome "
             "in the traffic file: an apply then would set the alias back. Run it in CI before terraform "
             f"apply. It reads each deployment's state machine from {APPLIED_STATE}, so a rollout removed "
             "from the stack file still blocks, and its executions from AWS Step Functions (or the emulator "
             f"with --local). {MODULE_DIR_READS} Then it also fails while an outcome written to the traffic file "
             f"is not yet in the module's {MODULE_TRAFFIC} in --out (run synth --module): the caller's apply reads "
             "that copy.")
    _module_arguments(guard)


def _module_arguments(command: argparse.ArgumentParser) -> None:
    """``--module-dir`` and ``--module``: read a caller's root module (``rollout``, ``guard``, ``status``)."""
    command.add_argument("--module-dir", metavar="DIR", help="the root module folder of a caller of synth "
                         f"--module output: its state ({STATE_FILE}, or terraform state pull there when it has "
                         "none and terraform init ran there) is read instead of the stack folder's, the "
                         "stack's resources under its module block; the traffic stays in the committed traffic "
                         f"file, which synth --module copies into {MODULES}/<stack>/{MODULE_TRAFFIC} of --out")
    command.add_argument("--module", metavar="[STACK=]NAME", dest="module_names", action="append",
                         help='with --module-dir: the caller\'s module "NAME" block of the stack (default: the '
                         "stack's name, as the module README writes it); STACK=NAME when the stack file has "
                         "several stacks, once per stack")


def _subcommand(sub, name: str, run, help_text: str, description: str) -> argparse.ArgumentParser:
    command = sub.add_parser(name, help=help_text, description=f"{help_text[0].upper()}{help_text[1:]}. {description}",
                             formatter_class=HelpFormatter)
    command.set_defaults(run=run)
    return command


def _command(sub, name: str, run, help_text: str, description: str,
             deployment: bool = False) -> argparse.ArgumentParser:
    """A command on a stack file's traffic or output: STACK_FILE, --out and --local."""
    command = _subcommand(sub, name, run, help_text, description)
    command.add_argument("stack_file", metavar="STACK_FILE", help="Python file that defines STACKS")
    if deployment:
        command.add_argument("deployment", metavar="DEPLOYMENT", help="a deployment name (or STACK/DEPLOYMENT)")
    command.add_argument("--out", metavar="DIR", help=OUT_HELP)
    command.add_argument("--local", action="store_true", help=LOCAL_HELP)
    return command


def _local_switch(command: argparse.ArgumentParser, name: str) -> None:
    command.add_argument("--local", action="store_true", required=True,
                         help=f"required: the only target of `{name}` is the local emulator")


def _version() -> str:
    try:
        return metadata.version("bluegreen")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def entry() -> None:
    """The console script: ``main``, then an exit that skips jsii's exit hook after a Ctrl-C.

    A terminal's Ctrl-C reaches the whole process group, so jsii's Node.js process dies with
    bluegreen; jsii's own exit hook then writes to its closed pipe and prints a traceback.
    """
    code = main()
    try:
        sys.stdout.flush()  # what is still buffered: the reader may have gone by now
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    if code == EXIT_BROKEN_PIPE:
        # Python flushes stdout once more on exit, and would print that this failed: point it at
        # /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    if code == EXIT_INTERRUPTED and "jsii" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    with _interrupts_noted() as interrupted:
        return _main(argv, interrupted)


@contextmanager
def _interrupts_noted():
    """Note a SIGINT while raising KeyboardInterrupt as Python does.

    A Ctrl-C in the middle of synthesis often surfaces as some other error (jsii reading from the
    Node.js process that the same Ctrl-C stopped); noting it lets that be reported as the
    interrupt it is, with exit status 130.
    """
    noted: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return

    def handler(number, frame):
        noted.append(True)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def _main(argv: list[str] | None, interrupted: list[bool]) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except InvalidInput as error:
        print(f"error: {error.render()}", file=sys.stderr)
        return EXIT_INVALID
    except ToolMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except ExternalToolFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_TOOL_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError as error:
        if stdout_reader_gone():
            return EXIT_BROKEN_PIPE  # nobody reads any more: nothing to say, nowhere to say it
        return _unexpected(error, interrupted)  # another pipe (Terraform's, Node.js's) broke
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        return _unexpected(error, interrupted)


def _unexpected(error: Exception, interrupted: list[bool]) -> int:
    """The last line of defence: one line naming the error, no traceback unless asked for."""
    if interrupted:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"unexpected error: {type(error).__name__}: {error}", file=sys.stderr)
    if os.environ.get("BLUEGREEN_DEBUG"):
        traceback.print_exc()
    else:
        print("(set BLUEGREEN_DEBUG=1 for the traceback)", file=sys.stderr)
    return EXIT_UNEXPECTED


def stdout_reader_gone() -> bool:
    """Whether standard output is a pipe (or socket) that nobody reads any more.

    Checked rather than assumed from a ``BrokenPipeError``: that may come from any pipe, such as
    one to a tool bluegreen runs, and that failure must not pass quietly.
    """
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no real stdout (a test's capture): not a pipe
        return False


if __name__ == "__main__":
    entry()
