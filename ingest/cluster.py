"""Page work on a Dask cluster: the coordinator sends each page with its file's bytes.

With ``KHO_WORKERS=tcp://HOST:PORT`` (or ``tls://``) the runner's executor is
``distributed.Client.get_executor()`` instead of a local process pool. Workers share no filesystem
with the coordinator: a :class:`CarriedPage` holds the page task *and the bytes of its source
file*; :func:`run_carried` writes them to the worker's own temporary folder, recognises the page
and deletes them. Results come back as from the local pool; only the coordinator writes to the
store, the index and the catalog, so workers need no catalog, no store credentials, no input folder.

Faults (see docs/scaling.md): Dask reruns the pages of a worker that dies elsewhere; a page whose
worker died ``allowed-failures + 1`` times comes back as ``KilledWorker`` and fails its document
with a reason; a scheduler that disappears (or a cluster left without workers) stops the run
with :class:`kho.errors.ServiceUnavailableError` naming ``KHO_WORKERS``, and the same command
resumes the batch.
"""

from __future__ import annotations

import logging
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from ingest.runner import WorkerDiedError
from kho.errors import ConfigError, KhoError, ServiceUnavailableError
from kho.settings import Settings
from ocr.pipeline import PageTask

log = logging.getLogger("kho.ingest")

R = TypeVar("R")
SUBJECT = "KHO_WORKERS"
# How long the run waits for a cluster that has lost all its workers before it stops.
NO_WORKERS_GRACE_SECONDS = 120.0
KILLED_TWICE = (
    "the Dask workers running this page died repeatedly (out of memory, or a crash); "
    "it was not retried again (distributed.scheduler.allowed-failures)"
)
SCHEDULER_LOST = (
    "the Dask scheduler stopped answering; the batch stopped with nothing half-written: "
    "start the scheduler again and run the same command to resume"
)


@dataclass(frozen=True)
class CarriedPage:
    """A page task with the bytes of its source file: what crosses the network to a worker.

    ``task.source.path`` still names the coordinator's file, only to name it in messages; the
    worker never opens it.
    """

    task: PageTask
    data: bytes


class SourceBytes:
    """Reads the source files of the tasks being sent, keeping the last file (its pages go in a row)."""

    def __init__(self) -> None:
        self._path: Path | None = None
        self._data = b""

    def carry(self, task: PageTask) -> CarriedPage:
        """``task`` with its file's bytes (read once for consecutive pages of the same file)."""
        path = task.source.path
        if path != self._path:
            self._data = path.read_bytes()
            self._path = path
        return CarriedPage(task, self._data)


def run_carried(worker: Callable[[PageTask], R], carried: CarriedPage) -> R:
    """Run ``worker`` on the carried page from a private temporary copy (in a Dask worker).

    Errors name the coordinator's file, not the temporary copy.
    """
    original = carried.task.source.path
    with tempfile.TemporaryDirectory(prefix="kho-page-") as tmp:
        local = Path(tmp) / f"source{original.suffix.lower()[:8]}"
        local.write_bytes(carried.data)
        task = replace(carried.task, source=replace(carried.task.source, path=local))
        try:
            return worker(task)
        except KhoError as e:
            if e.subject == str(local):
                e.subject = str(original)
            raise


def security(settings: Settings) -> Any:
    """The ``distributed.security.Security`` for the configured TLS files (None without TLS)."""
    files = {"KHO_WORKERS_TLS_CA": settings.workers_tls_ca, "KHO_WORKERS_TLS_CERT": settings.workers_tls_cert,
             "KHO_WORKERS_TLS_KEY": settings.workers_tls_key}
    given = {name: value for name, value in files.items() if value}
    if not given:
        if settings.workers.startswith("tls://"):
            raise ConfigError("a tls:// scheduler needs KHO_WORKERS_TLS_CA, _CERT and _KEY", subject=SUBJECT)
        return None
    missing = [name for name in files if name not in given]
    if missing:
        raise ConfigError("TLS to the Dask cluster needs the CA, certificate and key files", subject=missing[0])
    for name, value in given.items():
        if not Path(value).is_file():
            raise ConfigError(f"file not found: {value}", subject=name)
    from distributed.security import Security

    return Security(tls_ca_file=settings.workers_tls_ca, tls_client_cert=settings.workers_tls_cert,
                    tls_client_key=settings.workers_tls_key, require_encryption=True)


