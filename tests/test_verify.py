"""``bluegreen verify`` as a user runs it: its arguments and their errors (exit 2, nothing invoked),
and on a moto emulator that runs the functions' code (``generator.local.runtime``): a split at 0.5
answered by both versions, a green that raises, the ``--json`` keys, and a call that fails (exit 3).

The emulator tests make the function and its alias with boto3 (no Terraform: seconds, not a
minute); ``verify`` reaches them as it reaches AWS, through boto3's ``AWS_ENDPOINT_URL``, and with
``--local`` through the emulator's record, as after ``bluegreen up --local``.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import moto_server

from generator import Deployment, Function, Stack
from generator.cli import program as cli
from generator.core.errors import ExternalToolFailed
from generator.core.messages import releasing as releasing_msg
from generator.core.messages import verify as msg
from generator.model.traffic import Traffic
from generator.model.traffic_file import write_traffic
from generator.releasing.operations import Target
from generator.releasing.verify import DEFAULT_REQUESTS, MAX_REQUESTS, PAYLOAD_LIMIT, invoke_once, served_by
from generator.releasing.verify_stats import Served


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- arguments -------------------------------------------------------------------------------------


@pytest.mark.parametrize("requests", ["0", "-1", "1.5", "ten", "", " 3", "٣", "+2"])
def test_a_bad_request_count_exits_2_naming_it(requests, example_copy, capsys):
    code, out, err = run(capsys, "verify", example_copy, "hello", "--requests", requests)
    assert (code, out) == (2, "")
    assert err == f"error: --requests: {msg.requests_must_be_a_whole_number(MAX_REQUESTS, requests)}\n"


@pytest.mark.parametrize("requests", [str(MAX_REQUESTS + 1), "1" * 5000])
def test_more_requests_than_the_maximum_exit_2(requests, example_copy, capsys):
    code, out, err = run(capsys, "verify", example_copy, "hello", "--requests", requests)
    assert (code, out) == (2, "")
    assert err == f"error: --requests: {msg.requests_must_be_at_most(MAX_REQUESTS, requests)}\n"
    assert "10000 (each request is a real, billed invocation on AWS), got: '10001'" in \
        msg.requests_must_be_at_most(MAX_REQUESTS, "10001")


def test_a_missing_event_file_exits_2_naming_it(example_copy, tmp_path, capsys):
    missing = str(tmp_path / "nope.json")
    code, out, err = run(capsys, "verify", example_copy, "hello", "--event", missing)
    assert (code, out, err) == (2, "", f"error: --event: {msg.event_file_must_exist(missing)}\n")


def test_an_event_file_that_is_not_json_exits_2_naming_it(example_copy, tmp_path, capsys):
    event = tmp_path / "event.json"
    event.write_text("{'path': '/'}")
    try:
        json.loads(event.read_text())
    except ValueError as error:
        expected = msg.event_file_must_be_json(str(event), error)
    code, out, err = run(capsys, "verify", example_copy, "hello", "--event", event)
    assert (code, out, err) == (2, "", f"error: --event: {expected}\n")


def test_an_event_past_lambdas_payload_quota_exits_2(example_copy, tmp_path, capsys):
    event = tmp_path / "big.json"
    event.write_text(json.dumps("x" * PAYLOAD_LIMIT))
    code, out, err = run(capsys, "verify", example_copy, "hello", "--event", event)
    assert (code, out) == (2, "")
    assert err == f"error: --event: {msg.event_must_fit_a_payload(str(event), PAYLOAD_LIMIT + 2, PAYLOAD_LIMIT)}\n"


def test_an_unknown_deployment_exits_2(example_copy, capsys):
    code, out, err = run(capsys, "verify", example_copy, "nope")
    assert (code, out) == (2, "")
    assert err == (f"error: DEPLOYMENT: "
                   f"{releasing_msg.must_be_a_deployment_of_the_stack_file(['hello/hello'], 'nope')}\n")


def test_local_without_an_emulator_exits_2_saying_how_to_start_one(example_copy, capsys):
    code, out, err = run(capsys, "verify", example_copy, "hello", "--local")
    assert (code, out) == (2, "")
    assert err.startswith("error: --local: no emulator is running")


def test_help_says_it_costs_real_invocations_and_documents_the_defaults(capsys):
    with pytest.raises(SystemExit):
        cli.main(["verify", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "every request is a real, billed invocation" in text
    assert f"(default: {DEFAULT_REQUESTS})" in text and f"at most {MAX_REQUESTS:,}" in text
    assert "exit 6" in text


# --- one invoke's answer, from a stand-in client ------------------------------------------------------


class Answers:
    """A Lambda client that answers each ``invoke`` with the next of ``answers`` (a dict, or an
    exception to raise)."""

    def __init__(self, *answers):
        self.answers = list(answers)

    def invoke(self, **_):
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return {"StatusCode": 200, **answer, "Payload": io.BytesIO(answer.get("Payload", b"null"))}


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "Invoke")


def test_an_answer_names_its_version_and_whether_it_failed():
    client = Answers({"ExecutedVersion": "2", "Payload": b'{"statusCode": 200, "body": "hi"}'},
                     {"ExecutedVersion": "2", "FunctionError": "Unhandled",
                      "Payload": b'{"errorType": "ZeroDivisionError", "errorMessage": "division by zero"}'},
                     {"ExecutedVersion": "1", "Payload": b'{"statusCode": 502}'},
                     {"ExecutedVersion": "1", "Payload": b'{"statusCode": "500"}'},  # not a number: not judged
                     {"ExecutedVersion": "1", "Payload": b"[1, 2]"})
    got = [invoke_once(client, "vfy-half", "live", b"{}") for _ in range(5)]
    assert [(s.version, s.error, s.detail) for s in got] == [
        ("2", False, None), ("2", True, "ZeroDivisionError: division by zero"), ("1", True, "statusCode 502"),
        ("1", False, None), ("1", False, None)]
    assert all(s.latency_ms >= 0 for s in got)


def test_a_5xx_from_lambda_is_an_error_with_no_version_and_a_4xx_stops_the_run():
    sample = invoke_once(Answers(client_error("ServiceException", 500)), "vfy-half", "live", b"{}")
    assert (sample.version, sample.error) == (None, True) and "ServiceException" in sample.detail
    with pytest.raises(ClientError):
        invoke_once(Answers(client_error("ResourceNotFoundException", 404)), "vfy-half", "live", b"{}")


def test_an_answer_without_an_executed_version_is_refused():
    with pytest.raises(ExternalToolFailed) as raised:
        invoke_once(Answers({"Payload": b"{}"}), "vfy-half", "live", b"{}")
    assert str(raised.value) == msg.invoke_answered_no_version("vfy-half", "live")


def test_what_the_alias_serves_comes_from_getalias(tmp_path):
    stack = Stack(name="vfy", region="us-east-1", deployments=[
        Deployment(name="half", function=Function(source="src", handler="app.handler", runtime="python3.12"))])
    target = Target(stack, stack.deployments[0], tmp_path / "vfy.traffic.json", tmp_path / "out")
    routed = {"FunctionVersion": "3", "RoutingConfig": {"AdditionalVersionWeights": {"4": 0.1}}}
    assert served_by(routed, target) == Served("3", "4", 0.1)
    assert served_by({"FunctionVersion": "3"}, target) == Served("3", None, 0.0)
    # On one version that the traffic file names green at weight 1 (before the promote): green, all of it.
    write_traffic(target.traffic_file, stack, {"half": Traffic("3", "4", 1)})
    assert served_by({"FunctionVersion": "4", "RoutingConfig": {}}, target) == Served("3", "4", 1.0)
    assert served_by({"FunctionVersion": "3"}, target) == Served("3", None, 0.0)


# --- on the emulator, which runs each version's code ---------------------------------------------------

STACK_FILE = '''\
from generator import Deployment, Function, Stack

STACKS = [Stack(name="vfy", region="us-east-1", deployments=[
    Deployment(name=name, function=Function(source="src", handler="app.handler", runtime="python3.12"))
    for name in ("half", "raises", "fails", "blue", "missing")])]
'''
ANSWER = 'def handler(event, context):\n    return {{"statusCode": {status}, "body": "Hello From {colour} Deployment"}}\n'
BLUE, GREEN = ANSWER.format(status=200, colour="Blue"), ANSWER.format(status=200, colour="Green")
RAISES = "def handler(event, context):\n    return 1 / 0\n"
FAILS = ANSWER.format(status=500, colour="Green")
ROLE = "arn:aws:iam::123456789012:role/vfy-exec"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """A moto server of this module's own, with its pid: ``--local`` needs both in the record."""
    with moto_server(tmp_path_factory) as (url, process):
        lam = boto3.client("lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                           aws_secret_access_key="test")
        boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                     aws_secret_access_key="test").create_role(RoleName="vfy-exec", AssumeRolePolicyDocument="{}")
        publish(lam, "vfy-half", BLUE, GREEN, weight=0.5)
        publish(lam, "vfy-raises", BLUE, RAISES, weight=0.5)
        publish(lam, "vfy-fails", BLUE, FAILS, weight=0.2)
        publish(lam, "vfy-blue", BLUE, GREEN, weight=None)
        yield process.pid, url


