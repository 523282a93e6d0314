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
    """The digit-only readings of one blank on page ``page`` (``top``/``bottom``: its line's extent):
    Tesseract's, by each model in each crop, and the handwritten-digit classifier's."""

    page: int
    label: str
    top: int
    bottom: int
    first: str
    readings: tuple[tuple[str, ...], ...]   # per reader (model), its reading of each crop
    hand: str = ""   # the handwritten-digit classifier's reading (:mod:`ocr.handwriting`)
    hand_probability: float = 0.0   # the probability the classifier gives its least likely digit

    def hand_at(self, probability: float) -> str:
        """The classifier's reading when each of its digits has at least ``probability``, else ''."""
        return self.hand if self.hand and self.hand_probability >= probability else ""


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
    if _printed(between, inside, 2):
        return None   # a printed, confident day: nothing to read again
    left, right = _blank_edges(line, start, end, folded)
    return _blank(line, left, right, between, "day")


def _printed(between: list[str], inside: list[BoxedWord], digits: int) -> bool:
    """True when the blank's text is up to ``digits`` digits in words all read with confidence."""
    printed = re.fullmatch(rf"\d{{1,{digits}}}", "".join(between).strip())
    return bool(printed) and bool(inside) and all(w.confidence >= CONFIDENT_DAY for w in inside)


