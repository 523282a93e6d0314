"""What ingest stores for one document: metadata, provenance, OCR JSON and the files of a record.

Pure builders (:func:`build_metadata`, :func:`ocr_json`) turn the OCR pages, the extracted fields,
the manifest entry and the quality verdict into the ``record.json`` values; :func:`write_page_files`
writes each page's archive image, thumbnail and PDF page into a work folder as it arrives, and
:func:`record_files` assembles them for :meth:`repository.records.Repository.create`. Manifest
values win over extracted ones; both are kept with their source in ``metadata.evidence`` (the OCR's
own reading, with its confidence, beside each manifest value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from ingest.engine import EngineIdentity
from ingest.plan import DocumentEntry
from ingest.quality import QualityVerdict
from ingest.worker import IngestPage, PageFiles
from kho import __version__
from ocr.fields import ExtractedFields, FieldValue
from ocr.pipeline import OcrOptions, PageOcr
from repository.records import RecordFiles, SourceFile
from repository.schema import (
    FieldEvidence,
    OcrReading,
    OcrSettings,
    PageQuality,
    Provenance,
    QualitySummary,
    RecordMetadata,
)

#: Metadata fields taken from the manifest when it has them, else from extraction.
MANIFEST_WINS: tuple[str, ...] = (
    "document_type",
    "document_number",
    "issuer",
    "locality",
    "holder_name",
)
#: Extracted-only single fields.
EXTRACTED_ONLY: tuple[str, ...] = ("place", "summary", "issuer_parent")
SNIPPET_MAX = 200


@dataclass(frozen=True)
class FileOcr:
    """The OCR of one source file of a document (a document may have several), and the files of
    each page (archive image, thumbnail, one-page searchable PDF) already on disk."""

    source: SourceFile
    pages: tuple[PageOcr, ...]
    page_files: tuple[PageFiles, ...]


def write_page_files(page: IngestPage, number: int, work: Path) -> IngestPage:
    """Write a recognised page's image, thumbnail and PDF into ``work``; the page without its bytes.

    Called as each page arrives, so a long document never holds its images in memory.
    """
    work.mkdir(parents=True, exist_ok=True)
    image = thumb = None
    if page.ocr.image is not None:
        image = work / f"{number:04d}.{page.ocr.image.extension}"
        image.write_bytes(page.ocr.image.data)
    if page.ocr.thumbnail is not None:
        thumb = work / f"thumb-{number:04d}.{page.ocr.thumbnail.extension}"
        thumb.write_bytes(page.ocr.thumbnail.data)
    pdf = work / f"page-{number:04d}.pdf"
    pdf.write_bytes(page.pdf)
    light = replace(page.ocr, image=None, thumbnail=None, text_pdf=None)
    return IngestPage(light, b"", PageFiles(image, thumb, pdf))


def document_pages(files: Sequence[FileOcr]) -> list[PageOcr]:
    """Every page of a document, in file order (page numbers stay those within each file)."""
    return [page for f in files for page in f.pages]


def _snippet(texts: Sequence[str], value: FieldValue) -> str | None:
    page = value.evidence.page
    if not 1 <= page <= len(texts):
        return None
    text = texts[page - 1][value.evidence.start : value.evidence.end]
    return text[:SNIPPET_MAX] or None


def _page_source(pages: Sequence[PageOcr], page: int) -> str:
    return "text_layer" if 1 <= page <= len(pages) and pages[page - 1].from_text_layer else "ocr"


def _reading(found: FieldValue, pages: Sequence[PageOcr], texts: Sequence[str]) -> OcrReading:
    """What the OCR read for a field: value, confidence (0-1), page, snippet and text source."""
    page = found.evidence.page
    return OcrReading(
        value=found.value,
        confidence=max(0.0, min(1.0, found.confidence)),
        page=page if page >= 1 else None,
        text=_snippet(texts, found),
        source=_page_source(pages, page),
    )


def _evidence(
    fields: ExtractedFields, entry: DocumentEntry | None, pages: Sequence[PageOcr]
) -> dict[str, FieldEvidence]:
    """Per field, where its value came from: a manifest value (no confidence: it is not a reading)
    with the OCR's own reading beside it, or the OCR's reading itself."""
    texts = [p.text for p in pages]
    out: dict[str, FieldEvidence] = {}
    for name in (*MANIFEST_WINS, "issued_on", *EXTRACTED_ONLY):
        manifest_value = getattr(entry, name, None) if entry is not None else None
        found: FieldValue | None = getattr(fields, name)
        read = _reading(found, pages, texts) if found is not None else None
        if manifest_value:
            value = manifest_value.isoformat() if isinstance(manifest_value, dt.date) else manifest_value
            out[name] = FieldEvidence(value=value, source="manifest", ocr=read)
        elif read is not None:
            out[name] = FieldEvidence(**read.model_dump())
    return out


def _date(value: FieldValue | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.value)
    except ValueError:
        return None


def quality_summary(pages: Sequence[PageOcr]) -> QualitySummary:
    """Per-page quality (renumbered 1..n across files) and the mean confidence of non-blank pages."""
    per_page = tuple(
        PageQuality(
            page=i,
            dpi=p.dpi or None,
            confidence=max(0.0, min(100.0, p.confidence)),
            blank=p.blank,
            warnings=tuple(p.warnings),
        )
        for i, p in enumerate(pages, start=1)
    )
    scored = [p.confidence for p in pages if not p.blank]
    mean = round(sum(scored) / len(scored), 2) if scored else None
    warnings = tuple(dict.fromkeys(w for p in pages for w in p.warnings))
    return QualitySummary(pages=per_page, mean_confidence=mean, warnings=warnings)


def build_metadata(
    fields: ExtractedFields,
    entry: DocumentEntry | None,
    pages: Sequence[PageOcr],
    verdict: QualityVerdict,
) -> RecordMetadata:
    """The record metadata: manifest values first, then extracted ones; quality; review state.

    Citizen IDs are the manifest's followed by the validated IDs and CMND numbers read in the text.
    """
    values: dict[str, Any] = {}
    for name in MANIFEST_WINS:
        manifest_value = getattr(entry, name) if entry is not None else None
        found: FieldValue | None = getattr(fields, name)
        values[name] = manifest_value or (found.value if found is not None else None)
    for name in EXTRACTED_ONLY:
        found = getattr(fields, name)
        values[name] = found.value if found is not None else None
    manifest_ids = entry.citizen_ids if entry is not None else ()
    ids = (*manifest_ids, *(v.value for v in fields.citizen_ids), *(v.value for v in fields.cmnd_ids))
    return RecordMetadata(
        citizen_ids=tuple(dict.fromkeys(ids)),
        issued_on=(entry.issued_on if entry is not None and entry.issued_on else None) or _date(fields.issued_on),
        procedure_code=entry.procedure_code if entry is not None else None,
        page_count=len(pages),
        quality=quality_summary(pages),
        review_state="needs_review" if verdict.needs_review else "none",
        review_reasons=verdict.reasons,
        manifest_fields=dict(entry.raw) if entry is not None else {},
        evidence=_evidence(fields, entry, pages),
        **values,
    )


def build_provenance(
    batch_name: str,
    sources: Sequence[SourceFile],
    options: OcrOptions,
    at: dt.datetime,
    engine: EngineIdentity | None = None,
) -> Provenance:
    """Where the record came from: the batch, file names, time, software, OCR engine and settings."""
    return Provenance(
        batch_id=batch_name,
        source_names=tuple(s.name for s in sources),
        ingested_at=at,
        ingested_by="kho ingest",
        software="kho",
        software_version=__version__,
        ocr=OcrSettings(
            engine="tesseract",
            engine_version=engine.version if engine else None,
            language_data=dict(engine.language_data) if engine else {},
            lang=options.lang,
            dpi=options.dpi,
            options={"force_ocr": options.force_ocr, "osd": options.osd},
        ),
    )


def ocr_json(files: Sequence[FileOcr], fields: ExtractedFields) -> dict[str, Any]:
    """The record's OCR JSON: files, pages (numbered 1..n, each with its file and page in that file)."""
    pages = []
    number = 0
    for index, f in enumerate(files):
        for page in f.pages:
            number += 1
            entry = page.to_json()
            entry.update({"number": number, "file": index, "file_page": page.number})
            pages.append(entry)
    return {
        "files": [f.source.name for f in files],
        "text": "\f".join(p["text"] for p in pages),
        "pages": pages,
        "fields": fields.to_json(),
    }


