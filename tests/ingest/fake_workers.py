"""Picklable stand-ins for ``ocr.pipeline.run_page`` used by the runner tests (no OCR)."""

from __future__ import annotations

import os
from pathlib import Path

from kho.errors import InputError
from ocr.pipeline import PageOcr, PageTask


def echo_page(task: PageTask) -> PageOcr:
    """A page whose text names its file and index; a file called ``bad*`` fails on page 2."""
    name = task.source.path.name
    if name.startswith("bad") and task.index == 1:
        raise InputError("page 2 is unreadable", subject=name)
    return PageOcr(number=task.index + 1, text=f"{name}:{task.index}", confidence=90.0, dpi=300)


def dying_page(task: PageTask) -> PageOcr:
    """Like :func:`echo_page`, but the worker process dies on a file called ``die*``."""
    if task.source.path.name.startswith("die"):
        os._exit(3)
    return echo_page(task)


def source_path(name: str) -> Path:
    """A path for a fake source (never opened)."""
    return Path("/nonexistent") / name
