"""``bluegreen prune``: which published versions go and why the others stay, its arguments, and
deletions against a moto server (AWS_ENDPOINT_URL, and the recorded emulator with --local).

The decision is pure (``decide``) and tested on its own; the AWS side is tested with a stub
client (failures part way, missing credentials, provisioned concurrency) and against the
emulator's server (moto with ``generator.local.moto_extras``), which lists and deletes versions
and keeps provisioned concurrency configs as Lambda does (unlike Lambda, it would delete a
version an alias uses: prune never asks it to).
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from conftest import copy_example

from generator.cli import program as cli
from generator.core.errors import ExternalToolFailed, InvalidInput, OfDeployment, Problem
from generator.core.messages import cli as cli_msg
from generator.core.messages import local as local_msg
from generator.core.messages import releasing as msg
from generator.model.traffic_file import read_traffic
from generator.releasing.operations import Target, shift
from generator.releasing.prune import (
    DEFAULT_KEEP,
    Alias,
    LambdaVersions,
    LiveFunction,
    Pins,
    Version,
    decide,
    format_size,
    prune,
    read_pins,
)

FUNCTION = "hello-hello"
BLUE, GREEN, NEWEST = msg.PRUNE_KEPT_BLUE, msg.PRUNE_KEPT_GREEN, msg.PRUNE_KEPT_NEWEST
FIRST = msg.PRUNE_KEPT_FIRST_VERSION


def versions(*numbers: int | str, size: int = 100) -> tuple[Version, ...]:
    return tuple(Version(str(n), size) for n in numbers)


def kept(decision) -> dict[str, tuple[str, ...]]:
    return {version.number: reasons for version, reasons in decision.kept}


def deleted(decision) -> list[str]:
    return [version.number for version in decision.delete]


# --- the decision --------------------------------------------------------------------------------


def test_everything_protected_stays_with_its_reasons_and_the_rest_goes_oldest_first():
    live = LiveFunction(FUNCTION, versions("$LATEST", *range(1, 13)),
                        aliases=(Alias("live", ("4", "6")), Alias("ops", ("2",))), provisioned=frozenset({"8"}))
    pins = Pins(blue=frozenset({"4"}), green=frozenset({"6"}), committed_blue="4", committed_green="7",
                first="1", newest="12")
    decision = decide(live, pins, keep=2)
    assert deleted(decision) == ["3", "5", "9", "10"]
    assert kept(decision) == {
        "1": (FIRST,),
        "2": (msg.prune_kept_by_alias("ops"),),
        "4": (BLUE, msg.prune_kept_by_alias("live")),
        "6": (GREEN, msg.prune_kept_by_alias("live")),
        "7": (msg.PRUNE_KEPT_GREEN_IN_THE_TRAFFIC_FILE,),
        "8": (msg.PRUNE_KEPT_PROVISIONED_CONCURRENCY,),
        "11": (msg.prune_kept_as_one_of_the_newest(2),),
        "12": (NEWEST, msg.prune_kept_as_one_of_the_newest(2)),
    }
    assert kept(decision)["11"] == ("one of the 2 newest (--keep 2)",)
    assert decision.freed == 400


def test_versions_order_by_number_not_as_text():
    live = LiveFunction(FUNCTION, versions("9", "10", "2", "11", "100"))
    decision = decide(live, Pins(), keep=2)
    assert deleted(decision) == ["2", "9", "10"]  # as text, "9" would be the newest
    assert list(kept(decision)) == ["11", "100"]
    assert kept(decision)["100"][0] == NEWEST


def test_keep_0_keeps_only_the_protected_versions_and_the_newest_always_stays():
    decision = decide(LiveFunction(FUNCTION, versions(1, 2, 3, 4)), Pins(blue=frozenset({"2"})), keep=0)
    assert deleted(decision) == ["1", "3"]
    assert kept(decision) == {"2": (BLUE,), "4": (NEWEST,)}


def test_keep_more_than_there_are_deletes_nothing():
    decision = decide(LiveFunction(FUNCTION, versions(1, 2, 3)), Pins(), keep=DEFAULT_KEEP)
    assert deleted(decision) == [] and list(kept(decision)) == ["1", "2", "3"]
    assert decision.freed == 0


def test_latest_and_anything_else_that_is_not_a_version_number_is_never_a_candidate():
    live = LiveFunction(FUNCTION, versions("$LATEST", "$LATEST.PUBLISHED", "01", "x", "1", "2"))
    decision = decide(live, Pins(), keep=0)
    assert deleted(decision) == ["1"]
    assert list(kept(decision)) == ["2"]


def test_the_traffic_file_adds_a_reason_only_where_it_differs_from_what_is_applied():
    live = LiveFunction(FUNCTION, versions(1, 2, 3, 4, 5, 6))
    same = decide(live, Pins(blue=frozenset({"2"}), green=frozenset({"3"}), committed_blue="2",
                             committed_green="3"), keep=0)
    assert kept(same) == {"2": (BLUE,), "3": (GREEN,), "6": (NEWEST,)}
    pending = decide(live, Pins(blue=frozenset({"2"}), committed_blue="4", committed_green="5"), keep=0)
    assert kept(pending) == {"2": (BLUE,), "4": (msg.PRUNE_KEPT_BLUE_IN_THE_TRAFFIC_FILE,),
                             "5": (msg.PRUNE_KEPT_GREEN_IN_THE_TRAFFIC_FILE,), "6": (NEWEST,)}


def test_the_newest_the_state_knows_stays_even_when_lambda_has_newer():
    decision = decide(LiveFunction(FUNCTION, versions(1, 2, 3, 4)), Pins(newest="2"), keep=0)
    assert kept(decision) == {"2": (NEWEST,), "4": (NEWEST,)}
    assert deleted(decision) == ["1", "3"]


def test_a_negative_keep_is_refused():
    with pytest.raises(ValueError):
        decide(LiveFunction(FUNCTION, versions(1)), Pins(), keep=-1)


@pytest.mark.parametrize("size, shown", [
    (0, "0 bytes"), (1, "1 byte"), (1023, "1,023 bytes"), (2048, "2,048 bytes (2.0 KiB)"),
    (5 * 2**20 + 2**19, "5,767,168 bytes (5.5 MiB)"), (75 * 2**30, "80,530,636,800 bytes (75.0 GiB)")])
def test_sizes_show_the_exact_bytes_and_a_readable_unit(size, shown):
    assert format_size(size) == shown


# --- the state and the traffic file --------------------------------------------------------------


def write_state(stack_dir: Path, *, serves: str, weights: dict | None = None, newest: str, first: str,
                variables: tuple = (None, None, 0)) -> None:
    """Local Terraform state (format 4) of the hello stack, as an apply leaves it."""
    def resource(kind: str, name: str, **attributes) -> dict:
        return {"mode": "managed", "type": kind, "name": name, "instances": [{"attributes": attributes}]}
    blue, green, weight = variables
    state = {"version": 4, "outputs": {
        "hello_applied_traffic": {"value": {"blue_version": blue, "green_version": green, "green_weight": weight}},
        "hello_newest_version": {"value": newest}}, "resources": [
        resource("aws_lambda_alias", "hello", function_version=serves,
                 routing_config=[{"additional_version_weights": weights}] if weights else []),
        resource("aws_lambda_function", "hello", version=newest),
        resource("terraform_data", "hello_first_version", output={"value": first, "type": "string"})]}
    stack_dir.mkdir(parents=True, exist_ok=True)
    (stack_dir / "terraform.tfstate").write_text(json.dumps(state))


def write_traffic(stack_file: Path, blue: str | None, green: str | None, weight: float) -> None:
    (stack_file.parent / "hello.traffic.json").write_text(json.dumps(
        {"hello": {"blue_version": blue, "green_version": green, "green_weight": weight}}))


def hello_target(stack_file: Path, out: Path) -> Target:
    from generator.features.loader import load_stack_file

    stack = load_stack_file(stack_file).stacks[0]
    return Target(stack, stack.deployments[0], stack_file.parent / "hello.traffic.json", out / "stacks" / "hello")


def test_pins_come_from_the_alias_the_applied_variables_the_first_version_and_the_traffic_file(example_copy,
                                                                                                tmp_path):
    target = hello_target(example_copy, tmp_path / "out")
    write_state(target.stack_dir, serves="4", weights={"6": 0.25}, newest="9", first="1",
                variables=("4", "5", 0.25))  # an apply that stopped before the alias changed
    write_traffic(example_copy, "4", "7", 0.25)
    assert read_pins(target) == Pins(blue=frozenset({"4"}), green=frozenset({"5", "6"}), committed_blue="4",
                                     committed_green="7", first="1", newest="9")


def test_unpinned_blue_is_the_first_version(example_copy, tmp_path):
    target = hello_target(example_copy, tmp_path / "out")
    write_state(target.stack_dir, serves="1", newest="3", first="1")
    assert read_pins(target) == Pins(blue=frozenset({"1"}), first="1", newest="3")


def test_nothing_is_pruned_without_the_applied_state(example_copy, tmp_path):
    target = hello_target(example_copy, tmp_path / "out")
    client = StubClient(versions=[[{"Version": "1", "CodeSize": 1}]])
    with pytest.raises(InvalidInput) as raised:
        prune(target, 0, LambdaVersions(client, FUNCTION), dry_run=False, echo=print)
    assert raised.value.problems == [Problem(OfDeployment("hello", "hello"),
                                             msg.prune_needs_applied_state(target.stack_dir))]
    assert client.calls == []  # not one AWS call


# --- the AWS side, with a stub client ------------------------------------------------------------


class StubClient:
    """What ``LambdaVersions`` uses of a boto3 Lambda client: paginators and delete_function."""

    def __init__(self, versions=(), aliases=(), provisioned=(), fail: dict | None = None):
        self.pages = {"list_versions_by_function": ("Versions", versions), "list_aliases": ("Aliases", aliases),
                      "list_provisioned_concurrency_configs": ("ProvisionedConcurrencyConfigs", provisioned)}
        self.fail = fail or {}  # method or "delete:<version>" -> the exception it raises
        self.calls: list[str] = []

    def get_paginator(self, method: str):
        key, pages = self.pages[method]
        stub = self

        class Paginator:
            def paginate(self, FunctionName):
                assert FunctionName == FUNCTION
                stub.calls.append(method)
                if method in stub.fail:
                    raise stub.fail[method]
                return [{key: page} for page in pages]
        return Paginator()

    def delete_function(self, FunctionName, Qualifier):
        assert FunctionName == FUNCTION
        self.calls.append(f"delete:{Qualifier}")
        if f"delete:{Qualifier}" in self.fail:
            raise self.fail[f"delete:{Qualifier}"]


def client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def test_every_page_of_versions_aliases_and_provisioned_concurrency_is_read():
    client = StubClient(versions=[[{"Version": "$LATEST", "CodeSize": 9}, {"Version": "1", "CodeSize": 5}],
                                  [{"Version": "2", "CodeSize": 7}]],
                        aliases=[[{"Name": "live", "FunctionVersion": "1",
                                   "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}}}]],
                        provisioned=[[{"FunctionArn": f"arn:aws:lambda:us-east-1:1:function:{FUNCTION}:2"},
                                      {"FunctionArn": f"arn:aws:lambda:us-east-1:1:function:{FUNCTION}:live"}]])
    live = LambdaVersions(client, FUNCTION).read()
    assert live == LiveFunction(FUNCTION, (Version("$LATEST", 9), Version("1", 5), Version("2", 7)),
                                (Alias("live", ("1", "2")),), frozenset({"2"}))


def test_a_deletion_that_fails_part_way_reports_what_was_deleted_before_it(example_copy, tmp_path):
    target = hello_target(example_copy, tmp_path / "out")
    write_state(target.stack_dir, serves="5", newest="6", first="1", variables=("5", None, 0))
    client = StubClient(versions=[[{"Version": str(n), "CodeSize": 1000 + n} for n in range(1, 7)]],
                        fail={"delete:3": client_error("ResourceConflictException", "Alias ops uses it",
                                                       "DeleteFunction")})
    lines: list[str] = []
    with pytest.raises(ExternalToolFailed) as raised:
        prune(target, 0, LambdaVersions(client, FUNCTION), dry_run=False, echo=lines.append)
    assert str(raised.value) == msg.prune_stopped(FUNCTION, "3", "ResourceConflictException: Alias ops uses it",
                                                  ["2"], "1,002 bytes")
    assert str(raised.value) == ("deleting version 3 of Lambda function hello-hello failed: "
                                 "ResourceConflictException: Alias ops uses it; deleted before the failure: v2 "
                                 "(1,002 bytes freed)")
    assert lines[-1] == "  deleted v2 (1,002 bytes)"
    assert client.calls[-2:] == ["delete:2", "delete:3"]  # stopped there: v4 was never tried


def shift_lands(target: Target, version: str) -> bool:
    """A second terminal's ``shift --version`` at this instant: False when it would wait for the
    traffic lock; else it runs (and commits ``version`` as green)."""
    folder = os.open(target.traffic_file.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a description of its own: conflicts like another process
    except BlockingIOError:
        return False
    finally:
        os.close(folder)
    shift(target, 0.5, version)
    return True


def test_a_shift_cannot_land_between_reading_the_pins_and_the_last_deletion(example_copy, tmp_path):
    # The shift is tried at each AWS call of the prune, all after the pins are read: before the
    # first list, between the lists, before each deletion. Unlocked, the first one lands and
    # commits v3 as green, and the prune, which decided without it, deletes v3.
    target = hello_target(example_copy, tmp_path / "out")
    write_state(target.stack_dir, serves="5", newest="6", first="1", variables=("5", None, 0))
    write_traffic(example_copy, "5", None, 0)
    landed: list[bool] = []

    class ShiftAtEveryCall(StubClient):
        def get_paginator(self, method):
            landed.append(shift_lands(target, "3"))
            return super().get_paginator(method)

        def delete_function(self, FunctionName, Qualifier):
            landed.append(shift_lands(target, "3"))
            super().delete_function(FunctionName, Qualifier)

    client = ShiftAtEveryCall(versions=[[{"Version": str(n), "CodeSize": 1} for n in range(1, 7)]])
    prune(target, 0, LambdaVersions(client, FUNCTION), dry_run=False, echo=lambda line: None)
    deleted_versions = [call.removeprefix("delete:") for call in client.calls if call.startswith("delete:")]
    committed = read_traffic(target.traffic_file, target.stack)["hello"]
    assert committed.green_version not in deleted_versions  # never a committed green deleted
    assert landed == [False] * 6  # three lists, three deletions (v2, v3, v4): the shift waited at each
    assert deleted_versions == ["2", "3", "4"]
    assert shift_lands(target, "6")  # released once the prune is done


def test_a_first_deletion_that_fails_says_nothing_was_deleted():
    error = msg.prune_stopped(FUNCTION, "2", "ServiceException: boom", [], "0 bytes")
    assert error.endswith("failed: ServiceException: boom; nothing was deleted before it")


def test_missing_credentials_say_how_to_give_them():
    client = StubClient(fail={"list_versions_by_function": NoCredentialsError()})
    with pytest.raises(ExternalToolFailed) as raised:
        LambdaVersions(client, FUNCTION).read()
    assert str(raised.value) == msg.aws_credentials_missing(FUNCTION)
    assert "set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in str(raised.value)


def test_an_aws_error_names_the_operation_the_function_and_the_code():
    client = StubClient(fail={"list_aliases": client_error("AccessDeniedException", "not allowed\n here",
                                                          "ListAliases")})
    with pytest.raises(ExternalToolFailed) as raised:
        LambdaVersions(client, FUNCTION).read()
    assert str(raised.value) == msg.aws_call_failed("ListAliases", FUNCTION, "AccessDeniedException: not allowed here")


@pytest.mark.parametrize("code", ["404", "AccessDeniedException"])
def test_a_provisioned_concurrency_error_exits_3_like_any_aws_error(code, example_copy, tmp_path, capsys,
                                                                     monkeypatch):
    from generator.releasing import prune as prune_module

    write_state(tmp_path / "out/stacks/hello", serves="1", newest="2", first="1")
    client = StubClient(versions=[[{"Version": "1", "CodeSize": 1}, {"Version": "2", "CodeSize": 1}]], fail={
        "list_provisioned_concurrency_configs": client_error(code, "no\n answer", "ListProvisionedConcurrencyConfigs")})
    monkeypatch.setattr(prune_module, "lambda_client", lambda *args, **kwargs: client)
    code_, out, err = run(capsys, "prune", example_copy, "hello", "--keep", "0", "--out", tmp_path / "out")
    assert (code_, out) == (3, "")  # a 404 too, whichever endpoint answers it: nothing is pruned unchecked
    assert err == f"error: {msg.aws_call_failed('ListProvisionedConcurrencyConfigs', FUNCTION, f'{code}: no answer')}\n"
    assert "list_provisioned_concurrency_configs" in client.calls
    assert not [call for call in client.calls if call.startswith("delete:")]


def test_an_unqualified_or_latest_deletion_is_refused_before_any_call():
    client = StubClient()
    for version in ("$LATEST", "", "live"):
        with pytest.raises(ValueError):
            LambdaVersions(client, FUNCTION).delete(version)
    assert client.calls == []


# --- the command line ----------------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("keep", ["-1", "1.5", "two", "", " 3", "٣", "+2"])
def test_a_bad_keep_exits_2_naming_it(keep, example_copy, tmp_path, capsys):
    code, out, err = run(capsys, "prune", example_copy, "hello", "--keep", keep, "--out", tmp_path / "out")
    assert (code, out) == (2, "")
    assert err == f"error: --keep: {cli_msg.keep_must_be_a_whole_number(keep)}\n"


def test_a_keep_past_64_bits_exits_2_naming_it(example_copy, tmp_path, capsys):
    huge = "1" * 5000  # int() refuses more than 4,300 digits: refused before it is tried
    code, out, err = run(capsys, "prune", example_copy, "hello", "--keep", huge, "--out", tmp_path / "out")
    assert (code, out) == (2, "")
    assert err == f"error: --keep: {cli_msg.keep_must_be_at_most_the_largest(huge)}\n"
    assert run(capsys, "prune", example_copy, "hello", "--keep", str(2**63), "--out", tmp_path / "out")[0] == 2
    assert "--keep" not in run(capsys, "prune", example_copy, "hello", "--keep", "0" * 30 + "5",
                               "--out", tmp_path / "out")[2]  # leading zeros are still a small number


def test_the_default_keep_is_documented(capsys):
    with pytest.raises(SystemExit):
        cli.main(["prune", "--help"])
    assert f"(default: {DEFAULT_KEEP})" in capsys.readouterr().out


def test_an_unknown_deployment_exits_2_naming_it(example_copy, tmp_path, capsys):
    code, _, err = run(capsys, "prune", example_copy, "orders", "--out", tmp_path / "out")
    assert code == 2
    assert err == f"error: DEPLOYMENT: {msg.must_be_a_deployment_of_the_stack_file(['hello/hello'], 'orders')}\n"


def test_no_applied_state_exits_2(example_copy, tmp_path, capsys):
    code, _, err = run(capsys, "prune", example_copy, "hello", "--out", tmp_path / "out")
    assert code == 2
    assert err == f"error: hello/hello: {msg.prune_needs_applied_state(tmp_path / 'out' / 'stacks' / 'hello')}\n"


def test_local_without_a_running_emulator_exits_2(example_copy, tmp_path, capsys, monkeypatch):
    (tmp_path / ".bluegreen").mkdir()
    write_state(tmp_path / ".bluegreen/local/out/stacks/hello", serves="1", newest="1", first="1")
    code, _, err = run(capsys, "prune", example_copy, "hello", "--local")
    assert code == 2
    assert err == f"error: --local: {local_msg.emulator_must_be_running(os.path.relpath(tmp_path / '.bluegreen/emulator.json'))}\n"


@pytest.fixture
def no_aws_credentials(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance metadata lookup
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # never AWS, whatever happens
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws either


def test_missing_credentials_exit_3_without_a_traceback(example_copy, tmp_path, capsys, no_aws_credentials):
    write_state(tmp_path / "out/stacks/hello", serves="1", newest="2", first="1")
    code, out, err = run(capsys, "prune", example_copy, "hello", "--out", tmp_path / "out")
    assert (code, out) == (3, "")
    assert err == f"error: {msg.aws_credentials_missing(FUNCTION)}\n"


# --- against moto ---------------------------------------------------------------------------------


def code_zip(n: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", f"def handler(event, context):\n    return {n}\n" + "#" * n * 10)
    return buffer.getvalue()


def publish(client, count: int) -> None:
    """Create hello-hello and publish ``count`` versions, each with other code."""
    iam = boto3.client("iam", endpoint_url=client.meta.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    role = iam.create_role(RoleName=f"{FUNCTION}-exec", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client.create_function(FunctionName=FUNCTION, Runtime="python3.12", Role=role, Handler="app.handler",
                           Code={"ZipFile": code_zip(1)}, Publish=True)
    for n in range(2, count + 1):
        client.update_function_code(FunctionName=FUNCTION, ZipFile=code_zip(n), Publish=True)


def provision(client, version: str) -> None:
    """Provisioned concurrency on ``version``, as the emulator (moto_extras) keeps it."""
    client.put_provisioned_concurrency_config(FunctionName=FUNCTION, Qualifier=version,
                                              ProvisionedConcurrentExecutions=1)
    configs = client.list_provisioned_concurrency_configs(FunctionName=FUNCTION)["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"].rpartition(":")[2] for c in configs] == [version]


def remaining(client) -> list[str]:
    return [v["Version"] for v in client.list_versions_by_function(FunctionName=FUNCTION)["Versions"]]


def sizes(client) -> dict[str, int]:
    return {v["Version"]: v["CodeSize"] for v in client.list_versions_by_function(FunctionName=FUNCTION)["Versions"]}


def test_prune_on_moto_deletes_only_unprotected_old_versions_and_dry_run_deletes_nothing(
        moto_endpoint, example_copy, tmp_path, capsys, monkeypatch):
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"AWS_ENDPOINT_URL": moto_endpoint, "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test", "AWS_MAX_ATTEMPTS": "2", "AWS_CONFIG_FILE": os.devnull,
                        "AWS_SHARED_CREDENTIALS_FILE": os.devnull}.items():
        monkeypatch.setenv(name, value)  # prune finds moto as any boto3 program would
    client = boto3.client("lambda", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    publish(client, 10)
    client.create_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="4",
                        RoutingConfig={"AdditionalVersionWeights": {"6": 0.25}})
    client.create_alias(FunctionName=FUNCTION, Name="ops", FunctionVersion="2")  # made by hand, not in state
    provision(client, "8")  # old: neither blue, green, aliased nor among the 2 newest
    out = tmp_path / "out"
    write_state(out / "stacks/hello", serves="4", weights={"6": 0.25}, newest="10", first="1",
                variables=("4", "6", 0.25))
    write_traffic(example_copy, "4", "7", 0.25)  # a pending shift to v7, not applied yet
    size = sizes(client)
    before = remaining(client)
    assert before == ["$LATEST", *map(str, range(1, 11))]

    code, out_text, err = run(capsys, "prune", example_copy, "hello", "--keep", "2", "--dry-run", "--out", out)
    assert (code, err) == (0, "")
    assert remaining(client) == before
    kept_lines = [
        f"  kept v1 ({format_size(size['1'])}): {FIRST}",
        f"  kept v2 ({format_size(size['2'])}): alias ops",
        f"  kept v4 ({format_size(size['4'])}): blue, alias live",
        f"  kept v6 ({format_size(size['6'])}): green, alias live",
        f"  kept v7 ({format_size(size['7'])}): green in the traffic file",
        f"  kept v8 ({format_size(size['8'])}): {msg.PRUNE_KEPT_PROVISIONED_CONCURRENCY}",
        f"  kept v9 ({format_size(size['9'])}): one of the 2 newest (--keep 2)",
        f"  kept v10 ({format_size(size['10'])}): newest, one of the 2 newest (--keep 2)"]
    gone = ["3", "5"]
    freed = format_size(sum(size[n] for n in gone))
    header = (f"hello/hello: Lambda function hello-hello: 10 published versions; keeping {10 - len(gone)}, "
              f"{{}} {len(gone)} (--keep 2)")
    assert out_text.splitlines() == [
        header.format("would delete"), *kept_lines,
        *(f"  would delete v{n} ({format_size(size[n])})" for n in gone),
        f"would free {freed}; nothing deleted (--dry-run)"]

    code, out_text, err = run(capsys, "prune", example_copy, "hello", "--keep", "2", "--out", out)
    assert (code, err) == (0, "")
    assert remaining(client) == [n for n in before if n not in gone]
    assert remaining(client) == ["$LATEST", "1", "2", "4", "6", "7", "8", "9", "10"]
    assert out_text.splitlines() == [
        header.format("deleting"), *kept_lines,
        *(f"  deleted v{n} ({format_size(size[n])})" for n in gone),
        f"freed {freed} ({len(gone)} versions)"]
    alias = client.get_alias(FunctionName=FUNCTION, Name="live")
    assert (alias["FunctionVersion"], alias["RoutingConfig"]["AdditionalVersionWeights"]) == ("4", {"6": 0.25})

    code, out_text, _ = run(capsys, "prune", example_copy, "hello", "--keep", "2", "--out", out)
    assert code == 0 and out_text.splitlines()[-1] == "nothing to delete"


@contextmanager
def local_versions(example_copy: Path, tmp_path: Path, newest: int) -> Iterator:
    """The emulator ``up`` would record under ``tmp_path``, with versions 1 to ``newest`` of the
    example's function published and its applied state serving 1; its Lambda client."""
    from generator.local import emulator
    from generator.output.workspace import Workspace

    workspace = Workspace.at(tmp_path, local=True)
    server = emulator.start_emulator(workspace)
    try:
        client = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        publish(client, newest)
        write_state(workspace.stack_dir(hello_target(example_copy, tmp_path).stack), serves="1",
                    newest=str(newest), first="1")
        yield client
    finally:
        emulator.stop_emulator(workspace)


