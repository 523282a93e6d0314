"""The ObjectStore contract: every backend (filesystem, MinIO) must pass every test here."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kho.errors import InputError, NotFoundError
from repository.objectstore import ObjectStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_satisfies_protocol(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)


def test_put_bytes_round_trip_reports_size_and_sha256(store: ObjectStore) -> None:
    data = "Giấy khai sinh — bản gốc".encode() * 10
    info = store.put_bytes("records/x/a.txt", data, content_type="text/plain")
    assert (info.key, info.size, info.sha256) == ("records/x/a.txt", len(data), sha(data))
    assert store.get_bytes("records/x/a.txt") == data
    stat = store.stat("records/x/a.txt")
    assert stat.size == len(data)
    assert stat.sha256 in (None, sha(data))
    assert store.exists("records/x/a.txt")


def test_empty_object(store: ObjectStore) -> None:
    info = store.put_bytes("empty", b"")
    assert (info.size, info.sha256) == (0, sha(b""))
    assert store.get_bytes("empty") == b""


def test_put_file_streams_large_file(store: ObjectStore, tmp_path: Path) -> None:
    data = os.urandom(11 * 1024 * 1024 + 123)  # several parts for MinIO, several chunks for files
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    info = store.put_file("big/one.bin", path)
    assert (info.size, info.sha256) == (len(data), sha(data))
    assert sha(store.get_bytes("big/one.bin")) == sha(data)
    assert store.stat("big/one.bin").size == len(data)


def test_overwrite_replaces_whole_object(store: ObjectStore) -> None:
    store.put_bytes("k", b"first version, longer")
    store.put_bytes("k", b"second")
    assert store.get_bytes("k") == b"second"
    assert [i.key for i in store.list_keys()] == ["k"]


def test_missing_objects(store: ObjectStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_bytes("no/such")
    with pytest.raises(NotFoundError):
        store.stat("no/such")
    with pytest.raises(NotFoundError):
        store.open_stream("no/such")
    assert not store.exists("no/such")
    store.delete("no/such")  # no error


def test_delete(store: ObjectStore) -> None:
    store.put_bytes("d/x", b"1")
    store.delete("d/x")
    assert not store.exists("d/x")
    assert list(store.list_keys("d/")) == []


def test_ranges(store: ObjectStore) -> None:
    data = bytes(range(256)) * 4
    store.put_bytes("r", data)
    with store.open_stream("r") as fh:
        assert fh.read() == data
    with store.open_stream("r", start=1000) as fh:
        assert fh.read() == data[1000:]
    with store.open_stream("r", start=10, length=20) as fh:
        assert fh.read() == data[10:30]
    with store.open_stream("r", start=1020, length=100) as fh:
        assert fh.read() == data[1020:]
    with store.open_stream("r", start=5, length=0) as fh:
        assert fh.read() == b""


def test_stream_reads_in_chunks(store: ObjectStore) -> None:
    data = os.urandom(300_000)
    store.put_bytes("c", data)
    with store.open_stream("c") as fh:
        chunks = list(iter(lambda: fh.read(65536), b""))
    assert b"".join(chunks) == data


def test_list_keys_in_key_order_with_prefix(store: ObjectStore) -> None:
    keys = ["a/b", "a-b", "a/c/d", "b", "ab", "a/c-e", "tài-liệu/ảnh.png"]
    for key in keys:
        store.put_bytes(key, key.encode())
    listed = list(store.list_keys())
    assert [i.key for i in listed] == sorted(keys)
    assert [i.size for i in listed] == [len(k.encode()) for k in sorted(keys)]
    assert [i.key for i in store.list_keys("a/")] == ["a/b", "a/c-e", "a/c/d"]
    assert [i.key for i in store.list_keys("a")] == ["a-b", "a/b", "a/c-e", "a/c/d", "ab"]
    assert [i.key for i in store.list_keys("a/c")] == ["a/c-e", "a/c/d"]
    assert list(store.list_keys("zzz/")) == []


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a//b", "a/./b", "a/../../b", "", "a\\b", "x/.."])
def test_unsafe_keys_are_rejected(store: ObjectStore, key: str) -> None:
    with pytest.raises(InputError):
        store.put_bytes(key, b"x")
    with pytest.raises((InputError, NotFoundError)):
        store.get_bytes(key)
    assert list(store.list_keys()) == []


def test_put_if_absent_creates_then_refuses_without_replacing(store: ObjectStore) -> None:
    from kho.errors import ConflictError

    info = store.put_if_absent("records/v/versions/2.json", b'{"version": 2, "by": "A"}')
    assert (info.size, info.sha256) == (25, sha(b'{"version": 2, "by": "A"}'))
    with pytest.raises(ConflictError):
        store.put_if_absent("records/v/versions/2.json", b'{"version": 2, "by": "B"}')
    assert store.get_bytes("records/v/versions/2.json") == b'{"version": 2, "by": "A"}'
    assert [i.key for i in store.list_keys("records/v/")] == ["records/v/versions/2.json"]


def test_put_if_absent_repeated_write_of_same_bytes_succeeds(store: ObjectStore) -> None:
    store.put_if_absent("once", b"same bytes")
    assert store.put_if_absent("once", b"same bytes").sha256 == sha(b"same bytes")
    assert store.get_bytes("once") == b"same bytes"


def test_put_if_absent_concurrent_writers_exactly_one_wins(store: ObjectStore) -> None:
    """Item 7: of eight threads creating the same key with different bytes, exactly one wins."""
    import threading

    from kho.errors import ConflictError

    barrier = threading.Barrier(8)
    won: list[bytes] = []
    lost: list[bytes] = []

    def writer(n: int) -> None:
        data = f"version 2 by editor {n}".encode()
        barrier.wait()
        try:
            store.put_if_absent("race/versions/2.json", data)
            won.append(data)
        except ConflictError:
            lost.append(data)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and len(lost) == 7
    assert store.get_bytes("race/versions/2.json") == won[0]
