"""Turn an :class:`~search.index.IndexDocument` into the normalised values both backends store.

Pure functions: every key, token string and facet value is computed here, once, the same way for
SQLite and Elasticsearch.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.index import IndexDocument
from search.normalize import (
    collapse_spaces,
    fold_tokens,
    key,
    nfc,
    normalize_document_number,
    tokens,
)
from search.places import PlaceTable, locality_keys
from search.query import holder_tokens

__all__ = ["AnalysedDocument", "analyse", "digits_only"]


@dataclass(frozen=True)
class AnalysedDocument:
    """An index document with its normalised display values, filter keys and token strings.

    ``text_exact``/``text_folded`` hold one space-joined token string per text block: block 0 is
    the metadata (type, number, issuer, place, locality, holder, summary), then one per page.
    """

    doc: IndexDocument
    citizen_ids: tuple[str, ...]
    document_type: str | None
    document_type_key: str | None
    document_number_key: str | None
    issuer: str | None
    issuer_folded: str | None
    locality: str | None
    locality_keys: tuple[str, ...]
    year: int | None
    pages: tuple[str, ...]
    text_exact: tuple[str, ...]
    text_folded: tuple[str, ...]
    holder_exact: str | None = None
    holder_folded: str | None = None


def digits_only(value: str) -> str:
    """The ASCII digits of ``value`` (citizen IDs are stored as digit strings)."""
    return "".join(ch for ch in value if ch.isascii() and ch.isdigit())


def _display(value: str | None) -> str | None:
    """A stored display value: NFC, tone placement unified, spaces collapsed; blank → None."""
    if value is None:
        return None
    shown = collapse_spaces(value)
    return shown or None


def _meta_text(doc: IndexDocument) -> str:
    parts = (doc.document_type, doc.document_number, doc.issuer, doc.place, doc.locality,
             doc.holder_name, doc.summary)
    return "\n".join(p for p in parts if p)


def analyse(doc: IndexDocument, places: PlaceTable) -> AnalysedDocument:
    """Normalise ``doc`` for indexing (keys, facet values, exact and folded token strings)."""
    ids = tuple(dict.fromkeys(d for d in (digits_only(c) for c in doc.citizen_ids) if d))
    document_type = _display(doc.document_type)
    issuer = _display(doc.issuer)
    locality = _display(doc.locality)
    pages = tuple(nfc(p) for p in doc.pages)
    exact_blocks = [tokens(_meta_text(doc))] + [tokens(p) for p in pages]
    number_key = normalize_document_number(doc.document_number) if doc.document_number else None
    holder_exact, holder_folded = holder_tokens(doc.holder_name)
    return AnalysedDocument(
        doc=doc,
        citizen_ids=ids,
        document_type=document_type,
        document_type_key=key(document_type) if document_type else None,
        document_number_key=number_key or None,
        issuer=issuer,
        issuer_folded=" ".join(tokens(issuer, folded=True)) if issuer else None,
        locality=locality,
        locality_keys=locality_keys(locality, places),
        year=doc.issued_on.year if doc.issued_on else None,
        pages=pages,
        text_exact=tuple(" ".join(block) for block in exact_blocks),
        text_folded=tuple(" ".join(fold_tokens(block)) for block in exact_blocks),
        holder_exact=holder_exact,
        holder_folded=holder_folded,
    )
