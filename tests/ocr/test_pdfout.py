"""The searchable PDF (issue 16, item 9): its text layer is the record's text, word-aligned, and a JPEG
scan is embedded as is (turned and deskewed by the PDF itself), so the PDF is about the scan's size.

Real Tesseract runs and real poppler renders (``pdftotext``, ``pdftoppm``), no mocks.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import cv2
import img2pdf
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ByteStringObject, ContentStream, FloatObject

from ocr import recognize
from ocr.pdfout import normalized_word, placement_matrix, searchable_pdf, text_layer_page, turned_size
from ocr.pipeline import OcrOptions, PageOcr, SerialExecutor, ocr_document

OPTIONS = OcrOptions(timeout=180, text_pdf=True, images=True)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _bbox_words(pdf: bytes, tmp: Path) -> list[tuple[str, tuple[float, ...]]]:
    path = tmp / "words.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return [(m.group(5), tuple(float(v) for v in m.group(1, 2, 3, 4))) for m in _WORD.finditer(out)]


def _text(pdf: bytes, tmp: Path) -> list[str]:
    path = tmp / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout.split()


def _one_page(page: object) -> bytes:
    writer = PdfWriter()
    writer.add_page(page)  # type: ignore[arg-type]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _spoil(text_pdf: bytes) -> bytes:
    """Tesseract's text PDF with its raw habits put back: ``Ð`` (eth) for ``Đ``, decomposed accents, ``ﬁ``."""
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf))
    page = writer.pages[0]
    stream = ContentStream(page.get_contents(), writer)
    tz: list[object] | None = None
    for operands, operator in stream.operations:
        if operator == b"Tz":
            tz = operands
        if operator != b"TJ":
            continue
        items = list(operands[0])
        raw = items[0].original_bytes if hasattr(items[0], "original_bytes") else bytes(items[0])
        word = raw.decode("utf-16-be")
        spoilt = word.replace("Đ", "\u00d0").replace("đ", "\u00f0")
        spoilt = unicodedata.normalize("NFD", spoilt)
        spoilt = spoilt.replace("fi", "\ufb01")
        operands[0][0] = ByteStringObject(spoilt.encode("utf-16-be"))
        if tz is not None:  # Tesseract fits its own (longer or shorter) reading to the word's box
            tz[0] = FloatObject(float(tz[0]) * len(word) / len(spoilt))  # type: ignore[arg-type]
    page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_text_layer_words_are_the_records_and_keep_their_boxes(page: np.ndarray, tmp_path: Path) -> None:
    rec = recognize.recognize(page, dpi=300, lang="vie", timeout=180, subject="page", text_pdf=True)
    assert rec.text_pdf is not None
    clean = _bbox_words(rec.text_pdf, tmp_path)
    spoilt = _bbox_words(_spoil(rec.text_pdf), tmp_path)
    assert any("\u00d0" in w for w, _ in spoilt)  # the spoilt layer really has the eth
    assert [w for w, _ in spoilt] != [w for w, _ in clean]
    fixed = _bbox_words(_one_page(text_layer_page(_spoil(rec.text_pdf))), tmp_path)
    assert [w for w, _ in fixed] == [normalized_word(w) for w, _ in clean]
    assert "Đ" in " ".join(w for w, _ in fixed) and "\u00d0" not in " ".join(w for w, _ in fixed)
    for (_, box), (_, expected) in zip(fixed, clean, strict=True):  # each word still spans its box
        assert box == pytest.approx(expected, abs=0.6)
    assert _text(_one_page(text_layer_page(rec.text_pdf)), tmp_path) == rec.text.split()  # copy-paste = record


