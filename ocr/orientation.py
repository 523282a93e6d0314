"""Which way up a page of horizontal text lines is, from the shape of its lines (no OCR).

In upright Vietnamese text much more ink lies above a line's x-height band than below it: capitals
and ascenders (``b d đ h k l t``) rise above it, and most tone marks and the circumflex and breve
sit on top of the letters, while only ``g p q y`` and the dot below (``ạ ệ ọ``) reach under the
baseline. Turned upside down the asymmetry flips. :func:`upright_evidence` measures it in a few
milliseconds, so a page that is plainly upside down is turned before Tesseract reads it instead of
after a wasted reading and an orientation (OSD) pass.
"""

from __future__ import annotations

import cv2
import numpy as np

STRIPS = (4, 8, 16)
"""The page is cut into this many vertical strips, each count measured apart: text in two columns
rarely shares baselines, and the lines of a skewed or curved photo stay apart only in narrow strips,
while wide strips gather more ink per line."""
MIN_LINE_HEIGHT = 6
MAX_LINE_FACTOR = 6.0
GAP_FACTOR = 0.3
CORE_SHARE = 0.5
EVIDENCE_THRESHOLD = 0.5
MIN_OUTSIDE_SHARE = 0.03
"""Below this share of the lines' ink outside their cores (capitals, digits: 0.4-1 %; running text
6-13 %) the lines have no shape to read, and a few commas or a Q's tail would decide."""
"""|evidence| at or above this is trusted; upright pages of the test corpora score 0.5 to 1.6."""


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of every run of true values in the 1-D array ``flags``."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def _text_lines(profile: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges of text lines in an ink-per-row ``profile``; marks split off by a thin gap rejoin their line."""
    runs = _runs(profile > 0)
    heights = np.array([stop - start for start, stop in runs])
    tall = heights[heights > 2]
    if not len(tall):
        return []
    typical = float(np.median(tall))
    lines: list[tuple[int, int]] = []
    for start, stop in runs:
        if lines and start - lines[-1][1] <= max(1.0, typical * GAP_FACTOR):
            lines[-1] = (lines[-1][0], stop)
        else:
            lines.append((start, stop))
    return [(a, b) for a, b in lines if MIN_LINE_HEIGHT <= b - a <= MAX_LINE_FACTOR * typical]


def ink_outside_core(profile: np.ndarray) -> tuple[float, float]:
    """Ink above and below the core (x-height) band of one text line's ``profile``."""
    core = np.flatnonzero(profile >= CORE_SHARE * profile.max())
    return float(profile[: core[0]].sum()), float(profile[core[-1] + 1:].sum())


def _ink(image: np.ndarray) -> np.ndarray:
    """1 where ``image`` (grey or BGR) has ink, by Otsu's threshold."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if grey.dtype != np.uint8:
        grey = np.clip(grey, 0, 255).astype(np.uint8)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _evidence(ink: np.ndarray, strips: int) -> float:
    """log(ink above / ink below the cores) over the text lines of ``strips`` vertical strips of ``ink``.

    0 when the lines have almost no ink outside their cores (:data:`MIN_OUTSIDE_SHARE`).
    """
    width = ink.shape[1]
    above = below = total = 0.0
    for strip in range(strips):
        profile = ink[:, strip * width // strips:(strip + 1) * width // strips].sum(axis=1).astype(np.float64)
        for start, stop in _text_lines(profile):
            up, down = ink_outside_core(profile[start:stop])
            above += up
            below += down
            total += float(profile[start:stop].sum())
    if above + below < MIN_OUTSIDE_SHARE * total:
        return 0.0
    return float(np.log((above + 1.0) / (below + 1.0)))


def evidence_by_strips(image: np.ndarray) -> tuple[float, ...]:
    """:func:`upright_evidence`'s measure for each strip count of :data:`STRIPS` (widest strips first)."""
    ink = _ink(image)
    return tuple(_evidence(ink, strips) for strips in STRIPS)


def combined_evidence(values: tuple[float, ...]) -> float:
    """The strongest of ``values`` when they all agree in sign, else 0 (the shape cannot tell).

    Each strip width fails in its own way: wide strips merge the tilted lines of a photo into one
    blur (evidence near 0), narrow ones hold few letters. Their agreement guards against a wrong
    sign from one of them (a stamp on an empty page), the strongest value is the one whose lines
    came out clean.
    """
    if values and (all(v > 0 for v in values) or all(v < 0 for v in values)):
        return max(values, key=abs)
    return 0.0


def upright_evidence(image: np.ndarray) -> float:
    """log(ink above / ink below the text lines' cores) of a page with horizontal lines.

    Positive when the page is upright, negative when it is upside down, near zero when the page has
    too little text to tell or its strips disagree; trust it only beyond ``±EVIDENCE_THRESHOLD``.
    ``image`` is grey or BGR. Measured with strips of several widths (:func:`combined_evidence`).
    """
    return combined_evidence(evidence_by_strips(image))


def evident_turn(image: np.ndarray) -> int | None:
    """180 when ``image`` is plainly upside down, 0 when plainly upright, ``None`` when unclear."""
    evidence = upright_evidence(image)
    if evidence >= EVIDENCE_THRESHOLD:
        return 0
    if evidence <= -EVIDENCE_THRESHOLD:
        return 180
    return None


STRIP_SHARE = 0.125
"""The orientation probe reads this share of the page's height (:func:`text_strip`)."""


def text_strip(image: np.ndarray, share: float = STRIP_SHARE) -> tuple[int, int]:
    """Rows (top, bottom) of the band of ``image`` holding the most ink, ``share`` of its height.

    Read both ways up, such a strip of text lines tells which way up the page is for a fraction
    of a full reading. The band is widened to at least 64 rows (the whole image if smaller).
    """
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height = ink.shape[0]
    rows = min(height, max(64, round(height * share)))
    totals = np.concatenate(([0], np.cumsum(ink.sum(axis=1, dtype=np.int64))))
    top = int(np.argmax(totals[rows:] - totals[:-rows])) if rows < height else 0
    return top, top + rows


def strip_pair(strip: np.ndarray) -> tuple[np.ndarray, int]:
    """``strip`` above a white gap above ``strip`` turned 180°, and the first row of the turned copy's half.

    Read in one Tesseract run, words above the returned row belong to the strip as it lies, the
    others to the turned copy.
    """
    gap = np.full((max(16, strip.shape[0] // 2), *strip.shape[1:]), 255, dtype=strip.dtype)
    turned = np.ascontiguousarray(strip[::-1, ::-1])
    return np.ascontiguousarray(np.concatenate((strip, gap, turned))), strip.shape[0] + gap.shape[0] // 2