def connect(settings: Settings) -> Any:
    """A ``distributed.Client`` of ``KHO_WORKERS``; a scheduler that does not answer is a clear error."""
    from distributed import Client

    _quiet_dask_logs(settings)
    secure = security(settings)
    try:
        client = Client(settings.workers, security=secure, timeout=settings.workers_timeout,
                        set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise ServiceUnavailableError(
            f"cannot reach the Dask scheduler {settings.workers} ({type(e).__name__}: {e}); start it "
            "(`kho workers up`, or the scheduler's systemd unit) or leave KHO_WORKERS empty for local processes",
            subject=SUBJECT,
        ) from e
    _quiet_dask_logs(settings)  # again: connecting created more of Dask's loggers
    return client


def _quiet_dask_logs(settings: Settings) -> None:
    """Keep Dask's own reconnect tracebacks off the terminal: kho's one-line errors say what happened.

    With ``KHO_LOG_LEVEL=DEBUG`` they are shown.
    """
    if settings.log_level == "DEBUG":
        return
    # A page carries its whole file: Dask warns about every task over 10 MB (a big multi-page TIFF).
    warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
    names = ["distributed", *(n for n in logging.root.manager.loggerDict if n.startswith("distributed."))]
    for name in names:  # Dask's logging config gives some of them a level of their own
        logging.getLogger(name).setLevel(logging.CRITICAL)


class ClusterPool:
    """The runner's page pool on a Dask cluster (same interface as :class:`ingest.runner.PagePool`)."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic):
        self.address = settings.workers
        self.client = connect(settings)
        self.executor: Executor = self.client.get_executor(pure=False)
        self.sources = SourceBytes()
        self.clock = clock
        self._no_workers_since: float | None = None

    @property
    def slots(self) -> int:
        """Threads over all the cluster's workers now (at least 1)."""
        workers = self.client.scheduler_info(n_workers=-1).get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    def submit(self, worker: Callable[[PageTask], R], task: PageTask) -> Future[R]:
        """Send ``task`` with its file's bytes to the cluster."""
        return self.executor.submit(run_carried, worker, self.sources.carry(task))

    def error(self, future: Future[Any]) -> BaseException | None:
        """The error of a finished page: KilledWorker becomes a reason; a lost scheduler stops the run."""
        from distributed import KilledWorker

        if future.cancelled():
            raise ServiceUnavailableError(f"{self.address}: {SCHEDULER_LOST}", subject=SUBJECT)
        error = future.exception()
        if isinstance(error, KilledWorker):
            return WorkerDiedError(KILLED_TWICE)
        return error

    def is_broken(self, error: BaseException | None) -> bool:
        """Dask replaces dead workers itself: the pool is never broken."""
        return False

    def check(self) -> None:
        """Raise when the scheduler is gone, or no worker has been connected for a long while."""
        if self.client.status != "running":
            raise ServiceUnavailableError(f"{self.address}: {SCHEDULER_LOST}", subject=SUBJECT)
        workers = self.client.scheduler_info(n_workers=-1).get("workers", {})
        if workers:
            self._no_workers_since = None
            return
        now = self.clock()
        self._no_workers_since = self._no_workers_since or now
        if now - self._no_workers_since > NO_WORKERS_GRACE_SECONDS:
            raise ServiceUnavailableError(
                f"{self.address}: no Dask worker has been connected for {NO_WORKERS_GRACE_SECONDS:.0f} s; "
                "start workers and run the same command to resume",
                subject=SUBJECT,
            )

    def restart(self) -> None:
        """Nothing to restart: the scheduler reschedules the pages of dead workers."""

    def close(self) -> None:
        """Cancel what is still queued and disconnect from the scheduler."""
        try:
            self.executor.shutdown(wait=False)
        finally:
            self.client.close(timeout=5)
