"""The statistics page and its pure parts (aggregation, area names, SVG charts)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime

from flask.testing import FlaskClient
from pages_helpers import Doc, text_of

from kho.backends import Backends
from repository.catalog import FixityRunSummary, NewBatchItem
from web.pages.charts import Series, axis_top, bar_chart, line_chart
from web.pages.stats import Digitized, aggregate, area_of, month_of, month_range


def test_area_of_a_locality() -> None:
    assert area_of("xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam") == "huyện Bắc Trà My"
    assert area_of("phường An Mỹ, Thành phố Tam Kỳ") == "thành phố Tam Kỳ"
    assert area_of("tỉnh Quảng Nam") == "tỉnh Quảng Nam"
    assert area_of("Đà Nẵng") == "Đà Nẵng"
    assert area_of(None) == "" and area_of("  ") == ""


def test_months_are_vietnam_time_and_ranges_have_no_gaps() -> None:
    assert month_of(datetime(2025, 1, 31, 18, 0, tzinfo=UTC)) == "2025-02"
    assert month_range("2024-11", "2025-02") == ("2024-11", "2024-12", "2025-01", "2025-02")
    assert len(month_range("2020-01", "2025-12")) == 24


def test_aggregate_counts_records_and_pages_by_month_area_and_type() -> None:
    rows = [
        Digitized("2025-01", "huyện Bắc Trà My", "Quyết định", 2),
        Digitized("2025-01", "huyện Bắc Trà My", "Giấy phép xây dựng", 3),
        Digitized("2025-03", "thành phố Tam Kỳ", "Quyết định", 1),
    ]
    d = aggregate(rows)
    assert d.months == ("2025-01", "2025-02", "2025-03")
    assert d.records_per_month == (2, 0, 1) and d.pages_per_month == (5, 0, 1)
    assert [(t.name, t.records, t.pages) for t in d.by_area] == [("huyện Bắc Trà My", 2, 5), ("thành phố Tam Kỳ", 1, 1)]
    assert d.by_type[0].name == "Quyết định" and d.by_type[0].records == 2
    assert d.area_trends[0].records == (2, 0, 0) and d.records == 3 and d.pages == 6
    assert aggregate([]).records == 0


def test_charts_are_well_formed_accessible_svg_with_escaped_text() -> None:
    bars = bar_chart("Theo <địa bàn>", [("huyện A & B", 12), ("xã C", 3)], fmt=lambda v: f"{v:.0f}")
    root = ET.fromstring(str(bars))
    assert root.get("role") == "img" and root.get("aria-labelledby")
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Theo <địa bàn>"  # type: ignore[union-attr]
    assert len(root.findall(".//{http://www.w3.org/2000/svg}rect")) == 2
    lines = line_chart("Mỗi tháng", ["01/2025", "02/2025"], [Series("Hồ sơ", (1, 5)), Series("Trang", (3, 9))])
    root = ET.fromstring(str(lines))
    assert len(root.findall(".//{http://www.w3.org/2000/svg}polyline")) == 2
    dashes = {p.get("stroke-dasharray") for p in root.findall(".//{http://www.w3.org/2000/svg}polyline")}
    assert len(dashes) == 2  # lines differ by pattern, not only colour
    assert ET.fromstring(str(bar_chart("empty", []))).get("role") == "img"
    assert ET.fromstring(str(line_chart("one", ["01/2025"], [Series("x", (0,))]))) is not None


def test_axis_tops_are_round() -> None:
    assert [axis_top(v) for v in (0, 3, 9, 37, 999, 12345)] == [4, 4, 12, 40, 1000, 20000]


def test_the_statistics_page_shows_charts_backlog_quarantine_and_fixity(
    as_user: Callable[..., FlaskClient], backends: Backends, make_doc: Callable[..., Doc]
) -> None:
    catalog = backends.catalog
    make_doc()
    batch = catalog.create_batch("lo-thong-ke", ["/scans"])
    catalog.upsert_batch_items(batch.id, [NewBatchItem(f"{n}.pdf") for n in range(4)])
    localities = ["xã Trà Sơn, huyện Bắc Trà My", "phường An Mỹ, thành phố Tam Kỳ", "xã Trà Giang, huyện Bắc Trà My"]
    for n, locality in enumerate(localities):
        catalog.update_batch_item(batch.id, f"{n}.pdf", status="indexed", record_id=f"kho-{n:020x}", pages=n + 1,
                                  fields={"locality": locality, "document_type": "Quyết định"})
    catalog.update_batch_item(batch.id, "3.pdf", status="quarantined", reason="hỏng")
    catalog.open_review_task("kho-00000000000000000001", ["x"])
    now = datetime.now(UTC)
    catalog.record_fixity_run(FixityRunSummary(now, now, 7, 30, 0, True))
    page = text_of(as_user("can-bo").get("/statistics"))
    assert page.count('role="img"') >= 5
    assert "huyện Bắc Trà My" in page and "thành phố Tam Kỳ" in page
    assert "Toàn vẹn" in page and "7 hồ sơ" in page
    tiles = page[page.index('class="tiles"'):]
    assert '<span class="tile-value">1</span><span class="tile-label"><a href' not in tiles  # officials: no link
    assert "hồ sơ chờ rà soát" in tiles and "tệp bị cách ly" in tiles
    assert "<th scope=\"row\">huyện Bắc Trà My</th><td>2</td><td>4</td>" in page


def test_the_statistics_page_without_any_data(as_user: Callable[..., FlaskClient]) -> None:
    page = text_of(as_user("quan-tri").get("/statistics"))
    assert "Chưa có văn bản nào được số hóa" in page and "chưa kiểm tra toàn vẹn" in page
