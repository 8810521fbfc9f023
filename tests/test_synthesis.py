"""Synthesized Terraform JSON: golden files, determinism, and the output folder contract."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE, FIXTURES, GOLDEN, ROOT, synth_to, tree_bytes

from generator.core.errors import InvalidInput
from generator.core.layout import ALIAS_ROUTING, MOVED_BLOCKS

UPDATE = os.environ.get("BLUEGREEN_UPDATE_GOLDENS") == "1"
CASES = {"hello": EXAMPLE, "shop": FIXTURES / "shop" / "shop.py",
         "options": FIXTURES / "options" / "options.py", "gateway": FIXTURES / "gateway" / "gateway.py",
         "ship": FIXTURES / "rollout" / "rollout.py", "url": FIXTURES / "function_url" / "url.py",
         "doors": FIXTURES / "doors" / "doors.py"}


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> dict[str, Path]:
    return {name: synth_to(path, tmp_path_factory.mktemp(name) / "cdktf.out")
            for name, path in CASES.items()}


def _assets(stack_dir: Path) -> dict[str, str]:
    # By content (names, modes, bytes), not by deflate's output, which differs between zlib builds.
    from generator.model.archive import archive_content_digest

    return {p.relative_to(stack_dir).as_posix(): archive_content_digest(p.read_bytes())
            for p in sorted((stack_dir / "assets").rglob("*")) if p.is_file()}


def without_metadata(value):
    """The JSON without cdktf's ``//`` metadata, as cdktf's own ``Testing.synth`` compares it.

    The metadata (construct paths, cdktf's version) says nothing about what Terraform does, and a
    cdktf upgrade would rewrite every golden. Byte identity is checked where bytes are the promise:
    the determinism tests below compare whole output folders.
    """
    if isinstance(value, dict):
        return {key: without_metadata(item) for key, item in value.items() if key != "//"}
    if isinstance(value, list):
        return [without_metadata(item) for item in value]
    return value


def test_the_rollout_definition_matches_its_readable_golden(synthesized):
    """The state machine's definition, one string in the JSON, laid out for a reviewer: every state,
    its retries and its gates, as the stack file's rollout makes them."""
    produced = json.loads((synthesized["ship"] / "stacks" / "ship" / "cdk.tf.json").read_text())
    definition = json.loads(produced["resource"]["aws_sfn_state_machine"]["svc_rollout"]["definition"])
    text = json.dumps(definition, indent=2) + "\n"
    golden = GOLDEN / "ship.rollout-definition.json"
    if UPDATE:
        golden.write_text(text)
    assert text == golden.read_text(), f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 and review the diff of {golden.name}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_synthesized_json_matches_the_golden_file(synthesized, name):
    produced = without_metadata(json.loads((synthesized[name] / "stacks" / name / "cdk.tf.json").read_text()))
    golden = GOLDEN / f"{name}.cdk.tf.json"
    if UPDATE:
        golden.write_text(json.dumps(produced, indent=2, sort_keys=True) + "\n")
    assert produced == json.loads(golden.read_text()), \
        f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 and review the diff of {golden.name}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_native_syntax_beside_the_json_matches_the_golden_files(synthesized, name):
    # The moved blocks and the aliases' routing (synthesis.native_files), which the JSON leaves out.
    for file in (MOVED_BLOCKS, ALIAS_ROUTING):
        produced = (synthesized[name] / "stacks" / name / file).read_text()
        golden = GOLDEN / f"{name}.{file}"
        if UPDATE:
            golden.write_text(produced)
        assert produced == golden.read_text(), f"regenerate with BLUEGREEN_UPDATE_GOLDENS=1 and review {golden.name}"
    config = json.loads((synthesized[name] / "stacks" / name / "cdk.tf.json").read_text())
    assert "moved" not in config
    assert not [alias for alias in config["resource"]["aws_lambda_alias"].values() if "dynamic" in alias]


@pytest.mark.parametrize("name", sorted(CASES))
def test_code_archives_match_the_golden_digests(synthesized, name):
    produced = json.dumps(_assets(synthesized[name] / "stacks" / name), indent=2, sort_keys=True) + "\n"
    golden = GOLDEN / f"{name}.assets.json"
    if UPDATE:
        golden.write_text(produced)
    assert produced == golden.read_text()


def test_two_synths_into_different_folders_are_byte_identical(synthesized, tmp_path):
    again = synth_to(EXAMPLE, tmp_path / "elsewhere" / "deeper" / "out")
    assert tree_bytes(again) == tree_bytes(synthesized["hello"])


def test_no_build_machine_path_appears_in_the_output(synthesized):
    for name, out in synthesized.items():
        for relative, data in tree_bytes(out).items():
            for secret in (str(ROOT), str(out), str(Path.home())):
                assert secret.encode() not in data, f"{name}/{relative} contains {secret}"


def test_resynthesizing_unchanged_code_keeps_the_source_code_hash(synthesized, tmp_path):
    again = synth_to(EXAMPLE, tmp_path / "out")
    first = json.loads((synthesized["hello"] / "stacks/hello/cdk.tf.json").read_text())
    second = json.loads((again / "stacks/hello/cdk.tf.json").read_text())
    hash_of = lambda doc: doc["resource"]["aws_lambda_function"]["hello"]["source_code_hash"]  # noqa: E731
    assert hash_of(first) == hash_of(second)


def test_each_stack_folder_has_a_readme_naming_its_variables(synthesized):
    readme = (synthesized["shop"] / "stacks/shop/README.md").read_text()
    for expected in ("orders_green_weight", "orders_blue_version", "worker_green_weight",
                     "orders_green_version", "aws_lambda_alias.orders", "GET /orders/{id}"):
        assert expected in readme


def test_a_failed_synth_leaves_the_previous_output_exactly_as_it_was(example_copy, tmp_path):
    out = synth_to(example_copy, tmp_path / "out")
    (out / "stacks/hello/terraform.tfstate").write_text('{"version": 4}')
    before = tree_bytes(out)
    text = example_copy.read_text().replace("memory_mb=128", "memory_mb=64")
    example_copy.write_text(text)
    with pytest.raises(InvalidInput, match="memory_mb: must be between 128 and 10240, got: 64"):
        synth_to(example_copy, out)
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "stacks"]


