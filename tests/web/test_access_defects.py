"""Regression tests of the API defects found by the probe (issue 14): D1, D3, D4, D9."""

from __future__ import annotations

import secrets

from flask.testing import FlaskClient
from web_api_helpers import MakeDoc, auth, js

from kho.backends import Backends
from kho.settings import Settings
from repository.catalog import Scopes
from repository.catalog_keys import parse_key_id
from web.app import HSTS, create_app

ATTACKER = {"REMOTE_ADDR": "10.66.66.66"}
PORTAL_HOST = {"REMOTE_ADDR": "10.1.1.1"}


def _limited(web_settings: Settings, backends: Backends, limit: str = "3/minute") -> FlaskClient:
    return create_app(web_settings.model_copy(update={"rate_limit": limit}), backends).test_client()


def test_d1_rate_limit_keyed_after_authentication(
    web_settings: Settings, backends: Backends, keys: dict[str, str]
) -> None:
    """Knowing a key id without its secret must not exhaust that key's bucket."""
    client = _limited(web_settings, backends)
    real = keys["portal"]
    forged = f"kho_{parse_key_id(real)}_{secrets.token_urlsafe(32)}"
    attempts = [client.get("/api/v1/citizens/079085001234/documents", headers=auth(forged),
                           environ_base=ATTACKER).status_code for _ in range(6)]
    assert attempts == [401, 401, 401, 429, 429, 429]  # the attacker's address is limited
    answer = client.get("/api/v1/citizens/079085001234/documents", headers=auth(real), environ_base=PORTAL_HOST)
    assert answer.status_code == 200, js(answer)  # the real key's bucket is untouched


def test_d1_made_up_key_ids_get_no_fresh_bucket(web_settings: Settings, backends: Backends) -> None:
    """An unauthenticated client is limited per address whatever key id it makes up."""
    client = _limited(web_settings, backends)
    statuses = []
    for _ in range(5):
        made_up = f"kho_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
        statuses.append(client.get("/api/v1/search", headers=auth(made_up), environ_base=ATTACKER).status_code)
    assert statuses == [401, 401, 401, 429, 429]
    no_key = client.get("/api/v1/search", environ_base=ATTACKER)
    assert no_key.status_code == 429


def test_d1_each_authenticated_key_has_its_own_bucket(
    web_settings: Settings, backends: Backends, keys: dict[str, str]
) -> None:
    client = _limited(web_settings, backends, "2/minute")
    same_host = {"REMOTE_ADDR": "10.2.2.2"}
    first = [client.get("/api/v1/audit", headers=auth(keys["admin"]), environ_base=same_host).status_code
             for _ in range(3)]
    assert first == [200, 200, 429]
    assert client.get("/api/v1/audit", headers=auth(keys["official"]), environ_base=same_host).status_code == 403


def test_d3_key_with_an_empty_resolved_scope_reads_nothing(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc
) -> None:
    """A scope stored before validation (``locality=%``) resolves to no place: it grants nothing."""
    doc = make_doc(citizen_ids=("079085001234",))
    _, key = backends.catalog.create_api_key("old key", "official", Scopes.of(localities=["%"]))
    listed = client.get("/api/v1/citizens/079085001234/documents", headers=auth(key))
    assert listed.status_code == 200 and js(listed)["documents"] == []
    assert client.get(f"/api/v1/documents/{doc.record_id}", headers=auth(key)).status_code == 403
    assert client.get(f"/api/v1/documents/{doc.record_id}/file", headers=auth(key)).status_code == 403
    assert client.get("/api/v1/search?q=a", headers=auth(key)).status_code == 403


def test_d4_audit_query_requires_and_records_a_purpose(
    client: FlaskClient, backends: Backends, keys: dict[str, str]
) -> None:
    before = len(backends.catalog.query_audit(limit=1000))
    missing = client.get("/api/v1/audit", headers=auth(keys["admin"], purpose=False))
    assert missing.status_code == 400 and "X-Purpose" in js(missing)["error"]["message"]
    assert len(backends.catalog.query_audit(limit=1000)) == before  # a refused query writes nothing
    headers = {**auth(keys["admin"], purpose=False), "X-Purpose": "Thanh tra %C4%91%E1%BB%8Bnh k%E1%BB%B3"}
    assert client.get("/api/v1/audit", headers=headers).status_code == 200
    event = backends.catalog.query_audit(action="audit.query", limit=1)[0]
    assert event.purpose == "Thanh tra định kỳ"


def test_d9_hsts_only_over_https_behind_a_trusted_proxy(web_settings: Settings, backends: Backends) -> None:
    proxied = create_app(web_settings.model_copy(update={"trusted_proxies": 1}), backends).test_client()
    https = proxied.get("/api/v1/openapi.json", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in proxied.get("/api/v1/openapi.json").headers
    direct = create_app(web_settings, backends).test_client()  # no trusted proxy: the header is not believed
    spoofed = direct.get("/api/v1/openapi.json", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
