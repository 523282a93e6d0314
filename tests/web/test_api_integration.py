"""The API on the production engines: MinIO store, Elasticsearch index, PostgreSQL catalog.

Fails (never skips) in CI when a server is down; elsewhere skipped with a hint (tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from web_api_helpers import auth, create_doc, js, settings_for

from kho.backends import Backends, open_backends
from kho.services.endpoints import Endpoints
from repository.s3store import S3Store
from web.app import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
def production(tmp_path: Path, es_url: str, minio_endpoints: Endpoints, postgres_url: str) -> Iterator[Backends]:
    token = secrets.token_hex(4)
    bucket, index_name, schema = f"kho-web-{token}", f"kho-web-test-{token}", f"kho_web_test_{token}"
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in postgres_url else "?"
    settings = settings_for(
        tmp_path / "kho-data", store_url=f"s3://{bucket}", s3_endpoint=minio_endpoints.s3_endpoint,
        s3_access_key=minio_endpoints.s3_access_key, s3_secret_key=minio_endpoints.s3_secret_key,
        index_url=es_url, index_name=index_name, catalog_url=f"{postgres_url}{sep}options=-csearch_path%3D{schema}",
    )
    store = S3Store.from_settings(settings)
    store.ensure_bucket()
    backends = open_backends(settings)
    backends.index.ensure_ready()
    try:
        yield backends
    finally:
        backends.close()
        store.remove_all(remove_bucket=True)
        Elasticsearch(es_url).indices.delete(index=f"{index_name}*", ignore_unavailable=True)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_lookup_metadata_file_search_and_audit_on_production_engines(production: Backends, tmp_path: Path) -> None:
    doc = create_doc(production, tmp_path / "docs", 0)
    create_doc(production, tmp_path / "docs", 1, citizen_ids=("201234567",), document_type="Quyết định")
    _, portal = production.catalog.create_api_key("portal", "portal")
    _, admin = production.catalog.create_api_key("admin", "admin")
    client: FlaskClient = create_app(production.settings, production).test_client()

    r = client.get("/api/v1/citizens/79085001234/documents?status=valid", headers=auth(portal))
    assert r.status_code == 200
    assert [d["id"] for d in js(r)["documents"]] == [doc.record_id]
    meta = js(client.get(f"/api/v1/documents/{doc.record_id}", headers=auth(portal)))
    assert meta["metadata"]["document_type"] == "Giấy phép xây dựng"
    whole = client.get(f"/api/v1/documents/{doc.record_id}/file", headers=auth(portal))
    assert whole.data == doc.pdf and whole.headers["ETag"] == f'"{hashlib.sha256(doc.pdf).hexdigest()}"'
    part = client.get(f"/api/v1/documents/{doc.record_id}/file", headers={**auth(portal), "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == doc.pdf[100:200]
    found = js(client.get("/api/v1/search?q=quyết định", headers=auth(admin)))
    assert found["total"] == 1

    audit = js(client.get("/api/v1/audit?citizen_id=079085001234", headers=auth(admin)))["events"]
    assert [e["action"] for e in audit] == ["document.file", "document.file", "document.metadata",
                                            "citizen.documents"]
    assert all(e["purpose"] == "Xác minh hồ sơ" for e in audit)
