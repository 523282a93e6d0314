"""Handwritten digits in a blank, read by a small classifier of separate digit images.

Tesseract is trained on print and reads a number or a day written by hand in a printed blank poorly
(``01`` read ``04`` in every crop, by every model). This module reads such a blank the way handwriting
is read: the ink is cut into connected strokes, the strokes of one digit are grouped, and each digit
is classified on its own by a small neural network trained on handwritten digits (MNIST; see
``ocr/models/README.md`` for its source and training, ``python -m ocr.models.train_digits``).

Only the strokes of the printed line's band count (the line above or below, a rule, the colon of
``Số:`` are left out). Each digit comes with its probability, and the classifier has an eleventh class,
"not a digit", so that ink that is not a digit (a letter, two digits in one stroke) is not read as
one with confidence. Pure functions on numpy images, no I/O beyond loading the model's weights once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import cv2
import numpy as np

#: The classifier's input: digits scaled to fit a 20-pixel box, centred by mass in 28x28 (as MNIST).
SIDE = 28
BOX = 20
#: The classifier's eleventh class: what is not one digit (a letter, two digits, a part of one).
NOT_A_DIGIT = 10
#: A digit is sure when the classifier gives it at least this probability (a group of strokes is cut into
#: two digits when its halves are sure and the whole is not; the fields decide what they take, see
#: :mod:`ocr.fields.fillins`).
MIN_PROBABILITY = 0.8
#: Strokes smaller than this fraction of the line height in both directions are dots and specks.
MIN_STROKE = 0.25
#: A stroke whose vertical centre lies further than this fraction of the line height outside the line's
#: band belongs to the line above or below.
BAND_SLACK = 0.25
#: A stroke at least this many times wider than tall is a rule or a dash, not a digit.
RULE_ASPECT = 3.0
#: A group of strokes wider than this many times its height holds two touching digits (a handwritten
#: digit is narrower than tall; ``06``, ``31`` are often written in one stroke).
TWO_DIGITS_ASPECT = 0.9
#: A group wider than this many times its height is two digits (no single digit is written that wide).
PAIR_ASPECT = 1.3
#: How far (line heights) left of a day's blank a tall stroke may be centred and still be the blank's
#: (its left edge is estimated from the letters of ``ngày``, whose box often swallows the first digit).
DAY_LEAD = 0.25
#: How close (line heights) to the blank's right edge a stroke may be centred and still be the blank's.
TRAIL = 0.1
#: A lower-case letter's top lies this far (line heights) below the line's top, a digit's above it.
X_HEIGHT = 0.35
#: Strokes overlapping horizontally by this fraction of the narrower one belong to one digit.
SAME_DIGIT_OVERLAP = 0.5


@dataclass(frozen=True)
class HandReading:
    """The digits read in a blank, each with the classifier's probability ('' when none were read)."""

    text: str
    probabilities: tuple[float, ...]

    @property
    def least(self) -> float:
        """The probability of its least likely digit (0 when no digit was read)."""
        return min(self.probabilities, default=0.0)


@dataclass(frozen=True)
class Stroke:
    """A connected component of ink: its label in the component image and its box."""

    label: int
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """One past the stroke's last column."""
        return self.left + self.width


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Ink (255) on paper (0): Otsu's threshold, but never one that takes light paper for ink."""
    threshold, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    low, high = np.percentile(grey, (1, 99))
    threshold = min(float(threshold), (float(low) + float(high)) / 2)
    return np.where(grey < threshold, 255, 0).astype(np.uint8)


