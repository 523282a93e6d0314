"""The ``SearchIndex`` Protocol and the dataclasses it takes and returns.

Backends: :mod:`search.sqlite_index` (SQLite FTS5, embedded default) and :mod:`search.es_index`
(Elasticsearch 9, production). Both fold text with :mod:`search.normalize` so they behave alike;
one contract test suite runs against both. The index is derived data: ``kho reindex`` rebuilds it
from the repository.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol, runtime_checkable


@dataclass(frozen=True)
class IndexDocument:
    """One record as the index sees it (built from ``record.json`` and the OCR text)."""

    record_id: str
    version: int
    citizen_ids: tuple[str, ...] = ()
    document_type: str | None = None
    document_number: str | None = None
    issued_on: date | None = None
    issuer: str | None = None
    place: str | None = None
    locality: str | None = None
    holder_name: str | None = None
    summary: str | None = None
    status: str = "valid"
    review_state: str = "none"
    page_count: int = 0
    valid_until: date | None = None
    ingested_at: datetime | None = None
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchQuery:
    """A search: free text and/or a citizen ID, filters, sort and a page window."""

    text: str = ""
    citizen_id: str | None = None
    document_type: str | None = None
    issuer: str | None = None
    locality: str | None = None
    status: str | None = None
    review_state: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 20
    offset: int = 0
    with_facets: bool = True
    record_ids: tuple[str, ...] | None = None
    """Only these records (``()`` matches none): e.g. the records portals reused, from the catalog."""
    facet_size: int | None = None
    """Values per facet (``None``: ``search.query.FACET_SIZE``); the statistics ask for every locality."""


@dataclass(frozen=True)
class Highlight:
    """A snippet of matching text with its page number (1-based); matches wrapped in <mark>."""

    page: int
    text: str


MASK = "•••"
"""What stands for the hidden digits of a masked citizen ID (``•••1440``)."""


def mask_citizen_id(digits: str) -> str:
    """``•••`` and the last 4 digits of a citizen ID: enough to tell two holders of one name apart."""
    return MASK + digits[-4:]


@dataclass(frozen=True)
class SearchHit:
    """One matching record.

    ``citizen_ids`` are the full IDs (for the access layer and the CLI); what a results list shows
    of the holder is :attr:`masked_citizen_id` and :attr:`birth_year`, never the full ID.
    """

    record_id: str
    score: float
    document_type: str | None
    document_number: str | None
    issued_on: date | None
    issuer: str | None
    holder_name: str | None
    citizen_ids: tuple[str, ...]
    highlights: tuple[Highlight, ...] = ()
    locality: str | None = None
    status: str = "valid"
    review_state: str = "none"
    page_count: int = 0
    valid_until: date | None = None

    @property
    def masked_citizen_id(self) -> str | None:
        """The first citizen ID masked (``•••1440``), or ``None`` when the record names none."""
        return mask_citizen_id(self.citizen_ids[0]) if self.citizen_ids else None

    @property
    def birth_year(self) -> int | None:
        """The birth year encoded by the first 12-digit personal ID (century + year digits), else ``None``."""
        from kho.core.citizen_id import birth_year, is_personal_id

        for digits in self.citizen_ids:
            if is_personal_id(digits):
                return birth_year(digits)
        return None


@dataclass(frozen=True)
class FacetCount:
    """How many matching records have ``value`` in a faceted field."""

    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """Total matches, the hits of the requested window, and facet counts."""

    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkFailure:
    """A record the index refused, with the reason."""

    record_id: str
    reason: str


@dataclass(frozen=True)
class BulkResult:
    """Per-item outcome of a bulk write: nothing is dropped silently."""

    indexed: int
    failures: tuple[BulkFailure, ...] = ()


@runtime_checkable
class SearchIndex(Protocol):
    """Write, search and rebuild the records index."""

    def ensure_ready(self) -> None:
        """Create the index (and alias) with the current mapping version if absent."""
        ...

    def index_documents(self, docs: Sequence[IndexDocument], *, refresh: bool = False) -> BulkResult:
        """Upsert documents by record ID; ``refresh`` only when the caller must read its own write."""
        ...

    def delete_document(self, record_id: str, *, refresh: bool = False) -> None:
        """Remove one record from the index (no error if absent); ``refresh`` as for writes."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query."""
        ...

    def count(self) -> int:
        """Number of indexed records."""
        ...

    def versions(self) -> dict[str, int]:
        """record_id -> indexed record version, for ``kho reindex --check``."""
        ...

    def rebuild(self, docs: Iterable[IndexDocument]) -> BulkResult:
        """Build a fresh index from ``docs`` and switch to it atomically."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
