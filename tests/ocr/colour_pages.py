"""Synthetic colour and inverse-print pages for the polarity and colour tests (BGR, 300 dpi scale).

Each function renders Vietnamese lines with Pillow onto a background that plain luminance
thresholding handles badly: a dark letterhead band with white text, patterned pink paper (the
land-use certificate), a red seal over text and digits, light text on a coloured cover.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
BOLD = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")

BAND_LINES = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG")
BODY_LINES = (
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Ông Nguyễn Văn Thành, số CCCD 049085001234,",
    "cư trú tại xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam.",
    "Điều 1. Cấp giấy chứng nhận quyền sử dụng đất cho hộ ông Thành.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
)
COVER_LINES = ("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT", "QUYỀN SỞ HỮU NHÀ Ở", "VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT")

WIDTH, HEIGHT = 2480, 1700


def _draw_lines(image: Image.Image, lines: tuple[str, ...], top: int, fill: tuple[int, int, int],
                font_px: int = 50, left: int = 160, bold: bool = False) -> int:
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(BOLD if bold else FONT), font_px)
    y = top
    for line in lines:
        draw.text((left, y), line, font=font, fill=fill)
        y += int(font_px * 1.6)
    return y


def _bgr(image: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def inverse_band_page() -> np.ndarray:
    """A white page whose letterhead is white text on a dark blue band, black body text below."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (250, 250, 248))
    ImageDraw.Draw(image).rectangle((100, 120, WIDTH - 100, 420), fill=(30, 40, 90))
    _draw_lines(image, BAND_LINES, 170, (255, 255, 255), font_px=60, bold=True)
    _draw_lines(image, BODY_LINES, 560, (10, 10, 10))
    return _bgr(image)


def pink_pattern_page() -> np.ndarray:
    """Black text on pink paper with a fine guilloche-like pattern of darker pink lines."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 214, 222))
    draw = ImageDraw.Draw(image)
    for x in range(-HEIGHT, WIDTH, 22):
        draw.line((x, 0, x + HEIGHT, HEIGHT), fill=(226, 150, 172), width=3)
        draw.line((x + HEIGHT, 0, x, HEIGHT), fill=(232, 170, 188), width=2)
    _draw_lines(image, BAND_LINES + BODY_LINES, 160, (20, 20, 30))
    return _bgr(image)


def red_stamp_page() -> np.ndarray:
    """Black text with a red seal (ring, star, lettering) printed over the citizen-ID line."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (250, 250, 250))
    _draw_lines(image, BAND_LINES + BODY_LINES, 160, (15, 15, 15))
    bgr = _bgr(image)
    red = (40, 40, 215)
    centre = (900, 620)
    cv2.circle(bgr, centre, 240, red, 16)
    cv2.circle(bgr, centre, 190, red, 6)
    cv2.putText(bgr, "UBND TINH QUANG NAM", (centre[0] - 210, centre[1] + 10), cv2.FONT_HERSHEY_SIMPLEX, 1.6, red, 6)
    # The seal's ink is translucent over the print: black stays black, paper turns red.
    return np.minimum(bgr, _bgr(image))


def coloured_cover_page() -> np.ndarray:
    """A certificate cover: light yellow and white text on a dark red background."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (150, 25, 30))
    y = _draw_lines(image, COVER_LINES[:2], 300, (250, 225, 120), font_px=90, bold=True)
    _draw_lines(image, COVER_LINES[2:] + BODY_LINES[:2], y + 60, (250, 250, 250), font_px=56)
    return _bgr(image)


PAGES = {
    "inverse-band": inverse_band_page,
    "pink-pattern": pink_pattern_page,
    "red-stamp": red_stamp_page,
    "coloured-cover": coloured_cover_page,
}
