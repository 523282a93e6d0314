"""Helpers of the web API tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kho.backends import Backends
from repository.catalog import Scopes
from repository.records import SourceFile
from repository.schema import RecordMetadata
from search.index import IndexDocument

ROLES = ("portal", "official", "archivist", "admin")
PURPOSE = {"X-Purpose": "Xác minh hồ sơ".encode().decode("latin-1")}


@dataclass(frozen=True)
class Doc:
    """A record created for a test: its ID, metadata and PDF bytes."""

    record_id: str
    metadata: RecordMetadata
    pdf: bytes


def index_document(record_id: str, meta: RecordMetadata, version: int = 1) -> IndexDocument:
    """The index view of a record's metadata (what reindex would build, without OCR pages)."""
    return IndexDocument(
        record_id=record_id,
        version=version,
        citizen_ids=meta.citizen_ids,
        document_type=meta.document_type,
        document_number=meta.document_number,
        issued_on=meta.issued_on,
        issuer=meta.issuer,
        locality=meta.locality,
        holder_name=meta.holder_name,
        summary=meta.summary,
        status=meta.status,
        page_count=meta.page_count,
        pages=(f"{meta.document_type or ''} {meta.summary or ''}",),
    )


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
