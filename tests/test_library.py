"""bluegreen as a library inside a user's own cdktf app: no side effects on the user's process.

``BlueGreenDeployment`` goes into apps that also use the AWS provider bindings themselves, run
by ``cdktf synth`` with its ``CDKTF_*`` variables. Using it must not break the provider package
(we load it lazily), change ``os.environ``, or leave temporary folders behind. Each scenario runs
in a fresh Python process (the venv's), since what it checks is process-wide: the import state,
the environment, and jsii's Node.js process, which starts once per Python process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, tree_bytes

# Each scenario starts a Python process and jsii's Node.js; one imports all the provider bindings.
pytestmark = pytest.mark.slow

# Shared by the scripts: what changed in os.environ since `before`, and bluegreen's temporary
# folders (the scripts run with a private TMPDIR, so any found is theirs).
PRELUDE = """
import json, os, sys, tempfile
from pathlib import Path

before = dict(os.environ)

def changes():
    names = set(before) | set(os.environ)
    return {name: [before.get(name), os.environ.get(name)] for name in sorted(names)
            if before.get(name) != os.environ.get(name)}

def leftovers():
    return sorted(p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith("bluegreen"))

def built_then_broken(stack_class):
    # The stack and its code archive are built, then the build fails: no synth will follow.
    real = stack_class.__init__
    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise RuntimeError("boom")
    stack_class.__init__ = init
"""

# A user's app: their bucket and our construct in one stack. "full" imports the provider package
# in full first, as a plain cdktf app does; "lazy" lets bluegreen register it first.
USER_APP = PRELUDE + """
import shutil

out, example, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if mode == "full":
    import cdktf_cdktf_provider_aws
from cdktf import App, TerraformStack
from generator import BlueGreenDeployment
from generator.features.loader import load_stack_file
import cdktf_cdktf_provider_aws as aws

app = App(outdir=str(out))
stack = TerraformStack(app, "site")
aws.provider.AwsProvider(stack, "aws", region="us-east-1")
aws.s3_bucket.S3Bucket(stack, "bucket", bucket="site-assets")  # s3_bucket: not imported by anyone yet
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
BlueGreenDeployment(stack, "hello", deployment=load_stack_file(example).stacks[0].deployments[0],
                    name_prefix="site", base_dir=example.parent)
report = {"waiting": leftovers()}
app.synth()
report["after synth"] = leftovers()
first = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
shutil.rmtree(out / "stacks/site/assets")
app.synth()  # again: cdktf copies the zips again, so they must still be found
again = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
report.update({"after second synth": leftovers(), "second synth identical": first == again,
               "zips": sorted(name for name in again if name.endswith(".zip")),
               "same class": aws.s3_bucket.S3Bucket is S3Bucket, "all": aws.__all__,
               "dir has submodules": {"s3_bucket", "sqs_queue"} <= set(dir(aws)),
               "submodules loaded": len([m for m in sys.modules if m.startswith("cdktf_cdktf_provider_aws.")])})
if mode == "lazy":
    # What jsii does for an object of a type it has no class for (Node.js handed it back):
    # import the submodule its map names. sns_topic is not imported yet.
    from jsii._reference_map import _try_import_type_module
    report["sns_topic before"] = "cdktf_cdktf_provider_aws.sns_topic" in sys.modules
    _try_import_type_module("@cdktf/provider-aws.snsTopic.SnsTopic")
    report["sns_topic after"] = "cdktf_cdktf_provider_aws.sns_topic" in sys.modules
print(json.dumps(report))
"""

# bluegreen imported first (Node.js starts with the user's environment), then stack-file synths.
IMPORT_THEN_SYNTH = PRELUDE + """
import generator.synthesis
report = {"import": changes()}
from generator.features.loader import load_stack_file
from generator.output.folder import synthesize
synthesize(load_stack_file(sys.argv[1]), sys.argv[2], use_cache=False)
report["synth"] = changes()
from generator.synthesis.stack import BlueGreenStack
built_then_broken(BlueGreenStack)
try:
    synthesize(load_stack_file(sys.argv[1]), sys.argv[3], use_cache=False)
except RuntimeError:
    report["failed synth"] = changes()
print(json.dumps(report))
"""

# The CLI's order: a stack-file synth starts Node.js, so bluegreen withholds CDKTF_* from it.
SYNTH_FIRST = PRELUDE + """
from generator.features.loader import load_stack_file
from generator.output.folder import synthesize
out = Path(sys.argv[2])
synthesize(load_stack_file(sys.argv[1]), out / "first", use_cache=False)
report = {"synth": changes(), "left": leftovers(),
          "json": (out / "first/stacks/hello/cdk.tf.json").is_file(),
          "hcl": (out / "first/stacks/hello/cdk.tf").exists()}
from generator.synthesis.stack import BlueGreenStack
built_then_broken(BlueGreenStack)
try:
    synthesize(load_stack_file(sys.argv[1]), out / "second", use_cache=False)
