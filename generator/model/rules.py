"""The rules of a deployment's base: the stack's and deployment's names, the alias, the function.

Every check returns problems instead of raising, so one run reports all of them, each naming the
field path and the bad value (``shop.orders.function.memory_mb: must be between 128 and 10240,
got: 64``). Each problem's location is a ``Field``; its text comes from ``core.messages.model``.
The features' rules are their slices'; ``features.validation`` folds both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.errors import Field, Problem
from ..core.messages import model as msg
from ..core.values import is_one_of, is_utf8, is_whole_number
from . import aws_limits as aws
from . import naming
from .archive import source_files, source_problems
from .rules_function_access import function_access_problems, provisioned_concurrency_problems
from .rules_function_options import function_option_problems
from .stack import Deployment, Function

STACK_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}[a-z0-9]|[a-z]")
DEPLOYMENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Interpreted runtimes name a file and a function: main.handler, lib/app.handler.
MODULE_HANDLER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z0-9_.-]+)*(\.[A-Za-z_][A-Za-z0-9_]*)+")
# Java (pkg.Class::method), .NET (Asm::Ns.Class::Method) and custom runtimes (bootstrap) name
# their handlers freely; Lambda's own rule is [^\s]+ (the length is checked for every runtime).
FREE_HANDLER = re.compile(r"\S+")
FREE_HANDLER_RUNTIMES = ("java", "dotnet", "provided")


def deployment_base_problems(name_prefix: Any, deployment: Deployment, at: str,
                             base_dir: Path | None) -> Iterator[Problem]:
    """The problems of the deployment's base; ``base_dir`` None skips reading the function's
    source folder (for commands that never build the code)."""
    if not isinstance(deployment.name, str) or not DEPLOYMENT_NAME.fullmatch(deployment.name):
        yield Problem(Field(f"{at}.name"), msg.must_be_a_deployment_name(deployment.name))
    elif isinstance(name_prefix, str):
        role = naming.role_name(name_prefix, deployment)
        if len(role) > aws.IAM_ROLE_NAME_MAX:
            yield Problem(Field(f"{at}.name"), msg.role_name_must_fit(role, aws.IAM_ROLE_NAME_MAX))
    yield from _alias_problems(deployment.alias, f"{at}.alias")
    if isinstance(deployment.function, Function):
        yield from _function_problems(deployment.function, f"{at}.function", base_dir)
    else:
        yield Problem(Field(f"{at}.function"), msg.must_be_a_function(deployment.function))
    yield from provisioned_concurrency_problems(deployment, at)


def _alias_problems(alias: Any, at: str) -> Iterator[Problem]:
    # Lambda CreateAlias: Name matches (?!^[0-9]+$)([a-zA-Z0-9-_]+); $LATEST is not an alias and
    # a weighted alias may never point at it (docs/aws-rules.md#r3-no-latest).
    if alias == "$LATEST":
        yield Problem(Field(at), msg.MUST_NOT_BE_LATEST)
    elif not isinstance(alias, str) or not aws.ALIAS_NAME.fullmatch(alias):
        yield Problem(Field(at), msg.must_be_up_to_128_name_characters(alias))
    elif alias.isdigit():
        yield Problem(Field(at), msg.must_not_be_all_digits(alias))


def _function_problems(function: Function, at: str, base_dir: Path | None) -> Iterator[Problem]:
    if base_dir is not None:
        yield from _source_problems(function.source, f"{at}.source", base_dir)
    runtime_known = is_one_of(function.runtime, aws.LAMBDA_RUNTIMES)
    yield from _handler_problems(function.handler, function.runtime if runtime_known else "", f"{at}.handler")
    if not runtime_known:
        yield Problem(Field(f"{at}.runtime"), msg.must_be_a_lambda_runtime(aws.LAMBDA_RUNTIMES, function.runtime))
    yield from _range_problems(function.memory_mb, aws.MEMORY_MB_RANGE, f"{at}.memory_mb")
    yield from _range_problems(function.timeout_s, aws.TIMEOUT_S_RANGE, f"{at}.timeout_s")
    retention = function.log_retention_days
    if not (is_whole_number(retention) and retention in aws.LOG_RETENTION_DAYS):
        yield Problem(Field(f"{at}.log_retention_days"), msg.must_be_a_log_retention(aws.LOG_RETENTION_DAYS, retention))
    yield from _environment_problems(function.environment, f"{at}.environment")
    yield from function_option_problems(function, at)
    yield from function_access_problems(function, at)


def _handler_problems(handler: Any, runtime: str, at: str) -> Iterator[Problem]:
    if isinstance(handler, str) and len(handler) > aws.HANDLER_MAX:
        # Lambda's Handler limit holds for every runtime; the forms below don't bound the length.
        yield Problem(Field(at), msg.handler_must_be_at_most(aws.HANDLER_MAX, handler))
    elif runtime.startswith(FREE_HANDLER_RUNTIMES):
        if not isinstance(handler, str) or not FREE_HANDLER.fullmatch(handler):
            yield Problem(Field(at), msg.must_be_a_handler_without_spaces(aws.HANDLER_MAX, handler))
    elif not isinstance(handler, str) or not MODULE_HANDLER.fullmatch(handler):
        yield Problem(Field(at), msg.must_be_module_dot_function(handler))


def _source_problems(source: Any, at: str, base_dir: Path) -> Iterator[Problem]:
    if not isinstance(source, (str, Path)) or not str(source):
        yield Problem(Field(at), msg.must_be_a_folder_path(source))
        return
    folder = base_dir / source
    try:
        is_folder = folder.is_dir()
    except OSError as error:  # a name too long, a path through a file, ...
        yield Problem(Field(at), msg.must_be_a_readable_folder_path(error.strerror, str(source)))
        return
    if not is_folder:
        yield Problem(Field(at), msg.must_be_an_existing_folder(str(source)))
    elif base_dir.resolve().is_relative_to(folder.resolve()):
        # The stack file, its traffic file and the output would then sit inside the code.
        yield Problem(Field(at), msg.must_not_contain_the_stack_file(str(source)))
    # Symlinks, unreadable files, non-UTF-8 names and Lambda's size limits: found here, before
    # anything is written, rather than when the archive is built.
    elif archive_problems := source_problems(folder, at, str(source)):
        yield from archive_problems
    elif not any(p.is_file() for p in folder.rglob("*")):
        yield Problem(Field(at), msg.must_contain_a_file(str(source)))
    elif not source_files(folder):
        yield Problem(Field(at), msg.must_contain_a_file_to_deploy(str(source)))


def _in_range(value: Any, bounds: tuple[int, int]) -> bool:
    return is_whole_number(value) and bounds[0] <= value <= bounds[1]


def _range_problems(value: Any, bounds: tuple[int, int], at: str) -> Iterator[Problem]:
    low, high = bounds
    if not is_whole_number(value):
        yield Problem(Field(at), msg.must_be_a_whole_number_between(low, high, value))
    elif not low <= value <= high:
        yield Problem(Field(at), msg.must_be_between(low, high, value))


def _environment_problems(environment: Any, at: str) -> Iterator[Problem]:
    if not isinstance(environment, dict):
        yield Problem(Field(at), msg.must_be_a_dict_of_strings(environment))
        return
    total = 0
    for key, value in environment.items():
        if not isinstance(key, str) or not aws.ENVIRONMENT_KEY.fullmatch(key):
            yield Problem(Field(at), msg.environment_keys_must_be_names(key))
            continue
        if key in aws.RESERVED_ENVIRONMENT_KEYS:
            yield Problem(Field(f"{at}.{key}"), msg.must_not_be_reserved_by_the_runtime(key))
        if not isinstance(value, str):
            yield Problem(Field(f"{at}.{key}"), msg.must_be_a_string(value))
        elif not is_utf8(value):
            # Say, a value taken from os.environ holding a byte that was not UTF-8.
            yield Problem(Field(f"{at}.{key}"), msg.must_be_utf8_text(value))
        else:
            total += len(key.encode()) + len(value.encode())
    if total > aws.ENVIRONMENT_TOTAL_BYTES:
        yield Problem(Field(at), msg.must_total_at_most(aws.ENVIRONMENT_TOTAL_BYTES, total))
