"""Text normalisation for field extraction: NFC, OCR look-alikes, accent folding, Vietnamese casing.

NFC, the look-alike letters, tone placement and folding are the rules of :mod:`kho.core.vntext`
(one copy, shared with OCR and search); this module adds the extraction's punctuation and casing.

Every function here keeps character offsets meaningful: :func:`clean_page` and :func:`fold` return
strings of the same length as their input, so a span found in the folded text is a span of the page.
"""

from __future__ import annotations

from kho.core.vntext import fix_homoglyphs, fold_accents_keep_length, unify_tone_placement

__all__ = [
    "clean_page",
    "collapse_spaces",
    "fold",
    "is_upper_text",
    "line_bounds",
    "title_case_vi",
    "unify_tone_placement",
]

# Odd spaces, dashes, quotes and Cyrillic capitals (same length replacements); the Đ look-alikes
# are kho.core.vntext's.
_LOOKALIKES = str.maketrans({"\u00a0": " ", "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\t": " ",
                             "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
                             # Cyrillic capitals drawn like Latin ones (broken PDF font maps)
                             "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
                             "Р": "P", "Т": "T", "Х": "X"})

# Lower-case words inside a Vietnamese proper name written in capitals.
_LOWER_WORDS = frozenset({"và"})


def clean_page(text: str) -> str:
    """The page text in NFC with OCR look-alike letters (``Ð`` → ``Đ``) and odd dashes/spaces mapped.

    Spans reported by the extractors index this string; it equals the pipeline's NFC text except
    for same-length character substitutions.
    """
    return fix_homoglyphs(text).translate(_LOOKALIKES)


def fold(text: str) -> str:
    """Accent-fold ``text`` character by character (``Đ``→``D``, ``ệ``→``e``), keeping its length."""
    return fold_accents_keep_length(text)


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def is_upper_text(text: str, *, min_ratio: float = 0.85) -> bool:
    """True when at least ``min_ratio`` of the letters in ``text`` are capitals (a title, a header)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) >= min_ratio


def title_case_vi(text: str) -> str:
    """``BẮC TRÀ MY`` → ``Bắc Trà My``: capitalise each word of a name printed in capitals."""
    words = collapse_spaces(text).split(" ")
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        out.append(lower if (i and lower in _LOWER_WORDS) else lower[:1].upper() + lower[1:])
    return " ".join(out)


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end offsets of the line of ``text`` that contains offset ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)
