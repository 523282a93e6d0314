"""What a worker process does for one page: recognise it and build its searchable PDF page.

Building the PDF page (image + invisible text layer, :func:`ocr.pdfout.searchable_pdf` on a
one-page document) costs about as much CPU as a fifth of the recognition, so it runs in the worker,
not in the parent that stores and indexes: the parent only concatenates finished pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocr.pdfout import searchable_pdf
from ocr.pipeline import DocumentOcr, PageOcr, PageTask, run_page


@dataclass(frozen=True)
class PageFiles:
    """Where the parent wrote a page's archive image, thumbnail and one-page searchable PDF."""

    image: Path | None
    thumbnail: Path | None
    pdf: Path


@dataclass
class IngestPage:
    """A recognised page and its one-page searchable PDF (``files`` once the parent wrote them out)."""

    ocr: PageOcr
    pdf: bytes = b""
    files: PageFiles | None = None


def recognise_page(task: PageTask) -> IngestPage:
    """Recognise page ``task.index`` of ``task.source`` and build its searchable PDF page."""
    page = run_page(task)
    pdf = searchable_pdf(DocumentOcr(str(task.source.path), [page]), task.source.path)
    page.text_pdf = None  # now inside ``pdf``; not sent back to the parent twice
    return IngestPage(page, pdf)
