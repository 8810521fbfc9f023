"""``bluegreen synth --module``: each stack as a Terraform child module in ``modules/<stack>/``.

The module has no provider configuration and no backend (the caller's apply), names its code
from ``path.module``, keeps the root module's variables and outputs, and carries the committed
traffic as ``traffic.json`` for the caller to wire once. Checked here: its JSON (against a golden
file and against the root module of the same stack), determinism and the synth cache, the output
folder contract (manifest, ``--check``, the journaled swap), the CLI's refusals, ``terraform
validate`` of a caller, and a caller on moto that applies, publishes a second version and sends
it the weight that ``bluegreen shift`` wrote, read back from the live alias; then rolls that
version out from the caller's root module (``rollout``, ``guard`` and ``status`` with
``--module-dir``), and its next plan is empty once ``synth --module`` carried the outcome.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import boto3
import pytest
from conftest import EXAMPLE, FIXTURES, GOLDEN, ROOT, copy_example, synth_to, terraform, tree_bytes

from generator.cli import program as cli
from generator.core.layout import ALIAS_ROUTING, MODULE_TRAFFIC, MOVED_BLOCKS, TFVARS
from generator.core.messages import cli as cli_msg
from generator.core.messages import output as output_msg
from generator.features.loader import load_stack_file
from generator.features.rollout import messages as rollout_msg
from generator.output import cache as synth_cache
from generator.output import swap as output_swap
from generator.output.folder import synthesize
from generator.output.workspace import Workspace
from generator.terraform.state import read_state

UPDATE = os.environ.get("BLUEGREEN_UPDATE_GOLDENS") == "1"
MODULE_GOLDEN = GOLDEN / "hello.module.tf.json"
SHOP = FIXTURES / "shop" / "shop.py"
TRAFFIC = '{\n  "hello": {\n    "blue_version": "1",\n    "green_version": "2",\n    "green_weight": 0.25\n  }\n}\n'


def synth_module(stack_file: Path, out: Path, use_cache: bool = False) -> Path:
    synthesize(load_stack_file(stack_file), out, use_cache=use_cache, module=True)
    return out


def config(out: Path, stack: str = "hello") -> dict:
    return json.loads((out / "modules" / stack / "cdk.tf.json").read_text())


def without_metadata(terraform_json: dict) -> dict:
    return {key: value for key, value in terraform_json.items() if key != "//"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def module_out(tmp_path_factory) -> Path:
    return synth_module(EXAMPLE, tmp_path_factory.mktemp("module") / "out")


# --- the module's Terraform JSON ------------------------------------------------------------------

def test_the_module_has_no_provider_and_no_backend_but_requires_hashicorp_aws(module_out):
    module = config(module_out)
    assert "provider" not in module
    assert module["terraform"] == {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}}
    assert "backend" not in module["//"]["metadata"]  # cdktf's note of the backend it no longer has
    assert sorted(p.name for p in module_out.iterdir()) == [".bluegreen.lock", "manifest.json", "modules"]
    assert sorted(p.name for p in (module_out / "modules/hello").iterdir()) == [
        "README.md", "assets", MOVED_BLOCKS, ALIAS_ROUTING, "cdk.tf.json", MODULE_TRAFFIC]


def test_a_stack_with_an_s3_backend_is_a_module_without_one(example_copy, tmp_path):
    text = example_copy.read_text()
    example_copy.write_text(text.replace("from generator import ", "from generator import S3Backend, ").replace(
        'region="us-east-1",', 'region="us-east-1", backend=S3Backend(bucket="team-state"),'))
    assert "backend" in json.loads((synth_to(example_copy, tmp_path / "root") / "stacks/hello/cdk.tf.json")
                                   .read_text())["terraform"]
    assert "backend" not in config(synth_module(example_copy, tmp_path / "module"))["terraform"]


def test_promote_and_shift_of_a_module_only_stack_with_an_s3_backend_need_no_state(example_copy, tmp_path,
                                                                                  capsys, monkeypatch):
    # The caller's root module holds the state: with no stack folder there is nothing to pull,
    # so --version names the version and terraform never runs.
    text = example_copy.read_text()
    example_copy.write_text(text.replace("from generator import ", "from generator import S3Backend, ").replace(
        'region="us-east-1",', 'region="us-east-1", backend=S3Backend(bucket="team-state"),'))
    out = synth_module(example_copy, tmp_path / "out")
    monkeypatch.setenv("PATH", "/nonexistent")  # no terraform to run, should anything try
    assert run(capsys, "promote", example_copy, "hello", "--out", out, "--version", "1")[0] == 0
    assert run(capsys, "shift", example_copy, "hello", "25%", "--out", out, "--version", "2")[0] == 0
    assert json.loads((example_copy.parent / "hello.traffic.json").read_text())["hello"] == \
        {"blue_version": "1", "green_version": "2", "green_weight": 0.25}


def test_code_archives_are_named_from_path_module_and_exist_there(module_out):
    functions = config(module_out)["resource"]["aws_lambda_function"]
    assert functions
    for function in functions.values():
        assert function["filename"].startswith("${path.module}/assets/")
        assert (module_out / "modules/hello" / function["filename"].removeprefix("${path.module}/")).is_file()


@pytest.mark.parametrize("stack_file, stack", [(EXAMPLE, "hello"), (SHOP, "shop")], ids=["hello", "shop"])
def test_the_module_is_the_root_module_without_provider_and_backend(stack_file, stack, tmp_path):
    root = json.loads((synth_to(stack_file, tmp_path / "root") / "stacks" / stack / "cdk.tf.json").read_text())
    module = config(synth_module(stack_file, tmp_path / "module"), stack)
    for function in root["resource"]["aws_lambda_function"].values():
        function["filename"] = "${path.module}/" + function["filename"]
    del root["provider"], root["terraform"]["backend"]
    assert without_metadata(module) == without_metadata(root)
    for name in (MOVED_BLOCKS, ALIAS_ROUTING):  # native syntax beside the JSON, alike in both
        assert (tmp_path / "module/modules" / stack / name).read_text() == \
            (tmp_path / "root/stacks" / stack / name).read_text()
    for block in ("variable", "output"):
        assert module[block] and all(body["description"] for body in module[block].values())
    deployments = [d.name for d in load_stack_file(stack_file).stacks[0].deployments]
    assert set(module["variable"]) == {f"{d}_{v}" for d in deployments
                                       for v in ("blue_version", "green_version", "green_weight")}


def test_the_example_module_matches_the_golden_file(module_out):
    produced = without_metadata(config(module_out))
    if UPDATE:
        MODULE_GOLDEN.write_text(json.dumps(produced, indent=2, sort_keys=True) + "\n")
    assert produced == json.loads(MODULE_GOLDEN.read_text()), \
        f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 pytest {Path(__file__).name} and review the diff"


def test_the_module_readme_shows_a_module_block_with_every_argument_and_the_outputs(tmp_path):
    readme = (synth_module(SHOP, tmp_path / "out") / "modules/shop/README.md").read_text()
    assert 'module "shop" {\n  source = "./cdktf.out/modules/shop"' in readme
    for deployment in ("orders", "worker"):
        for variable in ("blue_version", "green_version", "green_weight"):
            assert re.search(rf"^  {deployment}_{variable} +=", readme, flags=re.M)
            assert f"| `{deployment}_{variable}` |" in readme
        assert f"| `{deployment}_alias_routing` |" in readme
    assert 'jsondecode(file("${path.module}/cdktf.out/modules/shop/traffic.json"))' in readme
    assert "| `orders_invoke_url` |" in readme and "worker_invoke_url" not in readme


# --- determinism, the synth cache, the traffic ---------------------------------------------------

def test_a_module_synth_is_byte_identical_fresh_cached_and_elsewhere(module_out, tmp_path):
    cold = synth_module(EXAMPLE, tmp_path / "cold", use_cache=True)  # stores the entry
    warm = tmp_path / "warm"
    assert synthesize(load_stack_file(EXAMPLE), warm, module=True).cached
    assert tree_bytes(cold) == tree_bytes(warm) == tree_bytes(module_out)


def test_the_synth_cache_keeps_root_and_module_output_apart(example_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("BLUEGREEN_CACHE_DIR", str(tmp_path / "cache"))  # empty
    stack_file = load_stack_file(example_copy)
    assert synth_cache.cache_key(stack_file) != synth_cache.cache_key(stack_file, module=True)
    assert not synthesize(stack_file, tmp_path / "root").cached           # a root entry in the cache
    result = synthesize(stack_file, tmp_path / "module", module=True)
    assert not result.cached and "provider" not in config(tmp_path / "module")
    assert result.folders == [tmp_path / "module" / "modules" / "hello"]
    assert synthesize(stack_file, tmp_path / "root").cached
    assert synthesize(stack_file, tmp_path / "module", module=True).cached
    assert "provider" in json.loads((tmp_path / "root/stacks/hello/cdk.tf.json").read_text())


def test_traffic_json_holds_the_traffic_file_as_the_modules_arguments(example_copy, tmp_path):
    (example_copy.parent / "hello.traffic.json").write_text(TRAFFIC)
    root = synth_to(example_copy, tmp_path / "root")
    module = synth_module(example_copy, tmp_path / "module", use_cache=True)
    text = (module / "modules/hello" / MODULE_TRAFFIC).read_text()
    assert json.loads(text) == {"hello_blue_version": "1", "hello_green_version": "2", "hello_green_weight": 0.25}
    assert text == (root / "stacks/hello" / TFVARS).read_text()


# --- the output folder: manifest, --check, the swap -----------------------------------------------

@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_root_stacks_and_modules_share_one_output_folder_and_pass_check(example_copy, in_tmp, capsys):
    assert run(capsys, "synth", example_copy, "--out", "cdktf.out")[0] == 0
    code, out, _ = run(capsys, "synth", example_copy, "--out", "cdktf.out", "--module")
    assert code == 0 and out.startswith("synthesized module hello (1 deployment): cdktf.out/modules/hello/cdk.tf.json\n")
    manifest = json.loads((in_tmp / "cdktf.out/manifest.json").read_text())
    assert manifest["bluegreen"]["modules"] == {"hello": "hello.py"} == manifest["bluegreen"]["stackFiles"]
    assert sorted(manifest["stacks"]) == ["hello"]
    assert (in_tmp / "cdktf.out/stacks/hello" / TFVARS).is_file()
    for mode in ([], ["--module"]):
        assert run(capsys, "synth", example_copy, "--out", "cdktf.out", "--check", *mode)[:2] == (0, "")
    before = tree_bytes(in_tmp / "cdktf.out")
    run(capsys, "synth", example_copy, "--out", "cdktf.out")  # a root synth keeps the module
    assert tree_bytes(in_tmp / "cdktf.out") == before


def test_check_module_names_a_stale_traffic_copy_and_a_missing_module(example_copy, in_tmp, capsys):
    run(capsys, "synth", example_copy, "--out", "cdktf.out")
    code, out, err = run(capsys, "synth", example_copy, "--out", "cdktf.out", "--check", "--module")
    lines = out.splitlines()
    assert code == 1 and lines[0] == "differs: cdktf.out/manifest.json"
    assert [line.rpartition("/")[2] for line in lines[1:]] == ["README.md", "hello.zip", MOVED_BLOCKS, ALIAS_ROUTING,
                                                       "cdk.tf.json", MODULE_TRAFFIC]
    assert all(line.startswith("missing: cdktf.out/modules/hello/") for line in lines[1:])
    run(capsys, "synth", example_copy, "--out", "cdktf.out", "--module")
    (example_copy.parent / "hello.traffic.json").write_text(TRAFFIC)  # bluegreen shift, without a synth
    code, out, err = run(capsys, "synth", example_copy, "--out", "cdktf.out", "--check", "--module")
    assert (code, out) == (1, f"differs: cdktf.out/modules/hello/{MODULE_TRAFFIC}\n")
    assert err == cli_msg.files_differ(1, f"bluegreen synth {example_copy} --module --out cdktf.out") + "\n"
    fix = shlex.split(err.partition(": run ")[2])  # CI follows the hint as printed: then the check passes
    assert fix[0] == "bluegreen" and run(capsys, *fix[1:])[0] == 0
    assert run(capsys, "synth", example_copy, "--out", "cdktf.out", "--check", "--module")[0] == 0


def test_shift_of_a_module_only_stack_says_to_synth_the_module(example_copy, in_tmp, capsys):
    run(capsys, "synth", example_copy, "--module")
    run(capsys, "promote", example_copy, "hello", "--version", "1")
    code, out, _ = run(capsys, "shift", example_copy, "hello", "25%", "--version", "2")
    next_step = out.splitlines()[-1].partition("; next: ")[2]
    assert (code, next_step) == (0, f"bluegreen synth {example_copy} --module, then terraform plan in the root "
                                    "module that calls it")
    assert run(capsys, "synth", example_copy, "--check", "--module")[0] == 1  # the traffic copy is stale
    assert run(capsys, *shlex.split(next_step.partition(",")[0])[1:])[0] == 0
    assert run(capsys, "synth", example_copy, "--check", "--module")[0] == 0


def test_a_module_another_stack_file_synthesized_is_refused(example_copy, in_tmp, capsys):
    run(capsys, "synth", example_copy, "--out", "cdktf.out", "--module")
    copy = example_copy.with_name("copy.py")
    copy.write_text(example_copy.read_text())
    before = tree_bytes(in_tmp / "cdktf.out")
    code, _, err = run(capsys, "synth", copy, "--out", "cdktf.out", "--module")
    assert code == 2
    assert err == "error: stack 'hello': " + output_msg.stack_must_come_from_one_stack_file(
        str(in_tmp / "cdktf.out" / "manifest.json"), "hello.py", "copy.py") + "\n"
    assert tree_bytes(in_tmp / "cdktf.out") == before
    assert run(capsys, "synth", copy, "--out", "cdktf.out")[0] == 0  # its root stack is its own


def _killed_module_synth(stack_file: Path, out: Path, step: int) -> subprocess.CompletedProcess:
    code = ("import sys\nfrom generator.features.loader import load_stack_file\n"
            "from generator.output.folder import synthesize\n"
            "synthesize(load_stack_file(sys.argv[1]), sys.argv[2], module=True)\n")
    env = dict(os.environ, **{output_swap.KILL_HOOK: str(step)})  # this test run's synth cache: no cdktf
    return subprocess.run([sys.executable, "-c", code, str(stack_file), str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_module_swap_killed_at_any_step_is_recovered_all_old_or_all_new(example_copy, tmp_path):
    out = synth_module(example_copy, tmp_path / "out", use_cache=True)
    old = tree_bytes(out)
    (example_copy.parent / "hello.traffic.json").write_text(TRAFFIC)
    app = example_copy.parent / "hello_src/app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))
    new = tree_bytes(synth_module(example_copy, tmp_path / "reference", use_cache=True))
    steps = 1 + 2 * 7 + 1 + 1  # the journal; park and move in the manifest and 6 entries; the commit; the cleanup
    for step in range(steps):
        killed = _killed_module_synth(example_copy, out, step)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        output_swap.recover(out)  # what the next synth does first, under the lock
        assert tree_bytes(out) == (new if step == steps - 1 else old), f"killed at step {step}"
        assert not (out / output_swap.WORK).exists()


# --- the command line --------------------------------------------------------------------------

def test_module_with_local_exits_2_naming_the_argument(example_copy, capsys):
    code, out, err = run(capsys, "synth", example_copy, "--module", "--local")
    assert (code, out) == (2, "")
    assert err == f"error: --module: {cli_msg.MODULE_CANNOT_BE_COMBINED_WITH_LOCAL}\n"
    assert not (example_copy.parent.parent / ".bluegreen").exists()


def test_module_of_a_stack_with_tags_exits_2_naming_the_field_and_writes_nothing(tmp_path, capsys):
    stack_file = FIXTURES / "options" / "options.py"
    tags = load_stack_file(stack_file).stacks[0].tags
    for mode in ([], ["--check"]):
        code, out, err = run(capsys, "synth", stack_file, "--module", "--out", tmp_path / "out", *mode)
        assert (code, out) == (2, "")
        assert err == f"error: {load_stack_file(stack_file).stacks[0].name}.tags: " \
                      f"{output_msg.module_must_not_have_stack_tags(dict(tags))}\n"
    assert not (tmp_path / "out").exists()


def test_synth_help_describes_module(capsys):
    with pytest.raises(SystemExit):
        cli.main(["synth", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--module write each stack as a child module in DIR/modules/<stack>/" in help_text


# --- Terraform: a caller's root module ----------------------------------------------------------

@pytest.mark.terraform
def test_terraform_validate_accepts_a_root_module_that_calls_the_module(terraform_env, tmp_path):
    synth_module(SHOP, tmp_path / "cdktf.out")
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
        'module "shop" {\n  source              = "./cdktf.out/modules/shop"\n  orders_green_weight = 0.25\n}\n\n'
        'output "orders" {\n  value = module.shop.orders_alias_routing\n}\n')
    terraform(["init", "-backend=false"], tmp_path, terraform_env)
    validated = terraform(["validate"], tmp_path, terraform_env)
    assert "The configuration is valid" in validated.stdout
    assert "Backend configuration ignored" not in validated.stdout + validated.stderr


def _readme_usage(module_dir: Path) -> str:
    """The HCL blocks of the module's README, as a caller copies them."""
    return "\n".join(re.findall(r"```hcl\n(.*?)```", (module_dir / "README.md").read_text(), flags=re.S))


