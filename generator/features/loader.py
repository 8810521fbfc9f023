"""Load a stack file: run the user's Python and take its ``STACKS``, reporting failures as input errors.

A stack file is plain Python (see ``stacks/hello.py``). Importing it may fail in any way user
code can; each failure becomes an ``InvalidInput`` that names the file, so the CLI exits 2 with
a message instead of a traceback.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Argument, InvalidInput, Problem
from ..core.messages import model as msg
from ..model.stack import Stack
from .validation import validate_stacks


@dataclass(frozen=True)
class StackFile:
    """A loaded and validated stack file; ``base_dir`` resolves each function's ``source``.

    ``emulator``: synthesized for the local emulator (``up --local``), which accepts what only its
    immediate metrics make safe (``rollout.rules.refuse_for_aws``)."""

    path: Path
    stacks: tuple[Stack, ...]
    emulator: bool = False

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def load_stack_file(path: str | Path, *, read_sources: bool = True) -> StackFile:
    """Import ``path``, check that it defines ``STACKS``, validate them; raise ``InvalidInput``.

    ``read_sources=False``: for a command that never builds the code (``shift``, ``status``...),
    the functions' source folders are neither read nor checked: it validates what it uses."""
    path = Path(path).resolve()
    shown = str(path)
    if not path.is_file():
        raise InvalidInput(Problem(Argument("STACK_FILE"), msg.stack_file_must_exist(shown)))
    module = _import(path)
    if not hasattr(module, "STACKS"):
        raise InvalidInput(Problem(Argument("STACK_FILE"), msg.stack_file_must_define_stacks(shown)))
    stacks = module.STACKS
    validate_stacks(stacks, path.parent if read_sources else None)
    return StackFile(path=path, stacks=tuple(stacks))


def _import(path: Path):
    # A private, path-derived module name: two stack files named alike never share a module.
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    name = f"bluegreen_stack_{digest}"
    # An explicit source loader: a stack file named stack.txt or with no suffix loads as well.
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None  # a given loader always gives a spec
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException as error:  # user code: any failure, even SystemExit, is bad input
        del sys.modules[name]
        if isinstance(error, KeyboardInterrupt):
            raise
        raise InvalidInput(Problem(Argument("STACK_FILE"), msg.stack_file_failed_to_import(
            str(path), _line(error, path), error))) from None
    return module


def _line(error: BaseException, path: Path) -> int | None:
    """The line of the stack file where importing it failed, when the error or traceback says."""
    if isinstance(error, SyntaxError) and error.lineno:
        return error.lineno
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else None
