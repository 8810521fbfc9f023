"""Read a JSON file that a user or a tool wrote, with every way it can fail as bad input.

The traffic file, Terraform's state and a plan's JSON are all read here, so each fails the same
three ways, each with its own message: the file is missing, it is not JSON (unreadable, not
UTF-8, not valid), or it nests too deeply to parse (``json`` spends one Python call per level;
no file bluegreen reads is more than a few dozen deep, so a deeper one is damaged or hostile).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InvalidInput, Location, Problem


def read_json(path: Path, where: Location, *, not_json: Callable[[Exception], str], too_deep: str,
              missing: str | None = None, **options: Any) -> Any:
    """``path``'s JSON (``options`` go to ``json.loads``); ``InvalidInput`` at ``where`` otherwise.

    ``missing`` None means a missing file is "not JSON" like any other unreadable one.
    """
    try:
        text = Path(path).read_text()
    except FileNotFoundError as error:
        raise InvalidInput(Problem(where, missing if missing is not None else not_json(error))) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(Problem(where, not_json(error))) from None
    return parse_json(text, where, not_json=not_json, too_deep=too_deep, **options)


def parse_json(text: str, where: Location, *, not_json: Callable[[Exception], str], too_deep: str,
               **options: Any) -> Any:
    """``text`` as JSON, read from ``where`` (a file, or what a tool printed); as ``read_json``."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise InvalidInput(Problem(where, too_deep)) from None
    except ValueError as error:
        raise InvalidInput(Problem(where, not_json(error))) from None


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically: readers see the old file or the new one, never a mix.

    A symlinked file is written through: the link stays, its target is replaced. The file keeps
    its permissions (0644 when new).
    """
    path = path.resolve() if path.is_symlink() else path
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
