"""Backend-neutral query planning: what a :class:`~search.index.SearchQuery` asks for, normalised.

Both backends translate the same :class:`TextPlan` and :class:`Filters`, so they match the same
records. Query text syntax:

* words are required terms (all must occur, accent-insensitively);
* ``"quoted words"`` are required phrases; a word that splits into several tokens
  (``07/QĐ-UBND``, ``Hòa-Bình``) is a phrase too;
* accented terms also score on the exact (accent-sensitive) field, so exact-accent matches rank
  first; unaccented terms match only on the folded field;
* with several bare words, among the best :data:`RESCORE_WINDOW` hits (relevance order) those
  where the words are adjacent and in order come first: Vietnamese words are several syllables,
  and this ranks ``quyết định`` above texts with ``quyết`` and ``định`` apart. (A rescoring
  window rather than a phrase clause on every match: a phrase over every match of common
  syllables costs 3× the whole query.)
* a query that is a document number (``Số: 7/QĐ-UBND``) also matches that document number exactly,
  whatever the leading zeros;
* a query of :data:`NAME_MIN_WORDS`–:data:`NAME_MAX_WORDS` bare words (no quotes) is also tried as
  a holder's name: records whose holder name holds those words adjacent and in order (folded) rank
  above every other match, and among them, when the words were typed with accents, those spelt
  exactly so (``Nguyễn Văn Ân`` before ``Nguyễn Văn An`` for ``nguyễn văn ân``).
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TypeVar

from kho.errors import UsageError
from search.index import SearchQuery
from search.normalize import fold_tokens, key, normalize_document_number, tokens
from search.places import query_keys

__all__ = [
    "FACET_FIELDS",
    "FACET_SIZE",
    "MAX_FACET_SIZE",
    "MAX_LIMIT",
    "NAME_MAX_WORDS",
    "NAME_MIN_WORDS",
    "RESCORE_WINDOW",
    "REVIEW_STATES",
    "STATUSES",
    "Filters",
    "Phrase",
    "Term",
    "TextPlan",
    "contains_phrase",
    "holder_tokens",
    "plan_filters",
    "plan_text",
    "proximity_order",
    "rescores",
]

FACET_FIELDS = ("document_type", "issuer", "locality", "year", "status", "review_state")
FACET_SIZE = 20
MAX_FACET_SIZE = 10_000
MAX_RECORD_IDS = 65_000  # below Elasticsearch's index.max_terms_count (65,536)
RESCORE_WINDOW = 100
MAX_LIMIT = 1000
NAME_MIN_WORDS = 2
NAME_MAX_WORDS = 4
STATUSES = ("valid", "superseded", "revoked")
REVIEW_STATES = ("none", "needs_review", "reviewed")

T = TypeVar("T")
_PART_RE = re.compile(r'"([^"]*)"?|“([^”]*)”?|(\S+)')
_DOCNUM_RE = re.compile(r"(?:s[oố]\s*[:.]?\s*)?\d+\s*/\s*\S*[^\W\d_]\S*", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One required token: its folded form, and its exact form when it carries accents."""

    folded: str
    exact: str | None


@dataclass(frozen=True)
class Phrase:
    """Consecutive tokens: folded forms, and exact forms when any of them carries accents."""

    folded: tuple[str, ...]
    exact: tuple[str, ...] | None


