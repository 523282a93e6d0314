"""Batches and their items in the catalog: queries on a given session (the facade owns transactions)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog_models import BatchItemRow, BatchRow, utcnow
from repository.catalog_types import (
    BATCH_STATUSES,
    ITEM_DONE_STATUSES,
    ITEM_STATUSES,
    Batch,
    BatchItem,
    BatchProgress,
    NewBatchItem,
    bounded,
)

_CHUNK = 500


def check_status(status: str, allowed: tuple[str, ...], what: str) -> str:
    """``status`` if allowed, else a :class:`UsageError` naming the choices."""
    if status not in allowed:
        raise UsageError(f"unknown {what} status; choose one of {', '.join(allowed)}", subject=status)
    return status


def to_batch(row: BatchRow) -> Batch:
    """The public view of a batch row."""
    return Batch(
        id=row.id,
        name=row.name,
        status=row.status,
        sources=tuple(row.sources or ()),
        options=dict(row.options or {}),
        counts={str(k): int(v) for k, v in (row.counts or {}).items()},
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def to_item(row: BatchItemRow) -> BatchItem:
    """The public view of a batch item row."""
    return BatchItem(
        batch_id=row.batch_id,
        key=row.item_key,
        status=row.status,
        reason=row.reason,
        record_id=row.record_id,
        source_sha256s=tuple(row.source_sha256s or ()),
        pages=row.pages,
        confidence=row.confidence,
        warnings=tuple(row.warnings or ()),
        fields=dict(row.fields or {}),
        updated_at=row.updated_at,
    )


def insert_batch(session: Session, name: str, sources: Iterable[str], options: Mapping[str, Any]) -> Batch:
    """Add a queued batch; :class:`ConflictError` if the name is taken."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name or len(name) > 200:
        raise UsageError("a batch name must be 1-200 characters", subject=name or "batch name")
    if session.scalar(select(BatchRow.id).where(BatchRow.name == name)) is not None:
        raise ConflictError("a batch with this name exists; resume it or choose another name", subject=name)
    row = BatchRow(
        name=name,
        status="queued",
        sources=[str(s) for s in sources],
        options=dict(options),
        counts={},
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return to_batch(row)


def batch_row(session: Session, batch_id: int) -> BatchRow:
    """The row of batch ``batch_id``; :class:`NotFoundError` if unknown."""
    row = session.get(BatchRow, batch_id)
    if row is None:
        raise NotFoundError("no such batch", subject=f"batch {batch_id}")
    return row


def find_batch_by_name(session: Session, name: str) -> Batch | None:
    """The batch called ``name``, or ``None``."""
    name = unicodedata.normalize("NFC", name).strip()
    row = session.scalar(select(BatchRow).where(BatchRow.name == name))
    return to_batch(row) if row else None


def list_batches(session: Session, limit: int, offset: int) -> list[Batch]:
    """Batches, newest first."""
    query = select(BatchRow).order_by(BatchRow.id.desc()).limit(limit).offset(offset)
    return [to_batch(r) for r in session.scalars(query)]


def set_batch_status(session: Session, batch_id: int, status: str, counts: Mapping[str, int] | None) -> Batch:
    """Move a batch to ``status``; ``running`` stamps the start, ``done``/``failed`` the end."""
    check_status(status, BATCH_STATUSES, "batch")
    row = batch_row(session, batch_id)
    now = utcnow()
    row.status = status
    if status == "running":
        row.started_at = row.started_at or now
        row.finished_at = None
    elif status in ("done", "failed"):
        row.finished_at = now
    if counts is not None:
        row.counts = {str(k): int(v) for k, v in counts.items()}
    session.flush()
    return to_batch(row)


def _existing_items(session: Session, batch_id: int, keys: Sequence[str]) -> dict[str, BatchItemRow]:
    found: dict[str, BatchItemRow] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = select(BatchItemRow).where(BatchItemRow.batch_id == batch_id, BatchItemRow.item_key.in_(chunk))
        found.update((r.item_key, r) for r in session.scalars(query))
    return found


def _reset(row: BatchItemRow, item: NewBatchItem) -> None:
    row.status = "queued"
    row.source_sha256s = list(item.source_sha256s)
    row.pages = item.pages
    row.reason = row.record_id = row.confidence = None
    row.warnings, row.fields = [], {}
    row.updated_at = utcnow()


def upsert_items(session: Session, batch_id: int, items: Sequence[NewBatchItem]) -> list[BatchItem]:
    """Plan items idempotently by key: new keys are queued, known keys keep their state unless the
    source checksums changed (then they are queued again). Returns the items in the given order."""
    batch_row(session, batch_id)
    wanted: dict[str, NewBatchItem] = {}
    for item in items:
        if not item.key or len(item.key) > 1024:
            raise UsageError("an item key must be 1-1024 characters", subject=item.key[:80] or "item key")
        wanted[item.key] = item
    rows = _existing_items(session, batch_id, list(wanted))
    for key, item in wanted.items():
        row = rows.get(key)
        if row is None:
            row = BatchItemRow(batch_id=batch_id, item_key=key)
            _reset(row, item)
            session.add(row)
            rows[key] = row
        elif item.source_sha256s and tuple(row.source_sha256s or ()) != item.source_sha256s:
            _reset(row, item)
    session.flush()
    return [to_item(rows[key]) for key in wanted]


def update_item(session: Session, batch_id: int, key: str, status: str, changes: Mapping[str, Any]) -> BatchItem:
    """Set an item's status, its reason (always replaced) and any of the non-``None`` ``changes``."""
    check_status(status, ITEM_STATUSES, "item")
    row = session.scalar(select(BatchItemRow).where(BatchItemRow.batch_id == batch_id, BatchItemRow.item_key == key))
    if row is None:
        raise NotFoundError(f"no such item in batch {batch_id}", subject=key)
    row.status = status
    row.reason = changes.get("reason")
    bounded(changes.get("record_id"), 128, "record_id")
    for name in ("record_id", "pages", "confidence"):
        if changes.get(name) is not None:
            setattr(row, name, changes[name])
    if changes.get("warnings") is not None:
        row.warnings = [str(w) for w in changes["warnings"]]
    if changes.get("fields") is not None:
        row.fields = dict(changes["fields"])
    row.updated_at = utcnow()
    session.flush()
    return to_item(row)


def list_items(session: Session, batch_id: int, status: str | None, limit: int | None, offset: int) -> list[BatchItem]:
    """Items of a batch in planning order, optionally of one status."""
    batch_row(session, batch_id)
    query = select(BatchItemRow).where(BatchItemRow.batch_id == batch_id)
    if status is not None:
        query = query.where(BatchItemRow.status == check_status(status, ITEM_STATUSES, "item"))
    query = query.order_by(BatchItemRow.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [to_item(r) for r in session.scalars(query)]


def count_items_by_status(session: Session, batch_id: int | None = None) -> dict[str, int]:
    """Items per status (every status present, zeros included), in one batch or in all."""
    query = select(BatchItemRow.status, func.count()).group_by(BatchItemRow.status)
    if batch_id is not None:
        query = query.where(BatchItemRow.batch_id == batch_id)
    counts = dict.fromkeys(ITEM_STATUSES, 0)
    for status, n in session.execute(query):
        counts[status] = int(n)
    return counts


def progress(session: Session, batch_id: int) -> BatchProgress:
    """Counts per status, pages done and pages per minute since the batch started."""
    row = batch_row(session, batch_id)
    counts = count_items_by_status(session, batch_id)
    pages_done = session.scalar(
        select(func.coalesce(func.sum(BatchItemRow.pages), 0)).where(
            BatchItemRow.batch_id == batch_id, BatchItemRow.status.in_(ITEM_DONE_STATUSES)
        )
    )
    elapsed = 0.0
    if row.started_at is not None:
        elapsed = max(0.0, ((row.finished_at or utcnow()) - row.started_at).total_seconds())
    pages = int(pages_done or 0)
    return BatchProgress(
        batch_id=batch_id,
        status=row.status,
        total=sum(counts.values()),
        counts=counts,
        pages_done=pages,
        started_at=row.started_at,
        finished_at=row.finished_at,
        elapsed_seconds=elapsed,
        pages_per_minute=pages * 60.0 / elapsed if elapsed > 0 else 0.0,
    )
