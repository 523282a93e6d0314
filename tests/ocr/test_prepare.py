"""Choosing corrections from measurements: a clean page gets none, damaged pages get what they need."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from ocr import prepare

Rotate = Callable[[np.ndarray, float], np.ndarray]


def test_clean_300dpi_page_gets_an_empty_plan_and_reaches_tesseract_unchanged(page: np.ndarray) -> None:
    prepared = prepare.prepare_page(page, 300)
    assert prepared.plan.steps() == []
    assert prepared.archive is page
    assert prepared.recognition is page
    assert prepared.recognition_dpi == 300
    assert not prepared.plan.blank


def test_skewed_page_is_straightened(page: np.ndarray, rotate: Rotate) -> None:
    prepared = prepare.prepare_page(rotate(page, -6.0), 300)
    assert prepared.plan.skew == pytest.approx(-6.0, abs=0.3)
    assert prepared.plan.steps() == ["deskew"]


def test_small_skew_is_left_to_tesseract(page: np.ndarray, rotate: Rotate) -> None:
    assert prepare.prepare_page(rotate(page, 0.2), 300).plan.skew == 0.0


def test_quarter_turn_is_applied_before_measuring_skew(page: np.ndarray) -> None:
    sideways = cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)
    prepared = prepare.prepare_page(sideways, 300, rotation=90)
    assert prepared.archive.shape == page.shape
    assert prepared.plan.skew == 0.0


def test_low_resolution_page_is_enlarged_for_recognition_only(page: np.ndarray) -> None:
    small = cv2.resize(page, None, fx=1 / 3, fy=1 / 3, interpolation=cv2.INTER_AREA)
    prepared = prepare.prepare_page(small, 100)
    assert "resample" in prepared.plan.steps()
    assert prepared.archive.shape == small.shape
    assert prepared.recognition.shape[0] == pytest.approx(small.shape[0] * prepared.plan.scale, abs=1)
    assert prepared.recognition_dpi == round(100 * prepared.plan.scale)


def test_recognition_scale() -> None:
    assert prepare.recognition_scale(300, 33.0) == 1.0
    assert prepare.recognition_scale(100, 9.0) == 2.0
    assert prepare.recognition_scale(72, 3.0) == prepare.MAX_UPSCALE
    assert prepare.recognition_scale(100, 0.0) == 2.0
    assert prepare.recognition_scale(300, 10.0) == 1.8   # tiny print on a good scan


def test_shaded_page_gets_illumination_normalised(page: np.ndarray) -> None:
    light = np.linspace(1.0, 0.45, page.shape[1], dtype=np.float32)[None, :]
    shaded = np.clip(page * light, 0, 255).astype(np.uint8)
    prepared = prepare.prepare_page(shaded, 300)
    assert "illumination" in prepared.plan.steps()
    assert prepared.recognition[:, -60:].mean() > 240
    assert prepared.archive is shaded                      # the archive keeps the real page


def test_blank_page_is_flagged() -> None:
    paper = np.full((1754, 1240), 240, np.uint8)
    assert prepare.prepare_page(paper, 150).plan.blank


def test_sideways_page_is_recognised_from_its_line_profile(page: np.ndarray) -> None:
    assert not prepare.prepare_page(page, 300).plan.sideways
    assert not prepare.prepare_page(cv2.rotate(page, cv2.ROTATE_180), 300).plan.sideways
    for turn in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE):
        assert prepare.prepare_page(cv2.rotate(page, turn), 300).plan.sideways


def test_half_turn_of_a_prepared_page_equals_preparing_it_turned(rotate: Rotate) -> None:
    import colour_pages

    band = cv2.rotate(rotate(colour_pages.inverse_band_page(), 2.0), cv2.ROTATE_180)   # upside down, skewed
    measured = prepare.prepare_page(band, 300, 180)
    turned = prepare.turned_half(prepare.prepare_page(band, 300), band)
    assert turned.plan.rotation == 180 and turned.plan.steps() == measured.plan.steps()
    assert "invert" in turned.plan.steps() and turned.plan.skew == measured.plan.skew
    assert turned.recognition.shape == measured.recognition.shape
    differ = np.abs(turned.recognition.astype(np.int16) - measured.recognition.astype(np.int16)) > 64
    assert differ.mean() < 0.0001                                   # made again from the page: the same pixels
    assert prepare.turned_half(turned, band).plan.rotation == 0
    flat = prepare.prepare_page(colour_pages.inverse_band_page(), 300)
    assert flat.plan.skew == 0                                      # no deskew: the images are just rotated
    assert np.array_equal(prepare.turned_half(flat, band).recognition, cv2.rotate(flat.recognition, cv2.ROTATE_180))
    edged = prepare.PreparedPage(prepare.PagePlan(border=(0.1, 0.0, 0.2, 0.0)), band, band, 300)
    assert prepare.turned_half(edged, band).plan.border == (0.0, 0.1, 0.0, 0.2)     # top <-> bottom, left <-> right
