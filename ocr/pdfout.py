"""The searchable PDF: each page's archive image with Tesseract's invisible text laid over it.

One PDF page per input page, in order. Pages that kept a trustworthy text layer are copied from
the original PDF unchanged; the others are built with img2pdf (the image is embedded as is, no
re-encoding) and overlaid with the one-page text-only PDF Tesseract wrote for that page.
"""

from __future__ import annotations

import io
from pathlib import Path

import img2pdf
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError

from kho.errors import InputError
from ocr.pipeline import DocumentOcr, PageOcr


def _image_page(page: PageOcr, subject: str) -> PageObject:
    if page.image is None:
        raise ValueError(f"page {page.number} has no archive image; run OCR with text_pdf=True")
    layout = img2pdf.get_fixed_dpi_layout_fun((page.image.dpi, page.image.dpi))
    data = img2pdf.convert(page.image.data, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    if data is None:
        raise ValueError(f"img2pdf produced nothing for page {page.number} of {subject}")
    return PdfReader(io.BytesIO(data)).pages[0]


def _overlay_text(target: PageObject, text_pdf: bytes) -> None:
    text_page = PdfReader(io.BytesIO(text_pdf)).pages[0]
    width, height = float(target.mediabox.width), float(target.mediabox.height)
    text_w, text_h = float(text_page.mediabox.width), float(text_page.mediabox.height)
    if text_w <= 0 or text_h <= 0:
        return
    scale = Transformation().scale(width / text_w, height / text_h)
    target.merge_transformed_page(text_page, scale, over=True)


def searchable_pdf(document: DocumentOcr, source: Path | None = None) -> bytes:
    """The searchable PDF of ``document`` as bytes (``source`` is the original file, for text-layer pages)."""
    writer = PdfWriter()
    original: PdfReader | None = None
    for page in document.pages:
        if page.from_text_layer and source is not None:
            if original is None:
                try:
                    original = PdfReader(str(source))
                except (PdfReadError, OSError, ValueError) as e:
                    raise InputError(f"cannot copy pages from the PDF: {e}", subject=str(source)) from e
            writer.add_page(original.pages[page.number - 1])
            continue
        added = writer.add_page(_image_page(page, document.file))
        if page.text_pdf:
            _overlay_text(added, page.text_pdf)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
