"""Review tasks, audit events and fixity runs in the catalog: queries on a given session.

Citizen IDs pass through here into ``audit_events``; they are stored (the audit trail needs them)
but never logged or put into error messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog_models import AuditEventRow, FixityRunRow, ReviewTaskRow, utcnow
from repository.catalog_types import (
    ACTOR_KINDS,
    REVIEW_OUTCOMES,
    REVIEW_STATUSES,
    AuditEvent,
    FixityRun,
    FixityRunSummary,
    ReviewTask,
    bounded,
)


def _nfc(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFC", value).strip()


def aware(value: datetime | None, what: str) -> datetime | None:
    """``value`` if it is ``None`` or timezone-aware; a :class:`UsageError` for naive datetimes."""
    if value is not None and value.tzinfo is None:
        raise UsageError("a timezone-aware datetime is required (e.g. datetime.now(UTC))", subject=what)
    return value


def to_task(row: ReviewTaskRow) -> ReviewTask:
    """The public view of a review task row."""
    return ReviewTask(
        id=row.id,
        record_id=row.record_id,
        reasons=tuple(row.reasons or ()),
        status=row.status,
        created_at=row.created_at,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
    )


def open_task(session: Session, record_id: str, reasons: Iterable[str]) -> ReviewTask:
    """The open task of ``record_id`` with ``reasons`` merged in, created if there is none."""
    record_id = bounded(record_id, 128, "record_id") or ""
    if not record_id:
        raise UsageError("a review task needs a record ID", subject="record_id")
    new_reasons = [r for r in (_nfc(r) for r in reasons) if r]
    row = session.scalar(
        select(ReviewTaskRow)
        .where(ReviewTaskRow.record_id == record_id, ReviewTaskRow.status == "open")
        .with_for_update()
    )
    if row is None:
        row = ReviewTaskRow(
            record_id=record_id, reasons=list(dict.fromkeys(new_reasons)), status="open", created_at=utcnow()
        )
        session.add(row)
    else:
        merged = list(dict.fromkeys([*(row.reasons or []), *new_reasons]))
        if merged != list(row.reasons or []):
            row.reasons = merged
    session.flush()
    return to_task(row)


def list_tasks(session: Session, status: str | None, limit: int, offset: int) -> list[ReviewTask]:
    """Tasks (of one status, or all), oldest first so the backlog is worked in order."""
    query = select(ReviewTaskRow)
    if status is not None:
        if status not in REVIEW_STATUSES:
            raise UsageError(f"unknown review status; choose one of {', '.join(REVIEW_STATUSES)}", subject=status)
        query = query.where(ReviewTaskRow.status == status)
    query = query.order_by(ReviewTaskRow.created_at, ReviewTaskRow.id).limit(limit).offset(offset)
    return [to_task(r) for r in session.scalars(query)]


def get_task(session: Session, task_id: int) -> ReviewTask:
    """One task; :class:`NotFoundError` if unknown."""
    row = session.get(ReviewTaskRow, task_id)
    if row is None:
        raise NotFoundError("no such review task", subject=f"review task {task_id}")
    return to_task(row)


def resolve_task(session: Session, task_id: int, actor: str, outcome: str) -> ReviewTask:
    """Close an open task as ``accepted`` or ``corrected``; :class:`ConflictError` if already closed."""
    if outcome not in REVIEW_OUTCOMES:
        raise UsageError(f"unknown review outcome; choose one of {', '.join(REVIEW_OUTCOMES)}", subject=outcome)
    row = session.get(ReviewTaskRow, task_id, with_for_update=True)
    if row is None:
        raise NotFoundError("no such review task", subject=f"review task {task_id}")
    if row.status != "open":
        raise ConflictError(
            f"this task was already closed ({row.status}) by {row.resolved_by}",
            subject=f"review task {task_id}",
        )
    row.status = outcome
    row.resolved_by = _nfc(actor) or "?"
    row.resolved_at = utcnow()
    session.flush()
    return to_task(row)


def backlog(session: Session) -> int:
    """How many review tasks are open."""
    return int(session.scalar(select(func.count()).where(ReviewTaskRow.status == "open")) or 0)


def to_event(row: AuditEventRow) -> AuditEvent:
    """The public view of an audit event row."""
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        actor_kind=row.actor_kind,
        action=row.action,
        citizen_id=row.citizen_id,
        record_id=row.record_id,
        purpose=row.purpose,
        client_address=row.client_address,
        details=dict(row.details or {}),
    )


@dataclass(frozen=True)
class AuditQuery:
    """Filters of :func:`query_events`; ``None`` means "any"."""

    citizen_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    record_id: str | None = None
    action: str | None = None
    limit: int = 100
    offset: int = 0


_INSERT_EVENT = insert(AuditEventRow).returning(AuditEventRow.id)


def insert_event(conn: Connection, values: Mapping[str, Any]) -> AuditEvent:
    """Append one audit event (``values`` as in :meth:`Catalog.record_audit_event`).

    A Core insert on the connection of the caller's transaction: every personal-data read writes
    one, so it skips the ORM's unit of work.
    """
    if values["actor_kind"] not in ACTOR_KINDS:
        raise UsageError(f"actor_kind must be one of {', '.join(ACTOR_KINDS)}", subject=str(values["actor_kind"]))
    actor, action = _nfc(values["actor"]), _nfc(values["action"])
    if not actor or not action:
        raise UsageError("an audit event needs an actor and an action", subject="audit event")
    row: dict[str, Any] = {
        "at": aware(values.get("at"), "at") or utcnow(),
        "actor": actor[:200],
        "actor_kind": values["actor_kind"],
        "action": action[:64],
        "citizen_id": bounded(values.get("citizen_id"), 32, "citizen_id"),
        "record_id": bounded(values.get("record_id"), 128, "record_id"),
        "purpose": _nfc(values.get("purpose")) or "",
        "client_address": (values.get("client_address") or "")[:64],
        "details": dict(values.get("details") or {}),
    }
    new_id = conn.execute(_INSERT_EVENT, row).scalar_one()
    return AuditEvent(id=int(new_id), **row)


def query_events(session: Session, q: AuditQuery) -> list[AuditEvent]:
    """Audit events matching every given filter, newest first."""
    query = select(AuditEventRow)
    if q.citizen_id is not None:
        query = query.where(AuditEventRow.citizen_id == _nfc(q.citizen_id))
    if q.record_id is not None:
        query = query.where(AuditEventRow.record_id == q.record_id)
    if q.actor is not None:
        query = query.where(AuditEventRow.actor == q.actor)
    if q.action is not None:
        query = query.where(AuditEventRow.action == q.action)
    if q.since is not None:
        query = query.where(AuditEventRow.at >= aware(q.since, "since"))
    if q.until is not None:
        query = query.where(AuditEventRow.at < aware(q.until, "until"))
    query = query.order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc()).limit(q.limit).offset(q.offset)
    return [to_event(r) for r in session.scalars(query)]


def to_fixity(row: FixityRunRow) -> FixityRun:
    """The public view of a fixity run row."""
    return FixityRun(
        id=row.id,
        started_at=row.started_at,
        finished_at=row.finished_at,
        records_checked=row.records_checked,
        objects_checked=row.objects_checked,
        problems=row.problems,
        ok=row.ok,
        report=dict(row.report or {}),
    )


def insert_fixity_run(session: Session, summary: FixityRunSummary) -> FixityRun:
    """Store the summary of one fixity run."""
    row = FixityRunRow(
        started_at=aware(summary.started_at, "started_at"),
        finished_at=aware(summary.finished_at, "finished_at"),
        records_checked=summary.records_checked,
        objects_checked=summary.objects_checked,
        problems=summary.problems,
        ok=summary.ok,
        report=dict(summary.report),
    )
    session.add(row)
    session.flush()
    return to_fixity(row)


def last_fixity_run(session: Session) -> FixityRun | None:
    """The most recently started fixity run, or ``None`` if none was recorded."""
    query = select(FixityRunRow).order_by(FixityRunRow.started_at.desc(), FixityRunRow.id.desc()).limit(1)
    row = session.scalar(query)
    return to_fixity(row) if row else None
