"""Keep the worker pool busy across documents: a bounded window of page tasks in flight.

:func:`run_pipeline` pulls prepared documents from an iterator, submits their page tasks to an
executor (a process pool sized to the cores, or :class:`InlineExecutor` in tests) keeping at most
``window`` tasks in flight, and hands each document back to the parent (``on_done``) as soon as its
last page is recognised. The parent stores and indexes it while the workers go on with the pages
of the next documents. Workers only compute (e.g. :func:`ingest.worker.recognise_page`); they never write.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ocr.pipeline import PageTask

D = TypeVar("D")
R = TypeVar("R")
TICK_SECONDS = 1.0
WORKER_PRELOAD = ["ingest.worker"]


class InlineExecutor(Executor):
    """Runs each task at submission, in this process (tests, ``--jobs 1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn`` now; the returned future is already done (result or exception)."""
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:  # handed to the caller through the future, like a pool would
            future.set_exception(e)
        return future


class PagePool:
    """The executor of page tasks: a process pool of ``jobs`` workers, or inline for ``jobs == 1``.

    The pool uses the ``forkserver`` start method, so it is safe to start from a web app's
    background thread. :meth:`restart` replaces a pool broken by a dying worker.
    """

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.executor: Executor = self._new()

    def _new(self) -> Executor:
        if self.jobs == 1:
            return InlineExecutor()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WORKER_PRELOAD)
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)

    def restart(self) -> None:
        """Drop the current (broken) pool and start a fresh one."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        """Stop the workers (queued tasks are cancelled)."""
        self.executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def page_pool(jobs: int) -> Iterator[PagePool]:
    """A :class:`PagePool` closed on exit."""
    pool = PagePool(jobs)
    try:
        yield pool
    finally:
        pool.close()


@dataclass
class Work(Generic[D, R]):
    """A document whose pages are being recognised: its tasks and the results so far."""

    document: D
    tasks: Sequence[PageTask]
    results: list[R | None] = field(default_factory=list)
    remaining: int = 0
    failed: bool = False

    def __post_init__(self) -> None:
        self.results = [None] * len(self.tasks)
        self.remaining = len(self.tasks)


@dataclass(frozen=True)
class Callbacks(Generic[D, R]):
    """What the parent does when a document is recognised, fails, or time passes."""

    on_done: Callable[[D, list[R]], None]
    on_error: Callable[[D, BaseException], None]
    on_tick: Callable[[], None] = lambda: None
    on_page: Callable[[D, int, R], R] = lambda document, index, result: result


WORKER_DIED = "a worker process died while recognising this document (out of memory, or a crash)"


class WorkerDiedError(RuntimeError):
    """A page's worker process died; its document fails, the pool is restarted."""


def run_pipeline(
    documents: Iterator[tuple[D, Sequence[PageTask]]],
    pool: PagePool,
    window: int,
    callbacks: Callbacks[D, R],
    worker: Callable[[PageTask], R],
) -> None:
    """Recognise every page of every document with at most ``window`` tasks in flight.

    A page that raises fails its whole document (``on_error`` once; its other pages are ignored);
    the other documents go on. If a worker process dies, every document with pages in flight fails
    and the pool is restarted. ``on_page`` sees (and may slim down) each page as it arrives;
    ``on_done`` receives the pages in task order.
    """
    queue: deque[tuple[Work[D, R], int]] = deque()
    inflight: dict[Future[R], tuple[Work[D, R], int]] = {}
    source = iter(documents)
    exhausted = False
    while True:
        while len(inflight) < window and not (exhausted and not queue):
            if queue:
                work, index = queue.popleft()
                if not work.failed:
                    inflight[pool.executor.submit(worker, work.tasks[index])] = (work, index)
                continue
            nxt = next(source, None)
            if nxt is None:
                exhausted = True
                continue
            work = Work(nxt[0], nxt[1])
            if not work.tasks:
                callbacks.on_done(work.document, [])
            queue.extend((work, i) for i in range(len(work.tasks)))
        if not inflight:
            return
        done, _ = wait(list(inflight), timeout=TICK_SECONDS, return_when=FIRST_COMPLETED)
        broken = False
        for future in done:
            work, index = inflight.pop(future)
            broken = _collect(future, work, index, callbacks) or broken
        if broken:
            _fail_all(inflight, callbacks)
            pool.restart()
        callbacks.on_tick()


def _fail_all(inflight: dict[Future[R], tuple[Work[D, R], int]], callbacks: Callbacks[D, R]) -> None:
    for work, _ in inflight.values():
        if not work.failed:
            work.failed = True
            callbacks.on_error(work.document, WorkerDiedError(WORKER_DIED))
    inflight.clear()


def _collect(future: Future[R], work: Work[D, R], index: int, callbacks: Callbacks[D, R]) -> bool:
    """Record one finished task; True when it shows that the pool is broken."""
    error = future.exception()
    broken = isinstance(error, BrokenProcessPool)
    if work.failed:
        return broken
    if error is not None:
        work.failed = True
        callbacks.on_error(work.document, WorkerDiedError(WORKER_DIED) if broken else error)
        return broken
    work.results[index] = callbacks.on_page(work.document, index, future.result())
    work.remaining -= 1
    if work.remaining == 0:
        callbacks.on_done(work.document, [r for r in work.results if r is not None])
    return False
