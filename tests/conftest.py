"""Shared fixtures.

Integration tests talk to the real servers started by ``kho services up`` (``make services``):
Elasticsearch on 127.0.0.1:9200, MinIO on 127.0.0.1:9000 (root credentials in
``~/.cache/kho/minio/credentials.json``), PostgreSQL on 127.0.0.1:55432 (database ``kho_test``).
Redis on 127.0.0.1:56379. Use the fixtures ``es_url``, ``minio_endpoints``, ``postgres_url`` and
``redis_url``: each checks that its server
answers. With ``CI=true`` an unreachable server FAILS the test; elsewhere the test is skipped with
a message saying to run ``make services``.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from shared_material import require_shared

from kho.services.endpoints import REDIS_PORT, Endpoints, endpoints
from kho.settings import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = REPO_ROOT / "tests" / "resources"
REAL_SCANS = REPO_ROOT.parent / "shared" / "real-scans"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _require(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}; start it with `make services`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def server_endpoints() -> Endpoints:
    """Endpoints of the project's real servers."""
    return endpoints()


@pytest.fixture(scope="session")
def es_url(server_endpoints: Endpoints) -> str:
    """URL of the real Elasticsearch (fails in CI if it is down)."""
    _require("Elasticsearch", "127.0.0.1", 9200)
    return server_endpoints.elasticsearch_url


@pytest.fixture(scope="session")
def minio_endpoints(server_endpoints: Endpoints) -> Endpoints:
    """Endpoints with MinIO's address and root credentials (fails in CI if it is down)."""
    _require("MinIO", "127.0.0.1", 9000)
    return server_endpoints


@pytest.fixture(scope="session")
def postgres_url(server_endpoints: Endpoints) -> str:
    """SQLAlchemy URL of the real PostgreSQL test database (fails in CI if it is down)."""
    _require("PostgreSQL", "127.0.0.1", 55432)
    return server_endpoints.postgres_url


@pytest.fixture(scope="session")
def redis_url(server_endpoints: Endpoints) -> str:
    """URL of the real Redis (fails in CI if it is down)."""
    _require("Redis", "127.0.0.1", REDIS_PORT)
    return server_endpoints.redis_url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded-default settings with a fresh data dir, independent of the caller's environment."""
    return load_settings(environ={}, overrides={"data_dir": tmp_path / "kho-data"})


@pytest.fixture(scope="session")
def real_scans() -> Path:
    """The real Vietnamese scans in ../shared/real-scans (read-only, never copied into the repo)."""
    return require_shared(REAL_SCANS)
