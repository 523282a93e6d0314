"""Citizen IDs: the 12-digit personal ID (số định danh cá nhân, CCCD) and the old CMND.

A personal ID is ``PPP G YY NNNNNN``: a province code (``province_codes.csv``, 63 codes, all starting
with ``0``), a century/sex digit (0/1 = male/female born 1900–1999, 2/3 = 2000–2099, 4/5 =
2100–2199), the last two digits of the birth year and six further digits. There is no check digit:
validation is structural. A CMND is 9 digits (a 12-digit CMND, issued from 2012, has the personal
ID's structure).

:func:`parse_citizen_id` is the one rule for a value someone typed or imported:

* spaces, dots, dashes and underscores between digits are dropped (``049 085 001 234``);
* 12 digits: with ``strict`` (the default: data entered into kho — manifests, forms) it must have the
  personal ID's structure; without (looking up what is stored, reading old records) any 12 digits
  are accepted as a legacy 12-digit CMND when the structure does not hold;
* 11 digits whose ``0`` + digits is a valid personal ID: the leading zero a spreadsheet dropped is
  restored (``repaired``);
* 9 digits: a CMND;
* anything else (letters, other lengths, full-width digits) raises :class:`InvalidCitizenId`, whose
  message says why and never repeats the value (citizen IDs are personal data).

OCR damage (``O`` read for ``0``, a doubled digit) is repaired only by :func:`repair_citizen_id`,
and only when exactly one candidate validates: a wrong ID links a document to the wrong person.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Literal

from kho.errors import UsageError

__all__ = [
    "CITIZEN_ID_LENGTHS",
    "PROVINCE_CODES",
    "CitizenId",
    "CitizenIdKind",
    "InvalidCitizenId",
    "birth_year",
    "citizen_id_lookup_forms",
    "is_personal_id",
    "looks_like_citizen_id",
    "normalize_ocr_digits",
    "parse_citizen_id",
    "repair_citizen_id",
    "strip_separators",
]

#: Lengths of the digit runs that can be a citizen ID as typed: CMND, personal ID that lost its
#: leading zero, personal ID (or 12-digit CMND). Log redaction hides every run of 9–12 digits.
CITIZEN_ID_LENGTHS: tuple[int, ...] = (9, 11, 12)
MIN_DIGITS = 9
MAX_DIGITS = 12


def _load_province_codes() -> dict[str, str]:
    text = resources.files("kho.core").joinpath("province_codes.csv").read_text(encoding="utf-8")
    return {row["code"].strip(): row["province"].strip() for row in csv.DictReader(io.StringIO(text))
            if row.get("code", "").strip()}


#: Province code -> province name (63 provinces, the pre-2025 table still used in every ID).
PROVINCE_NAMES: dict[str, str] = _load_province_codes()
#: The 3-digit province codes that start a personal ID.
PROVINCE_CODES: frozenset[str] = frozenset(PROVINCE_NAMES)

#: Century/sex digit -> first year of the century it stands for.
_CENTURY_START = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100}
_SEPARATORS = re.compile(r"[\s.\-_,·]+")
# OCR letter/digit confusions inside a digit run.
_OCR_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})


class CitizenIdKind(StrEnum):
    """What a citizen ID number is."""

    PERSONAL_ID = "personal_id"
    """12 digits with the personal ID's structure (CCCD, số định danh; also a 2012+ CMND)."""
    CMND = "cmnd"
    """An old identity card number: 9 digits, or 12 digits without the personal ID's structure."""


@dataclass(frozen=True)
class CitizenId:
    """A parsed citizen ID: the digits to store and search, and what they say."""

    digits: str
    kind: CitizenIdKind
    repaired: bool = False
    """The leading zero a spreadsheet dropped was restored."""

    @property
    def province_code(self) -> str | None:
        """``PPP`` of a personal ID (``"049"``), None for a CMND."""
        return self.digits[:3] if self.kind is CitizenIdKind.PERSONAL_ID else None

    @property
    def province(self) -> str | None:
        """The province that registered the birth (``"Quảng Nam"``), None for a CMND."""
        code = self.province_code
        return PROVINCE_NAMES.get(code) if code else None

    @property
    def birth_year(self) -> int | None:
        """The birth year a personal ID encodes, None for a CMND."""
        return birth_year(self.digits) if self.kind is CitizenIdKind.PERSONAL_ID else None

    @property
    def sex(self) -> Literal["male", "female"] | None:
        """The sex a personal ID encodes (even century digit male, odd female), None for a CMND."""
        if self.kind is not CitizenIdKind.PERSONAL_ID:
            return None
        return "female" if int(self.digits[3]) % 2 else "male"


class InvalidCitizenId(UsageError):
    """A value that is not a citizen ID; the message gives the reason, never the value."""


def _refused(reason: str) -> InvalidCitizenId:
    return InvalidCitizenId(f"not a citizen ID (12 digits, or a 9-digit CMND): {reason}", subject="citizen ID")


