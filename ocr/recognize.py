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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kho.errors import ServiceUnavailableError
from ocr import runner
from ocr.fields.fillins import CROP_SIDES, VERTICAL_REACH, FillInReading, FillInRegion, find_fill_in_regions
from ocr.fields.idcheck import IdReading, IdRegion, find_id_regions
from ocr.handwriting import DAY_LEAD, HandReading, read_blank
from ocr.text import normalize_text

DIGITS = "0123456789"
# The second reading of ID regions: enlargement and the margin around a word box (in box heights).
ID_SCALE = 2.0
ID_MARGIN = 0.1
# The model for the digit reading: English reads isolated digits better than the Vietnamese model
# (on the bench's speckled scans the vie model read 3 -> 5, 8 -> 6, 9 -> 8 on clean crops), and a
# second model errs independently of the first reading.
ID_LANG = "eng"


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


def crop_region(image: np.ndarray, region: IdRegion | FillInRegion, *, to_image: float, scale: float,
                margin: float = ID_MARGIN) -> np.ndarray:
    """The crop of ``region`` from ``image``, cleaned for a digit reading and enlarged ``scale`` times.

    ``region`` is in recognition-image pixels; ``to_image`` converts them to ``image`` pixels. The
    crop keeps a margin of :data:`ID_MARGIN` box heights, loses its specks (3x3 median), has its
    contrast stretched (2nd-98th percentile) and gets a white border: Tesseract reads a single line
    best with some paper around it.
    """
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    edge = region.height * margin
    height, width = grey.shape[:2]
    top = max(0, int((region.top - edge) * to_image))
    bottom = min(height, int((region.top + region.height + edge) * to_image) + 1)
    left = max(0, int((region.left - edge) * to_image))
    right = min(width, int((region.left + region.width + edge) * to_image) + 1)
    crop = cv2.medianBlur(np.ascontiguousarray(grey[top:bottom, left:right]), 3)
    low, high = (float(v) for v in np.percentile(crop, (2, 98)))
    stretched = np.clip((crop.astype(np.float32) - low) * (255.0 / max(1.0, high - low)), 0, 255).astype(np.uint8)
    big = cv2.resize(stretched, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    pad = max(8, round(region.height * to_image * scale * 0.5))
    return cv2.copyMakeBorder(big, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def stack_crops(crops: Sequence[np.ndarray]) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
    """``crops`` (grey, white-bordered) one under the other on white, and the rows each one spans."""
    width = max(c.shape[1] for c in crops)
    strip = np.full((sum(c.shape[0] for c in crops), width), 255, np.uint8)
    spans = []
    top = 0
    for crop in crops:
        height = crop.shape[0]
        strip[top:top + height, :crop.shape[1]] = crop
        spans.append((top, top + height))
        top += height
    return strip, tuple(spans)


def strip_texts(words: Sequence[Word], spans: Sequence[tuple[int, int]]) -> list[str]:
    """The digits read in each span of the strip (words assigned by their vertical centre)."""
    texts: list[list[Word]] = [[] for _ in spans]
    for w in words:
        centre = w.top + w.height / 2
        for i, (top, bottom) in enumerate(spans):
            if top <= centre < bottom:
                texts[i].append(w)
    return ["".join(w.text for w in sorted(found, key=lambda w: w.left)) for found in texts]


def read_digit_strip(strip: np.ndarray, spans: Sequence[tuple[int, int]], model: str, *, dpi: int,
                     timeout: float, subject: str) -> list[str]:
    """The digits ``model`` reads in each span of a strip of stacked crops (one ``--psm 6`` run, digits
    only); :class:`ServiceUnavailableError` when the run fails (e.g. the model is not installed)."""
    with tempfile.TemporaryDirectory(prefix="kho-digits-") as tmp:
        folder = Path(tmp)
        job = runner.TesseractJob(lang=model, psm=6, dpi=dpi, outputs=("tsv",),
                                  variables=(("tessedit_char_whitelist", DIGITS),))
        done = runner.tesseract(_write_image(strip, folder), folder / "out", job, timeout=timeout, subject=subject)
        if not done.ok:
            raise ServiceUnavailableError(f"tesseract failed: {done.error}", subject=subject)
        return strip_texts(parse_tsv(_read(folder, "out.tsv")), spans)


def read_id_regions(
    image: np.ndarray, words: Sequence[Word], *, to_image: float, page: int, dpi: int, lang: str,
    timeout: float, subject: str,
) -> tuple[IdReading, ...]:
    """A second, digit-only reading of every region of the page that may hold a citizen ID.

    ``words`` are the first reading's words (boxes in recognition-image pixels); ``image`` is the
    page before any photometric step (the archive image, ``to_image`` of its pixels per
    recognition pixel, ``dpi`` its resolution). Each candidate region
    (:func:`ocr.fields.idcheck.find_id_regions`) is cropped, cleaned and enlarged :data:`ID_SCALE`
    times; the crops are stacked into one strip that Tesseract reads once (:func:`read_digit_strip`,
    :data:`ID_LANG` model, else ``lang``), and the words it finds go back to their region by
    their position. No run at all on a page without candidates.
    """
    regions = find_id_regions(words)
    if not regions:
        return ()
    strip, spans = stack_crops([crop_region(image, r, to_image=to_image, scale=ID_SCALE) for r in regions])
    models = list(dict.fromkeys((ID_LANG, lang)))   # the page's language if ID_LANG is not installed
    for model in models:
        try:
            seconds = read_digit_strip(strip, spans, model, dpi=round(dpi * ID_SCALE), timeout=timeout,
                                       subject=subject)
            break
        except ServiceUnavailableError:
            if model == models[-1]:
                raise
    return tuple(IdReading(page, r.first, second, r.label) for r, second in zip(regions, seconds, strict=True))


#: The hand reading's crop reaches this many word heights beyond the blank on each side: a digit that
#: overflows the blank is kept whole (:func:`ocr.handwriting.read_blank` keeps the strokes centred in it).
HAND_REACH = 1.0


def read_by_hand(image: np.ndarray, region: FillInRegion, *, to_image: float) -> HandReading:
    """The handwritten-digit classifier's reading of a blank (:func:`ocr.handwriting.read_blank`)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    reach = round(region.word_height * VERTICAL_REACH)
    side = region.word_height * HAND_REACH
    height, width = grey.shape[:2]
    top = max(0, int(region.top * to_image))
    bottom = min(height, int((region.top + region.height) * to_image) + 1)
    left = max(0, int((region.left - side) * to_image))
    right = min(width, int((region.left + region.width + side) * to_image) + 1)
    band = (int((region.top + reach) * to_image) - top, int((region.top + region.height - reach) * to_image) - top)
    span = (int(region.left * to_image) - left, int((region.left + region.width) * to_image) - left)
    return read_blank(np.ascontiguousarray(grey[top:bottom, left:right]), band, span,
                      DAY_LEAD if region.label == "day" else 0.0)


#: The models of the fill-in readings: readers that err differently (agreement is the test).
FILL_IN_MODELS = ("eng", "vie")
#: The blank's box already has its margins (a wider one only adds printed letters).
FILL_IN_MARGIN = 0.0


def read_fill_in_regions(
    image: np.ndarray, words: Sequence[Word], *, to_image: float, page: int, dpi: int, timeout: float,
    subject: str,
) -> tuple[FillInReading, ...]:
    """Digit-only readings, by two Tesseract models and by the handwritten-digit classifier, of the
    hand-filled number and day of the page's number and date lines.

    The blanks come from :func:`ocr.fields.fillins.find_fill_in_regions` (none: no run). Each is cut
    in the crops of :data:`~ocr.fields.fillins.CROP_SIDES`, all stacked into one strip, as for IDs,
    and each model reads the strip once. A model that is not installed gives no reading (the
    fields then need the other source to agree). The classifier reads each blank once
    (:func:`read_by_hand`), with the probability of its least likely digit.
    """
    regions = find_fill_in_regions(words)
    if not regions:
        return ()
    crops = [crop_region(image, r.widened(side), to_image=to_image, scale=ID_SCALE, margin=FILL_IN_MARGIN)
             for r in regions for side in CROP_SIDES]
    strip, spans = stack_crops(crops)
    per_model = []
    for model in FILL_IN_MODELS:
        try:
            per_model.append(read_digit_strip(strip, spans, model, dpi=round(dpi * ID_SCALE), timeout=timeout,
                                              subject=subject))
        except ServiceUnavailableError:
            continue
    per_crop = len(CROP_SIDES)
    hands = [read_by_hand(image, r, to_image=to_image) for r in regions]
    return tuple(
        FillInReading(page, r.label, r.top, r.top + r.height, r.first,
                      tuple(tuple(texts[i * per_crop + k] for k in range(per_crop)) for texts in per_model),
                      hand.text, hand.least)
        for i, (r, hand) in enumerate(zip(regions, hands, strict=True))
    )
