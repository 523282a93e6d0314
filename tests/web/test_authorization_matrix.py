"""Every role x every endpoint x inside/outside the key's scope: allowed, hidden, or denied.

Outcomes: ``A`` allowed (2xx, the test document visible where the endpoint lists documents),
``H`` allowed but the out-of-scope document hidden from the list, ``D`` denied (403).
Scope columns: no scope; a scope the document is inside (its type and province); a scope of
another document type; a scope of another locality. List endpoints are called with an explicit
``type`` filter of the document's type, which is outside a key limited to another type (403).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_api_helpers import (
    ROLES,
    TINY_PDF,
    Doc,
    MakeDoc,
    RecordingRunner,
    auth,
    create_doc,
    js,
    scoped_key,
    settings_for,
)

from kho.backends import Backends, open_backends
from web.app import create_app

SCOPES: dict[str, dict[str, list[str]]] = {
    "none": {},
    "inside": {"document_types": ["Giấy phép xây dựng"], "localities": ["Quảng Nam"]},
    "other_type": {"document_types": ["Quyết định"]},
    "other_locality": {"localities": ["Hà Nội"]},
}

#                 none inside other_type other_locality
MATRIX: dict[str, dict[str, str]] = {
    "citizen_documents": {"portal": "A A D H", "official": "A A D H", "archivist": "D D D D", "admin": "A A D H"},
    "document_metadata": {"portal": "A A D D", "official": "A A D D", "archivist": "A A D D", "admin": "A A D D"},
    "document_file": {"portal": "A A D D", "official": "A A D D", "archivist": "A A D D", "admin": "A A D D"},
    "search": {"portal": "D D D D", "official": "A A D H", "archivist": "A A D H", "admin": "A A D H"},
    "batch_create": {"portal": "D D D D", "official": "D D D D", "archivist": "A A A A", "admin": "A A A A"},
    "batch_read": {"portal": "D D D D", "official": "D D D D", "archivist": "A A A A", "admin": "A A A A"},
    "audit": {"portal": "D D D D", "official": "D D D D", "archivist": "D D D D", "admin": "A A A A"},
}

CASES = [
    pytest.param(endpoint, role, scope, outcome, id=f"{endpoint}-{role}-{scope}")
    for endpoint, by_role in MATRIX.items()
    for role, row in by_role.items()
    for scope, outcome in zip(SCOPES, row.split(), strict=True)
]

Call = Callable[[FlaskClient, dict[str, str], Doc, int], Any]


def _upload(client: FlaskClient, headers: dict[str, str], doc: Doc, batch_id: int) -> Any:
    data = {"files": [(io.BytesIO(TINY_PDF), "quyết định 1.pdf")]}
    return client.post("/api/v1/batches", headers=headers, data=data, content_type="multipart/form-data")


CALLS: dict[str, Call] = {
    "citizen_documents": lambda c, h, d, b: c.get(
        "/api/v1/citizens/079085001234/documents?type=Giấy phép xây dựng", headers=h),
    "document_metadata": lambda c, h, d, b: c.get(f"/api/v1/documents/{d.record_id}", headers=h),
    "document_file": lambda c, h, d, b: c.get(f"/api/v1/documents/{d.record_id}/file", headers=h),
    "search": lambda c, h, d, b: c.get("/api/v1/search?q=xây dựng&type=Giấy phép xây dựng", headers=h),
    "batch_create": _upload,
    "batch_read": lambda c, h, d, b: c.get(f"/api/v1/batches/{b}", headers=h),
    "audit": lambda c, h, d, b: c.get("/api/v1/audit", headers=h),
}

LISTED: dict[str, Callable[[Any], list[str]]] = {
    "citizen_documents": lambda body: [x["id"] for x in body["documents"]],
    "search": lambda body: [x["record_id"] for x in body["hits"]],
}


def test_matrix_covers_every_api_operation(app: Flask) -> None:
    operations = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    public = {"api.openapi_document", "api.docs_page"}
    named = {"api.citizen_documents", "api.document_metadata", "api.document_pdf", "api.search",
             "api.create_batch", "api.batch_status", "api.audit_events"}
    certified_copies = {"api.create_certified_copy", "api.certified_copy_file"}  # matrix: tests/reuse/test_web.py
    assert operations - public - certified_copies == named
    assert len(named) == len(MATRIX)


@dataclass
class World:
    """One app shared by the whole matrix: a document, a batch, and a key per role and scope."""

    client: FlaskClient
    doc: Doc
    batch_id: int
    keys: dict[tuple[str, str], str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("matrix")
    settings = settings_for(root / "kho-data")
    backends = open_backends(settings)
    app = create_app(settings, backends)
    app.extensions["kho"].batch_runner = RecordingRunner()
    doc = create_doc(backends, root / "docs", 0)
    batch = backends.catalog.create_batch("existing", ["/nowhere"])
    keys = {(role, scope): scoped_key(backends, role, **SCOPES[scope]) for role in ROLES for scope in SCOPES}
    yield World(app.test_client(), doc, batch.id, keys)
    backends.close()


@pytest.mark.parametrize(("endpoint", "role", "scope", "outcome"), CASES)
def test_authorization(world: World, endpoint: str, role: str, scope: str, outcome: str) -> None:
    doc = world.doc
    response = CALLS[endpoint](world.client, auth(world.keys[role, scope]), doc, world.batch_id)
    if outcome == "D":
        assert response.status_code == 403, response.get_data(as_text=True)
        assert js(response)["error"]["code"] == "forbidden"
        return
    assert response.status_code in (200, 202), response.get_data(as_text=True)
    if endpoint in LISTED:
        listed = LISTED[endpoint](js(response))
        assert (doc.record_id in listed) == (outcome == "A")
    else:
        assert outcome == "A"


def test_lookup_without_type_filter_hides_out_of_scope_documents(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc
) -> None:
    permit = make_doc()
    decision = make_doc(document_type="Quyết định")
    elsewhere = make_doc(locality="phường Hải Châu, thành phố Đà Nẵng cũ, Hà Nội")
    key = scoped_key(backends, "portal", document_types=["Giấy phép xây dựng"], localities=["Bắc Trà My"])
    r = client.get("/api/v1/citizens/079085001234/documents", headers=auth(key))
    assert [d["id"] for d in js(r)["documents"]] == [permit.record_id]
    assert decision.record_id != elsewhere.record_id


def test_search_with_several_scoped_types_must_choose_one(client: FlaskClient, backends: Backends) -> None:
    key = scoped_key(backends, "official", document_types=["Quyết định", "Giấy phép xây dựng"])
    r = client.get("/api/v1/search?q=nhà", headers=auth(key))
    assert r.status_code == 400 and js(r)["error"]["message"].startswith("document_type:")
    assert client.get("/api/v1/search?q=nhà&type=Quyết định", headers=auth(key)).status_code == 200
    assert client.get("/api/v1/search?q=nhà&type=Công văn", headers=auth(key)).status_code == 403


def test_old_and_new_place_names_count_as_the_same_scope(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc
) -> None:
    doc = make_doc()  # xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam
    key = scoped_key(backends, "portal", localities=["Đà Nẵng"])  # Quảng Nam merged into Đà Nẵng (2025)
    assert client.get(f"/api/v1/documents/{doc.record_id}", headers=auth(key)).status_code == 200
