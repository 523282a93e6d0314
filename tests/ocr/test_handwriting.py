"""The handwritten-digit reader: its classifier on held-out MNIST digits, and blanks of a printed line.

The digits are real handwriting (tests/resources/handwriting/README.md): held out from the
classifier's training, and pasted, dark on paper, into a printed ``Số:    /QĐ-UBND`` line.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.fields.fillins import HAND_ALONE, find_fill_in_regions
from ocr.handwriting import MIN_PROBABILITY, HandReading, classify, normalise, read_blank
from ocr.recognize import Word, read_by_hand

RESOURCES = Path(__file__).parent.parent / "resources" / "handwriting"
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def _held_out() -> tuple[list[np.ndarray], list[int]]:
    grid = cv2.imread(str(RESOURCES / "held-out-digits.png"), cv2.IMREAD_GRAYSCALE)
    labels = [int(c) for c in (RESOURCES / "held-out-labels.txt").read_text().strip()]
    images = [grid[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] for r in range(10) for c in range(20)]
    return images, labels


def _digit(label: int, nth: int = 0) -> np.ndarray:
    """The ``nth`` held-out digit ``label`` that the classifier reads surely on its own: the blank tests
    check that cutting a line into digits keeps what the classifier reads of each."""
    images, labels = _held_out()
    alone = [im for im, lab in zip(images, labels, strict=True) if lab == label
             and classify(normalise(cv2.resize(im, (84, 84)))[None])[0][label] >= MIN_PROBABILITY]
    return alone[nth]


def test_the_classifier_reads_handwritten_digits_it_never_saw() -> None:
    images, labels = _held_out()
    probabilities = classify(np.stack([normalise(cv2.resize(im, (84, 84))) for im in images]))
    accuracy = float((probabilities.argmax(axis=1) == np.array(labels)).mean())
    assert accuracy >= 0.95
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)


def _line_with_digits(digits: str, *, touching: bool = False, rule_below: bool = False
                      ) -> tuple[np.ndarray, tuple[int, int], tuple[int, int]]:
    """A printed ``Số:  … /QĐ-UBND`` line with ``digits`` written by hand in its blank, the rows of the
    printed line and the blank's columns."""
    image = Image.new("L", (900, 200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    draw.text((40, 70), "Số:", font=font, fill=0)
    label_box = draw.textbbox((40, 70), "Số:", font=font)
    page = np.asarray(image).copy()
    x = label_box[2] + 30
    for n, ch in enumerate(digits):
        pen = cv2.resize(_digit(int(ch), n), (64, 64), interpolation=cv2.INTER_CUBIC)   # MNIST: the ink is 40 px tall
        region = page[50:114, x:x + 64]
        np.minimum(region, 255 - pen, out=region)
        x += 30 if touching else 44
    blank_end = x + 40
    image = Image.fromarray(page)
    draw = ImageDraw.Draw(image)
    draw.text((blank_end, 70), "/QĐ-UBND", font=font, fill=0)
    draw.text((40, 150), "Về việc ban hành", font=font, fill=0)    # the next line
    if rule_below:
        draw.line((40, 135, 860, 135), fill=0, width=3)
    band = (label_box[1] - 4, label_box[3] + 4)
    return np.asarray(image), band, (label_box[2], blank_end)


@pytest.mark.parametrize("digits", ["23", "575", "2191", "80"])
def test_digits_written_in_a_blank_are_read(digits: str) -> None:
    grey, band, span = _line_with_digits(digits, rule_below=True)
    reading = read_blank(grey, band, span)
    assert reading.text == digits
    assert len(reading.probabilities) == len(digits)


def test_two_touching_digits_are_cut_apart() -> None:
    grey, band, span = _line_with_digits("20", touching=True)
    reading = read_blank(grey, band, span)
    assert len(reading.text) == 2


def test_an_empty_blank_or_printed_letters_give_no_confident_reading() -> None:
    grey, band, span = _line_with_digits("")
    assert read_blank(grey, band, span) == HandReading("", ())
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).text((40, 70), "Mwx", font=ImageFont.truetype(FONT, 44), fill=0)
    letters = read_blank(np.asarray(image), (60, 130), (30, 400))
    assert letters.least < HAND_ALONE


def test_the_blank_of_a_number_line_is_found_and_read_by_hand() -> None:
    """From the page's words (the number read badly) to the classifier's reading of its blank."""
    grey, band, span = _line_with_digits("575")
    words = [Word("Số:", 96, 40, band[0] + 4, span[0] - 40, band[1] - band[0] - 8, (1, 1, 1)),
             Word("5#", 20, span[0] + 20, band[0] + 4, 120, band[1] - band[0] - 8, (1, 1, 1)),
             Word("/QĐ-UBND", 95, span[1], band[0] + 4, 220, band[1] - band[0] - 8, (1, 1, 1)),
             Word("Nội", 96, 40, 1900, 60, 40, (9, 1, 1))]
    page = np.full((2000, 900), 255, np.uint8)
    page[:200] = grey
    [region] = find_fill_in_regions(words)
    assert region.label == "number" and region.first == "5"
    assert read_by_hand(page, region, to_image=1.0).text == "575"


def _header_page(number: str, day: str) -> np.ndarray:
    """An A4 page (300 dpi) with a Decree-30 header whose number and day are written by hand."""
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 50)
    bold = ImageFont.truetype(FONT.replace("Regular", "Bold"), 50)
    for text, x, y, face in (("ỦY BAN NHÂN DÂN", 260, 200, font), ("TỈNH QUẢNG NGÃI", 260, 270, bold),
                             ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1150, 200, bold),
                             ("Độc lập - Tự do - Hạnh phúc", 1350, 270, bold),
                             ("QUYẾT ĐỊNH", 1050, 650, bold),
                             ("Về việc công nhận kết quả thực hiện nhiệm vụ năm 2024", 560, 730, bold),
                             ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 720, 900, bold),
                             ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", 300, 1000, font),
                             ("Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV.", 300, 1080, font),
                             ("QUYẾT ĐỊNH:", 1050, 1200, bold),
                             ("Điều 1. Công nhận kết quả thực hiện nhiệm vụ năm 2024 của các đơn vị.", 300, 1300, font),
                             ("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", 300, 1380, font)):
        draw.text((x, y), text, font=face, fill=0)
    draw.text((300, 420), "Số:", font=font, fill=0)
    draw.text((620, 420), "/QĐ-UBND", font=font, fill=0)
    draw.text((1250, 420), "Quảng Ngãi, ngày", font=font, fill=0)
    draw.text((1780, 420), "tháng 01 năm 2025", font=font, fill=0)
    page = np.asarray(image).copy()
    for digits, x in ((number, 420), (day, 1640)):
        for n, ch in enumerate(digits):
            pen = cv2.resize(_digit(int(ch), n), (80, 80), interpolation=cv2.INTER_CUBIC)
            region = page[405:485, x:x + 80]
            np.minimum(region, (255 - pen * 0.85).astype(np.uint8), out=region)   # blue-black ink
            x += 55
    return page


