"""Load any supported input (PDF, TIFF, JPEG, PNG) as page images with their resolution.

:func:`inspect_source` checks a file once in the parent (type, page count, limits, encryption,
text layer); :func:`load_page` loads one page in a worker. Page images are ``uint8`` numpy arrays,
2-D for grey pages and 3-D BGR (OpenCV order) for colour pages. Every failure is a
:class:`kho.errors.InputError` subclass naming the file.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kho.errors import InputError, TooLargeError, UnsupportedTypeError
from ocr import runner
from ocr.text import fold_spaces, normalize_text, reads_as_vietnamese

# A page may hold at most this many pixels (PIL's own decompression-bomb warning threshold).
MAX_PIXELS = 89_478_485
MIN_PDF_DPI = 72
MIN_TRUSTED_DPI = 50
A4_LONG_INCHES = 11.69
GREY_TOLERANCE = 6
EXIF_ORIENTATION = 0x0112

KINDS = ("pdf", "tiff", "jpeg", "png")

_PAGE_KEY = re.compile(r"Page\s+(\d+)\s+size")
_PAGE_SIZE = re.compile(r"([\d.]+) x ([\d.]+)")


@dataclass(frozen=True)
class Limits:
    """Limits and defaults applied to one input file."""

    max_pages: int = 500
    timeout: float = 180.0
    dpi: int = 300
    max_pixels: int = MAX_PIXELS


@dataclass(frozen=True)
class SourceInfo:
    """What :func:`inspect_source` found out about a file."""

    path: Path
    kind: str
    page_count: int
    page_dpi: tuple[int, ...] = ()
    text_layer: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class PageImage:
    """One page as pixels: ``dpi`` is the declared or estimated resolution.

    ``as_stored`` is True when the pixels are the file's one image without any EXIF turn, so the
    file's own bytes may stand for the page (a JPEG embedded without re-encoding).
    """

    pixels: np.ndarray
    dpi: int
    dpi_known: bool
    as_stored: bool = False


def detect_kind(head: bytes) -> str | None:
    """The input kind from a file's first bytes (``pdf``, ``tiff``, ``jpeg``, ``png``) or None."""
    if head.lstrip(b"\x00\t\n\r ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None


def pdfinfo_pages(info: Mapping[str, Any]) -> tuple[int, list[tuple[float, float]]]:
    """Page count and per-page sizes in points from pdf2image's ``pdfinfo`` dict (``-f 1 -l N``)."""
    pages = info.get("Pages", 0)
    numbered: dict[int, tuple[float, float]] = {}
    for key, value in info.items():
        key_match = _PAGE_KEY.fullmatch(key)
        size = _PAGE_SIZE.match(str(value))
        if key_match and size:
            numbered[int(key_match.group(1))] = (float(size.group(1)), float(size.group(2)))
    sizes = [numbered[n] for n in sorted(numbered)]
    if not sizes and (size := _PAGE_SIZE.match(str(info.get("Page size", "")))):
        sizes = [(float(size.group(1)), float(size.group(2)))]
    return (pages if isinstance(pages, int) else 0), sizes


def pdf_page_dpi(size_pt: tuple[float, float], dpi: int, max_pixels: int) -> int:
    """The rasterising resolution for a page: ``dpi``, lowered if the page would exceed ``max_pixels``."""
    width_in, height_in = size_pt[0] / 72.0, size_pt[1] / 72.0
    if width_in <= 0 or height_in <= 0:
        return dpi
    fit = int((max_pixels / (width_in * height_in)) ** 0.5)
    return min(dpi, fit)


def inspect_source(path: Path, limits: Limits, *, read_text_layer: bool = True) -> SourceInfo:
    """Check ``path`` (type, page count, limits) and read a PDF's text layer; raise InputError if unusable."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except FileNotFoundError as e:
        raise InputError("file not found", subject=str(path)) from e
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", subject=str(path)) from e
    kind = detect_kind(head)
    if kind is None:
        raise UnsupportedTypeError(
            "not a PDF, TIFF, JPEG or PNG file; scan or convert it to one of these", subject=str(path)
        )
    if kind == "pdf":
        return _inspect_pdf(path, limits, read_text_layer)
    return _inspect_image(path, kind, limits)


def _inspect_pdf(path: Path, limits: Limits, read_text_layer: bool) -> SourceInfo:
    pages, _ = pdfinfo_pages(runner.pdf_info(path, timeout=limits.timeout, subject=str(path)))
    if pages < 1:
        raise InputError("corrupt PDF: it has no pages", subject=str(path))
    if pages > limits.max_pages:
        raise TooLargeError(
            f"{pages} pages, more than the limit of {limits.max_pages} (KHO_MAX_PAGES); split the file",
            subject=str(path),
        )
    _, sizes = pdfinfo_pages(runner.pdf_info(path, timeout=limits.timeout, subject=str(path), last_page=pages))
    sizes = sizes if len(sizes) == pages else [(595.0, 842.0)] * pages
    dpis = tuple(pdf_page_dpi(s, limits.dpi, limits.max_pixels) for s in sizes)
    if min(dpis) < MIN_PDF_DPI:
        raise TooLargeError("a page is too large to rasterise (decompression bomb?)", subject=str(path))
    texts: tuple[str, ...] = ()
    if read_text_layer:
        texts = tuple(read_pdf_text(path, pages, limits.timeout))
    return SourceInfo(path, "pdf", pages, dpis, texts)


def read_pdf_text(path: Path, pages: int, timeout: float) -> list[str]:
    """The text layer of each page of ``path`` (empty strings where a page has none)."""
    done = runner.run(runner.pdftotext_argv(path), timeout=timeout, subject=str(path))
    if not done.ok:
        return [""] * pages
    parts = done.stdout.decode("utf-8", "replace").split("\f")
    texts = [normalize_text(fold_spaces(part)) for part in parts[:pages]]
    return texts + [""] * (pages - len(texts))


def trusted_text(text: str) -> bool:
    """True when a page's existing text layer reads as Vietnamese and may replace OCR."""
    return reads_as_vietnamese(text)


def _open_image(path: Path, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise TooLargeError("image too large (decompression bomb?)", subject=str(path)) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise InputError(f"corrupt or unreadable image: {e}", subject=str(path)) from e
    width, height = image.size
    if width * height > limits.max_pixels or width < 1 or height < 1:
        image.close()
        raise TooLargeError(
            f"image of {width}x{height} pixels exceeds the limit of {limits.max_pixels} pixels",
            subject=str(path),
        )
    return image


def _inspect_image(path: Path, kind: str, limits: Limits) -> SourceInfo:
    with _open_image(path, limits) as image:
        frames = int(getattr(image, "n_frames", 1) or 1)
        if frames > limits.max_pages:
            raise TooLargeError(
                f"{frames} pages, more than the limit of {limits.max_pages} (KHO_MAX_PAGES); split the file",
                subject=str(path),
            )
        dpis = []
        for index in range(frames):
            image.seek(index)
            w, h = image.size
            if w * h > limits.max_pixels:
                raise TooLargeError(f"page {index + 1} is too large ({w}x{h} pixels)", subject=str(path))
            dpis.append(_declared_dpi(image) or 0)
    return SourceInfo(path, kind, frames, tuple(dpis))


def _declared_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if value >= MIN_TRUSTED_DPI else None


def estimate_dpi(width: int, height: int) -> int:
    """A resolution guess for an image without one: assume the long side is an A4 page."""
    return max(1, round(max(width, height) / A4_LONG_INCHES))


def to_pixels(image: Image.Image) -> np.ndarray:
    """A PIL image as a grey (2-D) or BGR (3-D) ``uint8`` array; transparency goes onto white."""
    if image.mode in ("1", "L"):
        return np.asarray(image.convert("L"))
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image.convert("F"), dtype=np.float32)
        top = float(array.max()) or 1.0
        return np.clip(array * (255.0 / top), 0, 255).astype(np.uint8)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    rgb = np.asarray(image.convert("RGB"))
    return grey_if_neutral(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def grey_if_neutral(bgr: np.ndarray) -> np.ndarray:
    """``bgr`` as a grey array when its colour channels (sampled) are practically equal."""
    sample = bgr[::7, ::7].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    if float(np.percentile(spread, 99.5)) <= GREY_TOLERANCE:
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return bgr


def load_page(info: SourceInfo, index: int, limits: Limits) -> PageImage:
    """Load page ``index`` (0-based) of the file described by ``info``."""
    if info.kind == "pdf":
        return _load_pdf_page(info, index, limits)
    with _open_image(info.path, limits) as image:
        try:
            image.seek(index)
            declared = _declared_dpi(image)
            turned = info.kind == "jpeg" and image.getexif().get(EXIF_ORIENTATION, 1) != 1
            frame = ImageOps.exif_transpose(image) if turned else image
            pixels = to_pixels(frame)
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise InputError(f"corrupt image data on page {index + 1}: {e}", subject=str(info.path)) from e
    height, width = pixels.shape[:2]
    as_stored = info.page_count == 1 and not turned
    if declared:
        return PageImage(pixels, declared, True, as_stored)
    return PageImage(pixels, estimate_dpi(width, height), False, as_stored)


def _load_pdf_page(info: SourceInfo, index: int, limits: Limits) -> PageImage:
    dpi = info.page_dpi[index] if index < len(info.page_dpi) else limits.dpi
    rendered = runner.pdf_page(info.path, page=index + 1, dpi=dpi, timeout=limits.timeout, subject=str(info.path))
    with rendered:
        pixels = to_pixels(rendered)
    return PageImage(pixels, dpi, True)
