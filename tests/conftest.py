"""Shared fixtures: the example stack, in-process synthesis, the real Terraform CLI and moto.

Terraform tests need the Terraform CLI and the local provider mirror. Where they are missing a
developer's run skips those tests with the reason; under CI (``CI=true``) it fails instead, so a
green CI always means the real checks ran.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.core.errors import InvalidInput, ToolMissing
from generator.features.loader import load_stack_file
from generator.features.validation import validate_stacks
from generator.local.emulator import server_command
from generator.model import naming
from generator.model.stack import Stack
from generator.terraform.mirror import terraform_binary
from generator.terraform.runner import UNHASHED_LOCK_ENV, Terraform, mirror_environment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "stacks" / "hello.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the Terraform tests: {reason}", pytrace=False)
    pytest.skip(reason)


# A file with a test that uses one of these fixtures or carries one of these marks runs Terraform,
# moto, checkov or a fresh jsii process: it takes minutes, where most files take seconds.
_SLOW_FIXTURES = frozenset({"terraform_env", "aws_env", "moto_endpoint"})
_SLOW_MARKS = ("checkov", "slow")


def _rank(item: pytest.Item) -> int:
    """0: Terraform (the files that apply on moto, the longest); 1: otherwise slow; 2: the rest."""
    if item.get_closest_marker("terraform"):
        return 0
    if _SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())) or \
            any(item.get_closest_marker(mark) for mark in _SLOW_MARKS):
        return 1
    return 2


# Seconds each of the longest files took (pytest --durations=0, summed per file): the
# queue hands them out longest first, so that no long file starts last while the other workers
# idle (docs/testing.md, suite time). Files not listed keep their place behind these.
_MEASURED_S = {"test_rollout_e2e.py": 190, "test_e2e_traffic.py": 183, "test_rollout_gates_e2e.py": 150,
               "test_release_rules.py": 132, "test_summary_terraform.py": 130, "test_terraform.py": 95,
               "test_rollout_warm_e2e.py": 97, "test_module_mode.py": 90,
               "test_bootstrap.py": 88, "test_doors_emulator.py": 70, "test_api_stage_lifecycle.py": 62,
               "test_emulator.py": 73, "test_rollout_synthesis.py": 48,
               "test_api_options_synthesis.py": 43, "test_library.py": 42, "test_synthesis.py": 36,
               "test_remote_state.py": 34, "test_security_scan.py": 33}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first, each file whole and its tests in their order.

    The workers take whole files from one queue (``--dist loadfile`` with
    ``--no-loadscope-reorder``, which keeps this order). A long file taken last keeps one worker
    busy while the other idles: xdist's own order, most tests first, put the one-test release
    cycle (a quarter of the suite's CPU time) last. Longest first, the short files fill the gaps.
    """
    rank: dict[Path, tuple[int, int]] = {}
    for item in items:
        kind = min(rank.get(item.path, (2, 0))[0], _rank(item))
        rank[item.path] = (0 if item.path.name in _MEASURED_S else kind, -_MEASURED_S.get(item.path.name, 0))
    items.sort(key=lambda item: rank[item.path])  # a stable sort: files stay whole and in order


def synth_to(stack_file: Path, out: Path, use_cache: bool = False) -> Path:
    """Synthesize in-process (jsii stays loaded between tests); return the output folder.

    Without the cache by default, so every test that synthesizes really runs cdktf.
    """
    from generator.output.folder import synthesize

    synthesize(load_stack_file(stack_file), out, use_cache=use_cache)
    return out


@pytest.fixture(autouse=True, scope="session")
def private_synth_cache(tmp_path_factory):
    """Keep the synth cache of this test run out of the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("synth-cache")
    previous = os.environ.get("BLUEGREEN_CACHE_DIR")
    os.environ["BLUEGREEN_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("BLUEGREEN_CACHE_DIR", None)
    else:
        os.environ["BLUEGREEN_CACHE_DIR"] = previous


@pytest.fixture(autouse=True, scope="session")
def unhashed_terraform_locks():
    """Terraform in this run's throwaway folders skips re-hashing the 700 MB provider on every
    command (``runner.UNHASHED_LOCK_ENV``; docs/testing.md#suite-time). In the process's
    environment, so that ``terraform_env`` and the ``bluegreen`` commands the tests start inherit it."""
    previous = os.environ.get(UNHASHED_LOCK_ENV)
    os.environ[UNHASHED_LOCK_ENV] = "1"
    yield
    if previous is None:
        os.environ.pop(UNHASHED_LOCK_ENV, None)
    else:
        os.environ[UNHASHED_LOCK_ENV] = previous


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path, for byte-for-byte comparisons."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def terraform_env(tmp_path_factory) -> dict[str, str]:
    """Environment for the real Terraform CLI, installing hashicorp/aws from the local mirror."""
    try:
        terraform_binary()
    except ToolMissing as error:
        _missing(str(error))
    env = mirror_environment(tmp_path_factory.mktemp("terraform-cli"))
    if env is None:
        _missing("no local mirror of hashicorp/aws 5.100.0 found (set BLUEGREEN_PROVIDER_MIRROR)")
    env.pop("TF_DATA_DIR", None)
    return env


def terraform(args: list[str], cwd: Path, env: dict[str, str], check: bool = True,
              timeout: int = 300) -> subprocess.CompletedProcess:
    """bluegreen's own Terraform runner; a failure raises ``ExternalToolFailed`` naming it."""
    return Terraform(env, timeout_s=timeout).run(args, cwd, check=check)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory) -> str:
    """A fresh moto server on a free loopback port for each test module; its URL.

    Each module deploys the same example (function hello-hello): one server each keeps them apart.
    """
    with moto_server(tmp_path_factory) as (url, _):
        yield url


