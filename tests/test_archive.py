"""Tests of ``generator.archive``: the same source files always give the same zip bytes.

Lambda publishes a new version whenever ``source_code_hash`` changes, so anything about the
build machine (absolute paths, timestamps, umask, file creation order) must stay out of the zip.
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
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.archive import Archive, build_archive, source_files

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


def test_entries_are_stored_so_every_zlib_build_gives_the_same_bytes(tmp_path):
    source = make_source(tmp_path / "src", {"big.txt": b"a" * 10_000})
    (info,) = entries(build_archive(source))
    # Stored, not deflated: deflate's bytes differ between zlib builds (zlib-ng and others).
    assert info.compress_type == zipfile.ZIP_STORED
    assert info.compress_size == info.file_size


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

def test_source_code_hash_is_base64_of_the_sha256_of_the_zip_bytes(tmp_path):
    archive = build_archive(make_source(tmp_path / "src"))
    assert archive.source_code_hash == base64.b64encode(hashlib.sha256(archive.data).digest()).decode()
    assert len(archive.source_code_hash) == 44


def test_source_code_hash_of_known_bytes():
    # sha256(b"") is e3b0c442...7852b855; base64 of those 32 bytes, as Terraform's filebase64sha256.
    assert Archive(b"").source_code_hash == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


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
        "shop.traffic.json": b"{}", "traffic.auto.tfvars.json": b"{}", ".terraform.lock.hcl": b"l"})
    assert [info.filename for info in entries(build_archive(source))] == ["app.py"]
