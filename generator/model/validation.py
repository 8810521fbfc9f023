"""Check a whole model against AWS's rules before anything is written or applied.

Every check returns problems instead of raising, so one run reports all of them, each naming the
field path and the bad value (``shop.orders.function.memory_mb: must be between 128 and 10240,
got: 64``). ``validate_stacks`` raises ``InvalidInput`` once at the end when any were found.
Pure Python: importing this module never loads cdktf.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.errors import InvalidInput, Problem
from ..core.values import is_one_of, is_utf8, is_whole_number, show
from . import aws_limits as aws
from . import naming
from .api_validation import api_problems
from .archive import source_files, source_problems
from .stack import Deployment, Function, RestApi, Stack

STACK_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]|[a-z]")
DEPLOYMENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Interpreted runtimes name a file and a function: main.handler, lib/app.handler.
MODULE_HANDLER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z0-9_.-]+)*(\.[A-Za-z_][A-Za-z0-9_]*)+")
# Java (pkg.Class::method), .NET (Asm::Ns.Class::Method) and custom runtimes (bootstrap) name
# their handlers freely; Lambda's own rule is [^\s]+ (the length is checked for every runtime).
FREE_HANDLER = re.compile(r"\S+")
FREE_HANDLER_RUNTIMES = ("java", "dotnet", "provided")
STACK_NAME_RULE = ("must be 1-32 lower-case letters, digits and hyphens, starting with a letter and not "
                   "ending with a hyphen")


def validate_stacks(stacks: Any, base_dir: Path) -> None:
    """Raise ``InvalidInput`` listing every problem in ``STACKS``; return quietly when valid."""
    # Reported in the order the stack file declares things, so the list reads top to bottom.
    problems = list(_stack_list_problems(stacks, base_dir))
    if problems:
        raise InvalidInput(problems)


def validate_deployment(name_prefix: Any, deployment: Any, base_dir: Path) -> None:
    """Raise ``InvalidInput`` listing every problem of one deployment (for library users)."""
    problems = []
    if not isinstance(name_prefix, str) or not STACK_NAME.fullmatch(name_prefix):
        problems.append(Problem("name_prefix", f"{STACK_NAME_RULE}, got: {show(name_prefix)}"))
    if not isinstance(deployment, Deployment):
        problems.append(Problem("deployment", f"must be a Deployment, got: {show(deployment)}"))
    else:
        at = f"{name_prefix}.{_label(deployment.name, 'deployment')}"
        problems += _deployment_problems(name_prefix, deployment, at, base_dir)
    if problems:
        raise InvalidInput(problems)


def _label(name: Any, position: str) -> str:
    return name if isinstance(name, str) and name else position


def _stack_list_problems(stacks: Any, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(stacks, (list, tuple)) or not stacks:
        yield Problem("STACKS", f"must be a non-empty list of Stack, got: {show(stacks)}")
        return
    seen: list[Any] = []
    for index, stack in enumerate(stacks):
        if not isinstance(stack, Stack):
            yield Problem(f"STACKS[{index}]", f"must be a Stack, got: {show(stack)}")
            continue
        where = _label(stack.name, f"STACKS[{index}]")
        if stack.name in seen:
            yield Problem(f"{where}.name", f"duplicate stack name, got: {show(stack.name)}")
        seen.append(stack.name)
        yield from _stack_problems(stack, where, base_dir)


def _stack_problems(stack: Stack, where: str, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(stack.name, str) or not STACK_NAME.fullmatch(stack.name):
        yield Problem(f"{where}.name", f"{STACK_NAME_RULE}, got: {show(stack.name)}")
    if not is_one_of(stack.region, aws.AWS_REGIONS):
        yield Problem(f"{where}.region", f"must be an AWS region such as us-east-1, got: {show(stack.region)}")
    if not isinstance(stack.deployments, tuple):
        yield Problem(f"{where}.deployments", f"must be a list of Deployment, got: {show(stack.deployments)}")
        return
    if not stack.deployments:
        yield Problem(f"{where}.deployments", "must hold at least one Deployment, got: []")
    seen: list[Any] = []
    valid: list[tuple[Deployment, str]] = []
    for index, deployment in enumerate(stack.deployments):
        if not isinstance(deployment, Deployment):
            yield Problem(f"{where}.deployments[{index}]", f"must be a Deployment, got: {show(deployment)}")
            continue
        at = f"{where}.{_label(deployment.name, f'deployments[{index}]')}"
        if deployment.name in seen:
            yield Problem(f"{at}.name", f"duplicate deployment name, got: {show(deployment.name)}")
        seen.append(deployment.name)
        found = list(_deployment_problems(stack.name, deployment, at, base_dir))
        found += _partition_problems(stack.region, deployment, at)
        yield from found
        if not found:
            valid.append((deployment, at))
    yield from _address_clashes(valid)


def _deployment_problems(name_prefix: Any, deployment: Deployment, at: str,
                         base_dir: Path) -> Iterator[Problem]:
    if not isinstance(deployment.name, str) or not DEPLOYMENT_NAME.fullmatch(deployment.name):
        yield Problem(f"{at}.name", "must be 1-32 lower-case letters, digits and underscores, "
                      f"starting with a letter, got: {show(deployment.name)}")
    elif isinstance(name_prefix, str):
        role = naming.role_name(name_prefix, deployment)
        if len(role) > aws.IAM_ROLE_NAME_MAX:
            yield Problem(f"{at}.name", f"makes the IAM role name {role!r} {len(role)} characters "
                          f"long, the limit is {aws.IAM_ROLE_NAME_MAX}: shorten the stack or deployment name")
    yield from _alias_problems(deployment.alias, f"{at}.alias")
    if isinstance(deployment.function, Function):
        yield from _function_problems(deployment.function, f"{at}.function", base_dir)
    else:
        yield Problem(f"{at}.function", f"must be a Function, got: {show(deployment.function)}")
    if deployment.api is not None:
        found = list(api_problems(deployment.api, f"{at}.api"))
        yield from found
        if not found:
            yield from _address_clashes([(deployment, at)])
    yield from _api_timeout_problems(deployment, at)


def _api_timeout_problems(deployment: Deployment, at: str) -> Iterator[Problem]:
    # docs/aws-rules.md#r21-integration-timeout: API Gateway gives up on the integration at its timeout and answers 504,
    # while the function runs on (and bills) for the rest of its own timeout.
    function, api = deployment.function, deployment.api
    if not (isinstance(function, Function) and _in_range(function.timeout_s, aws.TIMEOUT_S_RANGE)
            and isinstance(api, RestApi) and _in_range(api.integration_timeout_s, aws.INTEGRATION_TIMEOUT_S_RANGE)):
        return  # a bad value on either side is reported by its own check
    if function.timeout_s > api.integration_timeout_s:
        yield Problem(f"{at}.function.timeout_s", "must be at most the API's integration timeout of "
                      f"{api.integration_timeout_s} s (API Gateway answers 504 then, while the function runs "
                      "on): lower timeout_s, or raise api.integration_timeout_s on a REGIONAL API after an "
                      f"API Gateway quota increase, got: {function.timeout_s}")


def _partition_problems(region: Any, deployment: Deployment, at: str) -> Iterator[Problem]:
    # Edge-optimized APIs exist only in the commercial partition (aws_limits.NO_EDGE_PARTITIONS).
    api = deployment.api
    if not (isinstance(api, RestApi) and api.endpoint_type == "EDGE" and is_one_of(region, aws.AWS_REGIONS)):
        return
    for prefix, partition in aws.NO_EDGE_PARTITIONS.items():
        if region.startswith(prefix):
            yield Problem(f"{at}.api.endpoint_type", f"must be 'REGIONAL' in {region}: the {partition} "
                          "partition has no edge-optimized APIs, got: 'EDGE'")


def _alias_problems(alias: Any, at: str) -> Iterator[Problem]:
    # Lambda CreateAlias: Name matches (?!^[0-9]+$)([a-zA-Z0-9-_]+); $LATEST is not an alias and
    # a weighted alias may never point at it (docs/aws-rules.md#r3-no-latest).
    if alias == "$LATEST":
        yield Problem(at, "must not be $LATEST: a weighted alias needs published versions, got: '$LATEST'")
    elif not isinstance(alias, str) or not aws.ALIAS_NAME.fullmatch(alias):
        yield Problem(at, f"must be 1-128 letters, digits, '-' or '_', got: {show(alias)}")
    elif alias.isdigit():
        yield Problem(at, f"must not be all digits (that names a version), got: {show(alias)}")


def _function_problems(function: Function, at: str, base_dir: Path) -> Iterator[Problem]:
    yield from _source_problems(function.source, f"{at}.source", base_dir)
    runtime_known = is_one_of(function.runtime, aws.LAMBDA_RUNTIMES)
    yield from _handler_problems(function.handler, function.runtime if runtime_known else "", f"{at}.handler")
    if not runtime_known:
        yield Problem(f"{at}.runtime", "must be a Lambda runtime that accepts new functions "
                      f"({', '.join(sorted(aws.LAMBDA_RUNTIMES))}), got: {show(function.runtime)}")
    yield from _range_problems(function.memory_mb, aws.MEMORY_MB_RANGE, f"{at}.memory_mb")
    yield from _range_problems(function.timeout_s, aws.TIMEOUT_S_RANGE, f"{at}.timeout_s")
    retention = function.log_retention_days
    if not (is_whole_number(retention) and retention in aws.LOG_RETENTION_DAYS):
        allowed = ", ".join(str(d) for d in sorted(aws.LOG_RETENTION_DAYS))
        yield Problem(f"{at}.log_retention_days", f"must be one of {allowed}, got: {show(retention)}")
    yield from _environment_problems(function.environment, f"{at}.environment")


def _handler_problems(handler: Any, runtime: str, at: str) -> Iterator[Problem]:
    if isinstance(handler, str) and len(handler) > aws.HANDLER_MAX:
        # Lambda's Handler limit holds for every runtime; the forms below don't bound the length.
        yield Problem(at, f"must be at most {aws.HANDLER_MAX} characters (Lambda's Handler limit; this "
                      f"one has {len(handler)}), got: {show(handler)}")
    elif runtime.startswith(FREE_HANDLER_RUNTIMES):
        if not isinstance(handler, str) or not FREE_HANDLER.fullmatch(handler):
            yield Problem(at, f"must be 1-{aws.HANDLER_MAX} characters without spaces, got: {show(handler)}")
    elif not isinstance(handler, str) or not MODULE_HANDLER.fullmatch(handler):
        yield Problem(at, f"must be module.function, such as main.handler, got: {show(handler)}")


def _source_problems(source: Any, at: str, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(source, (str, Path)) or not str(source):
        yield Problem(at, f"must be a folder path, got: {show(source)}")
        return
    folder = base_dir / source
    try:
        is_folder = folder.is_dir()
    except OSError as error:  # a name too long, a path through a file, ...
        yield Problem(at, f"must be a folder path that can be read ({error.strerror}), got: {show(str(source))}")
        return
    if not is_folder:
        yield Problem(at, f"must be an existing folder (relative to the stack file), got: {show(str(source))}")
    elif base_dir.resolve().is_relative_to(folder.resolve()):
        # The stack file, its traffic file and the output would then sit inside the code.
        yield Problem(at, "must not contain the stack file: keep the function's code in a folder of "
                      f"its own, got: {show(str(source))}")
    # Symlinks, unreadable files, non-UTF-8 names and Lambda's size limits: found here, before
    # anything is written, rather than when the archive is built.
    elif archive_problems := source_problems(folder, at, str(source)):
        yield from archive_problems
    elif not any(p.is_file() for p in folder.rglob("*")):
        yield Problem(at, f"must contain at least one file, got the empty folder: {show(str(source))}")
    elif not source_files(folder):
        yield Problem(at, "must contain at least one file to deploy (caches such as __pycache__ and "
                      f"*.pyc are left out of the archive), got: {show(str(source))}")


def _in_range(value: Any, bounds: tuple[int, int]) -> bool:
    return is_whole_number(value) and bounds[0] <= value <= bounds[1]


def _range_problems(value: Any, bounds: tuple[int, int], at: str) -> Iterator[Problem]:
    low, high = bounds
    if not is_whole_number(value):
        yield Problem(at, f"must be a whole number between {low} and {high}, got: {show(value)}")
    elif not low <= value <= high:
        yield Problem(at, f"must be between {low} and {high}, got: {value}")


def _environment_problems(environment: Any, at: str) -> Iterator[Problem]:
    if not isinstance(environment, dict):
        yield Problem(at, f"must be a dict of strings, got: {show(environment)}")
        return
    total = 0
    for key, value in environment.items():
        if not isinstance(key, str) or not aws.ENVIRONMENT_KEY.fullmatch(key):
            yield Problem(at, "keys must start with a letter and hold only letters, digits "
                          f"and underscores, got: {show(key)}")
            continue
        if key in aws.RESERVED_ENVIRONMENT_KEYS:
            yield Problem(f"{at}.{key}", f"is reserved by the Lambda runtime, got: {show(key)}")
        if not isinstance(value, str):
            yield Problem(f"{at}.{key}", f"must be a string, got: {show(value)}")
        elif not is_utf8(value):
            # Say, a value taken from os.environ holding a byte that was not UTF-8.
            yield Problem(f"{at}.{key}", f"must be text that UTF-8 can encode (no lone surrogates), got: {show(value)}")
        else:
            total += len(key.encode()) + len(value.encode())
    if total > aws.ENVIRONMENT_TOTAL_BYTES:
        yield Problem(at, f"must total at most {aws.ENVIRONMENT_TOTAL_BYTES} bytes, got: {total}")


def _address_clashes(deployments: list[tuple[Deployment, str]]) -> Iterator[Problem]:
    # Two things on one Terraform address would make one silently replace the other (or crash
    # cdktf), e.g. deployment a with alias b_c and deployment a_b with alias c.
    taken: dict[str, tuple[tuple, str]] = {}
    for deployment, at in deployments:
        for item in naming.Addresses(deployment).all():
            where = f"{at}.{item.field}"
            source, other = taken.setdefault(item.address, (item.source, where))
            if source != item.source:
                yield Problem(where, f"gives the Terraform address {item.address}, which {other} "
                              f"already gives: rename one of them, got: {show(_field_value(deployment, item.field))}")
                break


def _field_value(deployment: Deployment, field: str) -> Any:
    value: Any = deployment
    for part in re.findall(r"[a-z_]+|\[\d+\]", field):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value
