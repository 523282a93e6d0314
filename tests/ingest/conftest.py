"""Fixtures of the ingest tests: a small clean synthetic corpus, settings and backends in a fresh data dir."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from kho.backends import Backends, open_backends
from kho.settings import Settings, load_settings
from ocr.corpus.generate import generate_corpus, load_corpus

REPO = Path(__file__).resolve().parents[2]
RES = REPO / "tests" / "resources" / "ingest"
KHO = REPO / ".venv" / "bin" / "kho"


@pytest.fixture(scope="session")
def clean_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four clean synthetic documents (one or two pages each) with ``manifest.csv``, made once per session."""
    folder = tmp_path_factory.mktemp("ingest-corpus") / "scans"
    generate_corpus(folder, 4, 7, ("clean",), manifest=True)
    return folder


def corpus_pages(folder: Path) -> int:
    """How many pages the corpus in ``folder`` has (from its ``corpus.json``)."""
    return sum(len(item.pages) for item in load_corpus(folder))


def manifest_rows(folder: Path) -> list[dict[str, str]]:
    """The rows of a corpus folder's ``manifest.csv``."""
    return list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8"))))


def copy_subset(corpus: Path, target: Path, count: int) -> Path:
    """The first ``count`` documents of a corpus (scans and manifest rows) copied into ``target``."""
    rows = manifest_rows(corpus)[:count]
    target.mkdir(parents=True)
    for row in rows:
        shutil.copy(corpus / row["file"], target / row["file"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (target / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    return target


def blank_png(path: Path, width: int) -> Path:
    """A small white PNG (a blank page: recognised instantly); ``width`` makes its bytes unique."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (width, 20), 255).save(path)
    return path


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a ``kho`` subprocess: no inherited KHO_* variables, this data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update({"KHO_DATA_DIR": str(data_dir), "KHO_LOG_LEVEL": "INFO", **extra})
    return env


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
