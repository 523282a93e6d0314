"""Personal ID (CCCD / số định danh cá nhân), CMND and organisation tax code validation.

Pure string functions. A personal ID is 12 digits ``PPP G YY NNNNNN``: a province code from
``ocr/data/province_codes.csv``, a century/sex digit, the last two digits of the birth year and six
further digits. There is no check digit, so validation is structural. Repairs of OCR damage are
applied only when exactly one candidate validates: a wrong ID links a document to the wrong person.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from importlib import resources

from kho.errors import UsageError

__all__ = [
    "PROVINCE_CODES",
    "birth_year",
    "citizen_id_lookup_forms",
    "is_valid_citizen_id",
    "is_valid_tax_code",
    "normalize_digits",
    "repair_citizen_id",
]


def _load_province_codes() -> frozenset[str]:
    text = resources.files("ocr.data").joinpath("province_codes.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return frozenset(row["code"].strip() for row in rows if row.get("code", "").strip())


#: The 3-digit province codes that start a personal ID (63 provinces, pre-2025 table).
PROVINCE_CODES: frozenset[str] = _load_province_codes()

#: Century/sex digit -> first year of the century it stands for.
_CENTURY_START = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100}

# OCR letter/digit confusions inside a digit run.
_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_SEPARATORS = re.compile(r"[\s.\-_,·]+")
_TAX_RE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalize_digits(raw: str) -> str:
    """Strip separators (spaces, dots, dashes) and map OCR look-alikes (O→0, l/I→1 …) to digits."""
    return _SEPARATORS.sub("", raw).translate(_CONFUSIONS)


def birth_year(citizen_id: str) -> int | None:
    """The birth year encoded by a 12-digit personal ID, or None when the century digit is not 0–5."""
    if len(citizen_id) != 12 or not citizen_id.isdigit():
        return None
    start = _CENTURY_START.get(citizen_id[3])
    return None if start is None else start + int(citizen_id[4:6])


def is_valid_citizen_id(value: str, *, current_year: int | None = None) -> bool:
    """True when ``value`` is exactly 12 digits with a known province code and a plausible birth year.

    The century/sex digit must be 0–5 and the encoded birth year no later than ``current_year``
    (default: this year). No separators or letters are accepted here; see :func:`repair_citizen_id`.
    """
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    if value[:3] not in PROVINCE_CODES:
        return False
    year = birth_year(value)
    if year is None:
        return False
    limit = current_year if current_year is not None else datetime.date.today().year
    return year <= limit


def _candidates(digits: str) -> set[str]:
    """Every 12-digit reading of a damaged digit run under the allowed single repairs."""
    found: set[str] = set()
    if len(digits) == 12:
        found.add(digits)
    elif len(digits) == 11:
        found.add("0" + digits)
    elif len(digits) == 13:
        found.update(digits[:i] + digits[i + 1:] for i in range(12) if digits[i] == digits[i + 1])
    return found


def repair_citizen_id(
    value: str, *, expected_birth_year: int | None = None, current_year: int | None = None
) -> str | None:
    """The one valid 12-digit personal ID that ``value`` is a damaged form of, or None.

    Accepted damage: split digit groups (``049 085 001 234``), letters read for digits (O/0,
    l/I/1), an 11-digit value that lost its leading zero, one doubled digit (13 digits). The repair
    is returned only when exactly one candidate validates; a valid 12-digit value is returned as is.
    With ``expected_birth_year`` (a birth date printed next to the ID) a candidate must also encode
    that year.
    """
    digits = normalize_digits(value.strip())
    if not digits.isascii() or not digits.isdigit():
        return None
    valid = {c for c in _candidates(digits) if is_valid_citizen_id(c, current_year=current_year)}
    if expected_birth_year is not None:
        valid = {c for c in valid if birth_year(c) == expected_birth_year}
    return valid.pop() if len(valid) == 1 else None


def citizen_id_lookup_forms(raw: str) -> tuple[str, ...]:
    """The stored forms to search for when a user types a citizen ID.

    Spaces, dots and dashes are stripped. A 12-digit value (a personal ID, or a 12-digit CMND) and
    a 9-digit CMND are looked up as they are; an 11-digit value that lost its leading zero is looked
    up in its repaired 12-digit form. Anything else raises :class:`kho.errors.UsageError`.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.isascii() and digits.isdigit():
        if len(digits) in (9, 12):
            return (digits,)
        if len(digits) == 11:
            repaired = "0" + digits
            if is_valid_citizen_id(repaired):
                return (repaired,)
    raise UsageError("not a citizen ID (12 digits, or a 9-digit CMND)", subject="citizen ID")


def is_valid_tax_code(value: str) -> bool:
    """True for an organisation tax code: 10 digits with a valid check digit, or ``NNNNNNNNNN-NNN``.

    The check digit (10th) is ``10 - (sum of digits 1–9 weighted 31,29,23,19,17,13,7,5,3 mod 11)``;
    a result of 10 means no valid code has that prefix. A branch suffix must not be ``000``.
    """
    match = _TAX_RE.match(value.strip())
    if match is None:
        return False
    base, branch = match.group(1), match.group(2)
    if branch == "000":
        return False
    total = sum(int(d) * w for d, w in zip(base[:9], _TAX_WEIGHTS, strict=True))
    check = 10 - total % 11
    return check != 10 and check == int(base[9])
