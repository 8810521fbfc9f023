"""The one error type that carries bad input to the CLI, and the problems it holds.

Validation collects every problem first and raises once (``InvalidInput``), so a user fixes a
stack file in one pass. The CLI maps ``InvalidInput`` to exit status 2 with no traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where (a dotted field path) and what (the rule broken)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


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
