"""Loading inputs: type detection, PDFs, multi-page TIFF, alpha PNG, resolution, limits, text layers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kho.errors import InputError, TooLargeError, UnsupportedTypeError
from ocr import rasterize
from ocr.rasterize import Limits

LIMITS = Limits(max_pages=5, timeout=60, dpi=150)


def test_detect_kind() -> None:
    assert rasterize.detect_kind(b"%PDF-1.7\n") == "pdf"
    assert rasterize.detect_kind(b"II*\x00....") == "tiff"
    assert rasterize.detect_kind(b"\xff\xd8\xff\xe0") == "jpeg"
    assert rasterize.detect_kind(b"\x89PNG\r\n\x1a\n") == "png"
    assert rasterize.detect_kind(b"GIF89a") is None
    assert rasterize.detect_kind(b"") is None


def test_pdfinfo_pages_from_the_pdf2image_dict() -> None:
    info = {"Pages": 2, "Page    2 size": "842 x 595.5 pts (A4)", "Page    1 size": "595 x 842 pts (A4)"}
    assert rasterize.pdfinfo_pages(info) == (2, [(595.0, 842.0), (842.0, 595.5)])
    assert rasterize.pdfinfo_pages({"Pages": 1, "Page size": "612 x 792 pts (letter)"}) == (1, [(612.0, 792.0)])


def test_pdf_page_dpi_is_lowered_for_huge_pages() -> None:
    assert rasterize.pdf_page_dpi((595, 842), 300, rasterize.MAX_PIXELS) == 300
    assert rasterize.pdf_page_dpi((2384, 3370), 300, rasterize.MAX_PIXELS) < 300   # A0


def test_png_with_alpha_is_composited_on_white(tmp_path: Path, page: np.ndarray) -> None:
    rgba = np.zeros((*page.shape, 4), np.uint8)
    rgba[..., 3] = 255 - page          # black text as opaque pixels, paper transparent
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, "RGBA").save(path)
    info = rasterize.inspect_source(path, LIMITS)
    loaded = rasterize.load_page(info, 0, LIMITS)
    assert loaded.pixels.ndim == 2                      # neutral colours become grey
    assert loaded.pixels[0, 0] == 255
    assert np.array_equal(loaded.pixels < 128, page < 128)
    assert not loaded.dpi_known


def test_multipage_tiff_and_declared_dpi(tmp_path: Path, page: np.ndarray) -> None:
    path = tmp_path / "two.tif"
    first, second = Image.fromarray(page), Image.fromarray(255 - page)
    first.save(path, save_all=True, append_images=[second], dpi=(200, 200), compression="tiff_lzw")
    info = rasterize.inspect_source(path, LIMITS)
    assert (info.kind, info.page_count) == ("tiff", 2)
    two = rasterize.load_page(info, 1, LIMITS)
    assert two.dpi == 200 and two.dpi_known
    assert np.array_equal(two.pixels, 255 - page)


def test_too_many_tiff_pages(tmp_path: Path, page: np.ndarray) -> None:
    path = tmp_path / "many.tif"
    small = Image.fromarray(page[:100, :100])
    small.save(path, save_all=True, append_images=[small] * 6)
    with pytest.raises(TooLargeError, match="7 pages"):
        rasterize.inspect_source(path, LIMITS)


def test_unknown_dpi_is_estimated_from_a4() -> None:
    assert rasterize.estimate_dpi(2480, 3508) == 300
    assert rasterize.estimate_dpi(600, 740) == 63


def test_colour_jpeg_stays_colour(tmp_path: Path, page: np.ndarray, save: Callable[..., Path]) -> None:
    colour = np.stack([page, page, page], axis=2).copy()
    colour[100:300, 100:300] = (200, 30, 30)
    path = save(colour, tmp_path / "c.jpg", dpi=300)
    loaded = rasterize.load_page(rasterize.inspect_source(path, LIMITS), 0, LIMITS)
    assert loaded.pixels.ndim == 3 and loaded.dpi == 300


def test_pdf_pages_render_at_the_requested_dpi(tmp_path: Path, page: np.ndarray) -> None:
    path = tmp_path / "scan.pdf"
    Image.fromarray(page).save(path, resolution=300)
    info = rasterize.inspect_source(path, LIMITS)
    assert (info.kind, info.page_count, info.page_dpi) == ("pdf", 1, (150,))
    loaded = rasterize.load_page(info, 0, LIMITS)
    assert loaded.pixels.shape == (page.shape[0] // 2, page.shape[1] // 2)
    assert info.text_layer == ("",)


@pytest.mark.parametrize(("name", "error", "reason"), [
    ("corrupt.pdf", InputError, "corrupt PDF"),
    ("encrypted.pdf", InputError, "encrypted PDF"),
    ("not-an-image.jpg", UnsupportedTypeError, "not a PDF, TIFF, JPEG or PNG"),
    ("bomb.png", TooLargeError, "decompression bomb"),
])
def test_bad_inputs_raise_input_errors_naming_the_file(
    bad_dir: Path, name: str, error: type[InputError], reason: str
) -> None:
    with pytest.raises(error, match=reason) as caught:
        rasterize.inspect_source(bad_dir / name, LIMITS)
    assert caught.value.subject == str(bad_dir / name)


def test_truncated_jpeg_fails_when_loaded(bad_dir: Path) -> None:
    with pytest.raises(InputError, match="corrupt"):
        info = rasterize.inspect_source(bad_dir / "truncated.jpg", LIMITS)
        rasterize.load_page(info, 0, LIMITS)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        rasterize.inspect_source(tmp_path / "nope.pdf", LIMITS)
