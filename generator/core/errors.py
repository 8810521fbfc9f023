"""The errors that reach the CLI, and where a problem is: one kind of location per meaning.

Validation collects every problem first and raises once (``InvalidInput``), so a user fixes a
stack file in one pass. Each problem names where it is with one of four kinds of location:

- ``Field``: a field of the model, as a path from the stack file's ``STACKS`` list
  (``stacks[0].deployments[1].function.timeout_s``);
- ``Argument``: a command-line argument, as ``--help`` names it (``--out``, ``WEIGHT``);
- ``InFile``: a file bluegreen reads, and optionally a key in it (``shop.traffic.json: orders``);
- ``OfDeployment``: a deployment of a stack (``shop/orders``), for problems of its live state.

The texts of the messages are in ``core.messages``. The CLI maps ``InvalidInput`` and
``ToolMissing`` to exit status 2 and ``ExternalToolFailed`` to 3, with no traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is; each kind renders as the user wrote or sees it."""

    def __str__(self) -> str:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


@dataclass(frozen=True, order=True)
class Field(Location):
    path: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True, order=True)
class Argument(Location):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, order=True)
class InFile(Location):
    file: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.key}" if self.key else self.file


@dataclass(frozen=True, order=True)
class OfDeployment(Location):
    stack: str
    deployment: str

    def __str__(self) -> str:
        return f"{self.stack}/{self.deployment}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (a ``Location``) and what (the rule broken)."""

    where: Location | str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


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
