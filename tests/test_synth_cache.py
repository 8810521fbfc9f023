"""The synth cache: a no-op re-synth skips cdktf, and any change to what synthesis consumes misses.

Every hit is compared byte for byte with a fresh synth (``use_cache=False``) of the same input.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_example, tree_bytes

from generator.cli import program as cli
from generator.model.loader import load_stack_file
from generator.output import cache as synth_cache
from generator.output.folder import synthesize


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BLUEGREEN_CACHE_DIR", str(folder))
    return folder


def synth(stack_file: Path, out: Path, use_cache: bool = True) -> bool:
    """Synthesize; True when the result came from the cache."""
    return synthesize(load_stack_file(stack_file), out, use_cache=use_cache).cached


def fresh(stack_file: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"
    synth(stack_file, out, use_cache=False)
    return tree_bytes(out)


def test_a_no_op_resynth_comes_from_the_cache_byte_identical_to_a_fresh_one(cache, tmp_path):
    stack_file = copy_example(tmp_path)
    assert synth(stack_file, tmp_path / "out") is False
    assert synth(stack_file, tmp_path / "out") is True
    assert tree_bytes(tmp_path / "out") == fresh(stack_file, tmp_path)


def test_a_hit_keeps_terraform_working_files(cache, tmp_path):
    stack_file = copy_example(tmp_path)
    synth(stack_file, tmp_path / "out")
    state = tmp_path / "out/stacks/hello/terraform.tfstate"
    state.write_text("state")
    assert synth(stack_file, tmp_path / "out") is True
    assert state.read_text() == "state"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


CHANGES = {
    "stack file": lambda sf: _edit(sf, "timeout_s=5", "timeout_s=6"),
    "source file": lambda sf: _edit(sf.parent / "hello_src/app.py", "Blue", "Green"),
    "new source file": lambda sf: (sf.parent / "hello_src/util.py").write_text("X = 1\n"),
    "source file mode": lambda sf: (sf.parent / "hello_src/app.py").chmod(0o755),
    "traffic file": lambda sf: (sf.parent / "hello.traffic.json").write_text(
        '{"hello": {"blue_version": "1", "green_version": "2", "green_weight": 0.5}}'),
    "file the stack file reads": lambda sf: (sf.parent / "settings.json").write_text('{"memory": 512}'),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_to_what_synthesis_consumes_misses(cache, tmp_path, change):
    stack_file = copy_example(tmp_path)
    # A stack file may read anything: here the memory size comes from a settings file.
    _edit(stack_file, "memory_mb=128", "memory_mb=json.load(open(Path(__file__).parent / 'settings.json'))['memory']")
    stack_file.write_text("import json\nfrom pathlib import Path\n" + stack_file.read_text())
    (stack_file.parent / "settings.json").write_text('{"memory": 128}')
    assert synth(stack_file, tmp_path / "out") is False
    assert synth(stack_file, tmp_path / "out") is True
    CHANGES[change](stack_file)
    assert synth(stack_file, tmp_path / "out") is False
    assert tree_bytes(tmp_path / "out") == fresh(stack_file, tmp_path)


@pytest.mark.parametrize("what", ["installed versions", "generator code"])
def test_a_different_toolchain_misses(cache, tmp_path, monkeypatch, what):
    stack_file = copy_example(tmp_path)
    synth(stack_file, tmp_path / "out")
    if what == "installed versions":
        real = synth_cache.installed_versions()
        monkeypatch.setattr(synth_cache, "installed_versions", lambda: {**real, "cdktf": "0.21.1"})
    else:
        monkeypatch.setattr(synth_cache, "generator_digest", lambda: "an edited generator")
    assert synth(stack_file, tmp_path / "out") is False


def test_a_damaged_entry_is_not_served(cache, tmp_path):
    stack_file = copy_example(tmp_path)
    synth(stack_file, tmp_path / "out")
    [entry] = [p for p in cache.iterdir() if not p.name.startswith(".")]
    (entry / "tree/stacks/hello/cdk.tf.json").write_text("{}")
    assert synth(stack_file, tmp_path / "out") is False
    assert tree_bytes(tmp_path / "out") == fresh(stack_file, tmp_path)
    assert synth(stack_file, tmp_path / "out") is True  # the entry was rewritten


def test_no_cache_bypasses_it(cache, tmp_path, capsys):
    stack_file = copy_example(tmp_path)
    out = str(tmp_path / "out")
    assert cli.main(["synth", str(stack_file), "--out", out]) == 0
    assert cli.main(["synth", str(stack_file), "--out", out]) == 0
    assert "(from the synth cache)" in capsys.readouterr().out.splitlines()[-1]
    assert cli.main(["synth", str(stack_file), "--out", out, "--no-cache"]) == 0
    assert "(from the synth cache)" not in capsys.readouterr().out


def test_the_cache_keeps_only_the_newest_entries(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(synth_cache, "KEEP_ENTRIES", 2)
    stack_file = copy_example(tmp_path)
    for memory in (128, 256, 512):
        _edit(stack_file, f"memory_mb={128 if memory == 128 else memory // 2}", f"memory_mb={memory}")
        synth(stack_file, tmp_path / "out")
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 2
