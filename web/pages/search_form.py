"""The search page's form (pure): one box plus filters, turned into a :class:`~search.index.SearchQuery`.

The box takes a citizen ID (12 digits, a 9-digit CMND, or an ID that lost its leading zero;
spaces, dots and dashes between digits are ignored), a document number (``07/QĐ-UBND``) or words
with or without accents. A citizen ID becomes the query's ``citizen_id`` (an audited lookup); the
rest is text, which the index plans itself (:func:`search.query.plan_text`: document numbers,
phrases, accent folding).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kho.core.citizen_id import looks_like_citizen_id
from search.index import SearchQuery
from search.query import STATUSES

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_BOX = 300
MAX_FILTER = 200

_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class SearchForm:
    """What the user asked for on the search page (already trimmed and NFC)."""

    q: str = ""
    document_type: str | None = None
    issuer: str | None = None
    locality: str | None = None
    year: int | None = None
    status: str | None = None
    needs_review: bool = False
    reused: bool = False
    sort: str = "relevance"
    page: int = 1

    @property
    def empty(self) -> bool:
        """Whether nothing at all was asked (the page then shows only the box)."""
        return not self.q and not self.filters()

    def filters(self) -> dict[str, str]:
        """The active filters as query-string values (for links and hidden fields)."""
        values = {
            "type": self.document_type,
            "issuer": self.issuer,
            "locality": self.locality,
            "year": str(self.year) if self.year else None,
            "status": self.status,
            "review": "1" if self.needs_review else None,
            "reused": "1" if self.reused else None,
        }
        return {k: v for k, v in values.items() if v}

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments of this form with ``changes`` (``None`` removes a filter); page 1."""
        form = replace(self, page=1)
        values: dict[str, Any] = {"q": form.q, **form.filters(), "sort": form.sort}
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "", False) and not (k == "page" and v == 1)
                and not (k == "sort" and v == "relevance")}


def _text(args: Mapping[str, str], name: str, max_chars: int) -> str | None:
    value = unicodedata.normalize("NFC", " ".join(str(args.get(name, "")).split()))[:max_chars]
    return value or None


def _int(value: str | None, low: int, high: int) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value.strip())
    return number if low <= number <= high else None


def parse_search_args(args: Mapping[str, str]) -> SearchForm:
    """The form from query-string arguments; unusable values are dropped rather than refused."""
    status = _text(args, "status", 20)
    year = _text(args, "year", 4)
    return SearchForm(
        q=_text(args, "q", MAX_BOX) or "",
        document_type=_text(args, "type", MAX_FILTER),
        issuer=_text(args, "issuer", MAX_FILTER),
        locality=_text(args, "locality", MAX_FILTER),
        year=_int(year, 1900, 2200) if year and _YEAR.fullmatch(year) else None,
        status=status if status in STATUSES else None,
        needs_review=args.get("review") in ("1", "on", "true"),
        reused=args.get("reused") in ("1", "on", "true"),
        sort="date" if args.get("sort") == "date" else "relevance",
        page=_int(args.get("page"), 1, MAX_PAGE) or 1,
    )


def citizen_id_in(box: str) -> str | None:
    """The digits of ``box`` if it is only a citizen-ID-like number (9–12 digits), else ``None``."""
    if not looks_like_citizen_id(box):
        return None
    return re.sub(r"\D", "", box)


def to_query(form: SearchForm, citizen_id: str | None, reused_ids: tuple[str, ...] = ()) -> SearchQuery:
    """The index query of ``form``; with ``citizen_id`` the box is the ID, not text.

    ``reused_ids``: the records portals reused (the catalog's reuse events), used when the form asks
    for reused records only (``reused=1``, the statistics page's links).
    """
    year = form.year
    return SearchQuery(
        text="" if citizen_id else form.q,
        citizen_id=citizen_id,
        document_type=form.document_type,
        issuer=form.issuer,
        locality=form.locality,
        status=form.status,
        review_state="needs_review" if form.needs_review else None,
        record_ids=reused_ids if form.reused else None,
        date_from=date(year, 1, 1) if year else None,
        date_to=date(year, 12, 31) if year else None,
        sort="date" if form.sort == "date" or (not form.q) else "relevance",
        limit=PAGE_SIZE,
        offset=(form.page - 1) * PAGE_SIZE,
        with_facets=True,
    )


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last, and ``around`` either side of ``current``; ``None`` = a gap."""
    if last <= 1:
        return []
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    out: list[int | None] = []
    previous = 0
    for number in sorted(wanted):
        if number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out


def last_page(total: int, size: int = PAGE_SIZE) -> int:
    """The number of result pages (at least 1, at most :data:`MAX_PAGE`)."""
    return max(1, min(MAX_PAGE, (total + size - 1) // size))
