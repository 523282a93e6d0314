"""Header fields of a Decree-30 document: number, date and place, issuing agency.

Tesseract reads the two header columns row by row, so the agency and the national title, and the
number and the date line, come out on one line. No pattern here expects a field to end its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ocr.fields.doctype import DOCUMENT_TYPES
from ocr.fields.model import Evidence, FieldValue
from ocr.fields.textnorm import collapse_spaces, fold, is_upper_text, title_case_vi

__all__ = ["DateLine", "find_date_line", "find_document_number", "find_issuer"]

# ---------------------------------------------------------------- document number
_SYMBOL_PART = r"[A-ZĐ][A-Za-zĐđ]*\d*"
_NUMBER = re.compile(
    r"(?P<label>\b(?:Số|Sô|Sỗ|Sổ|Sồ|Só|Sớ|S6|S0|So|SỐ|SÔ)\b\s*[:;.]?)\s*"
    r"(?P<num>[0-9Oo]{1,7}[a-z]?)(?P<slash>\s*/\s*|(?=[A-ZĐ]))(?:(?P<year>[0-9Oo]{4})\s*/\s*)?"
    rf"(?P<sym>{_SYMBOL_PART}(?:\s?-\s?{_SYMBOL_PART})*)"
)
_CITED = re.compile(r"(?:định|dinh|Quyết định|Nghị định|Thông tư|Luật|công văn|Công văn)\s*$")
# Symbol heads that identify a number even when OCR lost its slash or stuttered a letter (QĐĐ).
_KNOWN_HEADS = frozenset({d.abbreviation for d in DOCUMENT_TYPES if d.abbreviation}
                         | {"GCN", "GPXD", "GP", "UBND", "TB", "XNTTHN", "TLKS"})
_REPEATS = re.compile(r"(.)\1+")


def _digits(raw: str) -> str:
    return raw.replace("O", "0").replace("o", "0")


def _symbol(raw: str, slash: bool) -> tuple[str, float] | None:
    """The normalised symbol and a confidence penalty, or None when it cannot be trusted."""
    parts = re.sub(r"\s+", "", raw).split("-")
    head = parts[0]
    penalty = 0.0
    if head not in _KNOWN_HEADS and _REPEATS.sub(r"\1", head) in _KNOWN_HEADS:
        head, penalty = _REPEATS.sub(r"\1", head), 0.08  # "QĐĐ" read for "QĐ"
    if not slash:
        if head not in _KNOWN_HEADS:
            return None
        penalty += 0.08
    return "-".join([head, *parts[1:]]), penalty


def find_document_number(text: str, page: int) -> FieldValue | None:
    """The document's own number (``Số: 07/QĐ-UBND``, ``Số: 15/2021/QĐ-UBND``), not one it cites.

    The first ``Số`` + number on the page that is not preceded by a document kind (``Quyết định
    số …`` in the legal bases cites another document). A clean ``Số:`` label scores higher than an
    OCR-damaged one (``S6:``, ``Sô``). A lost slash (``06GPXD``) or a stuttered letter (``QĐĐ``)
    is repaired only for a known symbol head (Decree-30 abbreviations), with lower confidence.
    """
    for m in _NUMBER.finditer(text):
        if _CITED.search(text[max(0, m.start() - 30):m.start()]):
            continue
        symbol = _symbol(m.group("sym"), "/" in m.group("slash"))
        if symbol is None:
            continue
        number = _digits(m.group("num"))
        year = _digits(m.group("year")) if m.group("year") else None
        value = f"{number}/{year}/{symbol[0]}" if year else f"{number}/{symbol[0]}"
        label = m.group("label")
        confidence = (0.96 if label.startswith("Số") and label.rstrip().endswith(":") else 0.85) - symbol[1]
        if m.group("num") != number or (year and year != m.group("year")):
            confidence -= 0.05
        return FieldValue(value, confidence, Evidence(page, m.start("num"), m.end("sym")))
    return None


# ---------------------------------------------------------------- date line and place
_D = r"[0-9oil|]"
_DATE = re.compile(
    rf"ng[a-z]?y\s*(?P<d>{_D}\s?{_D}?)\s*(?:-|,)?\s*th[a-z]?ng\s*(?P<m>{_D}\s?{_D}?)\s*(?:-|,)?\s*"
    rf"n[a-z]?m\s*(?P<y>{_D}\s?{_D}\s?{_D}\s?{_D})"
)
_PLACE_DATE = re.compile(r"[A-ZĐ][^\W\d_]*\s*,\s*ng[àaảạá]?y\b")
_DIGIT_MAP = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1", " ": None})
_EXCLUDED_BEFORE = re.compile(r"\b(sinh|cap|hieu luc|ky|tu|den)\W*$")


def _capitalised_word_before(text: str, comma: int) -> bool:
    """True when the word before the comma at ``comma`` starts with a capital (a place name)."""
    words = text[text.rfind("\n", 0, comma) + 1:comma].split()
    return bool(words) and words[-1][0].isupper()


@dataclass(frozen=True)
class DateLine:
    """The header's ``<place>, ngày … tháng … năm …``: the ISO date and the place (may be None)."""

    issued_on: FieldValue
    place: FieldValue | None


