"""The one audit writer and the :class:`Action` names; the audit query (itself an audited read).

No other module writes audit events or spells an action name: they call :func:`write_event` /
:func:`write_per_citizen` with an :class:`Action`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from access.context import AccessContext
from access.permissions import Permission, require
from access.purpose import require_purpose
from kho.core.citizen_id import citizen_id_lookup_forms
from kho.errors import UsageError
from repository.catalog import AuditEvent, Catalog
from repository.layout import RECORD_ID_RE


class Action(StrEnum):
    """What an audit event records (the value is what the catalog stores)."""

    CITIZEN_DOCUMENTS = "citizen.documents"
    DOCUMENT_METADATA = "document.metadata"
    DOCUMENT_FILE = "document.file"
    SEARCH = "search"
    DOCUMENT_UPDATE = "document.update"
    DOCUMENT_REVOKE = "document.revoke"
    REVIEW_RESOLVE = "review.resolve"
    DOCUMENT_CERTIFY = "document.certify"
    BATCH_CREATE = "batch.create"
    BATCH_ROW_READ = "batch.row_read"
    BATCH_ROW_FIX = "batch.row_fix"
    AUDIT_QUERY = "audit.query"
    RECORDS_EXPORT = "records.export"


def write_event(catalog: Catalog, ctx: AccessContext, action: Action, *, citizen_id: str | None = None,
                record_id: str | None = None, details: Mapping[str, Any] | None = None) -> AuditEvent:
    """Append one event naming the caller, the purpose (required) and the client address."""
    return catalog.record_audit_event(
        actor=ctx.principal.actor,
        actor_kind=ctx.principal.kind,
        action=action.value,
        citizen_id=citizen_id,
        record_id=record_id,
        purpose=require_purpose(ctx.purpose),
        client_address=ctx.client_address,
        details=dict(details or {}),
    )


def write_per_citizen(catalog: Catalog, ctx: AccessContext, action: Action, citizen_ids: Iterable[str],
                      record_id: str, details: Mapping[str, Any] | None = None) -> None:
    """One event per distinct citizen ID (one event with none when the record names nobody)."""
    named: list[str | None] = list(dict.fromkeys(citizen_ids))
    for cid in named or [None]:
        write_event(catalog, ctx, action, citizen_id=cid, record_id=record_id, details=details)


def parse_when(text: str, subject: str) -> datetime:
    """A date (``YYYY-MM-DD``, midnight UTC) or ISO date-time (naive = UTC); 400 otherwise."""
    value = text.strip().upper()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise UsageError("not a date (YYYY-MM-DD) or ISO date-time", subject=subject) from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AuditFilters:
    """What an audit query asks for (every filter optional)."""

    citizen_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    record_id: str | None = None
    limit: int = 100
    offset: int = 0


def query_audit_events(catalog: Catalog, ctx: AccessContext, filters: AuditFilters) -> list[AuditEvent]:
    """Audit events, newest first (role with ``audit_read``, a purpose required), recorded as ``audit.query``.

    The citizen ID is normalised like a lookup (400 if malformed). The query's own event is written
    before the events are returned.
    """
    require(ctx.principal, Permission.AUDIT_READ)
    require_purpose(ctx.purpose)
    if not 1 <= filters.limit <= 1000:
        raise UsageError("must be between 1 and 1000", subject="limit")
    if filters.offset < 0:
        raise UsageError("must not be negative", subject="offset")
    if filters.record_id and not RECORD_ID_RE.match(filters.record_id):
        raise UsageError("not a record ID (kho- and 20 hex digits)", subject="record_id")
    raw_cid = filters.citizen_id
    cid = citizen_id_lookup_forms(raw_cid)[0] if raw_cid and raw_cid.strip() else None
    events = catalog.query_audit(
        citizen_id=cid, since=filters.since, until=filters.until, actor=filters.actor or None,
        record_id=filters.record_id or None, limit=filters.limit, offset=filters.offset,
    )
    shown = {k: str(v) for k, v in (("since", filters.since), ("until", filters.until), ("actor", filters.actor),
                                   ("record_id", filters.record_id)) if v}
    write_event(catalog, ctx, Action.AUDIT_QUERY, citizen_id=cid, details={"returned": len(events), **shown})
    return events
