"""QR codes on a page image (Circular 01/2023 results carry one), read with zxing-cpp.

:func:`read_qr_codes` is a pure function on a page image (a numpy array, grey or BGR, as the rest
of ``ocr/`` uses): each QR code's text, the page it is on and where (a pixel box and the same box
as fractions of the page, so it survives rescaling). Review shows them as evidence; the text of a
result's QR code (often a lookup URL or the document's identifiers) can be compared with the fields
read from the page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import zxingcpp


@dataclass(frozen=True)
class QrCode:
    """One QR code: its text (NFC), 1-based page, pixel box (left, top, width, height) and relative box."""

    text: str
    page: int
    box: tuple[int, int, int, int]
    relative_box: tuple[float, float, float, float]


def _box(position: zxingcpp.Position) -> tuple[int, int, int, int]:
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs, ys = [p.x for p in points], [p.y for p in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def read_qr_codes(image: np.ndarray, page: int) -> tuple[QrCode, ...]:
    """Every readable QR code on ``image`` (2-D grey or 3-channel BGR uint8), top to bottom, left to right."""
    if image.ndim not in (2, 3) or image.size == 0:
        raise ValueError(f"not a page image: shape {image.shape}")
    height, width = image.shape[:2]
    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    found = zxingcpp.read_barcodes(np.ascontiguousarray(image), formats=qr_only)
    codes = []
    for barcode in found:
        if not barcode.valid or not barcode.text:
            continue
        left, top, w, h = _box(barcode.position)
        relative = (round(left / width, 4), round(top / height, 4), round(w / width, 4), round(h / height, 4))
        codes.append(QrCode(unicodedata.normalize("NFC", barcode.text), page, (left, top, w, h), relative))
    return tuple(sorted(codes, key=lambda c: (c.box[1], c.box[0])))