def test_a_crash_inside_cdktf_leaves_the_previous_output_and_no_scratch_folder(example_copy, tmp_path, monkeypatch):
    out = synth_to(example_copy, tmp_path / "out")
    before = tree_bytes(out)
    from generator.synthesis import stack as stack_module

    def explode(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(stack_module.BlueGreenStack, "__init__", explode)
    with pytest.raises(RuntimeError, match="boom"):
        synth_to(example_copy, out)
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "stacks"]


def test_a_resynth_replaces_generated_files_and_keeps_terraform_working_files(example_copy, tmp_path):
    out = synth_to(example_copy, tmp_path / "out")
    stack_dir = out / "stacks/hello"
    kept = {".terraform/providers/marker": "provider", ".terraform.lock.hcl": "lock",
            "terraform.tfstate": "state", "terraform.tfstate.backup": "backup",
            "mine.auto.tfvars.json": "{}"}
    for name, content in kept.items():
        (stack_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (stack_dir / name).write_text(content)
    old_assets = set(_assets(stack_dir))
    app = example_copy.parent / "hello_src" / "app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))

    synth_to(example_copy, out)

    for name, content in kept.items():
        assert (stack_dir / name).read_text() == content
    new_assets = set(_assets(stack_dir))
    assert new_assets and not (new_assets & old_assets), "the old archive must be gone"


def test_a_stack_removed_from_the_file_keeps_its_folder_when_it_holds_state(example_copy, tmp_path, capsys):
    out = tmp_path / "out"
    original = example_copy.read_text()
    example_copy.write_text(original.replace('name="hello",', 'name="retired",', 1))
    synth_to(example_copy, out)
    (out / "stacks/retired/terraform.tfstate").write_text("state")
    example_copy.write_text(original)
    synth_to(example_copy, out)
    assert (out / "stacks/retired/terraform.tfstate").read_text() == "state"
    assert "kept retired/" in capsys.readouterr().err


def test_synth_refuses_to_replace_a_folder_it_did_not_write(example_copy, tmp_path):
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    with pytest.raises(InvalidInput, match=r"--out: must be a new folder or one that bluegreen synthesized"):
        synth_to(example_copy, precious)
    assert (precious / "notes.txt").read_text() == "mine"


def test_library_users_get_the_same_resources_from_one_construct(tmp_path):
    from cdktf import App, LocalBackend, TerraformStack

    from generator import BlueGreenDeployment
    from generator.bindings.provider import AwsProvider
    from generator.features.loader import load_stack_file
    from generator.synthesis.deployment import alias_routing, moved_blocks

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "hello")
    LocalBackend(stack, path="terraform.tfstate")
    AwsProvider(stack, "aws", region="us-east-1")
    deployment = load_stack_file(EXAMPLE).stacks[0].deployments[0]
    BlueGreenDeployment(stack, "hello", deployment=deployment, name_prefix="hello",
                        base_dir=ROOT / "stacks")
    app.synth()
    produced = without_metadata(json.loads((tmp_path / "stacks/hello/cdk.tf.json").read_text()))
    golden = json.loads((GOLDEN / "hello.cdk.tf.json").read_text())
    # A library user's app has only its JSON: the routing and the moved blocks that bluegreen's own
    # synth writes beside it in native syntax (synthesis.native_files) stay inside, as the same expressions.
    for_each, weights = alias_routing(deployment)
    assert produced["resource"]["aws_lambda_alias"]["hello"].pop("dynamic") == {"routing_config": {
        "for_each": f"${{{for_each}}}", "content": {"additional_version_weights": f"${{{weights}}}"}}}
    assert produced.pop("moved") == moved_blocks([deployment])
    assert _addresses(produced) == _addresses(golden)
    assert produced["resource"] == golden["resource"]


