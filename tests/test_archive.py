"""Tests of ``generator.model.archive``: the same source files always give the same archive and hash.

Lambda publishes a new version whenever ``source_code_hash`` changes, so anything about the
build machine (absolute paths, timestamps, umask, file creation order, the zlib build) must stay
out of the hash. The archive is refused as bad input when Lambda would refuse it (size limits)
or when it would carry something from outside the source folder (symlinks).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import Problem
from generator.core.errors import Field, InvalidInput
from generator.core.messages import archive as msg
from generator.model import archive as archive_module
from generator.model.archive import (
    COMPRESS_LEVEL,
    MAX_UNZIPPED_BYTES,
    MAX_ZIPPED_BYTES,
    Archive,
    archive_content_digest,
    build_archive,
    same_archive_content,
    source_files,
    source_problems,
)
from generator.model.rules import _source_problems

FILES = {
    "app.py": b"def handler(event, context):\n    return {'statusCode': 200, 'body': 'Blue'}\n",
    "lib/util.py": b"VALUE = 1\n",
    "lib/data/table.json": b'{"a": 1}\n',
}


def make_source(folder: Path, files: dict[str, bytes] = FILES) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(0o644)
    return folder


def entries(archive: Archive) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        return zf.infolist()


def names(archive: Archive) -> list[str]:
    return [info.filename for info in entries(archive)]


def contents(archive: Archive) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# --- reproducibility --------------------------------------------------------------------------------

def test_building_the_same_folder_twice_gives_identical_bytes_and_hash(tmp_path):
    source = make_source(tmp_path / "src")
    first, second = build_archive(source), build_archive(source)
    assert first.data == second.data
    assert first.source_code_hash == second.source_code_hash


def test_a_copy_elsewhere_with_other_mtimes_gives_identical_bytes(tmp_path):
    source = make_source(tmp_path / "here" / "src")
    copy = tmp_path / "somewhere" / "else" / "entirely"
    shutil.copytree(source, copy)
    for index, path in enumerate(sorted(copy.rglob("*"))):
        os.utime(path, (1_700_000_000 + index * 3_600, 1_700_000_000 + index * 3_600))
    assert os.stat(copy / "app.py").st_mtime != os.stat(source / "app.py").st_mtime
    assert build_archive(copy).data == build_archive(source).data


def test_files_created_in_another_order_give_identical_bytes(tmp_path):
    forwards = make_source(tmp_path / "forwards")
    backwards = make_source(tmp_path / "backwards", dict(reversed(list(FILES.items()))))
    assert build_archive(forwards).data == build_archive(backwards).data


def test_read_and_write_permission_bits_do_not_change_the_bytes(tmp_path):
    default = make_source(tmp_path / "default")
    private = make_source(tmp_path / "private")
    for path in private.rglob("*"):
        if path.is_file():
            path.chmod(0o600)
    assert build_archive(private).data == build_archive(default).data


def test_no_absolute_path_of_the_build_machine_enters_the_zip(tmp_path):
    source = make_source(tmp_path / "src")
    data = build_archive(source).data
    for fragment in (str(tmp_path), str(tmp_path.resolve()), str(source), tmp_path.name):
        assert fragment.encode() not in data, fragment


# --- entries ----------------------------------------------------------------------------------------

def test_entries_are_the_files_by_relative_posix_name_in_sorted_order(tmp_path):
    source = make_source(tmp_path / "src", {"b.py": b"b", "a/z.py": b"z", "a.py": b"a", "A.txt": b"A"})
    assert names(build_archive(source)) == ["A.txt", "a.py", "a/z.py", "b.py"]


def test_entries_hold_the_file_contents(tmp_path):
    assert contents(build_archive(make_source(tmp_path / "src"))) == FILES


def test_empty_subfolders_get_no_entry(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "empty" / "deeper").mkdir(parents=True)
    assert names(build_archive(source)) == ["app.py", "lib/data/table.json", "lib/util.py"]


def test_every_entry_has_the_fixed_1980_timestamp(tmp_path):
    source = make_source(tmp_path / "src")
    os.utime(source / "app.py", (2_000_000_000, 2_000_000_000))
    assert {info.date_time for info in entries(build_archive(source))} == {(1980, 1, 1, 0, 0, 0)}


def test_a_plain_file_is_stored_as_a_regular_file_with_mode_0644(tmp_path):
    source = make_source(tmp_path / "src", {"app.py": b"x"})
    (info,) = entries(build_archive(source))
    assert info.external_attr >> 16 == stat.S_IFREG | 0o644
    assert info.create_system == 3  # Unix: the mode bits are read the same on every machine


@pytest.mark.parametrize("mode", [0o755, 0o700, 0o744, 0o711])
def test_an_executable_file_is_stored_with_mode_0755(tmp_path, mode):
    source = make_source(tmp_path / "src", {"bootstrap": b"#!/bin/sh\n"})
    (source / "bootstrap").chmod(mode)
    (info,) = entries(build_archive(source))
    assert info.external_attr >> 16 == stat.S_IFREG | 0o755


def test_entries_are_deflated_so_size_counts_zipped_against_lambdas_limits(tmp_path):
    source = make_source(tmp_path / "src", {"big.txt": b"a" * 10_000, "lib/x.py": b"x = 1\n" * 500})
    archive = build_archive(source)
    for info in entries(archive):
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.compress_size < info.file_size / 10
    assert len(archive.data) < 1_000
    assert contents(archive) == {"big.txt": b"a" * 10_000, "lib/x.py": b"x = 1\n" * 500}


def test_deflate_runs_at_the_fixed_level(tmp_path, monkeypatch):
    levels = []
    real = zlib.compressobj

    def recording(level=-1, *args):
        levels.append(level)
        return real(level, *args)

    monkeypatch.setattr(zlib, "compressobj", recording)
    build_archive(make_source(tmp_path / "src"))
    assert levels == [COMPRESS_LEVEL] * len(FILES) and COMPRESS_LEVEL == 6


# --- what is left out ------------------------------------------------------------------------------

def test_pycache_folders_and_compiled_files_are_left_out(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\x00cached")
    (source / "lib" / "__pycache__").mkdir()
    (source / "lib" / "__pycache__" / "util.cpython-312.pyc").write_bytes(b"\x00cached")
    (source / "stray.pyc").write_bytes(b"\x00")
    (source / "lib" / "old.pyo").write_bytes(b"\x00")
    assert names(build_archive(source)) == ["app.py", "lib/data/table.json", "lib/util.py"]


def test_tool_caches_and_finder_files_are_left_out(tmp_path):
    source = make_source(tmp_path / "src")
    for cache in (".git", ".pytest_cache", ".mypy_cache"):
        (source / cache).mkdir()
        (source / cache / "state").write_bytes(b"x")
    (source / ".DS_Store").write_bytes(b"x")
    (source / "lib" / ".DS_Store").write_bytes(b"x")
    assert names(build_archive(source)) == ["app.py", "lib/data/table.json", "lib/util.py"]


def test_cache_files_appearing_after_a_local_run_do_not_change_the_hash(tmp_path):
    source = make_source(tmp_path / "src")
    before = build_archive(source).source_code_hash
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\x00cached")
    assert build_archive(source).source_code_hash == before


def test_dotfiles_that_are_not_caches_are_kept(tmp_path):
    source = make_source(tmp_path / "src", {"app.py": b"x", ".env.defaults": b"A=1\n"})
    assert names(build_archive(source)) == [".env.defaults", "app.py"]


def test_source_files_lists_zip_names_with_their_paths(tmp_path):
    source = make_source(tmp_path / "src")
    assert source_files(source) == [
        ("app.py", source / "app.py"),
        ("lib/data/table.json", source / "lib" / "data" / "table.json"),
        ("lib/util.py", source / "lib" / "util.py"),
    ]


# --- the hash ---------------------------------------------------------------------------------------

def content_digest(entries: list[tuple[str, int, bytes]]) -> str:
    """The documented scheme, written out again: length-prefixed scheme tag, then per entry the
    UTF-8 name, the octal mode and the uncompressed bytes."""
    digest = hashlib.sha256()
    parts = [b"bluegreen archive content v1"]
    for name, mode, data in entries:
        parts += [name.encode(), b"%o" % mode, data]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return base64.b64encode(digest.digest()).decode()


def zip_of(entries: list[tuple[str, int, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, mode, data in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            zf.writestr(info, data, compress_type=compression)
    return buffer.getvalue()


def test_source_code_hash_is_base64_of_a_sha256_over_names_modes_and_uncompressed_bytes(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "app.py").chmod(0o755)
    archive = build_archive(source)
    assert archive.source_code_hash == content_digest([
        ("app.py", 0o100755, FILES["app.py"]),
        ("lib/data/table.json", 0o100644, FILES["lib/data/table.json"]),
        ("lib/util.py", 0o100644, FILES["lib/util.py"])])
    assert archive.source_code_hash != base64.b64encode(hashlib.sha256(archive.data).digest()).decode()
    assert len(archive.source_code_hash) == 44


def test_source_code_hash_of_a_known_content():
    # Pins the scheme: a change to it would publish a new version of every function.
    data = zip_of([("app.py", 0o100644, b"x")])
    assert Archive(data).source_code_hash == "vd2zTA+8aLX6pDAA8TCD5g014Bc48m8CK6S8zMGiKpg="
    assert archive_content_digest(data) == Archive(data).source_code_hash


def test_changing_one_byte_of_content_changes_the_hash(tmp_path):
    source = make_source(tmp_path / "src")
    before = build_archive(source).source_code_hash
    (source / "app.py").write_bytes(FILES["app.py"].replace(b"Blue", b"Blux"))
    assert build_archive(source).source_code_hash != before


def test_renaming_a_file_changes_the_hash(tmp_path):
    source = make_source(tmp_path / "src")
    before = build_archive(source).source_code_hash
    (source / "lib" / "util.py").rename(source / "lib" / "utils.py")
    assert build_archive(source).source_code_hash != before


def test_making_a_file_executable_changes_the_hash(tmp_path):
    source = make_source(tmp_path / "src")
    before = build_archive(source).source_code_hash
    (source / "app.py").chmod(0o755)
    assert build_archive(source).source_code_hash != before


# --- property ---------------------------------------------------------------------------------------

# Folder parts hold no ".", file names end in ".py": no file name can also be a folder name.
file_names = st.lists(st.text("abcxyz_", min_size=1, max_size=6), min_size=1, max_size=3).map("/".join)
file_trees = st.dictionaries(file_names.map(lambda n: n + ".py"), st.binary(max_size=200),
                             min_size=1, max_size=6)


@settings(max_examples=50, deadline=None)
@given(files=file_trees)
def test_any_tree_gives_the_same_bytes_from_two_folders_and_round_trips(files):
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        first = build_archive(make_source(Path(one) / "src", files))
        second = build_archive(make_source(Path(two) / "deeper" / "src", dict(reversed(list(files.items())))))
    assert first.data == second.data
    assert contents(first) == files
    assert names(first) == sorted(files)


def test_bluegreen_and_terraform_files_in_a_source_folder_are_left_out(tmp_path):
    source = make_source(tmp_path / "src", {
        "app.py": b"x", "cdktf.out/manifest.json": b"{}", ".bluegreen/emulator.json": b"{}",
        ".terraform/providers/x": b"p", "terraform.tfstate": b"s", "terraform.tfstate.backup": b"s",
        "shop.traffic.json": b"{}", "shop.rollouts.json": b"{}", "traffic.auto.tfvars.json": b"{}",
        ".terraform.lock.hcl": b"l"})
    assert [info.filename for info in entries(build_archive(source))] == ["app.py"]


# --- hash over content, not deflate bytes -----------------------------------------------------------

AT = "hello.hello.function.source"


def another_zlib(monkeypatch) -> None:
    """Deflate as a different zlib build might: valid deflate streams, other bytes."""
    real = zlib.compressobj

    def other(level=-1, method=zlib.DEFLATED, wbits=zlib.MAX_WBITS, *rest):
        return real(1, method, wbits, 9, zlib.Z_HUFFMAN_ONLY)

    monkeypatch.setattr(zlib, "compressobj", other)


def test_another_zlib_build_gives_other_bytes_but_the_same_source_code_hash(tmp_path, monkeypatch):
    source = make_source(tmp_path / "src", {**FILES, "big.txt": b"blue green " * 2_000})
    here = build_archive(source)
    another_zlib(monkeypatch)
    there = build_archive(source)
    assert there.data != here.data
    assert contents(there) == contents(here)
    assert there.source_code_hash == here.source_code_hash


def test_the_asset_path_in_the_output_derives_from_the_content_not_the_zip_bytes(tmp_path, monkeypatch):
    from cdktf import App, TerraformStack

    from generator.synthesis.assets import code_asset

    source = make_source(tmp_path / "src", {**FILES, "big.txt": b"blue green " * 2_000})
    here = build_archive(source)
    with monkeypatch.context() as patched:
        another_zlib(patched)
        there = build_archive(source)
    assert there.data != here.data
    results = [code_asset(TerraformStack(App(outdir=str(tmp_path / "out")), "hello"), archive, "hello")
               for archive in (here, there)]
    assert results[0] == results[1]
    path, source_code_hash = results[0]
    assert source_code_hash == here.source_code_hash
    assert path.split("/")[0] == "assets" and path.split("/")[2:] == [here.asset_folder, "hello.zip"]
    assert len(here.asset_folder) == 32 and here.asset_folder == here.asset_folder.upper()
    (source / "app.py").write_bytes(b"changed")
    changed = code_asset(TerraformStack(App(outdir=str(tmp_path / "out")), "hello"), build_archive(source), "hello")
    assert changed[0] != path and changed[1] != source_code_hash


def test_the_digest_length_prefixes_its_parts_so_they_cannot_run_together():
    assert archive_content_digest(zip_of([("a", 0o100644, b"bc")])) != \
        archive_content_digest(zip_of([("ab", 0o100644, b"c")]))
    assert archive_content_digest(zip_of([("a", 0o100644, b""), ("b", 0o100644, b"")])) != \
        archive_content_digest(zip_of([("a", 0o100644, b"b"), ("", 0o100644, b"")]))


def test_the_digest_covers_the_mode_and_the_order_of_entries():
    one, two = ("a.py", 0o100644, b"1"), ("b.py", 0o100644, b"2")
    assert archive_content_digest(zip_of([one, two])) != archive_content_digest(zip_of([two, one]))
    assert archive_content_digest(zip_of([one])) != archive_content_digest(zip_of([("a.py", 0o100755, b"1")]))


def test_same_archive_content_compares_zips_by_content(tmp_path, monkeypatch):
    entries_ = [("app.py", 0o100644, b"x" * 1_000), ("lib/util.py", 0o100755, b"y = 2\n")]
    stored, deflated = zip_of(entries_), zip_of(entries_, zipfile.ZIP_DEFLATED)
    assert stored != deflated
    assert same_archive_content(stored, deflated)
    assert not same_archive_content(stored, zip_of(entries_[:1]))
    assert not same_archive_content(stored, zip_of([("app.py", 0o100644, b"x" * 999 + b"z"), entries_[1]]))
    # Not a zip (a damaged committed file): equal only to identical bytes, and never raises.
    assert not same_archive_content(stored, b"not a zip")
    assert same_archive_content(b"not a zip", b"not a zip")
    with pytest.raises(ValueError, match="not a readable zip"):
        archive_content_digest(b"not a zip")


# --- Lambda's size limits ---------------------------------------------------------------------------

def noise(size: int) -> bytes:
    """Bytes that do not compress, the same on every run."""
    return hashlib.shake_256(b"bluegreen").digest(size)


def source_problem_texts(base: Path, source: str = "src") -> list[str]:
    return [str(problem) for problem in _source_problems(source, AT, base)]


def test_the_limits_are_lambdas_quotas():
    # Lambda quotas: 50 MB zipped for a direct upload, 250 MB unzipped (MB = 1024 * 1024 bytes).
    assert MAX_ZIPPED_BYTES == 50 * 1024 * 1024 == 52_428_800
    assert MAX_UNZIPPED_BYTES == 250 * 1024 * 1024 == 262_144_000


def test_files_over_the_unzipped_limit_are_refused_naming_the_field_and_the_folder(tmp_path, monkeypatch):
    make_source(tmp_path / "src", {"app.py": b"a" * 60, "lib/data.bin": b"b" * 41})
    monkeypatch.setattr(archive_module, "MAX_UNZIPPED_BYTES", 100)
    expected = (f"{AT}: must hold at most 100 bytes of files (Lambda's 250 MB unzipped limit for a .zip "
                "deployment package), got: 101 bytes in 'src'")
    assert source_problem_texts(tmp_path) == [expected]
    with pytest.raises(InvalidInput, match="Lambda's 250 MB unzipped limit") as raised:
        build_archive(tmp_path / "src", at=AT, label="src")
    assert raised.value.problems == [Problem(Field(AT), msg.must_fit_lambdas_unzipped_limit(100, 101, "src"))]
    assert str(raised.value) == expected


def test_files_exactly_at_the_unzipped_limit_are_accepted(tmp_path, monkeypatch):
    make_source(tmp_path / "src", {"app.py": b"a" * 60, "lib/data.bin": b"b" * 40})
    monkeypatch.setattr(archive_module, "MAX_UNZIPPED_BYTES", 100)
    assert source_problem_texts(tmp_path) == []
    assert contents(build_archive(tmp_path / "src")) == {"app.py": b"a" * 60, "lib/data.bin": b"b" * 40}


def test_a_zip_over_the_direct_upload_limit_is_refused_saying_s3_is_not_supported(tmp_path, monkeypatch):
    make_source(tmp_path / "src", {"app.py": b"x", "model.bin": noise(5_000)})
    monkeypatch.setattr(archive_module, "MAX_ZIPPED_BYTES", 4_000)
    (problem,) = source_problem_texts(tmp_path)
    assert problem.startswith(f"{AT}: must zip to at most 4000 bytes (Lambda's 50 MB limit for a direct "
                              "upload); uploading the code through S3 is not supported yet, so make the "
                              "code smaller")
    assert problem.endswith(" bytes zipped from 'src'")
    with pytest.raises(InvalidInput) as raised:
        build_archive(tmp_path / "src", at=AT, label="src")
    assert str(raised.value) == problem


def test_the_zipped_limit_counts_compressed_bytes(tmp_path, monkeypatch):
    # 20 kB of text zips to far less than 4 kB: accepted, which a stored archive would not be.
    make_source(tmp_path / "src", {"app.py": b"def handler(event, context):\n    return 1\n" * 500})
    monkeypatch.setattr(archive_module, "MAX_ZIPPED_BYTES", 4_000)
    assert source_problem_texts(tmp_path) == []
    assert len(build_archive(tmp_path / "src").data) <= 4_000


# --- symlinks ---------------------------------------------------------------------------------------

def test_a_symlink_to_a_file_outside_the_folder_is_refused_naming_link_and_target(tmp_path):
    source = make_source(tmp_path / "src")
    secret = tmp_path / "secret"
    secret.write_bytes(b"root:x:0:0")
    (source / "x").symlink_to(secret)
    # Built with the catalogue's function: it shortens a long temporary path as the message does.
    expected = f"{AT}: {msg.must_not_link_outside_the_folder('src/x', str(secret))}"
    assert expected.startswith(f"{AT}: must not hold a symlink that leads outside the folder (its target would be "
                               "zipped into the function), got: 'src/x' -> ")
    assert source_problem_texts(tmp_path) == [expected]
    with pytest.raises(InvalidInput, match="symlink that leads outside the folder") as raised:
        build_archive(source)
    assert str(raised.value) == f"function.source: {msg.must_not_link_outside_the_folder(f'{source}/x', str(secret))}"


def test_a_relative_symlink_that_climbs_out_of_the_folder_is_refused(tmp_path):
    source = make_source(tmp_path / "src")
    (tmp_path / "outside.py").write_bytes(b"secret")
    (source / "lib" / "up.py").symlink_to("../../outside.py")
    (problem,) = source_problem_texts(tmp_path)
    target = str((tmp_path / "outside.py").resolve())
    assert problem == f"{AT}: {msg.must_not_link_outside_the_folder('src/lib/up.py', target)}"


def test_a_symlink_to_a_folder_outside_the_folder_is_refused(tmp_path):
    source = make_source(tmp_path / "src")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "shadow").write_bytes(b"secret")
    (source / "config").symlink_to(tmp_path / "etc", target_is_directory=True)
    (problem,) = source_problem_texts(tmp_path)
    assert "symlink that leads outside the folder" in problem and "'src/config' ->" in problem
    with pytest.raises(InvalidInput):
        build_archive(source)


def test_a_symlink_to_a_file_inside_the_folder_is_followed_under_the_links_name(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "bin").mkdir()
    (source / "bin" / "run").write_bytes(b"#!/bin/sh\n")
    (source / "bin" / "run").chmod(0o755)
    (source / "main.py").symlink_to("app.py")
    (source / "bootstrap").symlink_to("bin/run")
    archive = build_archive(source)
    assert contents(archive)["main.py"] == FILES["app.py"]
    modes = {info.filename: info.external_attr >> 16 for info in entries(archive)}
    assert modes["bootstrap"] == stat.S_IFREG | 0o755 and modes["main.py"] == stat.S_IFREG | 0o644
    assert source_problem_texts(tmp_path) == []


def test_a_symlinked_folder_inside_the_folder_is_included_not_dropped(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "vendor").symlink_to("lib", target_is_directory=True)
    assert names(build_archive(source)) == [
        "app.py", "lib/data/table.json", "lib/util.py", "vendor/data/table.json", "vendor/util.py"]
    assert ("vendor/util.py", source / "vendor" / "util.py") in source_files(source)


def test_a_source_folder_that_is_itself_a_symlink_keeps_links_into_its_target(tmp_path):
    real = make_source(tmp_path / "real")
    (real / "main.py").symlink_to(real / "app.py")  # absolute, into the link's target
    (tmp_path / "src").symlink_to(real, target_is_directory=True)
    assert source_problem_texts(tmp_path) == []
    assert "main.py" in names(build_archive(tmp_path / "src"))


def test_a_symlink_cycle_is_refused_instead_of_walked_forever(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "lib" / "loop").symlink_to("..", target_is_directory=True)
    expected = f"{AT}: must not hold a symlink to a folder that contains it (a cycle), got: 'src/lib/loop' -> '..'"
    assert source_problem_texts(tmp_path) == [expected]
    with pytest.raises(InvalidInput, match="a cycle"):
        build_archive(source)


def test_a_dangling_symlink_is_refused_with_its_name(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "gone.py").symlink_to("missing.py")
    expected = (f"{AT}: must not hold a broken symlink (its target does not exist or leads in a loop), "
                "got: 'src/gone.py' -> 'missing.py'")
    assert source_problem_texts(tmp_path) == [expected]
    assert source_problems(source, AT, "src") == [
        Problem(Field(AT), msg.must_not_hold_a_broken_symlink("src/gone.py", "missing.py"))]
    with pytest.raises(InvalidInput, match="broken symlink") as raised:
        build_archive(source, at=AT, label="src")
    assert str(raised.value) == f"{AT}: {msg.must_not_hold_a_broken_symlink('src/gone.py', 'missing.py')}"


def test_every_symlink_problem_is_reported_at_once(tmp_path):
    source = make_source(tmp_path / "src")
    (source / "a").symlink_to("/etc/hostname")
    (source / "b").symlink_to("nowhere")
    assert [p.split(", got: ")[1] for p in source_problem_texts(tmp_path)] == [
        f"'src/a' -> {os.path.realpath('/etc/hostname')!r}", "'src/b' -> 'nowhere'"]


def test_links_inside_left_out_folders_are_not_followed_or_refused(tmp_path):
    # Terraform's provider cache links out of .terraform; it never enters the archive anyway.
    source = make_source(tmp_path / "src")
    (source / ".terraform" / "providers").mkdir(parents=True)
    (source / ".terraform" / "providers" / "aws").symlink_to(tmp_path, target_is_directory=True)
    (source / "old.pyc").symlink_to("/nonexistent")
    assert source_problem_texts(tmp_path) == []
    assert names(build_archive(source)) == ["app.py", "lib/data/table.json", "lib/util.py"]


# --- unreadable files, names that are not UTF-8 ----------------------------------------------------

def deny(monkeypatch, denied: Path) -> None:
    """Opening ``denied`` fails as a file without read permission does for a user who is not
    root (tests run as root, for whom chmod 000 does not deny reading)."""
    real_open = Path.open

    def open_(self, *args, **kwargs):
        if os.path.abspath(self) == os.path.abspath(denied):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


def deny_listing(monkeypatch, denied: Path) -> None:
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.abspath(path) == os.path.abspath(denied):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_file_is_invalid_input_naming_it(tmp_path, monkeypatch):
    source = make_source(tmp_path / "src")
    deny(monkeypatch, source / "lib" / "util.py")
    expected = f"{AT}: must hold only files and folders that can be read, got the unreadable file: 'src/lib/util.py'"
    assert source_problem_texts(tmp_path) == [expected]
    with pytest.raises(InvalidInput) as raised:
        build_archive(source)
    assert str(raised.value).endswith(msg.must_hold_only_readable_entries("file", str(source / "lib/util.py")))


def test_an_unreadable_folder_is_invalid_input_not_silently_left_out(tmp_path, monkeypatch):
    source = make_source(tmp_path / "src")
    deny_listing(monkeypatch, source / "lib")
    expected = f"{AT}: must hold only files and folders that can be read, got the unreadable folder: 'src/lib'"
    assert source_problem_texts(tmp_path) == [expected]
    with pytest.raises(InvalidInput, match="unreadable folder"):
        build_archive(source)


def test_an_unreadable_source_folder_is_invalid_input(tmp_path, monkeypatch):
    source = make_source(tmp_path / "src")
    deny_listing(monkeypatch, source)
    assert source_problem_texts(tmp_path) == [
        f"{AT}: must hold only files and folders that can be read, got the unreadable folder: 'src'"]


def test_a_file_name_that_is_not_utf8_is_invalid_input_naming_its_bytes(tmp_path):
    source = make_source(tmp_path / "src")
    with open(os.path.join(os.fsencode(source / "lib"), b"caf\xe9.py"), "wb") as stream:
        stream.write(b"x = 1\n")
    expected = f"{AT}: must hold only file and folder names that are valid UTF-8, got: b'src/lib/caf\\xe9.py'"
    assert source_problem_texts(tmp_path) == [expected]
    with pytest.raises(InvalidInput, match="valid UTF-8"):
        build_archive(source)


def test_a_folder_name_that_is_not_utf8_is_invalid_input(tmp_path):
    source = make_source(tmp_path / "src")
    bad = os.path.join(os.fsencode(source), b"\xff")
    os.mkdir(bad)
    with open(os.path.join(bad, b"x.py"), "wb") as stream:
        stream.write(b"x")
    assert source_problem_texts(tmp_path) == [
        f"{AT}: must hold only file and folder names that are valid UTF-8, got: b'src/\\xff'"]


def test_source_problems_is_empty_for_a_good_folder_and_build_succeeds(tmp_path):
    source = make_source(tmp_path / "src")
    assert source_problems(source, AT, "src") == []
    assert names(build_archive(source)) == ["app.py", "lib/data/table.json", "lib/util.py"]
