"""Find personal IDs, CMND numbers and organisation tax codes in a page's text.

Precision comes first: a wrong ID links a document to the wrong person. A number is taken as an ID
when it sits right after an ID label (``Số CCCD:``, ``CMND số``, ``Số định danh cá nhân:``,
``Mã số thuế:`` …) and validates, possibly after a repair that has exactly one valid reading, or,
without a label, when it is a clean 12-digit run that validates (lower confidence, sent to review).
A labelled number that does not validate is reported as a review note, never as a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ocr.fields.ids import birth_year, is_valid_tax_code, normalize_digits, repair_citizen_id
from ocr.fields.model import Evidence, FieldValue
from ocr.fields.textnorm import fold

__all__ = ["IdScan", "label_kind", "scan_ids"]

# A run of digit-like characters, groups joined by one space, dot or dash (split groups, 0/O, 1/l/I).
_RUN = re.compile(r"(?<![\w/])[0-9OolI|]*[0-9][0-9OolI|]*(?:[ .\-][0-9OolI|]*[0-9][0-9OolI|]*)*(?![\w/])")
_GROUP = re.compile(r"[0-9OolI|]+")

# Labels, matched on the accent-folded lower-case text. Group name = the kind of number expected.
_LABELS = re.compile(
    r"(?P<tax>ma\s*so\s*thue|\bmst\b|ma\s*so\s*doanh\s*nghiep|ma\s*so\s*dn\b)"
    r"|(?P<cmnd>\bcmt?nd\b|chung\s*minh\s*(?:nhan\s*dan|thu))"
    r"|(?P<cccd>\bc\s?c\s?c\s?d\b|can\s*cuoc(?:\s*cong\s*dan)?|dinh\s*danh(?:\s*ca\s*nhan)?|so\s*the\s*can\s*cuoc)"
)
# What may stand between a label and its number: punctuation, "số", "là", a second label word.
_FILLER = re.compile(r"^[\s:.,;()/\-]*(?:(?:so|la|the)\b[\s:.,;()/\-]*)*$")
_LABEL_WINDOW = 48

# Birth dates near an ID: "sinh ngày 12/3/1985", "Ngày, tháng, năm sinh: 12/03/1985", "sinh năm 1985".
_BIRTH = re.compile(r"sinh\b[^0-9]{0,24}(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*|"
                    r"\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*)?((?:19|20)\d\d)\b")
_BIRTH_WINDOW = 260


@dataclass(frozen=True)
class IdScan:
    """IDs found on one page, plus review notes for labelled numbers that could not be read safely."""

    citizen_ids: tuple[FieldValue, ...]
    cmnd_ids: tuple[FieldValue, ...]
    tax_codes: tuple[FieldValue, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Run:
    start: int
    groups: tuple[tuple[int, int], ...]  # (start, end) of each digit group in the page


def _runs(text: str) -> Iterator[_Run]:
    for m in _RUN.finditer(text):
        groups = tuple((m.start() + g.start(), m.start() + g.end()) for g in _GROUP.finditer(m.group()))
        yield _Run(m.start(), groups)


def _label_before(folded: str, pos: int) -> str | None:
    """The kind of the nearest label ending just before ``pos`` (only filler between), or None."""
    window_start = max(0, pos - _LABEL_WINDOW)
    window = folded[window_start:pos]
    best: re.Match[str] | None = None
    for m in _LABELS.finditer(window):
        best = m
    if best is None or not _FILLER.match(window[best.end():]):
        return None
    return best.lastgroup


def label_kind(folded: str, pos: int) -> str | None:
    """The kind of ID label (``cccd``, ``cmnd`` or ``tax``) ending right before ``pos``, or None.

    ``folded`` is accent-folded lower-case text (``fold(text).lower()``); only filler (``số``,
    ``là``, punctuation) may stand between the label and ``pos``.
    """
    return _label_before(folded, pos)


def _birth_years_near(folded: str, start: int, end: int) -> set[int]:
    lo, hi = max(0, start - _BIRTH_WINDOW), min(len(folded), end + _BIRTH_WINDOW)
    return {int(m.group(1)) for m in _BIRTH.finditer(folded, lo, hi)}


def _digits_of(text: str, groups: tuple[tuple[int, int], ...]) -> str:
    return normalize_digits("".join(text[a:b] for a, b in groups))


def _citizen_reading(text: str, folded: str, run: _Run) -> tuple[str, int, float] | None:
    """The one valid ID read from the first groups of a labelled run: (id, end offset, confidence)."""
    found: dict[str, tuple[int, float]] = {}
    years = _birth_years_near(folded, run.start, run.groups[-1][1])
    for j in range(1, len(run.groups) + 1):
        groups = run.groups[:j]
        digits = _digits_of(text, groups)
        if len(digits) > 13:
            break
        if len(digits) < 11:
            continue
        repaired = _repair_with_years(digits, years)
        if repaired is None:
            continue
        raw = text[groups[0][0]:groups[-1][1]]
        clean = raw.isdigit() and len(raw) == 12
        confidence = 0.97 if clean else (0.95 if raw.replace(" ", "").replace(".", "") == repaired else 0.92)
        found.setdefault(repaired, (groups[-1][1], confidence))
    # the reading must use the whole run: a trailing group means the number is not what it seems
    if len(found) != 1 or next(iter(found.values()))[0] != run.groups[-1][1]:
        return None
    value, (end, confidence) = found.popitem()
    return value, end, confidence


def _repair_with_years(digits: str, years: set[int]) -> str | None:
    """Repair, then cross-check the birth year with birth dates printed nearby (when there are any)."""
    if not years:
        return repair_citizen_id(digits)
    readings = {r for y in years if (r := repair_citizen_id(digits, expected_birth_year=y)) is not None}
    return readings.pop() if len(readings) == 1 else None


def _plain_digits(text: str, run: _Run, lengths: tuple[int, ...]) -> tuple[str, int] | None:
    """All digits of ``run`` when their count is in ``lengths``: (digits, end offset)."""
    digits = _digits_of(text, run.groups)
    return (digits, run.groups[-1][1]) if len(digits) in lengths else None


def _tax_reading(text: str, run: _Run) -> tuple[str, int] | None:
    """A valid organisation tax code at the start of ``run``: (``NNNNNNNNNN`` or ``…-NNN``, end)."""
    a, b = run.groups[0]
    raw = normalize_digits(text[a:b])
    if len(raw) == 10 and len(run.groups) > 1 and text[b] == "-":
        c, d = run.groups[1]
        branch = normalize_digits(text[c:d])
        if len(branch) == 3 and is_valid_tax_code(f"{raw}-{branch}"):
            return f"{raw}-{branch}", d
    if len(raw) == 13 and is_valid_tax_code(raw):
        return f"{raw[:10]}-{raw[10:]}", b
    if len(raw) == 10 and is_valid_tax_code(raw):
        return raw, b
    return None


def scan_ids(text: str, page: int) -> IdScan:
    """Personal IDs, 9-digit CMND numbers and organisation tax codes on one (cleaned) page."""
    folded = fold(text).lower()
    citizen: list[FieldValue] = []
    cmnd: list[FieldValue] = []
    tax: list[FieldValue] = []
    notes: list[str] = []
    for run in _runs(text):
        kind = _label_before(folded, run.start)
        if kind is None:
            value = _unlabelled_citizen_id(text, run)
            if value is not None:
                citizen.append(FieldValue(value, 0.85, Evidence(page, run.start, run.start + 12)))
            elif (t := _tax_reading(text, run)) is not None and "-" in t[0]:
                tax.append(FieldValue(t[0], 0.85, Evidence(page, run.start, t[1])))
            continue
        if kind == "tax" and (t := _tax_reading(text, run)) is not None:
            tax.append(FieldValue(t[0], 0.97, Evidence(page, run.start, t[1])))
            continue
        reading = _citizen_reading(text, folded, run)
        if reading is not None:
            citizen.append(FieldValue(reading[0], reading[2], Evidence(page, run.start, reading[1])))
            continue
        if kind == "cmnd" and (p := _plain_digits(text, run, (9,))) is not None:
            cmnd.append(FieldValue(p[0], 0.93, Evidence(page, run.start, p[1])))
            continue
        if len(_digits_of(text, run.groups)) >= 8:
            notes.append(f"số giấy tờ không đọc chắc chắn / unreadable ID number after a label "
                         f"(trang/page {page}, ký tự/char {run.start})")
    return IdScan(tuple(citizen), tuple(cmnd), tuple(tax), tuple(notes))


def _unlabelled_citizen_id(text: str, run: _Run) -> str | None:
    """A clean, contiguous 12-digit run that validates, else None (no repairs without a label)."""
    if len(run.groups) != 1:
        return None
    a, b = run.groups[0]
    raw = text[a:b]
    if len(raw) == 12 and raw.isdigit() and repair_citizen_id(raw) == raw and birth_year(raw) is not None:
        return raw
    return None
