"""The service functions in-process: hostile inputs are quarantined, batches resume, names are stable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ingest_helpers import RES, blank_png, copy_subset, manifest_rows

from ingest.plan import PlannedDocument
from ingest.progress import ProgressEvent
from ingest.service import create_batch, default_batch_name, find_batch, run_batch
from ingest.sources import SourceItem
from ingest.steps import BatchRun, Prepared
from kho.backends import Backends
from kho.errors import ConflictError, InputError, NotFoundError, ProcessingTimeoutError
from ocr.pipeline import OcrOptions
from repository.catalog import NewBatchItem
from search.index import SearchQuery

HOSTILE = (
    "pages-3000.pdf", "bomb.png", "encrypted.pdf", "corrupt.pdf", "letter.doc",
    "traversal.zip", "ratio-bomb.zip", "encrypted-entry.zip", "corrupt.zip",
)


def test_hostile_inputs_are_quarantined_and_the_batch_goes_on(backends: Backends, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in HOSTILE:
        shutil.copy(RES / name, inbox / name)
    for i, name in enumerate(("good.png", "bad-date.png", "bad-id.png", "lost-zero.png", "extra-column.png",
                              "part-1.png", "part-2.png", "split-1.png", "split-2.png", "stray.png")):
        blank_png(inbox / name, 50 + i)
    manifest = RES / "manifest-bad.csv"
    batch = create_batch(backends, [inbox], manifest)
    summary = run_batch(backends, batch.id, jobs=1)
    items = {i.key: i for i in backends.catalog.list_batch_items(batch.id)}
    quarantined = {k: i.reason or "" for k, i in items.items() if i.status == "quarantined"}
    expected = {
        "pages-3000.pdf": "3000 pages", "bomb.png": "bomb", "encrypted.pdf": "encrypted",
        "corrupt.pdf": "corrupt", "letter.doc": "unsupported", "ratio-bomb.zip": "ZIP bomb",
        "encrypted-entry.zip/secret.png": "encrypted", "corrupt.zip": "corrupt",
        "traversal.zip/good/link.png": "link", "traversal.zip/nested.zip": "ZIP inside a ZIP",
        "bad-date.png": "not a date", "bad-id.png": "citizen_id", "extra-column.png": "unknown column",
        "good.png": "listed twice", "hs-02": "disagree",
    }
    for key, words in expected.items():
        assert words in quarantined.get(key, ""), (key, quarantined.get(key))
    assert sum("unsafe path" in r for r in quarantined.values()) == 3
    assert items["../outside.png"].status == "failed"
    # the rest went through: stored, indexed, flagged for review (blank, low dpi)
    for key in ("lost-zero.png", "hs-01", "stray.png", "traversal.zip/good/page.png"):
        assert items[key].status == "indexed", (key, items[key])
        assert items[key].fields["review_state"] == "needs_review"
    hs01 = items["hs-01"]
    assert hs01.pages == 2 and hs01.fields["files"] == ["part-1.png", "part-2.png"]
    assert any("3 ≠ 2" in w or "2 ≠ 3" in w for w in hs01.warnings)
    lost = backends.repository.get(items["lost-zero.png"].record_id or "")
    assert lost.metadata.citizen_ids == ("049085001234",)
    assert any("leading zero" in r for r in lost.metadata.review_reasons)
    assert backends.index.count() == summary.stored == len(list(backends.repository.iter_record_ids()))
    assert summary.quarantined == len(quarantined) and summary.failed == 1
    assert len(backends.catalog.list_review_tasks(limit=100)) == summary.needs_review
    qdir = backends.settings.data_dir / "quarantine" / str(batch.id)
    copies = sorted(p.name for p in qdir.rglob("*") if p.is_file())
    assert "01-bomb.png" in copies and "01-letter.doc" in copies and "01-ratio-bomb.zip" in copies
    assert sum(p.stat().st_size for p in qdir.rglob("*") if p.is_file()) < 200_000
    assert Path(summary.report_csv).is_file() and Path(summary.report_json).is_file()
    report = Path(summary.report_csv).read_text("utf-8-sig")
    assert "Tệp ZIP quá lớn hoặc nén bất thường" in report and ",zip_too_large," in report and "ZIP bomb" in report


def test_interrupted_run_resumes_without_redoing_work(backends: Backends, clean_corpus: Path, tmp_path: Path) -> None:
    folder = copy_subset(clean_corpus, tmp_path / "two", 2)
    batch = create_batch(backends, [folder], folder / "manifest.csv", "hai văn bản")
    events: list[ProgressEvent] = []

    def stop_after_first(event: ProgressEvent) -> None:
        events.append(event)
        if event.documents_done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(backends, batch.id, jobs=1, progress=stop_after_first)
    assert backends.catalog.get_batch(batch.id).status == "failed"
    statuses = sorted(i.status for i in backends.catalog.list_batch_items(batch.id))
    assert statuses == ["processing", "stored"] or statuses == ["queued", "stored"]
    again = create_batch(backends, [folder], folder / "manifest.csv", "hai văn bản")
    assert again.id == batch.id
    summary = run_batch(backends, find_batch(backends, "hai văn bản").id, jobs=1)
    assert (summary.stored, summary.stored_now, summary.already_stored) == (2, 1, 0)
    assert backends.index.count() == 2 == len(list(backends.repository.iter_record_ids()))
    assert all(i.status == "indexed" for i in backends.catalog.list_batch_items(batch.id))
    assert backends.catalog.get_batch(batch.id).status == "done"
    ids = {r["citizen_id"] for r in manifest_rows(folder)}
    for citizen_id in ids:
        assert backends.index.search(SearchQuery(citizen_id=citizen_id)).total == 1


def test_batch_names_and_lookups(backends: Backends, tmp_path: Path) -> None:
    blank_png(tmp_path / "a" / "x.png", 30)
    first = create_batch(backends, [tmp_path / "a"])
    assert first.name == default_batch_name([str((tmp_path / "a").resolve())], None)
    assert create_batch(backends, [tmp_path / "a"]).id == first.id
    blank_png(tmp_path / "b" / "y.png", 31)
    with pytest.raises(ConflictError):
        create_batch(backends, [tmp_path / "b"], name=first.name)
    with pytest.raises(InputError, match="not found"):
        create_batch(backends, [tmp_path / "missing"])
    with pytest.raises(InputError, match="no 'file' column"):
        (tmp_path / "m.csv").write_text("citizen_id\n1\n")
        create_batch(backends, [tmp_path / "a"], tmp_path / "m.csv")
    assert find_batch(backends, str(first.id)).id == first.id
    with pytest.raises(NotFoundError):
        find_batch(backends, "no-such-batch")


def test_timeouts_fail_and_bad_pages_quarantine(backends: Backends, tmp_path: Path) -> None:
    scan = blank_png(tmp_path / "in" / "a.png", 40)
    batch = backends.catalog.create_batch("timeouts", [str(scan.parent)])
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem("a.png"), NewBatchItem("b.png")])
    run = BatchRun(backends, batch, OcrOptions(), tmp_path / "staging")
    for key, error in (("a.png", ProcessingTimeoutError("tesseract took too long", subject="a.png")),
                       ("b.png", InputError("corrupt image data on page 2", subject="b.png"))):
        doc = PlannedDocument(key, (SourceItem(key, scan, str(scan)),))
        run.fail(Prepared(doc, (), (), "kho-00000000000000000000"), error)
    items = {i.key: i for i in backends.catalog.list_batch_items(batch.id)}
    assert items["a.png"].status == "failed" and "too long" in (items["a.png"].reason or "")
    assert items["b.png"].status == "quarantined" and "corrupt" in (items["b.png"].reason or "")
    assert run.counters.failed == 1 and run.counters.quarantined == 1


def test_the_same_scan_twice_in_one_batch_is_stored_once(backends: Backends, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    first = blank_png(inbox / "a" / "scan.png", 44)
    (inbox / "b").mkdir()
    shutil.copy(first, inbox / "b" / "scan.png")
    blank_png(inbox / "c.png", 45)
    summary = run_batch(backends, create_batch(backends, [inbox]).id, jobs=2)
    assert (summary.documents, summary.stored, summary.stored_now, summary.already_stored) == (3, 3, 2, 1)
    assert summary.failed == 0 and backends.index.count() == 2
    items = backends.catalog.list_batch_items(summary.batch_id)
    assert items[0].record_id == items[1].record_id != items[2].record_id
