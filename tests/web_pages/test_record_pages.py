"""The record page (audited), its PDF and images, editing and revoking with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from pages_helpers import Doc, csrf_token, post_form, text_of

from kho.backends import Backends
from search.index import SearchQuery
from web.pages.record_views import validity


def test_opening_a_record_is_an_audited_read(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc(citizen_ids=("049085001234", "048190004321"))
    client = as_user("can-bo", purpose="Xác minh hồ sơ")
    page = text_of(client.get(f"/records/{doc.record_id}"))
    assert "Giấy phép xây dựng số 01/GPXD" in page
    assert "Còn hiệu lực" in page and "01/03/2030" in page
    assert 'id="trang-2"' in page and f'/records/{doc.record_id}/pages/2' in page
    assert "Lịch sử thay đổi" in page and "ingest" in page
    events = backends.catalog.query_audit(record_id=doc.record_id)
    assert sorted(e.citizen_id or "" for e in events) == ["048190004321", "049085001234"]
    assert {(e.action, e.actor, e.purpose) for e in events} == {("document.metadata", "can-bo", "Xác minh hồ sơ")}


def test_the_purpose_can_be_changed_on_the_record_page(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    url = f"/records/{doc.record_id}"
    response = post_form(client, url, "/purpose", {"purpose": "Cấp bản sao", "next": url})
    assert response.headers["Location"] == url
    assert 'value="Cấp bản sao"' in text_of(client.get(url))
    assert backends.catalog.query_audit(record_id=doc.record_id)[0].purpose == "Cấp bản sao"


def test_the_pdf_download_is_audited_and_byte_identical(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    response = client.get(f"/records/{doc.record_id}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{doc.record_id}.pdf"'
    assert response.get_data() == doc.pdf
    shown = client.get(f"/records/{doc.record_id}/document.pdf?view=1")
    assert shown.headers["Content-Disposition"].startswith("inline")
    actions = [e.action for e in backends.catalog.query_audit(record_id=doc.record_id)]
    assert actions.count("document.file") == 2


def test_page_images_need_the_record_opened_first(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    assert client.get(f"/records/{doc.record_id}/pages/1").status_code == 403
    client.get(f"/records/{doc.record_id}")
    image = client.get(f"/records/{doc.record_id}/pages/1")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get(f"/records/{doc.record_id}/pages/7").status_code == 404


def test_original_files_download_with_their_name(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    response = as_user("can-bo").get(f"/records/{doc.record_id}/original/1")
    assert response.status_code == 200
    assert "scan-0.pdf" in response.headers["Content-Disposition"]
    assert "document.file" in [e.action for e in backends.catalog.query_audit(record_id=doc.record_id)]


def test_unknown_and_malformed_record_ids_answer_404(as_user: Callable[..., FlaskClient]) -> None:
    client = as_user("can-bo")
    assert client.get("/records/kho-00000000000000000000").status_code == 404
    assert client.get("/records/not-an-id").status_code == 404


def test_editing_needs_a_reason_and_writes_a_new_version(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    url = f"/records/{doc.record_id}/edit"
    form = text_of(client.get(url))
    assert 'id="f-document_type"' in form and "autofocus" in form
    token = csrf_token(form)
    refused = client.post(url, data={"csrf_token": token, "holder_name": "Nguyễn Văn Ân", "version": "1"})
    assert refused.status_code == 422 and "Hãy ghi lý do thay đổi." in text_of(refused)
    saved = client.post(url, data={"csrf_token": token, "holder_name": "Nguyễn Văn Ân", "issued_on": "05/04/2024",
                                   "reason": "Sửa theo bản gốc", "version": "1"})
    assert saved.status_code == 302
    record = backends.repository.get(doc.record_id)
    assert record.version == 2
    assert record.metadata.holder_name == "Nguyễn Văn Ân" and record.metadata.issued_on == date(2024, 4, 5)
    assert record.history_entry.actor == "can-bo" and record.history_entry.reason == "Sửa theo bản gốc"
    update = backends.catalog.query_audit(record_id=doc.record_id, action="document.update")
    assert len(update) == 1 and update[0].details["fields"] == ["holder_name", "issued_on"]
    assert backends.index.search(SearchQuery(text="Ân", limit=5)).hits[0].record_id == doc.record_id
    page = text_of(client.get(f"/records/{doc.record_id}"))
    assert "Đã lưu phiên bản 2." in page and "Sửa theo bản gốc" in page and "Nguyễn Văn An" in page


def test_invalid_values_are_shown_next_to_their_field(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    url = f"/records/{doc.record_id}/edit"
    response = post_form(client, url, url, {"citizen_ids": "12345", "issued_on": "31/02/2024", "reason": "x"})
    page = text_of(response)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in page and "không phải số định danh" in page and "Ngày không hợp lệ" in page
    assert "12345" in page  # what was typed stays in the box
    assert backends.repository.get(doc.record_id).version == 1


def test_a_stale_form_does_not_overwrite_a_newer_version(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    url = f"/records/{doc.record_id}/edit"
    token = csrf_token(text_of(client.get(url)))
    backends.repository.update_metadata(doc.record_id, {"summary": "Khác"}, actor="someone", reason="test")
    response = client.post(url, data={"csrf_token": token, "holder_name": "X Y", "reason": "r", "version": "1"})
    assert response.status_code == 302
    assert "người khác thay đổi" in text_of(client.get(response.headers["Location"]))
    assert backends.repository.get(doc.record_id).metadata.holder_name == "Nguyễn Văn An"


def test_revoking_asks_for_a_reason_and_is_recorded(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    url = f"/records/{doc.record_id}"
    page = text_of(client.get(url))
    assert "Thu hồi kết quả" in page and 'data-confirm=' in page
    assert post_form(client, url, f"{url}/revoke", {"reason": "", "version": "1"}).status_code == 302
    assert backends.repository.get(doc.record_id).version == 1
    post_form(client, url, f"{url}/revoke", {"reason": "Quyết định thu hồi số 12/QĐ-UBND", "version": "1"})
    record = backends.repository.get(doc.record_id)
    assert record.metadata.status == "revoked" and record.version == 2
    events = backends.catalog.query_audit(record_id=doc.record_id, action="document.revoke")
    assert events and events[0].details["reason"] == "Quyết định thu hồi số 12/QĐ-UBND"
    after = text_of(client.get(url))
    assert "Đã thu hồi" in after and 'id="thu-hoi"' not in after
    hits = backends.index.search(SearchQuery(status="revoked", limit=5)).hits
    assert [h.record_id for h in hits] == [doc.record_id]


def test_archivists_may_edit_but_not_revoke(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    doc = make_doc()
    client = as_user("luu-tru")
    url = f"/records/{doc.record_id}"
    assert 'id="thu-hoi"' not in text_of(client.get(url))
    assert post_form(client, url, f"{url}/revoke", {"reason": "x"}).status_code == 403
    assert client.get(f"{url}/edit").status_code == 200


def test_forms_without_the_csrf_token_are_refused(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    response = client.post(f"/records/{doc.record_id}/revoke", data={"reason": "x"})
    assert response.status_code == 400
    assert backends.repository.get(doc.record_id).metadata.status == "valid"


def test_validity_of_a_record(make_doc: Callable[..., Doc], backends: Backends) -> None:
    doc = make_doc(valid_from=date(2024, 1, 1), valid_until=date(2025, 1, 1))
    record = backends.repository.get(doc.record_id)
    assert validity(record, date(2024, 6, 1)) == "valid"
    assert validity(record, date(2025, 6, 1)) == "expired"
    assert validity(record, date(2023, 6, 1)) == "not_yet"
