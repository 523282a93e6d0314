"""Figures of the statistics page: what was digitized, where, of which type, when; backlog and health.

* Digitized over time: every batch item that reached ``stored``/``indexed`` (the catalog), by the
  month it was stored (Vietnam time), with the document type and locality ingest read for it.
  Later corrections of a record are not reflected there (the item keeps what ingest found).
* Current totals per type and locality: the search index's facet counts (corrections included).
* Review backlog, quarantine count and the last fixity run: the catalog.

:func:`aggregate` is pure; :func:`collect` reads the catalog.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from repository.catalog import Catalog
from repository.catalog_types import ITEM_DONE_STATUSES
from search.places import place_key

VIETNAM = timezone(timedelta(hours=7))
UNKNOWN = ""
MAX_MONTHS = 24
TOP_SERIES = 5
BATCH_PAGE = 200

# Components of a locality that name a district-level unit or a city (the map's level), a commune-level
# unit (the level below the province since 1 July 2025), or a province.
_DISTRICT_PREFIXES = ("huyện ", "quận ", "thị xã ", "thành phố ", "tp. ", "tp ")
_COMMUNE_PREFIXES = ("xã ", "phường ", "thị trấn ", "đặc khu ")
_PROVINCE_PREFIXES = ("tỉnh ",)
# Cities at province level ("phường Hải Châu, thành phố Đà Nẵng": the commune is the area, not the city).
_PROVINCE_CITIES = frozenset({"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"})


@dataclass(frozen=True)
class Digitized:
    """One stored document: the month it was stored, its area and type, and its pages."""

    month: str
    area: str
    document_type: str
    pages: int


@dataclass(frozen=True)
class Total:
    """Records and pages of one area or type."""

    name: str
    records: int
    pages: int


@dataclass(frozen=True)
class Trend:
    """Records per month of one area or type."""

    name: str
    records: tuple[int, ...]


@dataclass(frozen=True)
class Digitization:
    """Everything the "digitized" part of the page shows."""

    months: tuple[str, ...]
    records_per_month: tuple[int, ...]
    pages_per_month: tuple[int, ...]
    by_area: tuple[Total, ...]
    by_type: tuple[Total, ...]
    area_trends: tuple[Trend, ...]
    type_trends: tuple[Trend, ...]
    records: int
    pages: int


def _province_city(part: str) -> bool:
    return place_key(part) in _PROVINCE_CITIES


def area_of(locality: str | None) -> str:
    """The district-level unit or city of a locality (``xã Trà Sơn, huyện Bắc Trà My, …`` → ``huyện Bắc Trà My``).

    Without one (since 1 July 2025 communes are directly under the province), the commune
    (``phường Hải Châu, thành phố Đà Nẵng`` → ``phường Hải Châu``); else the province; else the first
    component; ``""`` when unknown.
    """
    if not locality or not locality.strip():
        return UNKNOWN
    parts = [" ".join(p.split()) for p in unicodedata.normalize("NFC", locality).split(",") if p.strip()]
    levels = (
        [p for p in parts if p.lower().startswith(_DISTRICT_PREFIXES) and not _province_city(p)],
        [p for p in parts if p.lower().startswith(_COMMUNE_PREFIXES)],
        [p for p in parts if p.lower().startswith(_PROVINCE_PREFIXES) or _province_city(p)],
    )
    for found in levels:
        if found:
            return _lower_prefix(found[0])
    return parts[0] if parts else UNKNOWN


def _lower_prefix(part: str) -> str:
    """``Thành phố Tam Kỳ`` → ``thành phố Tam Kỳ``: the administrative word in lower case, the name kept."""
    prefixes = _DISTRICT_PREFIXES + _COMMUNE_PREFIXES + _PROVINCE_PREFIXES
    lower = part.lower().startswith(prefixes) and not part[:2].isupper()  # not an abbreviation (TP, TX)
    return part[0].lower() + part[1:] if lower else part


def month_of(when: datetime) -> str:
    """``YYYY-MM`` of an aware timestamp, in Vietnam time."""
    return when.astimezone(VIETNAM).strftime("%Y-%m")


def month_range(first: str, last: str, limit: int = MAX_MONTHS) -> tuple[str, ...]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), keeping the last ``limit``."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out[-limit:])


def _totals(rows: Sequence[Digitized], key: str) -> tuple[Total, ...]:
    records: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for row in rows:
        name = getattr(row, key)
        records[name] += 1
        pages[name] += row.pages
    ranked = sorted(records.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Total(name, count, pages[name]) for name, count in ranked)


def _trends(rows: Sequence[Digitized], key: str, months: tuple[str, ...], names: Iterable[str]) -> tuple[Trend, ...]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[getattr(row, key)][row.month] += 1
    return tuple(Trend(name, tuple(counts[name][m] for m in months)) for name in names)


def aggregate(rows: Sequence[Digitized], top: int = TOP_SERIES) -> Digitization:
    """Totals per month, area and type, and monthly trends of the ``top`` areas and types."""
    if not rows:
        return Digitization((), (), (), (), (), (), (), 0, 0)
    months = month_range(min(r.month for r in rows), max(r.month for r in rows))
    per_month: Counter[str] = Counter(r.month for r in rows)
    pages_month: Counter[str] = Counter()
    for row in rows:
        pages_month[row.month] += row.pages
    by_area, by_type = _totals(rows, "area"), _totals(rows, "document_type")
    return Digitization(
        months=months,
        records_per_month=tuple(per_month[m] for m in months),
        pages_per_month=tuple(pages_month[m] for m in months),
        by_area=by_area,
        by_type=by_type,
        area_trends=_trends(rows, "area", months, [t.name for t in by_area[:top]]),
        type_trends=_trends(rows, "document_type", months, [t.name for t in by_type[:top]]),
        records=len(rows),
        pages=sum(r.pages for r in rows),
    )


def collect(catalog: Catalog) -> Iterator[Digitized]:
    """One :class:`Digitized` per record stored by a batch (a record stored again by a later batch counts once)."""
    offset = 0
    seen: set[str] = set()
    while True:
        batches = catalog.list_batches(limit=BATCH_PAGE, offset=offset)
        for batch in batches:
            for status in ITEM_DONE_STATUSES:
                for item in catalog.list_batch_items(batch.id, status):
                    if item.record_id in seen:
                        continue
                    seen.add(item.record_id or f"{batch.id}/{item.key}")
                    fields = item.fields or {}
                    yield Digitized(
                        month=month_of(item.updated_at),
                        area=area_of(fields.get("locality")),
                        document_type=str(fields.get("document_type") or UNKNOWN),
                        pages=int(item.pages or 0),
                    )
        if len(batches) < BATCH_PAGE:
            return
        offset += BATCH_PAGE
