"""Photometric cleaning for recognition: grey conversion, illumination, noise, binarisation, blanks.

Every step is a pure function (array in, array out) and is applied only when a measurement on
the page says it is needed (see :func:`ocr.prepare.plan_page`): cleaning tuned on synthetic pages
can wreck real scans, so a clean page passes through untouched. The archive keeps the colour or
grey page; what these functions produce is only fed to the recogniser.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.geometry import background_value

BACKGROUND_KERNEL = 31


def red_ink_share(bgr: np.ndarray) -> float:
    """Share of pixels that are clearly red (stamps, seals) in a BGR image; 0 for grey images."""
    if bgr.ndim == 2:
        return 0.0
    sample = bgr[::4, ::4].astype(np.int16)
    blue, green, red = sample[..., 0], sample[..., 1], sample[..., 2]
    reddish = (red - np.maximum(green, blue) > 50) & (red > 120)
    return float(reddish.mean())


def without_red_ink(grey: np.ndarray, bgr: np.ndarray) -> np.ndarray:
    """``grey`` with the pixels that are clearly red in ``bgr`` (scaled to ``grey``'s size) painted paper-coloured.

    The paper is the median of ``grey``: white would cut a pink guilloche's ground into letter-sized pieces.
    """
    if bgr.shape[:2] != grey.shape:
        bgr = cv2.resize(bgr, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_AREA)
    sample = bgr.astype(np.int16)
    reddish = (sample[..., 2] - np.maximum(sample[..., 1], sample[..., 0]) > 50) & (sample[..., 2] > 120)
    out = grey.copy()
    out[reddish] = np.uint8(np.median(grey[::2, ::2]))
    return out


def grey_for_recognition(image: np.ndarray, drop_red: bool) -> np.ndarray:
    """A grey page for the recogniser; with ``drop_red`` the red channel is used so red stamps fade.

    Black print and blue ink stay dark in the red channel, red seals become light.
    """
    if image.ndim == 2:
        return image
    if drop_red:
        return np.ascontiguousarray(image[..., 2])
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def text_height(grey: np.ndarray) -> float:
    """Typical height in pixels of tall letters (capitals, ascenders): the 75th percentile of ink blobs.

    0 when there are too few blobs to tell. At 300 dpi, 12-13 pt body text measures about 33 px.
    (The 75th percentile is stable across resolutions; the median jumps between the x-height and
    separate diacritics.)
    """
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    letters = (heights >= 3) & (heights <= max(3, grey.shape[0] // 20)) & (widths <= 3 * heights) & (areas >= 8)
    if int(letters.sum()) < 30:
        return 0.0
    return float(np.percentile(heights[letters], 75))


def estimate_background(grey: np.ndarray, kernel: int = BACKGROUND_KERNEL) -> np.ndarray:
    """The paper brightness under the ink: a grey closing (max filter) then a median, same size."""
    element = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    closed = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, element)
    return cv2.medianBlur(closed, 2 * (kernel // 4) + 1)


def background_unevenness(grey_probe: np.ndarray) -> float:
    """How uneven the paper brightness is: 95th minus 5th percentile of the background estimate.

    Flat scans measure under ~20; shadows, gradients and phone-photo lighting measure 40 and more.
    """
    small = cv2.resize(grey_probe, (max(1, grey_probe.shape[1] // 4), max(1, grey_probe.shape[0] // 4)),
                       interpolation=cv2.INTER_AREA)
    background = estimate_background(small, kernel=9)
    low, high = np.percentile(background, [5, 95])
    return float(high - low)


def normalize_illumination(grey: np.ndarray) -> np.ndarray:
    """``grey`` divided by its estimated background so the paper becomes uniformly white.

    The background is estimated on a copy at a quarter of the size, then enlarged, to stay cheap.
    """
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    # The kernel must be wider than a letter: 31 px on an 800 px wide quarter page (A4 at ~300 dpi).
    kernel = max(9, (BACKGROUND_KERNEL * min(small.shape) // 800) | 1)
    background = estimate_background(small, kernel=kernel)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    out = grey.astype(np.float32) * 255.0 / np.maximum(background, 1.0)
    return np.clip(out, 0, 255).astype(np.uint8)


def noise_level(grey: np.ndarray) -> float:
    """Estimated standard deviation of pixel noise (Immerkær's method on a central crop).

    Clean scans and renders measure under ~3; grainy photos and noisy scans 8 and more.
    """
    h, w = grey.shape
    crop = grey[h // 4: h // 4 + 512, w // 4: w // 4 + 512].astype(np.float32)
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return 0.0
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
    response = np.abs(cv2.filter2D(crop, -1, kernel)[1:-1, 1:-1])
    # Ignore edges of strokes: keep the quieter 80% of responses.
    quiet = response[response <= np.percentile(response, 80)]
    return float(np.sqrt(np.pi / 2.0) * quiet.mean() / 6.0) if quiet.size else 0.0


def central_crop(grey: np.ndarray, size: int = 768) -> np.ndarray:
    """A full-resolution ``size`` x ``size`` crop from the upper middle of the page (where text is)."""
    h, w = grey.shape[:2]
    top, left = max(0, h // 4), max(0, (w - size) // 2)
    return grey[top: top + size, left: left + size]


def speckle_share(grey: np.ndarray, min_blobs: int = 20) -> float:
    """Share of ink blobs (Otsu) that are specks of one to three pixels; 0 with fewer than ``min_blobs``.

    Measure it at full resolution (e.g. on :func:`central_crop`): clean scans give under 0.2,
    grainy low-contrast scans whose noise Otsu turns into ink give 0.4 and more.
    """
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count - 1 < min_blobs:
        return 0.0
    areas = stats[1:, cv2.CC_STAT_AREA]
    return float((areas <= 3).mean())


def otsu_ink_share(grey: np.ndarray, min_gap: float = 40.0) -> float:
    """Share of pixels Otsu's global threshold calls ink; over ~0.3 it floods the page with noise.

    0 when the two classes' mean brightness differ by less than ``min_gap`` (plain paper, no print).
    """
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    dark = ink > 0
    if not dark.any() or dark.all():
        return 0.0
    if float(grey[~dark].mean()) - float(grey[dark].mean()) < min_gap:
        return 0.0
    return float(dark.mean())


def denoise(grey: np.ndarray) -> np.ndarray:
    """``grey`` with pixel noise and specks removed by a 3x3 median filter."""
    return cv2.medianBlur(grey, 3)


def contrast(grey_probe: np.ndarray) -> float:
    """Paper brightness (95th percentile) minus ink brightness (10th percentile of Otsu ink pixels).

    Pages with almost no ink (under 0.2%) report 255: there is no print whose contrast matters.
    """
    sample = grey_probe[::2, ::2]
    threshold, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ink = sample[sample < threshold]
    if ink.size < 0.002 * sample.size:
        return 255.0
    return float(np.percentile(sample, 95) - np.percentile(ink, 10))


def stretch_contrast(grey: np.ndarray) -> np.ndarray:
    """``grey`` with its 1st..99th percentile range stretched to 0..255."""
    low, high = np.percentile(grey[::3, ::3], [1, 99])
    if high - low < 1:
        return grey
    out = (grey.astype(np.float32) - low) * (255.0 / (high - low))
    return np.clip(out, 0, 255).astype(np.uint8)


def binarize(grey: np.ndarray, block: int = 51, offset: int = 15) -> np.ndarray:
    """Black text on white by a local (adaptive mean) threshold; for recognition only."""
    block = block | 1
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, offset)


def resample(image: np.ndarray, factor: float) -> np.ndarray:
    """``image`` scaled by ``factor`` (cubic when enlarging, area when shrinking)."""
    if abs(factor - 1.0) < 1e-3:
        return image
    h, w = image.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(image, size, interpolation=interpolation)


def ink_statistics(grey_probe: np.ndarray, delta: int = 60) -> tuple[float, int]:
    """Share of ink pixels and number of ink blobs (>= 4 pixels) darker than the paper by ``delta``."""
    paper = background_value(grey_probe)[0]
    ink = (grey_probe.astype(np.int16) < paper - delta).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = int((stats[1:, cv2.CC_STAT_AREA] >= 4).sum()) if count > 1 else 0
    return float(ink.mean()), blobs


def is_blank(grey_probe: np.ndarray, max_ink: float = 0.002, max_blobs: int = 12) -> bool:
    """True when a page carries (almost) no ink: under ``max_ink`` dark pixels and a few blobs.

    Borders should be removed first; paper texture and a few specks do not count as content.
    """
    h, w = grey_probe.shape
    inner = grey_probe[h // 20: h - h // 20, w // 20: w - w // 20]
    share, blobs = ink_statistics(inner)
    return share < max_ink and blobs <= max_blobs


# Colour and polarity: light print on dark or coloured grounds must stay readable.

CHANNELS = ("luminance", "red", "green", "blue")
"""Grey conversions a colour page may be read in (:func:`grey_channel`)."""


def grey_channel(image: np.ndarray, channel: str) -> np.ndarray:
    """``image`` (BGR) as grey by ``channel``: ``luminance`` or one of ``red``, ``green``, ``blue``."""
    if image.ndim == 2:
        return image
    if channel == "luminance":
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(image[..., {"blue": 0, "green": 1, "red": 2}[channel]])


def colourfulness(bgr: np.ndarray) -> float:
    """Median saturation (0-255, HSV) of a sample of ``bgr``: the paper's colour; 0 for grey images."""
    if bgr.ndim == 2:
        return 0.0
    sample = np.ascontiguousarray(bgr[::4, ::4])
    return float(np.median(cv2.cvtColor(sample, cv2.COLOR_BGR2HSV)[..., 1]))


def separation(grey: np.ndarray) -> float:
    """How far and how cleanly Otsu's threshold splits ``grey`` into print and ground (0-1).

    Otsu's effectiveness (between-class over total variance: 1 for a two-tone page, low when a
    pattern or noise blurs the classes) times the gap between the classes' mean brightness over
    255 (low for faint print). It ignores which class is lighter, so light print on a dark
    ground scores like dark print on paper.
    """
    sample = grey[::2, ::2]
    total = float(sample.var())
    if total < 1.0:
        return 0.0
    threshold, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    low = sample <= threshold
    share = float(low.mean())
    if share in (0.0, 1.0):
        return 0.0
    gap = float(sample[~low].mean()) - float(sample[low].mean())
    return share * (1.0 - share) * gap * gap / total * gap / 255.0


def best_channel(bgr_probe: np.ndarray, margin: float = 0.05) -> str:
    """The grey conversion of a coloured page whose print stands out best (:func:`separation`).

    Luminance unless another channel separates print from ground by more than ``margin``: on
    pink certificate paper the red channel whitens the pattern, on a red cover the green one
    darkens the ground under light lettering.
    """
    if bgr_probe.ndim == 2:
        return "luminance"
    scores = {name: separation(grey_channel(bgr_probe, name)) for name in CHANNELS}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] > scores["luminance"] + margin else "luminance"


INVERSE_GROUND = 150
"""Ground darker than this may carry light print (:func:`inverse_regions`)."""


def inverse_regions(grey_probe: np.ndarray, *, dark: int = INVERSE_GROUND, contrast: int = 50,
                    min_share: float = 0.003) -> np.ndarray:
    """A mask (probe size) of regions printed light on dark: inverse bands, dark covers, coloured boxes.

    The local ground is a median over a window of a twelfth of the probe's short side, several
    letters wide even for headings (edge-preserving, so a band's edge stays where it is). Each
    connected region whose ground is darker than ``dark`` is inverse when its print, the pixels
    that differ from the ground by ``contrast``, is mostly lighter than the ground; dark print on
    a mid-grey box keeps its polarity. Regions under ``min_share`` of the page are ignored.
    """
    window = max(15, min(grey_probe.shape) // 12) | 1
    ground = cv2.medianBlur(grey_probe, window)
    count, labels, stats, _ = cv2.connectedComponentsWithStats((ground < dark).astype(np.uint8), connectivity=4)
    mask = np.zeros(grey_probe.shape, dtype=bool)
    difference = grey_probe.astype(np.int16) - ground.astype(np.int16)
    minimum = min_share * grey_probe.size
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_AREA] < minimum:
            continue
        region = labels == label
        lighter = int((difference[region] > contrast).sum())
        darker = int((difference[region] < -contrast).sum())
        if lighter > 2 * darker and lighter > 0.01 * stats[label, cv2.CC_STAT_AREA]:
            mask |= region
    # The median rounds a band's corners off: grow the regions back over the dark ground they touch.
    return _grow_into(mask, grey_probe < dark, window // 2)


def _grow_into(mask: np.ndarray, allowed: np.ndarray, steps: int) -> np.ndarray:
    """``mask`` dilated ``steps`` times by one pixel, each time only over ``allowed`` pixels."""
    if not mask.any():
        return mask
    grown = mask.astype(np.uint8)
    allow = (allowed | mask).astype(np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(steps):
        grown = cv2.dilate(grown, kernel) & allow
    return grown > 0


def invert_regions(grey: np.ndarray, mask: np.ndarray, dark: int = INVERSE_GROUND) -> np.ndarray:
    """``grey`` with the pixels under ``mask`` (any size; scaled to ``grey``) inverted.

    An enlarged mask is shrunk by its scale and grown back over dark pixels only, so the inverted
    region ends on the ground's real edge instead of a staircase of probe pixels.
    """
    if not mask.any():
        return grey
    full = cv2.resize(mask.astype(np.uint8), (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_NEAREST) > 0
    ratio = grey.shape[0] / mask.shape[0]
    if ratio > 1.5:
        reach = int(np.ceil(ratio)) + 1
        core = cv2.erode(full.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
        full = _grow_into(core, grey < dark, 2 * reach)
    out = grey.copy()
    out[full] = 255 - out[full]
    return out


def text_blobs_per_tile(grey_probe: np.ndarray, tiles: int = 8) -> np.ndarray:
    """Letter-sized ink blobs per tile of a ``tiles`` x ``tiles`` grid, as a global Otsu threshold sees them.

    Light print on dark counts too (the minority class is taken as ink), so a region Tesseract can
    read in the plain grey page shows up whatever its polarity.
    """
    _, dark = cv2.threshold(grey_probe, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    counts = np.zeros((tiles, tiles), dtype=np.int64)
    h, w = grey_probe.shape
    for ink in (dark, 255 - dark):
        count, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
        if count <= 1:
            continue
        heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
        letters = (heights >= 4) & (heights <= max(4, h // 15)) & (widths <= 4 * heights)
        ys = np.minimum(tiles - 1, (centroids[1:, 1] * tiles / h).astype(int))[letters]
        xs = np.minimum(tiles - 1, (centroids[1:, 0] * tiles / w).astype(int))[letters]
        np.add.at(counts, (ys, xs), 1)
    return counts


def lost_tiles(plain_probe: np.ndarray, cleaned_probe: np.ndarray, min_blobs: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The tiles (8 x 8 grid, bool) where the cleaned page lost most of the plain page's letter blobs,
    and the plain page's blobs per tile.

    Both probes must show the same page at the same size. A tile counts as lost when the plain page
    has at least ``min_blobs`` letter-sized blobs there and the cleaned page under a third as many.
    """
    plain = text_blobs_per_tile(plain_probe)
    cleaned = text_blobs_per_tile(cleaned_probe)
    return (plain >= min_blobs) & (cleaned * 3 < plain), plain


def lost_text_share(plain_probe: np.ndarray, cleaned_probe: np.ndarray, min_blobs: int = 5) -> float:
    """Share of the plain grey page's letter blobs that lie in tiles where the cleaned page has lost most of them.

    Both probes must show the same page at the same size (tiles as :func:`lost_tiles`).
    """
    lost, plain = lost_tiles(plain_probe, cleaned_probe, min_blobs)
    total = int(plain.sum())
    return float(plain[lost].sum()) / total if total else 0.0