def _parse_date(m: re.Match[str]) -> tuple[dt.date | None, bool]:
    raw = (m.group("d"), m.group("m"), m.group("y"))
    clean = [r.translate(_DIGIT_MAP) for r in raw]
    repaired = any(r.replace(" ", "") != c for r, c in zip(raw, clean, strict=True))
    try:
        date = dt.date(int(clean[2]), int(clean[1]), int(clean[0]))
    except ValueError:
        return None, repaired
    if not 1945 <= date.year <= dt.date.today().year + 1:
        return None, repaired
    return date, repaired


def _place_before(text: str, comma: int, page: int) -> FieldValue | None:
    """The run of capitalised words just before the date line's comma (``Bắc Trà My``)."""
    line_start = text.rfind("\n", 0, comma) + 1
    words = list(re.finditer(r"\S+", text[line_start:comma]))
    taken: list[re.Match[str]] = []
    for w in reversed(words):
        token = w.group()
        if not (token[0].isupper() and token.isalpha()) or (len(token) > 1 and token.isupper()):
            break
        taken.append(w)
        if len(taken) == 5:
            break
    if not taken:
        return None
    start, end = line_start + taken[-1].start(), line_start + taken[0].end()
    return FieldValue(collapse_spaces(text[start:end]), 0.9, Evidence(page, start, end))


def find_date_line(text: str, page: int) -> DateLine | None:
    """The issue date (ISO) and place, from the first ``<place>, ngày … tháng … năm …`` line.

    Tolerates OCR digit confusions (``O9`` → ``09``, ``l`` → ``1``) and split digits. Without a
    place-and-comma line, falls back to the first date that is not a birth/issue date of a person
    or a legal basis, with lower confidence.
    """
    folded = fold(text).lower()
    fallback: DateLine | None = None
    for m in _DATE.finditer(folded):
        date, repaired = _parse_date(m)
        if date is None:
            continue
        line_start = folded.rfind("\n", 0, m.start()) + 1
        before = folded[line_start:m.start()]
        evidence = Evidence(page, m.start(), m.end())
        comma = line_start + before.rstrip().rfind(",")
        if re.search(r"[^\W\d_]\s*,\s*$", before) and _capitalised_word_before(text, comma):
            confidence = 0.95 - (0.07 if repaired else 0.0)
            place = _place_before(text, comma, page)
            return DateLine(FieldValue(date.isoformat(), confidence, evidence), place)
        if fallback is None and not _EXCLUDED_BEFORE.search(before) and "can cu" not in before:
            fallback = DateLine(FieldValue(date.isoformat(), 0.7, evidence), None)
    if _PLACE_DATE.search(text):
        return None  # the header's date line is there but unreadable: no guess from the body
    return fallback


# ---------------------------------------------------------------- issuer
_UNIT_KINDS = ("thành phố", "thị trấn", "thị xã", "huyện", "quận", "tỉnh", "phường", "xã")
_UNIT_RE = re.compile(
    r"\b(THANH PHO|THI TRAN|THI XA|HUYEN|QUAN|TINH|PHUONG|XA)\b\s+(?P<name>(?:[A-Z]+(?:\s+|$))+)"
)
_FOLDED_KIND = {fold(k).upper(): k for k in _UNIT_KINDS}
_UBND = re.compile(r"\b(?:U\s?Y|U)\s*BAN\s*NHAN\s*DAN\b|\bUBND\b")
_RIGHT_COLUMN = re.compile(r"\b(?:C[O0]NG\s*H[O0]A|D[O0]C\s*L[A4]P|XA\s*H[O0]I\s*CHU|S[O0]\s*:)")
_HEADER_LINES = 8


def _left_column(folded_upper: str) -> str:
    """The part of a header line before the national title / motto / number (the left column)."""
    m = _RIGHT_COLUMN.search(folded_upper)
    return folded_upper[: m.start()] if m else folded_upper


def find_issuer(text: str, page: int) -> FieldValue | None:
    """The issuing People's Committee from the header, normalised: ``UBND huyện Bắc Trà My``.

    Reads the left header column of the first lines: ``ỦY BAN NHÂN DÂN`` (or ``UBND``) followed,
    on the same or the next line, by the unit in capitals (``HUYỆN BẮC TRÀ MY``, ``XÃ TRÀ SƠN``).
    """
    lines = text.split("\n")
    offset = 0
    seen_ubnd = False
    for line in lines[: _HEADER_LINES + 4]:
        folded = fold(line).upper()
        left = _left_column(folded)
        if _UBND.search(left):
            seen_ubnd = True
        if seen_ubnd:
            unit = _UNIT_RE.search(left)
            if unit is not None and is_upper_text(line[unit.start(): unit.end()]):
                kind = _FOLDED_KIND[re.sub(r"\s+", " ", unit.group(1))]
                name_start = unit.start("name")
                name_end = name_start + len(unit.group("name").rstrip())
                name = title_case_vi(line[name_start:name_end])
                confidence = 0.93 if _UBND.search(left[: unit.start()]) or offset else 0.9
                evidence = Evidence(page, offset + unit.start(), offset + name_end)
                return FieldValue(f"UBND {kind} {name}", confidence, evidence) if name else None
        offset += len(line) + 1
    return None
