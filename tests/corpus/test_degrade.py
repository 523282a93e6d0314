"""Degradations: pure, deterministic array functions with the documented conventions."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.corpus.degrade import (
    LEVELS,
    add_noise,
    blur,
    degrade_page,
    lower_contrast,
    paper_tone,
    photograph,
    rescale,
    rotate_quarter,
    shade,
    skew,
    to_grey,
    whiten,
)


@pytest.fixture
def page() -> np.ndarray:
    """A small white RGB 'page' with a black bar near the top left."""
    image = np.full((300, 200, 3), 255, np.uint8)
    image[20:40, 20:120] = 0
    return image


def test_to_grey(page: np.ndarray) -> None:
    grey = to_grey(page)
    assert grey.shape == (300, 200) and grey.dtype == np.uint8
    assert grey[30, 30] == 0 and grey[200, 100] == 255


def test_functions_do_not_modify_their_input(page: np.ndarray) -> None:
    before = page.copy()
    rng = np.random.default_rng(0)
    for out in (add_noise(page, rng, 5), blur(page, 1), lower_contrast(page, 0.5), shade(page, rng, 0.3),
                paper_tone(page, rng), skew(page, 3), whiten(page, 200), rescale(page, 0.5)):
        assert out.dtype == np.uint8
    assert np.array_equal(page, before)


def test_lower_contrast_lightens_ink(page: np.ndarray) -> None:
    out = lower_contrast(page, 0.6)
    assert out[30, 30, 0] == round(255 - 255 * 0.6) and out[200, 100, 0] == 255


def test_noise_is_deterministic_per_generator(page: np.ndarray) -> None:
    a = add_noise(page, np.random.default_rng(4), 8)
    b = add_noise(page, np.random.default_rng(4), 8)
    c = add_noise(page, np.random.default_rng(5), 8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_quarter_turns_are_clockwise(page: np.ndarray) -> None:
    turned = rotate_quarter(page, 90)
    assert turned.shape == (200, 300, 3)
    # The bar near the top-left ends up near the top-right after a clockwise quarter turn.
    assert turned[30, 300 - 30, 0] == 0
    assert np.array_equal(rotate_quarter(rotate_quarter(page, 270), 90), page)
    with pytest.raises(ValueError):
        rotate_quarter(page, 45)


def test_skew_enlarges_the_canvas_and_keeps_paper_colour(page: np.ndarray) -> None:
    out = skew(page, 10)
    assert out.shape[0] > page.shape[0] and out.shape[1] > page.shape[1]
    assert tuple(out[0, 0]) == (255, 255, 255)
    assert np.array_equal(skew(page, 0), page)


def test_shade_darkens_one_side(page: np.ndarray) -> None:
    out = shade(page, np.random.default_rng(1), 0.3)
    assert out.min() >= 255 * 0.69 - 1 or out[30, 30, 0] == 0
    assert int(out[250:, :].mean()) != int(out[:50, :].mean()) or int(out[:, :20].mean()) != int(out[:, -20:].mean())


def test_photograph_puts_the_page_on_a_desk(page: np.ndarray) -> None:
    photo = photograph(page, np.random.default_rng(2), 400)
    assert photo.shape == (400, 300, 3)
    corner = photo[:5, :5].astype(int)
    assert (corner[..., 0] > corner[..., 2]).all(), "the desk is brown, not paper white"


@pytest.mark.parametrize("level", list(LEVELS))
def test_every_level_is_deterministic(level: str, page: np.ndarray) -> None:
    spec = LEVELS[level]
    a = degrade_page(page, spec, np.random.default_rng(7), colour=False, rotation=90 if spec.quarter_turn else 0)
    b = degrade_page(page, spec, np.random.default_rng(7), colour=False, rotation=90 if spec.quarter_turn else 0)
    assert np.array_equal(a.image, b.image) and a.skew == b.skew
    assert abs(a.skew) <= spec.max_skew
    assert a.image.dtype == np.uint8


def test_clean_level_changes_nothing(page: np.ndarray) -> None:
    out = degrade_page(page, LEVELS["clean"], np.random.default_rng(0), colour=True)
    assert np.array_equal(out.image, page) and out.skew == 0 and out.rotation == 0 and out.dpi == 300


def test_pdf200_is_resampled_to_200_dpi(page: np.ndarray) -> None:
    out = degrade_page(page, LEVELS["pdf200"], np.random.default_rng(0), colour=True)
    assert out.dpi == 200
    assert abs(out.image.shape[1] - 200 * 2 / 3) <= 10