# The example with a rollout the emulator can run in seconds: its metrics count at once, so a
# bake need only outlast the function's timeout (docs/rollouts.md, metric_delay_s).
ROLLOUT = ('alias="live",\n                rollout=Rollout(steps=(0.5,), bake_s=2, check_every_s=1, '
           'max_error_rate=0.01, metric_delay_s=0, min_invocations=1),')


def with_rollout(stack_file: Path) -> None:
    text = stack_file.read_text().replace("Route, Stack", "Rollout, Route, Stack").replace("timeout_s=5", "timeout_s=1")
    stack_file.write_text(text.replace('alias="live",', ROLLOUT))


class Invoking:
    """Invokes of the alias in a thread while the block runs: the emulator runs the version the
    weights pick and counts it in CloudWatch, as Lambda does, so the rollout's gates see real traffic."""

    def __init__(self, env: dict[str, str]):
        self.env, self.stop = env, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        lam = boto3.client("lambda", endpoint_url=self.env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        while not self.stop.wait(0.2):
            lam.invoke(FunctionName="hello-hello", Qualifier="live", Payload=b"{}")

    def __enter__(self) -> Invoking:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


@pytest.mark.terraform
def test_a_caller_applies_the_module_on_moto_and_the_shifted_weight_reaches_the_alias(aws_env, tmp_path, capsys,
                                                                                     monkeypatch):
    """The caller is the README's usage at the project root, with a provider block of its own. Then
    a rollout from the caller's root module (``--module-dir``), with ``guard`` and ``status``."""
    stack_file = copy_example(tmp_path)
    with_rollout(stack_file)
    out, module_dir = tmp_path / "cdktf.out", tmp_path / "cdktf.out/modules/hello"

    def bluegreen(*args: str) -> str:
        if args == ("synth", "--module"):  # in-process, for the emulator: metric_delay_s=0 is refused for AWS
            synthesize(replace(load_stack_file(stack_file), emulator=True), out, module=True)
            return ""
        code, printed, err = run(capsys, args[0], stack_file, *args[1:], "--out", out)
        assert code == 0, err
        return printed

    bluegreen("synth", "--module")
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n\n' + _readme_usage(module_dir))
    terraform(["init"], tmp_path, aws_env)
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)
    lam = boto3.client("lambda", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")

    def alias() -> tuple[str, dict]:
        live = lam.get_alias(FunctionName="hello-hello", Name="live")
        return live["FunctionVersion"], (live.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    assert alias() == ("1", {})

    # New code: version 2 is published and gets no traffic.
    app = stack_file.parent / "hello_src/app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))
    bluegreen("synth", "--module")
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)
    assert alias() == ("1", {})
    assert terraform(["output", "-raw", "hello_newest_version"], tmp_path, aws_env).stdout == "2"

    # The reviewed traffic change, versions given with --version, reaches the module's arguments.
    bluegreen("promote", "hello", "--version", "1")
    bluegreen("shift", "hello", "25%", "--version", "2")
    bluegreen("synth", "--module")
    assert json.loads((module_dir / MODULE_TRAFFIC).read_text()) == {
        "hello_blue_version": "1", "hello_green_version": "2", "hello_green_weight": 0.25}
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)
    assert alias() == ("1", {"2": 0.25})
    # The caller's state holds the module's resources; the module folder holds no state.
    assert "module.hello.aws_lambda_alias.hello" in terraform(["state", "list"], tmp_path, aws_env).stdout
    assert not list(module_dir.glob("*.tfstate*")) and not (module_dir / ".terraform").exists()
    assert terraform(["plan", "-detailed-exitcode"], tmp_path, aws_env, check=False).returncode == 0

    # A rollout from the caller's root module: its state says where the state machine is.
    bluegreen("rollback", "hello")
    bluegreen("synth", "--module")
    terraform(["apply", "-auto-approve"], tmp_path, aws_env)
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_MAX_ATTEMPTS",
                 "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, aws_env[name])
    caller = ("--module-dir", str(tmp_path), "--module", "hello")
    assert "no rollout is running" in bluegreen("guard", *caller)
    with Invoking(aws_env):
        started = bluegreen("rollout", "hello", *caller, "--no-wait")
        assert started.startswith("hello/hello: started hello-v2 (v2): arn:aws:states:us-east-1:")
        code, printed, _ = run(capsys, "guard", stack_file, *caller, "--out", out)
        assert (code, printed.startswith("hello/hello: running: hello-v2: ")) == (1, True), printed
        attached = bluegreen("rollout", "hello", *caller, "--attach")
    assert alias() == ("2", {})
    assert json.loads((stack_file.parent / "hello.traffic.json").read_text())["hello"] == \
        {"blue_version": "2", "green_version": None, "green_weight": 0}
    synth = f"bluegreen synth {stack_file} --module --out {out}"
    assert attached.endswith(f"hello/hello: promoted\nwrote {os.path.relpath(stack_file.parent / 'hello.traffic.json')}"
                             f" and {os.path.relpath(stack_file.parent / 'hello.rollouts.json')}: commit them, so "
                             f"that Git says what the alias serves\n{rollout_msg.synth_the_module(synth)}\n")
    # Written to the traffic file, not yet to the module's copy, which the caller's apply reads.
    code, printed, _ = run(capsys, "guard", stack_file, *caller, "--out", out)
    assert (code, printed) == (1, f"hello/hello: {rollout_msg.NOT_IN_THE_MODULE}: " + rollout_msg.module_traffic_is_stale(
        os.path.relpath(stack_file.parent / "hello.traffic.json"), os.path.relpath(module_dir / MODULE_TRAFFIC))
        + f"; {rollout_msg.synth_the_module(synth)}\n")
    status = json.loads(bluegreen("status", *caller, "--json"))
    assert [(row["phase"], row["phase_from"], row["serving_blue"], row["rollout"].partition(" at ")[0])
            for row in status] == [("stable", "alias", "2", "written: hello-v2 promoted")]
    bluegreen("synth", "--module")
    assert "no rollout is running" in bluegreen("guard", *caller)
    assert terraform(["plan", "-detailed-exitcode"], tmp_path, aws_env, check=False).returncode == 0


