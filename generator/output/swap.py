"""Put a freshly synthesized folder in place, touching only the files synthesis owns, all or nothing.

What synthesis owns: ``manifest.json`` at the top, and in each stack folder ``cdk.tf.json`` and
the two native-syntax files beside it, ``assets/``, ``README.md`` and ``traffic.auto.tfvars.json``
(a copy of the committed traffic file); ``core.layout.OWNED_BY_SYNTHESIS`` lists them. Everything
else (``.terraform/``, ``.terraform.lock.hcl``, ``terraform.tfstate*``, a user's own files, a
folder of a stack that left the stack file) is never moved or deleted: it stays where Terraform
expects it, so no crash or failure can strand or lose state. A child module's folder (``synth
--module``: ``modules/<stack>/``) is swapped the same way, its owned entries being ``cdk.tf.json``
and the native-syntax files, ``assets/``, ``README.md`` and ``traffic.json``.

The swap is a list of renames inside the output folder, so it works on one file system even when
the output folder is a mount point: the new output is built in ``.bluegreen-work/new-*``, each
owned entry's old version is parked in ``.bluegreen-work/swap/parked/``, then the new one moved
into its place. A missing ``traffic.auto.tfvars.json`` would let ``terraform apply`` fall back to
the variables' defaults, so no step may leave an entry in neither place:

- the plan is written to ``.bluegreen-work/swap/journal.json`` before the first rename, and marked
  committed after the last one;
- SIGINT and SIGTERM are held until the swap is over, then delivered;
- any other failure puts the parked entries back before it is raised;
- after a hard crash (SIGKILL), the next synth reads the journal first (``recover``): a swap not
  committed is rolled back, a committed one has its parked entries deleted.

A parked entry is deleted only once the journal says the swap committed; otherwise it is put
back. Renames are atomic, so how far an entry got is read from the file system: its old version
is in place, parked, or parked with the new one in place.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from ..core.errors import InFile, InvalidInput, Problem
from ..core.layout import (
    MANIFEST,
    MODULES,
    OWNED_BY_MODULE,
    OWNED_BY_SYNTHESIS,
    STACKS,
    WORK,
    OutputLayout,
    module_entry,
    stack_entry,
)
from ..core.messages import output as msg

_SWAP = f"{WORK}/swap"
JOURNAL = f"{_SWAP}/journal.json"
SWAPPING, COMMITTED = "swapping", "committed"
# Test-only: ``BLUEGREEN_TEST_KILL_AT_SWAP_STEP=k`` makes the process SIGKILL itself just before
# swap step k (0: writing the journal, then each rename, then the commit, then the cleanup), so
# tests can check that the next synth recovers from a crash at every point.
KILL_HOOK = "BLUEGREEN_TEST_KILL_AT_SWAP_STEP"


@dataclass(frozen=True)
class _Step:
    """One owned entry: paths relative to the output folder."""

    target: str   # where the entry lives
    source: str   # the new entry, in the scratch folder
    parked: str   # where the old entry waits while the swap runs
    old: bool     # whether there was an old entry when the swap was planned


def make_scratch(out_dir: Path) -> Path:
    """An empty folder for a new output, on the output folder's file system."""
    work = OutputLayout(out_dir).work
    work.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="new-", dir=work))


def replace_output(new: Path, out_dir: Path) -> None:
    """Make the owned entries of the existing folder ``out_dir`` those of ``new`` (inside ``out_dir/WORK``)."""
    steps = _plan(new, out_dir)
    made = _missing_folders(steps, out_dir)
    for folder in ("parked", "discarded"):
        (out_dir / _SWAP / folder).mkdir(parents=True, exist_ok=True)
    actions = [partial(_write_journal, out_dir, SWAPPING, steps, made)]
    for step in steps:
        if step.old:
            actions.append(partial(os.rename, out_dir / step.target, out_dir / step.parked))
        actions.append(partial(_move_in, out_dir / step.source, out_dir / step.target))
    actions.append(partial(_write_journal, out_dir, COMMITTED, steps, made))
    with _signals_held():
        try:
            for index, action in enumerate(actions):
                _test_kill_point(index)
                action()
        except BaseException:
            _roll_back(out_dir, steps, made)  # if this fails too, the journal stays for the next synth
            raise
        _test_kill_point(len(actions))
        _discard_swap(out_dir)


