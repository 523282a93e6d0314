"""The OpenAPI document matches the routes, real answers match its schemas, and the docs page is self-contained."""

from __future__ import annotations

import io
import re
from typing import Any

import jsonschema_rs
import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_api_helpers import TINY_PDF, MakeDoc, RecordingRunner, auth, js

from web.openapi import openapi_document


def validate(body: Any, schema_name: str) -> None:
    document = openapi_document()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    errors = [str(e) for e in jsonschema_rs.validator_for(schema).iter_errors(body)]
    assert not errors, errors


def test_every_route_is_documented_and_every_documented_path_exists(app: Flask) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    documented = {(path, method) for path, ops in openapi_document()["paths"].items() for method in ops}
    assert routes == documented


def test_real_answers_match_the_documented_schemas(
    app: Flask, client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    app.extensions["kho"].batch_runner = RecordingRunner()
    doc = make_doc()
    headers = auth(keys["admin"])
    validate(js(client.get("/api/v1/citizens/079085001234/documents", headers=headers)), "CitizenDocuments")
    validate(js(client.get(f"/api/v1/documents/{doc.record_id}", headers=headers)), "Record")
    validate(js(client.get("/api/v1/search?q=nhà", headers=headers)), "SearchResult")
    created = client.post("/api/v1/batches", headers=headers, content_type="multipart/form-data",
                          data={"files": [(io.BytesIO(TINY_PDF), "a.pdf")]})
    validate(js(created), "Batch")
    validate(js(client.get(f"/api/v1/batches/{js(created)['id']}", headers=headers)), "Batch")
    validate(js(client.get("/api/v1/audit", headers=headers)), "AuditList")
    validate(js(client.get("/api/v1/audit", headers={"Authorization": "Bearer nope"})), "Error")


def test_document_is_openapi_3_1_with_bearer_security(client: FlaskClient) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    document = js(r)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    public = {p for p, ops in document["paths"].items() for op in ops.values() if op.get("security") == []}
    assert public == {"/api/v1/openapi.json", "/api/v1/docs"}


def test_docs_page_is_plain_html_without_external_resources(client: FlaskClient) -> None:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    for path in openapi_document()["paths"]:
        assert path in page
    assert "<script" not in page
    assert not re.search(r"""(?:src|href)=["']https?://""", page)
    assert "X-Purpose" in page


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_description_needs_no_key(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 200
