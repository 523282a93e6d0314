"""Filesystem store specifics: atomic writes, no temp files left or listed, keys stay inside the root."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kho.errors import InputError, NotFoundError
from repository.fsstore import TMP_PREFIX, FilesystemStore, check_key


def test_failed_write_keeps_old_object_and_leaves_no_temp_file(fs_store: FilesystemStore) -> None:
    fs_store.put_bytes("a/b.bin", b"old")

    def chunks() -> Iterator[bytes]:
        yield b"new partial"
        raise OSError(28, "No space left on device")

    with pytest.raises(Exception, match="No space left"):
        fs_store._write_atomic("a/b.bin", chunks())
    assert fs_store.get_bytes("a/b.bin") == b"old"
    assert sorted(os.listdir(fs_store.root / "a")) == ["b.bin"]


def test_temp_files_are_not_listed(fs_store: FilesystemStore) -> None:
    fs_store.put_bytes("x/y", b"1")
    (fs_store.root / "x" / f"{TMP_PREFIX}deadbeef").write_bytes(b"partial")
    assert [i.key for i in fs_store.list_keys()] == ["x/y"]
    with pytest.raises(InputError):
        fs_store.get_bytes(f"x/{TMP_PREFIX}deadbeef")


def test_keys_cannot_escape_the_root(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "root")
    for key in ["../outside", "a/../../outside", "/tmp/outside", "C:/x"]:
        with pytest.raises(InputError):
            store.put_bytes(key, b"x")
    assert not (tmp_path / "outside").exists()
    assert check_key("records/kho-1/ảnh.png") == "records/kho-1/ảnh.png"


def test_directories_are_not_objects(fs_store: FilesystemStore) -> None:
    fs_store.put_bytes("dir/file", b"1")
    assert not fs_store.exists("dir")
    with pytest.raises(NotFoundError):
        fs_store.stat("dir")
    with pytest.raises(NotFoundError):
        fs_store.get_bytes("dir/file/deeper")


def test_unreadable_source_is_an_input_error(fs_store: FilesystemStore, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        fs_store.put_file("k", tmp_path / "missing.pdf")
    assert info.value.subject == str(tmp_path / "missing.pdf")
    assert not fs_store.exists("k")
