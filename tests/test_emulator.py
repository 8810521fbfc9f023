"""``bluegreen up --local``, ``env --local`` and ``down``: the example on moto, and torn down again;
on the way, the seed's demo (both versions answer on the local URL after ``shift 50%``).

Also: ``down`` never stops a process that is not the recorded emulator, and a damaged emulator
record is reported (exit 2) rather than guessed at.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from conftest import copy_example

from generator.cli import program as cli
from generator.core.errors import ExternalToolFailed
from generator.core.messages import bootstrap as bootstrap_msg
from generator.core.messages import local as local_msg
from generator.local.emulator import SERVER_MODULE
from generator.terraform.runner import Terraform

pytestmark = pytest.mark.terraform
BIN = Path(sys.executable).parent
LOCAL_URL = re.compile(r"^local URL: (http://127\.0\.0\.1:\d+/v1)$", re.M)
BLUE, GREEN = "Hello From Blue Deployment", "Hello From Green Deployment"


def bluegreen(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "bluegreen"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def lambda_client(endpoint: str):
    import boto3

    return boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_up_deploys_on_moto_local_commands_follow_it_and_down_from_a_subfolder_stops_it(terraform_env, tmp_path):
    stack_file = copy_example(tmp_path)
    committed = stack_file.parent / "hello.traffic.json"
    committed_before = committed.read_bytes() if committed.exists() else None
    env = {k: v for k, v in terraform_env.items() if k != "TF_CLI_CONFIG_FILE"}
    local_traffic = tmp_path / ".bluegreen/local/traffic/hello.traffic.json"
    pid = None
    try:
        up = bluegreen("up", str(stack_file), "--local", cwd=tmp_path, env=env)
        assert up.returncode == 0, up.stderr
        endpoint = re.search(r"^moto emulator: (http://127\.0\.0\.1:\d+) \(pid (\d+)\)", up.stdout, re.M)
        assert endpoint, up.stdout
        url, pid = endpoint.group(1), int(endpoint.group(2))
        assert re.search(r"^hello/hello: alias live -> v1 100%; invoke URL https://\w+\.execute-api\."
                         r"us-east-1\.amazonaws\.com/v1$", up.stdout, re.M), up.stdout
        assert (tmp_path / ".bluegreen/local/out/stacks/hello/terraform.tfstate").is_file()
        # The example logs through the account's role: up bootstrapped the emulator's account first.
        assert bootstrap_msg.bootstrapping_emulator("us-east-1") in up.stdout
        assert (tmp_path / ".bluegreen/local/bootstrap/us-east-1/terraform.tfstate").is_file()

        # promote --local reads the emulator's outputs and writes only the local traffic file.
        promote = bluegreen("promote", str(stack_file), "hello", "--local", cwd=tmp_path, env=env)
        assert promote.returncode == 0, promote.stderr
        assert json.loads(local_traffic.read_text())["hello"]["blue_version"] == "1"

        # New code: up re-synthesizes and applies; v2 is published, blue stays pinned on v1.
        app = stack_file.parent / "hello_src" / "app.py"
        app.write_text(app.read_text().replace("Blue", "Green"))
        again = bluegreen("up", str(stack_file), "--local", cwd=tmp_path, env=env)
        assert again.returncode == 0, again.stderr
        assert f"(pid {pid})" in again.stdout  # the running emulator is reused
        assert "bootstrapping" not in again.stdout  # its account is set up already
        assert "hello/hello: alias live -> v1 100%" in again.stdout
        versions = lambda_client(url).list_versions_by_function(FunctionName="hello-hello")["Versions"]
        assert sorted(v["Version"] for v in versions) == ["$LATEST", "1", "2"]

        shift = bluegreen("shift", str(stack_file), "hello", "50%", "--local", cwd=tmp_path, env=env)
        assert shift.returncode == 0, shift.stderr
        assert json.loads(local_traffic.read_text())["hello"]["green_weight"] == 0.5
        status = bluegreen("status", "hello.py", "--local", "--json", cwd=stack_file.parent, env=env)
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)[0]["green_weight"] == 0.5
        _both_versions_answer_verify_agrees_and_after_rollback_only_blue(stack_file, tmp_path, env)

        # env --local, from a subfolder: terraform and the AWS SDK reach the emulator, even with a
        # profile set that would otherwise win over the test credentials.
        script = ('eval "$(bluegreen env --local)" && '
                  "terraform -chdir=../.bluegreen/local/out/stacks/hello plan -no-color "
                  f"> /dev/null && {sys.executable} -c \"import boto3; "
                  "print(boto3.client('lambda').get_alias(FunctionName='hello-hello', Name='live')['FunctionVersion'])\"")
        shell = subprocess.run(["bash", "-c", script], cwd=stack_file.parent, capture_output=True, text=True,
                               env=dict(env, PATH=f"{BIN}:{env['PATH']}", AWS_PROFILE="nobody"), timeout=300)
        assert (shell.returncode, shell.stdout) == (0, "1\n"), shell.stderr
        assert committed_before == (committed.read_bytes() if committed.exists() else None)
    finally:
        down = bluegreen("down", cwd=stack_file.parent, env=env)  # a subfolder finds the project's state
    assert down.returncode == 0 and down.stdout == "moto emulator stopped; local state removed\n", down.stderr
    _wait_gone(pid)
    assert not (tmp_path / ".bluegreen/local").exists()  # its state and local traffic
    assert bluegreen("down", cwd=tmp_path, env=env).stdout == "no emulator was running\n"


def _both_versions_answer_verify_agrees_and_after_rollback_only_blue(stack_file: Path, root: Path, env: dict) -> None:
    """The seed's demo: after ``shift 50%`` and ``up``, 40 requests to the printed ``local URL``
    see both bodies, ``verify --local --requests 200 --json`` sees both versions at a consistent
    share, and after ``rollback`` and ``up`` only blue answers. The emulator's choice of version is
    seeded (docs/local-code.md), so the counts are the same on every run: the test cannot flake."""
    def run(*args: str) -> subprocess.CompletedProcess:
        result = bluegreen(*args, cwd=root, env=env)
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
        return result

    urls = LOCAL_URL.findall(run("up", str(stack_file), "--local").stdout)
    assert len(urls) == 1, urls  # one door: the REST API, served at its stage
    assert set(_messages(urls[0], 40)) == {BLUE, GREEN}
    report = json.loads(run("verify", str(stack_file), "hello", "--local", "--requests", "200", "--json").stdout)
    assert report["requests"] == 200 and report["errors"] == 0 and report["consistent"] is True
    assert report["expected_green_weight"] == 0.5
    assert set(report["versions"]) == {"1", "2"} and sum(report["versions"].values()) == 200
    run("rollback", str(stack_file), "hello", "--local")
    assert LOCAL_URL.findall(run("up", str(stack_file), "--local").stdout) == urls  # the door keeps its port
    assert _messages(urls[0], 40) == Counter({BLUE: 40})
    # Each version's code unpacked inside the local workspace (docs/local-code.md), which down removes.
    assert len(list((root / ".bluegreen/local/code").iterdir())) == 2


def _messages(url: str, count: int) -> Counter:
    """The ``message`` of ``count`` answers to GET /hello on ``url``."""
    seen: Counter = Counter()
    for _ in range(count):
        with urllib.request.urlopen(f"{url}/hello", timeout=30) as answer:
            assert answer.status == 200
            seen[json.loads(answer.read())["message"]] += 1
    return seen


def test_up_and_env_require_local(tmp_path):
    for command in (["up", "stacks/hello.py"], ["env"]):
        result = bluegreen(*command, cwd=tmp_path, env=dict(os.environ))
        assert result.returncode == 2
        assert "the following arguments are required: --local" in result.stderr


def test_env_without_a_running_emulator_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["env", "--local"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: --local: {local_msg.emulator_must_be_running('.bluegreen/emulator.json')}\n"
    assert "no emulator is running (none is recorded in .bluegreen/emulator.json" in captured.err


@pytest.fixture
def fake_emulator(tmp_path, monkeypatch) -> Path:
    """A project folder whose name needs quoting, with a stand-in for a running emulator."""
    from generator.local import emulator

    project = tmp_path / "it's a project"
    (project / ".bluegreen").mkdir(parents=True)
    monkeypatch.chdir(project)
    server = emulator.Emulator(os.getpid(), "http://127.0.0.1:4566")
    monkeypatch.setattr(emulator, "running_emulator", lambda workspace: server)
    from generator.terraform import runner

    monkeypatch.setattr(runner, "find_provider_mirror", lambda: tmp_path / "mirror")
    return project


def test_env_prints_shell_quoted_exports(fake_emulator, capsys):
    assert cli.main(["env", "--local"]) == 0
    out = capsys.readouterr().out
    config = fake_emulator / ".bluegreen" / "terraformrc"
    assert out.splitlines()[-7:] == ["unset AWS_PROFILE AWS_SESSION_TOKEN",
                                "export AWS_ENDPOINT_URL=http://127.0.0.1:4566",
                                "export AWS_ACCESS_KEY_ID=test", "export AWS_SECRET_ACCESS_KEY=test",
                                "export AWS_REGION=us-east-1", "export AWS_DEFAULT_REGION=us-east-1",
                                f"export TF_CLI_CONFIG_FILE={shlex.quote(str(config))}"]
    assert str(fake_emulator.parent / "mirror") in config.read_text()
    shell = subprocess.run(["bash", "-c", 'eval "$1" && printf %s "$TF_CLI_CONFIG_FILE"', "-", out],
                           capture_output=True, text=True, timeout=30)
    assert shell.stdout == str(config)


SHELL_STATE = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
               "AWS_REGION", "AWS_DEFAULT_REGION", "TF_CLI_CONFIG_FILE", "EMPTY_BUT_SET")


def shell_after(shell: str, script: str, *args: str, **variables: str) -> dict[str, str]:
    """The variables of SHELL_STATE (and bluegreen's own) that ``script`` leaves exported."""
    env = {"PATH": os.environ["PATH"], **variables}
    result = subprocess.run([shell, "-c", script + '\nenv', "-", *args], env=env, capture_output=True, text=True,
                            timeout=30, check=True)
    pairs = (line.partition("=") for line in result.stdout.splitlines())
    return {name: value for name, _, value in pairs if name in SHELL_STATE or name.startswith("BLUEGREEN")}


@pytest.mark.parametrize("shell", ["sh", "bash"])
def test_env_unset_puts_the_shell_back_as_it_was(fake_emulator, capsys, shell):
    from generator.local import emulator

    assert set(emulator.emulator_variables(emulator.running_emulator(None), emulator.Workspace.at(fake_emulator))) \
        <= set(emulator.EXPORTED_VARIABLES)  # every variable env sets is one --unset restores
    assert cli.main(["env", "--local"]) == 0
    enter = capsys.readouterr().out
    assert cli.main(["env", "--local", "--unset"]) == 0
    leave = capsys.readouterr().out
    mine = {"AWS_PROFILE": "prod", "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIA it's mine",
            "TF_CLI_CONFIG_FILE": "/home/me/.terraformrc"}
    before = shell_after(shell, ":", **mine)
    assert before == mine
    inside = shell_after(shell, 'eval "$1"; eval "$1"', enter, **mine)  # twice: a new emulator's port
    assert (inside["AWS_ENDPOINT_URL"], "AWS_PROFILE" in inside) == ("http://127.0.0.1:4566", False)
    assert shell_after(shell, 'eval "$1"; eval "$1"; eval "$2"', enter, leave, **mine) == before
    assert shell_after(shell, 'eval "$1"; eval "$2"', enter, leave, AWS_PROFILE="", EMPTY_BUT_SET="") == \
        {"AWS_PROFILE": "", "EMPTY_BUT_SET": ""}  # set but empty stays set
    assert shell_after(shell, 'eval "$1"', leave, **mine) == before  # nothing to undo: nothing changes


def test_env_unset_needs_no_running_emulator(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no .bluegreen at all, as after down
    assert cli.main(["env", "--local", "--unset"]) == 0
    assert "unset BLUEGREEN_ENV_SAVED" in capsys.readouterr().out


def test_env_exports_the_region_of_the_local_stacks(fake_emulator, capsys):
    config = fake_emulator / ".bluegreen/local/out/stacks/shop/cdk.tf.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"provider": {"aws": [{"region": "eu-west-1"}]}}))
    assert cli.main(["env", "--local"]) == 0
    assert "export AWS_REGION=eu-west-1\nexport AWS_DEFAULT_REGION=eu-west-1\n" in capsys.readouterr().out


@pytest.mark.parametrize("record, problem", [
    ('{"pid": 4242, "endpoint": ""}', "endpoint: must be http://127.0.0.1:PORT, got: ''"),
    ('{"pid": 4242, "endpoint": "http://example.com:80"}', "endpoint: must be http://127.0.0.1:PORT, got: 'http://example.com:80'"),
    ('{"pid": 4242, "endpoint": "http://127.0.0.1:99999"}', "endpoint: must be http://127.0.0.1:PORT, got: 'http://127.0.0.1:99999'"),
    ('{"pid": "4242", "endpoint": "http://127.0.0.1:4566"}', "pid: must be a process id (a positive integer), got: '4242'"),
    ('{"pid": 0, "endpoint": "http://127.0.0.1:4566"}', "pid: must be a process id (a positive integer), got: 0"),
    ("[]", "must be a JSON object with pid and endpoint, got: []"),
    ("", "is not a readable emulator record (Expecting value"),
    ("[" * 100_000, ": is nested too deeply to be an emulator record"),
])
def test_a_damaged_emulator_record_exits_2_naming_the_problem(record, problem, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".bluegreen").mkdir()
    (tmp_path / ".bluegreen/emulator.json").write_text(record)
    for command in (["down"], ["env", "--local"]):
        assert cli.main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: .bluegreen/emulator.json"), err
        assert problem in err and err.endswith(" (to start over: stop any moto server you started by hand, then delete the file)\n")
    assert (tmp_path / ".bluegreen/emulator.json").read_text() == record  # kept for the user to look at


def _wait_gone(pid: int) -> None:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return  # a zombie: it has exited, only its parent's bookkeeping remains
        time.sleep(0.1)
    raise AssertionError(f"the moto server (pid {pid}) is still running")


def _record(folder: Path, pid: int, endpoint: str) -> None:
    (folder / ".bluegreen").mkdir()
    (folder / ".bluegreen/emulator.json").write_text(json.dumps({"pid": pid, "endpoint": endpoint}))


def test_down_never_stops_a_process_that_is_not_the_recorded_emulator(tmp_path):
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        _record(tmp_path, stranger.pid, "http://127.0.0.1:9")
        result = bluegreen("down", cwd=tmp_path, env=dict(os.environ))
        assert (result.returncode, result.stdout) == (0, "no emulator was running\n")
        assert stranger.poll() is None
        assert not (tmp_path / ".bluegreen/emulator.json").exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_down_never_stops_a_moto_lookalike_that_does_not_serve_the_recorded_endpoint(moto_endpoint, tmp_path):
    # A real moto answers on the endpoint, and the recorded pid's command line names the emulator's
    # server (say, another checkout's): only the process holding the listening socket is ours.
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", SERVER_MODULE],
                                start_new_session=True)
    try:
        _record(tmp_path, stranger.pid, moto_endpoint)
        result = bluegreen("down", cwd=tmp_path, env=dict(os.environ))
        assert (result.returncode, result.stdout) == (0, "no emulator was running\n"), result.stderr
        time.sleep(0.3)
        assert stranger.poll() is None
        assert not (tmp_path / ".bluegreen/emulator.json").exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_a_failed_terraform_run_is_an_external_tool_failure_naming_command_and_folder(terraform_env, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path.parent)
    with pytest.raises(ExternalToolFailed, match=rf"^terraform apply -auto-approve failed \(exit status 1\) in "
                                                 rf"{tmp_path.name}: .*No configuration files"):
        Terraform(terraform_env).apply(tmp_path)


def test_a_terraform_run_past_its_time_limit_is_an_external_tool_failure(terraform_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)
    with pytest.raises(ExternalToolFailed, match=rf"^terraform version did not finish within 0.001 s in {tmp_path.name}$"):
        Terraform(terraform_env, timeout_s=0.001).run(["version"], tmp_path)


@pytest.mark.parametrize("printed", ["[1]", "not json", "[" * 100_000])
def test_terraform_outputs_that_are_not_an_object_are_an_external_tool_failure(printed, tmp_path, monkeypatch):
    monkeypatch.setattr(Terraform, "run", lambda self, args, folder, check=True:
                        subprocess.CompletedProcess(args, 0, stdout=printed, stderr=""))
    with pytest.raises(ExternalToolFailed, match="^terraform output -json printed no JSON in "):
        Terraform({}).outputs(tmp_path)


def test_terraform_collects_garbage_only_near_its_memory_limit_unless_the_caller_says_otherwise(monkeypatch):
    from generator.terraform.runner import automation_environment

    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.delenv("GOMEMLIMIT", raising=False)
    assert (automation_environment()["GOGC"], automation_environment()["GOMEMLIMIT"]) == ("off", "1GiB")
    assert automation_environment(base={"GOGC": "100"})["GOGC"] == "100"
    monkeypatch.setenv("GOMEMLIMIT", "512MiB")
    assert automation_environment()["GOMEMLIMIT"] == "512MiB"


def test_an_unchecked_terraform_run_returns_its_exit_status(terraform_env, tmp_path):
    result = Terraform(terraform_env).run(["apply", "-auto-approve"], tmp_path, check=False)
    assert result.returncode == 1 and "No configuration files" in result.stderr


def test_terraform_runs_only_through_the_runner():
    # One runner: its environment, time limit and errors apply to every run bluegreen makes.
    generator = Path(__file__).resolve().parent.parent / "generator"
    # A process started with terraform: the binary we locate, or "terraform" spelled as a command.
    starts = re.compile(r"(subprocess\.\w+|Popen|os\.exec\w*)\(\s*\[\s*(terraform_binary\(\)|[\"']terraform[\"'])")
    starters = sorted(p.relative_to(generator).as_posix() for p in generator.rglob("*.py") if starts.search(p.read_text()))
    assert starters == ["terraform/runner.py"]
    assert not starts.search('subprocess.run(["git", "status"])') and starts.search('subprocess.Popen(["terraform", "x"])')
