"""The searchable PDF: each page's archive image with Tesseract's invisible text laid over it.

One PDF page per input page, in order. Pages that kept a trustworthy text layer are copied from
the original PDF unchanged; the others are built with img2pdf (the image is embedded as is, no
re-encoding) and overlaid with the one-page text-only PDF Tesseract wrote for that page.

A one-page JPEG scan is embedded as the scan's own bytes even when kho turned or deskewed it: the
PDF draws the original JPEG rotated by the page's quarter turn plus its skew (an affine placement,
:func:`placement_matrix`) on a page the size of the upright archive image, so the text layer
still lies on its words and the PDF is the scan plus a few kilobytes. A photo straightened by a
perspective correction (not affine), or a JPEG with an EXIF turn, keeps the archive image.

The text layer says what the record says: Tesseract writes its raw reading (``QĐÐ`` with an
Icelandic eth, decomposed accents, ``ﬁ`` ligatures), so each of its words is rewritten with kho's
normalisation (:func:`normalized_word`: NFC, homoglyphs, ligatures — the same mapping
:func:`ocr.text.normalize_text` applies to the record's text) and keeps its box: the horizontal
scaling (``Tz``) is adjusted when the word's length changes, so selection still covers the word on
the image. Copy-paste from the PDF gives the record's text.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import img2pdf
from PIL import Image, UnidentifiedImageError
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError
from pypdf.generic import ByteStringObject, ContentStream, DecodedStreamObject, FloatObject, RectangleObject

from kho.core import vntext
from kho.errors import InputError
from ocr.pipeline import DocumentOcr, PageOcr
from ocr.rasterize import detect_kind
from ocr.text import HOMOGLYPHS

EXIF_ORIENTATION = 0x0112

_LIGATURES = str.maketrans({k: v for k, v in HOMOGLYPHS.items() if k not in vntext.HOMOGLYPHS})


def normalized_word(text: str) -> str:
    """A word of the text layer as kho's record text has it: homoglyphs fixed, ligatures split, NFC."""
    return vntext.to_nfc(vntext.fix_homoglyphs(text).translate(_LIGATURES))


def _string_bytes(value: Any) -> bytes | None:
    """The raw bytes of a PDF string operand (``<hex>`` or literal), ``None`` for anything else."""
    raw = getattr(value, "original_bytes", None)
    if isinstance(raw, bytes):
        return raw
    return bytes(value) if isinstance(value, bytes) else None


def _rewrite_strings(items: list[Any]) -> tuple[list[Any], float]:
    """TJ array items with each UTF-16BE string normalised; and old length / new length (for ``Tz``)."""
    old_units = new_units = 0
    out: list[Any] = []
    for item in items:
        raw = _string_bytes(item)
        if raw is None or len(raw) % 2:
            out.append(item)
            continue
        old = raw.decode("utf-16-be", "surrogatepass")
        new = normalized_word(old)
        encoded = new.encode("utf-16-be", "surrogatepass")
        old_units, new_units = old_units + len(raw) // 2, new_units + len(encoded) // 2
        out.append(item if new == old else ByteStringObject(encoded))
    return out, (old_units / new_units if new_units else 1.0)


def normalize_text_layer(page: PageObject) -> bool:
    """Rewrite the words of Tesseract's text-only ``page`` (a writer's page) with :func:`normalized_word`.

    Returns True when something changed. Each word is one ``[<utf-16be>] TJ`` after its own
    ``Tz`` (Tesseract's GlyphLessFont: every glyph the same width), so a word whose length changes
    gets its ``Tz`` scaled by old length / new length and still spans its box.
    """
    contents = page.get_contents()
    if contents is None:
        return False
    stream = ContentStream(contents, page.pdf)
    changed = False
    last_tz: int | None = None
    for index, (operands, operator) in enumerate(stream.operations):
        if operator == b"Tz":
            last_tz = index
        elif operator in (b"TJ", b"Tj") and operands:
            items = list(operands[0]) if operator == b"TJ" else [operands[0]]
            rewritten, ratio = _rewrite_strings(items)
            if all(a is b for a, b in zip(rewritten, items, strict=True)):
                continue
            changed = True
            operands[0] = type(operands[0])(rewritten) if operator == b"TJ" else rewritten[0]
            if ratio != 1.0 and last_tz is not None:
                tz_operands = stream.operations[last_tz][0]
                tz_operands[0] = FloatObject(round(float(tz_operands[0]) * ratio, 3))
    if changed:
        page.replace_contents(stream)
    return changed


