"""Fixtures of the web API tests: an app on embedded backends in a temp dir, records with known
content created directly through the repository and the index (no OCR), and one key per role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_api_helpers import ROLES, Doc, MakeDoc, index_document, write_source

from kho.backends import Backends, open_backends
from kho.settings import Settings, load_settings
from repository.records import RecordFiles
from repository.schema import Provenance, RecordMetadata
from web.app import create_app


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    """Embedded defaults in a temp dir, a small upload limit and a generous rate limit."""
    return load_settings(
        environ={},
        overrides={
            "data_dir": tmp_path / "kho-data",
            "max_upload_mb": 2,
            "rate_limit": "10000/minute",
            "secret_key": "test-secret",
        },
    )


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
        n = next(counter)
        values: dict[str, Any] = {
            "citizen_ids": citizen_ids,
            "document_type": "Giấy phép xây dựng",
            "document_number": f"{n + 1}/GPXD",
            "issued_on": date(2024, 3, 1 + n % 28),
            "issuer": "UBND huyện Bắc Trà My",
            "locality": "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam",
            "holder_name": "Nguyễn Văn An",
            "summary": "Cấp phép xây dựng nhà ở riêng lẻ",
            "valid_until": date(2026, 3, 1),
            "page_count": 2,
        }
        values.update(fields)
        meta = RecordMetadata(**values)
        folder = tmp_path / "docs" / str(n)
        pdf = b"%PDF-1.7\n" + f"searchable document {n}\n".encode() * 200 + b"%%EOF\n"
        source = write_source(folder, f"scan-{n}.pdf", b"%PDF-1.4 scan " + str(n).encode() * 50)
        pdf_path = folder / "document.pdf"
        pdf_path.write_bytes(pdf)
        provenance = Provenance(ingested_at=datetime(2025, 1, 2, tzinfo=UTC), software_version="test")
        outcome = backends.repository.create(RecordFiles(sources=(source,), pdf=pdf_path), meta, provenance)
        result = backends.index.index_documents([index_document(outcome.record_id, meta)], refresh=True)
        assert not result.failures
        return Doc(outcome.record_id, meta, pdf)

    return make


@pytest.fixture
def keys(backends: Backends) -> dict[str, str]:
    """One unscoped key per role: role -> plaintext key."""
    return {role: backends.catalog.create_api_key(f"test {role}", role)[1] for role in ROLES}