def test_the_construct_refuses_an_invalid_deployment_listing_every_problem(tmp_path):
    from cdktf import App, TerraformStack

    from generator import BlueGreenDeployment, Deployment, Function

    stack = TerraformStack(App(outdir=str(tmp_path)), "x")
    bad = Deployment(name="Orders", alias="123",
                     function=Function(source="missing", handler="main", runtime="python2.7"))
    with pytest.raises(InvalidInput) as raised:
        BlueGreenDeployment(stack, "orders", deployment=bad, name_prefix="shop", base_dir=tmp_path)
    assert [str(p.where) for p in raised.value.problems] == [
        "shop.Orders.name", "shop.Orders.alias", "shop.Orders.function.source",
        "shop.Orders.function.handler", "shop.Orders.function.runtime"]


def test_the_construct_refuses_a_metric_delay_only_the_emulator_accepts_unless_told_it_is_for_it(tmp_path):
    from dataclasses import replace

    from cdktf import App, TerraformStack

    from generator import BlueGreenDeployment, Rollout
    from generator.features.loader import load_stack_file
    from generator.features.rollout import messages as msg

    hello = load_stack_file(EXAMPLE).stacks[0].deployments[0]
    quick = replace(hello, rollout=Rollout(steps=(0.5,), bake_s=6, check_every_s=2, max_error_rate=0.01,
                                           metric_delay_s=0))
    stack = TerraformStack(App(outdir=str(tmp_path)), "shop")
    with pytest.raises(InvalidInput) as raised:
        BlueGreenDeployment(stack, "for_aws", deployment=quick, name_prefix="shop", base_dir=ROOT / "stacks")
    assert raised.value.render() == (f"shop.hello.rollout.metric_delay_s: "
                                     f"{msg.metric_delay_is_for_the_emulator(60, 0)}")
    emulator = TerraformStack(App(outdir=str(tmp_path / "emulator")), "shop")
    BlueGreenDeployment(emulator, "for_the_emulator", deployment=quick, name_prefix="shop",
                        base_dir=ROOT / "stacks", emulator=True)


