"""The manifest-row correction form in a real headless Chromium at a phone's width (390 px) and a laptop's:
reached from the batch page, nothing wider than the screen, before and after a refused correction
(the reasons beside their cells). Only a refused correction is sent: a kept one would start a real run.
Screenshots go to ``tests/artifacts/web_pages/row-fix-<width>/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from pages_helpers import png_bytes
from test_e2e_browser import Shots, _console_errors, _sign_in, browser, live_url  # noqa: F401
from test_e2e_responsive import _fits

from ingest.plan import plan_documents
from ingest.service import batch_manifest, create_batch
from ingest.sources import discover
from kho.backends import Backends
from repository.catalog import NewBatchItem

pytestmark = pytest.mark.slow

LONG_NAME = "Công ty trách nhiệm hữu hạn một thành viên dịch vụ vận tải hành khách Nam Giang"


def _quarantined(backends: Backends, tmp_path: Path) -> int:
    """A batch whose one document is quarantined for its manifest row (planned as a run plans it; no OCR)."""
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "giay-phep-van-tai-so-12.png").write_bytes(png_bytes())
    manifest = tmp_path / "bang-ke.csv"
    manifest.write_text("file,document_type,issued_on,holder_name,issuer,notes\n"
                        f"giay-phep-van-tai-so-12.png,Giấy phép kinh doanh vận tải,31/02/2023,{LONG_NAME},"
                        "Sở Giao thông vận tải tỉnh Quảng Nam,Bản gốc lưu tại kho lưu trữ huyện\n", "utf-8")
    batch = create_batch(backends, [scans], manifest, "Lô tháng 11 – phường An Mỹ")
    [doc] = plan_documents(discover([scans], tmp_path / "staging"), batch_manifest(backends, batch))
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem(doc.key)])
    backends.catalog.update_batch_item(batch.id, doc.key, status="quarantined", reason=doc.problem)
    backends.catalog.set_batch_status(batch.id, "done")
    return batch.id


@pytest.mark.parametrize("width", (390, 1366))
def test_the_row_fix_form_fits_the_screen(
    browser: object, live_url: str, backends: Backends, tmp_path: Path, width: int  # noqa: F811
) -> None:
    batch_id = _quarantined(backends, tmp_path)
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 844})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    shot = Shots(page, f"row-fix-{width}")
    _sign_in(page, live_url, "luu-tru")
    page.goto(f"{live_url}/batches/{batch_id}")
    page.click("text=Sửa dòng bảng kê")
    page.wait_for_selector("form.row-fix")
    _fits(page, "row fix form")
    assert page.input_value("#f-issued_on") == "31/02/2023"
    assert "không phải một ngày có thật" in page.inner_text(".has-error")
    shot("form")

    page.fill("#f-issued_on", "30/02/2023")
    page.click("form.row-fix button[type=submit]")
    page.wait_for_selector("[role=alert]")
    _fits(page, "refused row fix form")
    assert page.input_value("#f-issued_on") == "30/02/2023"
    assert "'30/02/2023'" in page.inner_text(".has-error")
    for selector in ("#f-holder_name", "#f-notes", "form.row-fix button[type=submit]"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    shot("refused")
    assert backends.catalog.list_batch_items(batch_id)[0].status == "quarantined"
    assert [e for e in errors if "status of 422" not in e] == []  # the refused form is answered 422 on purpose
    context.close()
