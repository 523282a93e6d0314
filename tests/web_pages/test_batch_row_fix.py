"""Issue 16, item 2: a bad manifest row is fixable and re-runnable from the batch page.

A real batch (a synthetic scan, a CSV manifest whose row says 31/02/2023) is run for real (Tesseract):
the document is quarantined; the archivist corrects the row through the page (test client, CSRF on),
the batch is run again (the resume path, ``run_batch``) and the record is stored with the corrected
date; the correction is audited and kept beside the manifest, which is never modified.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pages_helpers import RecordingRunner, csrf_token, text_of

from ingest.corrections import corrections_path
from ingest.service import create_batch, run_batch
from kho.backends import Backends
from ocr.corpus.generate import generate_corpus

HEADER = "file,document_type,issued_on,holder_name,citizen_id,pages\n"


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clean synthetic scan of an administrative result."""
    folder = tmp_path_factory.mktemp("corpus")
    [item] = generate_corpus(folder, 1, seed=16, levels=["clean"], kinds=["results"])
    return folder / item.file


@dataclass(frozen=True)
class BadBatch:
    """A batch run once, its one document quarantined for its manifest row."""

    id: int
    key: str
    manifest: Path
    manifest_bytes: bytes


def _bad_batch(backends: Backends, tmp_path: Path, scan: Path, rows: str) -> BadBatch:
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copy(scan, scans / f"giay-phep{scan.suffix}")
    manifest = tmp_path / "bang-ke.csv"
    manifest.write_text(HEADER + rows.format(file=f"giay-phep{scan.suffix}"), encoding="utf-8")
    batch = create_batch(backends, [scans], manifest, "lô sửa dòng")
    summary = run_batch(backends, batch.id, jobs=1)
    assert (summary.stored, summary.quarantined) == (0, 1)
    [item] = backends.catalog.list_batch_items(batch.id, "quarantined")
    kept = Path(batch.options["manifest"])
    return BadBatch(batch.id, item.key, kept, kept.read_bytes())


@pytest.fixture
def bad_batch(backends: Backends, tmp_path: Path, scan: Path) -> BadBatch:
    """A batch whose only row gives the date 31/02/2023."""
    return _bad_batch(backends, tmp_path, scan, "{file},Giấy phép xây dựng,31/02/2023,Nguyễn Văn An,,1\n")


def _form_url(batch: BadBatch) -> str:
    return f"/batches/{batch.id}/fix-row?item={batch.key}"


def _post(client: FlaskClient, batch: BadBatch, **cells: str) -> object:
    form = text_of(client.get(_form_url(batch)))
    values = {"document_type": "Giấy phép xây dựng", "issued_on": "31/02/2023", "holder_name": "Nguyễn Văn An",
              "pages": "1", **cells}
    data = {"csrf_token": csrf_token(form), "item": batch.key, "line": "2", **values}
    return client.post(f"/batches/{batch.id}/fix-row", data=data)


