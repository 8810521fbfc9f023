"""Remote state: ``Stack(..., backend=S3Backend(...))`` keeps Terraform's state in S3, locked.

Validation refuses a bad backend naming the field and value; synthesis writes an S3 backend
(whole, or partial with the bucket left to ``terraform init -backend-config``); and against a
moto server, with the real Terraform CLI: an apply puts the state into the bucket, a second
apply started while the first holds the lock fails with a lock error, a re-synth never touches
the state, and ``status`` and ``promote`` read the applied state from the bucket.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import boto3
import pytest
from conftest import copy_example, synth_to, terraform

from generator import InvalidInput, S3Backend, Stack
from generator.cli import program as cli
from generator.core.errors import Field, Problem
from generator.core.messages import model as msg
from generator.features.validation import validate_stacks

BUCKET = "team-state"
KEY = "bluegreen/hello/terraform.tfstate"  # the default key of stack "hello"
# What the stack files below put in Stack(...): the example with a backend.
EXAMPLE_STACK = 'name="hello",\n        region="us-east-1",'


def with_backend(stack_file: Path, backend: str) -> Path:
    text = stack_file.read_text()
    assert EXAMPLE_STACK in text
    stack_file.write_text(text.replace(EXAMPLE_STACK, f"{EXAMPLE_STACK}\n        backend={backend},")
                          .replace("import Deployment,", "import S3Backend, Deployment,"))
    return stack_file


def problems(backend: object) -> list[Problem]:
    with pytest.raises(InvalidInput) as raised:
        validate_stacks([Stack(name="shop", region="eu-west-1", deployments=[_deployment()], backend=backend)],
                        Path(__file__).parent.parent / "stacks")
    return [p for p in raised.value.problems if str(p.where).startswith("shop.backend")]


def _deployment():
    from generator import Deployment, Function

    return Deployment(name="orders", function=Function(source="hello_src", handler="app.handler", runtime="python3.12"))


@pytest.mark.parametrize("backend, field, message", [
    ("s3://bucket", "shop.backend", msg.must_be_a_backend("s3://bucket")),
    (S3Backend(bucket="Team_State"), "shop.backend.bucket", msg.must_be_a_bucket_name("Team_State")),
    (S3Backend(bucket="ab"), "shop.backend.bucket", msg.must_be_a_bucket_name("ab")),
    (S3Backend(bucket="team..state"), "shop.backend.bucket", msg.must_be_a_bucket_name("team..state")),
    (S3Backend(bucket="192.168.5.4"), "shop.backend.bucket", msg.must_be_a_bucket_name("192.168.5.4")),
    (S3Backend(bucket="xn--state"), "shop.backend.bucket", msg.must_be_a_bucket_name("xn--state")),
    (S3Backend(bucket="state-s3alias"), "shop.backend.bucket", msg.must_be_a_bucket_name("state-s3alias")),
    (S3Backend(key="/state.tfstate"), "shop.backend.key", msg.must_be_a_state_key("/state.tfstate")),
    (S3Backend(key="a//b"), "shop.backend.key", msg.must_be_a_state_key("a//b")),
    (S3Backend(key=""), "shop.backend.key", msg.must_be_a_state_key("")),
    (S3Backend(key="k" * 1025), "shop.backend.key", msg.must_be_a_state_key("k" * 1025)),
    (S3Backend(region="mars-1"), "shop.backend.region", msg.must_be_an_aws_region("mars-1")),
    (S3Backend(dynamodb_table="x"), "shop.backend.dynamodb_table", msg.must_be_a_table_name("x")),
    (S3Backend(use_lockfile="yes"), "shop.backend.use_lockfile", msg.must_be_a_boolean("yes")),  # type: ignore[arg-type]
    (S3Backend(encrypt=1), "shop.backend.encrypt", msg.must_be_a_boolean(1)),  # type: ignore[arg-type]
    (S3Backend(use_lockfile=False), "shop.backend.use_lockfile", msg.STATE_MUST_BE_LOCKED),
])
def test_a_bad_backend_is_refused_naming_the_field_and_the_value(backend, field, message):
    assert problems(backend) == [Problem(Field(field), message)]


def test_the_wording_of_backend_problems():
    (problem,) = problems(S3Backend(bucket="Team_State"))
    assert str(problem).startswith("shop.backend.bucket: must be None (given at terraform init "
                                   "-backend-config=bucket=...) or an S3 bucket name")
    assert str(problem).endswith("got: 'Team_State'")


@pytest.mark.parametrize("backend", [S3Backend(), S3Backend(bucket="team-state.prod-1", key="a/b.tfstate"),
                                     S3Backend(use_lockfile=False, dynamodb_table="terraform-locks"),
                                     S3Backend(bucket="abc", region="us-gov-west-1", encrypt=False)])
def test_a_good_backend_passes(backend):
    validate_stacks([Stack(name="shop", region="eu-west-1", deployments=[_deployment()], backend=backend)],
                    Path(__file__).parent.parent / "stacks")


def test_a_bad_backend_exits_2_from_synth_writing_nothing(example_copy, tmp_path, capsys):
    with_backend(example_copy, 'S3Backend(bucket="Team_State")')
    assert cli.main(["synth", str(example_copy), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"error: hello.backend.bucket: {msg.must_be_a_bucket_name('Team_State')}\n"
    assert not (tmp_path / "out").exists()


def _backend_block(stack_file: Path, out: Path) -> dict:
    return json.loads((synth_to(stack_file, out) / "stacks/hello/cdk.tf.json").read_text())["terraform"]["backend"]


def test_synthesis_writes_the_s3_backend_with_the_default_key_and_the_stack_region(tmp_path):
    stack_file = with_backend(copy_example(tmp_path / "a"), 'S3Backend(bucket="team-state")')
    assert _backend_block(stack_file, tmp_path / "out-a") == {"s3": {
        "bucket": "team-state", "encrypt": True, "key": KEY, "region": "us-east-1", "use_lockfile": True}}
    partial = with_backend(copy_example(tmp_path / "b"), 'S3Backend(key="shop/prod.tfstate", use_lockfile=False, '
                                                         'dynamodb_table="locks", region="eu-west-1")')
    # No bucket: terraform init -backend-config=bucket=... gives it, one per environment.
    assert _backend_block(partial, tmp_path / "out-b") == {"s3": {
        "dynamodb_table": "locks", "encrypt": True, "key": "shop/prod.tfstate", "region": "eu-west-1"}}


def test_a_stack_without_a_backend_keeps_its_state_in_the_stack_folder(example_copy, tmp_path):
    assert _backend_block(example_copy, tmp_path / "out") == {"local": {"path": "terraform.tfstate"}}


def test_the_emulator_keeps_state_local_whatever_the_backend(example_copy, tmp_path):
    from generator.features.loader import load_stack_file
    from generator.local.up import with_local_state
    from generator.output.workspace import Workspace

    stack_file = load_stack_file(with_backend(example_copy, 'S3Backend(bucket="team-state")'))
    (stack,) = stack_file.stacks
    assert Workspace.at(tmp_path).remote_state(stack) is True
    assert Workspace.at(tmp_path, local=True).remote_state(stack) is False
    assert [s.backend for s in with_local_state(stack_file).stacks] == [None]
    assert _backend_block_of(with_local_state(stack_file), tmp_path / "out") == {"local": {"path": "terraform.tfstate"}}


def _backend_block_of(stack_file, out: Path) -> dict:
    from generator.output.folder import synthesize

    synthesize(stack_file, out, use_cache=False)
    return json.loads((out / "stacks/hello/cdk.tf.json").read_text())["terraform"]["backend"]


# --- against the emulator --------------------------------------------------------------------------

@pytest.fixture
def s3(aws_env):
    client = boto3.client("s3", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.mark.terraform
def test_state_lives_in_the_bucket_locked_and_a_resynth_never_touches_it(example_copy, aws_env, s3, capsys,
                                                                        monkeypatch):
    stack_file = with_backend(example_copy, "S3Backend()")  # partial: the bucket comes at init
    out = example_copy.parent.parent / "cdktf.out"
    stack_dir = synth_to(stack_file, out) / "stacks" / "hello"
    # moto serves S3 on loopback: path-style addressing, given at init like the bucket.
    terraform(["init", f"-backend-config=bucket={BUCKET}", "-backend-config=use_path_style=true"], stack_dir, aws_env)

    # The first apply runs in the background (the runner waits for what it runs) to hold the lock.
    first = subprocess.Popen(["terraform", "apply", "-auto-approve", "-no-color"], cwd=stack_dir, env=aws_env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for_object(s3, f"{KEY}.tflock", first), "the first apply never took the lock"
        second = terraform(["apply", "-auto-approve", "-lock-timeout=0s"], stack_dir, aws_env, check=False)
        still_running = first.poll() is None
    finally:
        output, _ = first.communicate(timeout=600)
    assert first.returncode == 0, output
    assert still_running, "the first apply ended before the second tried the lock: the check proved nothing"
    assert second.returncode != 0 and "Error acquiring the state lock" in second.stdout + second.stderr

    state = s3.get_object(Bucket=BUCKET, Key=KEY)
    assert json.loads(state["Body"].read())["outputs"]["hello_newest_version"]["value"] == "1"
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{KEY}.tflock")  # released
    assert not (stack_dir / "terraform.tfstate").exists()

    # status and promote read the applied state from the bucket (terraform state pull).
    for name, value in aws_env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["status", str(stack_file), "--out", str(out), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["newest_version"], row["serving_blue"]) == ("1", "1"), row
    assert cli.main(["promote", str(stack_file), "hello", "--out", str(out)]) == 0
    assert json.loads((stack_file.parent / "hello.traffic.json").read_text())["hello"]["blue_version"] == "1"

    # A re-synth (new code, new traffic) writes files only: the state object is as it was, and
    # synth works with S3 unreachable, as it never talks to it.
    before = s3.head_object(Bucket=BUCKET, Key=KEY)
    (stack_file.parent / "hello_src" / "app.py").write_text(
        (stack_file.parent / "hello_src" / "app.py").read_text().replace("Blue", "Green"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert cli.main(["synth", str(stack_file), "--out", str(out)]) == 0
    capsys.readouterr()
    # status, though, can't know the phase without the state: it says so and why, and exits 3
    # as promote would, never "not applied yet".
    assert cli.main(["status", str(stack_file), "--out", str(out)]) == 3
    shown = capsys.readouterr().out
    assert shown.startswith("hello/hello: unknown (applied state not read), blue v1, no green, green weight 0, "
                            "newest unknown\n  note: applied state not read: terraform state pull failed"), shown
    after = s3.head_object(Bucket=BUCKET, Key=KEY)
    assert (after["ETag"], after["LastModified"]) == (before["ETag"], before["LastModified"])
    assert not (stack_dir / "terraform.tfstate").exists()


def _wait_for_object(s3, key: str, process: subprocess.Popen, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("KeyCount"):
            return True
        time.sleep(0.05)
    return False
