"""What a worker process does for one page: recognise it and build its searchable PDF page.

Building the PDF page (image + invisible text layer, :func:`ocr.pdfout.searchable_pdf` on a
one-page document) costs about as much CPU as a fifth of the recognition, so it runs in the worker,
not in the parent that stores and indexes: the parent only concatenates finished pages.

:func:`die_with_parent` is the local pool's worker initializer: a worker must not outlive the
``kho ingest`` (or web) process that started it, even one killed with SIGKILL (defect D5).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ocr.pdfout import searchable_pdf
from ocr.pipeline import DocumentOcr, PageOcr, PageTask, run_page


@dataclass(frozen=True)
class PageFiles:
    """Where the parent wrote a page's archive image, thumbnail and one-page searchable PDF."""

    image: Path | None
    thumbnail: Path | None
    pdf: Path


@dataclass
class IngestPage:
    """A recognised page and its one-page searchable PDF (``files`` once the parent wrote them out)."""

    ocr: PageOcr
    pdf: bytes = b""
    files: PageFiles | None = None


def recognise_page(task: PageTask) -> IngestPage:
    """Recognise page ``task.index`` of ``task.source`` and build its searchable PDF page."""
    page = run_page(task)
    pdf = searchable_pdf(DocumentOcr(str(task.source.path), [page]), task.source.path)
    page.text_pdf = None  # now inside ``pdf``; not sent back to the parent twice
    return IngestPage(page, pdf)


PR_SET_PDEATHSIG = 1


def die_with_parent(coordinator: int) -> None:
    """End this worker as soon as process ``coordinator`` ends, however it ends (even SIGKILL).

    A daemon thread waits on a pidfd of the coordinator and exits the worker when it becomes
    readable (the process ended); ``pidfd_open`` failing with ProcessLookupError means the
    coordinator died while the worker was starting. ``PR_SET_PDEATHSIG`` also ends the worker if
    its own parent (the forkserver) dies. Without pidfds (old kernels) a thread polls instead.
    Once the workers are gone the forkserver and the resource tracker see EOF and exit too.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        fd = os.pidfd_open(coordinator)
    except ProcessLookupError:
        os._exit(1)
    except OSError:
        threading.Thread(target=_poll_coordinator, args=(coordinator,), daemon=True, name="kho-watch").start()
        return
    threading.Thread(target=_exit_when_ended, args=(fd,), daemon=True, name="kho-watch").start()


def _exit_when_ended(pidfd: int) -> None:
    select.select([pidfd], [], [])  # a pidfd becomes readable when its process ends
    os._exit(1)


def _poll_coordinator(coordinator: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(coordinator, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # alive, under another account
            continue