@dataclass(frozen=True)
class TextPlan:
    """The free-text part of a query."""

    terms: tuple[Term, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    proximity: Phrase | None = None
    document_number: str | None = None
    name: Phrase | None = None
    """The bare words tried as a holder's name (2–4 words, no quoted phrase), else ``None``."""

    @property
    def empty(self) -> bool:
        """True when there is no text to match."""
        return not self.terms and not self.phrases and self.document_number is None

    def required(self) -> tuple[Term | Phrase, ...]:
        """Every required term and phrase."""
        return (*self.terms, *self.phrases)

    def highlight_terms(self) -> frozenset[str]:
        """Folded single tokens to mark in snippets."""
        return frozenset(t.folded for t in self.terms)

    def highlight_phrases(self) -> tuple[tuple[str, ...], ...]:
        """Folded token sequences to mark in snippets."""
        return tuple(p.folded for p in self.phrases)


def _phrase(exact: list[str]) -> Phrase:
    folded = tuple(fold_tokens(exact))
    return Phrase(folded, tuple(exact) if tuple(exact) != folded else None)


def plan_text(text: str) -> TextPlan:
    """Parse query text into required terms and phrases (see the module docstring)."""
    terms: dict[str, Term] = {}
    phrases: dict[tuple[str, ...], Phrase] = {}
    bare: list[str] = []
    for match in _PART_RE.finditer(text):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        exact = tokens(quoted if quoted is not None else match.group(3) or "")
        if len(exact) == 1:
            folded = fold_tokens(exact)[0]
            terms.setdefault(folded + "\0" + exact[0], Term(folded, exact[0] if exact[0] != folded else None))
            if quoted is None:
                bare.append(exact[0])
        elif len(exact) > 1:
            phrase = _phrase(exact)
            phrases.setdefault(phrase.folded + (phrase.exact or ()), phrase)
    proximity = _phrase(bare) if len(bare) > 1 else None
    stripped = text.strip()
    number = normalize_document_number(stripped) if _DOCNUM_RE.fullmatch(stripped) else None
    name = proximity if not phrases and NAME_MIN_WORDS <= len(bare) <= NAME_MAX_WORDS else None
    return TextPlan(tuple(terms.values()), tuple(phrases.values()), proximity, number or None, name)


@dataclass(frozen=True)
class Filters:
    """Normalised filters; ``None`` means no filter on that field."""

    citizen_ids: tuple[str, ...] | None = None
    document_type_key: str | None = None
    issuer_tokens: tuple[str, ...] | None = None
    locality_keys: tuple[str, ...] | None = None
    status: str | None = None
    review_state: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    record_ids: tuple[str, ...] | None = None
    facet_size: int = FACET_SIZE


def _nonblank(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _check_choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    if value is None:
        return None
    if value not in choices:
        raise UsageError(f"unknown value {value!r}; use one of: {', '.join(choices)}", subject=what)
    return value


def _check_window(query: SearchQuery) -> None:
    if not 0 <= query.limit <= MAX_LIMIT:
        raise UsageError(f"must be between 0 and {MAX_LIMIT}", subject="limit")
    if query.offset < 0:
        raise UsageError("must not be negative", subject="offset")
    if query.sort not in ("relevance", "date"):
        raise UsageError("use relevance or date", subject="sort")
    if query.date_from and query.date_to and query.date_to < query.date_from:
        raise UsageError("the end date is before the start date", subject="date range")
    if query.facet_size is not None and not 1 <= query.facet_size <= MAX_FACET_SIZE:
        raise UsageError(f"must be between 1 and {MAX_FACET_SIZE}", subject="facet size")
    if query.record_ids is not None and len(query.record_ids) > MAX_RECORD_IDS:
        raise UsageError(f"at most {MAX_RECORD_IDS} record IDs", subject="record IDs")


def plan_filters(query: SearchQuery) -> Filters:
    """Validate and normalise the filters of ``query``; :class:`UsageError` for bad values.

    A citizen ID goes through ``kho.core.citizen_id.citizen_id_lookup_forms`` (12-digit ID or CMND,
    9-digit CMND, 11-digit ID that lost its leading zero); the message never repeats the ID.
    """
    from kho.core.citizen_id import citizen_id_lookup_forms

    _check_window(query)
    citizen = _nonblank(query.citizen_id)
    doc_type = _nonblank(query.document_type)
    issuer = _nonblank(query.issuer)
    locality = _nonblank(query.locality)
    issuer_tokens = tuple(tokens(issuer, folded=True)) if issuer else None
    locality_keys = query_keys(locality) if locality else None
    if issuer is not None and not issuer_tokens:
        raise UsageError("has no letters or digits", subject="issuer")
    if locality is not None and not locality_keys:
        raise UsageError("has no letters or digits", subject="locality")
    return Filters(
        citizen_ids=citizen_id_lookup_forms(citizen) if citizen else None,
        document_type_key=key(doc_type) if doc_type else None,
        issuer_tokens=issuer_tokens,
        locality_keys=locality_keys,
        status=_check_choice(_nonblank(query.status), STATUSES, "status"),
        review_state=_check_choice(_nonblank(query.review_state), REVIEW_STATES, "review state"),
        date_from=query.date_from.isoformat() if query.date_from else None,
        date_to=query.date_to.isoformat() if query.date_to else None,
        record_ids=tuple(dict.fromkeys(query.record_ids)) if query.record_ids is not None else None,
        facet_size=query.facet_size or FACET_SIZE,
    )



def rescores(plan: TextPlan, query: SearchQuery) -> bool:
    """True when the page needs the proximity rescoring of the first :data:`RESCORE_WINDOW` hits."""
    return (query.sort == "relevance" and plan.proximity is not None and query.offset < RESCORE_WINDOW
            and query.limit > 0)


def proximity_order(ranked: Sequence[T], adjacent: Container[T], window: int = RESCORE_WINDOW) -> list[T]:
    """``ranked`` with, among its first ``window``, those in ``adjacent`` moved first (order kept in each group)."""
    head = list(ranked[:window])
    return [x for x in head if x in adjacent] + [x for x in head if x not in adjacent] + list(ranked[window:])


def holder_tokens(holder_name: str | None) -> tuple[str | None, str | None]:
    """The holder name as space-joined exact and folded tokens (``None`` when it has none)."""
    exact = tokens(holder_name or "")
    if not exact:
        return None, None
    return " ".join(exact), " ".join(fold_tokens(exact))


def contains_phrase(folded_tokens: str, phrase: Sequence[str]) -> bool:
    """True when the space-joined folded tokens contain ``phrase`` as consecutive tokens."""
    return f" {' '.join(phrase)} " in f" {folded_tokens} "