def recover(out_dir: Path) -> None:
    """Undo (or, if it committed, finish) a swap a crash interrupted; clear leftover scratch folders."""
    journal = _read_journal(out_dir)
    if journal is not None:
        state, steps, made = journal
        if state == COMMITTED:
            _discard_swap(out_dir)
        else:
            _roll_back(out_dir, steps, made)
    clear_work(out_dir)


def has_journal(out_dir: Path) -> bool:
    """Whether a swap into ``out_dir`` was interrupted (its journal proves the folder is bluegreen's)."""
    return _read_journal(out_dir) is not None


def clear_work(out_dir: Path) -> None:
    """Remove scratch folders from ``WORK``; the swap folder stays while it holds a journal or a parked entry."""
    work = OutputLayout(out_dir).work
    if not work.is_dir() or work.is_symlink():
        return
    for entry in work.iterdir():
        if entry.name == "swap" and ((out_dir / JOURNAL).exists() or _any_parked(out_dir)):
            continue
        _remove(entry)
    try:
        work.rmdir()
    except OSError:
        pass  # still holds an unresolved swap


def _plan(new: Path, out_dir: Path) -> list[_Step]:
    steps: list[_Step] = []
    for source, target in _owned_entries(new):
        steps.append(_Step(target=target, source=(new / source).relative_to(out_dir).as_posix(),
                           parked=f"{_SWAP}/parked/{len(steps)}",
                           old=os.path.lexists(out_dir / target)))
    return steps


def _owned_entries(new: Path):
    """(entry in ``new``, its place in the output) pairs, both relative: the manifest, then each
    stack's, then each child module's."""
    yield MANIFEST, MANIFEST
    for kind, owned, entry_of in ((STACKS, OWNED_BY_SYNTHESIS, stack_entry), (MODULES, OWNED_BY_MODULE, module_entry)):
        for stack_dir in sorted((new / kind).iterdir()) if (new / kind).is_dir() else []:
            for entry in sorted(stack_dir.iterdir()):
                if entry.name in owned:
                    relative = entry_of(stack_dir.name, entry.name)
                    yield relative, relative


def _missing_folders(steps: list[_Step], out_dir: Path) -> list[str]:
    """Folders the swap creates (``stacks``, ``stacks/<new stack>``), outermost first."""
    folders = {str(parent) for step in steps for parent in PurePosixPath(step.target).parents if str(parent) != "."}
    return sorted((f for f in folders if not os.path.lexists(out_dir / f)), key=lambda f: (f.count("/"), f))


def _move_in(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, target)


def _roll_back(out_dir: Path, steps: list[_Step], made: list[str]) -> None:
    """Put every parked entry back, last step first; safe to repeat after a crash part way."""
    for index, step in reversed(list(enumerate(steps))):
        target, source, parked = (out_dir / p for p in (step.target, step.source, step.parked))
        # The new entry is in place when it left the scratch folder, and the old one (if any) is parked.
        if os.path.lexists(target) and not os.path.lexists(source) and (os.path.lexists(parked) or not step.old):
            discarded = out_dir / _SWAP / "discarded" / str(index)
            _remove(discarded)  # a new entry discarded by an earlier, interrupted roll back
            discarded.parent.mkdir(parents=True, exist_ok=True)
            os.rename(target, discarded)
        if os.path.lexists(parked) and not os.path.lexists(target):
            os.rename(parked, target)
    for folder in reversed(made):
        try:
            (out_dir / folder).rmdir()  # only if the swap left it empty
        except OSError:
            pass
    if _any_parked(out_dir):
        parked = out_dir / _SWAP / "parked"
        raise InvalidInput(Problem(InFile(str(parked)), msg.parked_entries_must_be_put_back(
            str(out_dir / JOURNAL), sorted(p.name for p in parked.iterdir()))))
    _remove_swap(out_dir)


