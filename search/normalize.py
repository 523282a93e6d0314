"""The Vietnamese text normaliser shared by both search backends.

Elasticsearch here has no ``asciifolding`` and no custom analyzers, and SQLite FTS5's
``remove_diacritics`` does not fold ``đ``; so kho normalises text in Python and both backends index
the *tokens* produced here (joined by spaces, analysed only by whitespace splitting / ``unicode61``).
That makes matching identical in both backends.

The rules themselves live in :mod:`kho.core.vntext` (shared with OCR and field extraction); this
module adds the index's tokens and keys. Forms:

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
from collections.abc import Callable, Iterator

from kho.core.vntext import canonical_spelling, fold_accents_lower, strip_marks, to_nfc, unify_tone_placement

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

_WORD_RE = re.compile(r"[^\W_]+")
_SPACES_RE = re.compile(r"\s+")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2212": "-", "\\": "/"})
_DOCNUM_PREFIX_RE = re.compile(r"^(?:s[oố]\s*[:.]?\s*)", re.IGNORECASE)
_LEADING_ZEROS_RE = re.compile(r"^0+(?=\d)")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (decomposed input never matches composed text otherwise)."""
    return to_nfc(text)


def canonical(text: str) -> str:
    """NFC, OCR look-alikes (``Ð``/``ð``) → ``Đ``/``đ``, tone placement unified; case kept."""
    return canonical_spelling(text)


def normalize_exact(text: str) -> str:
    """The accent-sensitive comparison form: :func:`canonical`, lower-cased."""
    return nfc(canonical(text).lower())


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
_FOLDED = _TokenCache(strip_marks)


def _exact_token(word: str) -> str:
    return _EXACT[word]


def fold(text: str) -> str:
    """The accent-insensitive form: lower-case, every mark stripped, ``đ`` → ``d`` (explicitly).

    ``fold("Đà Nẵng") == "da nang"``; ``fold("HOÀ") == fold("hòa") == "hoa"``.
    """
    return fold_accents_lower(text)


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