def _blank(line: list[BoxedWord], left: int, right: int, between: list[str], label: str) -> FillInRegion | None:
    """The region of the blank from ``left`` to ``right`` on ``line``, reaching above and below it."""
    if right - left < 4:
        return None
    top = min(w.top for w in line)
    bottom = max(w.top + w.height for w in line)
    word_height = sorted(w.height for w in line)[len(line) // 2]
    reach = round(word_height * VERTICAL_REACH)
    return FillInRegion(left, max(0, top - reach), right - left, bottom - top + 2 * reach,
                        re.sub(r"\D", "", "".join(between)), label=label, word_height=word_height)


#: A number line's label: ``Số:`` (also misread ``Sô:``, ``S6:``), possibly glued to what follows
#: (``Số:575``), never the start of a longer word (``Soạn``).
_NUMBER_LABEL = re.compile(r"^s[o6](?:$|[:;.,]|(?=\d))")
#: The symbol after the number's blank: ``/TTr-UBND``, ``/2024/QĐ-UBND``.
_SYMBOL = re.compile(r"/(?:\d{4}/)?[^\W\d_]")


def _number_region(line: list[BoxedWord]) -> FillInRegion | None:
    """The blank between ``Số:`` and the symbol (``/TTr-UBND``) of a number line, unless printed."""
    folded = [fold(w.text).lower() for w in line]
    start = next((i for i, f in enumerate(folded[:2]) if _NUMBER_LABEL.match(f)), None)
    if start is None:
        return None
    end = next((j for j in range(start, min(start + 4, len(line))) if _SYMBOL.search(folded[j])), None)
    if end is None:
        return None
    label_end = _NUMBER_LABEL.match(folded[start]).end()   # type: ignore[union-attr]
    slash = _SYMBOL.search(folded[end]).start()   # type: ignore[union-attr]
    if start == end:
        between = [folded[start][label_end:slash]]
    else:
        between = [folded[start][label_end:], *folded[start + 1:end], folded[end][:slash]]
    inside = [*([line[start]] if label_end < len(folded[start]) else []), *line[start + 1:end],
              *([line[end]] if slash > 0 else [])]
    if _printed(between, inside, 5):
        return None   # a printed, confident number: nothing to read again
    left = _cut(line[start], label_end) if label_end < len(folded[start]) else line[start].left + line[start].width
    letter = _letter_width(line)
    if letter is not None and label_end < len(folded[start]):
        left = min(left, line[start].left + round(label_end * letter * WORD_SLACK))
    return _blank(line, left, _cut(line[end], slash), between, "number")


def find_fill_in_regions(words: Sequence[BoxedWord]) -> tuple[FillInRegion, ...]:
    """The number and day blanks of the header's number and date lines whose digits were not read with
    confidence (handwritten fill-ins)."""
    if not words:
        return ()
    page_bottom = max(w.top + w.height for w in words)
    found = []
    for line in _lines(words):
        if min(w.top for w in line) > page_bottom * HEADER_FRACTION:
            continue
        for region in (_day_region(line), _number_region(line)):
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


def _support(readings: Sequence[Sequence[str]], hand: str) -> dict[int, int]:
    """How many readings (every crop of every Tesseract reader, and the classifier's) give each day."""
    days = [d for crops in [*readings, (hand,)] for d in (_day(r) for r in crops) if d is not None]
    return {d: days.count(d) for d in set(days)}


def agreed_days(readings: Sequence[Sequence[str]], hand: str = "") -> set[int]:
    """The days that independent readers agree on (more than one means they disagree).

    ``readings`` holds each Tesseract reader's readings of the blank's crops, ``hand`` the
    handwritten-digit classifier's confident reading. A day is agreed when every Tesseract reader
    (two at least) reads it in some crop, at least :data:`MIN_SUPPORT` readings give it and no other
    day has as many; or when the classifier reads it and so does some Tesseract reading.
    """
    per_reader = [[d for d in (_day(r) for r in crops) if d is not None] for crops in readings]
    days = [d for reader in per_reader for d in reader]
    support = {d: days.count(d) for d in set(days)}
    agreed = {d for d, n in support.items()
              if len(readings) >= 2 and n >= MIN_SUPPORT and all(d in reader for reader in per_reader)
              and all(m < n for e, m in support.items() if e != d)}
    by_hand = _day(hand)
    if by_hand is not None and by_hand in support:
        agreed.add(by_hand)
    return agreed


def _own_signatures(signed: Sequence[dt.date], year: int, month: int = 1) -> list[dt.date]:
    """The signature times of the document itself: not those of a later copy (:data:`LATER_COPY_DAYS`)."""
    return [s for s in signed if s <= dt.date(year, month, 1) + dt.timedelta(days=LATER_COPY_DAYS)]


def _within_limits(date: dt.date, own: Sequence[dt.date], not_before: dt.date | None) -> bool:
    """True when ``date`` is at most :data:`SIGNED_WITHIN_DAYS` before the latest signature and not after
    it, and not before ``not_before``."""
    if own and not max(own) - dt.timedelta(days=SIGNED_WITHIN_DAYS) <= date <= max(own):
        return False
    return not_before is None or date >= not_before


def agreed_day(readings: Sequence[Sequence[str]], month: int, year: int, signed: Sequence[dt.date],
               not_before: dt.date | None = None, hand: str = "") -> dt.date | None:
    """The date whose day independent sources agree on (:func:`agreed_days`), or None.

    A reading that gives the day of a signature time of the printed month and year agrees with the
    signature. Sources that agree on different days agree on none. The date must be valid and
    :func:`_within_limits` of the document's own signatures and ``not_before``.
    """
    support = _support(readings, hand)
    candidates = agreed_days(readings, hand)
    candidates |= {s.day for s in signed if (s.year, s.month) == (year, month) and s.day in support}
    if len(candidates) != 1:
        return None
    try:
        date = dt.date(year, month, candidates.pop())
    except ValueError:
        return None
    return date if _within_limits(date, _own_signatures(signed, year, month), not_before) else None


def signed_date(readings: Sequence[Sequence[str]], year: int, signed: Sequence[dt.date],
                not_before: dt.date | None = None, hand: str = "") -> dt.date | None:
    """For a date line whose month is unreadable too, the date the signature fixes, or None.

    The document's signatures (in the printed year) fix the month: the date is a signature's own when
    a reading gives its day, or a day readers agree on (:func:`agreed_days`) in the latest signature's
    month or the month before, within the limits (:func:`_within_limits`). Only one date may fit.
    """
    own = [s for s in _own_signatures(signed, year) if s.year == year]
    if not own:
        return None
    latest = max(own)
    support = _support(readings, hand)
    fits = {s for s in own if s.day in support}
    for day in agreed_days(readings, hand):
        for month_start in (latest.replace(day=1), (latest.replace(day=1) - dt.timedelta(days=1)).replace(day=1)):
            try:
                date = month_start.replace(day=day)
            except ValueError:
                continue
            if date.year == year and _within_limits(date, own, not_before):
                fits.add(date)
    if len(fits) != 1:
        return None
    date = fits.pop()
    return None if not_before is not None and date < not_before else date


#: The classifier's reading alone is taken (a number) when every digit has at least this probability.
HAND_ALONE = 0.8
#: A reading of the classifier's with every digit at least this likely is taken when a Tesseract
#: reading (or, for a day, a signature time) gives it too: two readers that err differently agree.
HAND_CONFIRMED = 0.35


def agreed_number(reading: FillInReading) -> str | None:
    """The handwritten number of a ``Số:`` blank, or None.

    The classifier's reading when every digit of it is sure (:data:`HAND_ALONE`), or when every digit
    is fairly likely (:data:`HAND_CONFIRMED`) and a Tesseract reading of some crop is the same number.
    Tesseract alone never gives it: both models agree on wrong digits too often (``01`` read ``04`` in
    every crop).
    """
    if reading.label != "number":
        return None
    sure = reading.hand_at(HAND_ALONE)
    if sure:
        return sure
    likely = reading.hand_at(HAND_CONFIRMED)
    return likely if likely and any(likely == r for crops in reading.readings for r in crops) else None


def handwritten_note(field: str, page: int) -> str:
    """The review reason of a field whose handwritten digits were read again and taken: a person should
    compare it with the page image (bilingual, as every reason; no value in it)."""
    return f"chữ số viết tay do máy đọc / handwritten digits read by machine: {field} (trang/page {page})"