except RuntimeError:
    report.update({"failed synth": changes(), "left after the failure": leftovers()})
print(json.dumps(report))
"""

# What `cdktf synth` passes to the app it runs, and a user's own choice about jsii's banner.
USER_ENVIRONMENT = {"CDKTF_OUTDIR": "/nonexistent/cdktf.out", "CDKTF_CONTEXT_JSON": '{"owner": "me"}',
                    "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": ""}


def run_script(script: str, folder: Path, *args: str, env: dict[str, str] | None = None) -> tuple[dict, str]:
    """Run ``script`` in a fresh venv Python with a private TMPDIR; its report and stderr."""
    tmp = folder / "tmp"
    tmp.mkdir(parents=True)
    environment = dict(os.environ if env is None else env, TMPDIR=str(tmp))
    result = subprocess.run([sys.executable, "-c", script, *args], env=environment,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.splitlines()[-1]), result.stderr


@pytest.fixture(scope="module")
def user_app(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    runs = {}
    for mode in ("lazy", "full"):
        folder = tmp_path_factory.mktemp(mode)
        report, _ = run_script(USER_APP, folder, str(folder / "cdktf.out"), str(EXAMPLE), mode)
        runs[mode] = report, folder / "cdktf.out"
    return runs


def _environment(**overrides: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("CDKTF_", "SYNTH_HCL", "JSII_SILENCE"))}
    env.update(USER_ENVIRONMENT)
    env.update({name: value for name, value in overrides.items() if value is not None})
    return env


@pytest.fixture(scope="module")
def import_then_synth(tmp_path_factory) -> tuple[dict, str]:
    folder = tmp_path_factory.mktemp("import-then-synth")
    return run_script(IMPORT_THEN_SYNTH, folder, str(EXAMPLE), str(folder / "first"), str(folder / "second"),
                      env=_environment())


@pytest.fixture(scope="module")
def synth_first(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("synth-first")
    report, _ = run_script(SYNTH_FIRST, folder, str(EXAMPLE), str(folder / "out"),
                           env=_environment(SYNTH_HCL_OUTPUT="true"))
    return report


def test_a_users_app_synthesizes_its_own_bucket_and_the_deployment_together(user_app):
    _, out = user_app["lazy"]
    resources = json.loads((out / "stacks/site/cdk.tf.json").read_text())["resource"]
    assert resources["aws_s3_bucket"]["bucket"]["bucket"] == "site-assets"
    for kind, name in [("aws_lambda_function", "hello"), ("aws_lambda_alias", "hello"),
                       ("aws_iam_role", "hello_execution"), ("aws_api_gateway_rest_api", "hello")]:
        assert name in resources[kind], f"{kind}.{name} is missing"
    assert resources["aws_lambda_function"]["hello"]["function_name"] == "site-hello"


def test_provider_submodules_load_on_first_attribute_access_as_in_the_full_package(user_app):
    lazy, full = user_app["lazy"][0], user_app["full"][0]
    assert lazy["same class"] and lazy["dir has submodules"]
    assert lazy["all"] == full["all"] and len(lazy["all"]) > 2000  # the package's own __all__
    assert lazy["submodules loaded"] < 60 and full["submodules loaded"] > 2000  # still lazy (the ~55 used)


def test_jsii_finds_the_class_of_a_provider_type_whose_submodule_is_not_imported_yet(user_app):
    report = user_app["lazy"][0]
    assert (report["sns_topic before"], report["sns_topic after"]) == (False, True)


def test_the_lazy_provider_gives_the_users_app_the_same_bytes_as_the_full_one(user_app):
    assert tree_bytes(user_app["lazy"][1]) == tree_bytes(user_app["full"][1])


def test_the_users_own_synth_finds_the_zip_and_leaves_no_temporary_folder(user_app):
    for mode, (report, out) in user_app.items():
        assert len(report["waiting"]) == 1, mode  # the stack's folder, until the stack synthesizes
        assert report["after synth"] == [] and report["after second synth"] == [], mode
        assert report["second synth identical"] and len(report["zips"]) == 1, mode
        assert (out / report["zips"][0]).stat().st_size > 0


def test_importing_bluegreen_and_synthesizing_leave_the_environment_as_it_was(import_then_synth):
    report, stderr = import_then_synth
    assert report == {"import": {}, "synth": {}, "failed synth": {}}
    # The banners stay silenced all the same: Node.js read the variables when it started.
    assert "end-of-life" not in stderr and "!!!!!" not in stderr


def test_a_synth_that_starts_nodejs_withholds_cdktf_variables_and_restores_them(synth_first):
    assert synth_first["synth"] == {} and synth_first["failed synth"] == {}
    # SYNTH_HCL_OUTPUT=true was not passed on to Node.js: the output is still JSON.
    assert synth_first["json"] and not synth_first["hcl"]


def test_no_temporary_folder_remains_after_a_stack_file_synth(synth_first):
    assert synth_first["left"] == []
    assert synth_first["left after the failure"] == []
