"""One JSON error shape everywhere under /api; keys only in headers; rate limits; no tracebacks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_api_helpers import auth, js

from kho.backends import Backends
from kho.settings import Settings
from search.index import SearchQuery, SearchResult
from web.app import create_app
from web.auth import KeyCache


def assert_error_shape(body: Any, status: int, code: str | None = None) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "status"} <= set(error)
    assert error["status"] == status
    assert isinstance(error["message"], str) and "\n" not in error["message"]
    assert "Traceback" not in error["message"]
    if code:
        assert error["code"] == code


def test_missing_key_is_401_with_bearer_challenge(client: FlaskClient) -> None:
    r = client.get("/api/v1/citizens/079085001234/documents")
    assert r.status_code == 401
    assert_error_shape(js(r), 401, "unauthenticated")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer kho_nothex_xyz", "kho_abc"])
def test_malformed_authorization_is_401(client: FlaskClient, header: str) -> None:
    r = client.get("/api/v1/audit", headers={"Authorization": header})
    assert r.status_code == 401
    assert_error_shape(js(r), 401, "unauthenticated")


def test_unknown_and_revoked_keys_are_401(app: Flask, client: FlaskClient, backends: Backends) -> None:
    now = [0.0]
    app.extensions["kho"].key_cache = KeyCache(ttl=2.0, clock=lambda: now[0])
    key, secret = backends.catalog.create_api_key("soon revoked", "admin")
    assert client.get("/api/v1/audit", headers=auth(secret)).status_code == 200
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert client.get("/api/v1/audit", headers=auth(forged)).status_code == 401
    backends.catalog.revoke_api_key(key.id)
    now[0] = 1.9  # a revocation reaches every worker within the cache's 2 seconds
    assert client.get("/api/v1/audit", headers=auth(secret)).status_code == 200
    now[0] = 2.0
    r = client.get("/api/v1/audit", headers=auth(secret))
    assert r.status_code == 401
    assert secret not in r.get_data(as_text=True)


@pytest.mark.parametrize("name", ["key", "api_key", "token", "access_token", "API_KEY"])
def test_keys_in_urls_are_refused_even_with_a_valid_header(
    client: FlaskClient, keys: dict[str, str], name: str
) -> None:
    r = client.get(f"/api/v1/audit?{name}={keys['admin']}", headers=auth(keys["admin"]))
    assert r.status_code == 400
    assert_error_shape(js(r), 400, "bad_request")
    assert keys["admin"] not in r.get_data(as_text=True)
    r = client.get(f"/api/v1/openapi.json?{name}=x")
    assert r.status_code == 400


def test_unknown_path_and_method_use_the_json_shape(client: FlaskClient, keys: dict[str, str]) -> None:
    r = client.get("/api/v1/nothing-here", headers=auth(keys["admin"]))
    assert r.status_code == 404
    assert_error_shape(js(r), 404, "not_found")
    r = client.delete("/api/v1/audit", headers=auth(keys["admin"]))
    assert r.status_code == 405
    assert_error_shape(js(r), 405)
    assert "GET" in r.headers["Allow"]


def test_non_api_paths_get_html_errors(client: FlaskClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    assert "404" in r.get_data(as_text=True)


class ExplodingIndex:
    """An index whose searches fail with an unexpected exception (a bug, not a KhoError)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def search(self, query: SearchQuery) -> SearchResult:
        raise RuntimeError("secret internal detail 079085001234")


def test_unexpected_exception_is_500_without_internals(
    web_settings: Settings, backends: Backends, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    broken = dataclasses.replace(backends, index=ExplodingIndex(backends.index))
    client = create_app(web_settings, broken).test_client()
    with caplog.at_level("ERROR", logger="web"):
        r = client.get("/api/v1/citizens/079085001234/documents", headers=auth(keys["portal"]))
    assert r.status_code == 500
    assert_error_shape(js(r), 500, "internal_error")
    body = r.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    logged = "\n".join(rec.getMessage() + (rec.exc_text or "") for rec in caplog.records)
    assert "RuntimeError" in logged
    assert "079085001234" not in logged


def test_rate_limit_per_key_is_429_json(web_settings: Settings, backends: Backends, keys: dict[str, str]) -> None:
    limited = web_settings.model_copy(update={"rate_limit": "3/minute"})
    client = create_app(limited, backends).test_client()
    statuses = [client.get("/api/v1/audit", headers=auth(keys["admin"])).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = client.get("/api/v1/audit", headers=auth(keys["admin"]))
    assert_error_shape(js(r), 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 0
    # another key has its own bucket
    assert client.get("/api/v1/audit", headers=auth(keys["official"])).status_code == 403


def test_security_headers_on_every_answer(client: FlaskClient) -> None:
    for path in ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/audit", "/nowhere"):
        assert client.get(path).headers["X-Content-Type-Options"] == "nosniff"
