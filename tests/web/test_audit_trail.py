"""100% of personal-data reads are audited: every read writes one event with the right fields.

Reads: a citizen's list, a record's metadata, its file (whole, a range, a 304 revalidation) and
a search. Refused reads (no purpose, outside role or scope, unknown ID) write nothing and serve
nothing. ``GET /api/v1/audit`` is admin-only and is itself audited.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from web_api_helpers import PURPOSE, MakeDoc, auth, js, scoped_key

from kho.backends import Backends
from kho.settings import Settings
from repository.catalog import AuditEvent
from repository.catalog_keys import parse_key_id
from web.app import create_app

CLIENT = "10.20.30.40"
PURPOSE_TEXT = "Xác minh hồ sơ"


def events(backends: Backends) -> list[AuditEvent]:
    return backends.catalog.query_audit(limit=1000)


def test_every_personal_data_read_writes_one_event_with_the_right_fields(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    doc = make_doc(citizen_ids=("079085001234",))
    key = keys["admin"]
    actor = f"key:{parse_key_id(key)}"
    env = {"REMOTE_ADDR": CLIENT}
    file_url = f"/api/v1/documents/{doc.record_id}/file"
    etag = f'"{hashlib.sha256(doc.pdf).hexdigest()}"'
    reads: list[tuple[str, dict[str, str], str, str | None, int]] = [
        ("/api/v1/citizens/079085001234/documents", {}, "citizen.documents", None, 200),
        ("/api/v1/citizens/79085001234/documents?type=Giấy phép xây dựng", {}, "citizen.documents", None, 200),
        (f"/api/v1/documents/{doc.record_id}", {}, "document.metadata", doc.record_id, 200),
        (file_url, {}, "document.file", doc.record_id, 200),
        (file_url, {"Range": "bytes=0-99"}, "document.file", doc.record_id, 206),
        (file_url, {"If-None-Match": etag}, "document.file", doc.record_id, 304),
        ("/api/v1/search?citizen_id=079085001234", {}, "search", None, 200),
        ("/api/v1/search?q=xây dựng", {}, "search", None, 200),
    ]
    for path, extra, action, record_id, status in reads:
        before = len(events(backends))
        started = datetime.now(UTC)
        r = client.get(path, headers={**auth(key), **extra}, environ_base=env)
        assert r.status_code == status, (path, r.get_data(as_text=True))
        new = events(backends)[: len(events(backends)) - before]
        assert len(new) == 1, (path, new)
        event = new[0]
        assert event.action == action
        assert event.actor == actor and event.actor_kind == "key"
        assert event.purpose == PURPOSE_TEXT
        assert event.client_address == CLIENT
        assert event.record_id == record_id
        assert started <= event.at <= datetime.now(UTC)
        if path.startswith("/api/v1/search?q="):
            assert event.citizen_id is None
            assert doc.record_id in event.details["record_ids"]
        else:
            assert event.citizen_id == "079085001234"
        if action == "citizen.documents":
            assert event.details["record_ids"] == [doc.record_id]


def test_a_record_naming_two_citizens_writes_one_event_per_citizen(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    doc = make_doc(citizen_ids=("079085001234", "201234567"))
    assert client.get(f"/api/v1/documents/{doc.record_id}", headers=auth(keys["official"])).status_code == 200
    found = events(backends)
    assert sorted(e.citizen_id or "" for e in found) == ["079085001234", "201234567"]
    assert {e.record_id for e in found} == {doc.record_id}


@pytest.mark.parametrize(("who", "headers_purpose", "path", "status"), [
    ("admin", False, "/api/v1/citizens/079085001234/documents", 400),
    ("admin", False, "/api/v1/documents/{id}", 400),
    ("admin", False, "/api/v1/documents/{id}/file", 400),
    ("admin", False, "/api/v1/search?q=nhà", 400),
    ("archivist", True, "/api/v1/citizens/079085001234/documents", 403),
    ("portal", True, "/api/v1/search?q=nhà", 403),
    ("other_type", True, "/api/v1/documents/{id}", 403),
    ("other_type", True, "/api/v1/documents/{id}/file", 403),
    ("admin", True, "/api/v1/documents/kho-00000000000000000000", 404),
    ("admin", True, "/api/v1/citizens/0790/documents", 400),
])
def test_refused_reads_write_no_event_and_serve_nothing(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc, keys: dict[str, str],
    who: str, headers_purpose: bool, path: str, status: int,
) -> None:
    doc = make_doc()
    key = scoped_key(backends, "official", document_types=["Quyết định"]) if who == "other_type" else keys[who]
    r = client.get(path.replace("{id}", doc.record_id), headers=auth(key, purpose=headers_purpose))
    assert r.status_code == status
    assert set(js(r)) == {"error"}
    assert events(backends) == []


def test_client_address_behind_a_trusted_proxy(
    web_settings: Settings, backends: Backends, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    doc = make_doc()
    proxied = create_app(web_settings.model_copy(update={"trusted_proxies": 1}), backends).test_client()
    headers = {**auth(keys["portal"]), "X-Forwarded-For": "203.0.113.7"}
    assert proxied.get(f"/api/v1/documents/{doc.record_id}", headers=headers,
                       environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert events(backends)[0].client_address == "203.0.113.7"


def test_audit_endpoint_is_admin_only_filters_and_is_itself_audited(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    doc = make_doc()
    other = make_doc(citizen_ids=("201234567",))
    client.get(f"/api/v1/documents/{doc.record_id}", headers=auth(keys["portal"]))
    client.get(f"/api/v1/documents/{other.record_id}", headers=auth(keys["portal"]))
    assert client.get("/api/v1/audit", headers=auth(keys["official"])).status_code == 403
    r = client.get("/api/v1/audit?citizen_id=079085001234&since=2000-01-01", headers=auth(keys["admin"]))
    assert r.status_code == 200
    listed = js(r)["events"]
    assert [e["record_id"] for e in listed] == [doc.record_id]
    assert listed[0]["purpose"] == PURPOSE_TEXT and listed[0]["actor_kind"] == "key"
    newest = events(backends)[0]
    assert newest.action == "audit.query" and newest.citizen_id == "079085001234"
    assert newest.actor == f"key:{parse_key_id(keys['admin'])}"
    assert js(client.get("/api/v1/audit?since=2999-01-01", headers=auth(keys["admin"])))["events"] == []
    assert client.get("/api/v1/audit?since=soon", headers=auth(keys["admin"])).status_code == 400
    assert client.get("/api/v1/audit?record_id=x", headers=auth(keys["admin"])).status_code == 400
    assert PURPOSE
