"""The personal-data endpoints: citizen lookup, metadata, the PDF (ETag, Range), purposes, errors."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from flask.testing import FlaskClient
from web_api_helpers import PURPOSE, MakeDoc, auth, js, write_source

from access.reads import CITIZEN_FIRST_PAGE
from kho.backends import Backends
from repository.records import RecordFiles
from repository.schema import Provenance, RecordMetadata


def test_citizen_lookup_returns_the_documents_from_the_index(
    client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    first = make_doc(issued_on=date(2023, 5, 1))
    second = make_doc(document_type="Quyết định", status="revoked")
    make_doc(citizen_ids=("079085009999",))
    r = client.get("/api/v1/citizens/079085001234/documents", headers=auth(keys["portal"]))
    assert r.status_code == 200, js(r)
    body = js(r)
    assert body["citizen_id"] == "079085001234"
    ids = [d["id"] for d in body["documents"]]
    assert sorted(ids) == sorted([first.record_id, second.record_id])
    doc = next(d for d in body["documents"] if d["id"] == first.record_id)
    assert doc["document_type"] == "Giấy phép xây dựng"
    assert doc["document_number"] == first.metadata.document_number
    assert doc["issued_on"] == "2023-05-01"
    assert doc["issuer"] == "UBND huyện Bắc Trà My"
    assert doc["status"] == "valid"
    assert doc["links"] == {
        "self": f"/api/v1/documents/{first.record_id}",
        "file": f"/api/v1/documents/{first.record_id}/file",
    }
    assert (doc["valid_until"], doc["page_count"]) == ("2026-03-01", 2)


def test_lookup_returns_every_document_beyond_the_first_page(
    client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    made = [make_doc(issued_on=date(2000 + n // 12, 1 + n % 12, 1)) for n in range(CITIZEN_FIRST_PAGE + 3)]
    r = client.get("/api/v1/citizens/079085001234/documents", headers=auth(keys["portal"]))
    assert r.status_code == 200, js(r)
    assert [d["id"] for d in js(r)["documents"]] == [doc.record_id for doc in reversed(made)]


def test_lookup_filters_by_type_and_status(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]) -> None:
    make_doc()
    revoked = make_doc(document_type="Quyết định", status="revoked")
    headers = auth(keys["official"])
    r = client.get("/api/v1/citizens/079085001234/documents?status=revoked", headers=headers)
    assert [d["id"] for d in js(r)["documents"]] == [revoked.record_id]
    r = client.get("/api/v1/citizens/079085001234/documents?type=quyet dinh", headers=headers)
    assert [d["id"] for d in js(r)["documents"]] == [revoked.record_id]
    r = client.get("/api/v1/citizens/079085001234/documents?status=lost", headers=headers)
    assert r.status_code == 400 and js(r)["error"]["code"] == "bad_request"


def test_lookup_accepts_cmnd_and_the_eleven_digit_form(
    client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    cmnd = make_doc(citizen_ids=("201234567",))
    full = make_doc(citizen_ids=("079085001234",))
    headers = auth(keys["portal"])
    r = client.get("/api/v1/citizens/201234567/documents", headers=headers)
    assert [d["id"] for d in js(r)["documents"]] == [cmnd.record_id]
    r = client.get("/api/v1/citizens/79085001234/documents", headers=headers)
    assert js(r)["citizen_id"] == "079085001234"
    assert [d["id"] for d in js(r)["documents"]] == [full.record_id]


def test_malformed_citizen_id_is_400_without_echoing_it(client: FlaskClient, keys: dict[str, str]) -> None:
    r = client.get("/api/v1/citizens/12345/documents", headers=auth(keys["portal"]))
    assert r.status_code == 400
    assert js(r)["error"]["code"] == "bad_request"
    assert "12345" not in js(r)["error"]["message"]


def test_personal_data_needs_a_purpose(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]) -> None:
    doc = make_doc()
    for path in ("/api/v1/citizens/079085001234/documents", f"/api/v1/documents/{doc.record_id}",
                 f"/api/v1/documents/{doc.record_id}/file"):
        r = client.get(path, headers=auth(keys["admin"], purpose=False))
        assert r.status_code == 400, path
        assert "X-Purpose" in js(r)["error"]["message"]


def test_metadata_is_read_from_the_store(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]) -> None:
    doc = make_doc()
    r = client.get(f"/api/v1/documents/{doc.record_id}", headers=auth(keys["archivist"]))
    assert r.status_code == 200
    assert js(r)["id"] == doc.record_id
    assert js(r)["metadata"]["citizen_ids"] == ["079085001234"]
    assert js(r)["metadata"]["valid_until"] == "2026-03-01"
    assert {f["role"] for f in js(r)["files"]} == {"pdf", "original"}
    assert all("key" not in f for f in js(r)["files"])
    assert r.headers["Cache-Control"] == "no-store"


def test_unknown_and_malformed_record_ids_are_404(client: FlaskClient, keys: dict[str, str]) -> None:
    for record_id in ("kho-00000000000000000000", "nonsense", "kho-ZZ"):
        r = client.get(f"/api/v1/documents/{record_id}", headers=auth(keys["admin"]))
        assert r.status_code == 404, record_id
        assert js(r)["error"]["code"] == "not_found"


def test_file_is_an_attachment_with_etag_and_nosniff(
    client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    doc = make_doc()
    r = client.get(f"/api/v1/documents/{doc.record_id}/file", headers=auth(keys["portal"]))
    assert r.status_code == 200
    assert r.data == doc.pdf
    assert r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == f'attachment; filename="{doc.record_id}.pdf"'
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["ETag"] == f'"{hashlib.sha256(doc.pdf).hexdigest()}"'
    assert r.headers["Accept-Ranges"] == "bytes"
    again = client.get(f"/api/v1/documents/{doc.record_id}/file",
                       headers={**auth(keys["portal"]), "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_file_ranges(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]) -> None:
    doc = make_doc()
    url = f"/api/v1/documents/{doc.record_id}/file"
    size = len(doc.pdf)
    r = client.get(url, headers={**auth(keys["portal"]), "Range": "bytes=10-19"})
    assert r.status_code == 206
    assert r.data == doc.pdf[10:20]
    assert r.headers["Content-Range"] == f"bytes 10-19/{size}"
    r = client.get(url, headers={**auth(keys["portal"]), "Range": "bytes=-5"})
    assert r.status_code == 206 and r.data == doc.pdf[-5:]
    r = client.get(url, headers={**auth(keys["portal"]), "Range": f"bytes={size + 10}-"})
    assert r.status_code == 416
    assert js(r)["error"]["status"] == 416
    assert r.headers["Content-Range"] == f"bytes */{size}"
    r = client.get(url, headers={**auth(keys["portal"]), "Range": "bytes=0-1", "If-Range": '"other"'})
    assert r.status_code == 200 and r.data == doc.pdf


def test_record_without_pdf_is_404(client: FlaskClient, backends: Backends, keys: dict[str, str],
                                  tmp_path: Path) -> None:
    source = write_source(tmp_path, "x.pdf", b"%PDF-1.4 only source")
    outcome = backends.repository.create(
        RecordFiles(sources=(source,)), RecordMetadata(),
        Provenance(ingested_at=datetime.now(UTC), software_version="t"),
    )
    r = client.get(f"/api/v1/documents/{outcome.record_id}/file", headers=auth(keys["admin"]))
    assert r.status_code == 404
    assert "PDF" in js(r)["error"]["message"]


def test_purpose_may_be_percent_encoded(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str],
                                        backends: Backends) -> None:
    doc = make_doc()
    headers = {"Authorization": f"Bearer {keys['official']}", "X-Purpose": "X%C3%A1c%20minh%20h%E1%BB%93%20s%C6%A1"}
    assert client.get(f"/api/v1/documents/{doc.record_id}", headers=headers).status_code == 200
    assert backends.catalog.query_audit(record_id=doc.record_id)[0].purpose == "Xác minh hồ sơ"
    assert PURPOSE  # the raw-UTF-8 form is used by every other test
