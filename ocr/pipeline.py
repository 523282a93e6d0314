"""OCR of whole documents: pages run in parallel as picklable :class:`PageTask` objects.

``ocr_document(path, options, executor)`` inspects the file in the calling process, maps
:func:`run_page` over its pages with the given executor (a process pool, or :class:`SerialExecutor`
in tests) and returns a :class:`DocumentOcr`. Workers only compute; they never write anywhere.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import cv2
import numpy as np

from kho.errors import ProcessingTimeoutError
from kho.settings import Settings
from ocr import clean, geometry, images, orientation, recognize, textlayer
from ocr.prepare import PreparedPage, prepare_page, turned_half
from ocr.qr import QrCode, read_qr_codes
from ocr.rasterize import Limits, PageImage, SourceInfo, inspect_source, load_page, trusted_text
from ocr.recognize import Recognition, Word

T = TypeVar("T")
R = TypeVar("R")

MIN_OSD_CONFIDENCE = 1.5
OSD_DPI = 150
LOW_CONFIDENCE = 60.0
# Orientation probes (a strip of text lines read both ways, OSD on a small copy) stop after this.
PROBE_TIMEOUT = 6.0
# A strip read both ways decides the turn when its confidences differ by at least this.
PROBE_MARGIN = 8.0
# A page reading may take BUDGET_FACTOR times its expected cost (at least BUDGET_FLOOR seconds)
# before it is stopped and the page read the other way up. Generous: wall-clock time on a loaded
# machine runs several times the CPU time, and a stopped upright reading is a wasted one.
BUDGET_FLOOR = 20.0
BUDGET_FACTOR = 5.0
# The plain grey page is read too when the cleaned page lost this share of its letter blobs,
# or when the cleaned reading found fewer words than this share of the blobs' estimate.
LOST_SHARE = 0.05
BLOBS_PER_WORD = 6.0
# The plain page is read whole only when its lost region gives clearly more good words than the
# cleaned reading found there: more than PLAIN_MARGIN times as many, plus two.
PLAIN_MARGIN = 1.1
FEW_WORDS = 0.3
GOOD_WORD_CONFIDENCE = 60.0
S_PLAIN_GREY = "plain-grey"
# A region of letter blobs the reading left without a word (Tesseract took it for a picture: a
# blurred, tilted letterhead) is read again: tiles of a UNREAD_TILES grid holding at least
# UNREAD_TILE_BLOBS blobs and no word, joined, with at least UNREAD_REGION_BLOBS blobs together.
UNREAD_TILES = 16
UNREAD_TILE_BLOBS = 6
UNREAD_REGION_BLOBS = 30
MIN_REGION_SKEW = 0.4

# Warning codes (documented in docs/ocr.md).
W_BLANK = "blank"
W_LOW_DPI = "low-dpi"
W_DPI_UNKNOWN = "dpi-unknown"
W_TEXT_LAYER = "text-layer"
W_JUNK_TEXT_LAYER = "untrusted-text-layer"
W_PARTIAL_TEXT_LAYER = "partial-text-layer"
W_ROTATED = "rotated"
W_PERSPECTIVE = "perspective-corrected"
W_LOW_CONFIDENCE = "low-confidence"


@dataclass(frozen=True)
class OcrOptions:
    """How to OCR a document; picklable, built from :class:`Settings` with :meth:`from_settings`."""

    lang: str = "vie"
    dpi: int = 300
    timeout: float = 180.0
    max_pages: int = 500
    force_ocr: bool = False
    text_pdf: bool = False
    images: bool = False
    osd: bool = True

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> OcrOptions:
        """Options from the settings, with non-None ``overrides`` (e.g. ``lang``, ``dpi``) applied."""
        base = cls(lang=settings.ocr_lang, dpi=settings.ocr_dpi, timeout=float(settings.ocr_timeout),
                   max_pages=settings.max_pages)
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def limits(self) -> Limits:
        """The input limits these options imply."""
        return Limits(max_pages=self.max_pages, timeout=self.timeout, dpi=self.dpi)


@dataclass(frozen=True)
class PageTask:
    """One page to process in a worker: the inspected source, the page index and the options."""

    source: SourceInfo
    index: int
    options: OcrOptions
    existing_text: str | None = None


@dataclass
class PageOcr:
    """The result for one page (what a worker returns)."""

    number: int
    text: str
    confidence: float
    rotation: int = 0
    skew: float = 0.0
    dpi: int = 0
    blank: bool = False
    warnings: list[str] = field(default_factory=list)
    words: tuple[Word, ...] = field(default=(), repr=False)
    steps: list[str] = field(default_factory=list)
    image: images.EncodedImage | None = field(default=None, repr=False)
    thumbnail: images.EncodedImage | None = field(default=None, repr=False)
    text_pdf: bytes | None = field(default=None, repr=False)
    from_text_layer: bool = False
    id_readings: tuple[recognize.IdReading, ...] = field(default=(), repr=False)
    fill_ins: tuple[recognize.FillInReading, ...] = field(default=(), repr=False)
    layer_text: str = field(default="", repr=False)  # a text layer not used as the page's text (a stamp's)
    qr_codes: tuple[QrCode, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The page as in ``kho ocr --json``."""
        return {
            "number": self.number, "text": self.text, "confidence": self.confidence,
            "rotation": self.rotation, "skew": self.skew, "dpi": self.dpi, "blank": self.blank,
            "warnings": list(self.warnings),
            **({"qr_codes": [asdict(q) for q in self.qr_codes]} if self.qr_codes else {}),
        }