def test_a_row_with_31_02_is_corrected_on_the_page_and_the_batch_stores_the_record(
    as_user: Callable[..., FlaskClient], backends: Backends, runner: RecordingRunner, bad_batch: BadBatch
) -> None:
    client = as_user("luu-tru")
    page = text_of(client.get(f"/batches/{bad_batch.id}"))
    assert "Sửa dòng bảng kê" in page and html.escape(_form_url(bad_batch)) in page

    form = text_of(client.get(_form_url(bad_batch)))
    assert 'value="31/02/2023"' in form and 'value="Nguyễn Văn An"' in form  # the row as uploaded, pre-filled
    assert "ngày ban hành (issued_on) không phải một ngày có thật" in form  # the faulty cell, marked in words
    assert 'name="csrf_token"' in form

    response = _post(client, bad_batch, issued_on="28/02/2023", notes="Bản gốc\r\nlưu tại kho ")  # a browser's CRLF
    assert response.status_code == 302, text_of(response)  # type: ignore[attr-defined]
    assert response.headers["Location"] == f"/batches/{bad_batch.id}"  # type: ignore[attr-defined]
    assert runner.started == [bad_batch.id]
    assert "Đã lưu dòng 2 đã sửa; văn bản được xử lý lại." in text_of(client.get(f"/batches/{bad_batch.id}"))
    [item] = backends.catalog.list_batch_items(bad_batch.id)
    assert item.status == "queued" and item.reason is None
    [event] = backends.catalog.query_audit(action="batch.row_fix")
    assert event.actor == "luu-tru" and event.details["row"] == 2 and event.details["item"] == bad_batch.key
    assert event.details["changes"] == {"issued_on": {"old": "31/02/2023", "new": "28/02/2023"},
                                        "notes": {"old": "", "new": "Bản gốc\nlưu tại kho"}}
    assert bad_batch.manifest.read_bytes() == bad_batch.manifest_bytes  # the uploaded manifest is never modified
    assert corrections_path(backends.settings.data_dir, bad_batch.id).is_file()

    summary = run_batch(backends, bad_batch.id, jobs=1)  # what the started runner does: the resume path
    assert (summary.stored, summary.quarantined) == (1, 0)
    [item] = backends.catalog.list_batch_items(bad_batch.id)
    assert item.status == "indexed" and item.record_id
    record = backends.repository.get(item.record_id)
    assert record.metadata.issued_on == dt.date(2023, 2, 28)
    assert record.metadata.holder_name == "Nguyễn Văn An"
    done = text_of(client.get(f"/batches/{bad_batch.id}"))
    assert "Sửa dòng bảng kê" not in done


def test_an_invalid_correction_comes_back_with_its_reason_and_changes_nothing(
    as_user: Callable[..., FlaskClient], backends: Backends, runner: RecordingRunner, bad_batch: BadBatch
) -> None:
    client = as_user("luu-tru")
    response = _post(client, bad_batch, issued_on="30/02/2023", citizen_id="12345")
    page = text_of(response)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Dòng vẫn chưa hợp lệ nên chưa thay đổi gì" in page
    date_reason = "ngày ban hành (issued_on) không phải một ngày có thật (YYYY-MM-DD hoặc DD/MM/YYYY)"
    assert f"{date_reason}: &#39;30/02/2023&#39;" in page
    assert "số định danh (citizen_id) không hợp lệ" in page  # every problem of the row, not only the first
    assert 'value="30/02/2023"' in page  # what was typed is kept
    assert runner.started == []
    [item] = backends.catalog.list_batch_items(bad_batch.id)
    assert item.status == "quarantined"
    assert backends.catalog.query_audit(action="batch.row_fix") == []
    assert not corrections_path(backends.settings.data_dir, bad_batch.id).exists()

    english = as_user("luu-tru")
    english.post("/language", data={"lang": "en", "csrf_token": csrf_token(text_of(english.get("/")))})
    refused = text_of(_post(english, bad_batch, issued_on="30/02/2023"))
    assert "The row is still not valid" in refused and "issued_on is not a date" in refused


@pytest.mark.parametrize(("cells", "reason"), [
    ({"holder_name": "Nguyễn\x07Văn An"}, "ký tự điều khiển U+0007"),
    ({"issued_on": "28/02/2023", "holder_name": "Nguyễn Văn An\x1f"}, "ký tự điều khiển U+001F"),  # even at the end
    ({"notes": "x" * 50_000}, "cột notes dài quá 1000 ký tự"),
    ({"citizen_id": "0" * 5_000}, "cột citizen_id dài quá 1000 ký tự"),
    ({"issued_on": "28/02/2023", "pages": "\u0661"}, "số trang (pages) không phải số nguyên dương"),  # Arabic-Indic 1
    ({}, "ngày ban hành (issued_on) không phải một ngày có thật"),  # sent unchanged: still the same reason
])
def test_hostile_or_unchanged_corrections_are_refused_with_their_reason(
    as_user: Callable[..., FlaskClient], backends: Backends, runner: RecordingRunner, bad_batch: BadBatch,
    cells: dict[str, str], reason: str,
) -> None:
    response = _post(as_user("luu-tru"), bad_batch, **cells)
    assert response.status_code == 422 and reason in text_of(response)  # type: ignore[attr-defined]
    assert runner.started == [] and backends.catalog.query_audit(action="batch.row_fix") == []


