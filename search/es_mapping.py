"""The versioned Elasticsearch mapping of the records index, and documents in its shape.

The server here has only the built-in analyzers (no ``analysis-common``: no asciifolding, shingles or
custom analyzers), so text is tokenised and folded by :mod:`search.normalize` and stored as
space-joined tokens in ``text_exact``/``text_folded`` with the ``whitespace`` analyzer. Those two
fields are left out of ``_source`` (the index is rebuilt from the repository, never from itself).
Pages are kept in ``_source`` (not indexed) for snippets with page numbers.

Bump :data:`MAPPING_VERSION` whenever the mapping or the analysis changes; ``kho reindex`` then
builds ``<alias>-v<version>-<timestamp>`` and moves the alias to it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from search.analysis import AnalysedDocument

__all__ = ["MAPPING_VERSION", "index_body", "index_name", "source_document"]

MAPPING_VERSION = 3  # 3: holder_exact/holder_folded (the name-phrase boost)

_KEYWORD = {"type": "keyword"}
_STORED_ONLY_KEYWORD = {"type": "keyword", "index": False, "doc_values": False}
_TOKENS = {"type": "text", "analyzer": "whitespace", "norms": True}

PROPERTIES: dict[str, Any] = {
    "record_id": _KEYWORD,
    "version": {"type": "long"},
    "citizen_ids": _KEYWORD,
    "document_type": _KEYWORD,
    "document_type_key": _KEYWORD,
    "document_number": _STORED_ONLY_KEYWORD,
    "document_number_key": _KEYWORD,
    "issued_on": {"type": "date", "format": "strict_date"},
    "year": {"type": "integer"},
    "issuer": _KEYWORD,
    "issuer_folded": {"type": "text", "analyzer": "whitespace", "norms": False},
    "place": _STORED_ONLY_KEYWORD,
    "locality": _KEYWORD,
    "locality_keys": _KEYWORD,
    "holder_name": _STORED_ONLY_KEYWORD,
    "holder_exact": {"type": "text", "analyzer": "whitespace", "norms": False},
    "holder_folded": {"type": "text", "analyzer": "whitespace", "norms": False},
    "summary": {"type": "text", "index": False},
    "status": _KEYWORD,
    "review_state": _KEYWORD,
    "page_count": {"type": "integer"},
    "valid_until": {"type": "date"},
    "ingested_at": {"type": "date"},
    "pages": {"type": "text", "index": False},
    "text_exact": _TOKENS,
    "text_folded": _TOKENS,
}


def index_body(*, bulk_load: bool = False) -> dict[str, Any]:
    """Settings and mappings for a new index; ``bulk_load`` turns refresh off for a rebuild."""
    settings: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
    if bulk_load:
        settings["refresh_interval"] = "-1"
    return {
        "settings": settings,
        "mappings": {
            "dynamic": "strict",
            "_meta": {"kho_mapping_version": MAPPING_VERSION},
            "_source": {"excludes": ["text_exact", "text_folded", "issuer_folded", "holder_exact", "holder_folded"]},
            "properties": PROPERTIES,
        },
    }


def index_name(alias: str, now: datetime | None = None) -> str:
    """``<alias>-v<mapping version>-<UTC timestamp>`` (unique to the microsecond)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
    return f"{alias}-v{MAPPING_VERSION}-{stamp}"


def source_document(a: AnalysedDocument) -> dict[str, Any]:
    """The JSON document indexed for one record."""
    doc = a.doc
    return {
        "record_id": doc.record_id,
        "version": doc.version,
        "citizen_ids": list(a.citizen_ids),
        "document_type": a.document_type,
        "document_type_key": a.document_type_key,
        "document_number": doc.document_number,
        "document_number_key": a.document_number_key,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "year": a.year,
        "issuer": a.issuer,
        "issuer_folded": a.issuer_folded,
        "place": doc.place,
        "locality": a.locality,
        "locality_keys": list(a.locality_keys),
        "holder_name": doc.holder_name,
        "holder_exact": a.holder_exact,
        "holder_folded": a.holder_folded,
        "summary": doc.summary,
        "status": doc.status,
        "review_state": doc.review_state,
        "page_count": doc.page_count,
        "valid_until": doc.valid_until.isoformat() if doc.valid_until else None,
        "ingested_at": doc.ingested_at.isoformat() if doc.ingested_at else None,
        "pages": list(a.pages),
        "text_exact": list(a.text_exact),
        "text_folded": list(a.text_folded),
    }