def _image_page(page: PageOcr, subject: str) -> PageObject:
    if page.image is None:
        raise ValueError(f"page {page.number} has no archive image; run OCR with text_pdf=True")
    layout = img2pdf.get_fixed_dpi_layout_fun((page.image.dpi, page.image.dpi))
    data = img2pdf.convert(page.image.data, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    if data is None:
        raise ValueError(f"img2pdf produced nothing for page {page.number} of {subject}")
    return PdfReader(io.BytesIO(data)).pages[0]


def text_layer_page(text_pdf: bytes) -> PageObject:
    """The first page of Tesseract's text-only PDF with its words normalised (:func:`normalize_text_layer`)."""
    page = PdfWriter(clone_from=io.BytesIO(text_pdf)).pages[0]  # a writer's page: its contents can be replaced
    normalize_text_layer(page)
    return page


def turned_size(width: int, height: int, rotation: int, skew: float) -> tuple[int, int]:
    """The size of an image turned clockwise by ``rotation`` (quarter turns) then deskewed by ``skew``
    degrees on an enlarged canvas, as :func:`ocr.geometry.rotate_by` computes it."""
    if rotation in (90, 270):
        width, height = height, width
    if not skew:
        return width, height
    cos, sin = abs(math.cos(math.radians(skew))), abs(math.sin(math.radians(skew)))
    return round(height * sin + width * cos), round(height * cos + width * sin)


def placement_matrix(width: float, height: float, page_width: float, page_height: float,
                     clockwise: float) -> tuple[float, float, float, float, float, float]:
    """The ``cm`` matrix drawing an image of ``width`` × ``height`` points centred on the page and
    turned ``clockwise`` degrees (as seen), in PDF coordinates (y up: a clockwise turn is negative)."""
    angle = math.radians(-clockwise)
    cos, sin = math.cos(angle), math.sin(angle)
    a, b, c, d = cos * width, sin * width, -sin * height, cos * height
    return (a, b, c, d, page_width / 2 - (a + c) / 2, page_height / 2 - (b + d) / 2)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The pixel size of a JPEG without an EXIF turn, else ``None``."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.getexif().get(EXIF_ORIENTATION, 1) != 1:
                return None
            return im.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _placed_jpeg_page(writer: PdfWriter, page: PageOcr, data: bytes) -> PageObject | None:
    """A page drawing the scan's own JPEG bytes turned upright, or ``None`` when that cannot match the archive."""
    image = page.image
    if image is None or "perspective" in page.steps or image.dpi <= 0:
        return None
    size = _jpeg_size(data)
    if size is None or turned_size(*size, page.rotation, page.skew) != (image.width, image.height):
        return None
    converted = img2pdf.convert(data, rotation=img2pdf.Rotation.none)
    if converted is None:
        return None
    added = writer.add_page(PdfReader(io.BytesIO(converted)).pages[0])
    resources = added["/Resources"].get_object()
    xobjects = resources.get("/XObject") if isinstance(resources, dict) else None
    names: list[str] = list(xobjects.get_object().keys()) if xobjects is not None else []
    if len(names) != 1:
        return None
    points = 72.0 / image.dpi
    page_w, page_h = image.width * points, image.height * points
    matrix = placement_matrix(size[0] * points, size[1] * points, page_w, page_h, page.rotation + page.skew)
    content = DecodedStreamObject()
    content.set_data(f"q {' '.join(f'{v:.6f}' for v in matrix)} cm {names[0]} Do Q".encode("ascii"))
    added.replace_contents(ContentStream(content, writer))
    box = RectangleObject([0, 0, page_w, page_h])
    added.mediabox = box
    added.cropbox = box
    return added


def _same(page: PageOcr, data: bytes) -> bool:
    """True when the page image already is the scan's bytes (an unchanged JPEG: img2pdf embeds it as is)."""
    return page.image is not None and page.image.data == data


def _source_jpeg(document: DocumentOcr, source: Path | None) -> bytes | None:
    """The scan's bytes when it is a one-page JPEG (the only scan embedded as is after a turn)."""
    if source is None or len(document.pages) != 1:
        return None
    try:
        data = source.read_bytes()
    except OSError:
        return None
    return data if detect_kind(data[:16]) == "jpeg" else None


def _overlay_text(target: PageObject, text_pdf: bytes) -> None:
    text_page = text_layer_page(text_pdf)
    width, height = float(target.mediabox.width), float(target.mediabox.height)
    text_w, text_h = float(text_page.mediabox.width), float(text_page.mediabox.height)
    if text_w <= 0 or text_h <= 0:
        return
    scale = Transformation().scale(width / text_w, height / text_h)
    target.merge_transformed_page(text_page, scale, over=True)


def _pdf_page_size_px(source_page: PageObject, dpi: int) -> tuple[int, int]:
    box = source_page.cropbox
    return round(float(box.width) * dpi / 72), round(float(box.height) * dpi / 72)


def _placed_pdf_page(writer: PdfWriter, page: PageOcr, source_page: PageObject) -> PageObject | None:
    """The scan PDF's own page (its image as stored, no re-encoding) turned upright on an archive-sized
    page, or ``None`` when it cannot stand for the archive image (perspective, its own text layer).

    The page's content is drawn turned by its ``/Rotate`` plus kho's quarter turn and deskew, about
    its centre, so it shows what poppler rendered and kho straightened: the text layer lies on it.
    """
    image = page.image
    if image is None or "perspective" in page.steps or image.dpi <= 0 or page.dpi <= 0:
        return None
    shown_turn = int(source_page.get("/Rotate", 0) or 0) % 360  # poppler renders the page turned by it
    if shown_turn % 90 or source_page.extract_text().strip():
        return None
    turn_total = (shown_turn + page.rotation) % 360
    width_px, height_px = _pdf_page_size_px(source_page, page.dpi)
    expected = turned_size(width_px, height_px, turn_total, page.skew)
    if abs(expected[0] - image.width) > 2 or abs(expected[1] - image.height) > 2:
        return None
    points = 72.0 / image.dpi
    page_w, page_h = image.width * points, image.height * points
    box = source_page.cropbox
    k = page.dpi / image.dpi  # source points -> archive points
    angle = math.radians(-(turn_total + page.skew))
    centre_x, centre_y = float(box.left) + float(box.width) / 2, float(box.bottom) + float(box.height) / 2
    turn = (Transformation().translate(-centre_x, -centre_y).scale(k, k)
            .rotate(math.degrees(angle)).translate(page_w / 2, page_h / 2))
    added = writer.add_blank_page(page_w, page_h)
    added.merge_transformed_page(source_page, turn)
    return added


def _source_pdf(source: Path | None) -> PdfReader | None:
    """The scan when it is a PDF (its pages are reused as they are), else ``None``."""
    if source is None:
        return None
    try:
        with open(source, "rb") as fh:
            if detect_kind(fh.read(1024)) != "pdf":
                return None
        return PdfReader(str(source))
    except (PdfReadError, OSError, ValueError):
        return None


def searchable_pdf(document: DocumentOcr, source: Path | None = None) -> bytes:
    """The searchable PDF of ``document`` as bytes (``source`` is the original file, for text-layer pages).

    Each page is, by preference: the scan PDF's page with its own text layer; the scan's own image
    (a one-page JPEG, or the scan PDF's page) turned upright; the archive image (img2pdf).
    """
    writer = PdfWriter()
    original: PdfReader | None = None
    jpeg = _source_jpeg(document, source)
    scan_pdf = None if jpeg is not None else _source_pdf(source)
    for page in document.pages:
        if page.from_text_layer and source is not None:
            if original is None:
                try:
                    original = PdfReader(str(source))
                except (PdfReadError, OSError, ValueError) as e:
                    raise InputError(f"cannot copy pages from the PDF: {e}", subject=str(source)) from e
            writer.add_page(original.pages[page.number - 1])
            continue
        placed = None
        if jpeg is not None and not _same(page, jpeg):
            placed = _placed_jpeg_page(writer, page, jpeg)
        elif scan_pdf is not None and page.number <= len(scan_pdf.pages):
            placed = _placed_pdf_page(writer, page, scan_pdf.pages[page.number - 1])
        added = placed if placed is not None else writer.add_page(_image_page(page, document.file))
        if page.text_pdf:
            _overlay_text(added, page.text_pdf)
    for written in writer.pages:
        written.compress_content_streams()  # merged text layers are written uncompressed otherwise
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
