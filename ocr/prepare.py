"""Decide and apply the corrections one page needs, from measurements on that page.

:func:`plan_page` measures a page (on small probe copies) and returns a :class:`PagePlan` saying
which steps to apply; :func:`apply_geometry` makes the archive image (colour or grey, upright,
straightened, photo perspective removed) and :func:`recognition_image` the grey image handed to
Tesseract. A clean 300 dpi scan gets an empty plan and reaches Tesseract unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ocr import clean, geometry

LOW_DPI = 200
TARGET_DPI = 300
MAX_UPSCALE = 4.0
MIN_LETTER_HEIGHT = 14.0
TARGET_LETTER_HEIGHT = 18.0
MIN_SKEW = 0.4
MIN_SKEW_STRENGTH = 1.15
RED_SHARE = 0.003
UNEVEN_BACKGROUND = 20.0
NOISE_SIGMA = 6.0
SPECKLE_SHARE = 0.3
LOW_CONTRAST = 90.0
FLOOD_SHARE = 0.3
SIDEWAYS_RATIO = 1.1
SIDEWAYS_SEARCH = 3.0
COLOURED_PAPER = 25.0


@dataclass(frozen=True)
class PagePlan:
    """The corrections chosen for one page, and what was measured to choose them."""

    rotation: int = 0
    quad: np.ndarray | None = field(default=None, compare=False)
    skew: float = 0.0
    border: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    drop_red: bool = False
    channel: str = "luminance"
    inverse: np.ndarray | None = field(default=None, compare=False)
    scale: float = 1.0
    illumination: bool = False
    denoise: bool = False
    stretch: bool = False
    binarize: bool = False
    blank: bool = False
    measures: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def sideways(self) -> bool:
        """True when the text lines run up or down the page (a 90 or 270 degree turn is likely)."""
        return self.measures.get("sideways", 0.0) >= SIDEWAYS_RATIO

    def steps(self) -> list[str]:
        """Names of the steps this plan applies, in order (for logs and warnings)."""
        flags = [
            ("perspective", self.quad is not None), ("rotate", self.rotation != 0), ("deskew", self.skew != 0),
            ("border", any(self.border)), ("drop-red", self.drop_red),
            ("channel", self.channel not in ("luminance", "red")), ("invert", self.inverse is not None),
            ("resample", self.scale != 1.0),
            ("denoise", self.denoise), ("illumination", self.illumination), ("stretch", self.stretch),
            ("binarize", self.binarize),
        ]
        return [name for name, used in flags if used]


def recognition_scale(dpi: int, letter_height: float) -> float:
    """Enlargement for recognition of a page at ``dpi`` whose letters measure ``letter_height`` px.

    Pages under 200 dpi (or with tall letters under 14 px) are enlarged so that tall letters measure
    about 18 px, which Tesseract read best on real low-resolution scans (more only blurs), at most 4x;
    without a usable letter height, to 300 dpi at most 2x.
    """
    if dpi >= LOW_DPI and (letter_height == 0 or letter_height >= MIN_LETTER_HEIGHT):
        return 1.0
    factor = TARGET_LETTER_HEIGHT / letter_height if letter_height > 0 else min(2.0, TARGET_DPI / max(dpi, 1))
    return round(min(MAX_UPSCALE, max(1.0, factor)), 2)


def plan_geometry(image: np.ndarray, rotation: int = 0) -> tuple[np.ndarray | None, float, dict[str, float]]:
    """The photo quadrilateral (full-image coordinates) and the skew of ``image`` turned by ``rotation``."""
    small, scale = geometry.probe(image)
    measures: dict[str, float] = {}
    quad = geometry.find_page_quad(small)
    if quad is not None:
        quad = quad / scale
        small, _ = geometry.probe(geometry.warp_quad(image, quad))
    small = geometry.rotate_quarter(small, rotation)
    skew, strength = geometry.estimate_skew(small)
    measures.update(skew=skew, skew_strength=round(strength, 2))
    if rotation == 0:
        # Text lines show far clearer across a quarter turn: the page lies on its side.
        _, across = geometry.estimate_skew(geometry.rotate_quarter(small, 90), SIDEWAYS_SEARCH)
        measures["sideways"] = round(across / max(strength, 1.0), 2)
    if abs(skew) < MIN_SKEW or strength < MIN_SKEW_STRENGTH:
        skew = 0.0
    return quad, skew, measures


def apply_geometry(image: np.ndarray, plan: PagePlan) -> np.ndarray:
    """The archive image: ``image`` with the plan's perspective, quarter turn and deskew applied."""
    out = image if plan.quad is None else geometry.warp_quad(image, plan.quad)
    out = geometry.rotate_quarter(out, plan.rotation)
    return geometry.deskew(out, plan.skew) if plan.skew else out


