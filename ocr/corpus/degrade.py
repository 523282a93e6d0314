"""Scan and photo degradations as pure functions on numpy arrays, and the corpus's levels.

Every function takes an image (H×W grey or H×W×3 RGB, uint8) and returns a new one; randomness
comes only from the :class:`numpy.random.Generator` passed in, so a level applied with the same
generator gives the same pixels. Conventions: ``skew`` is in degrees, positive counter-clockwise;
``rotation`` is 0/90/180/270 degrees clockwise (turn the image back counter-clockwise to read it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr.corpus.marks import BAND_COLOURS, digit_boxes, guilloche, inverse_band, speckle, stamp

if TYPE_CHECKING:
    from ocr.corpus.render import RenderedPage

__all__ = [
    "LEVELS",
    "Degraded",
    "LevelSpec",
    "add_noise",
    "apply_mark",
    "blur",
    "degrade_page",
    "lower_contrast",
    "paper_tone",
    "photograph",
    "rescale",
    "rotate_quarter",
    "shade",
    "skew",
    "to_grey",
    "whiten",
]


@dataclass(frozen=True)
class LevelSpec:
    """How one degradation level treats a page (ranges are sampled per document).

    ``mark`` names a print or paper mark of :mod:`ocr.corpus.marks` applied to the clean page
    first; ``turns`` are the quarter turns a ``quarter_turn`` level draws from.
    """

    name: str
    noise: tuple[float, float] = (0.0, 0.0)
    blur: tuple[float, float] = (0.0, 0.0)
    contrast: tuple[float, float] = (1.0, 1.0)
    max_skew: float = 0.0
    shade: float = 0.0
    jpeg_quality: int | None = None
    white_point: int | None = None
    colour_share: float = 0.3
    quarter_turn: bool = False
    photo: bool = False
    dpi: int = 300
    mark: str = ""
    turns: tuple[int, ...] = (90, 180, 270)


LEVELS: dict[str, LevelSpec] = {
    spec.name: spec
    for spec in (
        LevelSpec("clean"),
        LevelSpec("light", noise=(2.0, 4.0), max_skew=1.5, white_point=226),
        LevelSpec("medium", noise=(5.0, 9.0), blur=(0.5, 0.8), contrast=(0.78, 0.88), max_skew=5.0,
                  shade=0.08, jpeg_quality=60, colour_share=0.4),
        LevelSpec("heavy", noise=(14.0, 20.0), blur=(1.0, 1.4), contrast=(0.55, 0.68), max_skew=10.0,
                  shade=0.22, jpeg_quality=40, colour_share=0.4),
        LevelSpec("rotated", noise=(2.0, 4.0), max_skew=1.5, quarter_turn=True, white_point=226),
        LevelSpec("photo", noise=(3.0, 6.0), blur=(0.4, 0.8), max_skew=0.0, jpeg_quality=85,
                  colour_share=1.0, photo=True),
        LevelSpec("pdf200", noise=(1.5, 3.0), max_skew=1.0, jpeg_quality=85, colour_share=1.0, dpi=200),
        LevelSpec("inverse", noise=(2.0, 4.0), max_skew=1.5, colour_share=0.7, mark="inverse"),
        LevelSpec("guilloche", noise=(2.0, 4.0), max_skew=1.0, colour_share=0.8, mark="guilloche"),
        LevelSpec("stamp", noise=(2.0, 4.0), max_skew=1.5, colour_share=0.7, mark="stamp"),
        LevelSpec("speckle", noise=(6.0, 10.0), blur=(0.5, 0.8), contrast=(0.42, 0.55), max_skew=1.5,
                  jpeg_quality=60, colour_share=0.2, mark="speckle"),
        LevelSpec("photo180", noise=(3.0, 6.0), blur=(0.4, 0.8), jpeg_quality=85, colour_share=1.0, photo=True,
                  quarter_turn=True, turns=(180,)),
    )
}


@dataclass(frozen=True)
class Degraded:
    """A degraded page and what was done to it."""

    image: np.ndarray
    skew: float
    rotation: int
    dpi: int


def to_grey(image: np.ndarray) -> np.ndarray:
    """RGB to 8-bit grey (ITU-R 601 luma); grey input is returned unchanged."""
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def _apply_lut(image: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """Map pixel values through one 256-entry table per channel (``tables`` is 3×256 for RGB)."""
    luts = np.clip(np.rint(tables), 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.LUT(image, luts[1])
    return cv2.LUT(image, np.ascontiguousarray(luts.T.reshape(256, 1, 3)))


def paper_tone(image: np.ndarray, rng: np.random.Generator, depth: float = 10.0) -> np.ndarray:
    """Off-white paper: white becomes a slightly warm grey up to ``depth`` levels darker."""
    tone = np.array([rng.uniform(0, depth / 2), rng.uniform(depth / 3, depth), rng.uniform(depth / 2, depth * 1.5)])
    values = np.arange(256, dtype=np.float64)[None, :]
    return _apply_lut(image, values * ((255.0 - tone[:, None]) / 255.0))


def _per_channel(image: np.ndarray, step: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply a 2-D step to each channel (keeps float temporaries one channel large)."""
    if image.ndim == 2:
        return step(image)
    return cv2.merge([step(np.ascontiguousarray(channel)) for channel in cv2.split(image)])


