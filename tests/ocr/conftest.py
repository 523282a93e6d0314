"""Fixtures for OCR tests: Vietnamese pages rendered with Pillow, with known text and geometry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

LINES = (
    "ỦY BAN NHÂN DÂN HUYỆN BẮC TRÀ MY",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "QUYẾT ĐỊNH về việc cấp giấy phép xây dựng",
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Ông Nguyễn Văn Thành, số CCCD 049085001234,",
    "cư trú tại xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam.",
    "Điều 1. Cấp giấy phép cho hộ gia đình ông Thành.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Nơi nhận: Như Điều 2; Lưu: VT.",
)


def render_page(
    lines: tuple[str, ...] = LINES, *, width: int = 2480, height: int = 1500, font_px: int = 50,
    margin: int = 160,
) -> np.ndarray:
    """A white grey page (300 dpi scale: 50 px is 12 pt) with ``lines`` of black text."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), font_px)
    y = margin
    for line in lines:
        draw.text((margin, y), line, font=font, fill=0)
        y += int(font_px * 1.6)
    return np.asarray(image).copy()


@pytest.fixture(scope="session")
def page() -> np.ndarray:
    """A clean rendered page (grey, 2480x1500, 300 dpi scale)."""
    return render_page()


@pytest.fixture(scope="session")
def make_page() -> Callable[..., np.ndarray]:
    """The page renderer, for tests that need their own text or size."""
    return render_page


def rotate_content(image: np.ndarray, angle: float) -> np.ndarray:
    """``image`` rotated counter-clockwise by ``angle`` degrees about its centre, white fill, same size."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), borderValue=255)


@pytest.fixture(scope="session")
def rotate() -> Callable[[np.ndarray, float], np.ndarray]:
    """Rotate page content by a known angle (counter-clockwise positive)."""
    return rotate_content


def save_image(array: np.ndarray, path: Path, dpi: int | None = 300) -> Path:
    """Save a grey or BGR array with Pillow, declaring ``dpi``."""
    rgb = array if array.ndim == 2 else cv2.cvtColor(array, cv2.COLOR_BGR2RGB)
    if dpi:
        Image.fromarray(rgb).save(path, dpi=(dpi, dpi))
    else:
        Image.fromarray(rgb).save(path)
    return path


@pytest.fixture(scope="session")
def save() -> Callable[..., Path]:
    """Save an array as an image file (format from the suffix) with a declared resolution."""
    return save_image


@pytest.fixture(scope="session")
def bad_dir() -> Path:
    """tests/resources/bad: tiny broken inputs (see its README.md)."""
    return Path(__file__).resolve().parent.parent / "resources" / "bad"