def _discard_swap(out_dir: Path) -> None:
    """After a commit: the parked entries are superseded. Deleted before the journal that says so."""
    shutil.rmtree(out_dir / _SWAP / "parked", ignore_errors=True)
    if not _any_parked(out_dir):
        _remove_swap(out_dir)


def _remove_swap(out_dir: Path) -> None:
    journal = out_dir / JOURNAL
    if journal.exists():
        journal.unlink()
    shutil.rmtree(out_dir / _SWAP, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def _any_parked(out_dir: Path) -> bool:
    parked = out_dir / _SWAP / "parked"
    return parked.is_dir() and any(parked.iterdir())


@contextmanager
def _signals_held():
    """SIGINT and SIGTERM wait until the block is over, then are delivered: Ctrl-C never splits a swap.

    Python runs signal handlers in the main thread, whichever thread the signal reached, so
    blocking signals in this thread (``pthread_sigmask``) would not hold them while other threads
    run; a handler that only takes note does. Outside the main thread there is nothing to hold:
    a handler never interrupts this thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {number: signal.signal(number, lambda number, frame: received.append(number))
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)  # to the handler the program had: KeyboardInterrupt, exit, ...


def _test_kill_point(index: int) -> None:
    if os.environ.get(KILL_HOOK) == str(index):
        os.kill(os.getpid(), signal.SIGKILL)


def _write_journal(out_dir: Path, state: str, steps: list[_Step], made: list[str]) -> None:
    """Replace the journal atomically and durably: a reader sees the old plan or the new, whole."""
    path = out_dir / JOURNAL
    temporary = path.with_name("journal.json.tmp")
    data = {"format": 1, "state": state, "steps": [asdict(step) for step in steps], "made": made}
    with open(temporary, "w") as stream:
        stream.write(json.dumps(data, indent=2) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    # Nothing after the replace may raise: a failure would roll back a swap the journal calls committed.
    try:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError:
        pass  # the rename is done; only its durability across a power cut is less certain


def _read_journal(out_dir: Path) -> tuple[str, list[_Step], list[str]] | None:
    path = out_dir / JOURNAL
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        state, steps, made = data["state"], [_Step(**step) for step in data["steps"]], data["made"]
        if data["format"] != 1 or state not in (SWAPPING, COMMITTED) or not all(map(_safe_step, steps)):
            raise ValueError(msg.JOURNAL_FORMAT_MUST_BE_KNOWN)
        if not all(isinstance(f, str) and _inside(f) and f.split("/")[0] in (STACKS, MODULES) for f in made):
            raise ValueError(msg.journal_folders_must_be_inside(f"{STACKS}/ or {MODULES}"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise InvalidInput(Problem(InFile(str(path)), msg.must_be_a_swap_journal(error))) from None
    return state, steps, made


def _safe_step(step: _Step) -> bool:
    # A journal only ever moves owned entries and bluegreen's own work files.
    parts = step.target.split("/")
    owned_in = {STACKS: OWNED_BY_SYNTHESIS, MODULES: OWNED_BY_MODULE}.get(parts[0], frozenset())
    owned = step.target == MANIFEST or (len(parts) == 3 and parts[2] in owned_in)
    return (owned and isinstance(step.old, bool) and all(map(_inside, (step.target, step.source, step.parked)))
            and step.source.startswith(f"{WORK}/") and step.parked.startswith(f"{_SWAP}/parked/"))


def _inside(relative: object) -> bool:
    return (isinstance(relative, str) and relative != "" and not relative.startswith("/")
            and all(part not in ("", ".", "..") for part in relative.split("/")))
