"""Print and paper marks: inverse bands, guilloche paper, stamps over digits, speckle; and the new levels."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.corpus.degrade import LEVELS, apply_mark, degrade_page
from ocr.corpus.marks import BAND_COLOURS, digit_boxes, guilloche, inverse_band, speckle, stamp
from ocr.corpus.render import RenderedPage, WordBox

NEW_LEVELS = ("inverse", "guilloche", "stamp", "speckle", "photo180")


@pytest.fixture
def page() -> np.ndarray:
    """A white A4-proportioned RGB page with two black 'lines of text' at the top and an ID further down."""
    image = np.full((700, 500, 3), 255, np.uint8)
    image[60:80, 60:440:6] = 0  # header strokes
    image[100:120, 60:440:6] = 0
    image[400:420, 200:320:5] = 0  # the ID's strokes
    return image


@pytest.fixture
def layout(page: np.ndarray) -> RenderedPage:
    """Boxes of the fixture page: two header lines and the word holding a citizen ID."""
    return RenderedPage(page, ("ỦY BAN NHÂN DÂN", "HUYỆN X", "Số CCCD: 049085001234"),
                        ((60, 60, 440, 80), (60, 100, 440, 120), (60, 400, 320, 420)),
                        (WordBox("Số", (60, 400, 90, 420)), WordBox("049085001234", (200, 400, 320, 420))))


def test_inverse_band_prints_the_text_white_on_a_dark_band(page: np.ndarray) -> None:
    out = inverse_band(page, (40, 40, 460, 140), BAND_COLOURS[0])
    assert tuple(out[50, 50]) == BAND_COLOURS[0]  # paper became band
    assert out[70, 60].min() >= 240  # ink became light
    assert np.array_equal(out[300:], page[300:])


def test_guilloche_tints_the_paper_pink_and_keeps_the_ink_dark(page: np.ndarray) -> None:
    out = guilloche(page, np.random.default_rng(3))
    paper = out[300:380, 20:480].reshape(-1, 3).astype(int)
    assert (paper[:, 0] > paper[:, 1]).mean() > 0.95  # red above green: pink
    assert paper[:, 1].std() > 3  # a pattern, not a flat tint
    assert out[70, 60].max() <= 5


def test_stamp_puts_red_over_the_place(page: np.ndarray) -> None:
    out = stamp(page, np.random.default_rng(1), (260, 410), 80)
    ring = out[330:490, 180:340].reshape(-1, 3).astype(int)
    assert ((ring[:, 0] - ring[:, 1]) > 60).mean() > 0.05
    assert np.array_equal(out[:200], page[:200])
    assert np.array_equal(stamp(page, np.random.default_rng(1), (5000, 5000), 80), page)


def test_speckle_adds_dark_and_light_specks(page: np.ndarray) -> None:
    out = speckle(page, np.random.default_rng(2), 20.0)
    changed = np.any(out != page, axis=2)
    assert 0.001 < changed.mean() < 0.2


def test_digit_boxes_put_ids_first_and_cut_out_the_digits() -> None:
    words = [("Số:", (0, 0, 30, 10)), ("07/QĐ-UBND", (100, 0, 200, 10)), ("Số CCCD: 049085001234", (300, 0, 510, 10))]
    assert digit_boxes(words) == [(390, 0, 510, 10), (100, 0, 120, 10)]


@pytest.mark.parametrize("mark", ["inverse", "stamp"])
def test_placed_marks_need_the_page_layout(mark: str, page: np.ndarray, layout: RenderedPage) -> None:
    assert np.array_equal(apply_mark(page, mark, np.random.default_rng(0), None), page)
    assert not np.array_equal(apply_mark(page, mark, np.random.default_rng(0), layout), page)


def test_stamp_level_covers_the_id(page: np.ndarray, layout: RenderedPage) -> None:
    out = apply_mark(page, "stamp", np.random.default_rng(4), layout)
    region = out[300:520, 100:420].reshape(-1, 3).astype(int)
    assert ((region[:, 0] - region[:, 1]) > 60).any()


@pytest.mark.parametrize("level", NEW_LEVELS)
def test_new_levels_are_deterministic_and_change_the_page(level: str, page: np.ndarray, layout: RenderedPage) -> None:
    spec = LEVELS[level]
    runs = [degrade_page(page, spec, np.random.default_rng(9), colour=True, rotation=180 if spec.quarter_turn else 0,
                         layout=layout) for _ in range(2)]
    assert np.array_equal(runs[0].image, runs[1].image)
    assert runs[0].image.shape != page.shape or not np.array_equal(runs[0].image, page)
    if level == "photo180":
        assert runs[0].rotation == 180 and spec.photo and spec.turns == (180,)


def test_levels_keep_their_order_and_names() -> None:
    assert tuple(LEVELS)[:7] == ("clean", "light", "medium", "heavy", "rotated", "photo", "pdf200")
    assert tuple(LEVELS)[7:] == NEW_LEVELS
