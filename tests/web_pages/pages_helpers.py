"""Helpers of the page tests: records with known content, signing in, CSRF tokens from forms."""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from PIL import Image

from kho.backends import Backends
from repository.records import RecordFiles, SourceFile
from repository.schema import Provenance, RecordMetadata
from search.documents import index_document_from_record

PASSWORD = "mật-khẩu-đủ-dài"
USERS = {"can-bo": "official", "luu-tru": "archivist", "quan-tri": "admin"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Doc:
    """A record made for a test: its ID, metadata, PDF bytes and page texts."""

    record_id: str
    metadata: RecordMetadata
    pdf: bytes
    pages: tuple[str, ...]


class RecordingRunner:
    """A batch starter that only remembers the batches it was asked to run."""

    def __init__(self) -> None:
        self.started: list[int] = []

    def start(self, batch_id: int) -> None:
        """Remember ``batch_id``."""
        self.started.append(batch_id)


def csrf_token(page: str) -> str:
    """The CSRF token of the first form in a rendered page."""
    found = _CSRF.search(page)
    assert found, "no CSRF token in the page"
    return html.unescape(found.group(1))


def text_of(response: Any) -> str:
    """A response body as text."""
    return str(response.get_data(as_text=True))


def sign_in(client: FlaskClient, username: str, purpose: str | None = None, password: str = PASSWORD) -> Any:
    """Sign in through the form (GET for the token, then POST); the POST response."""
    token = csrf_token(text_of(client.get("/login")))
    form = {"csrf_token": token, "username": username, "password": password}
    if purpose is not None:
        form["purpose"] = purpose
    return client.post("/login", data=form)


def post_form(client: FlaskClient, page_url: str, action: str, data: dict[str, Any]) -> Any:
    """Load ``page_url``, take its CSRF token, and POST ``data`` to ``action``."""
    token = csrf_token(text_of(client.get(page_url)))
    return client.post(action, data={"csrf_token": token, **data})


def _png(path: Path, shade: int, size: tuple[int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size, shade).save(path, format="PNG")
    return path


def _source(folder: Path, name: str, data: bytes) -> SourceFile:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return SourceFile(name=name, path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def make_record(backends: Backends, folder: Path, n: int, pages: tuple[str, ...] | None = None,
                **fields: Any) -> Doc:
    """Store and index a record with page images, thumbnails, a PDF and OCR page texts."""
    values: dict[str, Any] = {
        "citizen_ids": ("049085001234",),
        "document_type": "Giấy phép xây dựng",
        "document_number": f"{n + 1:02d}/GPXD",
        "issued_on": date(2024, 3, 1 + n % 28),
        "issuer": "UBND huyện Bắc Trà My",
        "locality": "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam",
        "holder_name": "Nguyễn Văn An",
        "summary": "Cấp phép xây dựng nhà ở riêng lẻ",
        "valid_until": date(2030, 3, 1),
        "page_count": 2,
    }
    values.update(fields)
    meta = RecordMetadata(**values)
    texts = pages or (
        f"GIẤY PHÉP XÂY DỰNG Số: {values['document_number']} cấp cho ông {values['holder_name']}",
        f"Trang hai: {values['summary']}; địa điểm {values['locality']}",
    )
    work = folder / f"doc-{n}"
    pdf = b"%PDF-1.7\n" + f"document {n}\n".encode() * 100 + b"%%EOF\n"
    (work / "document.pdf").parent.mkdir(parents=True, exist_ok=True)
    (work / "document.pdf").write_bytes(pdf)
    images = tuple(_png(work / f"{i + 1:04d}.png", 200 + i, (300 + n, 420)) for i in range(len(texts)))
    thumbs = tuple(_png(work / f"thumb-{i + 1:04d}.png", 210 + i, (90, 120)) for i in range(len(texts)))
    files = RecordFiles(
        sources=(_source(work, f"scan-{n}.pdf", b"%PDF-1.4 scan " + str(n).encode() * 40),),
        pdf=work / "document.pdf", page_images=images, thumbnails=thumbs,
        ocr_json={"pages": [{"text": t} for t in texts]}, ocr_text="\f".join(texts),
    )
    provenance = Provenance(ingested_at=datetime(2025, 1, 2, tzinfo=UTC), software_version="test",
                            batch_id="test-batch")
    outcome = backends.repository.create(files, meta, provenance)
    record = backends.repository.get(outcome.record_id)
    result = backends.index.index_documents([index_document_from_record(record, texts)], refresh=True)
    assert not result.failures
    return Doc(outcome.record_id, meta, pdf, texts)


def png_bytes(width: int = 40, height: int = 50) -> bytes:
    """A small PNG image's bytes."""
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, format="PNG")
    return out.getvalue()
