"""Organisation tax code (mã số thuế, also the enterprise code): 10 digits with a check digit, or
``NNNNNNNNNN-NNN`` for a branch."""

from __future__ import annotations

import re

__all__ = ["is_valid_tax_code"]

_TAX_RE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


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