def merged_pdf(parts: Sequence[Path], target: Path) -> Path:
    """One PDF of the pages of ``parts`` (PDF files) in order, at ``target``; a single part is itself."""
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(part))
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def record_files(files: Sequence[FileOcr], fields: ExtractedFields, work: Path) -> RecordFiles:
    """The :class:`RecordFiles` of a document whose page files are on disk (the PDF is merged into ``work``)."""
    page_files = [pf for f in files for pf in f.page_files]
    data = ocr_json(files, fields)
    return RecordFiles(
        sources=tuple(f.source for f in files),
        pdf=merged_pdf([pf.pdf for pf in page_files], work / "document.pdf"),
        page_images=tuple(pf.image for pf in page_files if pf.image is not None),
        thumbnails=tuple(pf.thumbnail for pf in page_files if pf.thumbnail is not None),
        ocr_json=data,
        ocr_text=data["text"],
    )


def item_fields(metadata: RecordMetadata, files: Sequence[str]) -> dict[str, Any]:
    """What the catalog item (and so the batch report) keeps of a record's metadata."""
    return {
        "files": list(files),
        "citizen_ids": list(metadata.citizen_ids),
        "document_type": metadata.document_type,
        "document_number": metadata.document_number,
        "issued_on": metadata.issued_on.isoformat() if metadata.issued_on else None,
        "issuer": metadata.issuer,
        "locality": metadata.locality,
        "holder_name": metadata.holder_name,
        "review_state": metadata.review_state,
    }
