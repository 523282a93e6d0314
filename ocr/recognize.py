"""Recognition: the only module that runs Tesseract (through :mod:`ocr.runner`).

:func:`recognize` writes the prepared page to a temporary uncompressed image, runs Tesseract once
for text, per-word confidences (TSV) and optionally an invisible-text PDF page, and returns a
:class:`Recognition`. Tesseract runs through pytesseract (``runner.tesseract``); its TSV is parsed
here (:func:`parse_tsv`) because pytesseract's dict output truncates confidences to integers and
would need a second run. Parsing of Tesseract's outputs is in pure functions.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kho.errors import ServiceUnavailableError
from ocr import runner
from ocr.text import normalize_text


@dataclass(frozen=True)
class Word:
    """One recognised word with its confidence (0-100) and box in recognition-image pixels."""

    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]


@dataclass(frozen=True)
class Recognition:
    """Tesseract's result for one page image."""

    text: str
    words: tuple[Word, ...]
    confidence: float
    text_pdf: bytes | None = None


@dataclass(frozen=True)
class Orientation:
    """Tesseract OSD's answer: clockwise turn that makes the page upright, and its confidence."""

    rotation: int
    confidence: float


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """Words (level 5 rows with text) from Tesseract's TSV output, NFC with homoglyphs fixed."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = normalize_text(cells[11]).strip()
        if not text:
            continue
        try:
            conf = float(cells[10])
            left, top, width, height = (int(c) for c in cells[6:10])
            line = (int(cells[2]), int(cells[3]), int(cells[4]))
        except ValueError:
            continue
        words.append(Word(text, max(conf, 0.0), left, top, width, height, line))
    return tuple(words)


def mean_confidence(words: tuple[Word, ...] | list[Word]) -> float:
    """Mean word confidence weighted by word length (0 when there are no words)."""
    total = sum(len(w.text) for w in words)
    if not total:
        return 0.0
    return round(sum(w.confidence * len(w.text) for w in words) / total, 2)


def parse_osd(stdout: str) -> Orientation | None:
    """The ``Rotate:`` and ``Orientation confidence:`` values of ``tesseract --psm 0``, or None."""
    rotate = re.search(r"^Rotate:\s*(\d+)", stdout, re.MULTILINE)
    confidence = re.search(r"^Orientation confidence:\s*([\d.]+)", stdout, re.MULTILINE)
    if not rotate or not confidence:
        return None
    rotation = int(rotate.group(1)) % 360
    if rotation not in (0, 90, 180, 270):
        return None
    return Orientation(rotation, float(confidence.group(1)))


def parse_langs(stdout: str) -> frozenset[str]:
    """Language codes listed by ``tesseract --list-langs``."""
    return frozenset(line.strip() for line in stdout.splitlines()[1:] if line.strip())


def available_languages(timeout: float) -> frozenset[str]:
    """The traineddata installed for Tesseract; raises ServiceUnavailableError if it does not run."""
    done = runner.run(runner.list_langs_argv(), timeout=timeout, subject="tesseract")
    if not done.ok:
        raise ServiceUnavailableError(f"tesseract --list-langs failed: {done.stderr_text()}", subject="tesseract")
    return parse_langs(done.stdout.decode("utf-8", "replace"))


def _write_image(image: np.ndarray, folder: Path) -> Path:
    path = folder / ("page.pgm" if image.ndim == 2 else "page.ppm")
    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write {path}")
    return path


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text("utf-8", "replace")


def recognize(
    image: np.ndarray, *, dpi: int, lang: str, timeout: float, subject: str, text_pdf: bool = False
) -> Recognition:
    """Recognise ``image`` (grey or BGR, resolution ``dpi``) with Tesseract in one run.

    With ``text_pdf`` the result also holds a one-page PDF with only the invisible text layer,
    sized like the image at ``dpi``, to lay over the archive image.
    """
    job = runner.TesseractJob(
        lang=lang, psm=3, dpi=dpi, outputs=("txt", "tsv", *(("pdf",) if text_pdf else ())),
        variables=(("textonly_pdf", "1"),) if text_pdf else (),
    )
    with tempfile.TemporaryDirectory(prefix="kho-ocr-") as tmp:
        folder = Path(tmp)
        done = runner.tesseract(_write_image(image, folder), folder / "out", job, timeout=timeout, subject=subject)
        if not done.ok:
            raise ServiceUnavailableError(f"tesseract failed: {done.error}", subject=subject)
        text = _read(folder, "out.txt")
        words = parse_tsv(_read(folder, "out.tsv"))
        pdf = (folder / "out.pdf").read_bytes() if text_pdf else None
    return Recognition(normalize_text(text), words, mean_confidence(words), pdf)


def read_line(image: np.ndarray, *, dpi: int, timeout: float, subject: str, whitelist: str, lang: str = "eng") -> str:
    """The text of ``image`` read as one line (``--psm 7``) with only the ``whitelist`` characters.

    Used for a second, digit-only reading of small regions (citizen IDs); ``lang`` only supplies
    the digit shapes, so the small ``eng`` model is the default.
    """
    job = runner.TesseractJob(lang=lang, psm=7, dpi=dpi, outputs=("txt",),
                              variables=(("tessedit_char_whitelist", whitelist),))
    with tempfile.TemporaryDirectory(prefix="kho-line-") as tmp:
        folder = Path(tmp)
        done = runner.tesseract(_write_image(image, folder), folder / "out", job, timeout=timeout, subject=subject)
        if not done.ok:
            raise ServiceUnavailableError(f"tesseract failed: {done.error}", subject=subject)
        return normalize_text(_read(folder, "out.txt")).strip()


def detect_orientation(image: np.ndarray, *, dpi: int, timeout: float, subject: str) -> Orientation | None:
    """Tesseract OSD (``--psm 0``, needs ``osd`` traineddata) on ``image``; None when it cannot tell."""
    job = runner.TesseractJob(lang="osd", psm=0, dpi=dpi, outputs=("osd",))
    with tempfile.TemporaryDirectory(prefix="kho-osd-") as tmp:
        folder = Path(tmp)
        done = runner.tesseract(_write_image(image, folder), folder / "out", job, timeout=timeout, subject=subject)
        osd = folder / "out.osd"
        if not done.ok or not osd.exists():
            return None
        return parse_osd(osd.read_text("utf-8", "replace"))
