"""The one way bluegreen runs the Terraform CLI: its environment, a time limit, and errors that
name the command and the folder.

``bluegreen up``, ``bluegreen bootstrap`` and the test suite run ``init``, ``plan``, ``apply``,
``destroy``, ``output``, ``show`` and ``state`` through ``Terraform``; nothing else starts
``terraform``. A run that fails, times out or cannot start is ``ExternalToolFailed`` (exit
status 3, never 2: the user's input may be fine), naming the command line, the folder,
Terraform's exit status and the end of what it printed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import ExternalToolFailed
from ..core.messages import tools
from .mirror import find_provider_mirror, terraform_binary, write_cli_config

# No prompts, no version checks, and the shorter messages of automation: every run is unattended.
AUTOMATION = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
# Terraform and the AWS provider are Go programs that decode the provider's whole schema (some
# 1,500 resource types) on every command, mostly garbage. Collecting only once a process's heap
# nears 1 GiB (Go's memory limit with GOGC off) halves a command's CPU time (a validate here:
# 3.2 s to 1.65 s of user time, peak memory 605 MB to 700 MB), and a long apply still collects
# at that limit. A GOGC or GOMEMLIMIT the caller set wins.
GARBAGE_COLLECTION = {"GOGC": "off", "GOMEMLIMIT": "1GiB"}
TIMEOUT_S = 900  # an apply against AWS can take minutes; one that hangs must not hang CI for hours
_DETAIL_CHARS = 1500  # the end of Terraform's output in an error: its own error text is last
_NO_STATE = "No state file was found!"  # what `terraform state list` says before the first apply
# Set by the test suite only (tests/conftest.py). Every command that loads providers checks the
# installed package against the checksums `terraform init` wrote into .terraform.lock.hcl, and
# that reads and hashes the whole 700 MB AWS provider: about 0.5 s of CPU a command, a fifth of
# a plan, in a suite of hundreds of commands in throwaway folders init'ed from the local mirror
# seconds before (docs/testing.md#suite-time). With it set, a successful init drops those
# checksums, and Terraform skips a check that has none to compare with. Never set it for real
# stacks: the checksums are what catches a provider package changed after init.
UNHASHED_LOCK_ENV = "BLUEGREEN_TEST_UNHASHED_LOCK"
_LOCK_FILE = ".terraform.lock.hcl"
_LOCK_HASHES = re.compile(r"^  hashes = \[\n(?:    .*\n)*  \]\n", re.M)  # as terraform init writes them


def automation_environment(extra: Mapping[str, str] | None = None, *,
                           base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with ``AUTOMATION`` and ``extra`` set."""
    return {**GARBAGE_COLLECTION, **(os.environ if base is None else base), **AUTOMATION, **(extra or {})}


def mirror_config(config_dir: Path) -> Path | None:
    """A Terraform CLI configuration, written into ``config_dir``, that installs hashicorp/aws from
    the local mirror (for ``TF_CLI_CONFIG_FILE``); None when there is no mirror."""
    mirror = find_provider_mirror()
    if mirror is None:
        return None
    config_dir.mkdir(parents=True, exist_ok=True)
    return write_cli_config(config_dir, mirror).absolute()


def mirror_environment(config_dir: Path, base: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """An automation environment whose ``terraform init`` installs hashicorp/aws from the local
    mirror (see ``mirror_config``); None when there is no mirror."""
    config = mirror_config(config_dir)
    return None if config is None else automation_environment({"TF_CLI_CONFIG_FILE": str(config)}, base=base)


@dataclass(frozen=True)
class Terraform:
    """Runs ``terraform`` with one environment (the whole of it) and one time limit."""

    env: Mapping[str, str] = field(default_factory=automation_environment)
    timeout_s: float = TIMEOUT_S

    def run(self, args: Sequence[str], folder: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``terraform ARGS -no-color`` in ``folder``; with ``check``, a non-zero exit raises."""
        shown = shlex.join(["terraform", *args])
        where = os.path.relpath(folder)
        try:
            result = subprocess.run([terraform_binary(), *args, "-no-color"], cwd=folder, env=dict(self.env),
                                    capture_output=True, text=True, timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            raise ExternalToolFailed(tools.command_timed_out(shown, self.timeout_s, where)) from None
        except OSError as error:
            raise ExternalToolFailed(tools.command_could_not_run(shown, where, error)) from None
        if check and result.returncode != 0:
            raise _failed(result, shown, where)
        if args[:1] == ["init"] and result.returncode == 0 and self.env.get(UNHASHED_LOCK_ENV) == "1":
            drop_lock_hashes(folder)
        return result

    def init(self, folder: Path) -> None:
        self.run(["init"], folder)

    def apply(self, folder: Path) -> subprocess.CompletedProcess[str]:
        return self.run(["apply", "-auto-approve"], folder)

    def destroy(self, folder: Path) -> subprocess.CompletedProcess[str]:
        return self.run(["destroy", "-auto-approve"], folder)

    def resources(self, folder: Path) -> list[str]:
        """``terraform state list``: the address of each resource in the state (none before an apply)."""
        result = self.run(["state", "list"], folder, check=False)
        if result.returncode != 0:
            if _NO_STATE in " ".join(result.stderr.split()):  # no state yet: nothing in it
                return []
            raise _failed(result, "terraform state list", os.path.relpath(folder))
        return result.stdout.split()

    def forget(self, folder: Path, address: str) -> None:
        """``terraform state rm``: stop managing ``address`` without touching what it is in AWS."""
        self.run(["state", "rm", address], folder)

    def outputs(self, folder: Path) -> dict[str, object]:
        """``terraform output -json``: each output's value by name."""
        text = self.run(["output", "-json"], folder).stdout
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
        except (ValueError, RecursionError) as error:
            raise ExternalToolFailed(tools.output_must_be_json(os.path.relpath(folder), error)) from None
        return {name: item.get("value") for name, item in data.items() if isinstance(item, dict)}


def drop_lock_hashes(folder: Path) -> None:
    """Remove the provider checksums from ``folder``'s lock file (see ``UNHASHED_LOCK_ENV``)."""
    lock = Path(folder) / _LOCK_FILE
    if lock.is_file():
        lock.write_text(_LOCK_HASHES.sub("", lock.read_text()))


def _failed(result: subprocess.CompletedProcess[str], shown: str, where: str) -> ExternalToolFailed:
    """The error of a run that exited non-zero: its command line, folder, status and last output."""
    detail = " ".join(f"{result.stdout}\n{result.stderr}".split())[-_DETAIL_CHARS:]
    return ExternalToolFailed(tools.command_failed(shown, result.returncode, where, detail))
