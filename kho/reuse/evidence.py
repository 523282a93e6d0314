"""QR codes read from a record's pages (``ocr/qr.py`` → ``ocr.json``), offered as evidence in review.

A result issued since Circular 01/2023 carries a QR code; its text (a lookup URL, or the document's
number and date) lets the reviewer check the fields read from the page against what the issuer
encoded. The page worker stores each page's codes in the OCR JSON (``pages[].qr_codes``).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from repository.records import Record, Repository


@dataclass(frozen=True)
class QrEvidence:
    """A QR code on a record's page: its text, page (1-based) and relative box (left, top, width, height)."""

    text: str
    page: int
    relative_box: tuple[float, ...]


def recorded_qr_codes(repo: Repository, record: Record) -> list[QrEvidence]:
    """The QR codes stored in the record's OCR JSON, page by page (none when it has no OCR JSON)."""
    if not record.objects_with_role("json"):
        return []
    try:
        data = json.loads(repo.store.get_bytes(repo.object_key(record, "json")))
    except ValueError:
        return []
    pages = data.get("pages") if isinstance(data, dict) else None
    found: list[QrEvidence] = []
    for page in pages if isinstance(pages, list) else []:
        for code in page.get("qr_codes", []) if isinstance(page, dict) else []:
            if isinstance(code, dict) and isinstance(code.get("text"), str):
                box = tuple(float(v) for v in code.get("relative_box", ()) if isinstance(v, int | float))
                number = page.get("number") or code.get("page") or 0  # the record's page (files merged)
                found.append(QrEvidence(unicodedata.normalize("NFC", code["text"]), int(number), box))
    return found
