"""Photometric steps on rendered pages: each measurement and each correction, separately."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr import clean, geometry, prepare


def _with_red_stamp(page: np.ndarray) -> np.ndarray:
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    cv2.circle(colour, (1800, 900), 260, (40, 40, 210), 18)
    cv2.putText(colour, "UBND", (1620, 930), cv2.FONT_HERSHEY_SIMPLEX, 3, (40, 40, 210), 12)
    return colour


def _gradient(page: np.ndarray, strength: float = 0.55) -> np.ndarray:
    h, w = page.shape
    light = np.linspace(1.0, 1.0 - strength, w, dtype=np.float32)[None, :] * np.ones((h, 1), np.float32)
    return np.clip(page.astype(np.float32) * light, 0, 255).astype(np.uint8)


def test_red_stamp_is_measured_and_fades_in_the_red_channel(page: np.ndarray) -> None:
    stamped = _with_red_stamp(page)
    assert clean.red_ink_share(page) == 0.0
    assert clean.red_ink_share(stamped) > 0.003
    grey = clean.grey_for_recognition(stamped, drop_red=True)
    assert grey[900, 1800 - 260] > 200                  # the seal's ring is now light
    assert np.array_equal(grey < 128, page < 128)       # black print unchanged


def test_background_unevenness_separates_flat_from_shaded(page: np.ndarray) -> None:
    flat, _ = geometry.probe(page)
    shaded, _ = geometry.probe(_gradient(page))
    assert clean.background_unevenness(flat) < 10
    assert clean.background_unevenness(shaded) > 60


def test_normalize_illumination_flattens_the_paper(page: np.ndarray) -> None:
    fixed = clean.normalize_illumination(_gradient(page))
    small, _ = geometry.probe(fixed)
    assert clean.background_unevenness(small) < 15
    assert fixed[:, -100:].mean() > 240          # the dark side is white again
    assert (fixed < 128).sum() == pytest.approx((page < 128).sum(), rel=0.2)


def test_noise_level_and_denoise(page: np.ndarray) -> None:
    noisy = np.clip(page.astype(np.int16) + np.random.default_rng(1).normal(0, 20, page.shape), 0, 255)
    noisy = noisy.astype(np.uint8)
    assert clean.noise_level(page) < 2
    assert clean.noise_level(noisy) > prepare.NOISE_SIGMA
    assert clean.noise_level(clean.denoise(noisy)) < clean.noise_level(noisy) / 2


def test_speckles_are_measured(page: np.ndarray) -> None:
    specked = page.copy()
    rng = np.random.default_rng(2)
    specked[rng.integers(0, page.shape[0], 4000), rng.integers(0, page.shape[1], 4000)] = 0
    assert clean.speckle_share(page) < 0.3
    assert clean.speckle_share(specked) > 0.5
    assert clean.speckle_share(clean.denoise(specked)) < 0.3


def test_binarize_gives_black_and_white_only(page: np.ndarray) -> None:
    faint = (page.astype(np.float32) * 0.3 + 150).astype(np.uint8)
    assert clean.contrast(faint) < 90
    out = clean.binarize(clean.stretch_contrast(faint))
    assert set(np.unique(out).tolist()) <= {0, 255}
    assert (out == 0).sum() == pytest.approx((page < 128).sum(), rel=0.3)


def test_blank_detection(page: np.ndarray) -> None:
    paper = np.full((1754, 1240), 235, np.uint8)
    paper = np.clip(paper + np.random.default_rng(3).normal(0, 3, paper.shape), 0, 255).astype(np.uint8)
    paper[400, 500] = paper[900:902, 700:702] = 30                 # a few specks of dust
    assert clean.is_blank(geometry.probe(paper)[0])
    assert not clean.is_blank(geometry.probe(page)[0])
    one_line = np.full_like(page, 255)
    one_line[700:750] = page[160:210]
    assert not clean.is_blank(geometry.probe(one_line)[0])


def test_text_height_scales_with_resolution(page: np.ndarray) -> None:
    full = clean.text_height(page)
    half = clean.text_height(clean.resample(page, 0.5))
    assert 28 <= full <= 40
    assert half == pytest.approx(full / 2, rel=0.2)
    assert clean.text_height(np.full((300, 300), 255, np.uint8)) == 0.0


def test_resample_changes_size_only_when_asked(page: np.ndarray) -> None:
    assert clean.resample(page, 1.0) is page
    assert clean.resample(page, 2.0).shape == (page.shape[0] * 2, page.shape[1] * 2)
