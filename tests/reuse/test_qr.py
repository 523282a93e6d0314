"""QR codes on page images (ocr/qr.py), checked on the certification page kho draws itself."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import qrcode
from PIL import Image, ImageDraw

from kho.reuse.pdfcopy import CertificationBlock, render_page
from ocr.pipeline import OcrOptions, PageTask, run_page
from ocr.qr import read_qr_codes
from ocr.rasterize import inspect_source

URL = "https://kho.example.vn/verify/abcdefghijklmnop"


def test_the_certification_page_qr_code_reads_back_with_its_position() -> None:
    block = CertificationBlock("UBND huyện Bắc Trà My", "Nguyễn Thị B", datetime(2026, 12, 5, 2, 0, tzinfo=UTC),
                               "kho-00000000000000000001", "Quyết định", "07/QĐ-UBND", "abcdefghijklmnop", URL, "p")
    page = np.array(Image.open(io.BytesIO(render_page(block))).convert("L"))
    codes = read_qr_codes(page, page=2)
    assert [c.text for c in codes] == [URL]
    left, top, _, _ = codes[0].relative_box
    assert codes[0].page == 2 and left < 0.3 and top < 0.25  # the block is at the top left of the page


def test_several_codes_in_reading_order_on_a_colour_scan_and_none_on_a_blank_page() -> None:
    canvas = Image.new("RGB", (1200, 1600), "white")
    for i, (x, y) in enumerate(((700, 100), (100, 900))):
        code = qrcode.make(f"Số: {i + 1}/QĐ-UBND", box_size=8, border=2).get_image().convert("RGB")
        canvas.paste(code, (x, y))
    bgr = np.array(canvas)[:, :, ::-1]
    assert [c.text for c in read_qr_codes(bgr, page=1)] == ["Số: 1/QĐ-UBND", "Số: 2/QĐ-UBND"]
    assert read_qr_codes(np.full((400, 300), 255, np.uint8), page=1) == ()
    with pytest.raises(ValueError):
        read_qr_codes(np.zeros((0,), np.uint8), page=1)


def test_the_page_worker_keeps_a_scan_s_qr_code_with_its_page_and_position(tmp_path: Path) -> None:
    """A Circular 01/2023 result: its QR code reaches the page's OCR JSON (what ingest stores in ocr.json)."""
    scan = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(scan)
    draw.text((300, 400), "QUYET DINH so 07/QD-UBND", fill=0, font_size=60)
    scan.paste(qrcode.make("https://dichvucong.gov.vn/tra-cuu?so=07/QĐ-UBND", box_size=10).get_image(),
               (1900, 200))
    path = tmp_path / "scan.png"
    scan.save(path, dpi=(300, 300))
    options = OcrOptions(timeout=120)
    page = run_page(PageTask(inspect_source(path, options.limits), 0, options))
    assert [(q.text, q.page) for q in page.qr_codes] == [("https://dichvucong.gov.vn/tra-cuu?so=07/QĐ-UBND", 1)]
    assert page.qr_codes[0].relative_box[0] > 0.7
    stored = page.to_json()["qr_codes"][0]
    assert stored["page"] == 1 and len(stored["box"]) == 4