@contextlib.contextmanager
def moto_server(tmp_path_factory) -> Iterator[tuple[str, subprocess.Popen]]:
    """The emulator's server on a free loopback port while the block runs: its URL and process."""
    port = _free_loopback_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "w") as sink:
        process = subprocess.Popen(server_command(port), stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto server did not answer on {url} within 60 s")


@pytest.fixture(scope="module")
def fresh_aws_env(terraform_env, moto_endpoint) -> dict[str, str]:
    """Terraform's environment pointed at moto: the generated Terraform itself is unchanged. The
    account is as AWS makes it, not bootstrapped (its API stages cannot log yet)."""
    env = dict(terraform_env, AWS_ENDPOINT_URL=moto_endpoint, AWS_ACCESS_KEY_ID="test",
                AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
                # moto answers 500 for what it lacks and the SDK would retry for minutes.
                AWS_MAX_ATTEMPTS="2", AWS_CONFIG_FILE=os.devnull,
                AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.pop("AWS_PROFILE", None)
    return env


BOOTSTRAPPED_REGIONS = ("us-east-1", "eu-west-1")  # the regions the tests' stacks apply in


def bootstrapped_role(region: str) -> str:
    """The account's CloudWatch role in ``region`` of ``aws_env``'s moto, as ``bluegreen bootstrap`` names it."""
    return f"arn:aws:iam::123456789012:role/{naming.bootstrap_role_name(region)}"


@pytest.fixture(scope="module")
def aws_env(fresh_aws_env) -> dict[str, str]:
    """``fresh_aws_env`` with the account bootstrapped in ``BOOTSTRAPPED_REGIONS``: its setting names
    the bootstrap's role (docs/aws-rules.md#r51-the-account-bootstrap), so stages may log, as after
    ``bluegreen bootstrap`` on AWS. (``test_bootstrap`` applies the bootstrap itself.)"""
    bootstrap_account(fresh_aws_env)
    return fresh_aws_env


def bootstrap_account(env: dict[str, str]) -> None:
    """Name the bootstrap's role in ``env``'s moto account in ``BOOTSTRAPPED_REGIONS`` (again after
    a test resets the emulator, which forgets it)."""
    import boto3

    for region in BOOTSTRAPPED_REGIONS:
        boto3.client("apigateway", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=region,
                     aws_access_key_id="test", aws_secret_access_key="test").update_account(patchOperations=[
                         {"op": "replace", "path": "/cloudwatchRoleArn", "value": bootstrapped_role(region)}])


def var_args(deployment: str, **variables) -> list[str]:
    """``-var <deployment>_<name>=<value>`` for each of ``variables`` (``blue_version=1``...)."""
    return [arg for name, value in variables.items() for arg in ("-var", f"{deployment}_{name}={value}")]


def unwrapped(text: str) -> str:
    """Terraform wraps messages at 80 columns; join the lines back for matching."""
    return " ".join(text.split())


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    """A stack file's folder holding ``src/`` with one handler file (tests may override it)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    return tmp_path


def copy_example(folder: Path) -> Path:
    """Copy stacks/ into ``folder`` so a test may edit the example's code; the copy's hello.py."""
    target = folder / "stacks"
    shutil.copytree(ROOT / "stacks", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target / "hello.py"


@pytest.fixture
def example_copy(tmp_path) -> Path:
    return copy_example(tmp_path)


def validation_problems(deployment, base_dir: Path, stack_name: str = "shop") -> list:
    """The problems ``validate_stacks`` finds in a stack of ``deployment`` alone; [] when it passes."""
    try:
        validate_stacks([Stack(name=stack_name, region="us-east-1", deployments=[deployment])], base_dir)
    except InvalidInput as error:
        return error.problems
    return []
