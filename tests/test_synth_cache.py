"""The synth cache: cdktf runs only when the model or the tools change.

A change of a function's code or of the traffic is filled into the cached cdktf output without
starting cdktf (``output.code_fill``); a change of the model misses. Every hit is compared byte
for byte with a fresh synth (``use_cache=False``) of the same input into a new folder.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_example, tree_bytes

from generator.cli import program as cli
from generator.core.layout import ASSETS, CONFIG, TFVARS
from generator.features.loader import load_stack_file
from generator.model.archive import Archive, build_archive
from generator.output import cache as synth_cache
from generator.output import code_fill
from generator.output.check import stale_files
from generator.output.folder import build_archives, synthesize


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


@contextmanager
def cdktf_refused(monkeypatch):
    """Inside: any cdktf run in this process fails, so what synthesizes must come from the cache."""
    from generator.synthesis import app

    with monkeypatch.context() as patched:
        patched.setattr(app, "synth_into", lambda *args, **kwargs: pytest.fail("cdktf ran"))
        yield


def code_and_configs(out: Path) -> dict[str, bytes]:
    """Each stack's ``cdk.tf.json`` and code archives, by path."""
    return {path: data for path, data in tree_bytes(out).items() if path.endswith(CONFIG) or f"/{ASSETS}/" in path}


def as_cdktf_writes_them(stack_file: Path, folder: Path) -> dict[str, bytes]:
    """``code_and_configs`` as cdktf writes them when handed the real archives, as in a library
    user's app: no placeholders, no fill. The reference a synth must equal byte for byte."""
    from generator.synthesis.app import synth_into

    loaded = load_stack_file(stack_file)
    synth_into(loaded, folder, build_archives(loaded))
    return code_and_configs(folder)


def asset_tree(out: Path, stack: str = "hello") -> list[str]:
    """Every file and folder under a stack's assets/: a stale folder shows even when empty."""
    assets = out / "stacks" / stack / ASSETS
    return sorted(p.relative_to(assets).as_posix() for p in assets.rglob("*"))


def function(out: Path, name: str, stack: str = "hello") -> dict:
    config = json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())
    return config["resource"]["aws_lambda_function"][name]


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


MODEL_CHANGES = {
    "stack file": lambda sf: _edit(sf, "timeout_s=5", "timeout_s=6"),
    "file the stack file reads": lambda sf: (sf.parent / "settings.json").write_text('{"memory": 512}'),
}
# Neither is in the model: each is filled into the cached cdktf output.
CODE_AND_TRAFFIC_CHANGES = {
    "source file": lambda sf: _edit(sf.parent / "hello_src/app.py", "Blue", "Green"),
    "new source file": lambda sf: (sf.parent / "hello_src/util.py").write_text("X = 1\n"),
    "source file mode": lambda sf: (sf.parent / "hello_src/app.py").chmod(0o755),
    "traffic file": lambda sf: (sf.parent / "hello.traffic.json").write_text(
        '{"hello": {"blue_version": "1", "green_version": "2", "green_weight": 0.5}}'),
}


def _reads_settings(stack_file: Path) -> None:
    # A stack file may read anything: here the memory size comes from a settings file.
    _edit(stack_file, "memory_mb=128", "memory_mb=json.load(open(Path(__file__).parent / 'settings.json'))['memory']")
    stack_file.write_text("import json\nfrom pathlib import Path\n" + stack_file.read_text())
    (stack_file.parent / "settings.json").write_text('{"memory": 128}')


@pytest.mark.parametrize("change", sorted(MODEL_CHANGES))
def test_a_change_to_the_model_runs_cdktf(cache, tmp_path, change):
    stack_file = copy_example(tmp_path)
    _reads_settings(stack_file)
    assert synth(stack_file, tmp_path / "out") is False
    assert synth(stack_file, tmp_path / "out") is True
    MODEL_CHANGES[change](stack_file)
    assert synth(stack_file, tmp_path / "out") is False
    assert tree_bytes(tmp_path / "out") == fresh(stack_file, tmp_path)


@pytest.mark.parametrize("change", sorted(CODE_AND_TRAFFIC_CHANGES))
def test_a_code_or_traffic_change_is_filled_in_without_cdktf_byte_identical_to_a_fresh_synth(
        cache, tmp_path, monkeypatch, change):
    stack_file = copy_example(tmp_path)
    _reads_settings(stack_file)
    out = tmp_path / "out"
    assert synth(stack_file, out) is False
    before = tree_bytes(out)
    CODE_AND_TRAFFIC_CHANGES[change](stack_file)
    with cdktf_refused(monkeypatch):
        assert synth(stack_file, out) is True
    assert tree_bytes(out) != before
    assert tree_bytes(out) == fresh(stack_file, tmp_path)
    assert code_and_configs(out) == as_cdktf_writes_them(stack_file, tmp_path / "reference")
    # The old code's asset folder is gone, not only its zip.
    assert asset_tree(out) == asset_tree(tmp_path / "fresh-0")


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