def _addresses(doc: dict) -> list[str]:
    return sorted(f"{kind}.{name}" for kind, items in doc["resource"].items() for name in items)


@pytest.mark.slow  # imports all ~2,100 submodules of the bindings in a new process
def test_lazy_provider_loading_gives_the_same_bytes_as_importing_the_whole_provider(synthesized, tmp_path):
    # The unoptimized path: the provider package imported in full (its __init__ loads all
    # ~2,100 submodules), as a plain cdktf app does. generator.bindings.provider then leaves
    # the package as it is. The output must not depend on which path ran.
    import subprocess
    import sys

    code = ("import sys, cdktf_cdktf_provider_aws\n"
            "assert len([m for m in sys.modules if m.startswith('cdktf_cdktf_provider_aws.')]) > 2000\n"
            "from generator.features.loader import load_stack_file\n"
            "from generator.output.folder import synthesize\n"
            "synthesize(load_stack_file(sys.argv[1]), sys.argv[2], use_cache=False)\n")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(tmp_path / "full")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert tree_bytes(tmp_path / "full") == tree_bytes(synthesized["hello"])


def test_output_inside_a_function_source_folder_is_refused(example_copy, tmp_path):
    with pytest.raises(InvalidInput, match=r"--out: must not be inside the source folder of hello/hello"):
        synth_to(example_copy, example_copy.parent / "hello_src" / "out")
    assert not (example_copy.parent / "hello_src" / "out").exists()


def test_output_below_a_file_is_refused(example_copy, tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InvalidInput, match=r"--out: must be a folder path, but .*afile' is a file"):
        synth_to(example_copy, tmp_path / "afile" / "out")


def test_user_files_anywhere_in_the_output_are_left_alone(example_copy, tmp_path):
    out = synth_to(example_copy, tmp_path / "out")
    (out / ".gitignore").write_text("*.tfstate\n")
    (out / "stacks" / "NOTES.txt").write_text("notes")
    (out / "stacks" / "hello" / "plan.json").write_text("{}")
    synth_to(example_copy, out)
    assert (out / ".gitignore").read_text() == "*.tfstate\n"
    assert (out / "stacks" / "NOTES.txt").read_text() == "notes"
    assert (out / "stacks" / "hello" / "plan.json").read_text() == "{}"


def test_scratch_left_by_a_crashed_synth_is_cleared_by_the_next(example_copy, tmp_path):
    out = synth_to(example_copy, tmp_path / "out")
    (tmp_path / ".out.new-crashed").mkdir()
    (tmp_path / ".out.old-crashed").mkdir()
    synth_to(example_copy, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "stacks"]


def test_each_archive_is_built_once_per_synth(example_copy, tmp_path, monkeypatch):
    # The zip in the output and the source_code_hash beside it come from one build: code edited
    # mid-synth can never ship under another version's hash.
    from generator.model import archive
    from generator.output import folder as output_folder

    built = []
    real = archive.build_archive
    monkeypatch.setattr(output_folder, "build_archive", lambda folder, **labels: built.append(folder) or real(folder, **labels))
    synth_to(example_copy, tmp_path / "out", use_cache=True)
    assert built == [example_copy.parent / "hello_src"]


