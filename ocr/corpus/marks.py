"""Print and paper marks that hide or recolour text: inverse bands, guilloche paper, stamps, speckle.

Pure functions on a clean RGB page (H×W×3 uint8) that return a new page; randomness comes only from
the generator passed in. They run before the scan degradations of a level, as the marks are on the
paper before it is scanned:

- :func:`inverse_band` — a dark letterhead band with the text in it printed white;
- :func:`guilloche` — the pink guilloche/moiré pattern of land-use certificates under the text;
- :func:`stamp` — a red round stamp over a place (the digits of an ID or a number);
- :func:`speckle` — dust, toner specks and broken strokes of a poor photocopy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np

__all__ = ["BAND_COLOURS", "MARKS", "digit_boxes", "guilloche", "inverse_band", "speckle", "stamp"]

#: The marks a level may ask for.
MARKS: tuple[str, ...] = ("inverse", "guilloche", "stamp", "speckle")
#: Dark band colours of letterheads (RGB): navy, dark red, near black, dark green.
BAND_COLOURS: tuple[tuple[int, int, int], ...] = ((28, 42, 96), (122, 22, 28), (34, 34, 34), (20, 80, 52))
STAMP_RED = np.array([206, 32, 40], dtype=np.float32)

Box = tuple[int, int, int, int]


def _ink(region: np.ndarray) -> np.ndarray:
    """How much ink each pixel holds (0 paper … 1 full ink), from its darkest channel."""
    return 1.0 - region.min(axis=2).astype(np.float32) / 255.0


def inverse_band(image: np.ndarray, box: Box, colour: tuple[int, int, int]) -> np.ndarray:
    """The region ``box`` printed as a dark band of ``colour`` with its text in white (paper colour)."""
    left, top, right, bottom = box
    out = image.copy()
    region = out[top:bottom, left:right]
    ink = _ink(region)[:, :, None]
    band = np.array(colour, dtype=np.float32)
    out[top:bottom, left:right] = np.clip(band * (1 - ink) + 250.0 * ink, 0, 255).astype(np.uint8)
    return out


def guilloche(image: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """Pink security paper: a rosette of fine interfering waves under the text (multiplied in).

    The pattern is computed at half resolution and enlarged (a printed pattern is soft at 300 dpi).
    """
    height, width = image.shape[:2]
    small_h, small_w = (height + 1) // 2, (width + 1) // 2
    cy, cx = small_h * rng.uniform(0.3, 0.7), small_w * rng.uniform(0.3, 0.7)
    ys = np.arange(small_h, dtype=np.float32)[:, None] - np.float32(cy)
    xs = np.arange(small_w, dtype=np.float32)[None, :] - np.float32(cx)
    radius = np.sqrt(xs * xs + ys * ys)
    angle = np.arctan2(ys, xs)
    period = np.float32(rng.uniform(4.5, 8))
    petals = np.float32(rng.integers(6, 14))
    rosette = np.sin(radius / period + np.float32(rng.uniform(2, 5)) * np.sin(petals * angle))
    sweep = np.sin((xs + ys * np.float32(rng.uniform(0.3, 0.8))) / np.float32(rng.uniform(6, 10))
                   + np.float32(rng.uniform(1.5, 3)) * np.sin(ys / np.float32(rng.uniform(25, 50))))
    thin = np.float32(0.035)
    lines = np.maximum(np.exp(-(rosette * rosette) / thin), np.exp(-(sweep * sweep) / thin))  # fine curves
    base = np.array([rng.uniform(245, 252), rng.uniform(214, 230), rng.uniform(222, 236)], dtype=np.float32)
    line_colour = np.array([rng.uniform(222, 238), rng.uniform(120, 160), rng.uniform(150, 185)], dtype=np.float32)
    line_colour = base - (base - line_colour) * np.float32(strength)
    paper = cv2.merge([(b + (c - b) * lines).astype(np.uint8) for b, c in zip(base, line_colour, strict=True)])
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.multiply(image, paper, scale=1 / 255)


def stamp(image: np.ndarray, rng: np.random.Generator, centre: tuple[int, int], radius: int) -> np.ndarray:
    """A red round stamp (two rings, a band of letter-like dashes, a star) centred at ``centre``."""
    height, width = image.shape[:2]
    cx, cy = centre
    size = 2 * radius + 8
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) - np.float32(size / 2)
    distance = np.sqrt(xs * xs + ys * ys)
    angle = np.arctan2(ys, xs)
    thick = max(4.0, radius / 22)
    mask = (np.abs(distance - radius + thick) < thick).astype(np.float32)
    inner = radius * 0.7
    mask += (np.abs(distance - inner) < thick / 2).astype(np.float32)
    in_band = (distance > inner + thick) & (distance < radius - 3 * thick)
    letters = (np.sin(angle * float(rng.integers(40, 70))) > 0.1) & in_band
    mask += letters.astype(np.float32) * 0.9
    star = (distance < inner * 0.35 * (0.6 + 0.4 * np.cos(5 * angle)))
    mask += star.astype(np.float32)
    alpha = np.clip(mask, 0, 1) * rng.uniform(0.55, 0.95, size=mask.shape).astype(np.float32)
    x0, y0 = cx - size // 2, cy - size // 2
    sx0, sy0 = max(0, -x0), max(0, -y0)
    x0c, y0c = max(0, x0), max(0, y0)
    x1c, y1c = min(width, x0 + size), min(height, y0 + size)
    if x1c <= x0c or y1c <= y0c:
        return image.copy()
    alpha = alpha[sy0:sy0 + y1c - y0c, sx0:sx0 + x1c - x0c, None]
    out = image.copy()
    region = out[y0c:y1c, x0c:x1c].astype(np.float32)
    out[y0c:y1c, x0c:x1c] = np.clip(region * (1 - alpha * (1 - STAMP_RED / 255.0)), 0, 255).astype(np.uint8)
    return out


def speckle(image: np.ndarray, rng: np.random.Generator, density: float) -> np.ndarray:
    """Dark specks (dust, toner) and small white breaks in strokes, ``density`` specks per 10 000 px."""
    height, width = image.shape[:2]
    out = image.copy()
    count = int(height * width * density / 10_000)
    for colour, share in ((0, 0.7), (255, 0.3)):
        n = int(count * share)
        xs = rng.integers(0, width, n)
        ys = rng.integers(0, height, n)
        radii = rng.integers(1, 4, n)
        for x, y, r in zip(xs, ys, radii, strict=True):
            cv2.circle(out, (int(x), int(y)), int(r), (colour, colour, colour), -1)
    return out


def _digits_box(text: str, box: Box) -> tuple[int, Box]:
    """The number of digits of ``text``'s longest digit run and that run's part of ``box``.

    A label glued to its value (``Số CCCD: 049085001234``) is drawn as one word: the run's box is
    cut out of the word's box in proportion to character positions.
    """
    runs = [(m.end() - m.start(), m.start(), m.end()) for m in re.finditer(r"\d+", text)]
    if not runs:
        return 0, box
    length, start, end = max(runs)
    left, top, right, bottom = box
    width = right - left
    return length, (left + width * start // len(text), top, left + width * end // len(text), bottom)


def digit_boxes(words: Sequence[tuple[str, Box]], min_digits: int = 2) -> list[Box]:
    """Boxes of the digit runs in drawn words: IDs (9 digits or more) first, then other numbers of at
    least ``min_digits`` digits (a document number, a year)."""
    runs = [_digits_box(text, box) for text, box in words]
    ids = [box for digits, box in runs if digits >= 9]
    others = [box for digits, box in runs if min_digits <= digits < 9]
    return ids + others
