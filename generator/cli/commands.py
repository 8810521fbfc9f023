"""What each ``bluegreen`` subcommand does, once its arguments are parsed (see ``cli``)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.layout import CONFIG
from ..core.messages import cli as msg
from ..features.loader import load_stack_file
from ..features.rollout.record import FAILED, INTERFERED, PROMOTED
from ..model import naming
from ..model.traffic import Traffic, format_weight, is_count, is_too_large, is_version, parse_weight
from ..output.folder import synthesize
from ..output.workspace import STATE_DIR, Workspace
from ..releasing.aws import Access
from ..releasing.operations import Target, locate, promote, rollback, shift

EXIT_OK, EXIT_DIFFERS, EXIT_INVALID, EXIT_TOOL_FAILED = 0, 1, 2, 3
# A rollout that did not promote: rolled back (an alarm, the smoke test, a failed call) or
# aborted, traffic back on blue; or interfered with, the alias left as someone else set it.
EXIT_ROLLED_BACK, EXIT_INTERFERED = 4, 5


def synth(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    stack_file = load_stack_file(args.stack_file)
    workspace = Workspace.from_args(args, stack_file)
    if args.module and workspace.local:
        # The emulator applies root stacks (up --local); a module there would have no caller.
        raise InvalidInput(Problem(Argument("--module"), msg.MODULE_CANNOT_BE_COMBINED_WITH_LOCAL))
    if args.check and workspace.local:
        # A fresh synth to compare with would need the local traffic too; nobody commits that folder.
        raise InvalidInput(Problem(Argument("--check"), msg.CHECK_CANNOT_BE_COMBINED_WITH_LOCAL))
    if args.check:
        return _check(args, stack_file, workspace)
    if workspace.local:  # the emulator's output, which accepts timings for its immediate metrics
        stack_file = replace(stack_file, emulator=True)
    mode = {"module": True} if args.module else {}  # a root synth is called as it always was
    result = synthesize(stack_file, workspace.out_dir, use_cache=not args.no_cache,
                        traffic_dir=workspace.traffic_dir, **mode)
    for stack, folder in zip(stack_file.stacks, result.folders, strict=False):
        count = len(stack.deployments)
        print(f"synthesized {'module' if args.module else 'stack'} {stack.name} ({count} "
              f"deployment{'s' * (count != 1)}): {os.path.relpath(folder)}/{CONFIG}")
    print(f"done in {time.perf_counter() - started:.2f}s{' (from the synth cache)' if result.cached else ''}")
    return EXIT_OK


def _check(args: argparse.Namespace, stack_file, workspace: Workspace) -> int:
    from ..output.check import stale_files

    # Paths as the user gave --out, or relative to the current folder for the default.
    shown = args.out if args.out is not None else os.path.relpath(workspace.out_dir)
    stale = stale_files(stack_file, workspace.out_dir, use_cache=not args.no_cache, module=args.module)
    for difference in stale:  # missing, extra or differs: each path under the output folder
        print(f"{difference.kind}: {os.path.join(shown, difference.path)}")
    if stale:
        print(msg.files_differ(len(stale), synth_command(args, module=args.module)), file=sys.stderr)
    return EXIT_DIFFERS if stale else EXIT_OK


def shift_command(args: argparse.Namespace) -> int:
    try:
        weight = parse_weight(args.weight)
    except ValueError as error:
        raise InvalidInput(Problem(Argument("WEIGHT"), str(error))) from None
    _check_version(args.version)
    target = _target(args)
    _report(args, target, *shift(target, weight, args.version))
    return EXIT_OK


def promote_command(args: argparse.Namespace) -> int:
    _check_version(args.version)
    target = _target(args)
    _report(args, target, *promote(target, args.version, args.skip_canary))
    return EXIT_OK


def rollback_command(args: argparse.Namespace) -> int:
    target = _target(args)
    _report(args, target, *rollback(target))
    return EXIT_OK


def status_command(args: argparse.Namespace) -> int:
    from ..releasing.status import (
        INVALID_STATE,
        STATE_TOOL_FAILED,
        collect_status,
        render_status_json,
        render_status_text,
    )

    stack_file = load_stack_file(args.stack_file, read_sources=False)
    workspace = Workspace.from_args(args, stack_file)
    # AWS (or the emulator) is asked only about deployments with a rollout applied.
    rows = collect_status(stack_file, workspace, lambda region: access_for(args, workspace, region))
    sys.stdout.write(render_status_json(rows) if args.json else render_status_text(rows))
    # State not read: every row is shown, and the exit status is shift's and promote's for that state.
    failed = {row.state_not_read for row in rows}
    return EXIT_TOOL_FAILED if STATE_TOOL_FAILED in failed else EXIT_INVALID if INVALID_STATE in failed else EXIT_OK


def prune_command(args: argparse.Namespace) -> int:
    from ..releasing.prune import LambdaVersions, lambda_client, prune

    keep = _check_keep(args.keep)
    stack_file = load_stack_file(args.stack_file, read_sources=False)
    workspace = Workspace.from_args(args, stack_file)
    target = locate(stack_file, args.deployment, workspace)
    function = naming.function_name(target.stack.name, target.deployment)
    access = access_for(args, workspace, target.stack.region)
    client = lambda_client(access.region, function, access.endpoint, access.credentials)
    prune(target, keep, LambdaVersions(client, function), dry_run=args.dry_run,
          echo=lambda line: print(line, flush=True))  # each deletion shows at once, even if a later one fails
    return EXIT_OK


def summary_command(args: argparse.Namespace) -> int:
    from ..releasing.plan_summary import render_summary, summarize_file

    sys.stdout.write(render_summary(summarize_file(Path(args.plan_json)), args.format))
    return EXIT_OK


def init_command(args: argparse.Namespace) -> int:
    from .scaffold import ignore_state_folder, write_scaffold

    written = write_scaffold(args.name, Path(args.dir))
    for path in written:
        print(f"wrote {path.as_posix()}")
    ignore = ignore_state_folder(Path(args.dir))
    if ignore is not None:
        print(f"added /{STATE_DIR}/ to {os.path.relpath(ignore)}")
    print(f"next: bluegreen synth {written[0].as_posix()}")
    return EXIT_OK


def up_command(args: argparse.Namespace) -> int:
    from ..local import emulator  # the emulator's commands load it (and urllib) only when run
    from ..local.up import deploy, refuse_what_cannot_run

    emulator.require_local_extra()
    stack_file = load_stack_file(args.stack_file)
    refuse_what_cannot_run(stack_file)
    workspace = Workspace.from_args(args, stack_file)
    server = emulator.start_emulator(workspace)
    print(f"moto emulator: {server.endpoint} (pid {server.pid}); stop it with: bluegreen down")
    if _rollouts_block_apply(args, stack_file, workspace):  # guard's check: the apply would undo them
        return EXIT_DIFFERS
    for served in deploy(stack_file, workspace, server):
        split = ", ".join(f"v{version} {share * 100:g}%" for version, share in served.shares.items())
        print(f"{served.stack}/{served.deployment}: alias {served.alias} -> {split}" + _invoke_urls(served.urls))
        for url in served.local_urls:  # a fixed contract: exactly this, one line per door
            print(f"local URL: {url}")
    return EXIT_OK


def _invoke_urls(urls: tuple[tuple[str, str], ...]) -> str:
    # Every door alike: its URL, named by its door when the deployment has more than one.
    if len(urls) == 1:
        return f"; invoke URL {urls[0][1]}"
    return "; invoke URLs " + ", ".join(f"{url} ({label})" for label, url in urls) if urls else ""


def down_command(args: argparse.Namespace) -> int:
    from ..local import emulator

    stopped = emulator.stop_emulator(Workspace.from_args(args))
    print("moto emulator stopped; local state removed" if stopped else "no emulator was running")
    return EXIT_OK


def env_command(args: argparse.Namespace) -> int:
    from ..local import emulator, shell

    touched = (*emulator.CLEARED_VARIABLES, *emulator.EXPORTED_VARIABLES)
    if args.unset:  # the way back needs no emulator: it is most useful after down
        sys.stdout.write(shell.leave(touched))
        return EXIT_OK
    emulator.require_local_extra()
    workspace = Workspace.from_args(args)
    server = emulator.running_emulator(workspace)
    variables = emulator.emulator_variables(server, workspace, emulator.deployed_region(workspace))
    sys.stdout.write(shell.enter(variables, emulator.CLEARED_VARIABLES, touched))
    return EXIT_OK


def cache_command(args: argparse.Namespace) -> int:
    from ..output import cache

    project = Workspace.from_args(args).root
    deleted, shared = cache.clean(project)
    print(f"synth cache {cache.cache_dir()}: deleted {deleted} entr{'y' if deleted == 1 else 'ies'} of "
          f"{project}" + (f"; kept {shared} that another project also uses" if shared else ""))
    return EXIT_OK


def rollout_command(args: argparse.Namespace) -> int:
    from ..features.rollout import messages as rollout_msg
    from .rollout_runner import CONTROLLED, STARTED, run_rollout

    stack_file = load_stack_file(args.stack_file, read_sources=False)
    workspace = Workspace.from_args(args, stack_file)
    target = locate(stack_file, args.deployment, workspace)
    # Read from a caller's root module: the outcome reaches its plan through the module's traffic.json.
    then = rollout_msg.synth_the_module(synth_command(args, module=True)) if target.state_module else None
    result = run_rollout(args, target, access_for(args, workspace, target.stack.region), then)
    exits = {STARTED: EXIT_OK, CONTROLLED: EXIT_OK, PROMOTED: EXIT_OK, INTERFERED: EXIT_INTERFERED,
             FAILED: EXIT_TOOL_FAILED}
    return exits.get(result, EXIT_ROLLED_BACK)  # rolled back (also after promotion), inconclusive or aborted


def guard_command(args: argparse.Namespace) -> int:
    stack_file = load_stack_file(args.stack_file, read_sources=False)
    workspace = Workspace.from_args(args, stack_file)
    if _rollouts_block_apply(args, stack_file, workspace):
        return EXIT_DIFFERS
    print("no rollout is running or waiting to be written: terraform apply may go ahead")
    return EXIT_OK


def _rollouts_block_apply(args: argparse.Namespace, stack_file, workspace: Workspace) -> bool:
    """Whether an apply would undo a rollout (running, or its outcome not written); each is
    printed, then why the apply must wait (``guard``, and ``up --local`` before it applies)."""
    from ..features.rollout import messages as rollout_msg
    from .rollout_runner import blocking_rollouts

    synth = synth_command(args, module=True) if workspace.caller_dir is not None else None
    blocking = blocking_rollouts(stack_file, workspace, lambda region: access_for(args, workspace, region), synth)
    for line in blocking:
        print(line)
    if blocking:
        print(rollout_msg.rollouts_block_apply(len(blocking)), file=sys.stderr)
    return bool(blocking)


def access_for(args: argparse.Namespace, workspace: Workspace, region: str) -> Access:
    """AWS as boto3 finds it, or with ``--local`` the recorded emulator with its test credentials,
    whatever AWS_* says."""
    if not args.local:
        return Access(region)
    from ..local import emulator

    variables = emulator.emulator_variables(emulator.running_emulator(workspace), workspace)
    return Access(region, variables["AWS_ENDPOINT_URL"],
                  (variables["AWS_ACCESS_KEY_ID"], variables["AWS_SECRET_ACCESS_KEY"]))


def _check_version(version: str | None) -> None:
    if is_too_large(version):
        raise InvalidInput(Problem(Argument("--version"), msg.version_must_be_at_most_the_largest(version)))
    if version is not None and not is_version(version):
        raise InvalidInput(Problem(Argument("--version"), msg.version_must_be_a_number(version)))


def _check_keep(keep: str) -> int:
    if keep.isascii() and keep.isdigit() and not is_count(keep):
        raise InvalidInput(Problem(Argument("--keep"), msg.keep_must_be_at_most_the_largest(keep)))
    if not is_count(keep):
        raise InvalidInput(Problem(Argument("--keep"), msg.keep_must_be_a_whole_number(keep)))
    return int(keep)


def _target(args: argparse.Namespace) -> Target:
    """The deployment that shift, promote or rollback edits."""
    stack_file = load_stack_file(args.stack_file, read_sources=False)
    return locate(stack_file, args.deployment, Workspace.from_args(args, stack_file))


def _report(args: argparse.Namespace, target: Target, before: Traffic, after: Traffic) -> None:
    name = f"{target.stack.name}/{target.deployment.name}"

    def show(t: Traffic) -> str:
        blue = f"blue v{t.blue_version}" if t.blue_version else "blue unpinned"
        green = f"green v{t.green_version}" if t.green_version else "no green"
        return f"{blue}, {green}, green weight {format_weight(t.green_weight)}"
    if before == after:
        print(f"{name}: {show(before)} (no change; nothing written)")
        return
    print(f"{name}: {show(before)} -> {show(after)}")
    # The local traffic reaches the emulator through up, which synthesizes and applies in one go.
    if args.local:
        next_step = f"bluegreen up {shlex.quote(args.stack_file)} --local"
    elif target.module_only:  # its plan is the calling root module's, which reads the module's traffic.json
        next_step = f"{synth_command(args, module=True)}, then terraform plan in the root module that calls it"
    else:
        next_step = f"{synth_command(args, module=False)}, then terraform plan"
    print(f"wrote {os.path.relpath(target.traffic_file)}; next: {next_step}")


def synth_command(args: argparse.Namespace, module: bool) -> str:
    """The ``bluegreen synth`` that refreshes what this command's arguments name: the same stack
    file and ``--out``, and ``--module`` for a module, so that it can be run as it is printed."""
    words = ["bluegreen", "synth", args.stack_file, *(["--module"] if module else []),
             *(["--out", args.out] if args.out is not None else [])]
    return shlex.join(words)
