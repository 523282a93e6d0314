"""Issue 16, item 2 (data side): an upload with a bad file is not refused; the bad file is set aside alone.

Through the API (Flask test client) with real files: a synthetic scan from the corpus generator,
an empty ``.jpg``, files whose content does not match their name; the batch is run for real
(Tesseract) and ends "done with errors" (``done_with_errors``, shown "Hoàn tất – có lỗi").
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from web_api_helpers import TINY_PDF, RecordingRunner, auth, js, upload

from access.batches import DONE_WITH_ERRORS, batch_state
from ingest.service import run_batch
from kho.backends import Backends
from ocr.corpus.generate import generate_corpus
from web.uploads import scan_problem

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def good_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    """One clean synthetic scan of an administrative result: its bytes and extension (``.png``, ``.tif`` …)."""
    folder = tmp_path_factory.mktemp("corpus")
    [item] = generate_corpus(folder, 1, seed=16, levels=["clean"], kinds=["results"])
    return (folder / item.file).read_bytes(), Path(item.file).suffix


def batch_body(client: FlaskClient, key: str, batch_id: int) -> Any:
    r = client.get(f"/api/v1/batches/{batch_id}", headers=auth(key, purpose=False))
    assert r.status_code == 200, r.get_data(as_text=True)
    return js(r)


def test_good_scan_and_empty_jpg_is_202_and_ends_with_one_record_and_one_file_set_aside(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends,
    good_scan: tuple[bytes, str],
) -> None:
    key = keys["archivist"]
    scan, suffix = good_scan
    good = f"giấy tốt{suffix}"
    r = upload(client, key, [(scan, good), (b"", "rỗng.jpg")])
    assert r.status_code == 202, r.get_data(as_text=True)
    body = js(r)
    assert runner.started == [body["id"]]
    [aside] = body["set_aside"]
    assert aside["file"] == "rỗng.jpg" and aside["reason_code"] == "empty_file"
    assert aside["reason"].startswith("Tệp rỗng (0 byte)") and "gửi lại" in aside["reason"]
    [event] = backends.catalog.query_audit(action="batch.create")
    assert event.details["files"] == [good] and event.details["set_aside"] == ["rỗng.jpg"]

    summary = run_batch(backends, body["id"], jobs=1)
    assert (summary.stored, summary.quarantined) == (1, 1)
    done = batch_body(client, key, body["id"])
    assert done["status"] == DONE_WITH_ERRORS
    items = {i["key"]: i for i in done["items"]}
    assert items[good]["status"] == "indexed" and items[good]["record_id"]
    assert items[good]["advice"] is None
    bad = items["rỗng.jpg"]
    assert bad["status"] == "quarantined" and bad["reason"] == aside["reason"]
    assert "cách ly" in bad["advice"]
    kept = backends.catalog.list_batch_items(body["id"], "quarantined")[0].fields["quarantine"]
    assert [p.stat().st_size for p in Path(kept).iterdir()] == [0]  # the file itself, kept for inspection
    assert backends.index.count() == 1


@pytest.mark.parametrize(("content", "name", "reason", "code"), [
    (b"hello", "notes.txt", "không phải tệp quét", "unsupported_type"),
    (b"MZ\x90\x00binary", "setup.exe", "không phải tệp quét", "unsupported_type"),
    (b"not really a pdf", "fake.pdf", "nội dung không phải ảnh quét", "wrong_content"),
    (PNG, "picture.pdf", "nội dung là ảnh PNG", "wrong_extension"),
    (TINY_PDF, "document.zip", "không phải tệp nén ZIP", "not_a_zip"),
    (TINY_PDF, "no-extension", "không phải tệp quét", "unsupported_type"),
    (b"", "empty.pdf", "tệp rỗng", "empty_file"),
])
def test_each_unusable_file_is_set_aside_alone_with_a_vietnamese_reason(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends,
    content: bytes, name: str, reason: str, code: str,
) -> None:
    r = upload(client, keys["archivist"], [(TINY_PDF, "ok.pdf"), (content, name)])
    assert r.status_code == 202, r.get_data(as_text=True)
    body = js(r)
    [aside] = body["set_aside"]
    assert aside["file"] == name and aside["reason_code"] == code and reason.lower() in aside["reason"].lower()
    [item] = backends.catalog.list_batch_items(body["id"], "quarantined")
    assert item.key == name and reason in (item.reason or "")
    folder = Path(backends.catalog.get_batch(body["id"]).sources[0])
    assert [p.name for p in folder.iterdir()] == ["ok.pdf"]  # only the usable scan goes to ingest
    assert runner.started == [body["id"]]


def test_an_upload_where_no_file_is_usable_is_415_and_saves_nothing(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends
) -> None:
    r = upload(client, keys["archivist"], [(b"", "a.jpg"), (b"hello", "b.txt")])
    assert r.status_code == 415, r.get_data(as_text=True)
    message = js(r)["error"]["message"]
    assert "a.jpg" in message and "không có tệp nào dùng được" in message and "1 tệp khác" in message
    assert runner.started == [] and backends.catalog.list_batches() == []
    uploads = backends.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_every_error_of_a_manifest_row_is_reported(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends,
    good_scan: tuple[bytes, str],
) -> None:
    scan, suffix = good_scan
    manifest = ("file,citizen_id,issued_on,pages\n"
                f"a{suffix},12345,31/02/2023,many\n").encode()
    r = upload(client, keys["archivist"], [(scan, f"a{suffix}")], manifest=(io.BytesIO(manifest), "manifest.csv"))
    assert r.status_code == 202, r.get_data(as_text=True)
    run_batch(backends, js(r)["id"], jobs=1)
    done = batch_body(client, keys["archivist"], js(r)["id"])
    assert done["status"] == DONE_WITH_ERRORS  # nothing stored: never a plain "done"
    [item] = done["items"]
    reason = item["reason"]
    assert item["status"] == "quarantined" and item["reason_code"] == "manifest_row_invalid"
    assert reason.startswith("Dòng 2 của bảng kê có lỗi") and "hãy sửa dòng đó" in reason
    assert "số định danh (citizen_id)" in reason and "ngày ban hành (issued_on)" in reason and "31/02/2023" in reason
    assert "số trang (pages) không phải số nguyên dương" in reason
    detail = item["reason_detail"]  # as the ingest step recorded it
    assert detail.startswith("manifest row 2: ") and "issued_on is not a date" in detail and "pages is not" in detail


def test_batch_state() -> None:
    assert batch_state("done", {"indexed": 3, "quarantined": 0, "failed": 0}) == "done"
    assert batch_state("done", {"indexed": 2, "quarantined": 1}) == DONE_WITH_ERRORS
    assert batch_state("done", {"failed": 1}) == DONE_WITH_ERRORS
    assert batch_state("running", {"quarantined": 1}) == "running"
    assert batch_state("failed", {"failed": 1}) == "failed"


def test_scan_problem_accepts_real_scans() -> None:
    assert scan_problem("a.pdf", TINY_PDF) is None and scan_problem("b.PNG", PNG) is None
    assert scan_problem("c.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 8) is None


def test_a_set_aside_file_named_by_the_manifest_keeps_its_reason(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends,
    good_scan: tuple[bytes, str],
) -> None:
    scan, suffix = good_scan
    manifest = (f"file,document_type,holder_name\ngood{suffix},Quyết định,Nguyễn Văn An\n"
                "hỏng.jpg,Quyết định,Trần Thị Hoa\n").encode()
    r = upload(client, keys["archivist"], [(scan, f"good{suffix}"), (b"%PDF-1.4 not a jpeg", "hỏng.jpg")],
               manifest=(io.BytesIO(manifest), "manifest.csv"))
    assert r.status_code == 202, r.get_data(as_text=True)
    summary = run_batch(backends, js(r)["id"], jobs=1)
    assert (summary.stored, summary.quarantined, summary.documents) == (1, 1, 2)
    [bad] = backends.catalog.list_batch_items(js(r)["id"], "quarantined")
    assert bad.key == "hỏng.jpg" and "nội dung là PDF" in (bad.reason or "")
