"""Fixtures of the page tests: the app on embedded backends in a temp dir (CSRF on), one user per
role, records with known content, and a batch runner that records what it was asked to start."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pages_helpers import PASSWORD, USERS, Doc, RecordingRunner, make_record, sign_in

from kho.backends import Backends, open_backends
from kho.settings import Settings, load_settings
from repository.catalog import Catalog
from web.app import create_app
from web.context import EXTENSION


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    """Embedded defaults in a temp dir, a fixed secret key, a generous rate limit, one OCR worker."""
    return load_settings(
        environ={},
        overrides={
            "data_dir": tmp_path / "kho-data",
            "secret_key": "page-tests-secret",
            "rate_limit": "100000/minute",
            "max_upload_mb": 5,
            "jobs": 1,
        },
    )


@pytest.fixture(scope="session")
def catalog_with_users(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog file with one user per role (password :data:`PASSWORD`), made once: hashing is slow."""
    path = tmp_path_factory.mktemp("catalog") / "catalog.sqlite3"
    with Catalog.open(f"sqlite:///{path}") as catalog:
        for username, role in USERS.items():
            catalog.create_user(username, PASSWORD, role, display_name=f"Người dùng {role}")
    return path


@pytest.fixture
def backends(web_settings: Settings, catalog_with_users: Path) -> Iterator[Backends]:
    """The embedded backends, starting from a copy of the catalog with the users."""
    web_settings.data_dir.mkdir(parents=True)
    shutil.copy(catalog_with_users, web_settings.data_dir / "catalog.sqlite3")
    opened = open_backends(web_settings)
    opened.index.ensure_ready()
    yield opened
    opened.close()


@pytest.fixture
def runner() -> RecordingRunner:
    """The batch starter used by the app in these tests (no OCR runs)."""
    return RecordingRunner()


@pytest.fixture
def app(web_settings: Settings, backends: Backends, runner: RecordingRunner) -> Flask:
    """The app on the test backends, CSRF protection on, batches recorded instead of run."""
    created = create_app(web_settings, backends)
    created.extensions[EXTENSION].batch_runner = runner
    return created


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (no one signed in)."""
    return app.test_client()


@pytest.fixture
def as_user(app: Flask) -> Callable[..., FlaskClient]:
    """A new client signed in as ``username`` (optionally with a purpose)."""

    def make(username: str, purpose: str | None = None) -> FlaskClient:
        client = app.test_client()
        response = sign_in(client, username, purpose)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


@pytest.fixture
def make_doc(backends: Backends, tmp_path: Path) -> Callable[..., Doc]:
    """Store and index a record with known content (see :func:`pages_helpers.make_record`)."""
    counter = itertools.count()

    def make(**fields: Any) -> Doc:
        return make_record(backends, tmp_path / "docs", next(counter), **fields)

    return make
