"""What each ``bluegreen`` subcommand does, once its arguments are parsed (see ``cli``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import emulator, naming
from .errors import InvalidInput, Problem
from .loader import load_stack_file
from .operations import locate, promote, rollback, shift
from .output_folder import synthesize
from .traffic import VERSION, Traffic, format_weight, parse_weight

EXIT_OK, EXIT_DIFFERS = 0, 1


def synth(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    stack_file = load_stack_file(args.stack_file)
    if args.check:
        from .synth_check import stale_files

        stale = stale_files(stack_file, Path(args.out), use_cache=not args.no_cache)
        for name in stale:
            print(f"differs: {os.path.join(args.out, name)}")
        if stale:
            print(f"{len(stale)} file(s) differ from a fresh synth: run bluegreen synth {args.stack_file}",
                  file=sys.stderr)
        return EXIT_DIFFERS if stale else EXIT_OK
    result = synthesize(stack_file, Path(args.out), use_cache=not args.no_cache)
    for stack, folder in zip(stack_file.stacks, result.folders):
        count = len(stack.deployments)
        print(f"synthesized stack {stack.name} ({count} deployment{'s' * (count != 1)}): "
              f"{os.path.relpath(folder)}/cdk.tf.json")
    print(f"done in {time.perf_counter() - started:.2f}s{' (from the synth cache)' if result.cached else ''}")
    return EXIT_OK


def shift_command(args: argparse.Namespace) -> int:
    try:
        weight = parse_weight(args.weight)
    except ValueError as error:
        raise InvalidInput(Problem("WEIGHT", str(error))) from None
    target = locate(load_stack_file(args.stack_file), args.deployment, Path(args.out))
    _report(target, *shift(target, weight))
    return EXIT_OK


def promote_command(args: argparse.Namespace) -> int:
    if args.version is not None and not VERSION.fullmatch(args.version):
        raise InvalidInput(Problem("--version", f"must be a published version number such as 3, got: {args.version!r}"))
    target = locate(load_stack_file(args.stack_file), args.deployment, Path(args.out))
    _report(target, *promote(target, args.version))
    return EXIT_OK


def rollback_command(args: argparse.Namespace) -> int:
    target = locate(load_stack_file(args.stack_file), args.deployment, Path(args.out))
    _report(target, *rollback(target))
    return EXIT_OK


def status_command(args: argparse.Namespace) -> int:
    from .status import collect_status, render_status_json, render_status_text

    rows = collect_status(load_stack_file(args.stack_file), Path(args.out))
    sys.stdout.write(render_status_json(rows) if args.json else render_status_text(rows))
    return EXIT_OK


def summary_command(args: argparse.Namespace) -> int:
    from .plan_summary import render_summary, summarize_file

    sys.stdout.write(render_summary(summarize_file(Path(args.plan_json)), args.format))
    return EXIT_OK


def init_command(args: argparse.Namespace) -> int:
    from .scaffold import write_scaffold

    written = write_scaffold(args.name, Path(args.dir))
    for path in written:
        print(f"wrote {path.as_posix()}")
    print(f"next: bluegreen synth {written[0].as_posix()}")
    return EXIT_OK


def up_command(args: argparse.Namespace) -> int:
    stack_file = load_stack_file(args.stack_file)
    server = emulator.start_emulator()
    print(f"moto emulator: {server.endpoint} (pid {server.pid}); stop it with: bluegreen down")
    env = emulator.terraform_environment(server)
    for stack, folder in zip(stack_file.stacks, synthesize(stack_file, emulator.LOCAL_OUT).folders):
        emulator.run_terraform(["init"], folder, env)
        emulator.run_terraform(["apply", "-auto-approve"], folder, env)
        outputs = json.loads(emulator.run_terraform(["output", "-json"], folder, env))
        for d in stack.deployments:
            _print_alias(server.endpoint, stack, d, outputs)
    return EXIT_OK


def down_command(args: argparse.Namespace) -> int:
    stopped = emulator.stop_emulator()
    print("moto emulator stopped; local state removed" if stopped else "no emulator was running")
    return EXIT_OK


def _print_alias(endpoint: str, stack, deployment, outputs: dict) -> None:
    import boto3  # comes with moto; only the emulator path needs it

    client = boto3.client("lambda", endpoint_url=endpoint, region_name=stack.region,
                          aws_access_key_id="test", aws_secret_access_key="test")
    alias = client.get_alias(FunctionName=naming.function_name(stack.name, deployment), Name=deployment.alias)
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    shares = {alias["FunctionVersion"]: 1 - sum(weights.values()), **weights}
    split = ", ".join(f"v{version} {share * 100:g}%" for version, share in shares.items())
    url = (outputs.get(naming.output_name(deployment, "invoke_url")) or {}).get("value")
    print(f"{stack.name}/{deployment.name}: alias {deployment.alias} -> {split}" +
          (f"; invoke URL {url}" if url else ""))


def _report(target, before: Traffic, after: Traffic) -> None:
    name = f"{target.stack.name}/{target.deployment.name}"

    def show(t: Traffic) -> str:
        return f"blue {('v' + t.blue_version) if t.blue_version else 'unpinned'}, green weight {format_weight(t.green_weight)}"
    print(f"{name}: {show(before)} -> {show(after)}")
    print(f"wrote {os.path.relpath(target.traffic_file)}; next: bluegreen synth, then terraform plan")