# --- rollout, guard and status from a caller's root module (--module-dir) -------------------------

def caller_state(folder: Path, module: str = "module.hello") -> Path:
    """A caller's state as Terraform writes it: the module's alias at v1 with 25% on v2 under
    ``module``, a root resource of the same address serving v7, and a root output of the caller's."""
    def alias(at: str | None, version: str, weights: dict) -> dict:
        resource = {"mode": "managed", "type": "aws_lambda_alias", "name": "hello", "provider": "aws",
                    "instances": [{"attributes": {"function_version": version, "arn": f"arn:{version}",
                                                  "routing_config": [{"additional_version_weights": weights}]}}]}
        return {"module": at, **resource} if at else resource
    function = {"module": module, "mode": "managed", "type": "aws_lambda_function", "name": "hello",
                "instances": [{"attributes": {"version": "2"}}]}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "terraform.tfstate").write_text(json.dumps({"version": 4, "outputs": {"own": {"value": "x"}},
                                                          "resources": [alias(None, "7", {}),
                                                                        alias(module, "1", {"2": 0.25}), function]}))
    return folder


def test_a_callers_state_is_read_for_its_module_alone(tmp_path):
    caller = caller_state(tmp_path / "caller", "module.hello")
    module = read_state(caller, module="module.hello")
    assert module.outputs == {} and module.module == "module.hello"
    assert (module.resources["aws_lambda_alias.hello"]["function_version"],
            module.resources["aws_lambda_function.hello"]["version"]) == ("1", "2")
    root = read_state(caller)
    assert root.outputs == {"own": "x"} and list(root.resources) == ["aws_lambda_alias.hello"]
    assert root.resources["aws_lambda_alias.hello"]["function_version"] == "7"
    assert read_state(caller, module="module.other").resources == {}


