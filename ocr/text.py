"""Text clean-up for recognised and extracted text: NFC, homoglyph fixes, Vietnamese checks.

Pure functions only. Tesseract's ``vie`` model sometimes emits letters from other alphabets that
look like Vietnamese ones (``Ð`` U+00D0 for ``Đ`` U+0110); they are mapped back by
:func:`kho.core.vntext.fix_homoglyphs` (the one table, shared with search and field extraction).
"""

from __future__ import annotations

import re
import unicodedata

from kho.core import vntext

# Look-alike characters Tesseract emits for Vietnamese letters, and the ligatures it emits.
HOMOGLYPHS: dict[str, str] = {**vntext.HOMOGLYPHS, "\ufb01": "fi", "\ufb02": "fl"}
_LIGATURE_TABLE = str.maketrans({"\ufb01": "fi", "\ufb02": "fl"})

# Real Vietnamese prose has ~28% of its letters outside ASCII; junk scanner layers a few percent.
VIETNAMESE_MIN_NON_ASCII = 0.12
VIETNAMESE_MIN_LETTERS = 40

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC-normalise ``text``, fix homoglyphs, strip trailing spaces and form feeds of each line."""
    fixed = vntext.to_nfc(vntext.fix_homoglyphs(text).translate(_LIGATURE_TABLE))
    lines = [line.rstrip() for line in fixed.replace("\f", "\n").replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def fold_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs inside lines to one space (for ``pdftotext -layout`` output)."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def non_ascii_letter_share(text: str) -> tuple[float, int]:
    """The share of letters outside ASCII, and the number of letters, in ``text`` (NFC)."""
    letters = [c for c in unicodedata.normalize("NFC", text) if c.isalpha()]
    if not letters:
        return 0.0, 0
    return sum(1 for c in letters if ord(c) > 127) / len(letters), len(letters)


def reads_as_vietnamese(text: str) -> bool:
    """True when ``text`` has enough letters and enough accented ones to be real Vietnamese.

    Used to decide whether a PDF's own text layer can be trusted: scanner OCR layers for
    Vietnamese lose the accents (``CONG HOA XA HOI``) and fail this test.
    """
    share, count = non_ascii_letter_share(text)
    return count >= VIETNAMESE_MIN_LETTERS and share >= VIETNAMESE_MIN_NON_ASCII