@dataclass(frozen=True)
class Photometry:
    """The photometric steps chosen for an upright page, and the measurements behind them."""

    border: tuple[float, float, float, float]
    drop_red: bool
    channel: str
    inverse: np.ndarray | None
    scale: float
    illumination: bool
    denoise: bool
    stretch: bool
    binarize: bool
    blank: bool
    measures: dict[str, float]


def choose_channel(upright: np.ndarray) -> tuple[str, float, float]:
    """The grey conversion for recognition, the red-ink share and the paper's colourfulness.

    A coloured page (pink certificate paper, a coloured cover) is read in the channel that
    separates print from ground best; on white paper red seals make the red channel the choice
    (seals fade, black and blue ink stay); otherwise luminance.
    """
    if upright.ndim == 2:
        return "luminance", 0.0, 0.0
    red = clean.red_ink_share(upright[::2, ::2])
    colour = clean.colourfulness(upright)
    if colour >= COLOURED_PAPER:
        return clean.best_channel(geometry.probe_colour(upright)), red, colour
    return ("red" if red >= RED_SHARE else "luminance"), red, colour


def plan_photometry(upright: np.ndarray, dpi: int) -> Photometry:
    """Measure the upright archive image and choose the photometric steps it needs."""
    channel, red, colour = choose_channel(upright)
    grey = clean.grey_channel(upright, channel)
    small, probe_scale = geometry.probe(grey)
    # Light print on dark ground (inverse bands, dark covers): turned dark on light before any other step.
    inverse = clean.inverse_regions(small)
    mask = inverse if inverse.any() else None
    if mask is not None:
        small = clean.invert_regions(small, mask)
        grey = clean.invert_regions(grey, mask)
    border = geometry.dark_border(small)
    small = geometry.fill_border(small, border) if any(border) else small
    letters = clean.text_height(grey) if dpi < LOW_DPI else clean.text_height(small) / probe_scale
    scale = recognition_scale(dpi, letters)
    uneven = clean.background_unevenness(small)
    crop = clean.central_crop(grey)
    noise = clean.noise_level(grey)
    speckles = clean.speckle_share(crop)
    contrast = clean.contrast(small)
    chosen = Photometry(
        border=border, drop_red=channel == "red", channel=channel, inverse=mask, scale=scale,
        illumination=uneven >= UNEVEN_BACKGROUND,
        denoise=noise >= NOISE_SIGMA or speckles >= SPECKLE_SHARE, stretch=contrast < LOW_CONTRAST,
        binarize=False, blank=clean.is_blank(small), measures={},
    )
    # Tesseract thresholds globally (Otsu). If that would flood the page (grey frames, shading
    # the unevenness measure missed, noise), flatten the illumination; if it still would, binarise.
    flood = _flood(small, crop, chosen)
    if flood >= FLOOD_SHARE and not chosen.illumination:
        chosen = replace(chosen, illumination=True)
        flood = _flood(small, crop, chosen)
    return Photometry(
        border=border,
        drop_red=chosen.drop_red,
        channel=channel,
        inverse=mask,
        scale=scale,
        illumination=chosen.illumination,
        denoise=chosen.denoise,
        stretch=chosen.stretch,
        binarize=flood >= FLOOD_SHARE and not chosen.blank,
        blank=chosen.blank,
        measures={"letters": round(letters, 1), "red": round(red, 4), "colour": round(colour, 1),
                  "inverse": round(float(inverse.mean()), 3), "uneven": round(uneven, 1),
                  "noise": round(noise, 2), "speckles": round(speckles, 3), "contrast": round(contrast, 1),
                  "flood": round(flood, 3)},
    )


@dataclass(frozen=True)
class PreparedPage:
    """A page ready for recognition: the plan, the archive image and the recognition image."""

    plan: PagePlan
    archive: np.ndarray
    recognition: np.ndarray
    recognition_dpi: int


