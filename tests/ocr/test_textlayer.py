"""The PDF text layer as positioned words, and its coverage of the page's ink."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import textlayer
from ocr.pipeline import W_PARTIAL_TEXT_LAYER, W_TEXT_LAYER, OcrOptions, SerialExecutor, ocr_document
from ocr.recognize import Word

SAMPLE = """<doc><page width="595" height="842"><flow>
<block xMin="10" yMin="10" xMax="100" yMax="30"><line xMin="10" yMin="10" xMax="100" yMax="20">
<word xMin="10.0" yMin="10.0" xMax="40.0" yMax="20.0">ỦY</word>
<word xMin="45.0" yMin="10.0" xMax="80.0" yMax="20.0">BAN &amp; X</word></line>
<line xMin="10" yMin="21" xMax="100" yMax="30"><word xMin="10.0" yMin="21.0" xMax="60.0" yMax="30.0">TỈNH</word></line>
</block><block xMin="300" yMin="10" xMax="400" yMax="20"><line xMin="300" yMin="10" xMax="400" yMax="20">
<word xMin="300.0" yMin="10.0" xMax="400.0" yMax="20.0">CỘNG</word></line></block></flow></page></doc>"""


def test_parse_bbox_words_scales_to_pixels_and_numbers_lines() -> None:
    words = textlayer.parse_bbox_words(SAMPLE, dpi=144)
    assert [w.text for w in words] == ["ỦY", "BAN & X", "TỈNH", "CỘNG"]
    assert (words[0].left, words[0].top, words[0].width, words[0].height) == (20, 20, 60, 20)
    assert [w.line for w in words] == [(1, 0, 1), (1, 0, 1), (1, 0, 2), (2, 0, 1)]


def test_ink_coverage_counts_ink_inside_word_boxes() -> None:
    page = np.full((100, 100), 255, dtype=np.uint8)
    page[10:20, 10:50] = 0  # a word
    page[60:70, 10:90] = 0  # ink the layer does not hold
    word = Word("x", 100.0, 10, 10, 40, 10, (1, 0, 1))
    coverage = textlayer.ink_coverage(page, [word])
    assert 0.3 < coverage < 0.4
    assert textlayer.ink_coverage(np.full((10, 10), 255, dtype=np.uint8), []) == 1.0


def _page_with_stamp_layer(tmp_path: Path) -> Path:
    """An image PDF of a page of text whose only text layer is a signature stamp's lines in a corner.

    Built as a real scanner/signing tool would: the page image (img2pdf) with an invisible text layer
    made by Tesseract from an image holding only the stamp, laid over it (pikepdf).
    """
    import img2pdf
    import pikepdf

    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 30)
    stamp_lines = ["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
                   "Thời gian ký: 07/02/2025 07:56:24 +07:00", "Trung tâm Công báo và Tin học"]
    stamp = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(stamp)
    for row, line in enumerate(stamp_lines):
        draw.text((620, 40 + row * 40), line, fill=0, font=font)
    page = stamp.copy()
    draw = ImageDraw.Draw(page)
    for row in range(28):
        draw.text((120, 300 + row * 48), "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
                  fill=0, font=font)
    stamp.save(tmp_path / "stamp.png", dpi=(150, 150))
    page.save(tmp_path / "page.png", dpi=(150, 150))
    subprocess.run(["tesseract", str(tmp_path / "stamp.png"), str(tmp_path / "layer"), "-l", "vie", "--dpi", "150",
                    "-c", "textonly_pdf=1", "pdf"], check=True, capture_output=True)
    (tmp_path / "image.pdf").write_bytes(img2pdf.convert(str(tmp_path / "page.png")))
    out = tmp_path / "stamp-layer.pdf"
    with pikepdf.open(tmp_path / "image.pdf") as doc, pikepdf.open(tmp_path / "layer.pdf") as layer:
        doc.pages[0].add_overlay(layer.pages[0])
        doc.save(out)
    return out


@pytest.mark.slow
def test_a_stamp_only_text_layer_does_not_replace_reading_the_page(tmp_path: Path) -> None:
    pdf = _page_with_stamp_layer(tmp_path)
    words = textlayer.page_words(pdf, 0, 150, timeout=30)
    assert words and all(w.top < 250 for w in words)
    doc = ocr_document(pdf, OcrOptions(dpi=150, max_pages=2), SerialExecutor())
    page = doc.pages[0]
    assert W_PARTIAL_TEXT_LAYER in page.warnings and W_TEXT_LAYER not in page.warnings
    assert "chính quyền" in page.text
    assert page.words and max(w.top for w in page.words) > 1000


@pytest.mark.slow
def test_a_born_digital_page_keeps_its_layer_with_word_boxes(tmp_path: Path) -> None:
    """A PDF whose text layer holds all of the page: kept, with positioned words."""
    import pikepdf

    image = Image.new("L", (1240, 600), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 34)
    for row in range(6):
        draw.text((100, 60 + row * 80), "Quyết định về việc công nhận kết quả thẩm định hồ sơ", fill=0, font=font)
    image.save(tmp_path / "full.png", dpi=(150, 150))
    subprocess.run(["tesseract", str(tmp_path / "full.png"), str(tmp_path / "full"), "-l", "vie", "--dpi", "150",
                    "pdf"], check=True, capture_output=True)
    with pikepdf.open(tmp_path / "full.pdf") as doc:
        assert len(doc.pages) == 1
    result = ocr_document(tmp_path / "full.pdf", OcrOptions(dpi=150, max_pages=2), SerialExecutor())
    page = result.pages[0]
    assert W_TEXT_LAYER in page.warnings and page.from_text_layer
    assert len(page.words) > 20 and all(w.width > 0 for w in page.words)
