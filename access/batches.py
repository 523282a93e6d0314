"""Batches started by a caller (upload through the API or pages): permission, record, audit.

A batch's state as shown (``done_with_errors`` …) is :func:`ingest.report.batch_state`, the one rule that
the pages, the API and ``kho ingest`` share (re-exported here for the web layer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from access.audit import Action, write_event
from access.context import AccessContext
from access.permissions import Permission, require
from ingest.report import DONE_WITH_ERRORS, batch_state
from ingest.service import SetAsideFile, create_batch, set_aside
from kho.backends import Backends
from repository.catalog import Batch, BatchItem, BatchProgress

__all__ = ["DONE_WITH_ERRORS", "BatchLine", "BatchReport", "UploadedFiles", "batch_lines", "batch_progress",
           "batch_report", "batch_state", "batch_to_resume", "create_uploaded_batch", "problem_items",
           "quarantined_total"]

MAX_NAMES_AUDITED = 50
UPLOAD_PURPOSE = "Số hóa lô tải lên / digitize an uploaded batch"


@dataclass(frozen=True)
class UploadedFiles:
    """Files already saved on the server: their folder, an optional manifest, the names as sent,
    and the files set aside at upload (recorded as quarantined items with their reasons)."""

    files_dir: Path
    manifest: Path | None
    names: Sequence[str]
    set_aside: Sequence[SetAsideFile] = ()


def create_uploaded_batch(backends: Backends, ctx: AccessContext, upload: UploadedFiles, name: str | None) -> Batch:
    """Record a batch of the uploaded files (and manifest), audited ``batch.create``; nothing runs yet.

    403 without ``batch_create``; the purpose defaults to :data:`UPLOAD_PURPOSE`. The caller
    starts it (a background runner) afterwards.
    """
    require(ctx.principal, Permission.BATCH_CREATE)
    if not (ctx.purpose and ctx.purpose.strip()):
        ctx = replace(ctx, purpose=UPLOAD_PURPOSE)
    batch = create_batch(backends, [upload.files_dir], upload.manifest, name)
    set_aside(backends, batch, upload.set_aside)
    details: dict[str, object] = {
        "batch_id": batch.id, "files": list(upload.names)[:MAX_NAMES_AUDITED], "manifest": upload.manifest is not None,
    }
    if upload.set_aside:
        details["set_aside"] = [f.name for f in upload.set_aside][:MAX_NAMES_AUDITED]
    write_event(backends.catalog, ctx, Action.BATCH_CREATE, details=details)
    return batch


@dataclass(frozen=True)
class BatchReport:
    """A batch, its progress and (a page of) its items."""

    batch: Batch
    progress: BatchProgress
    items: list[BatchItem]

    @property
    def state(self) -> str:
        """:func:`batch_state` of the batch (``done_with_errors`` when something failed or was set aside)."""
        return batch_state(self.batch.status, self.progress.counts)


def batch_report(backends: Backends, ctx: AccessContext, batch_id: int, status: str | None = None,
                 *, limit: int | None = 100, offset: int = 0) -> BatchReport:
    """A batch's status, progress and items (403 without ``batch_read``; 404 if unknown)."""
    require(ctx.principal, Permission.BATCH_READ)
    catalog = backends.catalog
    batch = catalog.get_batch(batch_id)
    items = catalog.list_batch_items(batch_id, status, limit=limit, offset=offset)
    return BatchReport(batch, catalog.batch_progress(batch_id), items)


@dataclass(frozen=True)
class BatchLine:
    """A batch in a list: its progress (read for the newest only) and its state as shown."""

    batch: Batch
    progress: BatchProgress | None
    state: str


def batch_lines(backends: Backends, ctx: AccessContext, *, limit: int = 100, with_progress: int = 20
                ) -> list[BatchLine]:
    """The batches, newest first; the ``with_progress`` newest with their live progress."""
    require(ctx.principal, Permission.BATCH_READ)
    catalog = backends.catalog
    lines = []
    for n, batch in enumerate(catalog.list_batches(limit=limit)):
        progress = catalog.batch_progress(batch.id) if n < with_progress else None
        lines.append(BatchLine(batch, progress, batch_state(batch.status, (progress or batch).counts)))
    return lines


def batch_progress(backends: Backends, ctx: AccessContext, batch_id: int) -> BatchProgress:
    """A batch's live progress (403 without ``batch_read``; 404 if unknown)."""
    require(ctx.principal, Permission.BATCH_READ)
    backends.catalog.get_batch(batch_id)
    return backends.catalog.batch_progress(batch_id)


def problem_items(backends: Backends, ctx: AccessContext, batch_id: int) -> list[BatchItem]:
    """The batch's items set aside (quarantined) or failed, with their reasons."""
    require(ctx.principal, Permission.BATCH_READ)
    catalog = backends.catalog
    catalog.get_batch(batch_id)
    return [item for status in ("quarantined", "failed") for item in catalog.list_batch_items(batch_id, status)]


def batch_to_resume(backends: Backends, ctx: AccessContext, batch_id: int) -> Batch:
    """The batch a caller may run again (``batch_create``; 404 if unknown)."""
    require(ctx.principal, Permission.BATCH_CREATE)
    return backends.catalog.get_batch(batch_id)


def quarantined_total(backends: Backends, ctx: AccessContext) -> int:
    """How many files of all batches are set aside (quarantined)."""
    require(ctx.principal, Permission.BATCH_READ)
    return backends.catalog.quarantine_count()
