"""Per-locality figures of the statistics page and ``kho stats``: records digitized, in review, revoked
and reused by portals, each number the size of a search the page links to.

A row is one area as :func:`web.pages.stats.area_of` names it (the district-level unit, or the
commune where a province-level city has no district level). Every number is counted by the search
the number links to (:func:`search_args`, run through the search page's own form, :mod:`web.pages.search_form`),
so following a link lists exactly the records counted. The search's locality filter relates old and
new place names (``search/places.py``): a record of a merged commune counts under its old district
and its new commune alike, so rows may overlap; the totals row counts each record once. Records
without a locality are in the totals only (the search has no filter for "no locality").

* digitized: every record in the index of that locality (any status);
* in review: records whose review state is ``needs_review`` (an open review task);
* revoked: records whose status is ``revoked``;
* reused: records reused at least once (a portal fetch or a certified copy, the catalog's reuse events).

:func:`locality_table` is the one service function (the page and ``kho stats --json``); the rest is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Final, Literal

from repository.catalog import Catalog
from search.index import FacetCount, SearchIndex, SearchQuery
from search.query import MAX_FACET_SIZE
from web.pages.search_form import parse_search_args, to_query
from web.pages.stats import UNKNOWN, area_of

Measure = Literal["digitized", "in_review", "revoked", "reused"]
MEASURES: Final[tuple[Measure, ...]] = ("digitized", "in_review", "revoked", "reused")

# The search-page arguments each measure adds to the locality filter.
_MEASURE_ARGS: Final[dict[Measure, dict[str, str]]] = {
    "digitized": {},
    "in_review": {"review": "1"},
    "revoked": {"status": "revoked"},
    "reused": {"reused": "1"},
}


@dataclass(frozen=True)
class LocalityRow:
    """The four numbers of one area (``locality == ""``: the totals row)."""

    locality: str
    digitized: int
    in_review: int
    revoked: int
    reused: int

    def count(self, measure: Measure) -> int:
        """The number of one measure."""
        value: int = getattr(self, measure)
        return value


@dataclass(frozen=True)
class LocalityTable:
    """Rows sorted by records digitized (most first), and the totals (each record once)."""

    rows: tuple[LocalityRow, ...]
    totals: LocalityRow

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (``kho stats --json`` ``by_locality``)."""
        return {"rows": [asdict(r) for r in self.rows], "totals": asdict(self.totals)}


def search_args(locality: str, measure: Measure) -> dict[str, str]:
    """The search page's query-string arguments listing the records behind one number."""
    return ({"locality": locality} if locality else {}) | _MEASURE_ARGS[measure]


def areas_of(localities: Iterable[FacetCount]) -> list[str]:
    """The distinct areas of the localities the index holds (unknown ones left out), in name order."""
    return sorted({area for f in localities if f.count and (area := area_of(f.value)) != UNKNOWN})


def _facet(facets: Mapping[str, Sequence[FacetCount]], name: str, value: str) -> int:
    return next((f.count for f in facets.get(name, ()) if f.value == value), 0)


def _query(locality: str, measure: Measure, reused_ids: tuple[str, ...]) -> SearchQuery:
    """The search page's query for one number, counting only (no hits)."""
    form = parse_search_args(search_args(locality, measure))
    return replace(to_query(form, None, reused_ids), limit=0, offset=0)


def count_row(index: SearchIndex, locality: str, reused_ids: tuple[str, ...]) -> LocalityRow:
    """One row: the locality's search with its status and review facets, and its reused records."""
    found = index.search(_query(locality, "digitized", reused_ids))
    reused = index.search(replace(_query(locality, "reused", reused_ids), with_facets=False)).total if reused_ids else 0
    return LocalityRow(
        locality=locality,
        digitized=found.total,
        in_review=_facet(found.facets, "review_state", "needs_review"),
        revoked=_facet(found.facets, "status", "revoked"),
        reused=reused,
    )


def sort_rows(rows: Iterable[LocalityRow]) -> tuple[LocalityRow, ...]:
    """Rows with records, most digitized first (then by name)."""
    return tuple(sorted((r for r in rows if r.digitized), key=lambda r: (-r.digitized, r.locality)))


def count_table(index: SearchIndex, reused_ids: tuple[str, ...]) -> LocalityTable:
    """The per-locality table of an index, given the reused records: one search per area (two when
    anything was reused), plus the totals."""
    everything = index.search(SearchQuery(limit=0, facet_size=MAX_FACET_SIZE))
    rows = [count_row(index, area, reused_ids) for area in areas_of(everything.facets.get("locality", ()))]
    return LocalityTable(sort_rows(rows), count_row(index, "", reused_ids))


def locality_table(index: SearchIndex, catalog: Catalog) -> LocalityTable:
    """The per-locality table (the statistics page and ``kho stats``): the index's records, the catalog's reuse."""
    return count_table(index, tuple(r.record_id for r in catalog.reuse.reused_records()))