def line_strokes(mask: np.ndarray, band: tuple[int, int], span: tuple[int, int], lead: float = 0.0
                 ) -> tuple[np.ndarray, list[Stroke]]:
    """The component image of ``mask`` and the strokes that may be digits of the blank.

    ``band`` is the printed line's top and bottom row in the crop, ``span`` the blank's first and last
    column: a stroke is the blank's when its centre lies in the span (a digit that overflows the blank
    is kept whole, the letters of the printed words around it are not). Dots, specks, rules and
    strokes of the lines above and below are left out.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    line_height = max(1, band[1] - band[0])
    kept = []
    for label in range(1, count):
        left, top, width, height, _area = (int(v) for v in stats[label])
        if width < MIN_STROKE * line_height and height < MIN_STROKE * line_height:
            continue
        if width >= RULE_ASPECT * height:
            continue
        centre = top + height / 2
        if not band[0] - BAND_SLACK * line_height <= centre <= band[1] + BAND_SLACK * line_height:
            continue
        if not _in_span(left + width / 2, top, band, span, lead):
            continue
        kept.append(Stroke(label, left, top, width, height))
    return labels, kept


def _in_span(centre: float, top: int, band: tuple[int, int], span: tuple[int, int], lead: float) -> bool:
    """True when a stroke centred at ``centre`` whose top is at row ``top`` is the blank's.

    When the blank's left edge is only where the label's letters may end at the widest (``lead`` > 0,
    line heights), a stroke centred up to ``lead`` left of it is still a digit when it rises above the
    x-height (the ``1`` of ``15`` written close to ``ngày``), not when it hangs below it (the ``y``). A
    stroke centred within :data:`TRAIL` of the right edge is the first letter of the next word
    (``tháng``, ``/TTr``).
    """
    line_height = max(1, band[1] - band[0])
    if centre > span[1] - TRAIL * line_height:
        return False
    if centre >= span[0]:
        return True
    return centre >= span[0] - lead * line_height and top <= band[0] + X_HEIGHT * line_height


def group_digits(strokes: list[Stroke]) -> list[list[Stroke]]:
    """Strokes grouped left to right into digits (a digit may be written in several strokes)."""
    groups: list[list[Stroke]] = []
    for stroke in sorted(strokes, key=lambda s: s.left):
        if groups:
            last = groups[-1]
            left, right = min(s.left for s in last), max(s.right for s in last)
            overlap = min(right, stroke.right) - max(left, stroke.left)
            if overlap >= SAME_DIGIT_OVERLAP * min(stroke.width, right - left):
                last.append(stroke)
                continue
        groups.append([stroke])
    return groups


def group_image(labels: np.ndarray, ink: np.ndarray, group: list[Stroke]) -> np.ndarray:
    """The ink of one group's strokes alone (a neighbour's strokes in its box left out), cropped."""
    left, right = min(s.left for s in group), max(s.right for s in group)
    top, bottom = min(s.top for s in group), max(s.top + s.height for s in group)
    own = np.isin(labels[top:bottom, left:right], [s.label for s in group])
    return np.where(own, ink[top:bottom, left:right], 0).astype(np.uint8)


def _best_digit(probabilities: np.ndarray) -> tuple[int, float]:
    """The most likely digit of one row of :func:`classify` and its probability (low when the ink is
    more likely :data:`NOT_A_DIGIT`)."""
    digit = int(probabilities[:NOT_A_DIGIT].argmax())
    return digit, float(probabilities[digit])


def read_group(image: np.ndarray) -> list[tuple[int, float]]:
    """The digit(s) of one group's image, each with its probability: one digit, or two touching ones.

    A group wider than :data:`TWO_DIGITS_ASPECT` times its height may be two digits written in one
    stroke (``06``, ``31``), or one wide digit (a ``4``, a ``5`` with a long flag). Every vertical cut
    in its middle is tried; the best cut (the one whose less likely half is most likely a digit) is
    taken when the group is wider than :data:`PAIR_ASPECT`, or when the whole is not surely one digit
    and both halves surely are.
    """
    height, width = image.shape
    best = _best_digit(classify(normalise(image)[None])[0])
    if width <= TWO_DIGITS_ASPECT * height:
        return [best]
    cuts = range(width * 3 // 10, width * 7 // 10 + 1, max(1, width // 20))
    lefts = [_best_digit(p) for p in classify(np.stack([normalise(image[:, :c]) for c in cuts]))]
    rights = [_best_digit(p) for p in classify(np.stack([normalise(image[:, c:]) for c in cuts]))]
    at = max(range(len(lefts)), key=lambda i: min(lefts[i][1], rights[i][1]))
    if width > PAIR_ASPECT * height or (best[1] < MIN_PROBABILITY <= min(lefts[at][1], rights[at][1])):
        return [lefts[at], rights[at]]
    return [best]


def normalise(image: np.ndarray) -> np.ndarray:
    """A digit's ink (bright on black) as the classifier sees it: fitted to a 20-pixel box, centred by
    its mass in 28x28, scaled to 0..1."""
    rows, cols = np.nonzero(image)
    out = np.zeros((SIDE, SIDE), np.float32)
    if rows.size == 0:
        return out
    image = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    height, width = image.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    if small.max() > 0:
        small *= 1.0 / small.max()
    moments = cv2.moments(small)
    centre_y = moments["m01"] / moments["m00"] if moments["m00"] else size[1] / 2
    centre_x = moments["m10"] / moments["m00"] if moments["m00"] else size[0] / 2
    top = min(max(round(SIDE / 2 - centre_y), 0), SIDE - size[1])
    left = min(max(round(SIDE / 2 - centre_x), 0), SIDE - size[0])
    out[top:top + size[1], left:left + size[0]] = small
    return out


@functools.cache
def _weights() -> dict[str, np.ndarray]:
    with resources.files("ocr.models").joinpath("digits.npz").open("rb") as handle, np.load(handle) as data:
        return {name: data[name].astype(np.float32) for name in data.files}


def classify(images: np.ndarray) -> np.ndarray:
    """The probability of each digit 0-9, and of :data:`NOT_A_DIGIT`, for each normalised 28x28 image
    (rows of the result): the mean of the ensemble's networks."""
    weights = _weights()
    flat = images.reshape(len(images), -1)
    total = np.zeros((len(images), NOT_A_DIGIT + 1), np.float32)
    for w1, b1, w2, b2 in zip(weights["W1"], weights["b1"], weights["W2"], weights["b2"], strict=True):
        scores = np.maximum(0.0, flat @ w1 + b1) @ w2 + b2
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        total += exp / exp.sum(axis=1, keepdims=True)
    return total / len(weights["W1"])


def read_blank(grey: np.ndarray, band: tuple[int, int], span: tuple[int, int], lead: float = 0.0) -> HandReading:
    """The handwritten digits in the blank that spans columns ``span`` of the crop ``grey`` (the blank
    and some of the printed words around it), on the printed line that spans rows ``band``."""
    if grey.size == 0:
        return HandReading("", ())
    mask = ink_mask(grey)
    labels, strokes = line_strokes(mask, band, span, lead)
    ink = 255 - grey
    read = [digit for group in group_digits(strokes) for digit in read_group(group_image(labels, ink, group))]
    return HandReading("".join(str(d) for d, _ in read), tuple(round(p, 3) for _, p in read))
