"""``create_app`` takes its collaborators: an uploaded batch goes to the batch runner it was given."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from kho.backends import Backends, open_backends
from kho.settings import Settings, load_settings
from web.app import create_app

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class RecordingStarter:
    """A batch runner (``web.batches.BatchStarter``) that only records what it was asked to start."""

    def __init__(self) -> None:
        self.started: list[int] = []

    def start(self, batch_id: int) -> None:
        self.started.append(batch_id)


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return load_settings(environ={}, overrides={"data_dir": tmp_path / "kho-data", "secret_key": "test-secret"})


@pytest.fixture
def backends(app_settings: Settings) -> Iterator[Backends]:
    opened = open_backends(app_settings)
    yield opened
    opened.close()


def test_uploaded_batch_goes_to_the_given_runner(app_settings: Settings, backends: Backends) -> None:
    starter = RecordingStarter()
    client = create_app(app_settings, backends, batch_runner=starter).test_client()
    _, key = backends.catalog.create_api_key("archive office", "archivist")
    r = client.post("/api/v1/batches", headers={"Authorization": f"Bearer {key}"},
                    data={"files": [(io.BytesIO(TINY_PDF), "a.pdf")]}, content_type="multipart/form-data")
    assert r.status_code == 202, r.get_data(as_text=True)
    batch_id = r.get_json()["id"]
    assert starter.started == [batch_id]
    assert backends.catalog.get_batch(batch_id).status == "queued"  # nothing ran: the runner is ours


def test_create_app_closes_only_the_backends_it_opened(tmp_path) -> None:
    from kho.backends import open_backends
    from kho.settings import load_settings
    from web.app import close_app, create_app
    from web.context import EXTENSION

    settings = load_settings(environ={}, overrides={"data_dir": tmp_path / "kho-data"})
    own = create_app(settings)
    close_app(own)
    assert own.extensions[EXTENSION].closed
    given = open_backends(settings)
    borrowed = create_app(settings, backends=given)
    close_app(borrowed)
    assert not borrowed.extensions[EXTENSION].closed  # the caller's backends stay open
    given.index.ensure_ready()
    given.close()
