"""The pages at a phone's, a tablet's and a laptop's width (390, 800 and 1366 px) in a real headless
Chromium: nothing wider than the screen, the focused review field never under the page image,
results before facets on a phone, tables as cards at 390 px, an upload with a bad file that keeps
the rest going and keeps the selection when nothing can be used.

Screenshots of each page at each width go to ``tests/artifacts/web_pages/responsive-<width>/``; with
``KHO_UPDATE_UI_SHOTS=1`` small copies (64-colour PNG, the first screen) also replace those of
``docs/ui/`` that docs/ui.md shows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pages_helpers import Doc, png_bytes
from PIL import Image
from test_e2e_browser import Shots, _console_errors, _sign_in, _wait_for_images, browser, live_url  # noqa: F401

from kho.backends import Backends
from repository.catalog import NewBatchItem
from repository.catalog_reuse import ReuseEvent

pytestmark = pytest.mark.slow

WIDTHS = (390, 800, 1366)
HEIGHTS = {390: 844, 800: 1000, 1366: 768}
DOCS_UI = Path(__file__).resolve().parents[2] / "docs" / "ui"
REASON = "Độ tin cậy nhận dạng chữ thấp (41, cần từ 60)"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _fits(page: object, where: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")  # type: ignore[attr-defined]
    assert width[0] <= width[1], f"{where}: the page is {width[0]} px wide in a {width[1]} px window"


def _top(page: object, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()  # type: ignore[attr-defined]
    assert box is not None, f"{selector} is not shown"
    return float(box["y"])


def _focused_field_is_visible(page: object, field: str) -> None:
    """Focus ``field`` (the browser scrolls it into view) and check that it is the element seen at
    its own centre: nothing (a sticky page image) lies over it, and it is inside the window."""
    page.focus(f"#{field}")  # type: ignore[attr-defined]
    seen = page.evaluate(  # type: ignore[attr-defined]
        """(id) => { const el = document.getElementById(id); const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + Math.min(r.height / 2, 10);
        const hit = document.elementFromPoint(x, y);
        return [document.activeElement.id, r.top >= 0 && r.bottom <= window.innerHeight + 1,
                hit !== null && (hit === el || el.contains(hit))]; }""",
        field,
    )
    assert seen == [field, True, True], f"the focused field #{field} is hidden or covered: {seen}"


class DocShots(Shots):
    """:class:`Shots`, plus a small copy of the first screen in docs/ui/ when asked to."""

    def __init__(self, page: object, name: str, width: int):
        super().__init__(page, name)
        self.width = width

    def doc(self, step: str) -> None:
        self(step)
        if os.environ.get("KHO_UPDATE_UI_SHOTS") != "1":
            return
        DOCS_UI.mkdir(exist_ok=True)
        raw = self.folder / f"{step}-screen.png"
        self.page.screenshot(path=str(raw))  # type: ignore[attr-defined]
        with Image.open(raw) as image:
            small = image.convert("RGB").quantize(colors=64)
            small.save(DOCS_UI / f"{step}-{self.width}.png", optimize=True)


def _seed(make_doc: Callable[..., Doc], backends: Backends) -> tuple[Doc, int, int]:
    """Two records (one flagged for review, with its task) and a finished batch with a quarantined file."""
    doc = make_doc(holder_name="Trần Thị Hoà", document_type="Giấy chứng nhận đăng ký hộ kinh doanh",
                   document_number="03/GCN-HKD", review_state="needs_review", review_reasons=(REASON,))
    make_doc(holder_name="Lê Văn Bình")
    task = backends.catalog.open_review_task(doc.record_id, [REASON])
    catalog = backends.catalog
    batch = catalog.create_batch("Lô tháng 11 – phường An Mỹ", ["/scans"])
    catalog.upsert_batch_items(batch.id, [NewBatchItem("so-03-gcn-hkd-2024-trang-thi-hoa.pdf"),
                                          NewBatchItem("ban-quet-hong-khong-mo-duoc.pdf")])
    catalog.set_batch_status(batch.id, "running")
    catalog.update_batch_item(batch.id, "so-03-gcn-hkd-2024-trang-thi-hoa.pdf", status="indexed",
                              record_id=doc.record_id, pages=2, confidence=48.2,
                              fields={"review_state": "needs_review"}, warnings=["độ tin cậy thấp"])
    catalog.update_batch_item(batch.id, "ban-quet-hong-khong-mo-duoc.pdf", status="quarantined",
                              reason="PDF bị hỏng, không mở được; hãy quét lại rồi tải lên lại")
    catalog.set_batch_status(batch.id, "done")
    return doc, task.id, batch.id


@pytest.mark.parametrize("width", WIDTHS)
def test_search_record_review_batch_and_statistics_fit_the_screen(
    browser: object, live_url: str, make_doc: Callable[..., Doc], backends: Backends, width: int  # noqa: F811
) -> None:
    doc, task_id, batch_id = _seed(make_doc, backends)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": HEIGHTS[width]})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    shot = DocShots(page, f"responsive-{width}", width)
    _sign_in(page, live_url, "quan-tri")

    page.goto(f"{live_url}/")
    _fits(page, "start page")
    title = "Giấy chứng nhận đăng ký hộ kinh doanh số 03/GCN-HKD – Trần Thị Hoà"
    assert title in page.inner_text("#backlog-title + ul")
    shot.doc("home")

    page.fill("#q", "tran thi hoa")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.hits li")
    _fits(page, "search")
    if width <= 800:
        assert _top(page, "ol.hits li") < _top(page, "aside.facets"), "on a narrow screen results come first"
        assert _top(page, "ol.hits li") < HEIGHTS[width], "the first result is on the first screen"
    else:
        assert _top(page, "aside.facets") <= _top(page, "ol.hits li") + 1, "facets beside the results"
    shot.doc("search")

    page.goto(f"{live_url}/records/{doc.record_id}")
    _wait_for_images(page)
    _fits(page, "record")
    assert "03/GCN-HKD" in page.inner_text("#record-title")
    shot.doc("record")

    page.goto(f"{live_url}/review")
    _fits(page, "review queue")
    if width == 390:
        assert page.evaluate("getComputedStyle(document.querySelector('table.queue tr')).display") == "block"
    shot.doc("review-queue")

    page.goto(f"{live_url}/review/{task_id}")
    _wait_for_images(page)
    _fits(page, "review task")
    assert page.evaluate("document.activeElement.id") == "f-document_type"
    for field in ("f-document_type", "f-document_number", "f-holder_name", "f-summary", "f-issued_on"):
        _focused_field_is_visible(page, field)
    page.evaluate("document.activeElement.blur()")
    _focused_field_is_visible(page, "f-document_type")
    page.evaluate("document.querySelector('.review-layout').scrollIntoView()")  # image and form in the shot
    shot.doc("review-task")

    page.goto(f"{live_url}/batches/{batch_id}")
    _fits(page, "batch report")
    assert page.inner_text("[data-field=status-label]") == "Hoàn tất – có lỗi"
    assert "ban-quet-hong-khong-mo-duoc.pdf" in page.inner_text(".problems")
    if width == 390:
        assert page.evaluate("getComputedStyle(document.querySelector('table.items tr')).display") == "block"
    shot.doc("batch")

    page.goto(f"{live_url}/statistics")
    _fits(page, "statistics")
    shot("statistics")  # the documented shot: test_statistics_per_locality_fits_the_screen
    assert errors == []
    context.close()


def _seed_localities(make_doc: Callable[..., Doc], backends: Backends) -> None:
    """Records in three localities (one revoked, one in review, one reused) and one month of batch items."""
    places = ["xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam"] * 4 + ["phường An Mỹ, thành phố Tam Kỳ"] * 2 + [
        "phường Hải Châu, thành phố Đà Nẵng"]
    docs = [make_doc(locality=place, status="revoked" if n == 1 else "valid",
                     review_state="needs_review" if n == 2 else "none") for n, place in enumerate(places)]
    backends.catalog.reuse.record_reuse([ReuseEvent("portal.documents", docs[0].record_id, "Giấy phép xây dựng",
                                                    places[0], "cong-dvc")])
    batch = backends.catalog.create_batch("Lô tháng này", ["/scans"])
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem(f"{n}.pdf") for n in range(len(docs))])
    for n, (doc, place) in enumerate(zip(docs, places, strict=True)):
        backends.catalog.update_batch_item(batch.id, f"{n}.pdf", status="indexed", record_id=doc.record_id, pages=2,
                                           fields={"locality": place, "document_type": "Giấy phép xây dựng"})


@pytest.mark.parametrize("width", WIDTHS)
def test_statistics_per_locality_fits_the_screen(
    browser: object, live_url: str, make_doc: Callable[..., Doc], backends: Backends, width: int  # noqa: F811
) -> None:
    _seed_localities(make_doc, backends)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": HEIGHTS[width]})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    shot = DocShots(page, f"statistics-{width}", width)
    _sign_in(page, live_url, "can-bo")
    page.goto(f"{live_url}/statistics")
    _fits(page, "statistics")
    rows = page.locator("#by-locality tbody tr")
    assert rows.count() == 3
    assert rows.first.locator("th").inner_text() == "huyện Bắc Trà My"
    cards = page.evaluate("getComputedStyle(document.querySelector('#by-locality tbody tr')).display")
    assert (cards == "block") == (width == 390), f"per-locality rows shown as {cards} at {width} px"
    assert page.locator("#by-locality a").count() == 4 + 1 + 1 + 4  # every non-zero number, totals included
    monthly = page.locator("#time-title ~ figure svg").first
    assert monthly.locator("polyline").count() == 0, "one month of data: columns, not a lone dot"
    assert "kho verify" not in page.inner_text("main") and page.locator("main code").count() == 0  # no CLI hints
    page.evaluate("document.getElementById('locality-title').scrollIntoView()")
    shot.doc("statistics")
    page.locator("#by-locality tbody tr").first.locator("a").nth(2).click()  # Bắc Trà My, revoked
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits > li").count() == 1 and "status=revoked" in page.url
    _fits(page, "search from the statistics")
    assert errors == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_upload_with_a_bad_file_sets_it_aside_and_keeps_the_selection(
    browser: object, live_url: str, width: int  # noqa: F811
) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": HEIGHTS[width]})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    shot = DocShots(page, f"upload-{width}", width)
    _sign_in(page, live_url, "luu-tru")
    page.goto(f"{live_url}/batches/new")

    # Nothing usable: the upload is refused, the reason shown in Vietnamese, the file still chosen.
    page.set_input_files("#files", [{"name": "rong.jpg", "mimeType": "image/jpeg", "buffer": b""}])
    assert "tệp rỗng" in page.inner_text("#file-list .file-bad")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#upload-messages .message-error")
    assert "rong.jpg" in page.inner_text("#upload-messages")
    assert page.evaluate("document.getElementById('files').files.length") == 1
    assert "/batches/new" in page.url
    _fits(page, "upload refused")
    shot("refused")

    # A good scan and an empty one: the batch takes the good one and sets the empty one aside.
    page.set_input_files("#files", [
        {"name": "trang-1.png", "mimeType": "image/png", "buffer": png_bytes(400, 300)},
        {"name": "rong.jpg", "mimeType": "image/jpeg", "buffer": b""},
    ])
    assert page.locator("#file-list .file-bad").count() == 1
    assert page.locator("#file-list .file-ok").count() == 1
    page.fill("#name", f"Lô có tệp hỏng {width}")
    _fits(page, "upload form")
    shot.doc("upload")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#progress-title")
    deadline = time.monotonic() + 240
    while page.locator(".progress-box[data-finished=true]").count() == 0:
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.5)
    page.wait_for_load_state()
    assert page.inner_text("[data-field=status-label]") == "Hoàn tất – có lỗi"
    problems = page.inner_text(".problems")
    assert "rong.jpg" in problems and "Tệp rỗng (0 byte)" in problems and "hãy chọn lại đúng tệp" in problems
    _fits(page, "batch with a set-aside file")
    shot.doc("batch-set-aside")
    assert errors == [] or all("415" in e for e in errors), errors
    context.close()


def test_the_documented_screenshots_exist_and_are_small() -> None:
    """docs/ui.md shows the screenshots of docs/ui/ (made with KHO_UPDATE_UI_SHOTS=1): they exist."""
    for width in WIDTHS:
        for step in ("search", "record", "review-task", "batch", "upload", "statistics"):
            shot = DOCS_UI / f"{step}-{width}.png"
            assert shot.is_file(), f"{shot} is missing: run this file with KHO_UPDATE_UI_SHOTS=1"
            assert shot.stat().st_size < 250_000, f"{shot} is too large"


def test_the_batch_badge_follows_the_batch_without_a_reload(
    browser: object, live_url: str, backends: Backends  # noqa: F811
) -> None:
    catalog = backends.catalog
    batch = catalog.create_batch("Lô đang chờ", ["/scans"])
    catalog.upsert_batch_items(batch.id, [NewBatchItem("a.pdf"), NewBatchItem("b.pdf")])
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page = context.new_page()
    _sign_in(page, live_url, "luu-tru")
    page.goto(f"{live_url}/batches/{batch.id}")
    assert page.inner_text("[data-field=status-label]") == "Đang chờ"
    page.evaluate("document.body.dataset.marker = 'same page'")
    catalog.set_batch_status(batch.id, "running")
    catalog.update_batch_item(batch.id, "a.pdf", status="indexed", pages=1)
    deadline = time.monotonic() + 15
    while page.inner_text("[data-field=status-label]") != "Đang xử lý":
        assert time.monotonic() < deadline, "the badge did not follow the batch"
        time.sleep(0.2)
    assert page.evaluate("document.body.dataset.marker") == "same page"  # updated in place, not reloaded
    assert page.get_attribute("[data-field=status-label]", "class") == "badge badge-batch-running"
    assert page.inner_text("[data-field=documents_done]") == "1"
    context.close()
