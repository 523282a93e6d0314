"""The Vietnamese text normaliser shared by both search backends.

Elasticsearch here has no ``asciifolding`` and no custom analyzers, and SQLite FTS5's
``remove_diacritics`` does not fold ``đ``; so kho normalises text in Python and both backends index
the *tokens* produced here (joined by spaces, analysed only by whitespace splitting / ``unicode61``).
That makes matching identical in both backends.

Forms:

* :func:`nfc` — Unicode NFC, nothing else.
* :func:`canonical` — NFC, OCR look-alikes (``Ð``/``ð`` → ``Đ``/``đ``) repaired, tone placement
  unified (``hoà`` → ``hòa``); case and spacing preserved. Used for stored display values.
* :func:`normalize_exact` — :func:`canonical` lower-cased: the "exact" (accent-sensitive) form.
* :func:`fold` — :func:`normalize_exact` with every mark stripped and ``đ`` → ``d``.
* :func:`tokens` — the word tokens of a text (exact or folded), as the index stores them.

Tone placement: in the syllable-final clusters ``oa``, ``oe`` and ``uy`` (not after ``q``) the tone
mark is written either on the first vowel (``hòa``, ``khỏe``, ``thủy``, ``Ủy ban``: the spelling of the
Decree 30 templates) or on the second (``hoà``, ``khoẻ``, ``thuỷ``). kho keeps the first-vowel form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

__all__ = [
    "canonical",
    "collapse_spaces",
    "fold",
    "fold_tokens",
    "key",
    "nfc",
    "normalize_document_number",
    "normalize_exact",
    "token_spans",
    "tokens",
    "unify_tone_placement",
]

# The five tone marks (grave, acute, hook above, tilde, dot below).
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _toned(base: str) -> str:
    return "".join(unicodedata.normalize("NFC", base + tone) for tone in _TONES)


def _move_tone_table(second_vowels: str, first: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(first vowel, toned second vowel) -> (toned first vowel, bare second vowel), both cases."""
    table: dict[tuple[str, str], tuple[str, str]] = {}
    for vowel in second_vowels:
        for tone in _TONES:
            for f, v in ((first, vowel), (first.upper(), vowel), (first, vowel.upper()),
                         (first.upper(), vowel.upper())):
                toned_second = unicodedata.normalize("NFC", v + tone)
                table[(f, toned_second)] = (unicodedata.normalize("NFC", f + tone), v)
    return table


_MOVES = {**_move_tone_table("ae", "o"), **_move_tone_table("y", "u")}
# A toned a/e after o, or a toned y after u, at the end of a word; "uy" after q is "qu"+"y".
_TONE_RE = re.compile(
    "(?:([oO])([" + _toned("a") + _toned("A") + _toned("e") + _toned("E") + "])"
    "|(?<![qQ])([uU])([" + _toned("y") + _toned("Y") + "]))(?!\\w)"
)
_WORD_RE = re.compile(r"[^\W_]+")
_SPACES_RE = re.compile(r"\s+")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2212": "-", "\\": "/"})
_DOCNUM_PREFIX_RE = re.compile(r"^(?:s[oố]\s*[:.]?\s*)", re.IGNORECASE)
_LEADING_ZEROS_RE = re.compile(r"^0+(?=\d)")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (decomposed input never matches composed text otherwise)."""
    return unicodedata.normalize("NFC", text)


def _move(match: re.Match[str]) -> str:
    first = match.group(1) or match.group(3)
    second = match.group(2) or match.group(4)
    new_first, new_second = _MOVES[(first, second)]
    return new_first + new_second


def unify_tone_placement(text: str) -> str:
    """Move the tone of word-final ``oa``/``oe``/``uy`` to the first vowel (``hoà`` → ``hòa``).

    ``text`` must already be NFC. Case is preserved (``HOÀ`` → ``HÒA``); ``quý``/``quỳ`` are untouched.
    """
    return _TONE_RE.sub(_move, text)


def canonical(text: str) -> str:
    """NFC, ``Ð``/``ð`` (OCR look-alikes) → ``Đ``/``đ``, tone placement unified; case kept."""
    text = nfc(text)
    if "\u00d0" in text or "\u00f0" in text:
        text = text.replace("\u00d0", "Đ").replace("\u00f0", "đ")
    return unify_tone_placement(text)


def normalize_exact(text: str) -> str:
    """The accent-sensitive comparison form: :func:`canonical`, lower-cased."""
    return nfc(canonical(text).lower())


def _strip_marks(exact: str) -> str:
    decomposed = unicodedata.normalize("NFD", exact)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return nfc(stripped.replace("đ", "d"))


class _TokenCache(dict[str, str]):
    """token -> normalised token, computed on first use; cleared when it grows past ``limit``.

    ``list(map(cache.__getitem__, words))`` runs the lookups in C; only misses call Python.
    """

    def __init__(self, compute: Callable[[str], str], limit: int = 500_000):
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, token: str) -> str:
        if len(self) >= self._limit:
            self.clear()
        value = self._compute(token)
        self[token] = value
        return value


_EXACT = _TokenCache(lambda word: normalize_exact(word))
_FOLDED = _TokenCache(lambda token: _strip_marks(token))


def _exact_token(word: str) -> str:
    return _EXACT[word]


def fold(text: str) -> str:
    """The accent-insensitive form: lower-case, every mark stripped, ``đ`` → ``d`` (explicitly).

    ``fold("Đà Nẵng") == "da nang"``; ``fold("HOÀ") == fold("hòa") == "hoa"``.
    """
    return _strip_marks(normalize_exact(text))


def token_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, exact token)`` of every word in ``text`` (letters and digits; offsets into ``text``).

    ``text`` should be NFC (offsets refer to it as given).
    """
    for match in _WORD_RE.finditer(text):
        yield match.start(), match.end(), _exact_token(match.group())


