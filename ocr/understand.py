"""A recognised document's fields: everything its pages carry, handed to :func:`ocr.fields.extract_fields`.

The one place that knows which parts of a :class:`ocr.pipeline.PageOcr` the field extraction uses:
the page texts and word boxes, the citizen-ID and hand-filled-day second readings, and a text layer
set aside as not the page's text (a digital-signature stamp's, whose signing time bounds the date).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ocr.fields import ExtractedFields, extract_fields

if TYPE_CHECKING:
    from ocr.pipeline import PageOcr


def document_fields(pages: Sequence[PageOcr]) -> ExtractedFields:
    """The fields of the document whose pages (in order) are ``pages``."""
    return extract_fields(
        [p.text for p in pages], [p.words for p in pages],
        id_readings=[r for p in pages for r in p.id_readings],
        fill_ins=[r for p in pages for r in p.fill_ins],
        side_texts=[p.layer_text for p in pages if p.layer_text],
    )
