"""Contract tests: batches, batch items, progress and item statistics (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog import Catalog, NewBatchItem


def _plan(catalog: Catalog, n: int = 3) -> int:
    batch = catalog.create_batch("Lô 2024-05 Hà Nội", ["/scans/hn", "/scans/extra.zip"], {"dpi": 300})
    catalog.upsert_batch_items(batch.id, [NewBatchItem(f"hn/{i:03}.pdf", (f"{i:064x}",), 2) for i in range(n)])
    return batch.id


def test_create_find_and_list_batches(catalog: Catalog) -> None:
    batch = catalog.create_batch("Lô 1", ["/a", "/b"], {"dpi": 300, "lang": "vie"})
    assert (batch.name, batch.status, batch.sources) == ("Lô 1", "queued", ("/a", "/b"))
    assert batch.options == {"dpi": 300, "lang": "vie"} and batch.counts == {}
    assert batch.started_at is None and batch.finished_at is None
    assert catalog.get_batch(batch.id) == batch
    assert catalog.find_batch_by_name("Lô 1") == batch
    assert catalog.find_batch_by_name("Lo\u0302 1") == batch  # decomposed spelling: same name (NFC)
    assert catalog.find_batch_by_name("nope") is None
    second = catalog.create_batch("Lô 2", [])
    assert [b.id for b in catalog.list_batches()] == [second.id, batch.id]
    assert [b.id for b in catalog.list_batches(limit=1, offset=1)] == [batch.id]
    with pytest.raises(ConflictError):
        catalog.create_batch("Lô 1", [])
    with pytest.raises(NotFoundError):
        catalog.get_batch(99999)


def test_batch_status_stamps_start_and_end(catalog: Catalog) -> None:
    batch = catalog.create_batch("b", [])
    running = catalog.set_batch_status(batch.id, "running")
    assert running.started_at is not None and running.finished_at is None
    again = catalog.set_batch_status(batch.id, "running")
    assert again.started_at == running.started_at
    done = catalog.set_batch_status(batch.id, "done", counts={"items": 3, "pages": 6})
    assert done.status == "done" and done.finished_at is not None and done.counts == {"items": 3, "pages": 6}
    assert done.finished_at >= done.started_at  # type: ignore[operator]
    with pytest.raises(UsageError):
        catalog.set_batch_status(batch.id, "paused")
    with pytest.raises(NotFoundError):
        catalog.set_batch_status(12345, "running")


def test_upsert_is_idempotent_and_keeps_progress(catalog: Catalog) -> None:
    batch_id = _plan(catalog)
    catalog.update_batch_item(batch_id, "hn/000.pdf", status="stored", record_id="R-1", pages=2)
    again = catalog.upsert_batch_items(batch_id, [NewBatchItem(f"hn/{i:03}.pdf", (f"{i:064x}",), 2) for i in range(4)])
    assert [i.key for i in again] == ["hn/000.pdf", "hn/001.pdf", "hn/002.pdf", "hn/003.pdf"]
    assert again[0].status == "stored" and again[0].record_id == "R-1"
    assert [i.status for i in again[1:]] == ["queued"] * 3
    assert len(catalog.list_batch_items(batch_id)) == 4


def test_changed_source_requeues_item(catalog: Catalog) -> None:
    batch_id = _plan(catalog, 1)
    catalog.update_batch_item(batch_id, "hn/000.pdf", status="failed", reason="pdf bị mã hoá")
    (item,) = catalog.upsert_batch_items(batch_id, [NewBatchItem("hn/000.pdf", ("f" * 64,), 5)])
    assert (item.status, item.reason, item.source_sha256s, item.pages) == ("queued", None, ("f" * 64,), 5)


def test_update_item_fields(catalog: Catalog) -> None:
    batch_id = _plan(catalog, 1)
    key = "hn/000.pdf"
    processing = catalog.update_batch_item(batch_id, key, status="processing")
    assert processing.status == "processing" and processing.record_id is None
    stored = catalog.update_batch_item(
        batch_id,
        key,
        status="stored",
        record_id="R-9",
        pages=3,
        confidence=0.87,
        warnings=["trang 2 mờ"],
        fields={"so_hieu": "123/QĐ-UBND", "ngay": "2024-05-01"},
    )
    assert stored.record_id == "R-9" and stored.pages == 3 and stored.confidence == pytest.approx(0.87)
    assert stored.warnings == ("trang 2 mờ",) and stored.fields["so_hieu"] == "123/QĐ-UBND"
    assert stored.updated_at >= processing.updated_at
    indexed = catalog.update_batch_item(batch_id, key, status="indexed")
    assert (indexed.record_id, indexed.pages, indexed.warnings) == ("R-9", 3, ("trang 2 mờ",))
    with pytest.raises(UsageError):
        catalog.update_batch_item(batch_id, key, status="lost")
    with pytest.raises(NotFoundError):
        catalog.update_batch_item(batch_id, "nope.pdf", status="failed")


def test_list_items_by_status_and_progress(catalog: Catalog) -> None:
    batch_id = _plan(catalog, 5)
    catalog.set_batch_status(batch_id, "running")
    catalog.update_batch_item(batch_id, "hn/000.pdf", status="indexed", pages=2)
    catalog.update_batch_item(batch_id, "hn/001.pdf", status="stored", pages=3)
    catalog.update_batch_item(batch_id, "hn/002.pdf", status="quarantined", reason="không đọc được")
    catalog.update_batch_item(batch_id, "hn/003.pdf", status="processing")
    assert [i.key for i in catalog.list_batch_items(batch_id, "queued")] == ["hn/004.pdf"]
    assert [i.key for i in catalog.list_batch_items(batch_id, limit=2, offset=1)] == ["hn/001.pdf", "hn/002.pdf"]
    progress = catalog.batch_progress(batch_id)
    assert progress.total == 5 and progress.done == 3 and progress.pages_done == 5
    assert progress.counts == {
        "queued": 1,
        "processing": 1,
        "stored": 1,
        "indexed": 1,
        "failed": 0,
        "quarantined": 1,
    }
    assert progress.started_at is not None and progress.elapsed_seconds >= 0
    assert progress.pages_per_minute >= 0
    with pytest.raises(NotFoundError):
        catalog.batch_progress(424242)
    with pytest.raises(NotFoundError):
        catalog.list_batch_items(424242)


def test_item_statistics_across_batches(catalog: Catalog) -> None:
    assert catalog.quarantine_count() == 0
    assert set(catalog.count_items_by_status().values()) == {0}
    first = _plan(catalog, 2)
    second = catalog.create_batch("other", []).id
    catalog.upsert_batch_items(second, [NewBatchItem("x.pdf"), NewBatchItem("y.pdf")])
    catalog.update_batch_item(first, "hn/000.pdf", status="quarantined", reason="trống")
    catalog.update_batch_item(second, "x.pdf", status="quarantined", reason="hỏng")
    catalog.update_batch_item(second, "y.pdf", status="failed", reason="quá lớn")
    counts = catalog.count_items_by_status()
    assert counts["quarantined"] == 2 and counts["failed"] == 1 and counts["queued"] == 1
    assert catalog.count_items_by_status(second)["queued"] == 0
    assert catalog.quarantine_count() == 2


def test_large_plan_in_one_call(catalog: Catalog) -> None:
    batch = catalog.create_batch("big", [])
    items = [NewBatchItem(f"f/{i:05}.tif", (f"{i:064x}",), 1) for i in range(1200)]
    assert len(catalog.upsert_batch_items(batch.id, items)) == 1200
    assert len(catalog.upsert_batch_items(batch.id, items)) == 1200
    assert catalog.batch_progress(batch.id).counts["queued"] == 1200


def test_bad_item_key_is_refused(catalog: Catalog) -> None:
    batch = catalog.create_batch("b", [])
    with pytest.raises(UsageError):
        catalog.upsert_batch_items(batch.id, [NewBatchItem("")])
    with pytest.raises(NotFoundError):
        catalog.upsert_batch_items(999, [NewBatchItem("a")])
