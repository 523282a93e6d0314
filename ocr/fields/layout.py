"""The page's geometry: positioned words grouped into segments, rows and the Decree-30 blocks.

A page read by Tesseract (TSV word boxes) or taken from a PDF's text layer (``pdftotext -bbox``)
comes here as words with boxes. This module groups them into *segments* (runs of words on one line
without a wide gap: the two header columns of one row become two segments) and finds the blocks of
the Decree 30/2020 layout from their position, never from the words they contain alone:

* the national title and motto (top right), which anchor the header;
* the issuer block (top left, one to three lines in capitals above the number line);
* the number line (``Số: …``, left column) and the place-and-date line (right column);
* the title (centred capitals under the header) and the ``V/v`` summary of a letter.

Everything here is pure: words in, dataclasses out. :mod:`ocr.fields.header_layout` reads the
fields from these blocks.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ocr.fields.textnorm import clean_page, fold, is_upper_text

__all__ = ["BoxedWord", "HeaderBlocks", "PageLayout", "Segment", "find_header_blocks", "page_layout"]


class BoxedWord(Protocol):
    """A recognised word with its box (Tesseract's TSV word, or a PDF text-layer word)."""

    @property
    def text(self) -> str: ...
    @property
    def left(self) -> int: ...
    @property
    def top(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def line(self) -> tuple[int, int, int]: ...
    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class Segment:
    """Words of one line with no wide gap between them, and their bounding box."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    word_height: int
    confidences: tuple[float, ...] = ()

    @property
    def center_x(self) -> float:
        """Horizontal centre of the segment."""
        return (self.left + self.right) / 2

    @property
    def center_y(self) -> float:
        """Vertical centre of the segment."""
        return (self.top + self.bottom) / 2

    @property
    def folded(self) -> str:
        """Accent-folded capitals with spaces collapsed (for matching)."""
        return " ".join(fold(self.text).upper().split())

    def is_capitals(self, min_ratio: float = 0.8) -> bool:
        """True when the segment is written in capitals (a header line, a title)."""
        return is_upper_text(self.text, min_ratio=min_ratio)


@dataclass(frozen=True)
class PageLayout:
    """The segments of one page in reading order, and the page's text extent."""

    segments: tuple[Segment, ...]
    left: int
    right: int
    top: int
    bottom: int
    line_height: float

    @property
    def center_x(self) -> float:
        """Horizontal centre of the text area."""
        return (self.left + self.right) / 2

    @property
    def width(self) -> int:
        """Width of the text area."""
        return max(1, self.right - self.left)


# A run of leader dots or underscores (``_.......``, ``……``) stands in a gap between two columns.
_LEADER = re.compile(r"^[._…\-–—·]{3,}$")
# A gap wider than this many word heights splits a line into two segments (two columns).
_COLUMN_GAP = 2.2


def _split_at_motto(run: list[BoxedWord]) -> list[list[BoxedWord]]:
    """A run that holds the issuer and the national title read as one line, cut where the title starts."""
    for i in range(1, len(run)):
        if _MOTTO_START.match(" ".join(fold(w.text).upper() for w in run[i:i + 4])):
            return [run[:i], run[i:]]
    return [run]


def _segment(run: Sequence[BoxedWord]) -> Segment:
    return Segment(
        text=clean_page(" ".join(w.text for w in run)),
        left=min(w.left for w in run),
        top=min(w.top for w in run),
        right=max(w.left + w.width for w in run),
        bottom=max(w.top + w.height for w in run),
        word_height=round(statistics.median(w.height for w in run)),
        confidences=tuple(float(w.confidence) for w in run),
    )


def _segments_of_line(words: Sequence[BoxedWord]) -> list[Segment]:
    ordered = sorted(words, key=lambda w: w.left)
    height = statistics.median(w.height for w in ordered)
    runs: list[list[BoxedWord]] = [[]]
    for w in ordered:
        if _LEADER.match(w.text):  # dots or underscores filling a gap: a gap
            runs.append([])
            continue
        last = runs[-1][-1] if runs[-1] else None
        if last is not None and w.left - (last.left + last.width) > _COLUMN_GAP * height:
            runs.append([w])
        else:
            runs[-1].append(w)
    return [_segment(part) for run in runs if run for part in _split_at_motto(run)]


def page_layout(words: Iterable[BoxedWord]) -> PageLayout | None:
    """Group ``words`` into segments (by the engine's line numbers, split at wide gaps); None without words."""
    lines: dict[tuple[int, int, int], list[BoxedWord]] = {}
    for w in words:
        if w.text.strip():
            lines.setdefault(w.line, []).append(w)
    if not lines:
        return None
    segments: list[Segment] = []
    for line_words in lines.values():
        segments.extend(_segments_of_line(line_words))
    segments.sort(key=lambda s: (s.top, s.left))
    wide = [s for s in segments if len(s.text.split()) >= 3] or segments
    heights = [s.word_height for s in segments]
    return PageLayout(
        segments=tuple(segments),
        left=min(s.left for s in wide),
        right=max(s.right for s in wide),
        top=min(s.top for s in segments),
        bottom=max(s.bottom for s in segments),
        line_height=float(statistics.median(heights)),
    )


# ------------------------------------------------------------------ header blocks
# The national title and motto (or a party document's "ĐẢNG CỘNG SẢN VIỆT NAM"), tolerant of OCR slips.
_MOTTO = re.compile(r"C[O0]NG\s*H[O0]A\b|X[A4]\s*H[O0]I\s*CH|CHU\s*NGHIA\s*V|D[O0]C\s*L[A4]P?\b|"
                    r"TU\s*D[O0]\b.{0,4}H[A4]NH|H[A4]NH\s*PHUC|DANG\s*C[O0]NG\s*SAN")
_MOTTO_START = re.compile(r"^(?:C[O0]NG\s*H[O0]A\s*X[A4]\s*H[O0]I|D[O0]C\s*L[A4]P\s*-|DANG\s*C[O0]NG\s*SAN)")
# "Số: 07/QĐ-UBND"; a law or an order names its kind first ("Luật số: 59/2020/QH14").
_NUMBER_LINE = re.compile(r"^(?:(?:BO\s+)?LUAT\s+|LENH\s+|PHAP\s+LENH\s+|NGHI\s+QUYET\s+)?(?:S[O0]|S6|SO\s*HIEU)\s*"
                          r"(?:[:;.,]|[0-9]|/)")
_DATE_LINE = re.compile(r"NG[A-Z]?Y.{0,14}TH[A-Z]?NG.{0,14}N[A-Z]?M\b")
_SUMMARY_LINE = re.compile(r"^(?:V\s?/\s?V|VE\s+VIEC|VE)\b")
_RULE = re.compile(r"^[\W_]*$")


@dataclass(frozen=True)
class HeaderBlocks:
    """The header blocks found on a page (any may be missing)."""

    issuer_lines: tuple[Segment, ...]
    number_line: Segment | None
    date_line: Segment | None
    title_groups: tuple[tuple[Segment, ...], ...]
    summary_line: Segment | None
    motto: tuple[Segment, ...]
    header_bottom: int


def _is_rule(segment: Segment) -> bool:
    """A line of dashes or underscores (the short rule under the issuer block or the motto)."""
    return bool(_RULE.match(segment.text.replace(" ", ""))) or set(segment.text.replace(" ", "")) <= set("-_—–.=~")


def _in_left_column(segment: Segment, layout: PageLayout) -> bool:
    left_of_centre = segment.center_x < layout.center_x - 0.04 * layout.width
    return left_of_centre and segment.right < layout.right - 0.2 * layout.width


def _in_right_column(segment: Segment, layout: PageLayout) -> bool:
    return segment.center_x > layout.center_x + 0.02 * layout.width


def _is_centred(segment: Segment, layout: PageLayout) -> bool:
    return abs(segment.center_x - layout.center_x) < 0.12 * layout.width


def _motto(zone: list[Segment], layout: PageLayout) -> tuple[Segment, ...]:
    """The national title and motto: the topmost matching lines right of the issuer, and those just under it.

    The words also occur in the legal bases (``… Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;``):
    only lines within three line heights of the first one belong to the header.
    """
    found = [s for s in zone if _MOTTO.search(s.folded) and not _in_left_column(s, layout)]
    if not found:
        return ()
    first = min(s.top for s in found)
    return tuple(s for s in found if s.top - first <= 3 * layout.line_height)


def _header_zone(layout: PageLayout) -> tuple[list[Segment], int]:
    """Segments of the top part of the page that can hold the header, and the motto's top (or page top)."""
    limit = layout.top + max(0.45 * (layout.bottom - layout.top), 14 * layout.line_height)
    zone = [s for s in layout.segments if s.top <= limit]
    motto = _motto(zone, layout)
    top = min((s.top for s in motto), default=layout.top)
    return zone, top


def _issuer_block(zone: list[Segment], layout: PageLayout, top: float, stop: float) -> tuple[Segment, ...]:
    """Capital lines of the left column from the header's top down to ``stop``, contiguous."""
    candidates = _reading_order([
        s for s in zone
        if _in_left_column(s, layout) and s.top >= top and s.bottom <= stop + 0.5 * layout.line_height
        and not _is_rule(s) and not _MOTTO.search(s.folded)
    ], layout.line_height)
    block: list[Segment] = []
    for s in candidates:
        letters = sum(ch.isalpha() for ch in s.text)
        if letters < 3 or s.word_height < 0.6 * layout.line_height:
            continue  # stray marks, a signature stamp's small print
        if not s.is_capitals(0.75) or ":" in s.text or _NUMBER_LINE.match(s.folded) \
                or _SUMMARY_LINE.match(s.folded):
            if block:
                break
            continue
        if block and s.top - max(b.bottom for b in block) > 2.2 * layout.line_height:
            break
        block.append(s)
        if len(block) == 8:  # a joint header of several ministries runs to six or seven lines
            break
    return tuple(block)


def _reading_order(segments: list[Segment], line_height: float) -> list[Segment]:
    """Segments row by row (tops within half a line), left to right within a row."""
    rows: list[list[Segment]] = []
    for s in sorted(segments, key=lambda s: s.top):
        if rows and s.top - rows[-1][0].top < 0.5 * line_height:
            rows[-1].append(s)
        else:
            rows.append([s])
    return [s for row in rows for s in sorted(row, key=lambda s: s.left)]


def _joined(first: Segment, second: Segment, separator: str) -> Segment:
    return Segment(first.text.rstrip() + separator + second.text.strip(), min(first.left, second.left), first.top,
                   max(first.right, second.right), max(first.bottom, second.bottom), first.word_height,
                   first.confidences + second.confidences)


def _number_continuation(number: Segment, zone: list[Segment], layout: PageLayout) -> Segment:
    """The whole number: the rest of its row when a gap split it (``Số: 565`` ``/TB-UBND``), and the
    next line when its symbol wraps (``…-BYT-`` / ``BCT-BTC``)."""
    if "/" not in number.text:
        same_row = [s for s in zone if abs(s.top - number.top) < 0.5 * layout.line_height and s.left >= number.right
                    and s.text.lstrip().startswith("/") and not _in_right_column(s, layout)]
        if same_row:
            number = _joined(number, min(same_row, key=lambda s: s.left), " ")
    if not number.text.rstrip().endswith("-"):
        return number
    below = [s for s in zone if 0 <= s.top - number.bottom < 1.5 * layout.line_height
             and s.left < number.right and s.right > number.left and s is not number]
    if not below:
        return number
    return _joined(number, min(below, key=lambda s: s.top), "")


def _summary_line(layout: PageLayout, number: Segment | None, bottom: int) -> Segment | None:
    """A letter's ``V/v …`` (or ``Về …``) summary: the left column, just under the number line."""
    below = number.bottom if number is not None else bottom
    for s in layout.segments:
        if s.top < below - 0.3 * layout.line_height or not _in_left_column(s, layout):
            continue
        if s.top - below > 3 * layout.line_height:
            return None
        if _SUMMARY_LINE.match(s.folded):
            return s
    return None


def find_header_blocks(layout: PageLayout) -> HeaderBlocks | None:
    """The Decree-30 header blocks of a page, or None when the page has no header (a later page)."""
    zone, top = _header_zone(layout)
    motto = _motto(zone, layout)
    number = next((s for s in zone if s.top >= top - layout.line_height and _NUMBER_LINE.match(s.folded)
                   and not _in_right_column(s, layout)), None)
    if number is not None:
        number = _number_continuation(number, zone, layout)
    rows_end = (number.bottom if number is not None else max((s.bottom for s in motto), default=top)) \
        + 3 * layout.line_height
    date = next((s for s in zone if top - layout.line_height <= s.top <= rows_end and _DATE_LINE.search(s.folded)
                 and s.left > layout.center_x - 0.12 * layout.width), None)
    if not motto and number is None and date is None:
        return None
    search_top = top - 0.8 * layout.line_height
    stop = number.top if number is not None else (date.top if date is not None else
                                                   max((s.bottom for s in motto), default=top) + layout.line_height)
    issuer = _issuer_block(zone, layout, search_top, stop)
    bottom = max([s.bottom for s in (*motto, *issuer, *(x for x in (number, date) if x is not None))],
                 default=layout.top)
    summary = _summary_line(layout, number, bottom)
    return HeaderBlocks(issuer, number, date, _title_groups(layout, bottom), summary, motto, bottom)


def _title_groups(layout: PageLayout, below: int) -> tuple[tuple[Segment, ...], ...]:
    """Runs of centred capital lines under the header, in order (the title is one of the first)."""
    groups: list[list[Segment]] = []
    window = below + 12 * layout.line_height
    for s in layout.segments:
        if s.top < below - 0.3 * layout.line_height or _is_rule(s) or len(s.text.strip()) < 2:
            continue
        if s.top > window:
            break
        if _is_centred(s, layout) and s.is_capitals(0.8) and not _MOTTO.search(s.folded):
            if groups and groups[-1] and s.top - groups[-1][-1].bottom <= 1.6 * layout.line_height:
                groups[-1].append(s)
            else:
                groups.append([s])
        elif groups and groups[-1]:
            groups.append([])
    return tuple(tuple(g) for g in groups if g)
