"""The statistics page: digitized records and pages per area and document type over time, current
totals from the index, review backlog, quarantine count and the last fixity result, as SVG charts
with the numbers in tables beside them."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from access.permissions import Permission
from kho.reuse.stats import summarize
from search.index import SearchQuery
from web.context import state
from web.pages.base import pages, require_page
from web.pages.charts import Series, bar_chart, line_chart
from web.pages.labels import label
from web.pages.setup import format_number
from web.pages.stats import UNKNOWN, Digitization, aggregate, area_of, collect

BARS = 15


def _name(value: str) -> str:
    return value if value != UNKNOWN else _("(chưa rõ)")


def _month(value: str) -> str:
    return f"{value[5:7]}/{value[:4]}"


def charts(d: Digitization) -> dict[str, object]:
    """The SVG charts of the digitization figures."""
    months = [_month(m) for m in d.months]
    return {
        "monthly": line_chart(
            _("Hồ sơ và trang được số hóa mỗi tháng"), months,
            [Series(_("Hồ sơ"), d.records_per_month), Series(_("Trang"), d.pages_per_month)], fmt=format_number,
        ),
        "areas": bar_chart(_("Hồ sơ đã số hóa theo địa bàn"),
                           [(_name(t.name), t.records) for t in d.by_area[:BARS]], fmt=format_number),
        "types": bar_chart(_("Hồ sơ đã số hóa theo loại văn bản"),
                           [(_name(t.name), t.records) for t in d.by_type[:BARS]], fmt=format_number),
        "area_trends": line_chart(_("Hồ sơ số hóa mỗi tháng theo địa bàn"), months,
                                  [Series(_name(t.name), t.records) for t in d.area_trends], fmt=format_number),
        "type_trends": line_chart(_("Hồ sơ số hóa mỗi tháng theo loại văn bản"), months,
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
    status_bars = [(label(f.value, "status"), f.count) for f in current.facets.get("status", ())]
    return render_template(
        "statistics.html",
        d=digitized,
        reuse=reuse,
        charts=charts(digitized) if digitized.records else {},
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
