"""The review queue: flagged records with the page image beside the fields; accept, or correct and
accept; the next task opens after each decision."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from pages_helpers import Doc, csrf_token, text_of

from kho.backends import Backends
from repository.catalog import ReviewTask

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
