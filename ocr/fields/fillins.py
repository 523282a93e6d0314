"""The day written by hand in a printed date line, read a second time and accepted only on agreement.

Administrative documents are printed with blanks for the number and the day (``ngày   tháng 01 năm
2025``), filled in by hand when the document is registered. Tesseract reads handwriting poorly and
its low confidence marks it (:mod:`ocr.fields.header_layout` then leaves the date missing). This
module finds the day's blank on a header-like date line by layout — the gap between ``ngày`` and
``tháng`` on a line that ends with a four-digit year — so that :mod:`ocr.recognize` can read that
box again, digits only, in a few crops of slightly different widths, with two different models
(Tesseract's readings of handwriting change with the crop). A day is then accepted only when
independent sources agree on it (:func:`agreed_day`):

* both models read it, and most readings give it, or
* a reading gives the day of the document's digital-signature time (``Thời gian ký: 08.04.2026``,
  printed by the signing software on every e-signed copy), in the printed month and year — or, when
  the month is unreadable too, in the printed year (the date is then the signature's);

and the date is neither later than the latest signature time nor more than a month before it, nor
earlier than a document the text cites.
Otherwise the date stays missing: a handwritten day is never guessed. Pure functions; no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ocr.fields.layout import BoxedWord
from ocr.fields.textnorm import fold

#: Word confidence at or above which a printed day needs no second reading.
CONFIDENT_DAY = 80.0
#: The blank is read this many word heights above and below the line: handwriting leaves the line.
VERTICAL_REACH = 0.6
#: The blank is read in crops this many word heights wider (+) or narrower (-) on each side: handwriting
#: overflows the gap, but a neighbour's first stroke reads as a 1; readings of Tesseract on handwriting
#: change with the crop, and only a day most crops agree on is taken (:func:`agreed_day`).
CROP_SIDES = (-0.1, 0.0, 0.1)
#: Only lines in this top fraction of the page can be the header's date line.
HEADER_FRACTION = 0.45


@dataclass(frozen=True)
class FillInRegion:
    """The box (recognition-image pixels) of a hand-filled blank, its first reading and its label."""

    left: int
    top: int
    width: int
    height: int
    first: str
    label: str = "day"
    word_height: int = 0

    def widened(self, fraction: float) -> FillInRegion:
        """The box ``fraction`` word heights wider on each side (narrower when negative)."""
        side = round(self.word_height * fraction)
        return FillInRegion(self.left - side, self.top, max(1, self.width + 2 * side), self.height, self.first,
                            self.label, self.word_height)


@dataclass(frozen=True)
class FillInReading:
    """The digit-only readings of one blank on page ``page`` (``top``/``bottom``: its line's extent)."""

    page: int
    label: str
    top: int
    bottom: int
    first: str
    readings: tuple[tuple[str, ...], ...]   # per reader (model), its reading of each crop


def _lines(words: Sequence[BoxedWord]) -> list[list[BoxedWord]]:
    grouped: dict[tuple[int, int, int], list[BoxedWord]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    return [sorted(ws, key=lambda w: w.left) for ws in grouped.values()]


def _cut(word: BoxedWord, chars: int) -> int:
    """The x where the first ``chars`` characters of ``word`` end (proportional to its width)."""
    return word.left + round(word.width * chars / max(1, len(word.text)))


#: A printed word's box may run this much longer than its letters before the rest is taken as ink
#: that is not its own (a handwritten stroke Tesseract joined to ``ngày`` or ``tháng``).
WORD_SLACK = 1.15


def _letter_width(line: Sequence[BoxedWord]) -> float | None:
    """The median width of one letter in the line's confidently read words (None: none to measure)."""
    widths = sorted(w.width / len(w.text) for w in line
                    if w.confidence >= CONFIDENT_DAY and len(w.text) >= 3 and w.text.isalpha())
    return widths[len(widths) // 2] if widths else None


def _blank_edges(line: list[BoxedWord], start: int, end: int, folded: list[str]) -> tuple[int, int]:
    """Where the blank between ``ngày`` (word ``start``) and ``tháng`` (word ``end``) begins and ends.

    A glued word is cut where its label's letters end; a word box wider than its letters (a
    handwritten stroke joined to it) is cut at the letters' expected width.
    """
    ngay, thang = line[start], line[end]
    at = folded[end].index("thang")
    letter = _letter_width(line)
    left = _cut(ngay, 4) if len(folded[start]) > 4 else ngay.left + ngay.width
    right = _cut(thang, at)
    if letter is not None:
        left = min(left, ngay.left + round(4 * letter * WORD_SLACK))
        if len(folded[end]) - at == 5:   # "tháng" ends its word: its letters end the box
            right = max(right, thang.left + thang.width - round(5 * letter * WORD_SLACK))
    return left, right


def _day_region(line: list[BoxedWord]) -> FillInRegion | None:
    folded = [fold(w.text).lower() for w in line]
    if not re.fullmatch(r"\d{4}[.,]?", folded[-1]) or not any(f.startswith("nam") for f in folded[-3:]):
        return None
    start = next((i for i, f in enumerate(folded) if f.startswith("ngay")), None)
    if start is None:
        return None
    end = next((j for j in range(start, min(start + 4, len(line))) if "thang" in folded[j]), None)
    if end is None:
        return None
    inside = [*([line[start]] if len(folded[start]) > 4 else []), *line[start + 1:end],
              *([line[end]] if folded[end].index("thang") > 0 else [])]
    if start == end:   # glued: "ngày4tháng"
        between = [folded[start][4:folded[start].index("thang")]]
    else:
        between = [folded[start][4:], *folded[start + 1:end], folded[end][:folded[end].index("thang")]]
    first = re.sub(r"\D", "", "".join(between))
    printed = re.fullmatch(r"\d{1,2}", "".join(between).strip())
    if printed and inside and all(w.confidence >= CONFIDENT_DAY for w in inside):
        return None   # a printed, confident day: nothing to read again
    left, right = _blank_edges(line, start, end, folded)
    if right - left < 4:
        return None
    top = min(w.top for w in line)
    bottom = max(w.top + w.height for w in line)
    word_height = sorted(w.height for w in line)[len(line) // 2]
    reach = round(word_height * VERTICAL_REACH)
    return FillInRegion(left, max(0, top - reach), right - left, bottom - top + 2 * reach, first,
                        word_height=word_height)


def find_fill_in_regions(words: Sequence[BoxedWord]) -> tuple[FillInRegion, ...]:
    """The day blanks of date lines in the top of the page whose day was not read with confidence."""
    if not words:
        return ()
    page_bottom = max(w.top + w.height for w in words)
    found = []
    for line in _lines(words):
        if min(w.top for w in line) > page_bottom * HEADER_FRACTION:
            continue
        region = _day_region(line)
        if region is not None:
            found.append(region)
    return tuple(sorted(found, key=lambda r: r.top))


_SIGNED = re.compile(r"thoi\s*gian\s*ky\s*:?\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})")


def signing_dates(texts: Iterable[str], today: dt.date | None = None) -> list[dt.date]:
    """The dates of the digital-signature stamps printed on the pages (``Thời gian ký: 08.04.2026``).

    A date after ``today`` is a misreading of the stamp (``20/12/5003``) and is left out.
    """
    found = []
    for text in texts:
        for m in _SIGNED.finditer(fold(text).lower()):
            try:
                date = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
            if today is None or date <= today:
                found.append(date)
    return found


def _day(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,2}", text) and 1 <= int(text) <= 31 else None


#: A document is signed within this many days of its date (the number and date are given when it is
#: registered, on the day it is signed or shortly after); a signature much later is of a later copy, and a
#: day read that far from it is not taken.
SIGNED_WITHIN_DAYS = 31
#: A signature more than this many days after the printed month is of a later copy (an old paper
#: document signed when it was digitized): it bounds nothing.
LATER_COPY_DAYS = 366
#: A day is taken when this many of the readings (every crop by every reader) give it.
MIN_SUPPORT = 3


def agreed_day(readings: Sequence[Sequence[str]], month: int, year: int, signed: Sequence[dt.date],
               not_before: dt.date | None = None) -> dt.date | None:
    """The date whose day independent sources agree on, or None.

    ``readings`` holds each reader's readings of the blank's crops. A day is agreed when every reader
    reads it in some crop, at least :data:`MIN_SUPPORT` readings give it and no other day has as
    many; or when some reading gives the day of a signature time of the printed month and year. The
    date must be valid, within :data:`SIGNED_WITHIN_DAYS` before the latest signature time (when there
    is one of the document itself: not a later copy's, see :data:`LATER_COPY_DAYS`) and not earlier
    than ``not_before``.
    """
    per_reader = [[d for d in (_day(r) for r in crops) if d is not None] for crops in readings]
    days = [d for reader in per_reader for d in reader]
    support = {d: days.count(d) for d in set(days)}
    candidates = {d for d, n in support.items()
                  if n >= MIN_SUPPORT and all(d in reader for reader in per_reader)
                  and all(m < n for e, m in support.items() if e != d)}
    if len(readings) < 2:
        candidates = set()   # one reader cannot agree with itself
    candidates |= {s.day for s in signed if (s.year, s.month) == (year, month) and s.day in support}
    if len(candidates) != 1:
        return None
    try:
        date = dt.date(year, month, candidates.pop())
    except ValueError:
        return None
    near = [s for s in signed if s <= dt.date(year, month, 1) + dt.timedelta(days=LATER_COPY_DAYS)]
    if near and not max(near) - dt.timedelta(days=SIGNED_WITHIN_DAYS) <= date <= max(near):
        return None
    if not_before is not None and date < not_before:
        return None
    return date


def signed_date(readings: Sequence[Sequence[str]], year: int, signed: Sequence[dt.date],
                not_before: dt.date | None = None) -> dt.date | None:
    """For a date line whose month is unreadable too: the signature's date, when a reading of the day
    gives its day and the printed year is its year (the only signature that fits), else None."""
    days = {d for crops in readings for d in (_day(r) for r in crops) if d is not None}
    fits = {s for s in signed if s.year == year and s.day in days}
    if len(fits) != 1:
        return None
    date = fits.pop()
    return None if not_before is not None and date < not_before else date
