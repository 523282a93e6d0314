"""Encoded page images for the archive and the searchable PDF: archive image and thumbnail.

The archive image is the colour or grey page after geometric corrections only (never binarised):
JPEG for photographic/grey content, PNG when the page is already bilevel.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.clean import resample

JPEG_QUALITY = 85
THUMBNAIL_LONG_SIDE = 320


@dataclass(frozen=True)
class EncodedImage:
    """An encoded page image with its pixel size and resolution."""

    data: bytes
    mime: str
    width: int
    height: int
    dpi: int

    @property
    def extension(self) -> str:
        """The file extension for :attr:`mime` (``jpg`` or ``png``)."""
        return "png" if self.mime == "image/png" else "jpg"


def is_bilevel(image: np.ndarray) -> bool:
    """True when a sample of ``image`` holds only black and white pixels."""
    sample = image[::5, ::5]
    return bool(np.isin(sample, (0, 255)).all())


def encode(image: np.ndarray, dpi: int) -> EncodedImage:
    """``image`` (grey or BGR) encoded as PNG when bilevel, else as JPEG."""
    height, width = image.shape[:2]
    if is_bilevel(image):
        ok, buffer = cv2.imencode(".png", image)
        mime = "image/png"
    else:
        ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        mime = "image/jpeg"
    if not ok:
        raise ValueError("OpenCV could not encode the page image")
    return EncodedImage(buffer.tobytes(), mime, width, height, dpi)


def thumbnail(image: np.ndarray, long_side: int = THUMBNAIL_LONG_SIDE) -> EncodedImage:
    """A small JPEG preview of ``image`` whose long side is ``long_side`` pixels (or less)."""
    factor = min(1.0, long_side / max(image.shape[:2]))
    small = resample(image, factor)
    ok, buffer = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise ValueError("OpenCV could not encode the thumbnail")
    return EncodedImage(buffer.tobytes(), "image/jpeg", small.shape[1], small.shape[0], 0)


def scaled_to_dpi(image: np.ndarray, dpi: int, target: int) -> np.ndarray:
    """``image`` shrunk from ``dpi`` to ``target`` dpi (never enlarged)."""
    return resample(image, min(1.0, target / max(dpi, 1)))
