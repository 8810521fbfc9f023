"""Messages of a function's source folder and its code archive (``model.archive_source``, ``model.archive``).

The folder is shown as the stack file names it (``'src/lib/util.py'``), never as a build
machine's absolute path, when the caller knows that name.
"""

from __future__ import annotations

from ..values import show


def must_hold_only_readable_entries(kind: str, path: str, reason: str | None = None) -> str:
    """``kind``: ``file`` or ``folder``; ``reason``: why reading failed, None when permission was denied."""
    if reason is None:
        return f"must hold only files and folders that can be read, got the unreadable {kind}: {show(path)}"
    return f"must hold only files and folders that can be read, got the {kind} {show(path)} ({reason})"


def names_must_be_utf8(name: bytes) -> str:
    return f"must hold only file and folder names that are valid UTF-8, got: {show(name)}"


def must_not_link_outside_the_folder(link: str, target: str) -> str:
    return ("must not hold a symlink that leads outside the folder (its target would be zipped into the "
            f"function), got: {show(link)} -> {show(target)}")


def must_not_link_to_a_containing_folder(link: str, target: str) -> str:
    return f"must not hold a symlink to a folder that contains it (a cycle), got: {show(link)} -> {show(target)}"


def must_not_hold_a_broken_symlink(link: str, target: str) -> str:
    return ("must not hold a broken symlink (its target does not exist or leads in a loop), "
            f"got: {show(link)} -> {show(target)}")


def must_fit_lambdas_unzipped_limit(limit: int, total: int, folder: str) -> str:
    return (f"must hold at most {limit} bytes of files (Lambda's 250 MB unzipped limit for a .zip deployment "
            f"package), got: {total} bytes in {show(folder)}")


def must_fit_lambdas_zipped_limit(limit: int, size: int, folder: str) -> str:
    return (f"must zip to at most {limit} bytes (Lambda's 50 MB limit for a direct upload); uploading the code "
            "through S3 is not supported yet, so make the code smaller (leave out unused dependencies, test "
            f"data, docs), got: {size} bytes zipped from {show(folder)}")


def not_a_readable_zip(error: Exception) -> str:
    return f"not a readable zip archive: {error}"
