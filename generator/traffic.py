"""The committed traffic file: each deployment's blue and green versions and green weight, as reviewed data.

One file per stack, next to the stack file: ``<stack>.traffic.json``. Formatting is fixed (two
spaces, one line per value, deployments in stack order) so a change of weight is a one-line Git
diff, and naming a new green version or promoting it two lines. Writes are atomic (a temporary
file, then a rename): a crash never leaves a half-written file; ``traffic_lock`` serialises
read-modify-write cycles, so two commands at once never lose an update. Synthesis copies the
values into the stack folder as ``traffic.auto.tfvars.json``, which ``terraform plan/apply``
read with no extra flags.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import naming
from .errors import InvalidInput, Problem
from .model import Deployment, Stack

TFVARS_NAME = "traffic.auto.tfvars.json"
VERSION = re.compile(r"[1-9][0-9]*")
# ASCII digits only, a fraction or a percentage: no exponents, signs, "_" or other scripts' digits.
WEIGHT = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)%?")


@dataclass(frozen=True)
class Traffic:
    """One deployment's traffic, as the traffic file and the Terraform variables hold it.

    ``blue_version`` None means unpinned (blue is then the first version the state published);
    ``green_version`` is the version that gets ``green_weight`` and is None while the weight is 0.
    """

    blue_version: str | None = None
    green_version: str | None = None
    green_weight: float = 0

    def describe(self) -> str:
        """``blue v3, green v4, green weight 0.25`` (no green named while there is none)."""
        blue = f"blue v{self.blue_version}" if self.blue_version else "blue unpinned"
        green = f", green v{self.green_version}" if self.green_version else ""
        return f"{blue}{green}, green weight {format_weight(self.green_weight)}"

    @property
    def phase(self) -> str:
        if self.blue_version is None:
            return "unpinned"
        if self.green_weight == 0:
            return "stable"
        return "green-primary" if self.green_weight == 1 else "canary"


def traffic_path(stack_file_dir: Path, stack: Stack) -> Path:
    return stack_file_dir / f"{stack.name}.traffic.json"


def read_traffic(path: Path, stack: Stack) -> dict[str, Traffic]:
    """Every deployment's traffic (defaults where the file or an entry is absent); validated."""
    traffic = {d.name: Traffic() for d in stack.deployments}
    where = str(path)
    if path.is_symlink() and not path.exists():
        raise InvalidInput(Problem(where, f"is a link to {os.readlink(path)!r}, which does not exist"))
    if not path.exists():
        return traffic
    if not path.is_file():
        raise InvalidInput(Problem(where, "must be a file (the committed traffic file), got: a folder or other"))
    try:
        data = json.loads(path.read_text(), object_pairs_hook=_refuse_duplicates)
    except RecursionError:
        raise InvalidInput(Problem(where, "is nested too deeply to be a traffic file: fix or restore it "
                                   "from Git")) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InvalidInput(Problem(where, f"is not valid JSON ({error}): fix or restore it from Git")) from None
    if not isinstance(data, dict):
        raise InvalidInput(Problem(where, f"must be a JSON object of deployments, got: {_short(data)}"))
    problems = []
    for name, entry in data.items():
        if name not in traffic:
            problems.append(Problem(f"{where}: {name}", "is not a deployment of stack "
                                    f"{stack.name!r} (known: {', '.join(traffic)})"))
            continue
        try:
            traffic[name] = _entry(entry)
        except ValueError as error:
            problems.append(Problem(f"{where}: {name}", str(error)))
    if problems:
        raise InvalidInput(problems)
    return traffic


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    # json keeps the last of two equal keys; a write would then silently drop the first.
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"{', '.join(duplicates)} appears more than once")
    return dict(pairs)


ENTRY_SHAPE = '{"blue_version": "N" or null, "green_version": "N" or null, "green_weight": 0..1}'


