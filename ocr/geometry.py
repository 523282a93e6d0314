"""Geometric page corrections: quarter turns, skew, dark borders and the page outline in photos.

Pure functions on numpy arrays (grey 2-D or BGR 3-D ``uint8``). Measurements work on small grey
"probe" copies of a page (see :func:`probe`) so they stay cheap; corrections apply to full pages.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

PROBE_LONG_SIDE = 1000
MAX_SKEW = 15.0
MAX_SKEW_POINTS = 60_000


def to_grey(image: np.ndarray) -> np.ndarray:
    """``image`` as a 2-D grey array (returned unchanged if it already is one)."""
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def probe(image: np.ndarray, long_side: int = PROBE_LONG_SIDE) -> tuple[np.ndarray, float]:
    """A grey copy of ``image`` whose long side is at most ``long_side``, and the scale used."""
    grey = to_grey(image)
    scale = min(1.0, long_side / max(grey.shape))
    if scale >= 1.0:
        return grey, 1.0
    size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA), scale


def probe_colour(image: np.ndarray, long_side: int = PROBE_LONG_SIDE) -> np.ndarray:
    """A copy of ``image`` (grey or BGR, kept so) whose long side is at most ``long_side``."""
    scale = min(1.0, long_side / max(image.shape[:2]))
    if scale >= 1.0:
        return image
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    """``image`` turned clockwise by ``rotation`` degrees (0, 90, 180 or 270)."""
    turns = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if rotation not in turns:
        raise ValueError(f"rotation must be 0, 90, 180 or 270, not {rotation}")
    code = turns[rotation]
    return image if code is None else cv2.rotate(image, code)


def ink_mask(grey_probe: np.ndarray) -> np.ndarray:
    """A boolean mask of ink pixels on a probe: Otsu's threshold after dividing by the paper brightness.

    Flattening first (a 15 px closing estimates the paper) keeps shading and grey frames out of the
    mask; the probe's downscaling has already averaged away most pixel noise.
    """
    paper = cv2.morphologyEx(grey_probe, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    flat = np.clip(grey_probe.astype(np.float32) * 255.0 / np.maximum(paper, 1), 0, 255).astype(np.uint8)
    _, mask = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask > 0


def _profile_score(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    rad = math.radians(angle)
    projected = ys * math.cos(rad) + xs * math.sin(rad)
    bins = np.bincount((projected - projected.min()).astype(np.int64))
    return float(np.dot(bins, bins))


def estimate_skew(grey_probe: np.ndarray, max_angle: float = MAX_SKEW) -> tuple[float, float]:
    """The tilt of the text lines in degrees (counter-clockwise positive) and a strength >= 1.

    Projection-profile search over ±``max_angle``: text lines give sharp row histograms when
    straightened. Strength is the best score over the median score; near 1 means no line structure.
    """
    mask = ink_mask(grey_probe)
    ys, xs = np.nonzero(mask)
    if xs.size < 200 or xs.size > 0.5 * mask.size:
        return 0.0, 1.0
    if xs.size > MAX_SKEW_POINTS:
        pick = np.random.default_rng(0).choice(xs.size, MAX_SKEW_POINTS, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs_f, ys_f = xs.astype(np.float64), ys.astype(np.float64)
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = np.array([_profile_score(xs_f, ys_f, a) for a in coarse])
    best = float(coarse[int(scores.argmax())])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    fine_scores = np.array([_profile_score(xs_f, ys_f, a) for a in fine])
    angle = float(fine[int(fine_scores.argmax())])
    strength = float(fine_scores.max() / max(np.median(scores), 1.0))
    return round(angle, 2), strength


def background_value(image: np.ndarray) -> tuple[int, ...]:
    """The page's paper colour: the 90th percentile of a sample, per channel."""
    sample = image[::9, ::9].reshape(-1, 1 if image.ndim == 2 else image.shape[2])
    return tuple(int(v) for v in np.percentile(sample, 90, axis=0))


