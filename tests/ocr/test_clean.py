"""Photometric steps on rendered pages: each measurement and each correction, separately."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from colour_pages import coloured_cover_page, inverse_band_page, pink_pattern_page, red_stamp_page

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


# Colour and polarity (issue 13 item 4).


def test_inverse_band_is_found_and_nothing_else(page: np.ndarray) -> None:
    coloured = inverse_band_page()
    small, _ = geometry.probe(cv2.cvtColor(coloured, cv2.COLOR_BGR2GRAY))
    mask = clean.inverse_regions(small)
    h, w = small.shape
    band = mask[round(130 / 1700 * h): round(410 / 1700 * h), round(110 / 2480 * w): round(2370 / 2480 * w)]
    assert band.mean() > 0.97                               # the whole band, corners included
    assert not mask[round(560 / 1700 * h):].any()          # black-on-white body text keeps its polarity
    plain, _ = geometry.probe(page)
    assert not clean.inverse_regions(plain).any()


def test_inverted_band_reads_dark_on_light_with_a_clean_edge() -> None:
    grey = cv2.cvtColor(inverse_band_page(), cv2.COLOR_BGR2GRAY)
    small, _ = geometry.probe(grey)
    out = clean.invert_regions(grey, clean.inverse_regions(small))
    assert np.median(out[130:410, 110:2370]) > 200         # the band's ground is now light
    assert (out[130:410, 110:2370] < 80).mean() > 0.02      # and its letters dark
    assert (out[100:125, :] > 200).all()                   # the paper above the band stays paper
    assert np.array_equal(out[500:], grey[500:])


def test_dark_print_on_a_mid_grey_box_is_not_inverted(page: np.ndarray) -> None:
    boxed = page.copy()
    boxed[100:600] = np.minimum(boxed[100:600], 120)        # black text on a grey box
    small, _ = geometry.probe(boxed)
    assert not clean.inverse_regions(small).any()


def test_channel_choice() -> None:
    assert clean.best_channel(geometry.probe_colour(pink_pattern_page())) == "red"      # the pattern whitens
    assert clean.best_channel(geometry.probe_colour(coloured_cover_page())) == "green"  # the red ground darkens
    assert clean.best_channel(geometry.probe_colour(inverse_band_page())) == "luminance"
    assert clean.colourfulness(pink_pattern_page()) > 25 > clean.colourfulness(red_stamp_page())


def test_separation_prefers_strong_clean_print() -> None:
    crisp = np.full((200, 200), 250, np.uint8)
    crisp[50:150:10] = 10
    faint = np.where(crisp < 128, 200, 250).astype(np.uint8)
    assert clean.separation(crisp) > 0.8 > 0.2 > clean.separation(faint)
    assert clean.separation(255 - crisp) == pytest.approx(clean.separation(crisp), abs=0.02)


def test_lost_text_is_measured_per_tile(page: np.ndarray) -> None:
    plain, _ = geometry.probe(page)
    lost = plain.copy()
    lost[: plain.shape[0] // 2] = 255                       # cleaning wiped out the upper half
    assert clean.lost_text_share(plain, plain) == 0.0
    assert clean.lost_text_share(plain, lost) > 0.3
    assert clean.lost_text_share(plain, 255 - plain) == 0.0  # polarity alone loses nothing


def test_red_seal_letters_dropped_on_purpose_are_not_lost_text(page: np.ndarray) -> None:
    stamped = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    for x, y in ((1800, 900), (1000, 500), (600, 400)):
        cv2.circle(stamped, (x, y), 200, (40, 40, 210), 18)
        cv2.putText(stamped, "UBND", (x - 150, y + 30), cv2.FONT_HERSHEY_SIMPLEX, 3, (40, 40, 210), 12)
    plain, _ = geometry.probe(cv2.cvtColor(stamped, cv2.COLOR_BGR2GRAY))
    dropped, _ = geometry.probe(clean.grey_for_recognition(stamped, drop_red=True))
    assert clean.lost_text_share(plain, dropped) > 0.01          # the seals' letters vanish ...
    plain_without_seals = clean.without_red_ink(plain, stamped)   # (the colour page is scaled to the probe)
    assert clean.lost_text_share(plain_without_seals, dropped) == 0.0   # ... but no text was lost