def test_rows_of_one_document_that_disagree_are_fixed_one_row_at_a_time(
    as_user: Callable[..., FlaskClient], backends: Backends, runner: RecordingRunner, tmp_path: Path, scan: Path
) -> None:
    manifest = tmp_path / "bang-ke.csv"
    (tmp_path / "scans").mkdir()
    for name in ("trang-1", "trang-2"):
        shutil.copy(scan, tmp_path / "scans" / f"{name}{scan.suffix}")
    manifest.write_text(
        "file,document,issued_on,holder_name\n"
        f"trang-1{scan.suffix},GP-7,01/03/2023,Trần Thị Hoa\n"
        f"trang-2{scan.suffix},GP-7,02/03/2023,Trần Thị Hoa\n", encoding="utf-8")
    batch = create_batch(backends, [tmp_path / "scans"], manifest, "lô hai dòng")
    run_batch(backends, batch.id, jobs=1)
    client = as_user("luu-tru")
    form = text_of(client.get(f"/batches/{batch.id}/fix-row?item=GP-7"))
    assert "dòng 3" in form and "các dòng 2, 3 của văn bản ghi khác nhau ở cột issued_on" in form
    token = csrf_token(form)
    base = {"csrf_token": token, "item": "GP-7", "holder_name": "Trần Thị Hoa"}
    still = client.post(f"/batches/{batch.id}/fix-row", data={**base, "line": "3", "issued_on": "03/03/2023"})
    assert still.status_code == 422 and "ghi khác nhau ở cột issued_on" in text_of(still)
    fixed = client.post(f"/batches/{batch.id}/fix-row", data={**base, "line": "3", "issued_on": "01/03/2023"})
    assert fixed.status_code == 302 and runner.started == [batch.id]
    assert backends.catalog.list_batch_items(batch.id)[0].status == "queued"


def test_only_roles_that_run_batches_may_fix_and_unknown_batches_or_items_are_404(
    as_user: Callable[..., FlaskClient], bad_batch: BadBatch, runner: RecordingRunner, backends: Backends
) -> None:
    official = as_user("can-bo")
    assert official.get(_form_url(bad_batch)).status_code == 403
    token = csrf_token(text_of(official.get("/")))
    denied = official.post(f"/batches/{bad_batch.id}/fix-row",
                           data={"csrf_token": token, "item": bad_batch.key, "line": "2", "issued_on": "28/02/2023"})
    assert denied.status_code == 403 and runner.started == []
    assert backends.catalog.list_batch_items(bad_batch.id)[0].status == "quarantined"
    assert "Sửa dòng bảng kê" not in text_of(as_user("can-bo").get(f"/batches/{bad_batch.id}"))

    archivist = as_user("luu-tru")
    assert archivist.get(f"/batches/999/fix-row?item={bad_batch.key}").status_code == 404
    unknown = archivist.get(f"/batches/{bad_batch.id}/fix-row?item=khong-co.png")
    assert unknown.status_code == 404 and "khong-co.png" in text_of(unknown)
    assert archivist.get(f"/batches/{bad_batch.id}/fix-row?item={bad_batch.key}&line=9").status_code == 404
    no_token = archivist.post(f"/batches/{bad_batch.id}/fix-row",
                              data={"item": bad_batch.key, "line": "2", "issued_on": "28/02/2023"})
    assert no_token.status_code == 400 and runner.started == []


def test_showing_a_row_that_gives_a_citizen_id_is_an_audited_read(
    as_user: Callable[..., FlaskClient], backends: Backends, tmp_path: Path, scan: Path
) -> None:
    batch = _bad_batch(backends, tmp_path, scan, "{file},Giấy phép,31/02/2023,Nguyễn Văn An,049085001234,1\n")
    assert backends.catalog.query_audit(action="batch.row_read") == []
    page = text_of(as_user("luu-tru").get(_form_url(batch)))
    assert 'value="049085001234"' in page
    [event] = backends.catalog.query_audit(action="batch.row_read")
    assert event.citizen_id == "049085001234" and event.actor == "luu-tru"
    assert event.details == {"batch_id": batch.id, "item": batch.key, "rows": [2]}
