"""The output folder's guarantees: whose folder it is, an interrupted swap, shared folders, --check.

Most tests synthesize through the synth cache (warm after the first), so a swap or a check runs
in milliseconds and can be repeated at every step.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_example, tree_bytes

from generator import Problem
from generator.cli import program as cli
from generator.core.errors import Field, InFile, InvalidInput
from generator.core.messages import output as msg
from generator.features.loader import load_stack_file
from generator.output import cache as synth_cache
from generator.output import swap as output_swap
from generator.output.folder import synthesize

RENAMES = 16  # a swap of the example: the journal, 7 entries x (park, place), the commit
STEPS = RENAMES + 1  # the points a swap can be killed at: before each rename, before the cleanup
OLD_TRAFFIC = '{"hello": {"blue_version": null, "green_weight": 0}}\n'
NEW_TRAFFIC = '{"hello": {"blue_version": "1", "green_weight": 0}}\n'


def synth(stack_file: Path, out: Path, **options) -> bool:
    return synthesize(load_stack_file(stack_file), out, **options).cached


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


# --- whose folder it is (A) -------------------------------------------------------------------

@pytest.mark.parametrize("theirs", [
    {"name": "My web app", "start_url": "/", "icons": []},
    # cdktf's shape, but for a stack whose Terraform is not there
    {"version": "0.21.0", "stacks": {"hello": {"name": "hello", "synthesizedStackPath": "stacks/hello/cdk.tf.json",
                                               "workingDirectory": "stacks/hello"}}},
])
def test_a_folder_with_someone_elses_manifest_is_refused(example_copy, tmp_path, theirs):
    webapp = tmp_path / "webapp"
    (webapp / "stacks/hello").mkdir(parents=True)
    (webapp / "manifest.json").write_text(json.dumps(theirs))
    (webapp / "stacks/hello/README.md").write_text("mine")
    before = tree_bytes(webapp)
    with pytest.raises(InvalidInput, match=r"--out: must be a new folder or one that bluegreen synthesized"):
        synth(example_copy, webapp)
    assert tree_bytes(webapp) == before


def test_a_folder_written_by_the_previous_version_is_accepted(example_copy, tmp_path):
    out = tmp_path / "out"
    synth(example_copy, out)
    plain = manifest(out)  # what bluegreen wrote before it recorded stack files: cdktf's manifest as is
    del plain["bluegreen"]
    (out / "manifest.json").write_text(json.dumps(plain))
    synth(example_copy, out)
    assert manifest(out)["bluegreen"]["stackFiles"] == {"hello": "hello.py"}


def test_a_new_folder_may_be_a_mount_point_with_lost_and_found(example_copy, tmp_path):
    (tmp_path / "volume/lost+found").mkdir(parents=True)
    synth(example_copy, tmp_path / "volume")
    assert (tmp_path / "volume/stacks/hello/cdk.tf.json").is_file()


# --- an interrupted swap (B) -----------------------------------------------------------------

@pytest.fixture
def old_and_new(tmp_path) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """An output of the example (with state) and, after edits to code and traffic, the tree a synth makes."""
    stack_file = copy_example(tmp_path)
    out = tmp_path / "out"
    (stack_file.parent / "hello.traffic.json").write_text(OLD_TRAFFIC)
    synth(stack_file, out)
    (out / "stacks/hello/terraform.tfstate").write_text("state")
    old = tree_bytes(out)
    app = stack_file.parent / "hello_src/app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))
    (stack_file.parent / "hello.traffic.json").write_text(NEW_TRAFFIC)
    synth(stack_file, tmp_path / "reference")  # the same distance from the stack file as out
    new = {**tree_bytes(tmp_path / "reference"), "stacks/hello/terraform.tfstate": b"state"}
    assert {path for path in old if old[path] != new.get(path)} >= {
        "stacks/hello/cdk.tf.json", "stacks/hello/traffic.auto.tfvars.json"}
    return stack_file, out, old, new


def _renames_inside(monkeypatch, out: Path, on_call) -> list[tuple[str, str]]:
    """Route os.rename and os.replace of paths under ``out`` through ``on_call(index, real, src, dst)``."""
    calls = []
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def fake(src, dst, *args, _real=real, **kwargs):
            if not (Path(src).is_relative_to(out) or Path(dst).is_relative_to(out)):
                return _real(src, dst, *args, **kwargs)
            calls.append((str(src), str(dst)))
            return on_call(len(calls) - 1, _real, src, dst)
        monkeypatch.setattr(os, name, fake)
    return calls


@pytest.mark.parametrize("step", range(RENAMES))
def test_an_interrupt_at_any_swap_step_leaves_all_old_or_all_new_files(old_and_new, monkeypatch, step):
    stack_file, out, old, new = old_and_new

    def interrupt_at_step(index, real, src, dst):
        if index == step:
            raise KeyboardInterrupt
        return real(src, dst)
    calls = _renames_inside(monkeypatch, out, interrupt_at_step)
    with pytest.raises(KeyboardInterrupt):
        synth(stack_file, out)
    monkeypatch.undo()
    assert tree_bytes(out) in (old, new), f"a mix of old and new after an interrupt at step {step} of {len(calls)}"
    assert (out / "stacks/hello/traffic.auto.tfvars.json").is_file()
    assert not (out / output_swap.WORK).exists()
    synth(stack_file, out)
    assert tree_bytes(out) == new


@pytest.mark.parametrize("step", range(RENAMES))
def test_a_real_sigint_during_the_swap_waits_until_the_swap_is_done(old_and_new, monkeypatch, step):
    stack_file, out, old, new = old_and_new

    def sigint_at_step(index, real, src, dst):
        if index == step:
            os.kill(os.getpid(), signal.SIGINT)
        return real(src, dst)
    _renames_inside(monkeypatch, out, sigint_at_step)
    with pytest.raises(KeyboardInterrupt):
        synth(stack_file, out)
    monkeypatch.undo()
    assert tree_bytes(out) == new  # the swap finished first; the signal came after it


def _synth_killed_at(stack_file: Path, out: Path, step: int) -> subprocess.CompletedProcess:
    code = ("import sys\nfrom generator.features.loader import load_stack_file\n"
            "from generator.output.folder import synthesize\n"
            "synthesize(load_stack_file(sys.argv[1]), sys.argv[2])\n")
    env = dict(os.environ, **{output_swap.KILL_HOOK: str(step)})  # the cache folder of this test run
    return subprocess.run([sys.executable, "-c", code, str(stack_file), str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("step", range(STEPS))
def test_the_next_synth_recovers_from_a_sigkill_at_any_swap_step(old_and_new, step):
    stack_file, out, old, new = old_and_new
    killed = _synth_killed_at(stack_file, out, step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    output_swap.recover(out)  # what the next synth does first, under the lock
    assert tree_bytes(out) == (new if step == STEPS - 1 else old)
    assert not (out / output_swap.WORK).exists()
    assert _synth_killed_at(stack_file, out, step).returncode == -signal.SIGKILL  # again, then
    synth(stack_file, out)  # a plain synth recovers by itself
    assert tree_bytes(out) == new
    assert (out / "stacks/hello/traffic.auto.tfvars.json").read_text() == new[
        "stacks/hello/traffic.auto.tfvars.json"].decode()


def test_a_parked_entry_that_cannot_be_put_back_is_never_deleted(old_and_new):
    stack_file, out, old, new = old_and_new
    assert _synth_killed_at(stack_file, out, 2).returncode == -signal.SIGKILL  # manifest parked
    (out / "manifest.json").write_text("written by someone else meanwhile")
    with pytest.raises(InvalidInput, match="could not be put back") as raised:
        output_swap.recover(out)
    parked_folder = out / output_swap.WORK / "swap/parked"
    message = msg.parked_entries_must_be_put_back(str(out / output_swap.JOURNAL), ["0"])
    assert raised.value.problems == [Problem(InFile(str(parked_folder)), message)]
    assert raised.value.render() == f"{parked_folder}: {message}"
    parked = out / output_swap.WORK / "swap/parked/0"
    assert parked.read_bytes() == old["manifest.json"]
    with pytest.raises(InvalidInput, match="could not be put back"):
        synth(stack_file, out)
    assert parked.read_bytes() == old["manifest.json"]


# --- scratch inside the output folder: mount points (E) and glob characters (D) ---------------

def test_scratch_folders_are_made_inside_the_output_folder_and_removed(example_copy, tmp_path, monkeypatch):
    out = tmp_path / "out"
    synth(example_copy, out)
    made = []
    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(real(*a, **k)) or made[-1])
    synth(example_copy, out)
    synth(example_copy, out, use_cache=False)
    scratch = [Path(p) for p in made if Path(p).is_relative_to(out / output_swap.WORK)]
    assert len(scratch) == 2
    assert not [p for p in made if Path(p).is_relative_to(tmp_path) and Path(p) not in scratch]
    assert not any(p.exists() for p in scratch) and not (out / output_swap.WORK).exists()
    assert output_swap.WORK not in (out / "manifest.json").read_text()


def test_an_output_folder_on_another_file_system_is_swapped_within_it(example_copy, tmp_path, monkeypatch):
    out = tmp_path / "mounted"
    synth(example_copy, out)
    (out / "stacks/hello/terraform.tfstate").write_text("state")

    def across_devices(index, real, src, dst):  # as the kernel answers a rename out of a mount point
        if Path(src).is_relative_to(out) != Path(dst).is_relative_to(out):
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(src), None, str(dst))
        return real(src, dst)
    _renames_inside(monkeypatch, out, across_devices)
    app = example_copy.parent / "hello_src/app.py"
    app.write_text(app.read_text().replace("Blue", "Green"))
    synth(example_copy, out)
    monkeypatch.undo()
    synth(example_copy, tmp_path / "reference")
    assert tree_bytes(out) == {**tree_bytes(tmp_path / "reference"), "stacks/hello/terraform.tfstate": b"state"}
    assert not (out / output_swap.WORK).exists()


def test_glob_characters_in_out_never_touch_other_folders(example_copy, tmp_path):
    for name in (".project.new-data", ".out.old-parked", "*", "[no]"):
        (tmp_path / name).mkdir()
    (tmp_path / ".project.new-data/keep.txt").write_text("mine")
    (tmp_path / ".out.old-parked/0").write_text("an entry an old version parked")
    (tmp_path / ".*.new-empty").mkdir()  # exactly the name an older version used for --out '*'
    synth(example_copy, tmp_path / "*")
    synth(example_copy, tmp_path / "out")
    assert (tmp_path / ".project.new-data/keep.txt").read_text() == "mine"
    assert (tmp_path / ".out.old-parked/0").is_file()
    assert (tmp_path / "[no]").is_dir()
    assert not (tmp_path / ".*.new-empty").exists()
    assert (tmp_path / "*/stacks/hello/cdk.tf.json").is_file()


# --- a shared synth cache folder (C) ----------------------------------------------------------

def test_pruning_a_shared_cache_folder_deletes_only_its_own_entries(example_copy, tmp_path, monkeypatch):
    cache = tmp_path / "shared"
    monkeypatch.setenv("BLUEGREEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(synth_cache, "KEEP_ENTRIES", 1)
    foreign = [cache / "photos", cache / ("0" * 64)]  # the second is named like a key, with no digests.json
    for folder in foreign:
        folder.mkdir(parents=True)
        (folder / "precious.txt").write_text("not the cache's")
        os.utime(folder, (0, 0))  # older than any entry
    text = example_copy.read_text()
    for memory in (256, 512, 1024):
        example_copy.write_text(text.replace("memory_mb=128", f"memory_mb={memory}"))
        synth(example_copy, tmp_path / "out")
    assert all((folder / "precious.txt").read_text() == "not the cache's" for folder in foreign)
    assert len([p for p in cache.iterdir() if synth_cache.is_entry(p)]) == 1


# --- several stack files, one output folder (F) -----------------------------------------------

def _second_stack_file(stacks: Path, name: str, stack_names: list[str], source: str | None = None) -> Path:
    """A copy of the example defining ``stack_names``, each with the source folder ``<name>_src``."""
    source = source or f"{name}_src"
    if not (stacks / source).exists():
        shutil.copytree(stacks / "hello_src", stacks / source)
    text = (stacks / "hello.py").read_text().replace('source="hello_src"', f'source="{source}"')
    head, _, body = text.partition("STACKS = [")
    stack = body.rsplit("]", 1)[0]
    definitions = ",".join(stack.replace('name="hello",', f'name="{stack_name}",', 1) for stack_name in stack_names)
    path = stacks / f"{name}.py"
    path.write_text(f"{head}STACKS = [{definitions}]\n")
    return path


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run the CLI from ``tmp_path``: --out is relative to it, as are the paths --check prints."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_two_stack_files_share_one_output_folder_and_both_pass_check(example_copy, in_tmp, capsys):
    other = _second_stack_file(example_copy.parent, "other", ["other"])
    out = in_tmp / "cdktf.out"
    assert run(capsys, "synth", example_copy, "--out", "cdktf.out")[0] == 0
    code, _, err = run(capsys, "synth", other, "--out", "cdktf.out")
    assert code == 0 and "kept" not in err
    assert manifest(out)["bluegreen"]["stackFiles"] == {"hello": "hello.py", "other": "other.py"}
    assert sorted(manifest(out)["stacks"]) == ["hello", "other"]
    for stack_file in (example_copy, other):
        assert run(capsys, "synth", stack_file, "--out", "cdktf.out", "--check")[:2] == (0, "")
    # The manifest is the same bytes whichever stack file synthesized last.
    before = (out / "manifest.json").read_bytes()
    run(capsys, "synth", example_copy, "--out", "cdktf.out")
    assert (out / "manifest.json").read_bytes() == before


def test_a_stack_another_stack_file_synthesized_is_refused(example_copy, in_tmp, capsys):
    run(capsys, "synth", example_copy, "--out", "cdktf.out")
    before = tree_bytes(in_tmp / "cdktf.out")
    copy = _second_stack_file(example_copy.parent, "copy", ["hello"])
    claimed = msg.stack_must_come_from_one_stack_file(str(in_tmp / "cdktf.out" / "manifest.json"), "hello.py",
                                                      "copy.py")
    with pytest.raises(InvalidInput) as raised:
        synthesize(load_stack_file(copy), in_tmp / "cdktf.out")
    assert raised.value.problems == [Problem(Field("stack 'hello'"), claimed)]
    for check in ((), ("--check",)):
        code, _, err = run(capsys, "synth", copy, "--out", "cdktf.out", *check)
        assert code == 2
        assert err == f"error: stack 'hello': {claimed}\n"
        assert err.startswith("error: stack 'hello': must be defined in one stack file per output folder")
        assert "has it from hello.py), got: copy.py" in err
    assert tree_bytes(in_tmp / "cdktf.out") == before


def test_only_stacks_the_stack_file_made_before_are_noted_as_kept(example_copy, in_tmp, capsys):
    out = in_tmp / "cdktf.out"
    other = _second_stack_file(example_copy.parent, "other", ["other", "extra"])
    run(capsys, "synth", example_copy, "--out", "cdktf.out")
    run(capsys, "synth", other, "--out", "cdktf.out")
    (out / "stacks/extra/terraform.tfstate").write_text("state")
    _second_stack_file(example_copy.parent, "other", ["other"])
    code, _, err = run(capsys, "synth", other, "--out", "cdktf.out")
    assert code == 0
    assert "note: kept extra/ (no longer in the stack file" in err and "hello/" not in err
    assert sorted(manifest(out)["stacks"]) == ["hello", "other"]
    assert (out / "stacks/extra/terraform.tfstate").read_text() == "state"
    assert run(capsys, "synth", example_copy, "--out", "cdktf.out", "--check")[0] == 0
    assert run(capsys, "synth", other, "--out", "cdktf.out", "--check")[0] == 0


def test_check_sees_a_stack_dropped_from_the_stack_file(example_copy, in_tmp, capsys):
    other = _second_stack_file(example_copy.parent, "other", ["other", "extra"])
    run(capsys, "synth", other, "--out", "cdktf.out")
    _second_stack_file(example_copy.parent, "other", ["other"])
    code, stdout, _ = run(capsys, "synth", other, "--out", "cdktf.out", "--check")
    assert (code, stdout) == (1, "differs: cdktf.out/manifest.json\n")


# --- synth --check (G) ------------------------------------------------------------------------

def test_check_names_missing_extra_and_differing_files(example_copy, in_tmp, capsys):
    assert run(capsys, "synth", example_copy, "--out", "out")[0] == 0
    stack_dir = in_tmp / "out/stacks/hello"
    (stack_dir / "README.md").unlink()
    (stack_dir / "assets/stray.zip").write_bytes(b"not ours")
    (stack_dir / "traffic.auto.tfvars.json").write_text("{}")
    (stack_dir / "terraform.tfstate").write_text("state")  # Terraform's: never compared
    code, stdout, err = run(capsys, "synth", example_copy, "--out", "out", "--check")
    assert code == 1
    assert stdout.splitlines() == ["missing: out/stacks/hello/README.md",
                                   "extra: out/stacks/hello/assets/stray.zip",
                                   "differs: out/stacks/hello/traffic.auto.tfvars.json"]
    assert "3 file(s) differ from a fresh synth" in err


def test_check_of_a_missing_output_lists_every_file_as_missing(example_copy, in_tmp, capsys):
    code, stdout, _ = run(capsys, "synth", example_copy, "--out", "absent", "--check")
    assert code == 1
    lines = stdout.splitlines()
    assert "missing: absent/manifest.json" in lines and "missing: absent/stacks/hello/cdk.tf.json" in lines
    assert all(line.startswith("missing: absent/") for line in lines)
    assert not (in_tmp / "absent").exists()


def test_check_compares_code_archives_by_content_not_compressed_bytes(example_copy, in_tmp, capsys):
    run(capsys, "synth", example_copy, "--out", "out")
    [archive] = (in_tmp / "out/stacks/hello/assets").rglob("*.zip")
    original = archive.read_bytes()
    with zipfile.ZipFile(archive) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    method = zipfile.ZIP_STORED if entries[0][0].compress_type != zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(archive, "w") as target:  # another zlib build: same entries, other bytes
        for info, data in entries:
            info.compress_type = method
            target.writestr(info, data)
    assert archive.read_bytes() != original
    assert run(capsys, "synth", example_copy, "--out", "out", "--check")[:2] == (0, "")
    with zipfile.ZipFile(archive, "w") as target:  # other content: reported
        for info, data in entries:
            target.writestr(info, data + b"# edited\n")
    code, stdout, _ = run(capsys, "synth", example_copy, "--out", "out", "--check")
    assert (code, stdout) == (1, f"differs: {archive.relative_to(in_tmp)}\n")


# --- the synth cache with all of the above (H), and traffic_dir --------------------------------

def test_a_cache_hit_into_a_shared_folder_equals_a_fresh_synth(example_copy, tmp_path):
    other = _second_stack_file(example_copy.parent, "other", ["other"])
    for out, use_cache in ((tmp_path / "cached", True), (tmp_path / "fresh", False)):
        synth(example_copy, out, use_cache=use_cache)
        synth(other, out, use_cache=use_cache)
    assert synth(other, tmp_path / "cached") is True
    assert tree_bytes(tmp_path / "cached") == tree_bytes(tmp_path / "fresh")


def test_traffic_files_are_read_from_traffic_dir(example_copy, tmp_path):
    elsewhere = tmp_path / "local-traffic"
    elsewhere.mkdir()
    (elsewhere / "hello.traffic.json").write_text('{"hello": {"blue_version": "7", "green_weight": 0}}')
    synth(example_copy, tmp_path / "out", traffic_dir=elsewhere)
    tfvars = json.loads((tmp_path / "out/stacks/hello/traffic.auto.tfvars.json").read_text())
    assert tfvars["hello_blue_version"] == "7"


def test_the_manifest_names_a_stack_file_by_its_path_in_the_repository(tmp_path):
    from generator.output.manifest import stack_file_id

    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "stacks").mkdir()
    stack_file = tmp_path / "repo" / "stacks" / "hello.py"
    stack_file.write_text("")
    # The same wherever the clone is and wherever the output goes: no machine path, no depth.
    assert stack_file_id(stack_file) == "stacks/hello.py"
    (tmp_path / "loose.py").write_text("")
    assert stack_file_id(tmp_path / "loose.py") == "loose.py"
