"""Upside-down detection from the shape of text lines, on rendered Vietnamese pages."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from ocr.orientation import (
    EVIDENCE_THRESHOLD,
    STRIPS,
    combined_evidence,
    evidence_by_strips,
    evident_turn,
    ink_outside_core,
    strip_pair,
    text_strip,
    upright_evidence,
)


def test_upright_page_has_positive_evidence(page: np.ndarray) -> None:
    assert upright_evidence(page) >= EVIDENCE_THRESHOLD
    assert evident_turn(page) == 0


def test_upside_down_page_has_negative_evidence(page: np.ndarray) -> None:
    turned = cv2.rotate(page, cv2.ROTATE_180)
    assert upright_evidence(turned) <= -EVIDENCE_THRESHOLD
    assert evident_turn(turned) == 180


def test_evidence_flips_sign_exactly(page: np.ndarray) -> None:
    assert upright_evidence(cv2.rotate(page, cv2.ROTATE_180)) == pytest.approx(-upright_evidence(page), abs=0.05)


def test_colour_and_two_column_pages(make_page: Callable[..., np.ndarray]) -> None:
    left = make_page(("ỦY BAN NHÂN DÂN", "XÃ TAM HIỆP", "Số: 03/TLKS-BS") * 3, width=1200)
    right = make_page(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc") * 4, width=1400)
    height = min(left.shape[0], right.shape[0])
    both = np.hstack([left[:height], right[:height]])
    colour = cv2.cvtColor(both, cv2.COLOR_GRAY2BGR)
    assert evident_turn(colour) == 0
    assert evident_turn(cv2.rotate(colour, cv2.ROTATE_180)) == 180


@pytest.mark.parametrize("content", ["blank", "rule"])
def test_pages_without_text_lines_are_unclear(content: str) -> None:
    image = np.full((1200, 900), 255, np.uint8)
    if content == "rule":
        image[600:604, 100:800] = 0
    assert evident_turn(image) is None


def test_tilted_lines_of_a_photo_are_judged_from_narrow_strips(
    page: np.ndarray, rotate: Callable[[np.ndarray, float], np.ndarray]
) -> None:
    tilted = rotate(page, 1.5)              # what a curved photo's lines keep after deskewing
    widest, *_, narrowest = evidence_by_strips(tilted)
    assert len(STRIPS) == 3
    assert widest < EVIDENCE_THRESHOLD <= narrowest   # four wide strips blur the lines together
    assert evident_turn(tilted) == 0
    assert evident_turn(cv2.rotate(tilted, cv2.ROTATE_180)) == 180


def test_strip_widths_must_agree() -> None:
    assert combined_evidence((0.05, 0.54, 0.44)) == 0.54
    assert combined_evidence((-0.9, -0.6, -1.1)) == -1.1
    assert combined_evidence((-1.43, 0.29, 0.17)) == 0.0     # one width's wrong sign decides nothing
    assert combined_evidence((0.0, 0.8, 0.9)) == 0.0


def test_capitals_without_marks_have_no_shape_to_read(make_page: Callable[..., np.ndarray]) -> None:
    # No marks above, only a Q's tail and commas below: the old measure said "upside down" (-5).
    caps = make_page(("UY BAN NHAN DAN TINH QUANG NAM, QUANG NGAI", "QUYET DINH VE VIEC CAP GIAY PHEP") * 3)
    assert evidence_by_strips(caps) == (0.0, 0.0, 0.0)
    assert evident_turn(caps) is None and evident_turn(cv2.rotate(caps, cv2.ROTATE_180)) is None


def test_ink_outside_core_of_one_line() -> None:
    profile = np.array([2, 2, 0, 10, 10, 10, 1], dtype=float)   # an accent row, a gap, the core, a descender row
    assert ink_outside_core(profile) == (4.0, 1.0)


def test_text_strip_is_the_densest_band(page: np.ndarray) -> None:
    tall = np.full((6000, page.shape[1]), 255, np.uint8)
    tall[3000:3000 + page.shape[0]] = page
    top, bottom = text_strip(tall)
    assert bottom - top == 750
    assert top >= 3000 and bottom <= 3000 + page.shape[0]
    assert text_strip(page[:40]) == (0, 40)


def test_strip_pair_puts_the_turned_copy_below_the_split(page: np.ndarray) -> None:
    strip = page[100:300]
    pair, split = strip_pair(strip)
    assert pair.shape == (200 + 100 + 200, page.shape[1])
    assert np.array_equal(pair[:200], strip) and np.array_equal(pair[-200:], strip[::-1, ::-1])
    assert 200 < split < 300 and (pair[200:300] == 255).all()
