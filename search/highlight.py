"""Snippets with ``<mark>`` around the query's matches, one per matching page (shared by both backends).

Matching is accent-insensitive, exactly as the index matches (the same tokens, folded). The text
outside the marks is HTML-escaped, so a snippet is safe HTML. Numbers shaped like citizen IDs
(9 or 12 digits, also in groups parted by a space or a dot) are masked to ``•••`` and their last 4
digits (:func:`mask_ids`): a hit never shows a full ID, not even in the page text around a match.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from search.index import Highlight, mask_citizen_id
from search.normalize import token_spans, tokens
from search.query import TextPlan

__all__ = ["MAX_HIGHLIGHTS", "SNIPPET_CHARS", "highlight_pages", "mask_ids", "match_ranges"]

MAX_HIGHLIGHTS = 3
SNIPPET_CHARS = 160
_DIGIT_RUN = re.compile(r"(?<![\d.])\d(?:[ .]?\d){8,11}(?![\d])")
_ID_LENGTHS = (9, 12)


def _mask_run(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return mask_citizen_id(digits) if len(digits) in _ID_LENGTHS else match.group(0)


def mask_ids(text: str) -> str:
    """``text`` with every 9- or 12-digit number (a citizen ID or CMND, grouped or not) masked as ``•••1234``."""
    return _DIGIT_RUN.sub(_mask_run, text)


def match_ranges(
    text: str, terms: frozenset[str], phrases: Sequence[Sequence[str]], *, within: int | None = None
) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that match a folded term or phrase, merged when only spaces part them.

    With ``within``, only the ranges starting less than ``within`` characters after the first one.
    The tokens are found with the fast tokenizer first; offsets are computed only when something matched.
    """
    folded = tokens(text, folded=True)
    marked = [f in terms for f in folded]
    for phrase in phrases:
        n = len(phrase)
        if not n:
            continue
        for i in range(len(folded) - n + 1):
            if folded[i] == phrase[0] and tuple(folded[i:i + n]) == tuple(phrase):
                marked[i:i + n] = [True] * n
    if True not in marked:
        return []
    last = len(marked) - 1 - marked[::-1].index(True)
    ranges: list[tuple[int, int]] = []
    for i, (start, end, _) in enumerate(token_spans(text)):
        if i > last or (within is not None and ranges and start >= ranges[0][0] + within):
            break
        if not marked[i]:
            continue
        if ranges and not text[ranges[-1][1]:start].strip():
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


def _window(text: str, ranges: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """A window of about ``width`` characters around the first match, cut at spaces."""
    first_start, first_end = ranges[0]
    start = max(0, first_start - width // 4)
    end = min(len(text), max(first_end, start + width))
    if start > 0:
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    return start, end


def _snippet(text: str, ranges: list[tuple[int, int]], width: int) -> str:
    start, end = _window(text, ranges, width)
    out = ["…"] if start > 0 else []
    cursor = start
    for m_start, m_end in ranges:
        if m_start < start or m_start >= end:
            continue
        m_end = min(m_end, end)
        out.append(html.escape(text[cursor:m_start]))
        out.append("<mark>" + html.escape(text[m_start:m_end]) + "</mark>")
        cursor = m_end
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return mask_ids(" ".join("".join(out).split()))


def highlight_pages(
    pages: Sequence[str], plan: TextPlan, *, limit: int = MAX_HIGHLIGHTS, width: int = SNIPPET_CHARS
) -> tuple[Highlight, ...]:
    """One snippet for each of the first ``limit`` pages that contain a match (pages are 1-based)."""
    terms, phrases = plan.highlight_terms(), plan.highlight_phrases()
    if not terms and not phrases:
        return ()
    found: list[Highlight] = []
    for number, text in enumerate(pages, start=1):
        ranges = match_ranges(text, terms, phrases, within=width)
        if ranges:
            found.append(Highlight(page=number, text=_snippet(text, ranges, width)))
            if len(found) >= limit:
                break
    return tuple(found)
