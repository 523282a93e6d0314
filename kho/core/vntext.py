"""Vietnamese text rules, one copy for OCR, field extraction and search.

Each function's name says what it guarantees:

* :func:`to_nfc` — Unicode NFC and nothing else (decomposed input never matches composed text).
* :func:`fix_homoglyphs` — NFC, with the letters Tesseract's ``vie`` model emits for ``Đ``/``đ``
  (``Ð`` U+00D0, ``ð``, ``Ɖ``, ``ɖ``) mapped to them; the length is kept.
* :func:`unify_tone_placement` — word-final ``oa``/``oe``/``uy`` with the tone on the first vowel
  (``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``, ``Uỷ`` → ``Ủy``: the Decree 30 templates' spelling); ``quý``
  untouched; case kept. The two spellings stay different after NFC, so this is what makes them equal.
* :func:`canonical_spelling` — the three above: NFC, homoglyphs fixed, one tone placement; case kept.
* :func:`fold_accents_lower` — the accent-insensitive comparison form: canonical spelling, lower
  case, every mark stripped and ``đ`` → ``d`` explicitly (NFD does not decompose ``đ``).
* :func:`fold_accents_keep_length` — character by character, case kept, ``Đ`` → ``D``, ``ệ`` → ``e``:
  the result has the input's length, so a span found in it is a span of the input.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "HOMOGLYPHS",
    "canonical_spelling",
    "fix_homoglyphs",
    "fold_accents_keep_length",
    "fold_accents_lower",
    "strip_marks",
    "to_nfc",
    "unify_tone_placement",
]

#: Look-alike letters Tesseract emits for Vietnamese ones (one character for one character).
HOMOGLYPHS: dict[str, str] = {
    "\u00d0": "\u0110",  # Ð (Icelandic eth) -> Đ
    "\u00f0": "\u0111",  # ð -> đ
    "\u0189": "\u0110",  # Ɖ (African D) -> Đ
    "\u0256": "\u0111",  # ɖ -> đ
}
_HOMOGLYPH_TABLE = str.maketrans(HOMOGLYPHS)
_HOMOGLYPH_RE = re.compile("[" + "".join(HOMOGLYPHS) + "]")

# The five tone marks (grave, acute, hook above, tilde, dot below).
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def to_nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def fix_homoglyphs(text: str) -> str:
    """NFC ``text`` with ``Ð``/``ð``/``Ɖ``/``ɖ`` → ``Đ``/``đ`` (same length as the NFC text)."""
    text = to_nfc(text)
    return text.translate(_HOMOGLYPH_TABLE) if _HOMOGLYPH_RE.search(text) else text


def _toned(base: str) -> str:
    return "".join(to_nfc(base + tone) for tone in _TONES)


def _tone_moves() -> dict[str, str]:
    """Toned second vowel form -> toned first vowel form, e.g. ``"oà"`` -> ``"òa"``, in every case."""
    moves: dict[str, str] = {}
    for first, seconds in (("o", "ae"), ("u", "y")):
        for second in seconds:
            for tone in _TONES:
                for f, v in ((first, second), (first.upper(), second), (first, second.upper()),
                             (first.upper(), second.upper())):
                    moves[f + to_nfc(v + tone)] = to_nfc(f + tone) + v
    return moves


_TONE_MOVES = _tone_moves()
# A toned a/e after o, or a toned y after u (not "qu"+"y"), at the end of a word.
_TONE_RE = re.compile(
    "(?:[oO][" + _toned("a") + _toned("A") + _toned("e") + _toned("E") + "]"
    "|(?<![qQ])[uU][" + _toned("y") + _toned("Y") + "])(?!\\w)"
)


def unify_tone_placement(text: str) -> str:
    """NFC ``text`` with word-final ``oa``/``oe``/``uy`` toned on the first vowel (``hoà`` → ``hòa``)."""
    return _TONE_RE.sub(lambda m: _TONE_MOVES[m.group()], text)


def canonical_spelling(text: str) -> str:
    """NFC, homoglyphs fixed, one tone placement; case and spacing kept (stored display values)."""
    return unify_tone_placement(fix_homoglyphs(text))


def strip_marks(text: str) -> str:
    """``text`` with every combining mark removed and ``đ``/``Đ`` → ``d``/``D``, in NFC."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return to_nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold_accents_lower(text: str) -> str:
    """The accent-insensitive form: ``fold_accents_lower("Đà Nẵng") == "da nang"``, ``"HOÀ"`` → ``"hoa"``."""
    return strip_marks(to_nfc(canonical_spelling(text).lower()))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    if ch.isascii():
        return ch
    base = unicodedata.normalize("NFD", ch)[0]
    return base if len(base) == 1 and base.isascii() else ch


def fold_accents_keep_length(text: str) -> str:
    """Accent-fold ``text`` character by character (``Đ`` → ``D``, ``ệ`` → ``e``), case and length kept."""
    return "".join(_fold_char(ch) for ch in text)