def rotation_matrix(shape: tuple[int, ...], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The affine matrix that turns an image of ``shape`` counter-clockwise by ``angle`` degrees onto a
    canvas enlarged to keep every pixel, and that canvas's (width, height)."""
    height, width = shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = round(height * sin + width * cos), round(height * cos + width * sin)
    matrix[0, 2] += new_w / 2.0 - width / 2.0
    matrix[1, 2] += new_h / 2.0 - height / 2.0
    return matrix, (new_w, new_h)


def rotate_by(image: np.ndarray, angle: float) -> np.ndarray:
    """``image`` rotated counter-clockwise by ``angle`` degrees on a canvas enlarged to keep every pixel."""
    if angle == 0:
        return image
    matrix, size = rotation_matrix(image.shape, angle)
    fill = background_value(image)
    return cv2.warpAffine(
        image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill if image.ndim == 3 else fill[0],
    )


def point_before_deskew(shape: tuple[int, ...], skew: float, x: float, y: float) -> tuple[float, float]:
    """Where the point (``x``, ``y``) of ``deskew(image, skew)`` lies in ``image`` (of ``shape``)."""
    if skew == 0:
        return x, y
    back = cv2.invertAffineTransform(rotation_matrix(shape, -skew)[0])
    return (float(back[0, 0] * x + back[0, 1] * y + back[0, 2]), float(back[1, 0] * x + back[1, 1] * y + back[1, 2]))


def deskew(image: np.ndarray, skew: float) -> np.ndarray:
    """``image`` straightened: rotated by ``-skew`` degrees."""
    return rotate_by(image, -skew)


def dark_border(grey_probe: np.ndarray, dark: int = 90, share: float = 0.6) -> tuple[float, float, float, float]:
    """Thickness of dark scanner borders (top, bottom, left, right) as fractions of the page size.

    A row or column belongs to the border while more than ``share`` of its pixels are darker than
    ``dark``, scanning inwards from each edge (at most a quarter of the page).
    """
    dark_pixels = grey_probe < dark
    rows, cols = dark_pixels.mean(axis=1) > share, dark_pixels.mean(axis=0) > share

    def run_length(flags: np.ndarray) -> float:
        limit = len(flags) // 4
        count = 0
        while count < limit and flags[count]:
            count += 1
        return count / len(flags)

    return (run_length(rows), run_length(rows[::-1]), run_length(cols), run_length(cols[::-1]))


def fill_border(
    image: np.ndarray, border: tuple[float, float, float, float], margin: float = 0.004
) -> np.ndarray:
    """A copy of ``image`` whose dark borders (from :func:`dark_border`) are painted with the paper colour."""
    if not any(border):
        return image
    out = image.copy()
    h, w = image.shape[:2]
    fill = background_value(image)
    value = fill if image.ndim == 3 else fill[0]
    top, bottom, left, right = (
        math.ceil((fraction + margin) * size) if fraction else 0
        for fraction, size in zip(border, (h, h, w, w), strict=True)
    )
    if top:
        out[:top] = value
    if bottom:
        out[h - bottom:] = value
    if left:
        out[:, :left] = value
    if right:
        out[:, w - right:] = value
    return out


def order_quad(points: np.ndarray) -> np.ndarray:
    """Four corner points ordered top-left, top-right, bottom-right, bottom-left (float32)."""
    pts = points.reshape(4, 2).astype(np.float32)
    sums, diffs = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[sums.argmin()], pts[diffs.argmin()], pts[sums.argmax()], pts[diffs.argmax()]], dtype=np.float32
    )


def _edges_on_border(quad: np.ndarray, shape: tuple[int, ...], tolerance: float = 0.015) -> int:
    """How many edges of ``quad`` run along the picture's frame."""
    h, w = shape[:2]
    tol_x, tol_y = w * tolerance, h * tolerance
    count = 0
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        on_left = a[0] <= tol_x and b[0] <= tol_x
        on_right = a[0] >= w - 1 - tol_x and b[0] >= w - 1 - tol_x
        on_top = a[1] <= tol_y and b[1] <= tol_y
        on_bottom = a[1] >= h - 1 - tol_y and b[1] >= h - 1 - tol_y
        count += int(on_left or on_right or on_top or on_bottom)
    return count


def find_page_quad(grey_probe: np.ndarray, min_area: float = 0.2, max_area: float = 0.93) -> np.ndarray | None:
    """The corners of a bright paper sheet on a darker background (photos), or None if there is none.

    Returns the ordered quadrilateral in probe coordinates only when the sheet covers between
    ``min_area`` and ``max_area`` of the picture and is clearly brighter than its surroundings.
    """
    blurred = cv2.GaussianBlur(grey_probe, (5, 5), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    total = float(grey_probe.size)
    if not min_area <= cv2.contourArea(contour) / total <= max_area:
        return None
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) != 4 or not cv2.isContourConvex(approx):
        return None
    quad = order_quad(approx)
    if _edges_on_border(quad, grey_probe.shape) > 1:
        return None  # a bright region cut by the frame (e.g. a shaded scan), not a sheet on a desk
    inside = np.zeros_like(grey_probe)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    in_mean = float(grey_probe[inside > 0].mean())
    out_pixels = grey_probe[inside == 0]
    if out_pixels.size == 0 or in_mean - float(out_pixels.mean()) < 40:
        return None
    return quad


def warp_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The sheet inside ``quad`` (full-image coordinates, ordered) warped to an upright rectangle."""
    tl, tr, br, bl = quad
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
