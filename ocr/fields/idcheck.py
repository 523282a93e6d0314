"""A second, digit-only reading of every citizen-ID region, and its reconciliation with the first.

Pure functions; the reading itself (crop, enlarge, Tesseract with a digit whitelist) is in
:func:`ocr.recognize.read_id_regions`. The flow, per page:

1. :func:`find_id_regions` picks the candidate regions from Tesseract's word boxes: runs of
   digit-like words on one line holding 11–13 digits (``049085001234``, ``049 085 001 234``; fewer
   without a label is a phone number, an amount or a 9-digit CMND, which counts only after its
   label), and
   the digit-like words right after an ID label (``CCCD``, ``CMND``, ``Số định danh`` …) whatever
   their length, so an ID the first reading garbled is still looked at; after ``Mã số thuế``
   only 11 digits or more (a personal ID serves as personal tax code since July 2025; an
   organisation's code has 10).
2. The worker reads each region again (``--psm 7``, ``tessedit_char_whitelist=0123456789``) and
   keeps both readings as an :class:`IdReading`.
3. :func:`check_ids` reconciles the readings with the IDs that :func:`ocr.fields.idscan.scan_ids`
   found in the page text, using the structural rules of :mod:`ocr.fields.ids` (province code,
   century/sex digit, birth year):

   ===============================  ==========================================================
   first reading / second reading   outcome
   ===============================  ==========================================================
   both valid, equal                confirmed: confidence raised to ``CONFIRMED`` (0.99)
   first valid, second not          the first kept, confidence lowered to ``ONE_READING`` (0.9)
   first not, second valid          the second added at ``REVIEW`` (0.86, below the review
                                    threshold) when the region is labelled or looks like an ID
   both valid, different            both kept at ``CONFLICT`` (0.5), an :class:`IdConflict`
                                    carrying both readings and a review note (without the IDs)
   ===============================  ==========================================================

The review notes never contain an ID: only ``id_conflicts`` (personal data, like
``citizen_ids``) carries the numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ocr.fields.ids import normalize_digits, repair_citizen_id
from ocr.fields.idscan import IdScan, label_kind
from ocr.fields.layout import BoxedWord
from ocr.fields.model import Evidence, FieldValue
from ocr.fields.textnorm import fold

__all__ = [
    "CONFIDENCE",
    "BoxedWord",
    "IdCheck",
    "IdConflict",
    "IdReading",
    "IdRegion",
    "check_ids",
    "find_id_regions",
    "second_value",
]

#: Confidences given by the reconciliation (see the module docstring).
CONFIDENCE = {"confirmed": 0.99, "one_reading": 0.9, "review": 0.86, "conflict": 0.5}
CONFLICT_NOTE = ("hai lần đọc số định danh khác nhau / two readings of a citizen ID disagree "
                 "(trang/page {page})")

MIN_DIGITS, MAX_DIGITS = 11, 13
# A word that may be (part of) a number: digit look-alikes, at least one real digit, light punctuation.
_DIGITISH = re.compile(r"^[(\[]?[0-9OolI|.\-]*[0-9][0-9OolI|.\-]*[).,;:]?$")
_EDGE = ".,;:()[]-"
# Words that may stand between a label and its number ("số", "là", ":", "thẻ").
_FILLER_WORD = re.compile(r"^[:.,;()/\-]*(?:so|la|the)?[:.,;()/\-]*$")
# A gap wider than this many word heights ends a run of digit groups.
MAX_GAP_HEIGHTS = 1.5
MAX_LABELLED_WORDS = 5


@dataclass(frozen=True)
class IdRegion:
    """A candidate ID region: its box in recognition-image pixels, its first reading, its label."""

    left: int
    top: int
    width: int
    height: int
    first: str
    label: str | None = None


@dataclass(frozen=True)
class IdReading:
    """Both readings of one region of page ``page`` (``second``: digits only, "" when unreadable)."""

    page: int
    first: str
    second: str
    label: str | None = None


@dataclass(frozen=True)
class IdConflict:
    """Two valid, different readings of one citizen ID: a person must choose."""

    page: int
    first: str
    second: str

    def to_json(self) -> dict[str, Any]:
        """``{"page", "first", "second"}``."""
        return {"page": self.page, "first": self.first, "second": self.second}


@dataclass(frozen=True)
class IdCheck:
    """A page's citizen IDs after reconciliation, the conflicts found and review notes (no IDs)."""

    citizen_ids: tuple[FieldValue, ...]
    conflicts: tuple[IdConflict, ...]
    notes: tuple[str, ...]


def _digitish(text: str) -> bool:
    return bool(_DIGITISH.match(text))


def _digits(text: str) -> str:
    return normalize_digits(text.strip(_EDGE))