@dataclass
class DocumentOcr:
    """The OCR result of one file: its pages in order."""

    file: str
    pages: list[PageOcr]

    @property
    def text(self) -> str:
        """The text of all pages, separated by form feeds."""
        return "\f".join(page.text for page in self.pages)

    @property
    def confidence(self) -> float:
        """Mean confidence over the pages that are not blank (0 if all are blank)."""
        scored = [p.confidence for p in self.pages if not p.blank]
        return round(sum(scored) / len(scored), 2) if scored else 0.0

    def to_json(self) -> dict[str, Any]:
        """The document as in ``kho ocr --json``. Later keys (e.g. extracted fields) go after "pages"."""
        return {"file": self.file, "text": self.text, "pages": [page.to_json() for page in self.pages]}


class PageExecutor(Protocol):
    """What runs page tasks: ``concurrent.futures`` executors and :class:`SerialExecutor` fit."""

    def map(self, fn: Callable[[T], R], *iterables: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to every item, yielding results in order."""
        ...


class SerialExecutor:
    """Runs tasks one after another in the calling process (tests, single pages, ``--jobs 1``)."""

    def map(self, fn: Callable[[T], R], *iterables: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to every item in order, in this process."""
        return map(fn, *iterables)


@contextmanager
def page_executor(jobs: int, pages: int = 0) -> Iterator[PageExecutor]:
    """A process pool of ``jobs`` workers (fewer if there are fewer pages), or a serial one for 1.

    Workers come from a fork server, never a fork of the caller: a caller with threads (a web app,
    a client library) would hand its held locks to the children.
    """
    workers = max(1, min(jobs, pages) if pages else jobs)
    if workers == 1:
        yield SerialExecutor()
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield pool


def plan_tasks(source: SourceInfo, options: OcrOptions) -> list[PageTask]:
    """One task per page; pages with a text layer that reads as Vietnamese keep it (unless forced)."""
    tasks = []
    for index in range(source.page_count):
        layer = source.text_layer[index] if index < len(source.text_layer) else ""
        keep = layer if (layer and not options.force_ocr and trusted_text(layer)) else None
        tasks.append(PageTask(source, index, options, keep))
    return tasks


def ocr_document(path: Path, options: OcrOptions, executor: PageExecutor) -> DocumentOcr:
    """OCR every page of ``path`` with ``executor``; raises InputError subclasses for bad input."""
    source = inspect_source(path, options.limits)
    results = list(executor.map(run_page, plan_tasks(source, options)))
    return DocumentOcr(file=str(path), pages=results)


def _recognize(prepared: PreparedPage, task: PageTask, timeout: float | None = None,
               image: np.ndarray | None = None) -> Recognition:
    return recognize.recognize(
        prepared.recognition if image is None else image, dpi=prepared.recognition_dpi, lang=task.options.lang,
        timeout=min(task.options.timeout, timeout or task.options.timeout), subject=str(task.source.path),
        text_pdf=task.options.text_pdf,
    )


@dataclass(frozen=True)
class Turn:
    """The quarter turn chosen before reading, how sure it is, and what decided it."""

    rotation: int
    sure: bool
    by: str


def expected_seconds(image: np.ndarray) -> float:
    """A rough cost of reading ``image`` upright: a start-up, its pixels and its letter blobs.

    A rough fit on the synthetic corpus and the real scans (one Tesseract thread): ~0.4 s per
    megapixel plus ~3 ms per letter blob. Used only to bound a reading (:func:`reading_budget`),
    never to judge speed.
    """
    step = max(1, -(-max(image.shape[:2]) // geometry.PROBE_LONG_SIDE))
    small = geometry.to_grey(np.ascontiguousarray(image[::step, ::step]))  # every step-th pixel: cheap, enough to count
    blobs = int(clean.text_blobs_per_tile(small).sum())
    return 1.0 + 0.4 * image.shape[0] * image.shape[1] / 1e6 + 0.003 * blobs


def reading_budget(image: np.ndarray, timeout: float) -> float:
    """Seconds a reading of ``image`` may take before it counts as a wrong turn (at most ``timeout``)."""
    return min(timeout, max(BUDGET_FLOOR, BUDGET_FACTOR * expected_seconds(image)))


def _probe_upside_down(prepared: PreparedPage, task: PageTask) -> tuple[bool, bool]:
    """Read a strip of the densest text lines as it lies and turned 180° (one short run): (upside down?, sure?).

    Both copies go to Tesseract in one image, one above the other, so the probe pays one start-up;
    the words of each half give its confidence. A probe that runs out of time decides nothing.
    """
    top, bottom = orientation.text_strip(prepared.recognition)
    pair, split = orientation.strip_pair(prepared.recognition[top:bottom])
    try:
        rec = recognize.recognize(pair, dpi=prepared.recognition_dpi, lang=task.options.lang,
                                  timeout=min(PROBE_TIMEOUT, task.options.timeout), subject=str(task.source.path))
    except ProcessingTimeoutError:
        return False, False
    as_is = recognize.mean_confidence([w for w in rec.words if w.top + w.height / 2 < split])
    turned = recognize.mean_confidence([w for w in rec.words if w.top + w.height / 2 >= split])
    return turned > as_is, abs(turned - as_is) >= PROBE_MARGIN


def _osd_turn(page: PageImage, task: PageTask) -> int | None:
    """Tesseract OSD's turn on a small copy of the page, when it answers confidently in time."""
    if not task.options.osd:
        return None
    small = images.scaled_to_dpi(page.pixels, page.dpi, OSD_DPI)
    try:
        found = recognize.detect_orientation(small, dpi=OSD_DPI, timeout=min(PROBE_TIMEOUT, task.options.timeout),
                                             subject=str(task.source.path))
    except ProcessingTimeoutError:
        return None
    return found.rotation if found is not None and found.confidence >= MIN_OSD_CONFIDENCE else None


def _first_turn(page: PageImage, prepared: PreparedPage, task: PageTask) -> tuple[PreparedPage, Turn]:
    """The page turned the way it looks upright before any full reading, and how that was decided.

    The shape of the text lines (:mod:`ocr.orientation`) settles plain cases in milliseconds. When
    it is weak, cheap probes decide: OSD on a small copy for a page on its side, and a strip of
    text lines read both ways up (a few hundred milliseconds, short timeout).
    """
    if prepared.plan.sideways:
        side = prepare_page(page.pixels, page.dpi, 90)
        turn = None if side.plan.sideways else orientation.evident_turn(side.recognition)
        if turn is not None:
            return (side, Turn(90, True, "lines")) if turn == 0 else (
                turned_half(side, page.pixels), Turn(270, True, "lines"))
        asked = _osd_turn(page, task)
        if asked is not None:
            base = side if asked in (90, 270) else prepared
            return (base if asked in (0, 90) else turned_half(base, page.pixels)), Turn(asked, True, "osd")
        flipped, sure = _probe_upside_down(side, task)
        return (turned_half(side, page.pixels), Turn(270, sure, "strip")) if flipped else (
            side, Turn(90, sure, "strip"))
    turn = orientation.evident_turn(prepared.recognition)
    if turn == 180:
        return turned_half(prepared, page.pixels), Turn(180, True, "lines")
    if turn == 0:
        return prepared, Turn(0, True, "lines")
    flipped, sure = _probe_upside_down(prepared, task)
    if flipped:
        return turned_half(prepared, page.pixels), Turn(180, sure, "strip")
    return prepared, Turn(0, sure, "strip")


def _read_upright(page: PageImage, prepared: PreparedPage, task: PageTask) -> tuple[PreparedPage, Recognition]:
    """Read the page turned the way it looks upright, within a budget derived from its size and ink.

    A reading that runs past its budget is stopped: the page is read turned half round (when the
    turn was not sure), then, if that also runs out, as first chosen with the full timeout. An
    orientation mistake therefore costs at most a budget, never an unbounded reading.
    """
    prepared, turn = _first_turn(page, prepared, task)
    budget = reading_budget(prepared.recognition, task.options.timeout)
    try:
        return prepared, _recognize(prepared, task, budget)
    except ProcessingTimeoutError:
        if budget >= task.options.timeout:
            raise
    if not turn.sure:
        other = turned_half(prepared, page.pixels)
        with suppress(ProcessingTimeoutError):
            return other, _recognize(other, task, budget)
    return prepared, _recognize(prepared, task)


def good_words(rec: Recognition, region: tuple[int, int, int, int] | None = None) -> int:
    """Words read with at least ``GOOD_WORD_CONFIDENCE`` (centred in ``region``, top, bottom, left, right, if given)."""
    top, bottom, left, right = region or (0, 1 << 30, 0, 1 << 30)
    return sum(1 for w in rec.words if w.confidence >= GOOD_WORD_CONFIDENCE
               and top <= w.top + w.height / 2 < bottom and left <= w.left + w.width / 2 < right)


def plain_grey(prepared: PreparedPage) -> np.ndarray:
    """The upright page as plain luminance, at the recognition image's scale (what plain Tesseract sees)."""
    return clean.resample(geometry.to_grey(prepared.archive), prepared.plan.scale)


@dataclass(frozen=True)
class LostText:
    """What the cheap check found: text the whole page may have lost, or only one region, or nothing.

    ``region`` (top, bottom, left, right in recognition pixels) bounds the tiles whose letter blobs
    the cleaning lost.
    """

    page: bool = False
    region: tuple[int, int, int, int] | None = None
    core: tuple[int, int, int, int] | None = None   # the lost tiles themselves (``region`` without its margin)

    def __bool__(self) -> bool:
        return self.page or self.region is not None


def tiles_region(lost: np.ndarray, shape: tuple[int, ...], pad: float = 0.5) -> tuple[int, int, int, int]:
    """The box (top, bottom, left, right) of the true tiles of ``lost`` on an image of ``shape``, ``pad`` tiles out."""
    rows, cols = np.nonzero(lost)
    height, width = shape[0], shape[1]
    tiles = lost.shape[0]
    return (max(0, int((rows.min() - pad) * height / tiles)), min(height, int((rows.max() + 1 + pad) * height / tiles)),
            max(0, int((cols.min() - pad) * width / tiles)), min(width, int((cols.max() + 1 + pad) * width / tiles)))


def lost_text(prepared: PreparedPage, rec: Recognition) -> LostText:
    """The cheap check: did cleaning lose a region that the plain grey page shows, or find few words?

    Compares letter-sized blobs per tile of the plain grey page and of the recognition image
    (either polarity), and the words found against the blobs' estimate of the words on the page.
    Few words make the whole page suspect; lost blobs only the tiles that lost them (the whole
    page when they spread over half of it).
    """
    plan = prepared.plan
    cleaned = plan.channel != "luminance" or plan.inverse is not None or any(plan.border) or plan.illumination \
        or plan.denoise or plan.stretch or plan.binarize
    if not cleaned:
        return LostText()
    ours, _ = geometry.probe(geometry.to_grey(prepared.recognition))
    # The plain page straight at the probe's size: no full-size copy unless a reading needs one.
    plain = cv2.resize(geometry.to_grey(prepared.archive), (ours.shape[1], ours.shape[0]), interpolation=cv2.INTER_AREA)
    if plan.channel == "red" and prepared.archive.ndim == 3:
        # Red seals are dropped on purpose: their letters are not text the cleaning lost.
        plain = clean.without_red_ink(plain, geometry.probe_colour(prepared.archive))
    lost, blobs = clean.lost_tiles(plain, ours)
    total = int(blobs.sum())
    if len(rec.words) < FEW_WORDS * total / BLOBS_PER_WORD:
        return LostText(page=True)
    if not total or blobs[lost].sum() < LOST_SHARE * total:
        return LostText()
    region = tiles_region(lost, prepared.recognition.shape)
    top, bottom, left, right = region
    if (bottom - top) * (right - left) * 2 >= prepared.recognition.shape[0] * prepared.recognition.shape[1]:
        return LostText(page=True)
    return LostText(region=region, core=tiles_region(lost, prepared.recognition.shape, pad=0.0))


def text_may_be_lost(prepared: PreparedPage, rec: Recognition) -> bool:
    """True when :func:`lost_text` finds anything."""
    return bool(lost_text(prepared, rec))


def _never_worse_than_plain(prepared: PreparedPage, rec: Recognition, task: PageTask) -> tuple[Recognition, bool]:
    """The cleaned reading, or the plain grey page's when the cheap check fires and it finds more.

    When only a region looks lost, that region of the plain page is read first (a fraction of a
    reading); the whole plain page is read only if the region's lost tiles give clearly more good
    words than the cleaned reading found there (:data:`PLAIN_MARGIN`). The reading kept then gets the
    words of regions it left unread
    (:func:`read_unread_regions`). Returns the reading kept and whether it is the plain one.
    """
    found = lost_text(prepared, rec)
    if not found:
        return read_unread_regions(prepared, rec, task), False
    image = plain_grey(prepared)
    if found.region is not None and found.core is not None:
        top, bottom, left, right = found.region
        crop = np.ascontiguousarray(image[top:bottom, left:right])
        try:
            there = _recognize(prepared, task, reading_budget(crop, task.options.timeout), image=crop)
        except ProcessingTimeoutError:
            return rec, False
        # Counted in the lost tiles only: the crop's edges cut words into pieces read as words.
        core_top, core_bottom, core_left, core_right = found.core
        in_crop = (core_top - top, core_bottom - top, core_left - left, core_right - left)
        if good_words(there, in_crop) <= PLAIN_MARGIN * good_words(rec, found.core) + 2:
            return read_unread_regions(prepared, rec, task), False
    try:
        plain = _recognize(prepared, task, reading_budget(image, task.options.timeout), image=image)
    except ProcessingTimeoutError:
        return rec, False
    return (plain, True) if good_words(plain) > good_words(rec) else (read_unread_regions(prepared, rec, task), False)


def words_per_tile(words: tuple[Word, ...], shape: tuple[int, ...], tiles: int) -> np.ndarray:
    """How many of ``words`` are centred in each tile of a ``tiles`` x ``tiles`` grid over an image of ``shape``."""
    counts = np.zeros((tiles, tiles), dtype=np.int64)
    height, width = shape[0], shape[1]
    for w in words:
        row = min(tiles - 1, max(0, int((w.top + w.height / 2) * tiles / height)))
        col = min(tiles - 1, max(0, int((w.left + w.width / 2) * tiles / width)))
        counts[row, col] += 1
    return counts


def unread_tiles(recognition: np.ndarray, words: tuple[Word, ...]) -> list[np.ndarray]:
    """Groups of tiles (bool masks, :data:`UNREAD_TILES` grid) full of letter blobs where no word was read."""
    small, _ = geometry.probe(geometry.to_grey(recognition))
    blobs = clean.text_blobs_per_tile(small, UNREAD_TILES)
    unread = (blobs >= UNREAD_TILE_BLOBS) & (words_per_tile(words, recognition.shape, UNREAD_TILES) == 0)
    if not unread.any():
        return []
    count, labels = cv2.connectedComponents(unread.astype(np.uint8), connectivity=8)
    groups = [labels == label for label in range(1, count)]
    return [group for group in groups if blobs[group].sum() >= UNREAD_REGION_BLOBS]


def _words_back(found: Recognition, crop_shape: tuple[int, ...], skew: float, region: tuple[int, int, int, int],
                read: np.ndarray, page_shape: tuple[int, ...], block: int) -> list[Word]:
    """The words read in a (deskewed) crop, placed back on the page; not those centred in a tile
    where the page's reading has words already (``read``: words per tile), which would be read twice."""
    top, _, left, _ = region
    placed = []
    for w in found.words:
        x, y = geometry.point_before_deskew(crop_shape, skew, w.left + w.width / 2, w.top + w.height / 2)
        x, y = x + left, y + top
        row = min(UNREAD_TILES - 1, max(0, int(y * UNREAD_TILES / page_shape[0])))
        col = min(UNREAD_TILES - 1, max(0, int(x * UNREAD_TILES / page_shape[1])))
        if not read[row, col]:
            placed.append(replace(w, left=round(x - w.width / 2), top=round(y - w.height / 2),
                                  line=(block + w.line[0], w.line[1], w.line[2])))
    return placed


def words_text(words: list[Word]) -> str:
    """``words`` as text: one line per Tesseract line, in the order read."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(line) for line in lines.values())


def read_unread_regions(prepared: PreparedPage, rec: Recognition, task: PageTask) -> Recognition:
    """``rec`` with the words of the regions it left unread, each read alone and straightened.

    Tesseract's page layout takes a blurred or tilted block (a phone photo's letterhead on a curled
    page) for a picture and drops it: letter blobs with no word on them. Each such region is cut
    out, straightened by its own skew and read (one short run each; none on a page read whole).
    Its words join the page's (new block numbers, page coordinates); its text goes before the
    page's text when the region lies in the upper half of the page, after it otherwise.
    """
    groups = unread_tiles(prepared.recognition, rec.words)
    if not groups:
        return rec
    words, text = list(rec.words), rec.text
    read = words_per_tile(rec.words, prepared.recognition.shape, UNREAD_TILES)
    block = 1000
    for group in groups:
        region = tiles_region(group, prepared.recognition.shape, pad=1.0)   # whole lines, whole words
        top, bottom, left, right = region
        crop = np.ascontiguousarray(prepared.recognition[top:bottom, left:right])
        skew, _ = geometry.estimate_skew(geometry.to_grey(crop))
        straight = geometry.deskew(crop, skew) if abs(skew) >= MIN_REGION_SKEW else crop
        try:
            found = _recognize(prepared, task, reading_budget(straight, task.options.timeout), image=straight)
        except ProcessingTimeoutError:
            continue
        added = _words_back(found, crop.shape, skew if straight is not crop else 0.0, region, read,
                            prepared.recognition.shape, block)
        if not added:
            continue
        block += 1000
        words += added
        found_text = words_text(added)
        text = f"{found_text}\n\n{text}" if 2 * top < prepared.recognition.shape[0] else f"{text}\n\n{found_text}"
    added_words = tuple(words)
    if len(added_words) == len(rec.words):
        return rec
    return replace(rec, text=text, words=added_words, confidence=recognize.mean_confidence(added_words))


def run_page(task: PageTask) -> PageOcr:
    """Load, clean and recognise one page (runs in a worker process)."""
    # Pages run in parallel processes: OpenCV's own thread pool would only oversubscribe the cores.
    cv2.setNumThreads(1)
    page = load_page(task.source, task.index, task.options.limits)
    number = task.index + 1
    qr_codes = read_qr_codes(page.pixels, number)  # Circular 01/2023 results carry one (ocr/qr.py)
    warnings = [] if page.dpi_known else [W_DPI_UNKNOWN]
    if page.dpi < 200:
        warnings.append(W_LOW_DPI)
    if task.existing_text is not None:
        layer_words = textlayer.page_words(task.source.path, task.index, page.dpi, task.options.timeout)
        if textlayer.ink_coverage(page.pixels, layer_words) >= textlayer.MIN_INK_COVERAGE:
            result = PageOcr(number, task.existing_text, 100.0, dpi=page.dpi, warnings=[*warnings, W_TEXT_LAYER],
                             words=layer_words, from_text_layer=True, qr_codes=qr_codes)
            return attach_images(result, page.pixels, page.dpi, task.options.images)
        warnings.append(W_PARTIAL_TEXT_LAYER)  # e.g. only a signature stamp's text: read the page
    elif task.source.text_layer and task.source.text_layer[task.index].strip():
        warnings.append(W_JUNK_TEXT_LAYER)
    prepared = prepare_page(page.pixels, page.dpi)
    if prepared.plan.blank:
        result = PageOcr(number, "", 0.0, dpi=page.dpi, blank=True, warnings=[*warnings, W_BLANK],
                         steps=prepared.plan.steps())
        return _finish(result, prepared, task, None, page)
    prepared, rec = _read_upright(page, prepared, task)
    rec, plain = _never_worse_than_plain(prepared, rec, task)
    if prepared.plan.rotation:
        warnings.append(W_ROTATED)
    if prepared.plan.quad is not None:
        warnings.append(W_PERSPECTIVE)
    if rec.confidence < LOW_CONFIDENCE:
        warnings.append(W_LOW_CONFIDENCE)
    result = PageOcr(
        number, rec.text, rec.confidence, rotation=prepared.plan.rotation, skew=prepared.plan.skew,
        dpi=page.dpi, warnings=warnings, words=rec.words,
        steps=[*prepared.plan.steps(), *([S_PLAIN_GREY] if plain else [])],
        id_readings=recognize.read_id_regions(  # the digit-only second reading of citizen-ID regions
            prepared.archive, rec.words, to_image=1 / prepared.plan.scale, page=number, dpi=page.dpi,
            lang=task.options.lang, timeout=task.options.timeout, subject=str(task.source.path)),
        fill_ins=recognize.read_fill_in_regions(  # the hand-filled day of the date line, read again
            prepared.archive, rec.words, to_image=1 / prepared.plan.scale, page=number, dpi=page.dpi,
            timeout=task.options.timeout, subject=str(task.source.path)),
        qr_codes=qr_codes, layer_text=set_aside_layer(task),
    )
    return _finish(result, prepared, task, rec, page)


def set_aside_layer(task: PageTask) -> str:
    """The page's PDF text layer when it was not taken as the page's text (e.g. a signature stamp's)."""
    layers = task.source.text_layer
    return task.existing_text or (layers[task.index] if layers and task.index < len(layers) else "") or ""


def attach_images(result: PageOcr, archive: np.ndarray, dpi: int, wanted: bool) -> PageOcr:
    """``result`` with its encoded archive image and thumbnail set when ``wanted``."""
    if wanted:
        result.image = images.encode(archive, dpi)
        result.thumbnail = images.thumbnail(archive)
    return result


def _finish(
    result: PageOcr, prepared: PreparedPage, task: PageTask, rec: Recognition | None, page: PageImage
) -> PageOcr:
    archive_dpi = max(1, round(prepared.recognition_dpi / prepared.plan.scale))
    if task.options.text_pdf and rec is not None:
        result.text_pdf = rec.text_pdf
    if not (task.options.images or task.options.text_pdf):
        return result
    plan = prepared.plan
    unchanged = plan.quad is None and plan.rotation == 0 and plan.skew == 0 and page.as_stored
    if unchanged and task.source.kind == "jpeg":
        # The scan is already a JPEG of exactly this page: keep its bytes, no second lossy encoding.
        with suppress(OSError):
            height, width = prepared.archive.shape[:2]
            data = task.source.path.read_bytes()
            result.image = images.EncodedImage(data, "image/jpeg", width, height, archive_dpi)
            result.thumbnail = images.thumbnail(prepared.archive)
            return result
    return attach_images(result, prepared.archive, archive_dpi, True)