def test_prune_local_uses_the_recorded_emulator_and_its_output(example_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # --local ignores the user's AWS settings
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "not-the-emulator's")
    with local_versions(example_copy, tmp_path, 4) as client:
        client.create_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="1")
        code, out_text, err = run(capsys, "prune", example_copy, "hello", "--local", "--keep", "1")
        assert (code, err) == (0, ""), err
        assert out_text.splitlines()[0] == ("hello/hello: Lambda function hello-hello: 4 published versions; "
                                            "keeping 2, deleting 2 (--keep 1)")
        assert remaining(client) == ["$LATEST", "1", "4"]


def test_a_reader_that_goes_away_ends_prune_quietly(example_copy, tmp_path):
    # `bluegreen prune ... --dry-run | head -1`: prune prints each line as it goes (flush), so the
    # write after head has gone fails at once. The reader end is closed before prune starts.
    from generator.cli.program import EXIT_BROKEN_PIPE

    with local_versions(example_copy, tmp_path, 3) as client:
        reader, writer = os.pipe()
        os.close(reader)
        result = subprocess.run([str(Path(sys.executable).parent / "bluegreen"), "prune", str(example_copy), "hello",
                                 "--local", "--dry-run"], stdout=writer, stderr=subprocess.PIPE, text=True,
                                timeout=120)
        os.close(writer)
        assert (result.returncode, result.stderr) == (EXIT_BROKEN_PIPE, "")
        assert remaining(client) == ["$LATEST", "1", "2", "3"]  # --dry-run: nothing deleted either way


def test_a_function_that_does_not_exist_exits_3_naming_it(moto_endpoint, example_copy, tmp_path, capsys,
                                                          monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    stack_file = copy_example(tmp_path / "other")
    (stack_file.parent / "hello.py").write_text(stack_file.read_text().replace('name="hello",\n        region',
                                                                               'name="gone",\n        region'))
    write_state(tmp_path / "out/stacks/gone", serves="1", newest="1", first="1")
    code, out, err = run(capsys, "prune", stack_file, "hello", "--out", tmp_path / "out")
    assert (code, out) == (3, "")
    # Lambda refuses the first call; moto lists no versions of a function it lacks, and refuses the aliases.
    assert re.match(r"error: AWS Lambda (ListVersionsByFunction|ListAliases) failed for function gone-hello: "
                    r"ResourceNotFoundException: ", err), err
