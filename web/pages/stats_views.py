"""The statistics page: per locality the records digitized, in review, revoked and reused (each number a
link to the search listing those records), digitized records and pages per area and document type over
time, current totals from the index, review backlog, quarantine count and the last fixity result, as SVG
charts with the numbers in tables beside them. One or two months of data are drawn as columns."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from access.permissions import Permission
from kho.reuse.stats import summarize
from search.index import SearchQuery
from web.context import state
from web.pages.base import may, pages, require_page, signed_in
from web.pages.charts import Bar, BarGroup, Series, bar_chart, grouped_bar_chart, time_chart
from web.pages.labels import label
from web.pages.setup import format_number
from web.pages.stats import UNKNOWN, Digitization, aggregate, area_of, collect
from web.pages.stats_localities import MEASURES, LocalityRow, LocalityTable, Measure, locality_table, search_args

BARS = 15


def _name(value: str) -> str:
    return value if value != UNKNOWN else _("(chưa rõ)")


def _month(value: str) -> str:
    return f"{value[5:7]}/{value[:4]}"


def measure_names() -> dict[Measure, str]:
    """The column titles of the per-locality table (in the page's language)."""
    return {"digitized": _("Đã số hóa"), "in_review": _("Đang rà soát"), "revoked": _("Đã thu hồi"),
            "reused": _("Đã tái sử dụng")}


def record_links(table: LocalityTable, linked: bool) -> dict[tuple[str, Measure], str]:
    """(locality, measure) -> the search page listing those records; none when the user may not search
    or the number is 0."""
    if not linked:
        return {}
    return {(row.locality, m): _search_url(search_args(row.locality, m))
            for row in (*table.rows, table.totals) for m in MEASURES if row.count(m)}


def _search_url(args: dict[str, Any]) -> str:
    return url_for("pages.search", **args)


def locality_chart(table: LocalityTable, links: dict[tuple[str, Measure], str]) -> object:
    """Grouped horizontal bars of the :data:`BARS` localities with most records, each bar a link."""
    names = measure_names()

    def group(row: LocalityRow) -> BarGroup:
        return BarGroup(row.locality, tuple(Bar(row.count(m), links.get((row.locality, m))) for m in MEASURES))

    return grouped_bar_chart(_("Hồ sơ theo địa bàn"), [names[m] for m in MEASURES],
                             [group(r) for r in table.rows[:BARS]], fmt=format_number)


def charts(d: Digitization) -> dict[str, object]:
    """The SVG charts of the digitization figures."""
    months = [_month(m) for m in d.months]
    return {
        "monthly": time_chart(
            _("Hồ sơ và trang được số hóa mỗi tháng"), months,
            [Series(_("Hồ sơ"), d.records_per_month), Series(_("Trang"), d.pages_per_month)], fmt=format_number,
        ),
        "types": bar_chart(_("Hồ sơ đã số hóa theo loại văn bản"),
                           [(_name(t.name), t.records) for t in d.by_type[:BARS]], fmt=format_number),
        "area_trends": time_chart(_("Hồ sơ số hóa mỗi tháng theo địa bàn"), months,
                                  [Series(_name(t.name), t.records) for t in d.area_trends], fmt=format_number),
        "type_trends": time_chart(_("Hồ sơ số hóa mỗi tháng theo loại văn bản"), months,
                                  [Series(_name(t.name), t.records) for t in d.type_trends], fmt=format_number),
    }


@pages.get("/statistics")
@require_page(Permission.STATISTICS)
def statistics() -> ResponseReturnValue:
    """The statistics page."""
    backends = state().backends
    catalog = backends.catalog
    rows = list(collect(catalog))
    digitized = aggregate(rows)
    reuse = summarize(rows, catalog.reuse.reused_records(), catalog.reuse.reuse_counts(), area_of)
    current = backends.index.search(SearchQuery(limit=0, sort="date"))
    localities = locality_table(backends.index, catalog)
    links = record_links(localities, may(signed_in(), Permission.SEARCH))
    status_bars = [(label(f.value, "status"), f.count) for f in current.facets.get("status", ())]
    return render_template(
        "statistics.html",
        d=digitized,
        reuse=reuse,
        charts=charts(digitized) if digitized.records else {},
        localities=localities,
        locality_links=links,
        locality_chart=locality_chart(localities, links),
        measures=MEASURES,
        measure_names=measure_names(),
        month_label=_month,
        name=_name,
        indexed_total=current.total,
        facets=current.facets,
        status_chart=bar_chart(_("Hồ sơ theo tình trạng hiệu lực"), status_bars, fmt=format_number),
        backlog=catalog.review_backlog(),
        quarantined=catalog.quarantine_count(),
        fixity=catalog.last_fixity_run(),
        item_counts=catalog.count_items_by_status(),
    )
