"""``bluegreen prune``: delete a function's old published versions, never one that is in use.

Terraform publishes a version on every change and never deletes one
(docs/aws-rules.md#r17-versions-accumulate), and every version's code counts against Lambda's
regional code storage quota (docs/aws-rules.md#r46-version-retention). prune deletes, oldest
first, the published versions that are not among the N newest (``--keep N``) and that nothing
protects. Protected, each with the reason the report shows:

- blue and green as applied: what the alias resource in the stack folder's Terraform state
  serves (``applied``) and the traffic variables its last apply recorded;
- blue and green as committed in the traffic file: a pending shift may name a version that no
  apply has served yet;
- the version ``terraform_data.<name>_first_version`` remembers: blue while blue is unpinned;
- the newest version (Lambda's, and the one the state last saw);
- every version an alias of the function points at or routes weight to (AWS refuses to delete
  those anyway);
- every version with provisioned concurrency configured.

``$LATEST`` and anything else that is not a version number is never a candidate.

Three parts: ``read_pins`` reads the state and the traffic file (no AWS); ``LambdaVersions``
lists and deletes through boto3; ``decide`` is pure: which versions go, and why each other stays.
Nothing is deleted without the applied state: without it, blue and green are unknown.

``prune`` holds the traffic file's lock (``model.traffic_file.traffic_lock``) from reading the
pins to its last deletion: a ``shift --version N`` that came in between would otherwise commit a
version that prune then deletes. A shift waits for the prune, and then sees what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..core.errors import ExternalToolFailed, InvalidInput, Problem
from ..core.messages import releasing as msg
from ..model import naming
from ..model.traffic import is_version
from ..model.traffic_file import read_traffic, traffic_lock
from .applied import applied
from .aws import Access, LambdaCallFailed, lambda_answer
from .operations import Target

DEFAULT_KEEP = 5  # a few rollbacks' worth; the protected versions are kept on top of these


@dataclass(frozen=True)
class Version:
    """A published version and the size of its deployment package (Lambda's ``CodeSize``)."""

    number: str
    code_size: int


@dataclass(frozen=True)
class Alias:
    name: str
    versions: tuple[str, ...]  # its primary version and each version its routing gives weight to


@dataclass(frozen=True)
class LiveFunction:
    """What Lambda says about one function."""

    name: str
    versions: tuple[Version, ...]
    aliases: tuple[Alias, ...] = ()
    provisioned: frozenset[str] = frozenset()  # versions with provisioned concurrency configured


@dataclass(frozen=True)
class Pins:
    """The versions the stack's Terraform state and traffic file name."""

    blue: frozenset[str] = frozenset()   # applied: served as blue, or blue in the applied variables
    green: frozenset[str] = frozenset()  # applied: served as green, or green in the applied variables
    committed_blue: str | None = None    # the traffic file's
    committed_green: str | None = None
    first: str | None = None             # terraform_data.<name>_first_version
    newest: str | None = None            # the function's version in state


@dataclass(frozen=True)
class Decision:
    function: str
    keep: int
    delete: tuple[Version, ...]                        # oldest first
    kept: tuple[tuple[Version, tuple[str, ...]], ...]  # oldest first, each with why it stays

    @property
    def freed(self) -> int:
        return sum(version.code_size for version in self.delete)


def decide(live: LiveFunction, pins: Pins, keep: int) -> Decision:
    """Which of ``live``'s versions to delete: every version not among the ``keep`` newest that
    nothing in ``pins``, no alias and no provisioned concurrency protects. Versions order by
    number (v10 is newer than v9), never as text."""
    if keep < 0:
        raise ValueError(f"keep must be 0 or more, got: {keep}")
    versions = sorted((v for v in live.versions if is_version(v.number)), key=lambda v: int(v.number))
    reasons: dict[str, list[str]] = {v.number: [] for v in versions}

    def mark(numbers: Iterable[str | None], reason: str) -> None:
        for number in numbers:
            if number in reasons and reason not in reasons[number]:
                reasons[number].append(reason)

    mark(pins.blue, msg.PRUNE_KEPT_BLUE)
    mark(pins.green, msg.PRUNE_KEPT_GREEN)
    mark([pins.committed_blue] if pins.committed_blue not in pins.blue else [],
         msg.PRUNE_KEPT_BLUE_IN_THE_TRAFFIC_FILE)
    mark([pins.committed_green] if pins.committed_green not in pins.green else [],
         msg.PRUNE_KEPT_GREEN_IN_THE_TRAFFIC_FILE)
    mark([pins.first], msg.PRUNE_KEPT_FIRST_VERSION)
    mark([versions[-1].number if versions else None, pins.newest], msg.PRUNE_KEPT_NEWEST)
    for alias in live.aliases:
        mark(alias.versions, msg.prune_kept_by_alias(alias.name))
    mark(live.provisioned, msg.PRUNE_KEPT_PROVISIONED_CONCURRENCY)
    if keep:
        mark([v.number for v in versions[-keep:]], msg.prune_kept_as_one_of_the_newest(keep))
    return Decision(live.name, keep, tuple(v for v in versions if not reasons[v.number]),
                    tuple((v, tuple(reasons[v.number])) for v in versions if reasons[v.number]))


def read_pins(target: Target) -> Pins:
    """What the stack folder's state applied and the traffic file commits, for ``target``.

    ``InvalidInput`` when the state holds nothing applied for the deployment: pruning without
    knowing blue and green would be guessing.
    """
    deployment = target.deployment
    state = target.read_state()
    live = applied(deployment, state)
    if live is None:
        raise InvalidInput(Problem(target.where, msg.prune_needs_applied_state(target.stack_dir)))
    committed = read_traffic(target.traffic_file, target.stack)[deployment.name]
    variables = state.outputs.get(naming.output_name(deployment, "applied_traffic"))
    variables = variables if isinstance(variables, dict) else {}
    first = (state.resources.get(naming.Addresses(deployment).first_version) or {}).get("output")
    first = first.get("value") if isinstance(first, dict) else first  # terraform_data's dynamic value
    return Pins(blue=_versions(live.serving_blue, live.traffic.blue_version, variables.get("blue_version")),
                green=_versions(live.traffic.green_version, variables.get("green_version")),
                committed_blue=committed.blue_version, committed_green=committed.green_version,
                first=first if isinstance(first, str) else None, newest=live.newest_version)


def _versions(*values: object) -> frozenset[str]:
    return frozenset(v for v in values if isinstance(v, str))


def lambda_client(region: str, function: str, endpoint: str | None = None,
                  credentials: tuple[str, str] | None = None):
    """A boto3 Lambda client in ``region`` for ``function`` (``aws.Access``)."""
    return Access(region, endpoint, credentials).client(
        "lambda", lambda error: msg.aws_call_failed("client set-up", function, error))


class LambdaVersions:
    """One function's versions, aliases and provisioned concurrency, read and deleted with boto3.

    Every failure is ``LambdaCallFailed`` (exit status 3) naming the operation and the function;
    missing credentials say how to give them.
    """

    def __init__(self, client, function: str):
        self.client, self.function = client, function

    def read(self) -> LiveFunction:
        versions = tuple(Version(v["Version"], int(v.get("CodeSize") or 0))
                         for v in self._pages("ListVersionsByFunction", "list_versions_by_function", "Versions"))
        aliases = tuple(_alias(a) for a in self._pages("ListAliases", "list_aliases", "Aliases"))
        return LiveFunction(self.function, versions, aliases, self._provisioned())

    def delete(self, version: str) -> None:
        """Delete one published version (``DeleteFunction`` with a ``Qualifier``); never ``$LATEST``."""
        # Without a Qualifier, DeleteFunction deletes the whole function (docs/aws-rules.md#r46-version-retention).
        if not is_version(version):
            raise ValueError(f"only a published version number can be deleted, got: {version!r}")
        self._call("DeleteFunction", lambda: self.client.delete_function(FunctionName=self.function,
                                                                         Qualifier=version))

    def _provisioned(self) -> frozenset[str]:
        """The version numbers with provisioned concurrency configured (an alias's config is on its alias name)."""
        configs = self._pages("ListProvisionedConcurrencyConfigs", "list_provisioned_concurrency_configs",
                              "ProvisionedConcurrencyConfigs")
        qualifiers = (str(c.get("FunctionArn", "")).rpartition(":")[2] for c in configs)
        return frozenset(q for q in qualifiers if is_version(q))

    def _pages(self, operation: str, method: str, key: str) -> list[dict]:
        # Every page: Lambda lists at most 50 versions per call (docs/aws-rules.md#r46-version-retention).
        paginator = self.client.get_paginator(method)
        return self._call(operation, lambda: [item for page in paginator.paginate(FunctionName=self.function)
                                              for item in page.get(key) or []])

    def _call(self, operation: str, call: Callable):
        return lambda_answer(operation, self.function, call)


def _alias(alias: dict) -> Alias:
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return Alias(str(alias.get("Name")), (str(alias.get("FunctionVersion")), *map(str, weights)))


# --- running it, and what it prints ----------------------------------------------------------------


@dataclass
class Outcome:
    deleted: list[Version] = field(default_factory=list)

    @property
    def freed(self) -> int:
        return sum(version.code_size for version in self.deleted)


def prune(target: Target, keep: int, versions: LambdaVersions, *, dry_run: bool,
          echo: Callable[[str], None]) -> Decision:
    """Decide, report what stays and why, and delete the rest oldest first (none with
    ``dry_run``), echoing each deletion as soon as it is done. Under the traffic lock throughout:
    what the traffic file commits cannot change between reading it and the last deletion."""
    with traffic_lock(target.traffic_file):
        return _prune_locked(target, keep, versions, dry_run=dry_run, echo=echo)


def _prune_locked(target: Target, keep: int, versions: LambdaVersions, *, dry_run: bool,
                  echo: Callable[[str], None]) -> Decision:
    pins = read_pins(target)  # before any AWS call: no state, no pruning
    decision = decide(versions.read(), pins, keep)
    verb = "would delete" if dry_run else "deleting"
    echo(f"{target.where}: Lambda function {decision.function}: {len(decision.kept) + len(decision.delete)} "
         f"published versions; keeping {len(decision.kept)}, {verb} {len(decision.delete)} (--keep {keep})")
    for version, reasons in decision.kept:
        echo(f"  kept v{version.number} ({format_size(version.code_size)}): {', '.join(reasons)}")
    if dry_run:
        for version in decision.delete:
            echo(f"  would delete v{version.number} ({format_size(version.code_size)})")
        echo(f"would free {format_size(decision.freed)}; nothing deleted (--dry-run)")
        return decision
    outcome = Outcome()
    for version in delete_in_turn(decision, versions, outcome):
        echo(f"  deleted v{version.number} ({format_size(version.code_size)})")
    echo(f"freed {format_size(outcome.freed)} ({len(outcome.deleted)} version{'s' * (len(outcome.deleted) != 1)})"
         if outcome.deleted else "nothing to delete")
    return decision


def delete_in_turn(decision: Decision, versions: LambdaVersions, outcome: Outcome) -> Iterator[Version]:
    """Delete ``decision.delete`` oldest first, yielding each once deleted. The first failure
    stops it, naming every version deleted before it and the bytes they freed."""
    for version in decision.delete:
        try:
            versions.delete(version.number)
        except LambdaCallFailed as error:
            raise ExternalToolFailed(msg.prune_stopped(decision.function, version.number, error.detail,
                                                       [v.number for v in outcome.deleted],
                                                       format_size(outcome.freed))) from None
        outcome.deleted.append(version)
        yield version


def format_size(size: int) -> str:
    """``1,234 bytes``, with KiB, MiB or GiB after it from 1 KiB: ``2,048 bytes (2.0 KiB)``."""
    exact = f"{size:,} byte{'s' * (size != 1)}"
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{exact} ({size / factor:.1f} {unit})"
    return exact
