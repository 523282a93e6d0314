"""The pipeline scheduler: order, bounded window, failures, a dying worker (fake workers, no OCR)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future
from typing import Any

from fake_workers import dying_page, echo_page, source_path

from ingest.runner import WORKER_DIED, Callbacks, InlineExecutor, PagePool, page_pool, run_pipeline
from ocr.pipeline import OcrOptions, PageOcr, PageTask
from ocr.rasterize import SourceInfo

OPTIONS = OcrOptions()


def _doc(name: str, pages: int) -> tuple[str, list[PageTask]]:
    info = SourceInfo(source_path(name), "png", pages)
    return name, [PageTask(info, i, OPTIONS) for i in range(pages)]


class Recorder:
    """Collects what the pipeline hands back."""

    def __init__(self) -> None:
        self.done: dict[str, list[str]] = {}
        self.errors: dict[str, str] = {}
        self.ticks = 0

    def callbacks(self) -> Callbacks[str, PageOcr]:
        return Callbacks(on_done=self.on_done, on_error=self.on_error, on_tick=self.on_tick)

    def on_done(self, doc: str, pages: list[PageOcr]) -> None:
        assert doc not in self.done
        self.done[doc] = [p.text for p in pages]

    def on_error(self, doc: str, error: BaseException) -> None:
        assert doc not in self.errors
        self.errors[doc] = str(error)

    def on_tick(self) -> None:
        self.ticks += 1


class CountingExecutor(InlineExecutor):
    """Inline, but records how many one-page documents were submitted and not yet handed back."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.submitted = 0
        self.most = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        self.most = max(self.most, self.submitted - len(self.recorder.done))
        return super().submit(fn, *args, **kwargs)


class FixedPool(PagePool):
    """A :class:`PagePool` around a given executor."""

    def __init__(self, executor: Executor):
        self.jobs = 1
        self.executor = executor


def test_inline_pipeline_keeps_page_order_and_fails_one_document() -> None:
    docs = [_doc("a.png", 3), _doc("bad.png", 3), _doc("c.png", 1), ("empty", [])]
    rec = Recorder()
    with page_pool(1) as pool:
        run_pipeline(iter(docs), pool, 4, rec.callbacks(), worker=echo_page)
    assert rec.done == {"a.png": ["a.png:0", "a.png:1", "a.png:2"], "c.png": ["c.png:0"], "empty": []}
    assert list(rec.errors) == ["bad.png"] and "unreadable" in rec.errors["bad.png"]


def test_window_bounds_tasks_in_flight() -> None:
    rec = Recorder()
    executor = CountingExecutor(rec)
    docs: Iterator[tuple[str, Sequence[PageTask]]] = iter([_doc(f"d{i}.png", 1) for i in range(9)])
    run_pipeline(docs, FixedPool(executor), 3, rec.callbacks(), worker=echo_page)
    assert len(rec.done) == 9 and rec.errors == {}
    assert executor.most == 3


def test_process_pool_runs_documents_and_survives_a_dying_worker() -> None:
    docs = [_doc("a.png", 2), _doc("die.png", 2), _doc("b.png", 2), _doc("bad.png", 2), _doc("c.png", 2)]
    rec = Recorder()
    with page_pool(2) as pool:
        run_pipeline(iter(docs), pool, 4, rec.callbacks(), worker=dying_page)
    assert set(rec.done) | set(rec.errors) == {d for d, _ in docs}
    assert rec.errors["die.png"] == WORKER_DIED
    assert "unreadable" in rec.errors["bad.png"]
    assert "c.png" in rec.done and rec.done["c.png"] == ["c.png:0", "c.png:1"]
