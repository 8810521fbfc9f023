"""Messages of the output folder: ``--out``, its manifest and the swap journal (``output``)."""

from __future__ import annotations

JOURNAL_FORMAT_MUST_BE_KNOWN = "unknown format, state or path"


def out_must_be_a_folder(path: str) -> str:
    return f"must be a folder, got the file: {path!r}"


def out_must_be_a_folder_path(file: str, out: str) -> str:
    """``file``: a parent of ``out`` that is a file, not a folder."""
    return f"must be a folder path, but {file!r} is a file, got: {out!r}"


def out_must_not_be_in_source(deployment: str, out: str) -> str:
    """``deployment``: ``stack/deployment``, whose source folder holds ``out``."""
    return (f"must not be inside the source folder of {deployment} (the output would be zipped into the "
            f"function), got: {out!r}")


def out_must_be_ours(manifest: str, out: str) -> str:
    return f"must be a new folder or one that bluegreen synthesized (holding bluegreen's {manifest}), got: {out!r}"


def kept_retired_stack(stack: str) -> str:
    """A note, not a problem: a stack folder the stack file no longer defines is left in place."""
    return f"kept {stack}/ (no longer in the stack file; its Terraform files are left as they were)"


def out_cannot_be_combined_with_local(local_out: str, got: str) -> str:
    """``local_out``: the emulator's output folder, which ``--local`` uses instead."""
    return f"cannot be combined with --local (the emulator's output folder is {local_out}), got: {got!r}"


def stack_must_come_from_one_stack_file(manifest: str, other: str, stack_file: str) -> str:
    """``other``: the stack file ``manifest`` records for the stack; ``stack_file``: the one synthesizing."""
    return (f"must be defined in one stack file per output folder ({manifest} has it from {other}), "
            f"got: {stack_file}")


def parked_entries_must_be_put_back(journal: str, parked: list[str]) -> str:
    return ("must be empty after an interrupted synth was undone, but an entry could not be put back (its "
            f"place is taken): move it back by hand as {journal} says, got: {parked}")


def must_be_a_swap_journal(error: Exception) -> str:
    return ("must be the journal of an interrupted synth, as bluegreen wrote it (restore the entries parked "
            f"next to it by hand), got: {error}")


def journal_folders_must_be_inside(folder: str) -> str:
    """A folder the journal says the swap created must be under ``folder`` (``stacks``)."""
    return f"a created folder outside {folder}/"


def module_must_not_have_stack_tags(tags: dict[str, str]) -> str:
    """``synth --module`` of a stack with tags: they are the provider's ``default_tags``."""
    return ("must be empty with --module: stack tags are the AWS provider's default_tags, and a child module "
            "has no provider configuration (set default_tags in the calling root module's provider, or tags "
            f"on each function), got: {tags!r}")


# --- rollout, guard and status from a caller's root module (--module-dir, --module) ---

MODULE_NEEDS_MODULE_DIR = ("needs --module-dir, the caller's root module folder whose state holds the module, "
                           "got: --module without --module-dir")


def module_dir_cannot_be_combined_with_local(got: str) -> str:
    return f"cannot be combined with --local (the emulator applies root stacks, not a caller's module), got: {got!r}"


def module_dir_must_be_a_folder(got: str) -> str:
    return f"must be the caller's root module folder (where it runs terraform apply), got: {got!r}, not a folder"


def module_must_name_a_module_block(got: str) -> str:
    """``--module [STACK=]NAME``: NAME is the ``module "NAME"`` block of the caller's root module."""
    return ("must be NAME or STACK=NAME, NAME the caller's module block (module \"NAME\": a letter or _, "
            f"then letters, digits, _ or -), got: {got!r}")


def module_must_name_a_stack(known: list[str], got: str) -> str:
    return f"must name a stack of the stack file as STACK=NAME ({', '.join(known)}), got: {got!r}"


def module_must_say_which_stack(known: list[str], got: str) -> str:
    """A bare NAME with several stacks in the file: which stack's module it is must be said."""
    return f"must be STACK=NAME when the stack file has several stacks ({', '.join(known)}), got: {got!r}"


def module_given_twice(stack: str, got: str) -> str:
    return f"names the module of stack {stack!r} a second time, got: {got!r}"
