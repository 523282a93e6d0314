"""Geometric steps on rendered pages with known rotation, skew, borders and perspective."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from ocr import geometry

Rotate = Callable[[np.ndarray, float], np.ndarray]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotate_quarter_turns_clockwise(page: np.ndarray, rotation: int) -> None:
    turned = geometry.rotate_quarter(page, rotation)
    back = geometry.rotate_quarter(turned, (360 - rotation) % 360)
    assert np.array_equal(back, page)
    if rotation == 90:
        assert turned.shape == (page.shape[1], page.shape[0])
        assert np.array_equal(turned[0, :], page[::-1, 0])  # first column, read bottom-up, is the top row


def test_rotate_quarter_rejects_other_angles(page: np.ndarray) -> None:
    with pytest.raises(ValueError):
        geometry.rotate_quarter(page, 45)


@pytest.mark.parametrize("angle", [0.0, 2.0, -5.0, 9.5, -14.0])
def test_estimate_skew_finds_the_known_tilt(page: np.ndarray, rotate: Rotate, angle: float) -> None:
    small, _ = geometry.probe(rotate(page, angle))
    skew, strength = geometry.estimate_skew(small)
    assert skew == pytest.approx(angle, abs=0.3)
    assert strength > 1.3


def test_deskew_straightens_a_tilted_page(page: np.ndarray, rotate: Rotate) -> None:
    tilted = rotate(page, 7.0)
    small, _ = geometry.probe(geometry.deskew(tilted, 7.0))
    skew, _ = geometry.estimate_skew(small)
    assert abs(skew) <= 0.2


def test_rotate_by_keeps_every_pixel_on_an_enlarged_canvas(page: np.ndarray) -> None:
    turned = geometry.rotate_by(page, 10.0)
    assert turned.shape[0] > page.shape[0] and turned.shape[1] > page.shape[1]
    assert int((turned < 128).sum()) == pytest.approx(int((page < 128).sum()), rel=0.05)


def test_estimate_skew_of_an_empty_page_is_zero() -> None:
    skew, strength = geometry.estimate_skew(np.full((500, 400), 250, np.uint8))
    assert (skew, strength) == (0.0, 1.0)


def test_dark_border_is_measured_and_filled(page: np.ndarray) -> None:
    bordered = page.copy()
    bordered[:, :120] = 20      # left scanner border
    bordered[-80:, :] = 10      # bottom border
    small, _ = geometry.probe(bordered)
    top, bottom, left, right = geometry.dark_border(small)
    assert top == 0 and right == 0
    assert left == pytest.approx(120 / page.shape[1], abs=0.01)
    assert bottom == pytest.approx(80 / page.shape[0], abs=0.01)
    filled = geometry.fill_border(bordered, (top, bottom, left, right))
    assert filled[:, :120].min() > 200 and filled[-80:].min() > 200
    assert np.array_equal(filled[200:1000, 400:2000], page[200:1000, 400:2000])


def test_clean_page_has_no_dark_border(page: np.ndarray) -> None:
    small, _ = geometry.probe(page)
    assert geometry.dark_border(small) == (0.0, 0.0, 0.0, 0.0)


def _photo_of(page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page pasted in perspective onto a dark desk; returns the photo and the true corners."""
    h, w = page.shape
    corners = np.array([[300, 200], [w + 180, 330], [w + 260, h + 420], [220, h + 300]], np.float32)
    source = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    photo = cv2.warpPerspective(page, matrix, (w + 500, h + 700), borderValue=60)
    return photo, corners


def test_find_page_quad_locates_the_sheet_in_a_photo(page: np.ndarray) -> None:
    photo, corners = _photo_of(page)
    small, scale = geometry.probe(photo)
    quad = geometry.find_page_quad(small)
    assert quad is not None
    assert np.abs(quad / scale - corners).max() < 25


def test_warp_quad_restores_the_page_rectangle(page: np.ndarray) -> None:
    photo, corners = _photo_of(page)
    flat = geometry.warp_quad(photo, geometry.order_quad(corners))
    assert flat.shape[1] == pytest.approx(page.shape[1], rel=0.12)
    assert flat.shape[0] == pytest.approx(page.shape[0], rel=0.12)
    small, _ = geometry.probe(flat)
    skew, _ = geometry.estimate_skew(small)
    assert abs(skew) < 1.0


def test_find_page_quad_ignores_ordinary_scans(page: np.ndarray) -> None:
    small, _ = geometry.probe(page)
    assert geometry.find_page_quad(small) is None


def test_order_quad() -> None:
    points = np.array([[10, 90], [90, 95], [5, 5], [95, 8]], np.float32)
    assert geometry.order_quad(points).tolist() == [[5, 5], [95, 8], [90, 95], [10, 90]]


def test_find_page_quad_ignores_a_shaded_scan(page: np.ndarray) -> None:
    light = np.linspace(1.0, 0.45, page.shape[1], dtype=np.float32)[None, :]
    shaded = np.clip(page * light, 0, 255).astype(np.uint8)
    small, _ = geometry.probe(shaded)
    assert geometry.find_page_quad(small) is None
