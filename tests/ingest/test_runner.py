"""The pipeline scheduler: order, bounded window, failures, a dying worker; D5: no worker outlives `kho ingest`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import psutil
import pytest
from fake_workers import dying_page, echo_page, source_path
from ingest_helpers import KHO, cli_env

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


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _running(process: psutil.Process) -> bool:
    """Alive and not a zombie (an exited orphan waiting for an init that may not reap it)."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _describe(processes: list[psutil.Process]) -> list[str]:
    out = []
    for p in processes:
        with contextlib.suppress(psutil.Error):
            out.append(f"{p.pid} {p.status()} parent {p.ppid()}: {' '.join(p.cmdline())[:120]}")
    return out


@pytest.mark.slow
def test_d5_sigkill_of_kho_ingest_leaves_no_pool_process_behind(clean_corpus: Path, tmp_path: Path) -> None:
    """D5: ``kill -9`` of ``kho ingest`` (only its pid, not its group) ends the forkserver and the workers."""
    victim = subprocess.Popen(
        [str(KHO), "ingest", str(clean_corpus), "--quiet"], env=cli_env(tmp_path / "data", KHO_JOBS="2"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    seen: dict[int, psutil.Process] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and victim.poll() is None:
            pythons = [p for p in _descendants(victim.pid) if "python" in p.name().lower()]
            seen.update({p.pid: p for p in pythons})
            if len(pythons) >= 3:  # the forkserver and two workers
                break
            time.sleep(0.1)
        assert victim.poll() is None and len(seen) >= 3, "the pool never started"
        os.kill(victim.pid, signal.SIGKILL)  # the CLI alone: its pool must not outlive it
        victim.wait(timeout=30)
        _, alive = psutil.wait_procs(list(seen.values()), timeout=15)
        alive = [p for p in alive if _running(p)]
        assert alive == [], f"still running after the coordinator died: {_describe(alive)}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(victim.pid, signal.SIGKILL)
