"""The certified copy's PDF: the record's searchable PDF, made PDF/A-2b, with a certification page
(office, official, time in Vietnam, record, document, QR code of the verification URL), signed
PAdES with pyHanko.

:func:`prepare_copy` (bytes → bytes, pikepdf) adds the certification page (drawn by
:func:`render_page`: Pillow, qrcode and an installed Vietnamese TrueType font), the XMP identification
``pdfaid:part=2, conformance=B``, an sRGB output intent and the verification code in the document
information; :func:`sign_copy` signs it (PAdES B-T when a time stamper is given, else B-B).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

from kho.errors import ConfigError, InputError

VIETNAM: Final = timezone(timedelta(hours=7))
A4: Final = (595.0, 842.0)
SIGNATURE_FIELD: Final = "KhoCertification"
CODE_KEY: Final = "/KhoVerificationCode"
URL_KEY: Final = "/KhoVerificationURL"
PAGE_DPI: Final = 200
FONT_CANDIDATES: Final = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
)


@dataclass(frozen=True)
class CertificationBlock:
    """What the visible certification block says."""

    office: str
    official: str
    certified_at: datetime
    record_id: str
    document_type: str | None
    document_number: str | None
    code: str
    url: str
    purpose: str


def vietnam_time(when: datetime) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time (UTC+7)."""
    return when.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def block_text(block: CertificationBlock) -> str:
    """The lines of the certification block, Vietnamese first (NFC)."""
    document = " ".join(p for p in (block.document_type or "", f"số {block.document_number}"
                                    if block.document_number else "") if p) or "—"
    lines = [
        "BẢN SAO ĐIỆN TỬ ĐƯỢC CHỨNG THỰC TỪ BẢN CHÍNH",
        "Certified electronic copy of the original",
        f"Cơ quan chứng thực / Office: {block.office}",
        f"Người chứng thực / Official: {block.official}",
        f"Thời điểm / Time: {vietnam_time(block.certified_at)} (giờ Việt Nam, UTC+7)",
        f"Mã hồ sơ / Record: {block.record_id}",
        f"Văn bản / Document: {document}",
        f"Mã kiểm tra / Check code: {block.code}",
        f"Kiểm tra tại / Verify at: {block.url}",
    ]
    return unicodedata.normalize("NFC", "\n".join(lines))


def find_font() -> Path:
    """A TrueType font with Vietnamese glyphs to embed; :class:`ConfigError` if none is installed."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    raise ConfigError("no font with Vietnamese glyphs; install fonts-dejavu-core", subject=str(FONT_CANDIDATES[0]))


def render_page(block: CertificationBlock) -> bytes:
    """The certification page as a PNG (A4 at :data:`PAGE_DPI`): a framed block with the QR code of
    the verification URL and the lines of :func:`block_text`, drawn with an installed TrueType font."""
    import qrcode
    from PIL import Image, ImageDraw, ImageFont

    width, height = (round(d / 72 * PAGE_DPI) for d in A4)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    margin = round(0.6 * PAGE_DPI)
    box_h = round(2.4 * PAGE_DPI)
    draw.rectangle((margin, margin, width - margin, margin + box_h), outline=0, width=3)
    qr = qrcode.QRCode(border=0, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(block.url)
    qr_image = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    side = round(1.6 * PAGE_DPI)
    qr_image = qr_image.resize((side, side), Image.Resampling.NEAREST)
    page.paste(qr_image, (margin + 40, margin + (box_h - side) // 2))
    font = ImageFont.truetype(str(find_font()), size=round(9.5 / 72 * PAGE_DPI))
    bold = ImageFont.truetype(str(find_font()), size=round(11 / 72 * PAGE_DPI))
    x, y = margin + 80 + side, margin + 45
    for i, line in enumerate(block_text(block).split("\n")):
        draw.text((x, y), line, font=bold if i == 0 else font, fill=0)
        y += round((17 if i == 0 else 15) / 72 * PAGE_DPI)
    buf = io.BytesIO()
    page.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _certification_page(block: CertificationBlock) -> Any:
    import img2pdf
    import pikepdf

    layout = img2pdf.get_fixed_dpi_layout_fun((PAGE_DPI, PAGE_DPI))
    data = img2pdf.convert(render_page(block), layout_fun=layout)
    return pikepdf.open(io.BytesIO(bytes(data or b"")))


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data: bytes = profile.tobytes()
    return data


def prepare_copy(pdf: bytes, block: CertificationBlock) -> bytes:
    """The record's PDF with the A4 certification page appended, PDF/A-2b identification and an
    sRGB output intent; the verification code and URL in the document information.

    :class:`InputError` if the record's PDF cannot be read.
    """
    import pikepdf

    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as e:
        raise InputError(f"the record's PDF cannot be read: {e}", subject=block.record_id) from e
    with doc, _certification_page(block) as extra:
        doc.pages.append(extra.pages[0])
        icc = doc.make_stream(_srgb_profile())
        icc.N = 3
        doc.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier="sRGB IEC61966-2.1", Info="sRGB IEC61966-2.1", DestOutputProfile=icc,
        )])
        title = f"Bản sao chứng thực {block.record_id}"
        for name in (pikepdf.Name.Producer, pikepdf.Name.ModDate):  # pyHanko sets them, in both places alike
            if name in doc.docinfo:
                del doc.docinfo[name]
        doc.docinfo[pikepdf.Name.Title] = title
        doc.docinfo[pikepdf.Name.Author] = block.office
        doc.docinfo[pikepdf.Name.Creator] = "kho"
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:  # XMP and the document info agree
            meta.load_from_docinfo(doc.docinfo)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = title
            meta["dc:creator"] = [block.office]
            meta["xmp:CreatorTool"] = "kho"
        doc.docinfo[pikepdf.Name(CODE_KEY)] = block.code
        doc.docinfo[pikepdf.Name(URL_KEY)] = block.url
        out = io.BytesIO()
        doc.save(out, fix_metadata_version=False, deterministic_id=False)
    return out.getvalue()


def sign_copy(prepared: bytes, block: CertificationBlock, signer: Any, timestamper: Any | None) -> bytes:
    """Sign the prepared copy: PAdES (B-T with ``timestamper``, else B-B), the whole file covered.

    The visible block is drawn on the certification page by :func:`prepare_copy`; the signature
    field itself has no appearance of its own.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
        reason="Chứng thực bản sao điện tử từ bản chính / certified electronic copy of the original",
        location=block.office, name=block.official,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper)
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(prepared)), output=out)
    return out.getvalue()


def embedded_code(pdf: bytes) -> str | None:
    """The verification code written into a certified copy's document information, if any."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer_view.get("/Info")
        value = info.get(CODE_KEY) if info is not None else None
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):  # damaged: no readable code
        return None
    return str(value) if value else None
