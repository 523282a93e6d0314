"""Fixtures of the web API tests: an app on embedded backends in a temp dir, records with known
content created directly through the repository and the index (no OCR), and one key per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_api_helpers import ROLES, Doc, MakeDoc, RecordingRunner, create_doc, settings_for

from kho.backends import Backends, open_backends
from kho.settings import Settings
from web.app import create_app


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    """Embedded defaults in a temp dir, a small upload limit and a generous rate limit."""
    return settings_for(tmp_path / "kho-data")


@pytest.fixture
def backends(web_settings: Settings) -> Iterator[Backends]:
    """The embedded backends of ``web_settings`` (closed at the end)."""
    opened = open_backends(web_settings)
    opened.index.ensure_ready()
    yield opened
    opened.close()


@pytest.fixture
def app(web_settings: Settings, backends: Backends) -> Flask:
    """The app on the test backends."""
    return create_app(web_settings, backends)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def make_doc(backends: Backends, tmp_path: Path) -> MakeDoc:
    """Create a record (source + searchable PDF) and index it; returns what was stored."""
    counter = iter(range(1_000_000))

    def make(citizen_ids: tuple[str, ...] = ("079085001234",), **fields: Any) -> Doc:
        return create_doc(backends, tmp_path / "docs", next(counter), citizen_ids, **fields)

    return make


@pytest.fixture
def keys(backends: Backends) -> dict[str, str]:
    """One unscoped key per role: role -> plaintext key."""
    return {role: backends.catalog.create_api_key(f"test {role}", role)[1] for role in ROLES}




@pytest.fixture
def runner(app: Flask) -> RecordingRunner:
    """The app's batch runner replaced by one that only records what it was asked to start."""
    recorder = RecordingRunner()
    app.extensions["kho"].batch_runner = recorder
    return recorder
