"""The web side of reuse: the public /verify page, the certified-copies API, the record page's button,
portal fetches counted as reuse, and the statistics page and ``kho stats --json``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reuse_helpers import CITIZEN, Doc, RunKho, settings_for

from access.context import AccessContext
from access.principals import Principal
from access.scopes import ScopePolicy
from kho.backends import Backends
from kho.reuse.certify import certify_record
from kho.reuse.evidence import recorded_qr_codes
from kho.reuse.verify import verify_copy
from repository.catalog import NewBatchItem
from search.places import load_places
from web.app import create_app

PURPOSE_HEADER = {"X-Purpose": "X%C3%A1c%20minh%20h%E1%BB%93%20s%C6%A1"}
PASSWORD = "mật-khẩu-dài-2026"


def _copy(backends: Backends, record_id: str) -> tuple[str, bytes]:
    ctx = AccessContext(Principal("user", "b", "Nguyễn Thị B", "official"), "cấp bản sao", "")
    made = certify_record(backends, ScopePolicy(load_places()), ctx, record_id)
    return made.copy.code, made.pdf


@pytest.fixture
def app(backends: Backends) -> Flask:
    """The app on the test backends."""
    return create_app(backends.settings, backends)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client with no key and no sign-in."""
    return app.test_client()


def _key(backends: Backends, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {backends.catalog.create_api_key(f'test {role}', role)[1]}", **PURPOSE_HEADER}


def test_verify_page_is_public_without_personal_data(backends: Backends, client: FlaskClient,
                                                     make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    code, pdf = _copy(backends, doc.record_id)
    audit_before = len(backends.catalog.query_audit(limit=1000))
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "Còn hiệu lực" in body and f"{doc.metadata.document_number}" in body
    assert hashlib.sha256(pdf).hexdigest() in body
    answer = client.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    facts = answer.get_json()
    assert facts["status"] == "valid" and facts["office"] == "UBND huyện Bắc Trà My"
    assert facts["sha256"] == hashlib.sha256(pdf).hexdigest() and facts["document_type"] == "Giấy phép xây dựng"
    for text in (body, answer.get_data(as_text=True)):
        assert CITIZEN not in text and "Nguyễn Văn An" not in text and doc.record_id not in text
    counted = backends.catalog.reuse.certified_copy(code)
    assert counted is not None and counted.verify_count == 2
    assert len(backends.catalog.query_audit(limit=1000)) == audit_before  # counted, not audited

    backends.repository.update_metadata(doc.record_id, {"status": "revoked"}, actor="t", reason="thu hồi")
    assert client.get(f"/verify/{code}?format=json").get_json()["status"] == "revoked"
    assert "Đã bị thu hồi" in client.get(f"/verify/{code}").get_data(as_text=True)


def test_unknown_codes_are_404(client: FlaskClient) -> None:
    assert client.get("/verify/aaaaaaaaaaaaaaaa").status_code == 404
    missing = client.get("/verify/not-a-code", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_verify_is_rate_limited(backends: Backends, tmp_path: Path) -> None:
    limited = create_app(settings_for(backends.settings.data_dir, verify_rate_limit="3/minute"), backends)
    client = limited.test_client()
    answers = [client.get("/verify/aaaaaaaaaaaaaaaa").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]


def test_certified_copies_api(backends: Backends, client: FlaskClient, make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    official = _key(backends, "official")
    made = client.post(f"/api/v1/documents/{doc.record_id}/certified-copies", headers=official,
                       json={"purpose": "Cấp cho Sở Tư pháp"})
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["verify_url"].endswith(f"/verify/{body['code']}")
    file = client.get(body["file"], headers=official)
    assert file.status_code == 200 and file.mimetype == "application/pdf"
    assert hashlib.sha256(file.data).hexdigest() == body["sha256"]
    assert verify_copy(backends, file.data).outcome == "valid"
    events = backends.catalog.query_audit(record_id=doc.record_id, action="document.certify")
    assert events[0].purpose == "Cấp cho Sở Tư pháp"
    portal = _key(backends, "portal")
    denied = client.post(f"/api/v1/documents/{doc.record_id}/certified-copies", headers=portal, json={})
    assert denied.status_code == 403
    no_purpose = client.post(f"/api/v1/documents/{doc.record_id}/certified-copies",
                             headers={"Authorization": official["Authorization"]}, json={})
    assert no_purpose.status_code == 400


def _sign_in(client: FlaskClient, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    answer = client.post("/login", data={"csrf_token": token.group(1), "username": username, "password": PASSWORD,
                                         "purpose": "Chứng thực bản sao"})
    assert answer.status_code == 302


def test_record_page_button_for_officials(backends: Backends, app: Flask, make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    backends.catalog.create_user("can.bo", PASSWORD, "official", display_name="Cán bộ Tư pháp")
    backends.catalog.create_user("luu.tru", PASSWORD, "archivist")
    official = app.test_client()
    _sign_in(official, "can.bo")
    page = official.get(f"/records/{doc.record_id}").get_data(as_text=True)
    assert f"/records/{doc.record_id}/certify" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = official.post(f"/records/{doc.record_id}/certify",
                           data={"csrf_token": token.group(1), "purpose": "Cấp cho công dân"})
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert verify_copy(backends, answer.data).outcome == "valid"
    archivist = app.test_client()
    _sign_in(archivist, "luu.tru")
    assert f"/records/{doc.record_id}/certify" not in archivist.get(f"/records/{doc.record_id}").get_data(as_text=True)


def _digitized(backends: Backends, docs: list[Doc]) -> None:
    """Record the docs as stored items of a batch (what the statistics count as digitized)."""
    batch = backends.catalog.create_batch("lô thử", ["scans"])
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem(d.record_id) for d in docs])
    for d in docs:
        backends.catalog.update_batch_item(batch.id, d.record_id, status="stored", record_id=d.record_id, pages=1,
                                           fields={"locality": d.metadata.locality,
                                                   "document_type": d.metadata.document_type})


def test_portal_fetches_are_reuse_per_locality(backends: Backends, client: FlaskClient, run_kho: RunKho,
                                               make_doc: Callable[..., Doc]) -> None:
    tra_my = [make_doc(), make_doc(), make_doc(citizen_ids=("049085009999",))]
    da_nang = make_doc(citizen_ids=("048090001111",), locality="phường Hải Châu I, quận Hải Châu, thành phố Đà Nẵng")
    _digitized(backends, [*tra_my, da_nang])
    portal = _key(backends, "portal")
    listed = client.get(f"/api/v1/citizens/{CITIZEN}/documents", headers=portal)
    assert listed.status_code == 200 and len(listed.get_json()["documents"]) == 2
    assert client.get(f"/api/v1/documents/{tra_my[0].record_id}/file", headers=portal).status_code == 200
    official = _key(backends, "official")
    client.get(f"/api/v1/documents/{da_nang.record_id}/file", headers=official)  # not a portal: not reuse

    stats = run_kho("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    summary = json.loads(stats.stdout)
    by_area = {a["area"]: a for a in summary["by_area"]}
    assert by_area["huyện Bắc Trà My"] == {"area": "huyện Bắc Trà My", "digitized": 3, "reused": 2, "events": 3,
                                           "rate": round(2 / 3, 4)}
    assert by_area["quận Hải Châu"]["reused"] == 0 and by_area["quận Hải Châu"]["rate"] == 0.0
    assert (summary["digitized"], summary["reused"], summary["rate"]) == (4, 2, 0.5)
    assert {m["document_type"] for m in summary["monthly"]} == {"Giấy phép xây dựng"}

    backends.catalog.create_user("quan.tri", PASSWORD, "admin")
    admin = create_app(backends.settings, backends).test_client()
    _sign_in(admin, "quan.tri")
    page = admin.get("/statistics").get_data(as_text=True)
    table = page[page.index('id="reuse-by-area"'):]
    assert re.search(r"huyện Bắc Trà My</th><td>3</td><td>2</td><td>3</td><td>66[.,]7%", table)


#            none inside other_type other_locality   (A allowed, D denied 403)
CERTIFY_MATRIX: dict[str, dict[str, str]] = {
    "certify": {"portal": "D D D D", "official": "A A D D", "archivist": "D D D D", "admin": "A A D D"},
    "copy_file": {"portal": "A A D D", "official": "A A D D", "archivist": "A A D D", "admin": "A A D D"},
}
SCOPES: dict[str, dict[str, list[str]]] = {
    "none": {},
    "inside": {"document_types": ["Giấy phép xây dựng"], "localities": ["Quảng Nam"]},
    "other_type": {"document_types": ["Quyết định"]},
    "other_locality": {"localities": ["Hà Nội"]},
}


def test_certified_copies_authorization_matrix(backends: Backends, client: FlaskClient,
                                               make_doc: Callable[..., Doc]) -> None:
    from repository.catalog import Scopes

    doc = make_doc()
    code, _ = _copy(backends, doc.record_id)
    calls = {
        "certify": lambda h: client.post(f"/api/v1/documents/{doc.record_id}/certified-copies", headers=h,
                                         json={"purpose": "ma trận quyền"}),
        "copy_file": lambda h: client.get(f"/api/v1/documents/{doc.record_id}/certified-copies/{code}/file",
                                          headers=h),
    }
    for endpoint, by_role in CERTIFY_MATRIX.items():
        for role, row in by_role.items():
            for scope, outcome in zip(SCOPES, row.split(), strict=True):
                key = backends.catalog.create_api_key(f"{role} {scope}", role, Scopes.of(**SCOPES[scope]))[1]
                answer = calls[endpoint]({"Authorization": f"Bearer {key}", **PURPOSE_HEADER})
                expected = (201 if endpoint == "certify" else 200) if outcome == "A" else 403
                assert answer.status_code == expected, (endpoint, role, scope, answer.get_data(as_text=True)[:200])


def test_review_shows_the_qr_codes_read_from_the_pages(backends: Backends, app: Flask,
                                                       make_doc: Callable[..., Doc]) -> None:
    qr = {"text": "https://dichvucong.gov.vn/tra-cuu?so=07/QĐ-UBND", "page": 1, "box": [1900, 200, 370, 370],
          "relative_box": [0.766, 0.057, 0.149, 0.105]}
    doc = make_doc(ocr_json={"pages": [{"number": 1, "text": "QUYẾT ĐỊNH", "qr_codes": [qr]}]})
    assert [q.text for q in recorded_qr_codes(backends.repository, backends.repository.get(doc.record_id))] == [
        qr["text"]]
    task = backends.catalog.open_review_task(doc.record_id, ["low_confidence"])
    backends.catalog.create_user("luu.tru", PASSWORD, "archivist")
    client = app.test_client()
    _sign_in(client, "luu.tru")
    page = client.get(f"/review/{task.id}").get_data(as_text=True)
    assert "Mã QR trên văn bản" in page and "https://dichvucong.gov.vn/tra-cuu?so=07/QĐ-UBND" in page
