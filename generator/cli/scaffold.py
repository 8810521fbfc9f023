"""``bluegreen init NAME``: a new stack file and handler from the templates, ready to synthesize.

The example ``stacks/hello.py`` is this scaffold's output for ``hello`` (a test keeps them equal),
so a new service starts exactly where the README's walk-through starts. It also makes Git ignore
the project's ``.bluegreen/`` (the emulator's state, logs and a CLI configuration with absolute
paths: none of it belongs in a commit), adding one line to ``.gitignore`` and never changing the
user's own.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.json_file import write_atomically
from ..core.messages import cli as msg
from ..core.templating import render
from ..output.workspace import STATE_DIR, project_root

GITIGNORE = ".gitignore"

# Both a stack name (no "_") and a deployment name (no "-"): letters and digits only. At most 29
# characters: the IAM role <name>-<name>-exec may have 64 (aws_limits.IAM_ROLE_NAME_MAX).
SCAFFOLD_NAME = re.compile(r"[a-z][a-z0-9]{0,28}")


def scaffold_files(name: str, folder: Path) -> dict[Path, str]:
    if not SCAFFOLD_NAME.fullmatch(name):
        raise InvalidInput(Problem(Argument("NAME"), msg.must_be_a_scaffold_name(name)))
    stack_path = folder / f"{name}.py"
    return {
        stack_path: render("stack.py.j2", name=name, stack_path=stack_path.as_posix()),
        folder / f"{name}_src" / "app.py": render("handler.py.j2", name=name),
    }


def write_scaffold(name: str, folder: Path) -> list[Path]:
    """Write the scaffold; refuse (``InvalidInput``) before writing anything if a file exists."""
    files = scaffold_files(name, folder)
    existing = [path for path in files if path.exists() or path.parent.is_file()]
    if existing:
        raise InvalidInput([Problem(Argument("NAME"), msg.scaffold_must_not_overwrite(path.as_posix()))
                            for path in existing])
    written = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def ignore_state_folder(stack_folder: Path) -> Path | None:
    """Add ``/.bluegreen/`` to the ``.gitignore`` of the project ``stack_folder`` belongs to (the
    folder ``.bluegreen/`` is made in, see ``output.workspace``); the file, or None when it
    already names the folder, ignored or not (``!.bluegreen/`` is the user's choice too)."""
    path = project_root(stack_folder) / GITIGNORE
    if path.exists() and not path.is_file():
        return None  # not a file we could extend: the user's to sort out
    text = path.read_text() if path.exists() else ""
    if any(_names_state_folder(line) for line in text.splitlines()):
        return None
    separator = "\n" if text and not text.endswith("\n") else ""
    write_atomically(path, f"{text}{separator}# bluegreen's local state: the emulator, its logs and settings\n"
                           f"/{STATE_DIR}/\n")
    return path


def _names_state_folder(line: str) -> bool:
    pattern = line.strip()
    if not pattern or pattern.startswith("#"):
        return False
    return pattern.lstrip("!").strip("/").removesuffix("/**").removesuffix("/*").strip("/") == STATE_DIR