@pytest.mark.parametrize("example", ["hello", "shop"])
def test_the_filled_output_is_what_cdktf_writes_with_the_real_code(cache, tmp_path, example):
    stack_file = copy_example(tmp_path) if example == "hello" else FIXTURES / "shop/shop.py"
    reference = as_cdktf_writes_them(stack_file, tmp_path / "reference")
    assert any(path.endswith(".zip") for path in reference)
    for use_cache, cached in ((True, False), (True, True), (False, False)):  # a miss, a hit, no cache
        out = tmp_path / f"out-{use_cache}"
        shutil.rmtree(out, ignore_errors=True)
        assert synth(stack_file, out, use_cache=use_cache) is cached
        assert code_and_configs(out) == reference


def test_the_cli_says_a_code_only_change_came_from_the_synth_cache(cache, tmp_path, capsys):
    stack_file = copy_example(tmp_path)
    out = str(tmp_path / "out")
    assert cli.main(["synth", str(stack_file), "--out", out]) == 0
    assert "(from the synth cache)" not in capsys.readouterr().out
    CODE_AND_TRAFFIC_CHANGES["source file"](stack_file)
    assert cli.main(["synth", str(stack_file), "--out", out]) == 0
    assert "(from the synth cache)" in capsys.readouterr().out.splitlines()[-1]
    assert function(tmp_path / "out", "hello")["source_code_hash"] == \
        build_archive(stack_file.parent / "hello_src").source_code_hash


TWINS = """\
from generator import Deployment, Function, Stack
STACKS = [Stack(name="twins", region="us-east-1", deployments=[
    Deployment(name=name, function=Function(source=f"{name}_src", handler="app.handler", runtime="python3.12"),
               alias="live")
    for name in ("first", "second")])]
"""


def test_of_two_deployments_with_the_same_code_only_the_changed_one_gets_new_code(cache, tmp_path, monkeypatch):
    stack_file = tmp_path / "twins.py"
    stack_file.write_text(TWINS)
    code = copy_example(tmp_path / "example").parent / "hello_src"
    for name in ("first", "second"):
        shutil.copytree(code, tmp_path / f"{name}_src")
    out = tmp_path / "out"
    synth(stack_file, out)
    before = {name: function(out, name, "twins")["source_code_hash"] for name in ("first", "second")}
    assert before["first"] == before["second"]
    _edit(tmp_path / "second_src/app.py", "Blue", "Green")
    with cdktf_refused(monkeypatch):
        assert synth(stack_file, out) is True
    after = {name: function(out, name, "twins")["source_code_hash"] for name in ("first", "second")}
    assert after == {"first": before["first"],
                     "second": build_archive(tmp_path / "second_src").source_code_hash}
    assert after["second"] != before["second"]
    assert tree_bytes(out) == fresh(stack_file, tmp_path)
    assert code_and_configs(out) == as_cdktf_writes_them(stack_file, tmp_path / "reference")


def test_the_cache_holds_no_code_and_no_traffic(cache, tmp_path):
    stack_file = copy_example(tmp_path)
    synth(stack_file, tmp_path / "out")
    [entry] = [p for p in cache.iterdir() if synth_cache.is_entry(p)]
    stack = entry / "tree/stacks/hello"
    assert not (stack / TFVARS).exists()
    [placeholder] = (stack / ASSETS).rglob("*.zip")
    assert placeholder.read_bytes() == b""
    real = build_archive(stack_file.parent / "hello_src")
    config = (stack / "cdk.tf.json").read_text()
    assert real.source_code_hash not in config and real.asset_folder not in config


def test_a_code_only_change_is_stale_for_check_until_resynthesized(cache, tmp_path, monkeypatch):
    stack_file = copy_example(tmp_path)
    out = tmp_path / "out"
    synth(stack_file, out)
    CODE_AND_TRAFFIC_CHANGES["source file"](stack_file)
    with cdktf_refused(monkeypatch):
        stale = {(d.kind, d.path.split("/")[-1]) for d in stale_files(load_stack_file(stack_file), out)}
        assert stale == {("differs", "cdk.tf.json"), ("missing", "hello.zip"), ("extra", "hello.zip")}
        synth(stack_file, out)
        assert stale_files(load_stack_file(stack_file), out) == []