def publish(lam, function: str, blue: str, green: str, weight: float | None) -> None:
    """Versions 1 (``blue``'s code) and 2 (``green``'s), and alias live: on 1, ``weight`` to 2."""
    lam.create_function(FunctionName=function, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": archive(blue)}, Publish=True, Timeout=5)
    lam.update_function_code(FunctionName=function, ZipFile=archive(green), Publish=True)
    routing = {"RoutingConfig": {"AdditionalVersionWeights": {"2": weight}}} if weight else {}
    lam.create_alias(FunctionName=function, Name="live", FunctionVersion="1", **routing)


def archive(handler: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("app.py", handler)
    return buffer.getvalue()


@pytest.fixture
def project(tmp_path, emulator, monkeypatch) -> Path:
    """A project whose stack file names the functions above, with the emulator recorded as
    ``up --local`` records it; boto3 pointed at it as at AWS (``AWS_ENDPOINT_URL``)."""
    pid, url = emulator
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(BLUE)
    (tmp_path / "vfy.py").write_text(STACK_FILE)
    (tmp_path / ".bluegreen").mkdir()
    (tmp_path / ".bluegreen" / "emulator.json").write_text(json.dumps({"pid": pid, "endpoint": url}))
    for name, value in {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_MAX_ATTEMPTS": "2", "AWS_CONFIG_FILE": os.devnull,
                        "AWS_SHARED_CREDENTIALS_FILE": os.devnull}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return tmp_path / "vfy.py"


def verify_json(capsys, *argv) -> tuple[int, dict]:
    code, out, err = run(capsys, "verify", *argv, "--json")
    assert err == ""
    return code, json.loads(out)


def test_a_split_at_half_is_answered_by_both_versions_and_consistent(project, capsys):
    code, report = verify_json(capsys, project, "half", "--local", "--requests", "200")
    assert code == 0
    assert {key: report[key] for key in ("requests", "errors", "expected_green_weight", "consistent")} == {
        "requests": 200, "errors": 0, "expected_green_weight": 0.5, "consistent": True}
    # The emulator's seeded draw (BLUEGREEN_EMULATOR_SEED 0, this alias's first 200 invokes): the
    # same counts on every run, those docs/verify.md shows.
    assert report["versions"] == {"1": 96, "2": 104}
    low, high = report["interval"]
    assert low <= report["versions"]["2"] / 200 <= high
    assert (report["blue_version"], report["green_version"], report["alias"]) == ("1", "2", "live")


def test_a_green_that_raises_exits_6_with_its_errors_counted(project, capsys):
    code, out, err = run(capsys, "verify", project, "raises", "--requests", "20")  # AWS's way: boto3's endpoint
    assert (code, err) == (6, "")
    green = int(re.search(r"^  v2 \(green\): (\d+) ", out, flags=re.M).group(1))
    assert green > 0 and f"errors {green}, latency" in out
    assert "    first error: ZeroDivisionError: division by zero" in out
    assert out.splitlines()[-1].startswith(f"inconsistent: {msg.errors_answered(green)}")
    code, report = verify_json(capsys, project, "raises", "--requests", "20")
    assert code == 6 and report["errors"] == report["versions"]["2"] == report["errors_by_version"]["2"] > 0


def test_a_green_that_answers_500_is_counted_as_an_error(project, capsys):
    code, report = verify_json(capsys, project, "fails", "--requests", "30")
    assert code == 6 and report["errors"] == report["versions"].get("2") > 0
    assert report["expected_green_weight"] == 0.2 and report["errors_by_version"]["1"] == 0


def test_an_alias_on_blue_alone_is_answered_by_blue_alone(project, capsys):
    code, report = verify_json(capsys, project, "blue", "--requests", "20")
    assert (code, report["versions"], report["expected_green_weight"], report["consistent"]) == (
        0, {"1": 20}, 0.0, True)


def test_a_deployment_not_applied_exits_3_naming_getalias(project, capsys):
    code, out, err = run(capsys, "verify", project, "missing", "--requests", "5")
    assert (code, out) == (3, "")
    assert err.startswith("error: " + releasing_msg.aws_call_failed("GetAlias", "vfy-missing", "ResourceNotFound"))
