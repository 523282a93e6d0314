"""Lay a :class:`~ocr.corpus.blocks.Document` out on A4 pages at 300 dpi and draw it with Pillow.

The renderer is the only source of the ground-truth text: every line it draws is recorded exactly
as drawn, in the order Tesseract reads a page row by row (the two columns of the header and of the
signature block merged on one line, left then right, separated by one space). Pages after the first
carry their page number centred in the top margin, as Decree 30 prescribes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.corpus.blocks import NBSP, Cell, Document, PageBreak, Paragraph, Table, TwoColumns
from ocr.corpus.fonts import FontBook

__all__ = ["A4_MM", "Box", "RenderedPage", "WordBox", "render_document"]

#: A pixel rectangle ``(left, top, right, bottom)``.
Box = tuple[int, int, int, int]

A4_MM = (210.0, 297.0)
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 20.0}
INK = (12, 12, 12)
SEAL_RED = np.array([214, 38, 44], dtype=np.float32)
SIGNATURE_BLUE = (28, 44, 140)


@dataclass(frozen=True)
class WordBox:
    """Where a drawn word (or a header cell's whole text) is on its page, in pixels."""

    text: str
    box: Box


@dataclass(frozen=True)
class RenderedPage:
    """One drawn page: RGB pixels (H×W×3 uint8), the text of its lines in reading order, and
    ``line_boxes`` (one box per line) and ``words`` (drawn words with their boxes) for the degradations
    that mark particular places (an inverse letterhead band, a stamp over digits)."""

    image: np.ndarray
    lines: tuple[str, ...]
    line_boxes: tuple[Box, ...] = ()
    words: tuple[WordBox, ...] = ()

    @property
    def text(self) -> str:
        """The page's lines joined by newlines."""
        return "\n".join(self.lines)


@dataclass
class _Canvas:
    book: FontBook
    rng: np.random.Generator
    pages: list[tuple[Image.Image, list[str]]] = field(default_factory=list)
    boxes: list[list[Box]] = field(default_factory=list)
    words: list[list[WordBox]] = field(default_factory=list)
    y: int = 0

    def __post_init__(self) -> None:
        self.width = self.px_mm(A4_MM[0])
        self.height = self.px_mm(A4_MM[1])
        self.left = self.px_mm(MARGINS_MM["left"])
        self.right = self.width - self.px_mm(MARGINS_MM["right"])
        self.bottom = self.height - self.px_mm(MARGINS_MM["bottom"])
        self.new_page()

    def px_mm(self, mm: float) -> int:
        return round(mm / 25.4 * self.book.dpi)

    def px_pt(self, pt: float) -> int:
        return round(pt / 72 * self.book.dpi)

    @property
    def image(self) -> Image.Image:
        return self.pages[-1][0]

    @property
    def lines(self) -> list[str]:
        return self.pages[-1][1]

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    @property
    def top(self) -> int:
        return self.px_mm(MARGINS_MM["top"])

    def new_page(self) -> None:
        self.pages.append((Image.new("RGB", (self.width, self.height), (255, 255, 255)), []))
        self.boxes.append([])
        self.words.append([])
        self.y = self.top
        number = len(self.pages)
        if number > 1:
            font = self.book.font("regular", 13)
            self.draw.text((self.width // 2, self.px_mm(12)), str(number), font=font, fill=INK, anchor="ms")
            label = str(number)
            self.add_line(label, self.text_box(label, font, self.width / 2 - font.getlength(label) / 2,
                                                     self.px_mm(12)))

    def add_line(self, text: str, box: Box) -> None:
        """Record a drawn line and its box."""
        self.lines.append(text)
        self.boxes[-1].append(box)

    def add_word(self, text: str, box: Box) -> None:
        """Record a drawn word and its box."""
        self.words[-1].append(WordBox(text, box))

    @staticmethod
    def text_box(text: str, font: ImageFont.FreeTypeFont, x: float, baseline: int) -> Box:
        """The box of ``text`` drawn at ``x`` on ``baseline`` (anchor ``ls``)."""
        left, top, right, bottom = font.getbbox(text, anchor="ls")
        return (int(x + left), int(baseline + top), int(np.ceil(x + right)), int(np.ceil(baseline + bottom)))

    def ensure(self, height: int) -> None:
        if self.y + height > self.bottom:
            self.new_page()


def _words(paragraph: Paragraph) -> list[tuple[str, str]]:
    return [(word, span.style) for span in paragraph.spans for word in _nfc(span.text).split(" ") if word]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _wrap(canvas: _Canvas, paragraph: Paragraph) -> list[list[tuple[str, str, float]]]:
    book, width = canvas.book, canvas.right - canvas.left
    space = book.font("regular", paragraph.size).getlength(" ")
    lines: list[list[tuple[str, str, float]]] = [[]]
    used = float(canvas.px_mm(paragraph.indent))
    for word, style in _words(paragraph):
        length = book.font(style, paragraph.size).getlength(word.replace(NBSP, " "))
        current = lines[-1]
        needed = length + (space if current else 0.0)
        if current and used + needed > width:
            lines.append([])
            used, needed = 0.0, length
        lines[-1].append((word, style, length))
        used += needed
    return [line for line in lines if line]


def _draw_paragraph(canvas: _Canvas, paragraph: Paragraph) -> None:
    book, width = canvas.book, canvas.right - canvas.left
    size_px = canvas.px_pt(paragraph.size)
    line_height = round(size_px * 1.3)
    space = book.font("regular", paragraph.size).getlength(" ")
    canvas.y += canvas.px_pt(paragraph.space_before)
    wrapped = _wrap(canvas, paragraph)
    for index, line in enumerate(wrapped):
        canvas.ensure(line_height)
        baseline = canvas.y + round(size_px * 0.95)
        indent = canvas.px_mm(paragraph.indent) if index == 0 and paragraph.align == "justify" else 0
        natural = sum(w for _, _, w in line) + space * (len(line) - 1)
        gap = space
        if paragraph.align == "center":
            x = canvas.left + (width - natural) / 2
        else:
            x = canvas.left + indent
            last = index == len(wrapped) - 1
            if paragraph.align == "justify" and not last and len(line) > 1:
                stretched = (width - indent - natural) / (len(line) - 1) + space
                gap = stretched if stretched < space * 3 else space
        start_x = x
        for word, style, length in line:
            text = word.replace(NBSP, " ")
            font = book.font(style, paragraph.size)
            canvas.draw.text((x, baseline), text, font=font, fill=INK, anchor="ls")
            canvas.add_word(text, canvas.text_box(text, font, x, baseline))
            x += length + gap
        top = baseline - round(size_px * 0.8)
        canvas.add_line(" ".join(word.replace(NBSP, " ") for word, _, _ in line),
                        (int(start_x), top, int(np.ceil(x - gap)), baseline + round(size_px * 0.25)))
        canvas.y += line_height
        if paragraph.rule_after and index == len(wrapped) - 1:
            rule_width = max(natural / 3, canvas.px_mm(25))
            centre = start_x + natural / 2
            rule_y = canvas.y - round(size_px * 0.12)
            canvas.draw.line([(centre - rule_width / 2, rule_y), (centre + rule_width / 2, rule_y)], fill=INK, width=3)
            canvas.y += round(size_px * 0.3)


def _draw_cell(canvas: _Canvas, cell: Cell, x0: int, x1: int, baseline: int) -> Box:
    size, text = cell.size, _nfc(cell.text)
    font = canvas.book.font(cell.style, size)
    length = font.getlength(text)
    while length > (x1 - x0) - canvas.px_mm(2) and size > 9:  # wide fonts: shrink to the column
        size -= 0.5
        font = canvas.book.font(cell.style, size)
        length = font.getlength(text)
    if cell.align == "center":
        x = (x0 + x1) / 2 - length / 2
        x = min(max(x, canvas.left), canvas.right - length)
    else:
        x = float(x0)
    canvas.draw.text((x, baseline), text, font=font, fill=INK, anchor="ls")
    box = canvas.text_box(text, font, x, baseline)
    canvas.add_word(text, box)
    if cell.rule > 0:
        rule_width = length * cell.rule
        centre = x + length / 2
        rule_y = baseline + round(canvas.px_pt(size) * 0.36)
        canvas.draw.line([(centre - rule_width / 2, rule_y), (centre + rule_width / 2, rule_y)], fill=INK, width=3)
    return box


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _draw_columns(canvas: _Canvas, block: TwoColumns) -> None:
    pitch = canvas.px_pt(block.pitch)
    canvas.y += canvas.px_pt(block.space_before)
    canvas.ensure(pitch * len(block.rows))
    split = canvas.left + round((canvas.right - canvas.left) * block.split)
    for index, (left, right) in enumerate(block.rows):
        baseline = canvas.y + index * pitch + round(pitch * 0.78)
        drawn = [_draw_cell(canvas, cell, x0, x1, baseline)
                 for cell, x0, x1 in ((left, canvas.left, split), (right, split, canvas.right))
                 if cell is not None and cell.text]
        text = " ".join(_nfc(cell.text) for cell in (left, right) if cell is not None and cell.text)
        if text:
            canvas.add_line(text, _union(drawn))
    if block.seal_rows is not None:
        first, last = block.seal_rows
        top, bottom = canvas.y + first * pitch, canvas.y + (last + 1) * pitch
        _draw_signature(canvas, ((split + canvas.right) // 2, (top + bottom) // 2), bottom - top)
    canvas.y += pitch * len(block.rows)


def _draw_signature(canvas: _Canvas, centre: tuple[int, int], space: int) -> None:
    rng = canvas.rng
    cx, cy = centre
    # The signature: a few connected strokes in blue ink.
    points = [(cx - 160 + 320 * t + rng.normal(0, 12), cy + 50 * np.sin(t * rng.uniform(6, 11)) + rng.normal(0, 8))
              for t in np.linspace(0, 1, 14)]
    canvas.draw.line([(float(x), float(y)) for x, y in points], fill=SIGNATURE_BLUE, width=5, joint="curve")
    # The seal: two rings and a star, stamped in red over the left of the signature.
    radius = min(canvas.px_mm(17), int(space * 0.45))
    seal_cx = cx - int(radius * rng.uniform(0.4, 0.8))
    _stamp_seal(canvas, seal_cx, cy + int(rng.integers(-20, 20)), radius)


def _stamp_seal(canvas: _Canvas, cx: int, cy: int, radius: int) -> None:
    size = 2 * radius + 4
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    draw.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=max(6, radius // 22))
    inner = radius * 0.72
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=max(3, radius // 45))
    star = [(c + (inner * 0.42 if k % 2 == 0 else inner * 0.17) * np.sin(k * np.pi / 5),
             c - (inner * 0.42 if k % 2 == 0 else inner * 0.17) * np.cos(k * np.pi / 5)) for k in range(10)]
    draw.polygon([(float(x), float(y)) for x, y in star], fill=255)
    alpha = np.asarray(mask, dtype=np.float32) / 255.0
    alpha *= canvas.rng.uniform(0.55, 0.95, size=alpha.shape).astype(np.float32)  # uneven ink
    x0, y0 = cx - size // 2, cy - size // 2
    box = (x0, y0, x0 + size, y0 + size)
    region = np.asarray(canvas.image.crop(box), dtype=np.float32)
    blended = region * (1 - alpha[:, :, None] * (1 - SEAL_RED / 255.0))
    canvas.image.paste(Image.fromarray(blended.astype(np.uint8)), box)


def _draw_table(canvas: _Canvas, table: Table) -> None:
    """A ruled table, one line per row; a row that does not fit starts a new page."""
    width = canvas.right - canvas.left
    total = sum(table.widths)
    edges = [canvas.left + round(width * sum(table.widths[:k]) / total) for k in range(len(table.widths) + 1)]
    row_height = round(canvas.px_pt(table.size) * 1.9)
    canvas.y += canvas.px_pt(table.space_before)
    top = canvas.y
    for index, row in enumerate(table.rows):
        if canvas.y + row_height > canvas.bottom:
            _rule_columns(canvas, edges, top, canvas.y)
            canvas.new_page()
            top = canvas.y
        style = "bold" if index < table.header_rows else "regular"
        baseline = canvas.y + round(row_height * 0.68)
        canvas.draw.line([(edges[0], canvas.y), (edges[-1], canvas.y)], fill=INK, width=2)
        drawn = []
        for cell_text, x0, x1 in zip(row, edges, edges[1:], strict=False):
            if cell_text:
                cell = Cell(cell_text, style, table.size, "center" if index < table.header_rows else "left")
                drawn.append(_draw_cell(canvas, cell, x0 + canvas.px_mm(1), x1 - canvas.px_mm(1), baseline))
        text = " ".join(_nfc(t) for t in row if t)
        if text:
            canvas.add_line(text, _union(drawn))
        canvas.y += row_height
    _rule_columns(canvas, edges, top, canvas.y)
    canvas.draw.line([(edges[0], canvas.y), (edges[-1], canvas.y)], fill=INK, width=2)


def _rule_columns(canvas: _Canvas, edges: list[int], top: int, bottom: int) -> None:
    for x in edges:
        canvas.draw.line([(x, top), (x, bottom)], fill=INK, width=2)


def render_document(document: Document, book: FontBook, rng: np.random.Generator) -> list[RenderedPage]:
    """Draw ``document`` on as many A4 pages as it needs, with the exact text of each page."""
    canvas = _Canvas(book=book, rng=rng)
    for block in document.blocks:
        if isinstance(block, Paragraph):
            _draw_paragraph(canvas, block)
        elif isinstance(block, Table):
            _draw_table(canvas, block)
        elif isinstance(block, PageBreak):
            if len(canvas.lines) > (1 if len(canvas.pages) > 1 else 0):  # not on a page still empty
                canvas.new_page()
        else:
            _draw_columns(canvas, block)
    return [RenderedPage(np.asarray(image), tuple(lines), tuple(boxes), tuple(words))
            for (image, lines), boxes, words in zip(canvas.pages, canvas.boxes, canvas.words, strict=True)]
