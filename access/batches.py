"""Batches started by a caller (upload through the API or pages): permission, record, audit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from access.audit import Action, write_event
from access.context import AccessContext
from access.permissions import Permission, require
from ingest.service import SetAsideFile, create_batch, set_aside
from kho.backends import Backends
from repository.catalog import Batch, BatchItem, BatchProgress

MAX_NAMES_AUDITED = 50
UPLOAD_PURPOSE = "Số hóa lô tải lên / digitize an uploaded batch"
DONE_WITH_ERRORS = "done_with_errors"
"""The state of a ``done`` batch in which an item failed or was set aside (shown "Hoàn tất – có lỗi")."""
_ERROR_STATUSES = ("failed", "quarantined")


def batch_state(status: str, counts: Mapping[str, int]) -> str:
    """What to show of a batch: its catalog ``status``, but ``done_with_errors`` when a ``done`` batch
    has failed or quarantined items (or stored nothing: every item set aside)."""
    if status == "done" and any(counts.get(s, 0) > 0 for s in _ERROR_STATUSES):
        return DONE_WITH_ERRORS
    return status


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