@pytest.mark.slow
def test_a_page_with_a_handwritten_number_gets_it_from_the_hand_reader_for_review(tmp_path: Path) -> None:
    """The whole way: the page is read, the blanks found, read again, and the number taken; the date is
    right or missing, never wrong."""
    from ocr.pipeline import OcrOptions, SerialExecutor, ocr_document
    from ocr.understand import document_fields

    path = tmp_path / "decision.png"
    Image.fromarray(_header_page("57", "23")).save(path, dpi=(300, 300))
    document = ocr_document(path, OcrOptions(), SerialExecutor())
    [page] = document.pages
    assert {r.label for r in page.fill_ins} == {"number", "day"}
    fields = document_fields(document.pages)
    assert fields.document_number is not None and fields.document_number.value == "57/QĐ-UBND"
    assert fields.document_number.confidence < 0.8                      # a person confirms it
    assert fields.issued_on is None or fields.issued_on.value == "2025-01-23"
    assert fields.issuer is not None and fields.issuer.value == "Ủy ban nhân dân tỉnh Quảng Ngãi"


def test_an_empty_crop_a_blank_page_edge_or_noise_give_no_reading() -> None:
    assert read_blank(np.zeros((0, 10), np.uint8), (0, 5), (0, 5)) == HandReading("", ())   # off the page
    assert read_blank(np.full((30, 40), 255, np.uint8), (5, 25), (0, 40)) == HandReading("", ())
    assert read_blank(np.zeros((30, 40), np.uint8), (5, 25), (0, 40)) == HandReading("", ())  # all ink
    noise = np.random.default_rng(1).integers(0, 256, (60, 400)).astype(np.uint8)
    assert read_blank(noise, (10, 50), (0, 400)).least < HAND_ALONE
