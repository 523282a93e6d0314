"""Batches started from the web (API and pages): run in the background (created by :mod:`access.batches`).

:class:`BackgroundBatchRunner` runs queued batches one at a time in a daemon thread of the web
process, with :func:`ingest.service.run_batch` (OCR in worker processes, progress in the catalog).
If the process stops mid-batch, the batch stays ``running`` in the catalog and
``kho ingest --resume <name>`` (or the next upload of the same files) finishes it.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

from access.batches import UploadedFiles
from ingest.service import run_batch
from kho.backends import Backends
from kho.errors import KhoError
from web.uploads import SavedUpload

log = logging.getLogger("web")


class BatchStarter(Protocol):
    """Something that runs a batch later (the background runner; tests use a recorder)."""

    def start(self, batch_id: int) -> None:
        """Queue batch ``batch_id`` to run."""
        ...


class BackgroundBatchRunner:
    """Runs queued batches one after the other in one daemon thread (started on first use)."""

    def __init__(self, backends: Backends, jobs: int | None = None):
        """Run batches on ``backends`` with ``jobs`` OCR worker processes (default: settings)."""
        self._backends = backends
        self._jobs = jobs
        self._queue: queue.Queue[int] = queue.Queue()
        self._queued: set[int] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self, batch_id: int) -> None:
        """Queue a batch (ignored if it is already queued or running here)."""
        with self._lock:
            if batch_id in self._queued:
                return
            self._queued.add(batch_id)
            self._queue.put(batch_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="kho-batches", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            batch_id = self._queue.get()
            try:
                summary = run_batch(self._backends, batch_id, self._jobs)
                log.info("batch %s finished: %s", batch_id, summary.status)
            except KhoError as e:
                log.error("batch %s failed: %s", batch_id, e.one_line())
            except Exception:  # a bug must not kill the runner thread: log it, go on with the next batch
                log.exception("batch %s failed unexpectedly", batch_id)
            finally:
                with self._lock:
                    self._queued.discard(batch_id)


def uploaded_files(saved: SavedUpload) -> UploadedFiles:
    """What the access layer needs of a saved upload (:func:`access.batches.create_uploaded_batch`)."""
    return UploadedFiles(saved.files_dir, saved.manifest, saved.names, saved.set_aside)
