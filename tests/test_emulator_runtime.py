"""The emulator runs each version's own code (docs/local-code.md): boto3 against one moto server,
archives built in the test, no Terraform.

Each test makes its own function (a unique name), so the tests share the module's server.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import time
import uuid
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from generator.core.messages import local_runtime as msg
from generator.local.runtime import choice

REGION = "us-east-1"


def archive(files: dict[str, str]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    return data.getvalue()


@pytest.fixture(scope="module")
def aws(moto_endpoint):
    def make(service: str):
        # One attempt, long reads: a timeout test waits for the handler's own timeout.
        return boto3.client(service, endpoint_url=moto_endpoint, region_name=REGION, aws_access_key_id="test",
                            aws_secret_access_key="test",
                            config=Config(retries={"total_max_attempts": 1}, read_timeout=120))

    return make


@pytest.fixture(scope="module")
def role(aws) -> str:
    return aws("iam").create_role(RoleName="runtime", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


@pytest.fixture
def make_function(aws, role):
    """A new function from ``code`` (app.py unless ``files`` say otherwise), version 1 published."""

    def make(code: str = "", *, files: dict[str, str] | None = None, runtime: str = "python3.12",
             handler: str = "app.handler", **options) -> str:
        name = f"rt-{uuid.uuid4().hex[:10]}"
        aws("lambda").create_function(FunctionName=name, Role=role, Runtime=runtime, Handler=handler,
                                      Code={"ZipFile": archive(files or {"app.py": code})}, Publish=True, **options)
        return name

    return make


def publish(aws, name: str, code: str) -> str:
    lam = aws("lambda")
    lam.update_function_code(FunctionName=name, ZipFile=archive({"app.py": code}))
    return lam.publish_version(FunctionName=name)["Version"]


def call(aws, name: str, qualifier: str | None = None, payload: object = None, **options) -> tuple[dict, object]:
    arguments = {"FunctionName": name, **({"Qualifier": qualifier} if qualifier else {}), **options}
    if payload is not None:
        arguments["Payload"] = json.dumps(payload).encode()
    answer = aws("lambda").invoke(**arguments)
    body = answer["Payload"].read()
    return answer, json.loads(body) if body else None


RETURNS = "def handler(event, context):\n    return {!r}\n"


def test_each_version_runs_its_own_archive(aws, make_function):
    name = make_function(RETURNS.format("blue"))
    green = publish(aws, name, RETURNS.format("green"))
    assert green == "2"
    one, answer_one = call(aws, name, "1")
    two, answer_two = call(aws, name, "2")
    assert (answer_one, answer_two) == ("blue", "green")
    assert (one["ExecutedVersion"], two["ExecutedVersion"]) == ("1", "2")
    assert "FunctionError" not in one and one["StatusCode"] == 200
    latest, answer_latest = call(aws, name)
    assert answer_latest == "green" and latest["ExecutedVersion"] == "$LATEST"


def test_the_event_reaches_the_handler(aws, make_function):
    name = make_function("def handler(event, context):\n    return {'got': event}\n")
    assert call(aws, name, "1", {"path": "/health", "n": [1, 2]})[1] == {"got": {"path": "/health", "n": [1, 2]}}
    assert call(aws, name, "1")[1] == {"got": {}}  # no payload: an empty object, as on Lambda


def _alias_counts(aws, name: str, n: int) -> Counter:
    return Counter(call(aws, name, "live")[0]["ExecutedVersion"] for _ in range(n))


def test_an_alias_runs_its_versions_by_weight_reproducibly(aws, make_function):
    name = make_function(RETURNS.format("blue"))
    publish(aws, name, RETURNS.format("green"))
    aws("lambda").create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}})
    answers = Counter()
    for _ in range(40):
        answer, body = call(aws, name, "live")
        answers[(answer["ExecutedVersion"], body)] += 1
    # The server's seed is 0 and this alias's count starts at 0: the draws are known in advance.
    expected = Counter(choice.pick("1", {"2": 0.3}, choice.draw("0", name, "live", n)) for n in range(40))
    assert answers == {("1", "blue"): expected["1"], ("2", "green"): expected["2"]}
    assert 0 < expected["2"] < 40  # both versions answered


def test_an_alias_without_weights_runs_its_version(aws, make_function):
    name = make_function(RETURNS.format("blue"))
    publish(aws, name, RETURNS.format("green"))
    aws("lambda").create_alias(FunctionName=name, Name="live", FunctionVersion="2")
    assert _alias_counts(aws, name, 5) == {"2": 5}


def test_a_raise_is_a_function_error_with_lambdas_payload(aws, make_function):
    name = make_function("def handler(event, context):\n    raise ValueError('boom')\n")
    answer, body = call(aws, name, "1")
    assert answer["StatusCode"] == 200 and answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError" and body["errorMessage"] == "boom"
    assert body["requestId"] and any("app.py" in line and "handler" in line for line in body["stackTrace"])


def test_a_handler_past_its_timeout_is_stopped_at_the_timeout(aws, make_function):
    name = make_function("import time\ndef handler(event, context):\n    time.sleep(60)\n    return 'late'\n",
                         Timeout=1)
    started = time.monotonic()
    answer, body = call(aws, name, "1")
    elapsed = time.monotonic() - started
    assert answer["FunctionError"] == "Unhandled" and body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    assert 1 <= elapsed < 20  # stopped at one second, not after the sleep (generous for a busy machine)


def test_log_type_tail_returns_the_runs_log(aws, make_function):
    name = make_function("def handler(event, context):\n    print('hello from the handler')\n    return 1\n")
    answer, _ = call(aws, name, "1", LogType="Tail")
    log = base64.b64decode(answer["LogResult"]).decode()
    assert log.startswith("START RequestId: ") and "Version: 1" in log.splitlines()[0]
    assert "hello from the handler" in log and "\nEND RequestId: " in log and "\nREPORT RequestId: " in log


def test_event_and_dry_run_invocations(aws, make_function):
    name = make_function(RETURNS.format("x"))
    event = aws("lambda").invoke(FunctionName=name, Qualifier="1", InvocationType="Event", Payload=b"{}")
    assert event["StatusCode"] == 202
    dry = aws("lambda").invoke(FunctionName=name, Qualifier="1", InvocationType="DryRun")
    assert dry["StatusCode"] == 204


ENVIRONMENT = '''import os
def handler(event, context):
    return {"env": dict(os.environ), "context": {
        "function_name": context.function_name, "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn, "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id, "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name, "remaining": context.get_remaining_time_in_millis()}}
'''


def test_the_handler_sees_its_variables_lambdas_and_the_emulators_credentials_only(aws, make_function, moto_endpoint):
    name = make_function(ENVIRONMENT, MemorySize=256, Timeout=7, Environment={"Variables": {"GREETING": "hi"}})
    aws("lambda").create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    answer, body = call(aws, name, "live")
    env, context = body["env"], body["context"]
    assert env["GREETING"] == "hi"
    assert {key: env[key] for key in ("_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
                                      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                      "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "TZ",
                                      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                      "AWS_ENDPOINT_URL")} == {
        "_HANDLER": "app.handler", "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12", "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_FUNCTION_VERSION": "1",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}", "TZ": ":UTC", "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "test", "AWS_ENDPOINT_URL": moto_endpoint}
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"].endswith("/[1]" + env["AWS_LAMBDA_LOG_STREAM_NAME"][-32:])
    # Nothing else: no variable of the server's own environment (HOME, a profile, real keys...).
    lambdas = {"_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
               "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY_ID",
               "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ", "LANG",
               "PATH", "LD_LIBRARY_PATH", "AWS_ENDPOINT_URL", "GREETING"}
    assert set(env) - {"LC_CTYPE"} == lambdas  # LC_CTYPE: Python may set it itself (PEP 538)
    assert context == {"function_name": name, "function_version": "1",
                       "invoked_function_arn": f"arn:aws:lambda:{REGION}:123456789012:function:{name}:live",
                       "memory_limit_in_mb": 256, "aws_request_id": context["aws_request_id"],
                       "log_group_name": f"/aws/lambda/{name}", "log_stream_name": env["AWS_LAMBDA_LOG_STREAM_NAME"],
                       "remaining": context["remaining"]}
    assert 0 < context["remaining"] <= 7000 and len(context["aws_request_id"]) == 36


def test_the_log_of_each_run_is_in_the_functions_log_group(aws, make_function):
    name = make_function("def handler(event, context):\n    print('served', event['n'])\n    return 1\n")
    for n in range(2):
        call(aws, name, "1", {"n": n})
    logs = aws("logs")
    streams = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert len(streams) == 2 and all("/[1]" in s["logStreamName"] for s in streams)
    messages = [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
    assert sorted(m for m in messages if m.startswith("served")) == ["served 0", "served 1"]
    assert sum(m.startswith("START RequestId: ") for m in messages) == 2
    assert sum(m.startswith("REPORT RequestId: ") and "\tMemory Size: 128 MB\t" in m for m in messages) == 2


def _sum(aws, metric: str, dimensions: dict[str, str]) -> float:
    now = datetime.now(UTC)
    points = aws("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda", MetricName=metric, Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - timedelta(minutes=5), EndTime=now + timedelta(minutes=1), Period=3600,
        Statistics=["Sum"])["Datapoints"]
    return sum(p["Sum"] for p in points)


def test_each_invoke_publishes_lambdas_metrics_under_each_dimension_set(aws, make_function):
    name = make_function("def handler(event, context):\n    if event.get('fail'):\n        raise RuntimeError('x')\n")
    publish(aws, name, "def handler(event, context):\n    raise RuntimeError('always')\n")
    aws("lambda").create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    served = Counter(call(aws, name, "live")[0]["ExecutedVersion"] for _ in range(10))
    call(aws, name, "1", {"fail": True})
    call(aws, name, "1")
    function = {"FunctionName": name}
    alias = {**function, "Resource": f"{name}:live"}
    assert (_sum(aws, "Invocations", function), _sum(aws, "Errors", function)) == (12, served["2"] + 1)
    assert (_sum(aws, "Invocations", alias), _sum(aws, "Errors", alias)) == (10, served["2"])
    for version in ("1", "2"):
        by_version = {**alias, "ExecutedVersion": version}
        errors = served["2"] if version == "2" else 0
        assert (_sum(aws, "Invocations", by_version), _sum(aws, "Errors", by_version)) == (served[version], errors)
    version_one = {**function, "Resource": f"{name}:1"}
    assert (_sum(aws, "Invocations", version_one), _sum(aws, "Errors", version_one)) == (2, 1)
    assert _sum(aws, "Duration", alias) > 0


def test_memory_past_the_functions_size_fails_the_run(aws, make_function):
    name = make_function("def handler(event, context):\n    block = bytearray(300 * 1024 * 1024)\n    return len(block)\n",
                         MemorySize=128)
    answer, body = call(aws, name, "1")
    assert answer["FunctionError"] == "Unhandled" and body["errorType"] == "MemoryError"
    roomy = make_function("def handler(event, context):\n    block = bytearray(300 * 1024 * 1024)\n    return len(block)\n",
                          MemorySize=1024)
    assert call(aws, roomy, "1")[1] == 300 * 1024 * 1024


NODE = {"app.js": "exports.handler = async (event, context) => ({version: process.env.AWS_LAMBDA_FUNCTION_VERSION, "
                  "fn: context.functionName, got: event, remaining: context.getRemainingTimeInMillis() > 0});\n",
        "fail.mjs": "export const handler = async () => { throw new TypeError('bad input'); };\n",
        "big.js": "exports.handler = async () => { const kept = []; "
                  "for (let i = 0; i < 1e4; i++) kept.push(new Array(1e5).fill(i)); return kept.length; };\n"}


def test_a_nodejs_handler_runs_with_the_local_node(aws, make_function):
    name = make_function(files=NODE, runtime="nodejs20.x")
    answer, body = call(aws, name, "1", {"a": 1})
    assert "FunctionError" not in answer
    assert body == {"version": "1", "fn": name, "got": {"a": 1}, "remaining": True}
    failing = make_function(files=NODE, runtime="nodejs20.x", handler="fail.handler")
    answer, body = call(aws, failing, "1")
    assert answer["FunctionError"] == "Unhandled"
    assert (body["errorType"], body["errorMessage"]) == ("TypeError", "bad input") and body["trace"]


def test_a_nodejs_handler_past_its_memory_size_fails_the_run(aws, make_function):
    name = make_function(files=NODE, runtime="nodejs20.x", handler="big.handler", MemorySize=128, Timeout=60)
    answer, body = call(aws, name, "1")
    assert answer["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.ExitError"


def test_a_runtime_the_emulator_cannot_run_is_refused_with_the_reason(aws, make_function):
    name = make_function(files={"bootstrap": "#!/bin/sh\n"}, runtime="provided.al2023", handler="bootstrap")
    with pytest.raises(ClientError) as refused:
        call(aws, name, "1")
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidRuntimeException"
    assert error["Message"] == msg.runtime_cannot_run_locally("provided.al2023")


UNRUNNABLE = '''
from generator import Deployment, Function, Stack

STACKS = [Stack(name="gem", region="us-east-1", deployments=[Deployment(
    name="svc", function=Function(source="src", handler="app.handler", runtime="ruby3.3"))])]
'''


def test_up_local_refuses_a_runtime_the_emulator_cannot_run_before_starting_anything(tmp_path, monkeypatch, capsys):
    from generator.cli import main

    (tmp_path / "src").mkdir()
    (tmp_path / "src/app.rb").write_text("def handler(event:, context:) = 1\n")
    (tmp_path / "gem.py").write_text(UNRUNNABLE)
    monkeypatch.chdir(tmp_path)
    assert main(["up", "gem.py", "--local"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: gem.svc.function.runtime: {msg.runtime_cannot_run_locally('ruby3.3')}\n"
    assert captured.out == "" and not (tmp_path / ".bluegreen").exists()  # no emulator started, nothing applied


def test_the_draw_is_the_documented_formula_and_picks_by_running_weights():
    # docs/local-code.md: the first 8 bytes of sha256("SEED:F:A:n"), big-endian, over 2**64.
    digest = hashlib.sha256(b"7:hello-hello:live:3").digest()
    assert choice.draw("7", "hello-hello", "live", 3) == int.from_bytes(digest[:8], "big") / 2**64
    assert [choice.pick("1", {"2": 0.25}, u) for u in (0.0, 0.2499, 0.25, 0.9999)] == ["2", "2", "1", "1"]
    assert [choice.pick("1", {"10": 0.1, "3": 0.2}, u) for u in (0.1, 0.25, 0.31)] == ["3", "10", "1"]
    assert choice.pick("4", {}, 0.0) == choice.pick("4", {"5": 0.0}, 0.0) == "4"


def test_code_unpacks_into_the_configured_folder_or_a_private_one_never_a_shared_fixed_path(tmp_path, monkeypatch):
    from generator.local.runtime import archive

    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as out:
        out.writestr("app.py", "X = 1\n")
    monkeypatch.setenv(archive.CACHE_VARIABLE, str(tmp_path / "code"))
    assert archive.unpacked("abc", bundle.getvalue()) == tmp_path / "code/abc"
    assert (tmp_path / "code/abc/app.py").read_text() == "X = 1\n"
    monkeypatch.delenv(archive.CACHE_VARIABLE)
    private = archive.cache_dir()
    # A folder of this process's own (mkdtemp: mode 0700, a random name), the same on every call.
    assert private.stat().st_mode & 0o777 == 0o700 and archive.cache_dir() == private
    assert private.name.startswith("bluegreen-code-") and private.name != f"bluegreen-code-{os.getuid()}"


SDK_CALL = """
import importlib.util
import boto3

def handler(event, context):
    mine = boto3.client("lambda").get_function(FunctionName=context.function_name)
    return {"name": mine["Configuration"]["FunctionName"],
            "bluegreen": importlib.util.find_spec("generator") is not None}
"""


def test_the_handler_imports_installed_packages_and_its_sdk_calls_reach_the_emulator(aws, make_function):
    # boto3 from the interpreter's site-packages, as Lambda's Python runtime has it; bluegreen's own
    # package is not on the handler's path (its runner skips the .pth files).
    name = make_function(SDK_CALL)
    answer, body = call(aws, name, "1")
    assert "FunctionError" not in answer, body
    assert body == {"name": name, "bluegreen": False}
