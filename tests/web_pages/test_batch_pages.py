"""Batches: the upload form starts a batch (run by a recording runner here: no OCR), the batch page
shows live progress, the report and quarantined files with their reasons."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask.testing import FlaskClient
from pages_helpers import RecordingRunner, csrf_token, png_bytes, text_of

from kho.backends import Backends
from repository.catalog import NewBatchItem


def _upload(client: FlaskClient, files: list[tuple[bytes, str]], **form: object) -> object:
    token = csrf_token(text_of(client.get("/batches/new")))
    data: dict[str, object] = {"csrf_token": token, **form}
    data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/batches/new", data=data, content_type="multipart/form-data")


def test_uploading_scans_starts_a_batch(
    as_user: Callable[..., FlaskClient], backends: Backends, runner: RecordingRunner
) -> None:
    client = as_user("luu-tru")
    form = text_of(client.get("/batches/new"))
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    manifest = (io.BytesIO("file,citizen_id\nGiấy phép 1.png,049085001234\n".encode()), "bang-ke.csv")
    response = _upload(client, [(png_bytes(), "Giấy phép 1.png"), (png_bytes(41), "b.png")],
                       name="Lô thử nghiệm", manifest=manifest)
    assert response.status_code == 302  # type: ignore[attr-defined]
    batch = backends.catalog.find_batch_by_name("Lô thử nghiệm")
    assert batch is not None and runner.started == [batch.id]
    assert response.headers["Location"] == f"/batches/{batch.id}"  # type: ignore[attr-defined]
    page = text_of(client.get(f"/batches/{batch.id}"))
    assert "Đã nhận 2 tệp" in page and "Tiến độ" in page and "<progress" in page
    [event] = backends.catalog.query_audit(action="batch.create")
    assert event.actor == "luu-tru" and event.details["files"] == ["Giấy phép 1.png", "b.png"]
    assert f'data-progress-url="/batches/{batch.id}/progress"' in page


def test_an_upload_without_files_or_of_the_wrong_type_is_refused_with_a_message(
    as_user: Callable[..., FlaskClient], runner: RecordingRunner, backends: Backends
) -> None:
    client = as_user("luu-tru")
    empty = _upload(client, [])
    assert empty.status_code == 400 and "Chưa chọn tệp nào" in text_of(empty)  # type: ignore[attr-defined]
    wrong = _upload(client, [(b"hello", "notes.txt")])
    assert wrong.status_code == 415 and "notes.txt" in text_of(wrong)  # type: ignore[attr-defined]
    assert runner.started == []
    uploads = backends.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # nothing half-saved is left


def test_the_batch_page_lists_items_and_quarantined_files_with_reasons(
    as_user: Callable[..., FlaskClient], backends: Backends
) -> None:
    catalog = backends.catalog
    batch = catalog.create_batch("lo-bao-cao", ["/scans"])
    catalog.upsert_batch_items(batch.id, [NewBatchItem("a.pdf"), NewBatchItem("hong.pdf"), NewBatchItem("c.pdf")])
    catalog.set_batch_status(batch.id, "running")
    catalog.update_batch_item(batch.id, "a.pdf", status="indexed", record_id="kho-0123456789abcdef0123", pages=2,
                              confidence=91.5, fields={"review_state": "needs_review"})
    catalog.update_batch_item(batch.id, "hong.pdf", status="quarantined", reason="PDF bị mã hóa / encrypted PDF")
    client = as_user("luu-tru")
    page = text_of(client.get(f"/batches/{batch.id}"))
    assert "hong.pdf" in page and "Cách ly" in page
    assert "PDF có đặt mật khẩu; hãy lưu một bản không đặt mật khẩu rồi gửi lại." in page  # one language, what to do
    assert "encrypted PDF" not in page
    assert 'href="/records/kho-0123456789abcdef0123"' in page and "91,5" in page
    assert "1 văn bản cần rà soát." in page
    progress = client.get(f"/batches/{batch.id}/progress").get_json()
    assert progress["documents_total"] == 3 and progress["documents_done"] == 2
    assert progress["pages_done"] == 2 and progress["finished"] is False
    assert progress["counts"]["quarantined"] == 1
    listing = text_of(client.get("/batches"))
    assert "lo-bao-cao" in listing and "2 / 3" in listing


def test_a_failed_batch_can_be_resumed(
    as_user: Callable[..., FlaskClient], backends: Backends, runner: RecordingRunner
) -> None:
    batch = backends.catalog.create_batch("lo-loi", ["/scans"])
    backends.catalog.set_batch_status(batch.id, "failed")
    client = as_user("luu-tru")
    page = text_of(client.get(f"/batches/{batch.id}"))
    assert "Chạy tiếp lô" in page
    token = csrf_token(page)
    assert client.post(f"/batches/{batch.id}/resume", data={"csrf_token": token}).status_code == 302
    assert runner.started == [batch.id]


def test_unknown_batches_answer_404(as_user: Callable[..., FlaskClient]) -> None:
    client = as_user("luu-tru")
    assert client.get("/batches/999").status_code == 404
    assert client.get("/batches/999/progress").status_code == 404    # not a progress of zeros


def test_officials_cannot_upload(as_user: Callable[..., FlaskClient]) -> None:
    assert as_user("can-bo").get("/batches/new").status_code == 403