# ASCII bytes that are not letters or digits become spaces; UTF-8 bytes >= 0x80 are kept.
_ASCII_SEPARATORS = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))


def _words(text: str) -> list[str]:
    """The runs of letters and digits of ``text`` (what ``[^\\W_]+`` finds), fast for usual text.

    ASCII punctuation is blanked at byte level and the rest split on whitespace; a part that still
    holds a non-alphanumeric character (non-ASCII punctuation) is split by the regular expression.
    """
    parts = text.encode("utf-8", "surrogatepass").translate(_ASCII_SEPARATORS).decode(
        "utf-8", "surrogatepass").split()
    if all(map(str.isalnum, parts)):
        return parts
    words: list[str] = []
    for part in parts:
        if part.isalnum():
            words.append(part)
        else:
            words.extend(_WORD_RE.findall(part))
    return words


def tokens(text: str, *, folded: bool = False) -> list[str]:
    """The word tokens of ``text`` as the index stores them: exact form, or folded with ``folded``.

    Words are runs of letters and digits; everything else separates (``07/QĐ-UBND`` → ``07 qđ ubnd``).
    """
    exact = list(map(_EXACT.__getitem__, _words(nfc(text))))
    return list(map(_FOLDED.__getitem__, exact)) if folded else exact


def fold_tokens(exact_tokens: list[str]) -> list[str]:
    """The folded form of tokens already produced by :func:`tokens` (cached per token)."""
    return list(map(_FOLDED.__getitem__, exact_tokens))


def key(text: str) -> str:
    """A folded comparison key for short values (filters): folded tokens joined by single spaces."""
    return " ".join(tokens(text, folded=True))


def collapse_spaces(text: str) -> str:
    """:func:`canonical` with runs of whitespace collapsed to one space and the ends trimmed."""
    return _SPACES_RE.sub(" ", canonical(text)).strip()


def normalize_document_number(text: str) -> str:
    """A comparison key for a document number (``Số: 07/QĐ-UBND`` → ``7/QD-UBND``).

    Drops a leading ``Số:``, spaces and the leading zeros of the first number; folds accents
    (``Đ`` → ``D``); upper-cases; unifies dashes and slashes.
    """
    text = _DOCNUM_PREFIX_RE.sub("", collapse_spaces(text))
    text = fold(text.translate(_DASHES)).upper()
    text = "".join(text.split())
    return _LEADING_ZEROS_RE.sub("", text)
