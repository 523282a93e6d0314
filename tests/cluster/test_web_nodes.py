"""Two web nodes (two ``create_app`` instances, each with its own backends) sharing PostgreSQL and Redis.

Rate limits count across both nodes when ``KHO_RATELIMIT_URL`` points at Redis (and, as a control,
per node with the embedded default); a key revoked through one node is refused by the other
within the key cache's window (``web.auth.KeyCache``, 2 s); a sign-in session ended on one node
(logout, or the user disabled) is refused by the other (server-side sessions in the catalog).
"""

from __future__ import annotations

import html
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from kho.backends import Backends, open_backends
from kho.settings import Settings, load_settings
from web.app import create_app

pytestmark = pytest.mark.integration
KEY_CACHE_SECONDS = 2.0


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "X-Purpose": "Kiểm tra hai máy chủ"}


@pytest.fixture
def shared_catalog(postgres_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema both nodes use as their catalog."""
    schema = f"kho_nodes_{secrets.token_hex(4)}"
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in postgres_url else "?"
    try:
        yield f"{postgres_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _settings(data_dir: Path, catalog_url: str, **overrides: Any) -> Settings:
    values = {"data_dir": data_dir, "catalog_url": catalog_url, "secret_key": "test-secret", **overrides}
    return load_settings(environ={}, overrides=values)


class Nodes:
    """Two web nodes: separate apps and backends over the same catalog."""

    def __init__(self, settings: Settings) -> None:
        self.backends: list[Backends] = [open_backends(settings), open_backends(settings)]
        self.clients: list[FlaskClient] = [create_app(settings, b).test_client() for b in self.backends]

    def close(self) -> None:
        for backends in self.backends:
            backends.close()


@pytest.fixture
def nodes_factory(tmp_path: Path, shared_catalog: str) -> Iterator[Any]:
    made: list[Nodes] = []

    def make(**overrides: Any) -> Nodes:
        nodes = Nodes(_settings(tmp_path / f"data{len(made)}", shared_catalog, **overrides))
        made.append(nodes)
        return nodes

    yield make
    for nodes in made:
        nodes.close()


def _alternate(nodes: Nodes, key: str, count: int) -> list[int]:
    return [nodes.clients[i % 2].get("/api/v1/audit", headers=_auth(key)).status_code for i in range(count)]


def test_rate_limit_counts_across_two_nodes_sharing_redis(nodes_factory: Any, redis_url: str) -> None:
    shared = nodes_factory(rate_limit="4/minute", ratelimit_url=redis_url)
    _, key = shared.backends[0].catalog.create_api_key("admin-" + secrets.token_hex(3), "admin")
    assert _alternate(shared, key, 6) == [200, 200, 200, 200, 429, 429]


def test_without_redis_each_node_counts_alone(nodes_factory: Any) -> None:
    separate = nodes_factory(rate_limit="4/minute")
    _, key = separate.backends[0].catalog.create_api_key("admin-" + secrets.token_hex(3), "admin")
    assert _alternate(separate, key, 8) == [200] * 8


def test_key_revoked_through_one_node_is_refused_by_the_other(nodes_factory: Any, redis_url: str) -> None:
    nodes = nodes_factory(ratelimit_url=redis_url)
    record, key = nodes.backends[0].catalog.create_api_key("admin-" + secrets.token_hex(3), "admin")
    assert [c.get("/api/v1/audit", headers=_auth(key)).status_code for c in nodes.clients] == [200, 200]
    nodes.backends[0].catalog.revoke_api_key(record.id)
    assert nodes.clients[0].get("/api/v1/audit", headers=_auth(key)).status_code in (200, 401)
    time.sleep(KEY_CACHE_SECONDS + 0.2)  # the documented window: web.auth.KeyCache's ttl
    assert nodes.clients[1].get("/api/v1/audit", headers=_auth(key)).status_code == 401
    assert nodes.clients[0].get("/api/v1/audit", headers=_auth(key)).status_code == 401




PASSWORD = "mật-khẩu-đủ-dài-hai-nút"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _post_form(client: FlaskClient, page: str, action: str, data: dict[str, str]) -> Any:
    found = _CSRF.search(client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token in {page}"
    return client.post(action, data={"csrf_token": html.unescape(found.group(1)), **data})


def _session_status(nodes: Nodes, node: int, cookie: str) -> int:
    browser = nodes.clients[node].application.test_client()
    browser.set_cookie("session", cookie)
    return browser.get("/search").status_code


def test_session_ended_on_one_node_is_refused_by_the_other(nodes_factory: Any, redis_url: str) -> None:
    nodes = nodes_factory(ratelimit_url=redis_url)
    username = "can-bo-" + secrets.token_hex(3)
    nodes.backends[0].catalog.create_user(username, PASSWORD, "official", display_name="Cán bộ hai nút")

    def signed_in() -> str:
        browser = nodes.clients[0].application.test_client()
        response = _post_form(browser, "/login", "/login", {"username": username, "password": PASSWORD})
        assert response.status_code == 302
        cookie = browser.get_cookie("session")
        assert cookie is not None
        return cookie.value

    cookie = signed_in()
    assert [_session_status(nodes, n, cookie) for n in (0, 1)] == [200, 200]
    browser = nodes.clients[0].application.test_client()
    browser.set_cookie("session", cookie)
    assert _post_form(browser, "/search", "/logout", {}).status_code == 302
    assert _session_status(nodes, 1, cookie) == 302  # logged out on node 0: refused on node 1

    second = signed_in()
    assert _session_status(nodes, 1, second) == 200
    nodes.backends[1].catalog.disable_user(username)  # disabled through node 1
    assert _session_status(nodes, 0, second) == 302
