"""The notes beside the review fields (source, the OCR's reading beside a manifest value, agreement) in a
real headless Chromium at 390, 800 and 1366 px: nothing wider than the screen, the focused field
never covered, the disagreement visible next to its field."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pages_helpers import Doc
from test_e2e_browser import ARTIFACTS, _console_errors, _sign_in, _wait_for_images, browser, live_url  # noqa: F401

from kho.backends import Backends
from repository.schema import FieldEvidence, OcrReading

pytestmark = pytest.mark.slow

REASON = "số văn bản khác bảng kê / document number differs from the manifest"
LONG = "Ủy ban nhân dân huyện Bắc Trà My, tỉnh Quảng Nam (Văn phòng Hội đồng nhân dân và Ủy ban nhân dân)"


def _evidence() -> dict[str, FieldEvidence]:
    def manifest(value: str, read: str, confidence: float) -> FieldEvidence:
        return FieldEvidence(value=value, source="manifest",
                             ocr=OcrReading(value=read, confidence=confidence, page=1, text=read))

    return {
        "document_number": manifest("999/QĐ-UBND", "07/QĐ-UBND", 0.88),
        "issuer": manifest("UBND huyện Bắc Trà My", LONG, 0.61),
        "holder_name": manifest("Nguyễn Văn An", "NGUYEN VAN AN", 0.8),
        "summary": FieldEvidence(value="Cấp phép xây dựng nhà ở riêng lẻ", confidence=0.7, page=1,
                                 text="V/v cấp phép xây dựng nhà ở riêng lẻ tại thôn 2, xã Trà Sơn, huyện Bắc Trà My"),
    }


@pytest.mark.parametrize("width", (390, 800, 1366))
def test_the_readings_beside_the_review_fields_fit_the_screen(
    browser: object, live_url: str, make_doc: Callable[..., Doc], backends: Backends, width: int  # noqa: F811
) -> None:
    doc = make_doc(document_number="999/QĐ-UBND", review_state="needs_review", review_reasons=(REASON,),
                   evidence=_evidence())
    task = backends.catalog.open_review_task(doc.record_id, [REASON])
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    _sign_in(page, live_url, "luu-tru")
    page.goto(f"{live_url}/review/{task.id}")
    _wait_for_images(page)
    size = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert size[0] <= size[1], f"the review task is {size[0]} px wide in a {size[1]} px window"
    note = page.inner_text("#r-document_number")
    assert "OCR đọc: 07/QĐ-UBND" in note and "khác bảng kê" in note
    assert "khớp nếu không kể dấu" in page.inner_text("#r-holder_name")
    for field in ("f-document_number", "f-issuer", "f-holder_name", "f-summary"):
        page.focus(f"#{field}")
        seen = page.evaluate(
            """(id) => { const el = document.getElementById(id); const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));
            return r.top >= 0 && r.bottom <= window.innerHeight + 1
                && hit !== null && (hit === el || el.contains(hit)); }""",
            field,
        )
        assert seen, f"#{field} is hidden or covered at {width} px"
    page.locator("#r-document_number").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-readings-{width}.png"))
    box = page.locator("#r-document_number").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert errors == []
    context.close()
