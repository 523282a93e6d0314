"""The review queue: flagged records with the page image beside the fields; accept, or correct and
accept; the next task opens after each decision."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from pages_helpers import Doc, csrf_token, text_of

from ingest.service import create_batch, run_batch
from kho.backends import Backends
from ocr.corpus.generate import generate_corpus
from ocr.corpus.writer import manifest_text
from repository.catalog import ReviewTask
from repository.schema import FieldEvidence

REASON = "độ tin cậy OCR thấp / low OCR confidence: 41 < 60"
SHOWN = "Chữ nhận dạng kém: độ tin cậy trung bình 41/100, cần từ 60"  # the reason in words


def _flagged(make_doc: Callable[..., Doc], backends: Backends, n: int) -> list[tuple[Doc, ReviewTask]]:
    out = []
    for i in range(n):
        doc = make_doc(review_state="needs_review", review_reasons=(REASON,), holder_name=f"Nguyễn Văn {'ABC'[i]}")
        out.append((doc, backends.catalog.open_review_task(doc.record_id, [REASON])))
    return out


def test_the_queue_lists_open_tasks_with_their_reasons(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    tasks = _flagged(make_doc, backends, 2)
    page = text_of(as_user("luu-tru").get("/review"))
    assert "2 hồ sơ đang chờ rà soát." in page
    assert all(doc.record_id in page for doc, _ in tasks)
    assert SHOWN in page and 'href="/review/next"' in page
    assert "low OCR confidence" not in page and "41 &lt; 60" not in page  # one language, in words
    for doc, task in tasks:  # readable titles: type, number, holder
        title = f"Giấy phép xây dựng số {doc.metadata.document_number} – {doc.metadata.holder_name}"
        assert f'<a href="/review/{task.id}">{title}<br>' in page
    english = as_user("luu-tru")
    english.post("/language", data={"lang": "en", "csrf_token": csrf_token(text_of(english.get("/review")))})
    page = text_of(english.get("/review"))
    assert "Poor text recognition: average confidence 41/100, 60 needed" in page
    assert "độ tin cậy" not in page


def test_a_task_shows_the_page_image_beside_the_fields_with_focus_on_the_first(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    [(doc, task)] = _flagged(make_doc, backends, 1)
    client = as_user("luu-tru")
    page = text_of(client.get(f"/review/{task.id}"))
    assert f'src="/records/{doc.record_id}/pages/1"' in page
    assert SHOWN in page
    first = page.index('id="f-document_type"')
    assert "autofocus" in page[first:first + 300]
    assert 'accesskey="s"' in page and 'accesskey="a"' in page and 'accesskey="n"' in page
    assert client.get(f"/records/{doc.record_id}/pages/1").status_code == 200
    events = backends.catalog.query_audit(record_id=doc.record_id)
    assert events[0].action == "document.metadata" and events[0].purpose == "Rà soát kết quả số hóa"


def test_accepting_marks_the_record_reviewed_and_opens_the_next_task(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    (doc, task), (_, second) = _flagged(make_doc, backends, 2)
    client = as_user("luu-tru")
    token = csrf_token(text_of(client.get(f"/review/{task.id}")))
    response = client.post(f"/review/{task.id}", data={
        "csrf_token": token, "decision": "accept", "version": "1", "holder_name": "ignored when accepting"})
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert follow.headers["Location"] == f"/review/{second.id}"
    closed = backends.catalog.get_review_task(task.id)
    assert closed.status == "accepted" and closed.resolved_by == "luu-tru"
    record = backends.repository.get(doc.record_id)
    assert record.metadata.review_state == "reviewed" and record.metadata.holder_name == "Nguyễn Văn A"
    assert record.history_entry.reason == "Rà soát: chấp nhận"
    assert backends.catalog.query_audit(record_id=doc.record_id, action="review.resolve")


def test_correcting_a_field_then_accepting(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    [(doc, task)] = _flagged(make_doc, backends, 1)
    client = as_user("luu-tru")
    token = csrf_token(text_of(client.get(f"/review/{task.id}")))
    form = {"csrf_token": token, "decision": "save", "version": "1", "holder_name": "Nguyễn Văn Ánh",
            "document_number": "01/GPXD"}
    response = client.post(f"/review/{task.id}", data=form)
    assert response.status_code == 302
    end = client.get(response.headers["Location"])
    assert end.headers["Location"] == "/review"
    assert "Không còn hồ sơ nào cần rà soát." in text_of(client.get("/review"))
    assert backends.catalog.get_review_task(task.id).status == "corrected"
    record = backends.repository.get(doc.record_id)
    assert record.metadata.holder_name == "Nguyễn Văn Ánh" and record.metadata.review_state == "reviewed"
    assert record.history_entry.reason == "Rà soát: sửa holder_name"


def test_an_invalid_correction_keeps_the_task_open(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    [(_, task)] = _flagged(make_doc, backends, 1)
    client = as_user("luu-tru")
    token = csrf_token(text_of(client.get(f"/review/{task.id}")))
    response = client.post(f"/review/{task.id}", data={"csrf_token": token, "decision": "save",
                                                       "citizen_ids": "99", "version": "1"})
    assert response.status_code == 422 and 'aria-invalid="true"' in text_of(response)
    assert backends.catalog.get_review_task(task.id).status == "open"


def test_skipping_goes_to_the_next_task_and_wraps(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    (_, first), (_, second) = _flagged(make_doc, backends, 2)
    client = as_user("luu-tru")
    assert client.get(f"/review/next?after={first.id}").headers["Location"] == f"/review/{second.id}"
    assert client.get(f"/review/next?after={second.id}").headers["Location"] == f"/review/{first.id}"


def test_officials_do_not_review(as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc],
                                 backends: Backends) -> None:
    [(_, task)] = _flagged(make_doc, backends, 1)
    assert as_user("can-bo").get(f"/review/{task.id}").status_code == 403


def _scan_with_wrong_number(folder: Path) -> str:
    """One clean synthetic scan whose manifest row gives another document number; the printed one."""
    generate_corpus(folder, 1, 11, ("clean",), manifest=True, kinds=["legacy"])
    manifest = folder / "manifest.csv"
    rows = list(csv.DictReader(io.StringIO(manifest.read_text("utf-8"))))
    printed = rows[0]["document_number"]
    rows[0]["document_number"] = "999/QĐ-UBND"
    manifest.write_text(manifest_text(rows, list(rows[0])), encoding="utf-8")
    return printed


def _field_block(page: str, name: str) -> str:
    start = page.index(f'id="f-{name}"')
    return page[start:page.index('<div class="field', start)]


def test_beside_each_manifest_value_the_ocr_reading_and_whether_they_agree(
    app: Flask, as_user: Callable[..., FlaskClient], backends: Backends, tmp_path: Path
) -> None:
    printed = _scan_with_wrong_number(tmp_path / "scans")
    batch = create_batch(backends, [tmp_path / "scans"], tmp_path / "scans" / "manifest.csv")
    assert run_batch(backends, batch.id, jobs=1).stored == 1  # the real pipeline: OCR, fields, quality gate
    [task] = backends.catalog.list_review_tasks("open", limit=10)
    client = as_user("luu-tru")
    page = text_of(client.get(f"/review/{task.id}"))
    assert "Số văn bản đọc được khác bảng kê." in page  # the disagreement, a reason in words
    number = _field_block(page, "document_number")
    assert 'value="999/QĐ-UBND"' in number and "theo bảng kê (không phải kết quả đọc)" in number
    assert f"OCR đọc: <q>{printed}</q> (độ tin cậy " in number and "khác bảng kê: hãy đối chiếu" in number
    kind = _field_block(page, "document_type")  # the manifest's type is the one printed
    assert "theo bảng kê" in kind and "OCR đọc: <q>" in kind and ">khớp<" in kind
    assert "100%" not in page  # a manifest value is not a reading: no confidence of its own
    record = text_of(client.get(f"/records/{task.record_id}"))
    assert "999/QĐ-UBND" in record and f"OCR đọc: <q>{printed}</q>" in record and "khác bảng kê" in record

    english = as_user("luu-tru")
    english.post("/language", data={"lang": "en", "csrf_token": csrf_token(text_of(english.get("/review")))})
    number = _field_block(text_of(english.get(f"/review/{task.id}")), "document_number")
    assert "from the manifest (not a reading)" in number and f"OCR read: <q>{printed}</q> (confidence " in number
    assert "differs from the manifest" in number and "bảng kê" not in number

    _, key = backends.catalog.create_api_key("portal", "admin")
    api = app.test_client().get(f"/api/v1/documents/{task.record_id}", headers={
        "Authorization": f"Bearer {key}", "X-Purpose": "Xác minh hồ sơ".encode().decode("latin-1")})
    evidence = api.get_json()["metadata"]["evidence"]["document_number"]
    assert {"value", "confidence", "page", "text", "source"} <= set(evidence)  # the old keys stay
    assert (evidence["value"], evidence["source"], evidence["ocr"]["value"]) == ("999/QĐ-UBND", "manifest", printed)

    client.post(f"/review/{task.id}", data={"csrf_token": csrf_token(page), "decision": "save", "version": "1",
                                            "document_number": printed})
    record = text_of(client.get(f"/records/{task.record_id}"))
    number = record[record.index('id="r-document_number"'):]
    number = number[:number.index("</p>")]
    assert "cán bộ nhập (đã sửa sau khi số hóa)" in number and f"OCR đọc: <q>{printed}</q>" in number
    assert ">khớp<" in number  # the corrected value now matches what the OCR read


def test_a_record_from_before_the_ocr_reading_was_kept_shows_its_sources_without_a_false_confidence(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    old_evidence = {  # as ingest wrote it before: a manifest value at "confidence 1.0", no OCR reading
        "document_number": FieldEvidence(value="01/GPXD", confidence=1.0, source="manifest"),
        "issuer": FieldEvidence(value="UBND huyện Bắc Trà My", confidence=0.734, page=1, text="UBND HUYỆN BẮC TRÀ MY"),
    }
    doc = make_doc(review_state="needs_review", review_reasons=(REASON,), evidence=old_evidence)
    task = backends.catalog.open_review_task(doc.record_id, [REASON])
    page = text_of(as_user("luu-tru").get(f"/review/{task.id}"))
    number = page[page.index('id="r-document_number"'):]
    assert number.startswith('id="r-document_number">Nguồn: theo bảng kê (không phải kết quả đọc) · không có kết quả')
    assert "100%" not in page
    issuer = page[page.index('id="r-issuer"'):]
    assert issuer.startswith('id="r-issuer">Nguồn: nhận dạng chữ (OCR) · độ tin cậy 73% · trang 1 · <q>UBND HUYỆN')
    assert 'id="r-holder_name"' not in page  # no evidence, not corrected: nothing to say


def test_a_handwritten_number_read_by_machine_is_explained_in_the_page_language(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    from ocr.fields.fillins import handwritten_note

    reason = handwritten_note("document_number", 1)
    doc = make_doc(review_state="needs_review", review_reasons=(reason,))
    task = backends.catalog.open_review_task(doc.record_id, [reason])
    client = as_user("luu-tru")
    page = text_of(client.get(f"/review/{task.id}"))
    assert "Ô “Số văn bản” viết tay (trang 1): máy đã đọc lại các chữ số; hãy đối chiếu với ảnh trang" in page
    assert "handwritten" not in page and "document_number (" not in page
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(text_of(client.get("/review")))})
    page = text_of(client.get(f"/review/{task.id}"))
    assert "is handwritten (page 1): its digits were read by machine; compare them with the page image" in page
