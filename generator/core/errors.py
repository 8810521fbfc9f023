"""The errors that reach the CLI, and where a problem is: one kind of location per meaning.

Validation collects every problem first and raises once (``InvalidInput``), so a user fixes a
stack file in one pass. Each problem names where it is with one of four kinds of location:

- ``Field``: a field of the model, as a path from ``STACKS`` or a stack's name
  (``STACKS[1]``, ``shop.orders.function.timeout_s``);
- ``Argument``: a command-line argument, as ``--help`` names it (``--out``, ``WEIGHT``);
- ``InFile``: a file bluegreen reads, and optionally a key in it (``shop.traffic.json: orders``);
- ``OfDeployment``: a deployment of a stack (``shop/orders``), for problems of its live state.

The texts of the messages are in ``core.messages``. The CLI maps ``InvalidInput`` and
``ToolMissing`` to exit status 2 and ``ExternalToolFailed`` to 3, with no traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering


@total_ordering
@dataclass(frozen=True)
class Location:
    """Where a problem is; each kind renders as the user wrote or sees it.

    Locations sort by that text, never by their fields: one list may mix kinds (a ``Field`` and
    an ``InFile``), which dataclass ordering would refuse to compare.
    """

    def __str__(self) -> str:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other) if isinstance(other, Location) else NotImplemented


@dataclass(frozen=True)
class Field(Location):
    """A field of the model, as a path: ``shop.orders.function.timeout_s``, ``STACKS[1]``."""

    path: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True)
class Argument(Location):
    """A command-line argument as ``--help`` names it: ``--out``, ``WEIGHT``, ``STACK_FILE``."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class InFile(Location):
    """A file (or folder) bluegreen reads, and a key in it: ``shop.traffic.json: orders``."""

    file: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.key}" if self.key else self.file


@dataclass(frozen=True)
class OfDeployment(Location):
    """A deployment of a stack, for problems of its traffic or applied state: ``shop/orders``."""

    stack: str
    deployment: str

    def __str__(self) -> str:
        return f"{self.stack}/{self.deployment}"


@total_ordering
@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (a ``Location``) and what (the rule broken).

    Problems sort by the line a user reads (``str``), whatever kinds of location they mix.
    """

    where: Location
    message: str

    def __post_init__(self) -> None:
        # A bare string would be a fifth kind of location, and no reader could tell which it meant.
        if not isinstance(self.where, Location):
            raise TypeError(f"Problem.where must be a Location (Field, Argument, InFile or OfDeployment), "
                            f"got: {self.where!r}")

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    @property
    def path(self) -> str:
        """The location as text: what ``Problem.path`` held before locations had kinds."""
        return str(self.where)

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other) if isinstance(other, Problem) else NotImplemented


class InvalidInput(Exception):
    """Bad input from the user: a stack file, an argument, a traffic file. Exit status 2."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems found:\n" + "\n".join(f"  {line}" for line in lines)


class ToolMissing(Exception):
    """A program we need at run time (Node.js for cdktf's jsii, Terraform) is not installed."""


class ExternalToolFailed(Exception):
    """A program we ran (Terraform, the moto emulator) failed or did not answer. Exit status 3.

    Kept apart from ``InvalidInput``: the user's input may be fine, and a script should be able
    to tell "fix your input" from "a tool broke" (retry, read its log).
    """
