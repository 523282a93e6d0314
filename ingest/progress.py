"""Progress of a running batch: the event the runner emits, and how a terminal shows it.

The runner calls a :data:`ProgressCallback` with a :class:`ProgressEvent` after every document and
about once a second. The web app polls the catalog instead (``Catalog.batch_progress``), which the
runner keeps up to date item by item. :class:`RichProgress` draws a progress bar on a terminal;
:class:`PlainProgress` prints a line every few seconds otherwise. Neither ever shows a citizen ID.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import IO, Any


@dataclass(frozen=True)
class ProgressEvent:
    """Where a batch run stands: documents and pages, throughput and estimated time left."""

    batch_id: int
    documents_done: int
    documents_total: int
    pages_done: int
    pages_known: int
    elapsed_seconds: float
    pages_per_minute: float
    eta_seconds: float | None
    finished: bool = False

    def to_json(self) -> dict[str, Any]:
        """The event as plain values."""
        return asdict(self)


ProgressCallback = Callable[[ProgressEvent], None]


def estimate_eta(done: int, total: int, elapsed: float) -> float | None:
    """Seconds left at the rate so far (``None`` until something is done)."""
    if done <= 0 or elapsed <= 0 or total <= done:
        return None if total > done else 0.0
    return elapsed / done * (total - done)


def format_seconds(seconds: float | None) -> str:
    """``1:02:03`` / ``2:03`` style, or ``?``."""
    if seconds is None:
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def plain_line(event: ProgressEvent, language: str = "vi") -> str:
    """One progress line for logs and non-terminal output, in one language (``vi`` or ``en``)."""
    done = f"kho ingest: {event.documents_done}/{event.documents_total}"
    eta = format_seconds(event.eta_seconds)
    if language == "en":
        return (f"{done} documents, pages: {event.pages_done}, pages per minute: {event.pages_per_minute:.1f}, "
                f"time left: {eta}")
    rate = f"{event.pages_per_minute:.1f}".replace(".", ",")
    return f"{done} văn bản, {event.pages_done} trang, {rate} trang/phút, còn {eta}"


class PlainProgress:
    """Prints :func:`plain_line` at most every ``interval`` seconds, and at the end."""

    def __init__(self, stream: IO[str], interval: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 language: str = "vi"):
        self.stream = stream
        self.language = language
        self.interval = interval
        self.clock = clock
        self._last = float("-inf")

    def __call__(self, event: ProgressEvent) -> None:
        """Print the event if enough time has passed (always for the final one)."""
        now = self.clock()
        if event.finished or now - self._last >= self.interval:
            self._last = now
            print(plain_line(event, self.language), file=self.stream, flush=True)


class RichProgress:
    """A rich progress bar: documents, pages, pages/min and ETA. Use as a context manager."""

    def __init__(self, stream: IO[str], language: str = "vi"):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        english = self.english = language == "en"
        self._progress = Progress(
            TextColumn("[bold]Ingest" if english else "[bold]Số hóa"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("docs · pages: {task.fields[pages]} · per min: {task.fields[rate]}" if english
                       else "văn bản · {task.fields[pages]} trang · {task.fields[rate]} trang/phút"),
            TextColumn("· time left {task.fields[eta]}" if english else "· còn {task.fields[eta]}"),
            console=Console(file=stream),
            transient=False,
        )
        self._task = self._progress.add_task("ingest", total=None, pages=0, rate="0.0", eta="?")

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, event: ProgressEvent) -> None:
        """Move the bar."""
        self._progress.update(
            self._task,
            completed=event.documents_done,
            total=event.documents_total or None,
            pages=event.pages_done,
            rate=f"{event.pages_per_minute:.1f}" if self.english else f"{event.pages_per_minute:.1f}".replace(".", ","),
            eta=format_seconds(event.eta_seconds),
        )
