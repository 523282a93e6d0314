"""Changes to records: correct metadata, revoke, resolve a review task — each a new version, audited.

Each change writes a new record version (who, when, why) through
:meth:`repository.records.Repository.update_metadata`, refreshes the search index, and writes an
audit event per citizen named on the record before or after the change.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from access.audit import Action, write_per_citizen
from access.context import AccessContext
from access.permissions import Permission, require
from access.purpose import require_purpose
from access.scopes import ScopePolicy
from kho.backends import Backends
from kho.errors import KhoError, UsageError
from repository.catalog import ReviewTask
from repository.layout import check_record_id
from repository.schema import Record
from search.documents import index_document_from_record

log = logging.getLogger("kho.access")

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


def _apply(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str,
           changes: Mapping[str, Any], reason: str, expected_version: int | None, action: Action,
           permission: Permission) -> ChangeOutcome:
    require(ctx.principal, permission)
    reason = check_reason(reason)
    require_purpose(ctx.purpose)
    before = backends.repository.get(check_record_id(record_id))
    policy.check(ctx.principal, before.metadata.document_type, before.metadata.locality, subject=record_id)
    record = backends.repository.update_metadata(
        record_id, changes, actor=ctx.principal.actor, reason=reason, expected_version=expected_version
    )
    if record.version == before.version:
        return ChangeOutcome(record, changed=False, indexed=True)
    indexed = refresh_index(backends, record)
    fields = sorted(record.history_entry.changes)
    citizens = (*before.metadata.citizen_ids, *record.metadata.citizen_ids)
    write_per_citizen(backends.catalog, ctx, action, citizens, record.record_id,
                      {"version": record.version, "fields": fields, "reason": reason})
    return ChangeOutcome(record, changed=True, indexed=indexed)


def correct_record(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str,
                   changes: Mapping[str, Any], reason: str, *, expected_version: int | None) -> ChangeOutcome:
    """Apply ``changes`` to a record's metadata as a new version, refresh the index, audit the change.

    403 without ``record_edit``; :class:`ConflictError` if the record is no longer at
    ``expected_version``; :class:`InputError` for invalid values; :class:`UsageError` without a
    reason or purpose. Nothing is written when the changes alter nothing.
    """
    return _apply(backends, policy, ctx, record_id, changes, reason, expected_version,
                  Action.DOCUMENT_UPDATE, Permission.RECORD_EDIT)


def revoke_record(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str, reason: str,
                  *, expected_version: int | None) -> ChangeOutcome:
    """Mark a result revoked (``status = revoked``) with a reason: a new version plus an audit event."""
    return _apply(backends, policy, ctx, record_id, {"status": "revoked"}, reason, expected_version,
                  Action.DOCUMENT_REVOKE, Permission.RECORD_REVOKE)


def resolve_review(backends: Backends, policy: ScopePolicy, ctx: AccessContext, task: ReviewTask,
                   corrections: Mapping[str, Any], *, expected_version: int | None,
                   ) -> tuple[ReviewTask, ChangeOutcome]:
    """Close a review task: apply ``corrections`` (may be empty) and mark the record ``reviewed``.

    The outcome is ``corrected`` when a field changed, else ``accepted``. The record's new version
    names the reviewer and the decision; the task is closed in the catalog afterwards.
    """
    changed_fields = sorted(corrections)
    outcome = "corrected" if changed_fields else "accepted"
    reason = ("Rà soát: sửa " + ", ".join(changed_fields)) if changed_fields else "Rà soát: chấp nhận"
    changes = {**corrections, "review_state": "reviewed"}
    result = _apply(backends, policy, ctx, task.record_id, changes, reason, expected_version,
                    Action.REVIEW_RESOLVE, Permission.REVIEW)
    closed = backends.catalog.resolve_review_task(task.id, actor=ctx.principal.actor, outcome=outcome)
    return closed, result
