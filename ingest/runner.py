"""Keep the worker pool busy across documents: a bounded window of page tasks in flight.

:func:`run_pipeline` pulls prepared documents from an iterator, submits their page tasks to an
executor (a process pool sized to the cores, :class:`InlineExecutor` in tests, or a Dask cluster
through :class:`ingest.cluster.ClusterPool` when ``KHO_WORKERS`` is set) keeping at most
``window`` tasks in flight, and hands each document back to the parent (``on_done``) as soon as its
last page is recognised. The parent stores and indexes it while the workers go on with the pages
of the next documents. Workers only compute (e.g. :func:`ingest.worker.recognise_page`); they never write.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ingest.worker import die_with_parent
from ocr.pipeline import PageTask

if TYPE_CHECKING:
    from kho.settings import Settings

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


class PageWorkers(Protocol):
    """What runs page tasks for :func:`run_pipeline`: :class:`PagePool` or :class:`ingest.cluster.ClusterPool`."""

    @property
    def slots(self) -> int:
        """How many pages run at once."""
        ...

    def submit(self, worker: Callable[[PageTask], R], task: PageTask) -> Future[R]:
        """Start ``worker(task)``."""
        ...

    def error(self, future: Future[Any]) -> BaseException | None:
        """The error of a finished task (None if it succeeded); raises when the run must stop."""
        ...

    def is_broken(self, error: BaseException | None) -> bool:
        """Whether ``error`` shows that the pool must be restarted."""
        ...

    def check(self) -> None:
        """Called about once a second: raises when the run cannot go on."""
        ...

    def restart(self) -> None:
        """Replace a broken pool."""
        ...

    def close(self) -> None:
        """Stop, cancelling what is queued."""
        ...


class PagePool:
    """The executor of page tasks: a process pool of ``jobs`` workers, or inline for ``jobs == 1``.

    The pool uses the ``forkserver`` start method, so it is safe to start from a web app's
    background thread. :meth:`restart` replaces a pool broken by a dying worker. Workers die
    with this process, even when it is killed with SIGKILL (:func:`ingest.worker.die_with_parent`).
    """

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.executor: Executor = self._new()

    @property
    def slots(self) -> int:
        """Worker processes."""
        return self.jobs

    def _new(self) -> Executor:
        if self.jobs == 1:
            return InlineExecutor()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WORKER_PRELOAD)
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=context,
                                   initializer=die_with_parent, initargs=(os.getpid(),))

    def submit(self, worker: Callable[[PageTask], R], task: PageTask) -> Future[R]:
        """Start ``worker(task)`` in a worker process."""
        return self.executor.submit(worker, task)

    def error(self, future: Future[Any]) -> BaseException | None:
        """The error of a finished task, or None."""
        return future.exception()

    def is_broken(self, error: BaseException | None) -> bool:
        """A worker process died: the pool must be restarted."""
        return isinstance(error, BrokenProcessPool)

    def check(self) -> None:
        """A local pool has nothing to check."""

    def restart(self) -> None:
        """Drop the current (broken) pool and start a fresh one."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        """Stop the workers (queued tasks are cancelled)."""
        self.executor.shutdown(wait=True, cancel_futures=True)


def open_pool(jobs: int, settings: Settings | None = None) -> PageWorkers:
    """The Dask cluster of ``KHO_WORKERS`` when set, else a local pool of ``jobs`` processes."""
    if settings is not None and settings.workers:
        from ingest.cluster import ClusterPool  # imports distributed only when a cluster is used

        return ClusterPool(settings)
    return PagePool(jobs)


@contextmanager
def page_pool(jobs: int, settings: Settings | None = None) -> Iterator[PageWorkers]:
    """The pool of :func:`open_pool`, closed on exit."""
    pool = open_pool(jobs, settings)
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
    pool: PageWorkers,
    window: int,
    callbacks: Callbacks[D, R],
    worker: Callable[[PageTask], R],
) -> None:
    """Recognise every page of every document with at most ``window`` tasks in flight.

    A page that raises fails its whole document (``on_error`` once; its other pages are ignored);
    the other documents go on. If a local worker process dies, every document with pages in flight
    fails and the pool is restarted (a Dask cluster reruns such pages itself). ``on_page`` sees (and
    may slim down) each page as it arrives; ``on_done`` receives the pages in task order.
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
                    inflight[pool.submit(worker, work.tasks[index])] = (work, index)
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
            broken = _collect(pool, future, work, index, callbacks) or broken
        if broken:
            _fail_all(inflight, callbacks)
            pool.restart()
        pool.check()
        callbacks.on_tick()


def _fail_all(inflight: dict[Future[R], tuple[Work[D, R], int]], callbacks: Callbacks[D, R]) -> None:
    for work, _ in inflight.values():
        if not work.failed:
            work.failed = True
            callbacks.on_error(work.document, WorkerDiedError(WORKER_DIED))
    inflight.clear()


def _collect(
    pool: PageWorkers, future: Future[R], work: Work[D, R], index: int, callbacks: Callbacks[D, R]
) -> bool:
    """Record one finished task; True when it shows that the pool is broken."""
    error = pool.error(future)
    broken = pool.is_broken(error)
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
