"""Build the index document of a repository record (``record.json`` metadata + page OCR texts)."""

from __future__ import annotations

from collections.abc import Sequence

from repository.schema import Record
from search.index import IndexDocument

__all__ = ["index_document_from_record"]


def index_document_from_record(record: Record, page_texts: Sequence[str]) -> IndexDocument:
    """The :class:`IndexDocument` of ``record``: its current metadata, version and page texts.

    ``page_count`` is the metadata's when set, else the number of page texts.
    """
    meta = record.metadata
    return IndexDocument(
        record_id=record.record_id,
        version=record.version,
        citizen_ids=tuple(meta.citizen_ids),
        document_type=meta.document_type,
        document_number=meta.document_number,
        issued_on=meta.issued_on,
        issuer=meta.issuer,
        place=meta.place,
        locality=meta.locality,
        holder_name=meta.holder_name,
        summary=meta.summary,
        status=meta.status,
        review_state=meta.review_state,
        page_count=meta.page_count or len(page_texts),
        valid_until=meta.valid_until,
        ingested_at=record.provenance.ingested_at,
        pages=tuple(page_texts),
    )
