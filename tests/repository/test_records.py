"""Repository: record creation (idempotent, crash-safe ordering), reading, history, IDs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kho.errors import ConflictError, InputError, IntegrityError, NotFoundError, ServiceUnavailableError
from repository import layout
from repository.fsstore import FilesystemStore
from repository.objectstore import ObjectInfo, ObjectStore
from repository.records import RecordFiles, Repository, record_id_for, source_files
from repository.schema import Provenance, RecordMetadata

MakeFiles = Callable[..., RecordFiles]


class RecordingStore:
    """A store that logs every write and can fail after a given number of them (a simulated crash)."""

    def __init__(self, inner: ObjectStore, fail_after: int | None = None):
        self.inner = inner
        self.writes: list[str] = []
        self.fail_after = fail_after

    def _write(self, key: str) -> None:
        if self.fail_after is not None and len(self.writes) >= self.fail_after:
            raise ServiceUnavailableError("simulated crash", subject=key)
        self.writes.append(key)

    def put_bytes(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        self._write(key)
        return self.inner.put_bytes(key, data, content_type=content_type)

    def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        self._write(key)
        return self.inner.put_file(key, path, content_type=content_type)

    def put_if_absent(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        self._write(key)
        return self.inner.put_if_absent(key, data, content_type=content_type)

    def __getattr__(self, name: str):  # reads go straight through
        return getattr(self.inner, name)


def test_record_id_is_deterministic_order_free_and_readable() -> None:
    a, b = hashlib.sha256(b"a").hexdigest(), hashlib.sha256(b"b").hexdigest()
    rid = record_id_for([a, b])
    assert rid == record_id_for([b, a.upper(), a])
    assert rid != record_id_for([a])
    assert layout.RECORD_ID_RE.match(rid) and len(rid) == 24
    expected = "kho-" + hashlib.sha256(f"{min(a, b)}\n{max(a, b)}".encode()).hexdigest()[:20]
    assert rid == expected
    with pytest.raises(InputError):
        record_id_for([])
    with pytest.raises(InputError):
        record_id_for(["not-a-digest"])


def test_create_stores_every_object_and_record_json_last(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    recording = RecordingStore(fs_store)
    repo = Repository(recording)
    files = make_files()
    outcome = repo.create(files, metadata, provenance)
    assert outcome.created
    rid = outcome.record_id
    assert rid == record_id_for([files.sources[0].sha256])
    assert recording.writes[-2:] == [layout.version_key(rid, 1), layout.record_json_key(rid)]
    record = repo.get(rid)
    assert record.version == 1 and record.metadata == metadata
    assert record.provenance.source_names == (files.sources[0].name,)
    assert record.history_entry.actor == "tester" and record.history_entry.reason == "ingest"
    roles = sorted((o.role, o.index) for o in record.objects)
    assert roles == sorted(
        [
            ("original", 0),
            ("pdf", 0),
            ("page", 0),
            ("page", 1),
            ("thumb", 0),
            ("thumb", 1),
            ("text", 0),
            ("json", 0),
            ("manifest", 0),
        ]
    )
    for entry in record.objects:  # every object named in record.json was written before it
        assert recording.writes.index(entry.key) < recording.writes.index(layout.record_json_key(rid))
        assert hashlib.sha256(fs_store.get_bytes(entry.key)).hexdigest() == entry.sha256
    original = repo.object_key(record, "original")
    assert original == f"records/{rid}/original/{files.sources[0].sha256}.pdf"
    assert fs_store.get_bytes(original) == files.sources[0].path.read_bytes()


def test_same_sources_twice_gives_one_record(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    repo = Repository(fs_store)
    first = repo.create(make_files(), metadata, provenance)
    recording = RecordingStore(fs_store)
    second = Repository(recording).create(make_files(), metadata.model_copy(update={"summary": "x"}), provenance)
    assert second.record_id == first.record_id and not second.created
    assert recording.writes == []
    assert list(repo.iter_record_ids()) == [first.record_id]
    other = repo.create(make_files("b"), metadata, provenance)
    assert other.created and other.record_id != first.record_id
    assert sorted(repo.iter_record_ids()) == sorted([first.record_id, other.record_id])
    assert [r.record_id for r in repo.iter_records()] == sorted([first.record_id, other.record_id])


@pytest.mark.parametrize("fail_after", [0, 1, 4, 9, 10])
def test_crash_midway_leaves_no_record_and_rerun_completes(
    fs_store: FilesystemStore,
    make_files: MakeFiles,
    metadata: RecordMetadata,
    provenance: Provenance,
    fail_after: int,
) -> None:
    files = make_files()
    with pytest.raises(ServiceUnavailableError):
        Repository(RecordingStore(fs_store, fail_after=fail_after)).create(files, metadata, provenance)
    repo = Repository(fs_store)
    rid = record_id_for([files.sources[0].sha256])
    assert repo.find(rid) is None
    assert list(repo.iter_record_ids()) == []
    outcome = repo.create(files, metadata, provenance)
    assert outcome.created and outcome.record_id == rid
    keys = {i.key for i in fs_store.list_keys()}
    named = {o.key for o in repo.get(rid).objects} | {layout.record_json_key(rid), layout.version_key(rid, 1)}
    assert keys == named  # the re-run overwrote every left-over object; nothing stray remains


def test_manifest_verifies_with_sha256sum(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    rid = Repository(fs_store).create(make_files(), metadata, provenance).record_id
    folder = fs_store.root / "records" / rid
    if shutil.which("sha256sum") is None:
        pytest.fail("sha256sum (coreutils) is required")
    result = subprocess.run(["sha256sum", "-c", "manifest-sha256.txt"], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 8
    (folder / "document.pdf").write_bytes(b"tampered")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "manifest-sha256.txt"], cwd=folder).returncode != 0


def test_unknown_and_malformed_ids_are_not_found(fs_store: FilesystemStore) -> None:
    repo = Repository(fs_store)
    for rid in ["kho-0123456789abcdef0123", "../../etc/passwd", "kho-XYZ", ""]:
        with pytest.raises(NotFoundError) as info:
            repo.get(rid)
        assert "\n" not in info.value.one_line()
        assert repo.find(rid) is None


def test_open_object_and_page_texts(
    store: ObjectStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    repo = Repository(store)
    files = make_files(pages=3)
    rid = repo.create(files, metadata, provenance).record_id
    record = repo.get(rid)
    info, stream = repo.open_object(rid, "page", 2)
    with stream:
        data = stream.read()
    assert data == files.page_images[2].read_bytes()
    assert info.size == len(data) and info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.content_type == "image/png"
    texts = repo.page_texts(record)
    assert texts == files.ocr_text.split("\f") and len(texts) == 3
    with pytest.raises(NotFoundError):
        repo.open_object(rid, "page", 3)


def test_page_texts_fall_back_to_text(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    repo = Repository(fs_store)
    files = make_files()
    files = type(files)(sources=files.sources, ocr_text="một\ftrang hai", ocr_json=None)
    record = repo.get(repo.create(files, metadata, provenance).record_id)
    assert repo.page_texts(record) == ["một", "trang hai"]


def test_update_metadata_writes_a_new_version_and_keeps_history(
    store: ObjectStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    clock = iter([datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)])
    repo = Repository(store, clock=lambda: next(clock))
    rid = repo.create(make_files(), metadata, provenance).record_id
    v1_bytes = store.get_bytes(layout.version_key(rid, 1))
    v2 = repo.update_metadata(
        rid, {"holder_name": "Nguyễn Văn Ân", "issued_on": "2022-02-09"}, actor="cán bộ A", reason="sửa tên"
    )
    assert v2.version == 2 and v2.metadata.holder_name == "Nguyễn Văn Ân"
    assert v2.history_entry.changes == {"holder_name": "Nguyễn Văn Ân", "issued_on": "2022-02-09"}
    assert v2.history_entry.previous == {"holder_name": "Nguyễn Văn An", "issued_on": None}
    assert v2.history_entry.actor == "cán bộ A" and v2.history_entry.at == datetime(2025, 4, 1, tzinfo=UTC)
    assert v2.previous_version_sha256 == hashlib.sha256(v1_bytes).hexdigest()
    v3 = repo.update_metadata(rid, {"status": "revoked"}, actor="cán bộ B", reason="thu hồi", expected_version=2)
    assert v3.version == 3 and repo.get(rid).metadata.status == "revoked"
    history = repo.history(rid)
    assert [r.version for r in history] == [1, 2, 3]
    assert history[0].metadata == metadata
    assert store.get_bytes(layout.version_key(rid, 1)) == v1_bytes
    assert store.get_bytes(layout.record_json_key(rid)) == store.get_bytes(layout.version_key(rid, 3))
    assert history[0].objects == history[2].objects


def test_update_metadata_rejects_bad_changes(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    repo = Repository(fs_store)
    rid = repo.create(make_files(), metadata, provenance).record_id
    with pytest.raises(ConflictError):
        repo.update_metadata(rid, {"summary": "x"}, actor="a", reason="r", expected_version=5)
    with pytest.raises(InputError, match="not a metadata field: colour"):
        repo.update_metadata(rid, {"colour": "x"}, actor="a", reason="r")
    with pytest.raises(InputError, match="status"):
        repo.update_metadata(rid, {"status": "lost"}, actor="a", reason="r")
    with pytest.raises(InputError, match="citizen_ids"):
        repo.update_metadata(rid, {"citizen_ids": ["12345"]}, actor="a", reason="r")
    same = repo.update_metadata(rid, {"holder_name": "Nguyễn Văn An"}, actor="a", reason="r")
    assert same.version == 1  # a change that changes nothing writes nothing
    with pytest.raises(NotFoundError):
        repo.update_metadata("kho-0123456789abcdef0123", {"summary": "x"}, actor="a", reason="r")


def test_corrupt_record_json_is_an_integrity_error(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    repo = Repository(fs_store)
    rid = repo.create(make_files(), metadata, provenance).record_id
    fs_store.put_bytes(layout.record_json_key(rid), b'{"record_id": 1}')
    with pytest.raises(IntegrityError):
        repo.get(rid)


def test_source_files_hashes_files(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"abc")
    (source,) = source_files([path])
    assert (source.name, source.size, source.sha256) == ("a.pdf", 3, hashlib.sha256(b"abc").hexdigest())
    with pytest.raises(InputError):
        source_files([tmp_path / "missing.pdf"])


def test_record_json_is_plain_json(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    rid = Repository(fs_store).create(make_files(), metadata, provenance).record_id
    data = json.loads((fs_store.root / "records" / rid / "record.json").read_text("utf-8"))
    assert data["format"] == "kho.record/1" and data["record_id"] == rid
    assert data["metadata"]["document_number"] == "07/QĐ-UBND"
    assert data["provenance"]["ingested_at"] == "2025-03-01T08:30:00Z"
    assert all(set(o) >= {"key", "role", "size", "sha256"} for o in data["objects"])


class LockstepStore:
    """Editors in lockstep: each reads record.json before any writes, and every editor's version
    write finishes before any goes on (the worst interleaving, made certain)."""

    def __init__(self, inner: ObjectStore, editors: int):
        import threading

        self.inner = inner
        self.barrier = threading.Barrier(editors, timeout=30)
        self.local = threading.local()

    def get_bytes(self, key: str) -> bytes:
        data = self.inner.get_bytes(key)
        if key.endswith("/record.json") and not getattr(self.local, "read", False):
            self.local.read = True
            self.barrier.wait()
        return data

    def _after_version(self, key: str, write: Callable[[], ObjectInfo]) -> ObjectInfo:
        try:
            return write()
        finally:
            if "/versions/" in key:
                self.barrier.wait()

    def put_bytes(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        return self._after_version(key, lambda: self.inner.put_bytes(key, data, content_type=content_type))

    def put_if_absent(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        return self._after_version(key, lambda: self.inner.put_if_absent(key, data, content_type=content_type))

    def __getattr__(self, name: str):  # everything else goes straight through
        return getattr(self.inner, name)


def test_item7_concurrent_edits_exactly_one_wins_and_no_version_is_rewritten(
    store: ObjectStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    """Four officials edit the same record at once: one edit becomes version 2, three get a conflict."""
    import threading

    rid = Repository(store).create(make_files(), metadata, provenance).record_id
    v1 = store.get_bytes(layout.version_key(rid, 1))
    lockstep = Repository(LockstepStore(store, editors=4))
    won: list[RecordMetadata] = []
    conflicts: list[ConflictError] = []

    def edit(n: int) -> None:
        try:
            record = lockstep.update_metadata(rid, {"holder_name": f"Người {n}"}, actor=f"cán bộ {n}", reason="sửa")
            won.append(record.metadata)
        except ConflictError as e:
            conflicts.append(e)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and len(conflicts) == 3
    current = Repository(store).get(rid)
    assert current.version == 2 and current.metadata == won[0]
    assert store.get_bytes(layout.version_key(rid, 2)) == store.get_bytes(layout.record_json_key(rid))
    assert store.get_bytes(layout.version_key(rid, 1)) == v1
    assert not store.exists(layout.version_key(rid, 3))


def test_item7_rerun_after_crash_between_version_1_and_record_json_keeps_version_1(
    fs_store: FilesystemStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    """An ingest killed after versions/1.json: the re-run finishes the record from it, never rewrites it."""
    files = make_files()
    repo = Repository(fs_store)
    rid = repo.create(files, metadata, provenance).record_id
    v1 = fs_store.get_bytes(layout.version_key(rid, 1))
    fs_store.delete(layout.record_json_key(rid))
    later = provenance.model_copy(update={"ingested_at": datetime(2026, 1, 1, tzinfo=UTC)})
    assert repo.create(files, metadata.model_copy(update={"summary": "lần hai"}), later).created
    assert fs_store.get_bytes(layout.version_key(rid, 1)) == v1 == fs_store.get_bytes(layout.record_json_key(rid))


class CrashBeforeRecordJson(RecordingStore):
    """An edit that dies after writing its version, before record.json (kill -9 between the two writes)."""

    def put_bytes(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        if key.endswith("/record.json"):
            raise ServiceUnavailableError("simulated crash", subject=key)
        return super().put_bytes(key, data, content_type=content_type)


def test_item7_edit_interrupted_before_record_json_is_completed_once_stale(
    store: ObjectStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> None:
    """A version left ahead of record.json blocks edits only until it is stale; then it is completed, not rewritten."""
    from datetime import timedelta

    repo = Repository(store)
    rid = repo.create(make_files(), metadata, provenance).record_id
    with pytest.raises(ServiceUnavailableError):
        Repository(CrashBeforeRecordJson(store)).update_metadata(rid, {"summary": "A"}, actor="a", reason="sửa")
    left = store.get_bytes(layout.version_key(rid, 2))
    with pytest.raises(ConflictError, match="version 2 exists"):
        repo.update_metadata(rid, {"summary": "B"}, actor="b", reason="sửa")  # fresh: maybe a live edit
    assert repo.get(rid).version == 1
    repo.stale_edit = timedelta(0)
    with pytest.raises(ConflictError, match="an interrupted edit was completed"):
        repo.update_metadata(rid, {"summary": "B"}, actor="b", reason="sửa")
    assert repo.get(rid).version == 2 and store.get_bytes(layout.record_json_key(rid)) == left
    v3 = repo.update_metadata(rid, {"summary": "B"}, actor="b", reason="sửa")
    assert v3.version == 3 and [r.metadata.summary for r in repo.history(rid)] == [None, "A", "B"]
    assert store.get_bytes(layout.version_key(rid, 2)) == left
