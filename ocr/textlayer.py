"""A PDF page's own text layer as positioned words, and whether it really covers the page.

Born-digital PDFs carry their text; kho keeps it instead of reading the page again. Two things make
that safe and useful:

* :func:`page_words` gives the layer's words with boxes in the raster's pixel coordinates (from
  ``pdftotext -bbox-layout``), so field extraction can use the page's layout (header columns, the
  centred title) exactly as it does with Tesseract's word boxes.
* :func:`ink_coverage` tells how much of the page's ink lies inside those boxes. A scan whose only
  text layer is a digital-signature stamp ("Ký bởi: …") reads as Vietnamese but covers a corner of
  the page: such a layer must not replace the reading of the page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np

from ocr import runner
from ocr.recognize import Word

__all__ = ["MIN_INK_COVERAGE", "bbox_argv", "ink_coverage", "page_words", "parse_bbox_words"]

#: Share of the page's ink that the text layer's word boxes must hold for the layer to stand for the page.
MIN_INK_COVERAGE = 0.55

_WORD = re.compile(
    r'<word xMin="(?P<x0>[\d.]+)" yMin="(?P<y0>[\d.]+)" xMax="(?P<x1>[\d.]+)" yMax="(?P<y1>[\d.]+)">'
    r"(?P<text>[^<]*)</word>"
)
_LINE_OPEN = re.compile(r"<line\b")
_BLOCK_OPEN = re.compile(r"<block\b")


def bbox_argv(pdf: Path, page: int) -> list[str]:
    """``pdftotext -bbox-layout`` arguments for one page (1-based) of ``pdf`` to stdout."""
    return ["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"]


def parse_bbox_words(xhtml: str, dpi: int) -> tuple[Word, ...]:
    """Words of ``pdftotext -bbox-layout`` output as Tesseract-like words, boxes in pixels at ``dpi``.

    Each word's ``line`` is (block, 0, line) numbered in document order, as Tesseract numbers its lines.
    """
    scale = dpi / 72.0
    words: list[Word] = []
    events = sorted(
        [(m.start(), "block", m) for m in _BLOCK_OPEN.finditer(xhtml)]
        + [(m.start(), "line", m) for m in _LINE_OPEN.finditer(xhtml)]
        + [(m.start(), "word", m) for m in _WORD.finditer(xhtml)],
        key=lambda e: e[0],
    )
    block = line = 0
    for _, kind, m in events:
        if kind == "block":
            block, line = block + 1, 0
        elif kind == "line":
            line += 1
        else:
            text = html.unescape(m.group("text")).strip()
            if not text:
                continue
            x0, y0, x1, y1 = (float(m.group(k)) * scale for k in ("x0", "y0", "x1", "y1"))
            words.append(Word(text, 100.0, round(x0), round(y0), max(1, round(x1 - x0)),
                                   max(1, round(y1 - y0)), (block, 0, line)))
    return tuple(words)


def page_words(pdf: Path, index: int, dpi: int, timeout: float) -> tuple[Word, ...]:
    """The text-layer words of page ``index`` (0-based) of ``pdf`` at ``dpi``; empty when poppler fails."""
    done = runner.run(bbox_argv(pdf, index + 1), timeout=timeout, subject=str(pdf))
    if not done.ok:
        return ()
    return parse_bbox_words(done.stdout.decode("utf-8", "replace"), dpi)


def _ink_mask(pixels: np.ndarray) -> np.ndarray:
    grey = pixels if pixels.ndim == 2 else pixels.mean(axis=2)
    return np.asarray(grey < 128)


def ink_coverage(pixels: np.ndarray, words: tuple[Word, ...] | list[Word]) -> float:
    """Share of the page's dark pixels that lie inside the words' boxes (1.0 for a page without ink)."""
    ink = _ink_mask(pixels)
    total = int(ink.sum())
    if total == 0:
        return 1.0
    inside = np.zeros_like(ink)
    height, width = ink.shape
    for w in words:
        pad = max(1, w.height // 4)
        top, left = max(0, w.top - pad), max(0, w.left - pad)
        inside[top:min(height, w.top + w.height + pad), left:min(width, w.left + w.width + pad)] = True
    return float((ink & inside).sum()) / total
