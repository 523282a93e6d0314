"""What the pages do to records besides reading them: metadata changes, revocation, review decisions.

Each change writes a new record version (who, when, why) through
:meth:`repository.records.Repository.update_metadata`, refreshes the search index, and records an
audit event per citizen named on the record (before or after the change).

Audit actions written here (besides those of :mod:`web.audit`): ``document.update``,
``document.revoke`` and ``review.resolve``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kho.backends import Backends
from kho.errors import KhoError, UsageError
from repository.catalog import ReviewTask
from repository.schema import Record
from search.documents import index_document_from_record
from web.audit import ReadContext, require_purpose

log = logging.getLogger("web")

ACTION_UPDATE = "document.update"
ACTION_REVOKE = "document.revoke"
ACTION_REVIEW = "review.resolve"
MAX_REASON = 500


@dataclass(frozen=True)
class ChangeOutcome:
    """The record after a change, whether anything changed, and whether the index was refreshed."""

    record: Record
    changed: bool
    indexed: bool


def check_reason(reason: str) -> str:
    """A change's reason, trimmed; :class:`UsageError` if missing or longer than :data:`MAX_REASON`."""
    text = " ".join(reason.split())
    if not text:
        raise UsageError("a reason is required for every change", subject="reason")
    if len(text) > MAX_REASON:
        raise UsageError(f"the reason must be at most {MAX_REASON} characters", subject="reason")
    return text


def refresh_index(backends: Backends, record: Record) -> bool:
    """Write the record's current version to the search index; ``False`` (logged) if the index refused."""
    try:
        document = index_document_from_record(record, backends.repository.page_texts(record))
        result = backends.index.index_documents([document], refresh=True)
    except KhoError as e:
        log.error("record %s changed but the index was not refreshed: %s", record.record_id, e.one_line())
        return False
    if result.failures:
        log.error("record %s changed but the index refused it: %s", record.record_id, result.failures[0].reason)
        return False
    return True


def _audit_change(backends: Backends, ctx: ReadContext, action: str, citizens: Iterable[str],
                  record: Record, details: Mapping[str, Any]) -> None:
    purpose = require_purpose(ctx.purpose)
    named: list[str | None] = list(dict.fromkeys(citizens))
    for cid in named or [None]:
        backends.catalog.record_audit_event(
            actor=ctx.principal.actor, actor_kind=ctx.principal.kind, action=action, citizen_id=cid,
            record_id=record.record_id, purpose=purpose, client_address=ctx.client_address,
            details=dict(details),
        )


def change_record(
    backends: Backends,
    ctx: ReadContext,
    record_id: str,
    changes: Mapping[str, Any],
    reason: str,
    *,
    expected_version: int | None,
    action: str = ACTION_UPDATE,
) -> ChangeOutcome:
    """Apply ``changes`` to a record's metadata as a new version, refresh the index, audit the change.

    :class:`ConflictError` if the record is no longer at ``expected_version``; :class:`InputError`
    for invalid values; :class:`UsageError` without a reason or purpose. Nothing is written when
    the changes alter nothing.
    """
    reason = check_reason(reason)
    require_purpose(ctx.purpose)
    before = backends.repository.get(record_id)
    record = backends.repository.update_metadata(
        record_id, changes, actor=ctx.principal.actor, reason=reason, expected_version=expected_version
    )
    if record.version == before.version:
        return ChangeOutcome(record, changed=False, indexed=True)
    indexed = refresh_index(backends, record)
    fields = sorted(record.history_entry.changes)
    citizens = (*before.metadata.citizen_ids, *record.metadata.citizen_ids)
    _audit_change(backends, ctx, action, citizens, record,
                  {"version": record.version, "fields": fields, "reason": reason})
    return ChangeOutcome(record, changed=True, indexed=indexed)


def revoke_record(backends: Backends, ctx: ReadContext, record_id: str, reason: str,
                  *, expected_version: int | None) -> ChangeOutcome:
    """Mark a result revoked (``status = revoked``) with a reason: a new version plus an audit event."""
    return change_record(backends, ctx, record_id, {"status": "revoked"}, reason,
                         expected_version=expected_version, action=ACTION_REVOKE)


def resolve_review(
    backends: Backends,
    ctx: ReadContext,
    task: ReviewTask,
    corrections: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> tuple[ReviewTask, ChangeOutcome]:
    """Close a review task: apply ``corrections`` (may be empty) and mark the record ``reviewed``.

    The outcome is ``corrected`` when a field changed, else ``accepted``. The record's new version
    names the reviewer and the decision; the task is closed in the catalog afterwards.
    """
    changed_fields = sorted(corrections)
    outcome = "corrected" if changed_fields else "accepted"
    reason = ("Rà soát: sửa " + ", ".join(changed_fields)) if changed_fields else "Rà soát: chấp nhận"
    changes = {**corrections, "review_state": "reviewed"}
    result = change_record(backends, ctx, task.record_id, changes, reason,
                           expected_version=expected_version, action=ACTION_REVIEW)
    closed = backends.catalog.resolve_review_task(task.id, actor=ctx.principal.actor, outcome=outcome)
    return closed, result