def test_the_execution_role_may_only_write_its_own_log_streams(synthesized):
    doc = json.loads((synthesized["shop"] / "stacks/shop/cdk.tf.json").read_text())
    for name, policy in doc["resource"]["aws_iam_role_policy"].items():
        if name == "apigateway_cloudwatch":  # API Gateway's account role (test_api_options), not an execution role
            continue
        statements = json.loads(policy["policy"])["Statement"]
        deployment = name.removesuffix("_logs")
        assert statements == [{"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow",
                               "Resource": f"${{aws_cloudwatch_log_group.{deployment}.arn}}:*"}]


def test_moved_blocks_leave_out_self_moves_and_other_deployments_addresses():
    from generator import Deployment, Function
    from generator.synthesis.deployment import moved_blocks

    function = Function(source="src", handler="main.handler", runtime="python3.12")
    deployments = [Deployment(name="api", alias="v2", function=function), Deployment(name="api_v2", function=function),
                   Deployment(name="web", alias="-", function=function)]
    # api's old address (api_v2) is api_v2's alias now; web's old address (web_-) is web itself.
    assert moved_blocks(deployments) == [{"from": "aws_lambda_alias.api_v2_live", "to": "aws_lambda_alias.api_v2"}]


def test_the_construct_refuses_a_second_deployment_of_the_same_name_in_one_stack(tmp_path):
    from cdktf import App, TerraformStack

    from generator import BlueGreenDeployment, InvalidInput
    from generator.features.loader import load_stack_file

    stack = TerraformStack(App(outdir=str(tmp_path)), "shop")
    deployment = load_stack_file(EXAMPLE).stacks[0].deployments[0]
    BlueGreenDeployment(stack, "one", deployment=deployment, name_prefix="shop", base_dir=ROOT / "stacks")
    with pytest.raises(InvalidInput) as raised:
        BlueGreenDeployment(stack, "two", deployment=deployment, name_prefix="shop2", base_dir=ROOT / "stacks")
    assert raised.value.render() == ("deployment.name: must differ from every other deployment's in the same "
                                     "stack, got: 'hello'")


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_address_in_the_golden_json_comes_from_the_address_registry(name):
    from generator.features.addresses import every_address
    from generator.features.loader import load_stack_file
    from generator.model import naming

    golden = json.loads((GOLDEN / f"{name}.cdk.tf.json").read_text())
    written = {f"{kind}.{resource}" for kind, resources in golden["resource"].items() for resource in resources}
    written |= {f"var.{v}" for v in golden["variable"]} | {f"local.{v}" for v in golden["locals"]}
    written |= {f"output.{v}" for v in golden["output"]}
    written |= {f"data.{kind}.{source}" for kind, sources in golden.get("data", {}).items() for source in sources}
    (stack,) = load_stack_file(CASES[name]).stacks
    registry = {item.address for d in stack.deployments for item in every_address(d)}
    assert written == registry
    moved = re.findall(r"^  from = (\S+)$", (GOLDEN / f"{name}.{MOVED_BLOCKS}").read_text(), flags=re.M)
    assert moved == [naming.Addresses(d).legacy_alias for d in stack.deployments]


def test_synthesis_gets_any_provider_class_by_name_with_no_list_to_keep():
    # Adding a resource to a deployment is a registry entry and a synthesis module: the provider
    # module finds a class by its name, nested blocks included, in the bindings' own submodule.
    import cdktf_cdktf_provider_aws.api_gateway_rest_api as rest_api_module
    import cdktf_cdktf_provider_aws.lambda_function_event_invoke_config as invoke_config_module

    from generator.bindings import provider

    assert provider.LambdaFunctionEventInvokeConfig is invoke_config_module.LambdaFunctionEventInvokeConfig
    assert provider.ApiGatewayRestApiEndpointConfiguration is rest_api_module.ApiGatewayRestApiEndpointConfiguration
    with pytest.raises(AttributeError, match="no provider class of that name"):
        provider.LambdaNoSuchThing  # noqa: B018 - the lookup is the test
