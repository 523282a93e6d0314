"""Fixity: one flipped byte, one deleted object, one stray object each detected; no false alarms."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from repository import layout
from repository.fixity import verify_store
from repository.objectstore import ObjectStore
from repository.records import RecordFiles, Repository
from repository.schema import Provenance, RecordMetadata

MakeFiles = Callable[..., RecordFiles]


@pytest.fixture
def filled(
    store: ObjectStore, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> tuple[Repository, list[str]]:
    """A repository with three records, one of them corrected twice."""
    repo = Repository(store)
    ids = [repo.create(make_files(seed), metadata, provenance).record_id for seed in "abc"]
    repo.update_metadata(ids[1], {"summary": "Về việc cấp phép"}, actor="a", reason="sửa")
    repo.update_metadata(ids[1], {"status": "revoked"}, actor="b", reason="thu hồi")
    return repo, sorted(ids)


def test_untouched_repository_has_no_false_alarms(filled: tuple[Repository, list[str]]) -> None:
    repo, _ids = filled
    report = verify_store(repo.store)
    assert report.ok, report.problems
    assert (report.records_total, report.records_checked) == (3, 3)
    assert report.objects_checked == 3 * 9
    assert report.bytes_checked > 0


def test_flipped_byte_is_detected(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    key = repo.object_key(repo.get(ids[0]), "pdf")
    data = bytearray(repo.store.get_bytes(key))
    data[len(data) // 2] ^= 0x01
    repo.store.put_bytes(key, bytes(data))
    report = verify_store(repo.store)
    assert [(p.record_id, p.key, p.kind) for p in report.problems] == [(ids[0], key, "changed")]
    assert "SHA-256" in report.problems[0].detail


def test_deleted_object_is_detected(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    key = repo.object_key(repo.get(ids[2]), "page", 1)
    repo.store.delete(key)
    report = verify_store(repo.store)
    assert [(p.record_id, p.key, p.kind) for p in report.problems] == [(ids[2], key, "missing")]


def test_stray_objects_are_detected(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    stray = layout.record_prefix(ids[1]) + "pages/9999.png"
    repo.store.put_bytes(stray, b"not part of the record")
    repo.store.put_bytes("elsewhere/file.bin", b"x")
    orphan = layout.record_prefix("kho-00000000000000000000") + "document.pdf"
    repo.store.put_bytes(orphan, b"left over from a crash")
    report = verify_store(repo.store)
    found = {(p.record_id, p.key, p.kind) for p in report.problems}
    assert found == {
        (ids[1], stray, "untracked"),
        (None, "elsewhere/file.bin", "untracked"),
        ("kho-00000000000000000000", orphan, "untracked"),
    }
    assert report.records_total == 3


def test_history_tampering_is_detected(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    corrected = next(r for r in ids if repo.get(r).version == 3)
    v1 = layout.version_key(corrected, 1)
    text = repo.store.get_bytes(v1).replace("Nguyễn Văn An".encode(), "Nguyễn Văn Bình".encode())
    repo.store.put_bytes(v1, text)
    repo.store.delete(layout.version_key(corrected, 2))
    report = verify_store(repo.store)
    kinds = sorted((p.key.rsplit("/", 2)[-2:][-1], p.kind) for p in report.problems)
    assert kinds == [("2.json", "missing")]  # the chain link 1 -> 2 cannot be checked without version 2
    repo.store.put_bytes(layout.record_json_key(corrected), repo.store.get_bytes(layout.version_key(corrected, 3)))
    repo.store.put_bytes(layout.version_key(corrected, 2), b"{}")
    report = verify_store(repo.store)
    assert {(p.key.rsplit("/", 1)[-1], p.kind) for p in report.problems} == {("2.json", "invalid")}


def test_hash_chain_detects_edited_earlier_version(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    corrected = next(r for r in ids if repo.get(r).version == 3)
    v1 = layout.version_key(corrected, 1)
    repo.store.put_bytes(v1, repo.store.get_bytes(v1).replace(b'"reason": "ingest"', b'"reason": "forged"'))
    report = verify_store(repo.store)
    assert [(p.key, p.kind) for p in report.problems] == [(layout.version_key(corrected, 2), "changed")]


def test_edited_record_json_is_detected(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    key = layout.record_json_key(ids[0])
    repo.store.put_bytes(key, repo.store.get_bytes(key).replace(b'"status": "valid"', b'"status": "revoked"'))
    report = verify_store(repo.store)
    assert [(p.key, p.kind) for p in report.problems] == [(key, "changed")]
    repo.store.put_bytes(key, b"not json")
    report = verify_store(repo.store)
    assert [(p.key, p.kind) for p in report.problems] == [(key, "invalid")]


def test_sample_checks_only_some_records(filled: tuple[Repository, list[str]]) -> None:
    repo, _ids = filled
    report = verify_store(repo.store, sample=2, rng=random.Random(1))
    assert (report.records_total, report.records_checked, report.sample) == (3, 2, 2)
    assert report.ok
    summary = report.summary()
    assert summary.ok and summary.records_checked == 2 and summary.report["records_total"] == 3


def test_d11_deleted_record_json_is_a_damaged_record_not_a_leftover(filled: tuple[Repository, list[str]]) -> None:
    """D11: a stored record whose record.json was deleted is reported as damaged, with no advice to delete it."""
    repo, ids = filled
    corrected = next(i for i in ids if repo.get(i).version == 3)
    repo.store.delete(layout.record_json_key(corrected))  # versions 1..3 remain
    report = verify_store(repo.store)
    (problem,) = report.problems
    assert (problem.record_id, problem.key, problem.kind) == (corrected, layout.record_json_key(corrected), "damaged")
    assert "damaged record: record.json is missing" in problem.detail
    assert "copy versions/3.json to record.json" in problem.detail
    assert "interrupted write" not in problem.detail and "never delete" in problem.detail
    assert report.counts()["damaged"] == 1 and report.counts()["untracked"] == 0


def test_d11_record_known_to_the_catalog_without_any_version_is_damaged(
    filled: tuple[Repository, list[str]],
) -> None:
    repo, ids = filled
    prefix = layout.record_prefix(ids[0])
    for info in list(repo.store.list_keys(prefix)):
        if info.key.startswith(prefix + "versions/") or info.key.endswith("record.json"):
            repo.store.delete(info.key)
    leftover = layout.record_prefix("kho-00000000000000000000") + "document.pdf"
    repo.store.put_bytes(leftover, b"left over from a crash")
    report = verify_store(repo.store, known={ids[0]}.__contains__)
    kinds = {(p.record_id, p.kind) for p in report.problems}
    assert kinds == {(ids[0], "damaged"), ("kho-00000000000000000000", "untracked")}
    damaged = next(p for p in report.problems if p.kind == "damaged")
    assert "known to the catalog" in damaged.detail and "restore the folder from a backup" in damaged.detail
    stray = next(p for p in report.problems if p.kind == "untracked")
    assert "interrupted write" in stray.detail and "delete" not in stray.detail


def test_d11_docs_never_advise_deleting_a_record_folder() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "repository.md").read_text("utf-8")
    assert "delete a\nleft-over" not in doc and "delete a left-over" not in doc.replace("\n", " ")
    assert "damaged" in doc


def test_item7_interrupted_edit_is_reported_as_damaged(filled: tuple[Repository, list[str]]) -> None:
    """An edit that wrote version n+1 but not record.json blocks later edits: verify says so and how to fix it."""
    repo, ids = filled
    record = repo.get(next(i for i in ids if repo.get(i).version == 1))
    orphan = record.model_copy(update={"version": 2})
    repo.store.put_bytes(layout.version_key(record.record_id, 2), orphan.to_json_bytes())
    (problem,) = verify_store(repo.store).problems
    assert (problem.key, problem.kind) == (layout.version_key(record.record_id, 2), "damaged")
    assert "the next edit of the record completes it" in problem.detail


def test_d11_catalog_knows_the_records_its_batches_stored(
    filled: tuple[Repository, list[str]], tmp_path: Path
) -> None:
    """The catalog (real SQLite) tells verify which record IDs were stored, even with nothing else left."""
    from repository.catalog import Catalog, NewBatchItem
    from repository.fixity import catalog_knows

    repo, ids = filled
    catalog = Catalog.open(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    try:
        batch = catalog.create_batch("lô 1", ["/in"])
        catalog.upsert_batch_items(batch.id, [NewBatchItem("a.pdf"), NewBatchItem("b.pdf")])
        catalog.update_batch_item(batch.id, "a.pdf", status="stored", record_id=ids[2])
        catalog.update_batch_item(batch.id, "b.pdf", status="quarantined", reason="ZIP bomb")
        known = catalog_knows(catalog)
        assert known(ids[2]) and not known(ids[0]) and not known("kho-00000000000000000000")
        for info in list(repo.store.list_keys(layout.record_prefix(ids[2]))):
            if "/versions/" in info.key or info.key.endswith("record.json"):
                repo.store.delete(info.key)
        report = verify_store(repo.store, known=catalog_knows(catalog))
        assert [(p.record_id, p.kind) for p in report.problems] == [(ids[2], "damaged")]
    finally:
        catalog.close()
