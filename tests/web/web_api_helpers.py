"""Helpers of the web API tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kho.backends import Backends
from kho.settings import Settings, load_settings
from repository.catalog import Scopes
from repository.records import RecordFiles, SourceFile
from repository.schema import Provenance, RecordMetadata
from search.documents import index_document_from_record

ROLES = ("portal", "official", "archivist", "admin")
PURPOSE = {"X-Purpose": "Xác minh hồ sơ".encode().decode("latin-1")}


@dataclass(frozen=True)
class Doc:
    """A record created for a test: its ID, metadata and PDF bytes."""

    record_id: str
    metadata: RecordMetadata
    pdf: bytes


def write_source(folder: Path, name: str, data: bytes) -> SourceFile:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return SourceFile(name=name, path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


MakeDoc = Callable[..., Doc]


def auth(key: str, purpose: bool = True) -> dict[str, str]:
    """Headers with a Bearer key (and a purpose)."""
    headers = {"Authorization": f"Bearer {key}"}
    if purpose:
        headers.update(PURPOSE)
    return headers


def scoped_key(backends: Backends, role: str, **scopes: Any) -> str:
    """A key of ``role`` limited to ``Scopes.of(**scopes)``."""
    return backends.catalog.create_api_key(f"scoped {role}", role, Scopes.of(**scopes))[1]


def js(response: Any) -> Any:
    """The JSON body of a test-client response (asserting there is one)."""
    data = response.get_json()
    assert data is not None, response.get_data(as_text=True)[:200]
    return data


class RecordingRunner:
    """A batch starter that only records which batches it was asked to run."""

    def __init__(self) -> None:
        self.started: list[int] = []

    def start(self, batch_id: int) -> None:
        self.started.append(batch_id)


TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    """Embedded defaults in ``data_dir``, a small upload limit and a generous rate limit."""
    values: dict[str, Any] = {
        "data_dir": data_dir, "max_upload_mb": 2, "rate_limit": "10000/minute", "secret_key": "test-secret",
    }
    values.update(overrides)
    return load_settings(environ={}, overrides=values)


def create_doc(backends: Backends, folder: Path, n: int, citizen_ids: tuple[str, ...] = ("079085001234",),
               **fields: Any) -> Doc:
    """Create record number ``n`` (source + searchable PDF) through the repository and index it."""
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
    folder = folder / str(n)
    pdf = b"%PDF-1.7\n" + f"searchable document {n}\n".encode() * 200 + b"%%EOF\n"
    source = write_source(folder, f"scan-{n}.pdf", b"%PDF-1.4 scan " + str(n).encode() * 50)
    pdf_path = folder / "document.pdf"
    pdf_path.write_bytes(pdf)
    provenance = Provenance(ingested_at=datetime(2025, 1, 2, tzinfo=UTC), software_version="test")
    outcome = backends.repository.create(RecordFiles(sources=(source,), pdf=pdf_path), meta, provenance)
    record = backends.repository.get(outcome.record_id)
    pages = [f"{meta.document_type or ''} {meta.summary or ''} {meta.holder_name or ''}"]
    result = backends.index.index_documents([index_document_from_record(record, pages)], refresh=True)
    assert not result.failures
    return Doc(outcome.record_id, meta, pdf)



def zip_of(**members: bytes) -> bytes:
    """A ZIP archive holding ``members`` (name -> bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client: Any, key: str, files: list[tuple[bytes, str]], **extra: Any) -> Any:
    """``POST /api/v1/batches`` with ``files`` ((bytes, name) pairs) and extra form fields."""
    data: dict[str, Any] = {"files": [(io.BytesIO(body), name) for body, name in files]}
    data.update(extra)
    return client.post("/api/v1/batches", headers=auth(key, purpose=False), data=data,
                       content_type="multipart/form-data")
