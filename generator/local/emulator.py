"""``bluegreen up --local`` / ``down`` / ``env --local``: try a stack with no AWS account, on moto.

``up`` starts moto on a free loopback port (or reuses the one already running), synthesizes into
the local workspace (``.bluegreen/local/``, see ``output.workspace``: kept apart from real output and
from the committed traffic, so emulator state never mixes with production state), and runs
``terraform init`` and ``apply`` with ``AWS_ENDPOINT_URL`` pointing at moto: the generated
Terraform is exactly the production one. ``down`` stops the server and removes the local
workspace, which described resources that no longer exist. ``env`` prints the variables that
point ``terraform`` and the AWS CLI at the running server.

The server is recorded in ``.bluegreen/emulator.json`` (pid and endpoint). A record is trusted
only as far as the system confirms it (Linux ``/proc``): the pid must be a moto server that
holds the socket listening on the recorded loopback port, so a stale record (a reboot, a reused
pid) never leads to stopping someone else's process.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Argument, ExternalToolFailed, InFile, InvalidInput, Problem, ToolMissing
from ..core.json_file import read_json
from ..core.messages import local as msg
from ..core.messages import tools
from ..output.workspace import Workspace
from ..terraform.mirror import terraform_binary
from ..terraform.runner import automation_environment, mirror_config
from .runtime.archive import CACHE_VARIABLE as CODE_DIR_VARIABLE

LOOPBACK = "127.0.0.1"  # the emulator is only ever bound to and addressed on loopback
ENDPOINT = re.compile(r"http://127\.0\.0\.1:([0-9]{1,5})")
# The region of `env` when the local stacks name none (or several): the example stacks use it.
DEFAULT_REGION = "us-east-1"
_START_S = 60  # a moto server answers in about a second; a minute is surely broken
TCP_LISTEN = "0A"  # the state column of /proc/net/tcp for a listening socket
CODE_DIR = "code"  # the folder of the local workspace where the emulator unpacks versions' code
SERVER_MODULE = "generator.local.moto_extras"  # what the emulator runs, and how `down` recognises it


@dataclass(frozen=True)
class Emulator:
    pid: int
    endpoint: str

    @property
    def port(self) -> int:
        match = ENDPOINT.fullmatch(self.endpoint)
        assert match is not None, self.endpoint  # read_record accepts no other endpoint
        return int(match.group(1))


def require_local_extra() -> None:
    """``ToolMissing`` unless moto and boto3 (bluegreen's ``local`` extra) are importable."""
    missing = [name for name in ("moto", "boto3") if not _importable(name)]
    if missing:
        raise ToolMissing(tools.local_extra_missing(missing))


def server_command(port: int) -> list[str]:
    """The command that starts the emulator's server on loopback ``port``: moto with the answers
    it lacks (``moto_extras``)."""
    return [sys.executable, "-m", SERVER_MODULE, "-H", LOOPBACK, "-p", str(port)]


def start_emulator(workspace: Workspace) -> Emulator:
    """The running emulator recorded in the workspace, or a new moto server on a free port."""
    running = read_record(workspace)
    if running and is_serving(running):
        return running
    # A new server knows nothing: Terraform state and traffic pins left from an earlier one (say,
    # before a reboot) describe resources and versions that are gone.
    shutil.rmtree(workspace.local_dir, ignore_errors=True)
    workspace.state_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = workspace.state_dir / "moto.log"
    # Versions' code unpacks inside the local workspace, which `down` removes (runtime.archive).
    env = {**os.environ, CODE_DIR_VARIABLE: str(workspace.local_dir / CODE_DIR)}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(server_command(port), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, start_new_session=True)  # survives this command; `down` stops it
    emulator = Emulator(process.pid, f"http://{LOOPBACK}:{port}")
    _wait_until_answering(emulator, process, log_path)
    _write_record(workspace, emulator)
    return emulator


def stop_emulator(workspace: Workspace) -> bool:
    """Stop the recorded emulator and drop the local workspace; False when none was running."""
    recorded = read_record(workspace)
    running = recorded is not None and is_serving(recorded)
    if recorded is not None and running:
        try:
            # `up` started it as the leader of its own process group: stop its children too.
            if os.getpgid(recorded.pid) == recorded.pid:
                os.killpg(recorded.pid, signal.SIGTERM)
            else:
                os.kill(recorded.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            running = False
    workspace.emulator_record.unlink(missing_ok=True)
    shutil.rmtree(workspace.local_dir, ignore_errors=True)
    return running


def running_emulator(workspace: Workspace) -> Emulator:
    """The recorded emulator, serving; ``InvalidInput`` saying how to start one otherwise."""
    recorded = read_record(workspace)
    if recorded is None or not is_serving(recorded):
        raise InvalidInput(Problem(Argument("--local"),
                                   msg.emulator_must_be_running(os.path.relpath(workspace.emulator_record))))
    return recorded


def read_record(workspace: Workspace) -> Emulator | None:
    """The recorded emulator; None without a record; ``InvalidInput`` for a damaged one.

    bluegreen writes the record atomically, so a damaged one was edited by hand: guessing what it
    meant could orphan a server or stop the wrong process, so the user is asked to look.
    """
    path = workspace.emulator_record
    if not path.exists():
        return None
    where = os.path.relpath(path)
    data = read_json(path, InFile(where), not_json=msg.record_must_be_readable, too_deep=msg.RECORD_MUST_NOT_NEST)
    if not isinstance(data, dict):
        raise InvalidInput(Problem(InFile(where), msg.record_must_be_an_object(data)))
    pid, endpoint = data.get("pid"), data.get("endpoint")
    if type(pid) is not int or pid < 1:
        raise InvalidInput(Problem(InFile(where, "pid"), msg.pid_must_be_a_process_id(pid)))
    match = ENDPOINT.fullmatch(endpoint) if isinstance(endpoint, str) else None
    if not match or not 0 < int(match.group(1)) < 65536:
        raise InvalidInput(Problem(InFile(where, "endpoint"), msg.endpoint_must_be_loopback(LOOPBACK, endpoint)))
    return Emulator(pid, match.group(0))


def is_serving(emulator: Emulator) -> bool:
    """True when ``emulator.pid`` is a moto server listening on the endpoint's port, answering."""
    return _is_moto(emulator.pid) and _holds_listener(emulator.pid, emulator.port) and _answers(emulator.endpoint)


def emulator_variables(emulator: Emulator, workspace: Workspace, region: str = DEFAULT_REGION) -> dict[str, str]:
    """What points Terraform and the AWS CLI at the emulator (and its provider mirror, if any)."""
    variables = {"AWS_ENDPOINT_URL": emulator.endpoint, "AWS_ACCESS_KEY_ID": "test",
                 "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    # The emulator needs only hashicorp/aws: install it from the local mirror when there is one,
    # whatever CLI configuration the user has for real work.
    config = mirror_config(workspace.state_dir)
    if config is not None:
        variables["TF_CLI_CONFIG_FILE"] = str(config)
    return variables


def deployed_region(workspace: Workspace) -> str:
    """The region of the stacks in the local output, when they agree on one; else us-east-1.

    moto keeps resources per region: the AWS CLI sees a stack's functions only in its region.
    """
    regions: set[str] = set()
    for config in workspace.layout.configs():
        try:
            providers = json.loads(config.read_text()).get("provider", {}).get("aws", [])
            regions.update(p["region"] for p in providers if isinstance(p.get("region"), str))
        except (OSError, ValueError, AttributeError, TypeError):
            continue  # an unreadable folder is no reason to refuse the environment
    return regions.pop() if len(regions) == 1 else DEFAULT_REGION


# A profile or session token would override the emulator's test credentials.
CLEARED_VARIABLES = ("AWS_PROFILE", "AWS_SESSION_TOKEN")
# Every variable emulator_variables may set: env --local --unset puts each back (local.shell).
EXPORTED_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
                      "AWS_DEFAULT_REGION", "TF_CLI_CONFIG_FILE")


def terraform_environment(emulator: Emulator, workspace: Workspace) -> dict[str, str]:
    """Terraform's environment against the emulator, for ``up`` (see ``terraform.runner``)."""
    terraform_binary()
    # moto answers 500 for what it does not implement: fail fast, do not retry for minutes.
    env = automation_environment({**emulator_variables(emulator, workspace), "AWS_MAX_ATTEMPTS": "2"})
    for name in CLEARED_VARIABLES:
        env.pop(name, None)
    return env


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken install, or sys.modules[name] set to None
        return False


def _write_record(workspace: Workspace, emulator: Emulator) -> None:
    # Atomic: a crash never leaves a half-written record, so a damaged one is always a hand edit.
    fd, temporary = tempfile.mkstemp(prefix=".emulator-", dir=workspace.state_dir)
    with os.fdopen(fd, "w") as stream:
        json.dump({"pid": emulator.pid, "endpoint": emulator.endpoint}, stream)
    os.replace(temporary, workspace.emulator_record)


def _is_moto(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return SERVER_MODULE.encode() in command


def _holds_listener(pid: int, port: int) -> bool:
    """True when one of ``pid``'s open files is the socket listening on loopback ``port``."""
    listening = _listening_inodes(port)
    if not listening:
        return False
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for descriptor in descriptors:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{descriptor}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:[") and target[len("socket:["):-1] in listening:
            return True
    return False


def _listening_inodes(port: int) -> set[str]:
    """Inodes of the TCP sockets listening on ``port`` at a loopback or wildcard address."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue  # no IPv6 on this host
        for row in rows:
            fields = row.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] == TCP_LISTEN and int(hex_port, 16) == port and _reaches_loopback(address):
                inodes.add(fields[9])
    return inodes


def _reaches_loopback(hex_address: str) -> bool:
    # /proc prints an address as 32-bit words, each in the host's byte order.
    raw = bytes.fromhex(hex_address)
    words = [raw[i:i + 4] for i in range(0, len(raw), 4)]
    address = ipaddress.ip_address(b"".join(w[::-1] if sys.byteorder == "little" else w for w in words))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)
        return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _wait_until_answering(emulator: Emulator, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + _START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ExternalToolFailed(tools.emulator_exited_at_start(process.returncode, os.path.relpath(log)))
        if _answers(emulator.endpoint):
            return
        time.sleep(0.2)
    process.terminate()  # never leave behind a server nobody recorded
    raise ExternalToolFailed(tools.emulator_did_not_answer(emulator.endpoint, _START_S, os.path.relpath(log)))