def add_noise(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Gaussian sensor noise of standard deviation ``sigma`` grey levels (shared by the channels)."""
    if sigma <= 0:
        return image.copy()
    noise = rng.standard_normal(image.shape[:2], dtype=np.float32) * np.float32(sigma)
    return _per_channel(image, lambda channel: cv2.add(channel, noise, dtype=cv2.CV_8U))


def whiten(image: np.ndarray, threshold: int) -> np.ndarray:
    """A scanner's background suppression: every value above ``threshold`` becomes white."""
    out = image.copy()
    out[out > threshold] = 255
    return out


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur (out of focus, or the optics of a cheap scanner)."""
    if sigma <= 0:
        return image.copy()
    return cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REPLICATE)


def lower_contrast(image: np.ndarray, factor: float) -> np.ndarray:
    """Faded ink: distances from white shrink by ``factor`` (1 = unchanged)."""
    values = np.arange(256, dtype=np.float64)
    return _apply_lut(image, np.tile(255.0 - (255.0 - values) * factor, (3, 1)))


def shade(image: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Uneven illumination: a linear gradient in a random direction darkening up to ``strength``."""
    if strength <= 0:
        return image.copy()
    height, width = image.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    small_h, small_w = max(2, height // 16), max(2, width // 16)
    ys = np.linspace(-0.5, 0.5, small_h, dtype=np.float32)[:, None]
    xs = np.linspace(-0.5, 0.5, small_w, dtype=np.float32)[None, :]
    ramp = np.float32(np.cos(angle)) * xs + np.float32(np.sin(angle)) * ys
    small = 1.0 - np.float32(strength) * (ramp - ramp.min()) / (ramp.max() - ramp.min())
    light = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return _per_channel(image, lambda channel: cv2.multiply(channel, light, dtype=cv2.CV_8U))


def _fill(image: np.ndarray) -> tuple[int, ...]:
    corner = image[:8, :8].reshape(-1, 1 if image.ndim == 2 else 3)
    return tuple(int(v) for v in np.median(corner, axis=0))


def skew(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees (positive counter-clockwise), enlarging the canvas so nothing is cut;
    the new corners get the paper colour of the top-left corner."""
    if angle == 0:
        return image.copy()
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(np.ceil(width * cos + height * sin)), int(np.ceil(width * sin + height * cos))
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=_fill(image))


def rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    """Rotate by 0, 90, 180 or 270 degrees clockwise."""
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90, not {rotation}")
    return np.ascontiguousarray(np.rot90(image, k=-(rotation // 90) % 4))


def rescale(image: np.ndarray, factor: float) -> np.ndarray:
    """Resample by ``factor`` (area averaging when shrinking, as a scanner at lower dpi)."""
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


def _desk(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    base = (rng.uniform(120, 170), rng.uniform(80, 115), rng.uniform(45, 75))
    noise = rng.standard_normal((height, width), dtype=np.float32)
    grain = cv2.GaussianBlur(noise, (0, 0), sigmaX=3, sigmaY=18)
    return cv2.merge([cv2.convertScaleAbs(grain, alpha=14.0, beta=level) for level in base])


def photograph(image: np.ndarray, rng: np.random.Generator, long_side: int) -> np.ndarray:
    """A phone photo of the page: perspective onto a desk, a soft shadow, long side ``long_side`` px."""
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    out_h, out_w = long_side, round(long_side * 3 / 4)
    page_w = out_w * rng.uniform(0.84, 0.92)
    page = rescale(rgb, page_w / rgb.shape[1])
    ph, pw = page.shape[:2]
    ox, oy = (out_w - pw) / 2, (out_h - ph) / 2
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    corners = np.array([[ox, oy], [ox + pw, oy], [ox + pw, oy + ph], [ox, oy + ph]], dtype=np.float32)
    target = corners + rng.uniform(-0.035, 0.035, size=(4, 2)).astype(np.float32) * np.float32(out_w)
    matrix = cv2.getPerspectiveTransform(source, target)
    scene = _desk(rng, out_h, out_w)
    cv2.warpPerspective(page, matrix, (out_w, out_h), dst=scene, flags=cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_TRANSPARENT)
    scene = shade(scene, rng, rng.uniform(0.15, 0.3))
    return _shadow(scene, rng)


def _shadow(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A soft shadow (the phone or a hand) over one corner of the scene."""
    height, width = image.shape[:2]
    cx, cy = float(rng.choice([0.0, 1.0])), rng.uniform(0, 1)
    yy, xx = np.ogrid[: max(2, height // 16), : max(2, width // 16)]
    distance = np.sqrt((xx / xx.shape[1] - cx) ** 2 + (yy / yy.shape[0] - cy) ** 2).astype(np.float32)
    small = 1 - np.float32(rng.uniform(0.25, 0.4)) * np.clip(1 - distance / 0.45, 0, 1)
    light = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return _per_channel(image, lambda channel: cv2.multiply(channel, light, dtype=cv2.CV_8U))


def _band_box(layout: RenderedPage, width: int) -> tuple[int, int, int, int] | None:
    """The letterhead band: the first two header lines, across the text width, with a margin."""
    boxes = layout.line_boxes[:2]
    if not boxes:
        return None
    pad = 24
    top, bottom = min(b[1] for b in boxes) - pad, max(b[3] for b in boxes) + pad
    left, right = round(width * 30 / 210) - pad, round(width * 190 / 210) + pad
    return max(0, left), max(0, top), min(width, right), bottom


def apply_mark(page: np.ndarray, mark: str, rng: np.random.Generator, layout: RenderedPage | None) -> np.ndarray:
    """Apply print/paper ``mark`` to a clean RGB page; marks that need a place on the page (an inverse
    band over the header, a stamp over digits) apply only when ``layout`` (the page's boxes) is given."""
    if mark == "guilloche":
        return guilloche(page, rng, rng.uniform(0.6, 1.0))
    if mark == "speckle":
        return speckle(page, rng, rng.uniform(1.5, 3.0))
    if layout is None:
        return page
    if mark == "inverse":
        box = _band_box(layout, page.shape[1])
        colour = BAND_COLOURS[int(rng.integers(len(BAND_COLOURS)))]
        return page if box is None else inverse_band(page, box, colour)
    if mark == "stamp":
        out = page
        targets = digit_boxes([(w.text, w.box) for w in layout.words])
        second = len(targets) > 1 and rng.random() < 0.5  # sometimes a second stamp over another number
        for box in targets[:1] + ([targets[int(rng.integers(1, len(targets)))]] if second else []):
            left, top, right, bottom = box
            radius = int(rng.integers(170, 240))
            centre = (int(rng.uniform(left, right)) + int(rng.choice([-1, 1])) * int(radius * rng.uniform(0.2, 0.8)),
                      (top + bottom) // 2 + int(rng.integers(-radius // 2, radius // 2)))
            out = stamp(out, rng, centre, radius)
        return out
    raise ValueError(f"unknown mark {mark!r}")


def degrade_page(
    page: np.ndarray, spec: LevelSpec, rng: np.random.Generator, *, colour: bool, rotation: int = 0,
    layout: RenderedPage | None = None,
) -> Degraded:
    """Apply level ``spec`` to a clean 300-dpi RGB page; ``colour=False`` scans it in grey.

    ``layout`` (the rendered page's line and word boxes) places the level's mark where it needs a
    place (the letterhead band, a stamp over an ID); pages without it get only the marks that cover
    the whole page.
    """
    if spec.mark:
        page = apply_mark(page, spec.mark, rng, layout)
    image = page if colour else to_grey(page)
    if spec.name == "clean":
        return Degraded(image.copy(), 0.0, 0, spec.dpi)
    image = paper_tone(image, rng, depth=rng.uniform(4, 14))
    image = lower_contrast(image, rng.uniform(*spec.contrast))
    image = shade(image, rng, spec.shade * rng.uniform(0.6, 1.0))
    angle = round(float(rng.uniform(-spec.max_skew, spec.max_skew)), 2) if spec.max_skew else 0.0
    image = skew(image, angle)
    if spec.photo:
        image = photograph(image, rng, int(rng.integers(2400, 3001)))
    image = blur(image, rng.uniform(*spec.blur))
    dpi = spec.dpi
    if spec.dpi != 300:
        image = rescale(image, spec.dpi / 300)
    if spec.photo:
        dpi = round(image.shape[1] / 8.27 * 0.88)
    image = add_noise(image, rng, rng.uniform(*spec.noise))
    if spec.white_point is not None:
        image = whiten(image, spec.white_point)
    image = rotate_quarter(image, rotation)
    return Degraded(image, angle, rotation, dpi)