def _entry(entry: Any) -> Traffic:
    if not isinstance(entry, dict) or set(entry) - {"blue_version", "green_version", "green_weight"}:
        raise ValueError(f"must be {ENTRY_SHAPE}, got: {_short(entry)}")
    blue, green = entry.get("blue_version"), entry.get("green_version")
    for key, version in (("blue_version", blue), ("green_version", green)):
        if version is not None and not (isinstance(version, str) and VERSION.fullmatch(version)):
            raise ValueError(f"{key} must be null or a version number such as \"3\", got: {_short(version)}")
    weight = entry.get("green_weight", 0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        raise ValueError(f"green_weight must be a number from 0 to 1, got: {_short(weight)}")
    if not is_exact_weight(weight):
        raise ValueError(f"green_weight {WEIGHT_STEP_RULE}, got: {_short(weight)}")
    if weight > 0 and green is None and "green_version" not in entry:
        # Written by a bluegreen from before green was pinned, in which green was "the newest
        # version". Readable, so rollback and shift can rewrite it; synth refuses it (tfvars).
        return Traffic(blue, None, weight + 0)
    if weight > 0 and (blue is None or green is None or green == blue):
        raise ValueError(f"green_weight {format_weight(weight)} needs a pinned blue_version and a different "
                         f"green_version (bluegreen shift sets them), got: {_short(entry)}")
    return Traffic(blue, green, weight + 0)  # + 0 turns -0.0 into 0.0


def render_traffic(stack: Stack, traffic: dict[str, Traffic]) -> str:
    """The file's text: deployments in stack order, one value a line, a final newline."""
    lines = []
    for deployment in stack.deployments:
        entry = traffic[deployment.name]
        lines.append(f'  "{deployment.name}": {{\n'
                     f'    "blue_version": {json.dumps(entry.blue_version)},\n'
                     f'    "green_version": {json.dumps(entry.green_version)},\n'
                     f'    "green_weight": {format_weight(entry.green_weight)}\n'
                     "  }")
    return "{\n" + ",\n".join(lines) + "\n}\n"


@contextmanager
def traffic_lock(path: Path):
    """Hold the traffic file's folder exclusively: one read-modify-write at a time.

    The lock is on the folder, not on the file: a write replaces the file (a new inode), so a
    lock on the old file would let the next writer in early. Nothing is left behind on disk.
    """
    folder = (path.resolve() if path.is_symlink() else path).parent
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_traffic(path: Path, stack: Stack, traffic: dict[str, Traffic]) -> None:
    """Replace ``path`` atomically: readers see the old file or the new one, never a mix.

    A symlinked traffic file is written through: the link stays, its target is replaced.
    """
    text = render_traffic(stack, traffic)
    path = path.resolve() if path.is_symlink() else path
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def tfvars(stack: Stack, traffic: dict[str, Traffic]) -> str:
    """``traffic.auto.tfvars.json`` for the stack folder: the same values as Terraform variables."""
    values: dict[str, Any] = {}
    for deployment in stack.deployments:
        entry = traffic[deployment.name]
        if entry.green_weight > 0 and entry.green_version is None:
            raise InvalidInput(Problem(f"{stack.name}.traffic.json: {deployment.name}", "has a green weight but "
                                       "no green_version (the format of an earlier bluegreen, where green was "
                                       "the newest version): run bluegreen shift (it names the newest applied "
                                       "version) or rollback to rewrite it, got: green_weight "
                                       f"{format_weight(entry.green_weight)}"))
        values[naming.blue_version_variable(deployment)] = entry.blue_version
        values[naming.green_version_variable(deployment)] = entry.green_version
        values[naming.green_weight_variable(deployment)] = entry.green_weight
    body = ",\n".join(f"  {json.dumps(k)}: {format_weight(v) if isinstance(v, (int, float)) else json.dumps(v)}"
                      for k, v in sorted(values.items()))
    return "{\n" + body + "\n}\n"


# Weights move in steps of 0.0001 (0.01%): every allowed weight is written, shown as a
# percentage and stored as a float exactly, so no weight silently becomes another one
# (0.99999999999999999999 would be 1.0 as a float, and 0.00001 would show as 0%).
WEIGHT_DECIMALS = 4
WEIGHT_STEP_RULE = "must be a multiple of 0.0001 (0.01%)"


def parse_weight(text: str) -> float:
    """``0.25`` or ``25%`` -> 0.25; ``ValueError`` naming the rule for anything else."""
    raw = text.strip()
    if raw.startswith("-") and WEIGHT.fullmatch(raw[1:]):
        raise ValueError(f"must be from 0 to 1 (0% to 100%), got: {text!r}")
    if raw.lower() in ("nan", "inf", "infinity") or raw.lower().rstrip("%") in ("nan", "inf"):
        raise ValueError(f"must be from 0 to 1 (0% to 100%), got: {text!r}")
    if not WEIGHT.fullmatch(raw):
        raise ValueError(f"must be a number from 0 to 1 (0.25) or a percentage (25%), got: {text!r}")
    value = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
    if not 0 <= value <= 1:
        raise ValueError(f"must be from 0 to 1 (0% to 100%), got: {text!r}")
    if value != value.quantize(Decimal(1).scaleb(-WEIGHT_DECIMALS)):
        raise ValueError(f"{WEIGHT_STEP_RULE}, such as 0.0125 or 1.25%, got: {text!r}")
    return float(value)


def is_exact_weight(weight: float) -> bool:
    """True when ``weight`` is on the 0.0001 grid (as the traffic file and Terraform hold it)."""
    value = Decimal(repr(float(weight)))
    return value == value.quantize(Decimal(1).scaleb(-WEIGHT_DECIMALS))


def format_weight(weight: float) -> str:
    """A weight as the shortest exact JSON number: 0, 1, 0.25 (never 0.25000000000000006)."""
    text = repr(float(weight) + 0)  # + 0: never "-0"
    if "e" in text:  # positional, as the file and parse_weight expect: 1e-05 -> 0.00001
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def find_deployment(stack: Stack, name: str) -> Deployment:
    for deployment in stack.deployments:
        if deployment.name == name:
            return deployment
    known = ", ".join(d.name for d in stack.deployments)
    raise InvalidInput(Problem("DEPLOYMENT", f"must be a deployment of stack {stack.name!r} ({known}), got: {name!r}"))


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