def _lines(words: Sequence[BoxedWord]) -> Iterator[list[BoxedWord]]:
    """The words of each text line, left to right."""
    by_line: dict[tuple[int, int, int], list[BoxedWord]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    for line in by_line.values():
        yield sorted(line, key=lambda w: w.left)


def _far_apart(a: BoxedWord, b: BoxedWord) -> bool:
    return b.left - (a.left + a.width) > MAX_GAP_HEIGHTS * max(a.height, b.height)


def _runs(line: list[BoxedWord]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` index ranges of neighbouring digit-like words in one line."""
    start: int | None = None
    for i, w in enumerate(line):
        if not _digitish(w.text):
            if start is not None:
                yield start, i
            start = None
        elif start is None:
            start = i
        elif _far_apart(line[i - 1], w):
            yield start, i
            start = i
    if start is not None:
        yield start, len(line)


def _region(words: Sequence[BoxedWord], label: str | None) -> IdRegion:
    left = min(w.left for w in words)
    top = min(w.top for w in words)
    right = max(w.left + w.width for w in words)
    bottom = max(w.top + w.height for w in words)
    first = " ".join(w.text.strip(_EDGE) for w in words)
    return IdRegion(left, top, right - left, bottom - top, first, label)


def _label_of(line: list[BoxedWord], start: int) -> str | None:
    """The kind of ID label that ends right before word ``start`` (filler words allowed between)."""
    before = [fold(w.text).lower() for w in line[:start]]
    while before and _FILLER_WORD.match(before[-1]):
        before.pop()
    if not before:
        return None
    text = " ".join(before[-4:])
    return label_kind(text, len(text))


def find_id_regions(words: Sequence[BoxedWord]) -> tuple[IdRegion, ...]:
    """The regions of a page that may hold a citizen ID (see the module docstring), top to bottom."""
    regions: list[IdRegion] = []
    for line in _lines(words):
        for start, end in _runs(line):
            label = _label_of(line, start)
            run = line[start:end][:MAX_LABELLED_WORDS]
            count = len(_digits("".join(w.text for w in run)))
            if label == "tax" and count < MIN_DIGITS:
                continue  # an organisation's 10-digit code; a 12-digit personal ID also serves as tax code
            if label is not None or MIN_DIGITS <= count <= MAX_DIGITS:
                regions.append(_region(run, label))
    return tuple(sorted(regions, key=lambda r: (r.top, r.left)))


def _looks_like_id(first: str) -> bool:
    return MIN_DIGITS <= len(_digits(first.replace(" ", ""))) <= MAX_DIGITS


def _span(text: str, first: str, page: int) -> Evidence:
    """Where ``first`` (the first reading of a region) stands in the page text, else an empty span."""
    pattern = r"\s*".join(re.escape(c) for c in first.replace(" ", ""))
    found = re.search(pattern, text) if pattern else None
    return Evidence(page, found.start(), found.end()) if found else Evidence(page, 0, 0)


def _set_confidence(values: list[FieldValue], value: str, confidence: float, *, raise_only: bool) -> bool:
    """Give ``value`` in ``values`` the ``confidence`` (only upwards with ``raise_only``); False if absent."""
    for i, v in enumerate(values):
        if v.value == value:
            new = max(v.confidence, confidence) if raise_only else min(v.confidence, confidence)
            values[i] = FieldValue(v.value, new, v.evidence)
            return True
    return False


def second_value(digits: str) -> str | None:
    """The valid ID that a digit-only reading stands for, or None.

    As :func:`~ocr.fields.ids.repair_citizen_id`, and a 13-digit reading whose one extra digit
    sits at an end (a speck or the label's last letter read as a digit) when exactly one of its two
    12-digit windows validates.
    """
    if not digits:
        return None
    repaired = repair_citizen_id(digits)
    if repaired is not None or len(digits) != 13:
        return repaired
    windows = {w for w in (digits[1:], digits[:-1]) if repair_citizen_id(w) == w}
    return windows.pop() if len(windows) == 1 else None


def _add(values: list[FieldValue], value: str, confidence: float, evidence: Evidence) -> None:
    """``value`` at no more than ``confidence``: lowered if present, else appended."""
    if not _set_confidence(values, value, confidence, raise_only=False):
        values.append(FieldValue(value, confidence, evidence))


def _reconcile(reading: IdReading, values: list[FieldValue], text: str, page: int) -> IdConflict | None:
    """Apply one region's two readings to ``values`` (in place); the conflict when both are valid."""
    first = repair_citizen_id(reading.first)
    if first is not None and not any(v.value == first for v in values):
        first = None  # the text scan rejected it (birth date nearby, trailing digits): not a reading
    second = second_value(reading.second)
    if first is not None and second == first:
        _set_confidence(values, first, CONFIDENCE["confirmed"], raise_only=True)
    elif first is not None and second is None:
        _set_confidence(values, first, CONFIDENCE["one_reading"], raise_only=False)
    elif second is not None and first is None:
        if reading.label is not None or _looks_like_id(reading.first):
            _add(values, second, CONFIDENCE["review"], _span(text, reading.first, page))
    elif first is not None and second is not None:
        _set_confidence(values, first, CONFIDENCE["conflict"], raise_only=False)
        _add(values, second, CONFIDENCE["conflict"], _span(text, reading.first, page))
        return IdConflict(page, first, second)
    return None


def check_ids(scan: IdScan, readings: Sequence[IdReading], text: str, page: int) -> IdCheck:
    """Reconcile the citizen IDs that ``scan`` found in ``text`` (page ``page``) with the second readings."""
    values = list(scan.citizen_ids)
    conflicts = [c for r in readings if (c := _reconcile(r, values, text, page)) is not None]
    notes = (CONFLICT_NOTE.format(page=page),) if conflicts else ()
    return IdCheck(tuple(values), tuple(conflicts), notes)
