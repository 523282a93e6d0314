"""The statistics page and its pure parts (aggregation, area names, SVG charts)."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime

from click.testing import CliRunner
from flask.testing import FlaskClient
from pages_helpers import Doc, text_of

from kho.backends import Backends
from kho.cli import cli
from kho.cli.lang import language
from kho.settings import Settings
from repository.catalog import FixityRunSummary, NewBatchItem
from repository.catalog_reuse import ReuseEvent
from web.pages.charts import Bar, BarGroup, Series, axis_top, bar_chart, grouped_bar_chart, line_chart, time_chart
from web.pages.stats import Digitized, aggregate, area_of, month_of, month_range
from web.pages.stats_localities import LocalityRow, locality_table


def test_area_of_a_locality() -> None:
    assert area_of("xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam") == "huyện Bắc Trà My"
    assert area_of("phường An Mỹ, Thành phố Tam Kỳ") == "thành phố Tam Kỳ"
    assert area_of("tỉnh Quảng Nam") == "tỉnh Quảng Nam"
    assert area_of("Đà Nẵng") == "Đà Nẵng"
    assert area_of(None) == "" and area_of("  ") == ""


def test_area_of_a_commune_under_a_province_level_city_is_the_commune() -> None:
    # Since 1 July 2025 communes are directly under the province: "thành phố Đà Nẵng" is no district.
    assert area_of("phường Hải Châu, thành phố Đà Nẵng") == "phường Hải Châu"
    assert area_of("Xã Trà My, TP. Đà Nẵng") == "xã Trà My"
    assert area_of("thành phố Đà Nẵng") == "thành phố Đà Nẵng" and area_of("TP Tam Kỳ") == "TP Tam Kỳ"


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


def test_one_or_two_months_are_columns_not_lone_dots() -> None:
    svg = "{http://www.w3.org/2000/svg}"
    for months in (["01/2025"], ["01/2025", "02/2025"]):
        root = ET.fromstring(str(time_chart("Mỗi tháng", months, [Series("Hồ sơ", (3,) * len(months))])))
        assert root.findall(f".//{svg}polyline") == [] and root.findall(f".//{svg}circle") == []
        assert len([r for r in root.iter(f"{svg}rect") if float(r.get("height", 0)) > 20]) == len(months)
    three = ET.fromstring(str(time_chart("Mỗi tháng", ["01", "02", "03"], [Series("Hồ sơ", (1, 2, 3))])))
    assert len(three.findall(f".//{svg}polyline")) == 1


def test_grouped_bars_link_each_bar_to_its_records() -> None:
    groups = [BarGroup("xã A & B", (Bar(5, "/search?locality=a"), Bar(0), Bar(2, "/search?locality=a&status=revoked")))]
    root = ET.fromstring(str(grouped_bar_chart("Theo địa bàn", ["Số hóa", "Rà soát", "Thu hồi"], groups)))
    links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert links == ["/search?locality=a", "/search?locality=a&status=revoked"]
    assert root.get("role") == "img" and "xã A & B" in ET.tostring(root, encoding="unicode").replace("&amp;", "&")


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
    assert "kho verify" not in page and "<code>" not in page  # no CLI hints for officials


def test_the_statistics_page_without_any_data(as_user: Callable[..., FlaskClient]) -> None:
    page = text_of(as_user("quan-tri").get("/statistics"))
    assert "Chưa có văn bản nào được số hóa" in page and "chưa kiểm tra toàn vẹn" in page


def _per_locality_catalog(backends: Backends, make_doc: Callable[..., Doc]) -> dict[str, list[str]]:
    """Five records in two localities: one revoked, one in review, one reused (twice) in Bắc Trà My."""
    bac = "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam"
    tam = "phường An Mỹ, thành phố Tam Kỳ, tỉnh Quảng Nam"
    made = {
        "plain": make_doc(locality=bac), "revoked": make_doc(locality=bac, status="revoked"),
        "review": make_doc(locality=bac, review_state="needs_review"), "reused": make_doc(locality=bac),
        "tam": make_doc(locality=tam),
    }
    backends.catalog.reuse.record_reuse([
        ReuseEvent("portal.documents", made["reused"].record_id, "Giấy phép xây dựng", bac, "cong-dvc"),
        ReuseEvent("portal.file", made["reused"].record_id, "Giấy phép xây dựng", bac, "cong-dvc"),
    ])
    return {k: [v.record_id] for k, v in made.items()} | {"bac": [made[k].record_id for k in
                                                                   ("plain", "revoked", "review", "reused")]}


def _hits(client: FlaskClient, href: str) -> set[str]:
    page = text_of(client.get(html.unescape(href)))
    return set(re.findall(r'href="/records/(kho-[0-9a-f]{20})"', page))


def test_per_locality_counts_and_their_links_lead_to_exactly_those_records(
    as_user: Callable[..., FlaskClient], backends: Backends, make_doc: Callable[..., Doc]
) -> None:
    made = _per_locality_catalog(backends, make_doc)
    table = locality_table(backends.index, backends.catalog)
    assert [(r.locality, r.digitized, r.in_review, r.revoked, r.reused) for r in table.rows] == [
        ("huyện Bắc Trà My", 4, 1, 1, 1), ("thành phố Tam Kỳ", 1, 0, 0, 0)]
    assert table.totals == LocalityRow("", 5, 1, 1, 1)
    client = as_user("can-bo", "kiểm tra thống kê")
    page = text_of(client.get("/statistics"))
    section = page[page.index('id="by-locality"'):page.index("</table>", page.index('id="by-locality"'))]
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', section)
    assert len(links) == 4 + 1 + 4  # every non-zero number of both rows and the totals
    expected = [made["bac"], made["review"], made["revoked"], made["reused"], made["tam"],
                made["bac"] + made["tam"], made["review"], made["revoked"], made["reused"]]
    for (href, number), records in zip(links, expected, strict=True):
        assert _hits(client, href) == set(records) and int(number) == len(records), href
    assert section.index("huyện Bắc Trà My") < section.index("thành phố Tam Kỳ")  # most digitized first
    chart = page[page.index('id="locality-title"'):page.index("</figure>", page.index('id="locality-title"'))]
    bar_links = re.findall(r'<a href="([^"]+)" aria-label', chart)
    assert {html.unescape(h) for h in bar_links} == {html.unescape(h) for h, _ in links[:5]}


def test_kho_stats_json_has_the_same_per_locality_numbers(
    backends: Backends, make_doc: Callable[..., Doc], web_settings: Settings
) -> None:
    _per_locality_catalog(backends, make_doc)
    env = {"KHO_DATA_DIR": str(web_settings.data_dir), "KHO_INDEX_URL": "", "KHO_STORE_URL": "", "KHO_CONFIG": None,
           "KHO_CATALOG_URL": ""}
    result = CliRunner().invoke(cli, ["stats", "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    by_locality = json.loads(result.output)["by_locality"]
    assert by_locality == locality_table(backends.index, backends.catalog).to_json()
    assert by_locality["rows"][0] == {"locality": "huyện Bắc Trà My", "digitized": 4, "in_review": 1, "revoked": 1,
                                      "reused": 1}
    assert by_locality["totals"]["digitized"] == 5
    language.cache_clear()
    try:
        text = CliRunner().invoke(cli, ["stats"], env={**env, "KHO_LANGUAGE": "vi"}, catch_exceptions=False).output
    finally:
        language.cache_clear()
    assert text.splitlines()[:4] == ["Theo địa bàn: đã số hóa / đang rà soát / đã thu hồi / đã tái sử dụng",
                                     "  huyện Bắc Trà My: 4 / 1 / 1 / 1", "  thành phố Tam Kỳ: 1 / 0 / 0 / 0",
                                     "  Tổng cộng: 5 / 1 / 1 / 1"]


def test_the_search_page_filters_reused_records(
    as_user: Callable[..., FlaskClient], backends: Backends, make_doc: Callable[..., Doc]
) -> None:
    made = _per_locality_catalog(backends, make_doc)
    client = as_user("can-bo", "kiểm tra thống kê")
    assert _hits(client, "/search?reused=1") == set(made["reused"])
    assert _hits(client, "/search?reused=1&locality=Tam+Kỳ") == set()
    page = text_of(client.get("/search?reused=1"))
    assert "Đã tái sử dụng" in page  # the active filter, removable
