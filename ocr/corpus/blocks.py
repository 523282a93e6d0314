"""The structure of a synthetic document, independent of fonts and pixels.

A template builds a :class:`Document` from blocks; :mod:`ocr.corpus.render` lays the blocks out on
A4 pages and returns the exact text of every line it drew. Text inside a word may hold U+00A0
(no-break space) to keep a label and its value on one line; it is drawn and transcribed as a space.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "NBSP", "Block", "Cell", "Document", "PageBreak", "Paragraph", "Span", "Table", "TwoColumns", "glue", "para",
]

NBSP = "\u00a0"


@dataclass(frozen=True)
class Span:
    """A run of text in one style (``regular``, ``bold``, ``italic``, ``bolditalic``)."""

    text: str
    style: str = "regular"


@dataclass(frozen=True)
class Paragraph:
    """Running text wrapped to the text width.

    ``align`` is ``justify``, ``center`` or ``left``; ``indent`` the first-line indent in mm;
    ``space_before`` in points; ``rule_after`` draws a short centred line under the last line
    (as under a decision's summary).
    """

    spans: tuple[Span, ...]
    size: float = 13.0
    align: str = "justify"
    indent: float = 10.0
    space_before: float = 4.0
    rule_after: bool = False


@dataclass(frozen=True)
class Cell:
    """One line of one column in a two-column block; ``rule`` underlines that fraction of its width."""

    text: str
    style: str = "regular"
    size: float = 13.0
    align: str = "center"
    rule: float = 0.0


@dataclass(frozen=True)
class TwoColumns:
    """Rows of (left, right) cells on shared baselines: the header and the signature block.

    ``split`` is the left column's share of the text width; ``pitch`` the row height in points;
    ``seal_rows`` the (first, last) rows of the signature space where the seal and signature go.
    """

    rows: tuple[tuple[Cell | None, Cell | None], ...]
    split: float = 0.42
    pitch: float = 16.0
    space_before: float = 0.0
    seal_rows: tuple[int, int] | None = None


@dataclass(frozen=True)
class Table:
    """A ruled table: ``widths`` are the columns' shares of the text width, ``rows`` their cell texts.

    The first ``header_rows`` rows are bold. Cells are one line each (long texts are drawn smaller);
    the truth holds one line per row, the non-empty cells left to right separated by one space.
    """

    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 1
    size: float = 11.0
    space_before: float = 6.0


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (an appendix, an attached regulation)."""


Block = Paragraph | TwoColumns | Table | PageBreak


@dataclass(frozen=True)
class Document:
    """A document ready to render: its blocks in order."""

    blocks: tuple[Block, ...]


def glue(text: str) -> str:
    """``text`` with its spaces made unbreakable, so it is never split across lines."""
    return text.replace(" ", NBSP)


def para(*parts: str | tuple[str, str], **layout: float | str | bool) -> Paragraph:
    """A paragraph from plain strings (regular) and ``(text, style)`` pairs; ``layout`` as in Paragraph."""
    spans = tuple(Span(p) if isinstance(p, str) else Span(p[0], p[1]) for p in parts)
    return Paragraph(spans, **layout)  # type: ignore[arg-type]
