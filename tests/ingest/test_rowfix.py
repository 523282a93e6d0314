"""Manifest-row corrections: kept beside the manifest, put in place of the uploaded rows by every run,
checked by the one row rule (validate_row); the service refuses what is still wrong and changes nothing.
The page side (the form, the audit, a real run) is in tests/web_pages/test_batch_row_fix.py."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.corrections import (
    EDITABLE,
    RowCorrection,
    corrected_row,
    corrections_path,
    load_corrections,
    save_correction,
    with_corrections,
)
from ingest.manifest import COLUMNS, parse_manifest, problem_column, validate_row
from ingest.plan import plan_documents
from ingest.rowfix import RowFixRefused, apply_fix, check_fix, load_fix, row_fixable
from ingest.service import batch_manifest, create_batch
from ingest.sources import discover
from kho.backends import Backends
from kho.errors import ConflictError, InputError, NotFoundError
from repository.catalog import NewBatchItem

MANIFEST = (
    "file,document,issued_on,citizen_id,pages,holder_name\n"
    "a.png,,31/02/2023,,1,Nguyễn Văn An\n"
    "b.png,,01/02/2023,,1,Lê Thị Bích\n"
    "b.png,,02/02/2023,,1,Lê Thị Bích\n"
)

MISSING_FILE = MANIFEST.replace("b.png,,02", "c.png,,02")  # row 4 names a file that is not among the inputs


def test_each_problem_of_a_row_names_its_column() -> None:
    header = ["file", "issued_on", "citizen_id", "pages", "notes", "colour", "holder_name"]
    row = validate_row(7, header, ["../x.png", "31/02/2023", "12345", "0", "y" * 1001, "red", "An\x07"])
    assert [problem_column(p) for p in row.problems] == [
        "holder_name", "colour", "file", "citizen_id", "issued_on", "pages", "notes"]
    assert problem_column("something kho never wrote") is None


def test_a_corrected_row_replaces_the_uploaded_one_and_is_checked_again() -> None:
    manifest = parse_manifest(MANIFEST.encode(), "bang-ke.csv")
    assert "not a date" in manifest.rows[0].problems[0]
    fixed = with_corrections(manifest, {2: {"issued_on": "28/02/2023", "pages": "1", "holder_name": "Nguyễn Văn An"}})
    assert fixed is not None and fixed.rows[0].problems == () and fixed.rows[0].issued_on == dt.date(2023, 2, 28)
    assert fixed.rows[0].file == "a.png" and fixed.rows[1:] == manifest.rows[1:]
    still = with_corrections(manifest, {2: {"issued_on": "30/02/2023"}})
    assert still is not None and "not a date" in still.rows[0].problems[0]
    duplicate = manifest.rows[2]
    assert "listed twice" in duplicate.problems[0]
    assert "listed twice" in corrected_row(duplicate, {"issued_on": "01/02/2023"}).problems[0]  # file is not editable
    assert with_corrections(None, {2: {}}) is None and with_corrections(manifest, {}) is manifest


def test_corrections_are_kept_with_their_history_and_a_broken_file_is_named(tmp_path: Path) -> None:
    assert load_corrections(tmp_path, 3) == {}
    save_correction(tmp_path, 3, RowCorrection(2, "luu-tru", "2026-12-05T10:00:00+00:00",
                                               {"issued_on": "31/02/2023"}, {"issued_on": "28/02/2023"}))
    save_correction(tmp_path, 3, RowCorrection(2, "quan-tri", "2026-12-05T11:00:00+00:00",
                                               {"issued_on": "28/02/2023"}, {"issued_on": "27/02/2023"}))
    assert load_corrections(tmp_path, 3) == {2: {"issued_on": "27/02/2023"}}
    kept = json.loads(corrections_path(tmp_path, 3).read_text("utf-8"))
    assert [h["by"] for h in kept["history"]] == ["luu-tru", "quan-tri"]
    assert kept["history"][0]["old"] == {"issued_on": "31/02/2023"}
    assert not list(corrections_path(tmp_path, 3).parent.glob("*.part"))
    corrections_path(tmp_path, 4).write_text("{not json", "utf-8")
    with pytest.raises(InputError) as broken:
        load_corrections(tmp_path, 4)
    assert broken.value.one_line().endswith("batch-4.json: cannot read the batch's manifest corrections: "
                                            "Expecting property name enclosed in double quotes: line 1 column 2 "
                                            "(char 1)")
    assert "file" not in EDITABLE and "document" not in EDITABLE


def _quarantined_batch(backends: Backends, tmp_path: Path, text: str = MISSING_FILE) -> int:
    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("a.png", "b.png"):
        (scans / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    manifest = tmp_path / "bang-ke.csv"
    manifest.write_text(text, "utf-8")
    batch = create_batch(backends, [scans], manifest, "lô thử")
    plan = plan_documents(discover([scans], tmp_path / "staging"), batch_manifest(backends, batch))
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem(d.key) for d in plan])
    for doc in plan:
        if doc.problem:
            backends.catalog.update_batch_item(batch.id, doc.key, status="quarantined", reason=doc.problem)
    return batch.id


def test_the_service_checks_keeps_and_requeues_and_refuses_what_is_still_wrong(
    backends: Backends, tmp_path: Path
) -> None:
    batch_id = _quarantined_batch(backends, tmp_path)
    items = {i.key: i for i in backends.catalog.list_batch_items(batch_id)}
    assert row_fixable(items["a.png"]) and not row_fixable(items["b.png"])
    assert not row_fixable(items["c.png"])  # a missing file is not a row a correction can fix
    twice = replace(items["a.png"], reason="manifest row 4: file listed twice in the manifest (rows 3 and 4)")
    assert not row_fixable(twice)  # nor a file listed twice: the file column is not corrected
    assert row_fixable(replace(twice, reason=f"{twice.reason}; pages is not a positive whole number: '0'"))
    view = load_fix(backends, batch_id, "a.png")
    [row] = view.rows
    assert row.values()["issued_on"] == "31/02/2023"
    assert [c.column for c in row.cells if c.problems] == ["issued_on"]

    cells = {**row.values(), "issued_on": "30/02/2023", "citizen_id": "12345"}
    with pytest.raises(RowFixRefused) as refused:
        check_fix(backends, batch_id, "a.png", 2, cells)
    assert {p.column for p in refused.value.problems} == {"issued_on", "citizen_id"}
    words = {p.column: p.words("vi") for p in refused.value.problems}
    assert words["issued_on"].startswith("ngày ban hành (issued_on)") and words["citizen_id"].startswith("số định danh")
    assert "issued_on is not a date" in refused.value.one_line() and "\n" not in refused.value.one_line()
    assert load_corrections(backends.settings.data_dir, batch_id) == {}

    with pytest.raises(NotFoundError):
        check_fix(backends, batch_id, "a.png", 9, cells)
    with pytest.raises(NotFoundError):
        load_fix(backends, batch_id, "z.png")
    with pytest.raises(ConflictError):
        load_fix(backends, batch_id, "b.png")
    with pytest.raises(NotFoundError):
        load_fix(backends, 999, "a.png")

    fix = check_fix(backends, batch_id, "a.png", 2, {**row.values(), "issued_on": "28/02/2023"})
    assert fix.changes == {"issued_on": ("31/02/2023", "28/02/2023")} and fix.document_ready
    assert apply_fix(backends, fix, "luu-tru") is True
    item = next(i for i in backends.catalog.list_batch_items(batch_id) if i.key == "a.png")
    assert item.status == "queued" and item.reason is None
    batch = backends.catalog.get_batch(batch_id)
    corrected = batch_manifest(backends, batch)
    assert corrected is not None and corrected.rows[0].issued_on == dt.date(2023, 2, 28)
    assert Path(batch.options["manifest"]).read_text("utf-8").count("31/02/2023") == 1  # the upload as it was


def test_a_value_in_an_unknown_column_is_dropped_by_the_correction(backends: Backends, tmp_path: Path) -> None:
    batch_id = _quarantined_batch(backends, tmp_path, "file,issued_on,colour\na.png,01/02/2023,red\n")
    [row] = load_fix(backends, batch_id, "a.png").rows
    assert [p.text for p in row.other_problems] == ["unknown column 'colour' (known: " + ", ".join(COLUMNS) + ")"]
    fix = check_fix(backends, batch_id, "a.png", 2, row.values())  # sent unchanged: the row is valid without it
    assert fix.changes == {} and fix.document_ready
    assert apply_fix(backends, fix, "luu-tru") is True
    with pytest.raises(ConflictError, match="not quarantined"):  # queued now: nothing more to correct
        check_fix(backends, batch_id, "a.png", 2, row.values())


def test_corrections_saved_at_once_are_all_kept(tmp_path: Path) -> None:
    def save(line: int) -> None:
        save_correction(tmp_path, 5, RowCorrection(line, "luu-tru", "2026-12-05T10:00:00+00:00", {}, {"pages": "1"}))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(save, range(2, 42)))
    assert sorted(load_corrections(tmp_path, 5)) == list(range(2, 42))
    assert len(json.loads(corrections_path(tmp_path, 5).read_text("utf-8"))["history"]) == 40
