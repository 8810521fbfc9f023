"""Check a whole model against AWS's rules before anything is written or applied.

Every check returns problems instead of raising, so one run reports all of them, each naming the
field path and the bad value (``shop.orders.function.memory_mb: must be between 128 and 10240,
got: 64``). ``validate_stacks`` raises ``InvalidInput`` once at the end when any were found.
Pure Python: importing this module never loads cdktf.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from . import aws_limits as aws
from . import naming
from .errors import InvalidInput, Problem
from .model import Deployment, Function, RestApi, Route, Stack

STACK_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]|[a-z]")
DEPLOYMENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
HANDLER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z0-9_.-]+)*(\.[A-Za-z_][A-Za-z0-9_]*)+")


def validate_stacks(stacks: Any, base_dir: Path) -> None:
    """Raise ``InvalidInput`` listing every problem in ``STACKS``; return quietly when valid."""
    # Reported in the order the stack file declares things, so the list reads top to bottom.
    problems = list(_stack_list_problems(stacks, base_dir))
    if problems:
        raise InvalidInput(problems)


def _stack_list_problems(stacks: Any, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(stacks, (list, tuple)) or not stacks:
        yield Problem("STACKS", f"must be a non-empty list of Stack, got: {_show(stacks)}")
        return
    seen: set[str] = set()
    for index, stack in enumerate(stacks):
        if not isinstance(stack, Stack):
            yield Problem(f"STACKS[{index}]", f"must be a Stack, got: {_show(stack)}")
            continue
        where = stack.name if isinstance(stack.name, str) and stack.name else f"STACKS[{index}]"
        if stack.name in seen:
            yield Problem(f"{where}.name", f"duplicate stack name, got: {_show(stack.name)}")
        seen.add(stack.name)
        yield from _stack_problems(stack, where, base_dir)


def _stack_problems(stack: Stack, where: str, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(stack.name, str) or not STACK_NAME.fullmatch(stack.name):
        yield Problem(f"{where}.name", "must be 1-32 lower-case letters, digits and hyphens, "
                      f"starting with a letter and not ending with a hyphen, got: {_show(stack.name)}")
    if stack.region not in aws.AWS_REGIONS:
        yield Problem(f"{where}.region", f"must be an AWS region such as us-east-1, got: {_show(stack.region)}")
    if not stack.deployments:
        yield Problem(f"{where}.deployments", "must hold at least one Deployment, got: []")
    seen: set[str] = set()
    for index, deployment in enumerate(stack.deployments):
        if not isinstance(deployment, Deployment):
            yield Problem(f"{where}.deployments[{index}]", f"must be a Deployment, got: {_show(deployment)}")
            continue
        named = isinstance(deployment.name, str) and deployment.name
        at = f"{where}.{deployment.name}" if named else f"{where}.deployments[{index}]"
        if deployment.name in seen:
            yield Problem(f"{at}.name", f"duplicate deployment name, got: {_show(deployment.name)}")
        seen.add(deployment.name)
        yield from _deployment_problems(stack.name, deployment, at, base_dir)


def validate_deployment(name_prefix: str, deployment: Deployment, base_dir: Path) -> None:
    """Raise ``InvalidInput`` listing every problem of one deployment (for library users)."""
    if not isinstance(deployment, Deployment):
        raise InvalidInput(Problem(name_prefix, f"must be a Deployment, got: {_show(deployment)}"))
    at = f"{name_prefix}.{deployment.name}"
    problems = list(_deployment_problems(name_prefix, deployment, at, base_dir))
    if problems:
        raise InvalidInput(problems)


def _deployment_problems(name_prefix: Any, deployment: Deployment, at: str,
                         base_dir: Path) -> Iterator[Problem]:
    if not isinstance(deployment.name, str) or not DEPLOYMENT_NAME.fullmatch(deployment.name):
        yield Problem(f"{at}.name", "must be 1-32 lower-case letters, digits and underscores, "
                      f"starting with a letter, got: {_show(deployment.name)}")
    elif isinstance(name_prefix, str):
        role = naming.role_name(name_prefix, deployment)
        if len(role) > aws.IAM_ROLE_NAME_MAX:
            yield Problem(f"{at}.name", f"makes the IAM role name {role!r} {len(role)} characters "
                          f"long, the limit is {aws.IAM_ROLE_NAME_MAX}: shorten the stack or deployment name")
    yield from _alias_problems(deployment.alias, f"{at}.alias")
    if isinstance(deployment.function, Function):
        yield from _function_problems(deployment.function, f"{at}.function", base_dir)
    else:
        yield Problem(f"{at}.function", f"must be a Function, got: {_show(deployment.function)}")
    if deployment.api is not None:
        if isinstance(deployment.api, RestApi):
            yield from _api_problems(deployment, f"{at}.api")
        else:
            yield Problem(f"{at}.api", f"must be a RestApi or None, got: {_show(deployment.api)}")


def _alias_problems(alias: Any, at: str) -> Iterator[Problem]:
    # Lambda CreateAlias: Name matches (?!^[0-9]+$)([a-zA-Z0-9-_]+); $LATEST is not an alias and
    # a weighted alias may never point at it (AWS-RULES.md 3).
    if alias == "$LATEST":
        yield Problem(at, "must not be $LATEST: a weighted alias needs published versions, got: '$LATEST'")
    elif not isinstance(alias, str) or not aws.ALIAS_NAME.fullmatch(alias):
        yield Problem(at, f"must be 1-128 letters, digits, '-' or '_', got: {_show(alias)}")
    elif alias.isdigit():
        yield Problem(at, f"must not be all digits (that names a version), got: {_show(alias)}")


def _function_problems(function: Function, at: str, base_dir: Path) -> Iterator[Problem]:
    yield from _source_problems(function.source, f"{at}.source", base_dir)
    if not isinstance(function.handler, str) or not HANDLER.fullmatch(function.handler):
        yield Problem(f"{at}.handler", "must be module.function, such as main.handler, "
                      f"got: {_show(function.handler)}")
    if function.runtime not in aws.LAMBDA_RUNTIMES:
        yield Problem(f"{at}.runtime", "must be a Lambda runtime that accepts new functions "
                      f"({', '.join(sorted(aws.LAMBDA_RUNTIMES))}), got: {_show(function.runtime)}")
    yield from _range_problems(function.memory_mb, aws.MEMORY_MB_RANGE, f"{at}.memory_mb")
    yield from _range_problems(function.timeout_s, aws.TIMEOUT_S_RANGE, f"{at}.timeout_s")
    if function.log_retention_days not in aws.LOG_RETENTION_DAYS or isinstance(function.log_retention_days, bool):
        allowed = ", ".join(str(d) for d in sorted(aws.LOG_RETENTION_DAYS))
        yield Problem(f"{at}.log_retention_days", f"must be one of {allowed}, "
                      f"got: {_show(function.log_retention_days)}")
    yield from _environment_problems(function.environment, f"{at}.environment")


def _source_problems(source: Any, at: str, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(source, (str, Path)) or not str(source):
        yield Problem(at, f"must be a folder path, got: {_show(source)}")
        return
    folder = base_dir / source
    if not folder.is_dir():
        yield Problem(at, f"must be an existing folder (relative to the stack file), got: {_show(str(source))}")
    elif not any(p.is_file() for p in folder.rglob("*")):
        yield Problem(at, f"must contain at least one file, got the empty folder: {_show(str(source))}")


def _range_problems(value: Any, bounds: tuple[int, int], at: str) -> Iterator[Problem]:
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool):
        yield Problem(at, f"must be a whole number between {low} and {high}, got: {_show(value)}")
    elif not low <= value <= high:
        yield Problem(at, f"must be between {low} and {high}, got: {value}")


def _environment_problems(environment: dict, at: str) -> Iterator[Problem]:
    total = 0
    for key, value in environment.items():
        if not isinstance(key, str) or not aws.ENVIRONMENT_KEY.fullmatch(key):
            yield Problem(f"{at}", "keys must start with a letter and hold only letters, digits "
                          f"and underscores, got: {_show(key)}")
        elif key in aws.RESERVED_ENVIRONMENT_KEYS:
            yield Problem(f"{at}.{key}", f"is reserved by the Lambda runtime, got: {_show(key)}")
        if not isinstance(value, str):
            yield Problem(f"{at}.{key}", f"must be a string, got: {_show(value)}")
        else:
            total += len(key.encode()) + len(value.encode())
    if total > aws.ENVIRONMENT_TOTAL_BYTES:
        yield Problem(at, f"must total at most {aws.ENVIRONMENT_TOTAL_BYTES} bytes, got: {total}")


def _api_problems(deployment: Deployment, at: str) -> Iterator[Problem]:
    api = deployment.api
    if not isinstance(api.stage, str) or not aws.STAGE_NAME.fullmatch(api.stage):
        yield Problem(f"{at}.stage", "must be 1-128 letters, digits, '-' or '_', "
                      f"got: {_show(api.stage)}")
    if not api.routes:
        yield Problem(f"{at}.routes", "must hold at least one Route, got: []")
    seen_routes: set[tuple[str, str]] = set()
    addresses: dict[str, str] = {}
    for index, route in enumerate(api.routes):
        where = f"{at}.routes[{index}]"
        if not isinstance(route, Route):
            yield Problem(where, f"must be a Route, got: {_show(route)}")
            continue
        route_problems = list(_route_problems(route, where))
        yield from route_problems
        if route_problems:
            continue
        if (route.method, route.path) in seen_routes:
            yield Problem(where, f"duplicate route, got: {route.method} {route.path}")
        seen_routes.add((route.method, route.path))
        for path in naming.path_prefixes(route.path):
            yield from _address_clash(addresses, naming.path_id(path), path, f"{where}.path")


def _route_problems(route: Route, where: str) -> Iterator[Problem]:
    if route.method not in aws.HTTP_METHODS:
        yield Problem(f"{where}.method", f"must be one of {', '.join(sorted(aws.HTTP_METHODS))} "
                      f"(upper case), got: {_show(route.method)}")
    path = route.path
    if not isinstance(path, str) or not path.startswith("/"):
        yield Problem(f"{where}.path", f"must start with '/', got: {_show(path)}")
        return
    parts = path.split("/")[1:]
    if path == "/":
        return
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        literal = aws.PATH_LITERAL_PART.fullmatch(part)
        parameter = aws.PATH_PARAMETER_PART.fullmatch(part)
        if not (literal or parameter) or (parameter and part.endswith("+}") and not last):
            yield Problem(f"{where}.path", "parts must be literal (letters, digits, . _ : -), {name}, "
                          f"or a final {{name+}}, with no empty part or trailing '/', got: {_show(path)}")
            return


def _address_clash(addresses: dict[str, str], identifier: str, path: str,
                   where: str) -> Iterator[Problem]:
    # Two paths with one Terraform address would make one resource silently replace the other.
    other = addresses.setdefault(identifier, path)
    if other != path:
        yield Problem(where, f"{path!r} and {other!r} both map to the Terraform name "
                      f"{identifier!r}: rename one of them, got: {_show(path)}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
