"""Messages of the programs bluegreen runs: missing (exit status 2) or failed (exit status 3).

A tool that failed is not bad input: the message names the command, the folder it ran in and
what the tool said, so a user (or a retrying CI job) can tell "fix your input" from "a tool broke".
"""

from __future__ import annotations

TERRAFORM_MISSING = "Terraform is required: install the Terraform CLI (1.5 or newer) and put it on PATH"
NODE_MISSING = ("Node.js is required to synthesize (cdktf runs through jsii): install it "
                "(Debian: apt-get install nodejs) or point JSII_NODE at a node binary")


def node_version_failed(node: str, error: Exception) -> str:
    return f"{NODE_MISSING} ({node} --version failed: {error})"


def local_extra_missing(missing: list[str]) -> str:
    return (f"the local emulator needs {' and '.join(missing)}, which come with bluegreen's local extra: "
            "pip install 'bluegreen[local]'")


def command_timed_out(command: str, timeout_s: float, folder: str) -> str:
    return f"{command} did not finish within {timeout_s:g} s in {folder}"


def command_could_not_run(command: str, folder: str, error: Exception) -> str:
    return f"{command} could not run in {folder}: {error}"


def command_failed(command: str, status: int, folder: str, detail: str) -> str:
    """``detail``: the end of what the command printed, where its own error text is."""
    return f"{command} failed (exit status {status}) in {folder}: {detail}"


def output_must_be_json(folder: str, error: Exception) -> str:
    return f"terraform output -json printed no JSON in {folder}: {error}"


def emulator_exited_at_start(status: int, log: str) -> str:
    return f"the moto server exited at start (exit status {status}); see {log}"


def emulator_did_not_answer(endpoint: str, seconds: int, log: str) -> str:
    return f"the moto server did not answer on {endpoint} within {seconds} s; see {log}"
