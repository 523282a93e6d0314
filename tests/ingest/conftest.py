"""Fixtures of the ingest tests: a small clean synthetic corpus, settings and backends in a fresh data dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kho.backends import Backends, open_backends
from kho.settings import Settings, load_settings
from ocr.corpus.generate import generate_corpus


@pytest.fixture(scope="session")
def clean_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four clean synthetic documents (one or two pages each) with ``manifest.csv``, made once per session."""
    folder = tmp_path_factory.mktemp("ingest-corpus") / "scans"
    generate_corpus(folder, 4, 7, ("clean",), manifest=True, kinds=["legacy"])  # results with citizen IDs
    return folder


@pytest.fixture
def ingest_settings(tmp_path: Path) -> Settings:
    """Embedded defaults in a fresh data dir."""
    return load_settings(environ={}, overrides={"data_dir": tmp_path / "data"})


@pytest.fixture
def backends(ingest_settings: Settings) -> Iterator[Backends]:
    """Store, repository, index and catalog of :func:`ingest_settings`, closed afterwards."""
    opened = open_backends(ingest_settings)
    yield opened
    opened.close()
