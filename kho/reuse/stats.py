"""Reuse statistics: records digitized, records reused, and the reuse rate per locality.

The province's measure of success is *results reused / results digitized*. A result is reused when
a citizen-service portal fetches it (a citizen's document list or a file) or a certified copy of it
is made (:data:`repository.catalog_reuse.REUSE_KINDS`). Digitized records per area come from the
statistics page's own figures (batch items, ``web.pages.stats.collect``); reused records per area
from the catalog's reuse events, grouped by the same ``area_of`` (district-level unit or city).

:func:`summarize` is pure; the callers (the statistics page, ``kho stats``) pass the rows in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from repository.catalog_reuse import ReuseCount, ReusedRecord


class HasArea(Protocol):
    """A digitized row with its area (``web.pages.stats.Digitized``)."""

    @property
    def area(self) -> str:
        """The area (district-level unit or city) of the record."""
        ...


@dataclass(frozen=True)
class AreaReuse:
    """Digitized and reused records of one area, and the reuse rate (``None`` when nothing was digitized)."""

    area: str
    digitized: int
    reused: int
    events: int
    rate: float | None


@dataclass(frozen=True)
class MonthlyReuse:
    """Reuse events and distinct records reused in one month, per area and document type."""

    month: str
    area: str
    document_type: str
    events: int
    records: int


@dataclass(frozen=True)
class ReuseSummary:
    """Totals, per-area figures (most digitized first) and the monthly series."""

    digitized: int
    reused: int
    events: int
    rate: float | None
    by_area: tuple[AreaReuse, ...]
    monthly: tuple[MonthlyReuse, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def rate(reused: int, digitized: int) -> float | None:
    """``reused / digitized`` rounded to 4 places, ``None`` when nothing was digitized."""
    return round(reused / digitized, 4) if digitized else None


def summarize(
    digitized: Iterable[HasArea],
    reused: Sequence[ReusedRecord],
    counts: Sequence[ReuseCount],
    area_of: Callable[[str | None], str],
) -> ReuseSummary:
    """Per-area digitized/reused/rate and the monthly series, from the rows the callers collected."""
    made: Counter[str] = Counter(row.area for row in digitized)
    reused_by: Counter[str] = Counter()
    events_by: Counter[str] = Counter()
    for rec in reused:
        area = area_of(rec.locality)
        reused_by[area] += 1
        events_by[area] += rec.events
    areas = sorted(set(made) | set(reused_by), key=lambda a: (-made[a], -reused_by[a], a))
    by_area = tuple(AreaReuse(a, made[a], reused_by[a], events_by[a], rate(reused_by[a], made[a])) for a in areas)
    monthly: Counter[tuple[str, str, str]] = Counter()
    monthly_records: Counter[tuple[str, str, str]] = Counter()
    for c in counts:
        key = (c.month, area_of(c.locality), c.document_type)
        monthly[key] += c.events
        monthly_records[key] += c.records
    series = tuple(MonthlyReuse(m, a, t, monthly[(m, a, t)], monthly_records[(m, a, t)]) for m, a, t in sorted(monthly))
    total_made, total_reused = sum(made.values()), len(reused)
    return ReuseSummary(total_made, total_reused, sum(events_by.values()), rate(total_reused, total_made),
                        by_area, series)
