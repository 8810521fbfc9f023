"""Messages of the command line's own arguments (``cli.scaffold``: ``bluegreen init NAME``)."""

from __future__ import annotations

from ..values import LARGEST_VERSION, shortened


def must_be_a_scaffold_name(got: str) -> str:
    return f"must be 1-29 lower-case letters and digits, starting with a letter, got: {got!r}"


def scaffold_must_not_overwrite(path: str) -> str:
    return f"would overwrite {path}, which exists"


CHECK_CANNOT_BE_COMBINED_WITH_LOCAL = ("cannot be combined with --local (the emulator's output is rewritten by "
                                       "every up --local and never committed), got: --check --local")


def version_must_be_a_number(version: str) -> str:
    return f"must be a published version number such as 3, got: {version!r}"


def keep_must_be_a_whole_number(got: str) -> str:
    """``bluegreen prune --keep N``: how many of the newest versions to keep besides the protected ones."""
    return f"must be a whole number from 0 (how many of the newest versions to keep), got: {got!r}"


def version_must_be_at_most_the_largest(version: str) -> str:
    """A version number of more digits than a Lambda version has (see ``core.values.LARGEST_VERSION``)."""
    return f"must be at most {LARGEST_VERSION} (a Lambda version number), got: {shortened(version)}"


def keep_must_be_at_most_the_largest(got: str) -> str:
    return f"must be at most {LARGEST_VERSION} (how many of the newest versions to keep), got: {shortened(got)}"


def files_differ(count: int, command: str) -> str:
    """``synth --check`` found stale files; ``command`` is the synth that refreshes them, runnable as it is."""
    return f"{count} file(s) differ from a fresh synth: run {command}"


MODULE_CANNOT_BE_COMBINED_WITH_LOCAL = ("cannot be combined with --local (the emulator deploys root stacks: "
                                        "bluegreen up --local), got: --module --local")