def test_status_with_module_dir_shows_what_the_callers_module_applied(example_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    caller_state(tmp_path / "caller", "module.front")
    code, out, err = run(capsys, "status", example_copy, "--module-dir", "caller", "--module", "front")
    assert (code, err) == (0, "")
    # The applied split, read off the caller's module alias: no note of a stopped apply, since a
    # child module's outputs are never in its caller's state.
    assert out.splitlines()[0] == "hello/hello: canary (applied), blue v1, green v2, green weight 0.25, newest v2"
    assert "stopped" not in out
    code, out, _ = run(capsys, "status", example_copy, "--module-dir", "caller")  # module.hello: none there
    assert (code, out.splitlines()[0].endswith(", not applied yet")) == (0, True)


def test_rollout_with_module_dir_names_the_callers_module_when_nothing_is_applied(example_copy, tmp_path, capsys):
    with_rollout(example_copy)
    caller_state(tmp_path / "caller", "module.front")
    code, out, err = run(capsys, "rollout", example_copy, "hello", "--module-dir", tmp_path / "caller")
    assert (code, out) == (2, "")
    assert err == "error: hello/hello: " + rollout_msg.rollout_must_be_applied(
        f"{tmp_path / 'caller'} (module.hello)") + "\n"


def test_a_callers_state_is_pulled_when_init_ran_there_and_it_has_no_local_state(example_copy, tmp_path):
    stack = load_stack_file(example_copy).stacks[0]
    caller = tmp_path / "caller"
    (caller / ".terraform").mkdir(parents=True)  # a backend of its own, or another workspace
    workspace = replace(Workspace.at(tmp_path), caller_dir=caller)
    assert (workspace.state_folder(stack), workspace.state_module(stack)) == (caller, "module.hello")
    assert workspace.remote_state(stack) and workspace.module_only(stack)
    caller_state(caller)
    assert not workspace.remote_state(stack)
    assert not replace(Workspace.at(tmp_path), caller_dir=tmp_path / "uninitialized").remote_state(stack)


TWO_STACKS = '''
from generator import Deployment, Function, Stack

STACKS = [Stack(name=name, region="us-east-1", deployments=[Deployment(
    name="svc", function=Function(source="src", handler="app.handler", runtime="python3.12"))])
    for name in ("one", "two")]
'''


@pytest.mark.parametrize("argv, argument, message", [
    (["--module", "hello"], "--module", output_msg.MODULE_NEEDS_MODULE_DIR),
    (["--module-dir", "caller", "--local"], "--module-dir", output_msg.module_dir_cannot_be_combined_with_local(
        "caller")),
    (["--module-dir", "nowhere"], "--module-dir", output_msg.module_dir_must_be_a_folder("nowhere")),
    (["--module-dir", "caller", "--module", "no.dots"], "--module",
     output_msg.module_must_name_a_module_block("no.dots")),
    (["--module-dir", "caller", "--module", "shop=front"], "--module",
     output_msg.module_must_name_a_stack(["hello"], "shop=front")),
    (["--module-dir", "caller", "--module", "a", "--module", "hello=b"], "--module",
     output_msg.module_given_twice("hello", "hello=b")),
], ids=["no-module-dir", "local", "not-a-folder", "bad-name", "unknown-stack", "twice"])
@pytest.mark.parametrize("command", [["rollout", "STACK", "hello"], ["guard", "STACK"], ["status", "STACK"]],
                         ids=["rollout", "guard", "status"])
def test_module_dir_arguments_exit_2_naming_the_argument(example_copy, tmp_path, capsys, monkeypatch, command,
                                                         argv, argument, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "caller").mkdir()
    code, out, err = run(capsys, *[example_copy if word == "STACK" else word for word in command], *argv)
    assert (code, out, err) == (2, "", f"error: {argument}: {message}\n")


def test_a_bare_module_name_needs_a_stack_file_of_one_stack(base_dir, capsys):
    (base_dir / "two.py").write_text(TWO_STACKS)
    code, out, err = run(capsys, "guard", base_dir / "two.py", "--module-dir", base_dir, "--module", "front")
    assert (code, out) == (2, "")
    assert err == f"error: --module: {output_msg.module_must_say_which_stack(['one', 'two'], 'front')}\n"