def test_an_environment_value_spelled_like_a_placeholder_is_written_as_it_is(cache, tmp_path):
    stack_file = copy_example(tmp_path)
    # The placeholder of this very model; writing it into the model makes another model, whose
    # placeholders are others.
    spelled = code_fill.placeholders(load_stack_file(stack_file))[("hello", "hello")].source_code_hash
    _edit(stack_file, '"LOG_LEVEL": "INFO"', f'"LOG_LEVEL": "INFO", "SPELLED": "{spelled}"')
    synth(stack_file, tmp_path / "out")
    written = function(tmp_path / "out", "hello")
    assert written["environment"]["variables"]["SPELLED"] == spelled
    assert written["source_code_hash"] == build_archive(stack_file.parent / "hello_src").source_code_hash


def test_a_placeholder_has_an_asset_folder_shaped_like_real_code(tmp_path):
    # cdktf gets the folder from Archive.asset_folder for placeholders and real code alike, and
    # the fill finds a placeholder's by that shape: 32 upper-case hex digits.
    (tmp_path / "src").mkdir()
    archives: list[Archive] = [*code_fill.placeholders(load_stack_file(copy_example(tmp_path))).values()]
    for text in ("a", "b", "print('hello')"):
        (tmp_path / "src/app.py").write_text(text)
        archives.append(build_archive(tmp_path / "src"))
    for archive in archives:
        assert re.fullmatch("[0-9A-F]{32}", archive.asset_folder)
        assert len(base64.b64decode(archive.source_code_hash)) == 32
    assert len({archive.asset_folder for archive in archives}) == len(archives)


def test_what_the_fill_refuses_is_never_stored(cache, tmp_path, monkeypatch):
    # Were it stored, every later synth would restore it and fail the same way.
    stack_file = copy_example(tmp_path)

    def refuse(*args):
        raise RuntimeError("cdktf wrote the code placeholder twice")
    with monkeypatch.context() as patched:
        patched.setattr(code_fill, "fill", refuse)
        with pytest.raises(RuntimeError, match="placeholder twice"):
            synth(stack_file, tmp_path / "out")
    assert not cache.exists() or not [entry for entry in cache.iterdir() if synth_cache.is_entry(entry)]
    assert synth(stack_file, tmp_path / "out") is False  # a fresh cdktf run, then stored
    assert synth(stack_file, tmp_path / "out") is True


# --- cache clean: one checkout's entries, never another's ----------------------------------------


def test_cache_clean_deletes_only_the_entries_this_project_alone_used(cache, tmp_path, capsys, monkeypatch):
    # Two checkouts of the same example: the second synth is a hit on the first one's entry.
    one, two = tmp_path / "one", tmp_path / "two"
    for project in (one, two):
        (project / ".git").mkdir(parents=True)
    synth(copy_example(one), one / "cdktf.out")
    assert synth(copy_example(two), two / "cdktf.out") is True
    [shared] = [p for p in cache.iterdir() if synth_cache.is_entry(p)]
    assert sorted(p.read_text() for p in (shared / synth_cache.USERS).iterdir()) == [f"{one}\n", f"{two}\n"]
    # An entry only the first used, one from before entries recorded their projects, and a stranger.
    source = tmp_path / "source"
    (source / "stacks").mkdir(parents=True)
    synth_cache.store("a" * 64, source, one)
    synth_cache.store("b" * 64, source)
    (cache / "not-ours").mkdir()

    monkeypatch.chdir(one / "stacks")  # from a subfolder: the project is the folder holding .git
    assert cli.main(["cache", "clean"]) == 0
    assert capsys.readouterr().out == (f"synth cache {cache}: deleted 1 entry of {one}; kept 1 that another "
                                       "project also uses\n")
    assert sorted(p.name for p in cache.iterdir()) == sorted([shared.name, "b" * 64, "not-ours"])
    assert [p.read_text() for p in (shared / synth_cache.USERS).iterdir()] == [f"{two}\n"]
    assert synth(two / "stacks" / "hello.py", two / "cdktf.out") is True  # the other checkout still hits

    monkeypatch.chdir(two)
    assert cli.main(["cache", "clean"]) == 0
    assert sorted(p.name for p in cache.iterdir()) == sorted(["b" * 64, "not-ours"])


def test_make_clean_cleans_this_checkouts_cache_entries_not_the_whole_cache():
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "bluegreen cache clean" in dry
    assert ".cache" not in dry and "XDG_CACHE_HOME" not in dry  # no rm -rf of the shared cache folder