def strip_separators(raw: str) -> str:
    """``raw`` without surrounding space and without spaces, dots, dashes or underscores inside."""
    return _SEPARATORS.sub("", raw.strip())


def normalize_ocr_digits(raw: str) -> str:
    """:func:`strip_separators`, then OCR look-alikes mapped to digits (``O``→0, ``l``/``I``/``|``→1)."""
    return strip_separators(raw).translate(_OCR_CONFUSIONS)


def _ascii_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def birth_year(digits: str) -> int | None:
    """The birth year a 12-digit personal ID encodes, or None when it is not 12 digits with G in 0–5."""
    if len(digits) != 12 or not _ascii_digits(digits):
        return None
    start = _CENTURY_START.get(digits[3])
    return None if start is None else start + int(digits[4:6])


def _structure_problem(digits: str, current_year: int | None) -> str | None:
    """Why 12 ASCII digits are not a personal ID, or None when they are."""
    if digits[:3] not in PROVINCE_CODES:
        return "the first three digits are not a province code"
    year = birth_year(digits)
    if year is None:
        return "the fourth digit (century and sex) must be 0-5"
    if year > (current_year if current_year is not None else datetime.date.today().year):
        return "the birth year it encodes is in the future"
    return None


def is_personal_id(digits: str, *, current_year: int | None = None) -> bool:
    """True for exactly 12 ASCII digits with a province code, a century digit 0–5 and a past birth year.

    No separators are accepted here: this checks a stored or already-parsed value.
    """
    return len(digits) == 12 and _ascii_digits(digits) and _structure_problem(digits, current_year) is None


def parse_citizen_id(raw: str, *, strict: bool = True, current_year: int | None = None) -> CitizenId:
    """The citizen ID that ``raw`` stands for (rules in the module docstring), or :class:`InvalidCitizenId`.

    ``strict`` (data entered into kho) requires a 12-digit value to be a valid personal ID; without
    it a 12-digit value that is not one is taken as a legacy CMND (lookups, records written before).
    """
    digits = strip_separators(raw)
    if not digits:
        raise _refused("empty")
    if not _ascii_digits(digits):
        raise _refused("only digits 0-9, with spaces, dots or dashes between them")
    if len(digits) == 12:
        problem = _structure_problem(digits, current_year)
        if problem is None:
            return CitizenId(digits, CitizenIdKind.PERSONAL_ID)
        if strict:
            raise _refused(f"12 digits but {problem}")
        return CitizenId(digits, CitizenIdKind.CMND)
    if len(digits) == 11:
        if _structure_problem("0" + digits, current_year) is None:
            return CitizenId("0" + digits, CitizenIdKind.PERSONAL_ID, repaired=True)
        raise _refused("11 digits that are not a personal ID missing its leading 0")
    if len(digits) == 9:
        return CitizenId(digits, CitizenIdKind.CMND)
    raise _refused(f"{len(digits)} digits")


def citizen_id_lookup_forms(raw: str) -> tuple[str, ...]:
    """The stored forms to search for when a user types a citizen ID (lenient :func:`parse_citizen_id`)."""
    return (parse_citizen_id(raw, strict=False).digits,)


def _ocr_candidates(digits: str) -> set[str]:
    """Every 12-digit reading of a damaged digit run under the allowed single repairs."""
    if len(digits) == 12:
        return {digits}
    if len(digits) == 11:
        return {"0" + digits}
    if len(digits) == 13:
        return {digits[:i] + digits[i + 1:] for i in range(12) if digits[i] == digits[i + 1]}
    return set()


def repair_citizen_id(
    value: str, *, expected_birth_year: int | None = None, current_year: int | None = None
) -> str | None:
    """The one valid 12-digit personal ID that an OCR reading ``value`` is a damaged form of, or None.

    Accepted damage: split digit groups (``049 085 001 234``), letters read for digits (O/0,
    l/I/1), an 11-digit value that lost its leading zero, one doubled digit (13 digits). The repair
    is returned only when exactly one candidate validates; a valid 12-digit value is returned as is.
    With ``expected_birth_year`` (a birth date printed next to the ID) a candidate must also encode
    that year.
    """
    digits = normalize_ocr_digits(value)
    if not _ascii_digits(digits):
        return None
    valid = {c for c in _ocr_candidates(digits) if is_personal_id(c, current_year=current_year)}
    if expected_birth_year is not None:
        valid = {c for c in valid if birth_year(c) == expected_birth_year}
    return valid.pop() if len(valid) == 1 else None


_ID_LIKE = re.compile(rf"\d(?:[ .\-]?\d){{{MIN_DIGITS - 1},{MAX_DIGITS - 1}}}")


def looks_like_citizen_id(text: str) -> bool:
    """True when ``text`` (trimmed) is only 9–12 digits, with single spaces, dots or dashes between them.

    A search box holding such a value is a citizen-ID lookup, not words.
    """
    return _ID_LIKE.fullmatch(text.strip()) is not None