def prepare_page(image: np.ndarray, dpi: int, rotation: int = 0) -> PreparedPage:
    """Measure ``image`` (a page at ``dpi``), choose its corrections for ``rotation`` and apply them."""
    quad, skew, measures = plan_geometry(image, rotation)
    upright = apply_geometry(image, PagePlan(rotation=rotation, quad=quad, skew=skew))
    photo = plan_photometry(upright, dpi)
    plan = PagePlan(
        rotation=rotation, quad=quad, skew=skew, border=photo.border, drop_red=photo.drop_red,
        channel=photo.channel, inverse=photo.inverse, scale=photo.scale, illumination=photo.illumination,
        denoise=photo.denoise, stretch=photo.stretch,
        binarize=photo.binarize, blank=photo.blank, measures={**measures, **photo.measures},
    )
    recognition = recognition_image(upright, plan)
    return PreparedPage(plan, upright, recognition, round(dpi * plan.scale))


def turned_half(prepared: PreparedPage, image: np.ndarray) -> PreparedPage:
    """``prepared`` (made from ``image``) turned 180 degrees: the page prepared for the opposite rotation.

    A half turn changes none of the page's measurements (a tilted line keeps its slope, a red seal
    its share, the paper its light), so the plan is kept with its rotation, borders and inverse
    regions turned, and the photometry is not measured again. Without a deskew both images are
    simply rotated; with one, the geometry is measured on the turned page and both images are made
    again from ``image``, exactly as :func:`prepare_page` would (the skew measured the other way up
    differs by a few hundredths of a degree, which changes a few letters).
    """
    plan = prepared.plan
    top, bottom, left, right = plan.border
    turned = replace(
        plan, rotation=(plan.rotation + 180) % 360, border=(bottom, top, right, left),
        inverse=None if plan.inverse is None else np.ascontiguousarray(plan.inverse[::-1, ::-1]),
    )
    if plan.skew:
        quad, skew, measures = plan_geometry(image, turned.rotation)
        turned = replace(turned, quad=quad, skew=skew, measures={**plan.measures, **measures})
        upright = apply_geometry(image, turned)
        return PreparedPage(turned, upright, recognition_image(upright, turned), prepared.recognition_dpi)
    return PreparedPage(turned, geometry.rotate_quarter(prepared.archive, 180),
                        geometry.rotate_quarter(prepared.recognition, 180), prepared.recognition_dpi)


def _flood(small: np.ndarray, crop: np.ndarray, plan: Photometry) -> float:
    """Otsu's ink share after ``plan``'s steps, the larger of the whole page (probe) and a full-size crop."""
    return max(clean.otsu_ink_share(_photometric_steps(small, plan)),
               clean.otsu_ink_share(_photometric_steps(crop, plan)))


def _photometric_steps(grey: np.ndarray, plan: PagePlan | Photometry) -> np.ndarray:
    """Denoise, flatten the illumination and stretch the contrast of ``grey`` as ``plan`` says."""
    if plan.denoise:
        grey = clean.denoise(grey)
    if plan.illumination:
        grey = clean.normalize_illumination(grey)
    if plan.stretch:
        grey = clean.stretch_contrast(grey)
    return grey


def recognition_image(upright: np.ndarray, plan: PagePlan) -> np.ndarray:
    """The image for Tesseract: the archive image with the plan's photometric steps applied.

    Order: grey channel, invert light-on-dark regions, paint borders, enlarge (a median filter at a
    tiny scale erases letters), denoise, flatten illumination, stretch contrast, binarise. A colour
    page that needs none of these goes unchanged (Tesseract thresholds colour pages better than our
    grey conversion does).
    """
    photometric = any(plan.border) or plan.illumination or plan.denoise or plan.stretch or plan.binarize
    if upright.ndim == 3 and plan.channel == "luminance" and plan.inverse is None and not photometric:
        return clean.resample(upright, plan.scale)
    grey = clean.grey_channel(upright, plan.channel)
    if plan.inverse is not None:
        grey = clean.invert_regions(grey, plan.inverse)
    if any(plan.border):
        grey = geometry.fill_border(grey, plan.border)
    grey = clean.resample(grey, plan.scale)
    if plan.denoise:
        grey = clean.denoise(grey)
    if plan.illumination:
        grey = clean.normalize_illumination(grey)
    if plan.stretch:
        grey = clean.stretch_contrast(grey)
    if plan.binarize:
        grey = clean.binarize(grey)
    return grey
