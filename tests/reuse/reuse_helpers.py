"""Helpers of the reuse tests: real (small) PDFs, records created through the repository, office keys."""

from __future__ import annotations

import hashlib
import io
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import img2pdf
from PIL import Image, ImageDraw

from kho.backends import Backends
from kho.settings import Settings, load_settings
from repository.records import RecordFiles, SourceFile
from repository.schema import Provenance, RecordMetadata
from search.documents import index_document_from_record

RunKho = Callable[..., subprocess.CompletedProcess[str]]
PASSPHRASE = "mật-khẩu-ký-số-2026"
OFFICE = "UBND huyện Bắc Trà My"
CITIZEN = "049085001234"


def settings_for(data_dir: Path, **overrides: Any) -> Settings:
    """Embedded defaults in ``data_dir`` with an office, a signing passphrase and a public URL."""
    values: dict[str, Any] = {
        "data_dir": data_dir, "rate_limit": "10000/minute", "secret_key": "test-secret",
        "signing_passphrase": PASSPHRASE, "office_name": OFFICE, "public_url": "https://kho.example.vn",
    }
    values.update(overrides)
    return load_settings(environ={}, overrides=values)


def env_for(settings: Settings) -> dict[str, str]:
    """The ``KHO_*`` environment that gives ``settings`` to a ``kho`` process."""
    return {
        "KHO_DATA_DIR": str(settings.data_dir), "KHO_SIGNING_PASSPHRASE": PASSPHRASE,
        "KHO_OFFICE_NAME": OFFICE, "KHO_PUBLIC_URL": settings.public_url,
        "KHO_STORE_URL": settings.store_url, "KHO_CATALOG_URL": settings.catalog_url,
    }


def page_pdf(text: str) -> bytes:
    """A one-page A4 PDF of a white page with ``text`` drawn on it (a real PDF, no OCR needed)."""
    image = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(image).text((120, 160), text, fill="black")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    layout = img2pdf.get_fixed_dpi_layout_fun((150, 150))
    data = img2pdf.convert(buf.getvalue(), layout_fun=layout)
    assert data is not None
    return bytes(data)


@dataclass(frozen=True)
class Doc:
    """A record created for a test."""

    record_id: str
    metadata: RecordMetadata
    pdf: bytes


def create_record(backends: Backends, folder: Path, n: int, ocr_json: dict[str, Any] | None = None,
                  **fields: Any) -> Doc:
    """Create record ``n`` (a source file, a real searchable PDF, optionally an OCR JSON) and index it."""
    values: dict[str, Any] = {
        "citizen_ids": (CITIZEN,),
        "document_type": "Giấy phép xây dựng",
        "document_number": f"{n + 1}/GPXD",
        "issued_on": date(2024, 3, 1 + n % 28),
        "issuer": OFFICE,
        "locality": "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam",
        "holder_name": "Nguyễn Văn An",
        "page_count": 1,
    }
    values.update(fields)
    meta = RecordMetadata(**values)
    folder = folder / f"doc-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = page_pdf(f"GIAY PHEP XAY DUNG so {n + 1}/GPXD")
    source_path = folder / f"scan-{n}.pdf"
    source_path.write_bytes(pdf + f"% source {n}\n".encode())
    data = source_path.read_bytes()
    source = SourceFile(source_path.name, source_path, hashlib.sha256(data).hexdigest(), len(data))
    pdf_path = folder / "document.pdf"
    pdf_path.write_bytes(pdf)
    provenance = Provenance(ingested_at=datetime(2025, 1, 2, tzinfo=UTC), software_version="test")
    outcome = backends.repository.create(
        RecordFiles(sources=(source,), pdf=pdf_path, ocr_text="GIẤY PHÉP XÂY DỰNG", ocr_json=ocr_json), meta,
        provenance
    )
    record = backends.repository.get(outcome.record_id)
    result = backends.index.index_documents([index_document_from_record(record, ["GIẤY PHÉP XÂY DỰNG"])],
                                            refresh=True)
    assert not result.failures
    return Doc(outcome.record_id, meta, pdf)