def _check_shows_archive(pdf: bytes, ocr_page: PageOcr, tmp_path: Path) -> None:
    """The PDF page, rendered, is the archive image kho read: the text layer lies on its words."""
    assert ocr_page.image is not None
    rendered = tmp_path / "render"
    (tmp_path / "out.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(ocr_page.image.dpi), "-gray", "-png", "-singlefile",
                    str(tmp_path / "out.pdf"), str(rendered)], check=True, timeout=120)
    shown = cv2.imread(str(rendered) + ".png", cv2.IMREAD_GRAYSCALE)
    archive = cv2.imdecode(np.frombuffer(ocr_page.image.data, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert shown is not None and archive is not None
    assert abs(shown.shape[0] - archive.shape[0]) <= 1 and abs(shown.shape[1] - archive.shape[1]) <= 1
    h, w = min(shown.shape[0], archive.shape[0]), min(shown.shape[1], archive.shape[1])
    assert np.abs(shown[:h, :w].astype(int) - archive[:h, :w].astype(int)).mean() < 8


def _letters(text: list[str]) -> str:
    return "".join(text)


@pytest.mark.parametrize(("turn", "angle", "rotation"), [("deskew", 3.0, 0), ("quarter", 90.0, 90)])
def test_jpeg_scan_is_embedded_as_is_turned_upright_under_its_text(
    page: np.ndarray, rotate: Callable[[np.ndarray, float], np.ndarray], tmp_path: Path,
    turn: str, angle: float, rotation: int,
) -> None:
    tilted = rotate(page, angle) if turn == "deskew" else cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)
    scan = tmp_path / "scan.jpg"
    Image.fromarray(tilted).save(scan, quality=85, dpi=(300, 300))
    document = ocr_document(scan, OPTIONS, SerialExecutor())
    ocr_page = document.pages[0]
    assert ocr_page.rotation == rotation and (ocr_page.skew != 0) == (turn == "deskew")
    pdf = searchable_pdf(document, scan)
    data = scan.read_bytes()
    assert data in pdf  # the scan's own JPEG bytes, not re-encoded
    assert len(pdf) <= 1.1 * len(data)
    assert _text(pdf, tmp_path) == ocr_page.text.split()
    _check_shows_archive(pdf, ocr_page, tmp_path)


@pytest.mark.parametrize("page_rotate", [0, 270])
def test_pdf_scan_pages_are_reused_as_they_are(
    page: np.ndarray, rotate: Callable[[np.ndarray, float], np.ndarray], tmp_path: Path, page_rotate: int,
) -> None:
    """A scanner's PDF (a JPEG per page, maybe with /Rotate): its page is reused, not rasterised again."""
    tilted = rotate(page, 2.0)
    stored = tilted if page_rotate == 0 else cv2.rotate(tilted, cv2.ROTATE_90_CLOCKWISE)
    jpeg = tmp_path / "page.jpg"
    Image.fromarray(stored).save(jpeg, quality=85, dpi=(300, 300))
    writer = PdfWriter(clone_from=io.BytesIO(img2pdf.convert(str(jpeg))))
    if page_rotate:
        writer.pages[0].rotate(page_rotate)  # shown upright by the viewer, stored sideways
    scan = tmp_path / "scan.pdf"
    with open(scan, "wb") as fh:
        writer.write(fh)
    document = ocr_document(scan, OPTIONS, SerialExecutor())
    ocr_page = document.pages[0]
    assert ocr_page.rotation == 0 and ocr_page.skew != 0 and not ocr_page.from_text_layer
    pdf = searchable_pdf(document, scan)
    assert jpeg.read_bytes() in pdf  # the scanner's JPEG as stored
    assert len(pdf) <= 1.1 * scan.stat().st_size
    assert _letters(_text(pdf, tmp_path)) == _letters(ocr_page.text.split())
    _check_shows_archive(pdf, ocr_page, tmp_path)


def test_turned_size_follows_rotate_by() -> None:
    assert turned_size(100, 200, 0, 0.0) == (100, 200)
    assert turned_size(100, 200, 90, 0.0) == (200, 100)
    assert turned_size(100, 200, 180, 0.0) == (100, 200)
    assert turned_size(1000, 2000, 0, 2.0) == (round(2000 * 0.0348995 + 1000 * 0.9993908),
                                              round(2000 * 0.9993908 + 1000 * 0.0348995))


def test_placement_matrix_centres_and_turns_clockwise() -> None:
    assert placement_matrix(100, 50, 100, 50, 0.0) == pytest.approx((100, 0, 0, 50, 0, 0))
    a, b, c, d, e, f = placement_matrix(100, 50, 50, 100, 90.0)  # a landscape scan turned onto a portrait page
    assert (a, b, c, d) == pytest.approx((0, -100, 50, 0), abs=1e-9)
    # the unit square's corners land exactly on the page
    corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
    assert sorted((round(px, 6), round(py, 6)) for px, py in corners) == [(0, 0), (0, 100), (50, 0), (50, 100)]
