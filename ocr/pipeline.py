"""OCR of whole documents: pages run in parallel as picklable :class:`PageTask` objects.

``ocr_document(path, options, executor)`` inspects the file in the calling process, maps
:func:`run_page` over its pages with the given executor (a process pool, or :class:`SerialExecutor`
in tests) and returns a :class:`DocumentOcr`. Workers only compute; they never write anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import cv2
import numpy as np

from kho.settings import Settings
from ocr import geometry, images, orientation, recognize, textlayer
from ocr.prepare import PreparedPage, prepare_page
from ocr.rasterize import Limits, PageImage, SourceInfo, inspect_source, load_page, trusted_text
from ocr.recognize import Recognition, Word

T = TypeVar("T")
R = TypeVar("R")

# Pages whose first reading is less confident than this get an orientation check.
ORIENTATION_CHECK_CONFIDENCE = 70.0
MIN_OSD_CONFIDENCE = 1.5
OSD_DPI = 150
LOW_CONFIDENCE = 60.0

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

    def to_json(self) -> dict[str, Any]:
        """The page as in ``kho ocr --json``."""
        return {
            "number": self.number, "text": self.text, "confidence": self.confidence,
            "rotation": self.rotation, "skew": self.skew, "dpi": self.dpi, "blank": self.blank,
            "warnings": list(self.warnings),
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
    """A process pool of ``jobs`` workers (fewer if there are fewer pages), or a serial one for 1."""
    workers = max(1, min(jobs, pages) if pages else jobs)
    if workers == 1:
        yield SerialExecutor()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
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


def _recognize(prepared: PreparedPage, task: PageTask, text_pdf: bool) -> Recognition:
    return recognize.recognize(
        prepared.recognition, dpi=prepared.recognition_dpi, lang=task.options.lang,
        timeout=task.options.timeout, subject=str(task.source.path), text_pdf=text_pdf,
    )


def _orientation_candidate(pixels: np.ndarray, dpi: int, task: PageTask) -> int:
    """The clockwise turn that makes a doubtful page upright (0 when none is convincingly better)."""
    small = images.scaled_to_dpi(pixels, dpi, OSD_DPI)
    subject = str(task.source.path)
    if task.options.osd:
        found = recognize.detect_orientation(small, dpi=OSD_DPI, timeout=task.options.timeout, subject=subject)
        if found is not None and found.confidence >= MIN_OSD_CONFIDENCE:
            return found.rotation
        return 0
    best, best_conf = 0, -1.0
    for rotation in (0, 90, 180, 270):
        candidate = geometry.rotate_quarter(small, rotation)
        rec = recognize.recognize(candidate, dpi=OSD_DPI, lang=task.options.lang,
                                  timeout=task.options.timeout, subject=subject)
        if rec.confidence > best_conf:
            best, best_conf = rotation, rec.confidence
    return best


def _first_turn(page: PageImage, prepared: PreparedPage, task: PageTask) -> tuple[PreparedPage, int | None]:
    """The page turned the way it looks upright before any reading, and the turn chosen (``None``: not asked).

    The shape of the text lines (:mod:`ocr.orientation`) settles plain cases in milliseconds; a page
    on its side whose lines do not tell is asked of Tesseract's OSD.
    """
    if prepared.plan.sideways:
        side = prepare_page(page.pixels, page.dpi, 90)
        turn = None if side.plan.sideways else orientation.evident_turn(side.recognition)
        if turn is not None:
            return (side, 90) if turn == 0 else (prepare_page(page.pixels, page.dpi, 270), 270)
        asked = _orientation_candidate(page.pixels, page.dpi, task)
        return (prepare_page(page.pixels, page.dpi, asked) if asked else prepared), asked
    if orientation.evident_turn(prepared.recognition) == 180:
        return prepare_page(page.pixels, page.dpi, 180), 180
    return prepared, None


def _read_upright(page: PageImage, prepared: PreparedPage, task: PageTask) -> tuple[PreparedPage, Recognition]:
    """Read the page, turned first if it plainly lies on its side or upside down, again if the reading is doubtful."""
    prepared, asked = _first_turn(page, prepared, task)
    rec = _recognize(prepared, task, task.options.text_pdf)
    if rec.confidence >= ORIENTATION_CHECK_CONFIDENCE:
        return prepared, rec
    if asked is None:
        rotation = _orientation_candidate(page.pixels, page.dpi, task)
    else:  # a turn was chosen already: try the opposite of it (none if it was none)
        rotation = (asked + 180) % 360 if asked else 0
    if rotation == prepared.plan.rotation:
        return prepared, rec
    turned = prepare_page(page.pixels, page.dpi, rotation)
    second = _recognize(turned, task, task.options.text_pdf)
    return (turned, second) if second.confidence > rec.confidence else (prepared, rec)


def run_page(task: PageTask) -> PageOcr:
    """Load, clean and recognise one page (runs in a worker process)."""
    # Pages run in parallel processes: OpenCV's own thread pool would only oversubscribe the cores.
    cv2.setNumThreads(1)
    page = load_page(task.source, task.index, task.options.limits)
    number = task.index + 1
    warnings = [] if page.dpi_known else [W_DPI_UNKNOWN]
    if page.dpi < 200:
        warnings.append(W_LOW_DPI)
    if task.existing_text is not None:
        layer_words = textlayer.page_words(task.source.path, task.index, page.dpi, task.options.timeout)
        if textlayer.ink_coverage(page.pixels, layer_words) >= textlayer.MIN_INK_COVERAGE:
            result = PageOcr(number, task.existing_text, 100.0, dpi=page.dpi, warnings=[*warnings, W_TEXT_LAYER],
                             words=layer_words, from_text_layer=True)
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
    if prepared.plan.rotation:
        warnings.append(W_ROTATED)
    if prepared.plan.quad is not None:
        warnings.append(W_PERSPECTIVE)
    if rec.confidence < LOW_CONFIDENCE:
        warnings.append(W_LOW_CONFIDENCE)
    result = PageOcr(
        number, rec.text, rec.confidence, rotation=prepared.plan.rotation, skew=prepared.plan.skew,
        dpi=page.dpi, warnings=warnings, words=rec.words, steps=prepared.plan.steps(),
    )
    return _finish(result, prepared, task, rec, page)


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
