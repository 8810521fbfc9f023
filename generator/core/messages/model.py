"""Messages of the stack file and its fields: loading ``STACKS`` and validating the model.

Used by ``features.loader``, ``features.validation`` and ``features.rest_api.rules``; each text states
the rule and ends with the value the user wrote (``got: ...``), as ``show`` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..values import show

# --- the stack file (STACK_FILE) -----------------------------------------------------------------


def stack_file_must_exist(path: str) -> str:
    return f"must be an existing Python file, got: {path!r}"


def stack_file_must_define_stacks(path: str) -> str:
    return f"must define STACKS (a list of Stack), got: {path!r}, which does not"


def stack_file_failed_to_import(path: str, line: int | None, error: BaseException) -> str:
    """``line``: where in the stack file it failed, when the traceback says."""
    at = f"line {line}: " if line is not None else ""
    detail = str(error)
    described = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return f"failed to import {path!r}: {at}{described}"


# --- STACKS and each Stack -----------------------------------------------------------------------

MUST_HOLD_A_DEPLOYMENT = "must hold at least one Deployment, got: []"


def must_be_a_non_empty_list_of_stacks(got: Any) -> str:
    return f"must be a non-empty list of Stack, got: {show(got)}"


def must_be_a_stack(got: Any) -> str:
    return f"must be a Stack, got: {show(got)}"


def stack_name_must_be_unique(name: Any) -> str:
    return f"duplicate stack name, got: {show(name)}"


def must_be_a_stack_name(got: Any) -> str:
    """The rule of a stack name, which also prefixes AWS names (``name_prefix``)."""
    return ("must be 1-32 lower-case letters, digits and hyphens, starting with a letter and not "
            f"ending with a hyphen, got: {show(got)}")


def must_be_an_aws_region(got: Any) -> str:
    return f"must be an AWS region such as us-east-1, got: {show(got)}"


def must_be_a_list_of_deployments(got: Any) -> str:
    return f"must be a list of Deployment, got: {show(got)}"


# --- each Deployment -----------------------------------------------------------------------------

MUST_NOT_BE_LATEST = "must not be $LATEST: a weighted alias needs published versions, got: '$LATEST'"


def must_be_a_deployment(got: Any) -> str:
    return f"must be a Deployment, got: {show(got)}"


def deployment_name_must_be_unique(name: Any) -> str:
    return f"duplicate deployment name, got: {show(name)}"


def must_be_a_deployment_name(got: Any) -> str:
    return f"must be 1-32 lower-case letters, digits and underscores, starting with a letter, got: {show(got)}"


def role_name_must_fit(role: str, limit: int) -> str:
    return (f"makes the IAM role name {role!r} {len(role)} characters long, the limit is {limit}: shorten "
            "the stack or deployment name")


def must_be_a_function(got: Any) -> str:
    return f"must be a Function, got: {show(got)}"


def must_be_up_to_128_name_characters(got: Any) -> str:
    """The rule Lambda aliases and API Gateway stages share."""
    return f"must be 1-128 letters, digits, '-' or '_', got: {show(got)}"


def must_not_be_all_digits(got: Any) -> str:
    return f"must not be all digits (that names a version), got: {show(got)}"


def must_not_outlast_the_integration_timeout(integration_timeout_s: int, timeout_s: int) -> str:
    return (f"must be at most the API's integration timeout of {integration_timeout_s} s (API Gateway answers "
            "504 then, while the function runs on): lower timeout_s, or raise api.integration_timeout_s on a "
            f"REGIONAL API after an API Gateway quota increase, got: {timeout_s}")


def must_be_regional_in(region: str, partition: str) -> str:
    return f"must be 'REGIONAL' in {region}: the {partition} partition has no edge-optimized APIs, got: 'EDGE'"


def must_not_share_a_terraform_address(address: str, other: str, got: Any) -> str:
    """``other``: the field path that already gives ``address``."""
    return f"gives the Terraform address {address}, which {other} already gives: rename one of them, got: {show(got)}"


# --- each Function -------------------------------------------------------------------------------


def must_be_a_lambda_runtime(runtimes: Iterable[str], got: Any) -> str:
    return f"must be a Lambda runtime that accepts new functions ({', '.join(sorted(runtimes))}), got: {show(got)}"


def must_be_a_log_retention(days: Iterable[int], got: Any) -> str:
    return f"must be one of {', '.join(str(d) for d in sorted(days))}, got: {show(got)}"


def must_be_a_whole_number_between(low: int, high: int, got: Any) -> str:
    return f"must be a whole number between {low} and {high}, got: {show(got)}"


def must_be_between(low: int, high: int, got: int) -> str:
    return f"must be between {low} and {high}, got: {got}"


def handler_must_be_at_most(limit: int, handler: str) -> str:
    return (f"must be at most {limit} characters (Lambda's Handler limit; this one has {len(handler)}), "
            f"got: {show(handler)}")


def must_be_a_handler_without_spaces(limit: int, got: Any) -> str:
    return f"must be 1-{limit} characters without spaces, got: {show(got)}"


def must_be_module_dot_function(got: Any) -> str:
    return f"must be module.function, such as main.handler, got: {show(got)}"


# --- a Function's source folder ------------------------------------------------------------------


def must_be_a_folder_path(got: Any) -> str:
    return f"must be a folder path, got: {show(got)}"


def must_be_a_readable_folder_path(reason: str | None, source: str) -> str:
    """``reason``: why the path could not be read (``File name too long``)."""
    return f"must be a folder path that can be read ({reason}), got: {show(source)}"


def must_be_an_existing_folder(source: str) -> str:
    return f"must be an existing folder (relative to the stack file), got: {show(source)}"


def must_not_contain_the_stack_file(source: str) -> str:
    return f"must not contain the stack file: keep the function's code in a folder of its own, got: {show(source)}"


def must_contain_a_file(source: str) -> str:
    return f"must contain at least one file, got the empty folder: {show(source)}"


def must_contain_a_file_to_deploy(source: str) -> str:
    return ("must contain at least one file to deploy (caches such as __pycache__ and *.pyc are left out of "
            f"the archive), got: {show(source)}")


# --- a Function's environment --------------------------------------------------------------------


def must_be_a_dict_of_strings(got: Any) -> str:
    return f"must be a dict of strings, got: {show(got)}"


def environment_keys_must_be_names(got: Any) -> str:
    return f"keys must start with a letter and hold only letters, digits and underscores, got: {show(got)}"


def must_not_be_reserved_by_the_runtime(key: str) -> str:
    return f"is reserved by the Lambda runtime, got: {show(key)}"


def must_be_a_string(got: Any) -> str:
    return f"must be a string, got: {show(got)}"


def must_be_utf8_text(got: str) -> str:
    return f"must be text that UTF-8 can encode (no lone surrogates), got: {show(got)}"


def must_total_at_most(limit: int, total: int) -> str:
    return f"must total at most {limit} bytes, got: {total}"


# --- the front doors (Deployment.api) and the routes they share ----------------------------------

MUST_HOLD_A_ROUTE = "must hold at least one Route, got: []"
MUST_HOLD_A_DOOR = "must hold at least one front door, or be None, got: []"


def must_be_a_door_or_none(kinds: list[str], got: Any) -> str:
    return f"must be a front door ({', '.join(kinds)}), a list of them, or None, got: {show(got)}"


def must_be_an_authorizer_name(got: Any) -> str:
    return f"must be 1-64 letters, digits, '-' and '_', got: {show(got)}"


def must_be_a_throttle_or_none(got: Any) -> str:
    return f"must be a Throttle or None, got: {show(got)}"


def must_be_a_rate_limit(got: Any) -> str:
    return f"must be a number of requests per second from 0, got: {show(got)}"


def must_be_a_request_count(got: Any) -> str:
    return f"must be a whole number of requests from 0, got: {show(got)}"


def door_must_be_unique(kind: str, first: str) -> str:
    return f"must not be a second {kind}: {first} is this deployment's {kind} (one door of each kind)"


def must_be_an_endpoint_type(got: Any) -> str:
    return f"must be 'REGIONAL' or 'EDGE' (upper case), got: {show(got)}"


def must_be_whole_seconds_between(low: int, high: int, got: Any) -> str:
    return f"must be a whole number of seconds between {low} and {high}, got: {show(got)}"


def edge_integration_timeout_must_be_at_most(limit: int, got: int) -> str:
    return (f"must be at most {limit} on an EDGE API: only a REGIONAL API can wait longer, after an API "
            f"Gateway quota increase, got: {got}")


def must_be_a_list_of_routes(got: Any) -> str:
    return f"must be a list of Route, got: {show(got)}"


def must_be_a_route(got: Any) -> str:
    return f"must be a Route, got: {show(got)}"


def route_must_be_unique(method: str, path: str) -> str:
    return f"duplicate route, got: {method} {path}"


def must_be_an_http_method(methods: Iterable[str], got: Any) -> str:
    return f"must be one of {', '.join(sorted(methods))} (upper case), got: {show(got)}"


def path_must_start_with_a_slash(got: Any) -> str:
    return f"must start with '/', got: {show(got)}"


def path_must_not_have_dot_parts(path: str) -> str:
    return ("must not have a '.' or '..' part: URLs resolve them away before a request is sent, so no client "
            f"could reach this route, got: {show(path)}")


def path_parts_must_be_literal_or_parameters(path: str) -> str:
    return ("parts must be literal (letters, digits, . _ : -), {name}, or a final {name+}, with no empty part "
            f"or trailing '/', got: {show(path)}")


def one_path_parameter_per_level(part: str, other: str, parent: str, path: str) -> str:
    """``parent``: the path both parameters sit below ("" for the root)."""
    return (f"{part} and {other} are both parameters below '{parent or '/'}': API Gateway allows one per "
            f"level, got: {show(path)}")


# --- the Terraform state (Stack.backend) --------------------------------------------------------


def must_be_a_backend(got: Any) -> str:
    return f"must be None (local state) or an S3Backend, got: {show(got)}"


def must_be_a_bucket_name(got: Any) -> str:
    return ("must be None (given at terraform init -backend-config=bucket=...) or an S3 bucket name: 3-63 "
            "lower-case letters, digits, dots and hyphens, a letter or digit at each end, no '..', not an IP "
            f"address, none of S3's reserved prefixes or suffixes, got: {show(got)}")


def must_be_a_state_key(got: Any) -> str:
    return (f"must be None (bluegreen/<stack>/terraform.tfstate) or an S3 key of 1-1024 bytes that neither "
            f"starts nor ends with '/' and has no '//', got: {show(got)}")


def must_be_a_table_name(got: Any) -> str:
    return f"must be None or a DynamoDB table name: 3-255 letters, digits, '_', '.' and '-', got: {show(got)}"


def must_be_a_boolean(got: Any) -> str:
    return f"must be True or False, got: {show(got)}"


STATE_MUST_BE_LOCKED = ("must lock the state while a plan or apply runs, or two CI jobs at once can overwrite each "
                        "other's state: set use_lockfile=True (Terraform 1.10 or later) or a dynamodb_table, "
                        "got: use_lockfile=False and no dynamodb_table")
