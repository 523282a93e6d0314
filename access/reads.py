"""Audited reads of personal data: a citizen's documents, a search, a record's metadata and files.

Each checks the caller's role and scopes, requires a stated purpose, and writes its audit event
in the catalog *before* any data is returned (if the event cannot be written, nothing is served):

* list: one event ``citizen.documents`` with the citizen ID looked up and the record IDs returned;
* metadata / file: one event ``document.metadata`` / ``document.file`` per citizen ID named on the
  record (one event with no citizen ID when it names none);
* search: one event ``search`` with the citizen ID filtered on (if any) and the record IDs returned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, BinaryIO

from access.audit import Action, write_event, write_per_citizen
from access.context import AccessContext
from access.permissions import Permission, require
from access.purpose import require_purpose
from access.scopes import ScopePolicy
from kho.backends import Backends
from kho.core.citizen_id import citizen_id_lookup_forms
from kho.errors import NotFoundError, UsageError
from repository.layout import check_record_id
from repository.objectstore import ObjectInfo
from repository.records import FileRole
from repository.schema import Record
from search.index import SearchHit, SearchQuery, SearchResult
from search.query import MAX_LIMIT, STATUSES

CITIZEN_FIRST_PAGE = 50
"""A citizen lookup asks the index for this many hits first (an index's cost grows with the page
size asked, and a citizen rarely has more); a larger total fetches up to ``MAX_LIMIT``."""


@dataclass(frozen=True)
class DocumentSummary:
    """One of a citizen's documents, as the index knows it (no store read)."""

    id: str
    document_type: str | None
    document_number: str | None
    issued_on: date | None
    issuer: str | None
    status: str
    valid_until: date | None
    page_count: int | None
    locality: str | None


@dataclass(frozen=True)
class CitizenDocuments:
    """The documents of one citizen visible to the caller, newest first."""

    citizen_id: str
    documents: tuple[DocumentSummary, ...]


def summary_of(hit: SearchHit) -> DocumentSummary:
    """The summary of an index hit (``valid_until``/``page_count`` when the index returns them)."""
    return DocumentSummary(
        id=hit.record_id, document_type=hit.document_type, document_number=hit.document_number,
        issued_on=hit.issued_on, issuer=hit.issuer, status=hit.status, valid_until=hit.valid_until,
        page_count=hit.page_count, locality=hit.locality,
    )


def _check_status(status: str | None) -> str | None:
    if status is None or not status.strip():
        return None
    if status not in STATUSES:
        raise UsageError(f"unknown status; use one of: {', '.join(STATUSES)}", subject="status")
    return status


def _lookup_form(citizen_id: str | None) -> str | None:
    return citizen_id_lookup_forms(citizen_id)[0] if citizen_id and citizen_id.strip() else None


def lookup_citizen_documents(
    backends: Backends, policy: ScopePolicy, ctx: AccessContext, citizen_id: str, *,
    document_type: str | None = None, status: str | None = None,
) -> CitizenDocuments:
    """A citizen's documents inside the caller's scopes (exact ID query on the index), audited.

    403 if the role may not look citizens up or ``document_type`` is outside the scopes; 400
    without a purpose, for a malformed ID (12 digits, 9-digit CMND, or 11 digits that lost a
    leading zero) or an unknown status.
    """
    require(ctx.principal, Permission.CITIZEN_DOCUMENTS)
    require_purpose(ctx.purpose)
    cid = citizen_id_lookup_forms(citizen_id)[0]
    status = _check_status(status)
    document_type = document_type.strip() if document_type and document_type.strip() else None
    policy.check_type_filter(ctx.principal, document_type)
    query = SearchQuery(citizen_id=cid, document_type=document_type, status=status, sort="date",
                        limit=CITIZEN_FIRST_PAGE, with_facets=False)
    result = backends.index.search(query)
    if result.total > len(result.hits):  # rare: more documents than the first page holds
        result = backends.index.search(replace(query, limit=MAX_LIMIT))
    scopes = ctx.principal.scopes
    documents = tuple(summary_of(h) for h in result.hits if policy.allows(scopes, h.document_type, h.locality))
    details: dict[str, Any] = {"record_ids": [d.id for d in documents]}
    details.update({k: v for k, v in (("document_type", document_type), ("status", status)) if v})
    write_event(backends.catalog, ctx, Action.CITIZEN_DOCUMENTS, citizen_id=cid, details=details)
    return CitizenDocuments(cid, documents)


def search_documents(backends: Backends, policy: ScopePolicy, ctx: AccessContext, query: SearchQuery) -> SearchResult:
    """Run a search inside the caller's scopes (permission ``search``), audited like a list read."""
    require(ctx.principal, Permission.SEARCH)
    require_purpose(ctx.purpose)
    cid = _lookup_form(query.citizen_id)
    scoped = policy.search_filters(ctx.principal, query.document_type, query.locality)
    query = replace(query, citizen_id=cid, document_type=scoped.document_type, locality=scoped.locality)
    result = backends.index.search(query)
    details: dict[str, Any] = {"total": result.total, "record_ids": [h.record_id for h in result.hits]}
    if query.text:
        details["text"] = query.text[:500]
    write_event(backends.catalog, ctx, Action.SEARCH, citizen_id=cid, details=details)
    return result


def scoped_record(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str,
                  permission: Permission = Permission.DOCUMENT_READ) -> Record:
    """The current version of a record after the role, purpose and scope checks (not audited yet)."""
    require(ctx.principal, permission)
    require_purpose(ctx.purpose)
    record = backends.repository.get(check_record_id(record_id))
    meta = record.metadata
    policy.check(ctx.principal, meta.document_type, meta.locality, subject=record_id)
    return record


def read_document(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str) -> Record:
    """The current version of a record (from the store), role/scope-checked and audited."""
    record = scoped_record(backends, policy, ctx, record_id)
    write_per_citizen(backends.catalog, ctx, Action.DOCUMENT_METADATA, record.metadata.citizen_ids,
                      record.record_id, {"version": record.version})
    return record


@dataclass(frozen=True)
class DocumentFile:
    """What is needed to answer a file request: the record, the stored entry's info."""

    record: Record
    info: ObjectInfo


def document_file(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str,
                  *, range_header: str | None = None) -> DocumentFile:
    """The searchable PDF's info (size, SHA-256) of a record, role/scope-checked and audited.

    Open the bytes with :func:`open_file_range`. ``range_header`` (the byte range asked for, if
    any) is recorded in the audit event.
    """
    record = scoped_record(backends, policy, ctx, record_id)
    entries = record.objects_with_role("pdf")
    if not entries:
        raise NotFoundError("the record has no searchable PDF", subject=record_id)
    entry = entries[0]
    details: dict[str, Any] = {"sha256": entry.sha256}
    if range_header:
        details["range"] = range_header[:100]
    write_per_citizen(backends.catalog, ctx, Action.DOCUMENT_FILE, record.metadata.citizen_ids,
                      record.record_id, details)
    info = ObjectInfo(key=entry.key, size=entry.size, sha256=entry.sha256, content_type=entry.content_type)
    return DocumentFile(record, info)


def open_file_range(backends: Backends, info: ObjectInfo, start: int = 0, stop: int | None = None) -> BinaryIO:
    """A stream of bytes ``start``..``stop`` (exclusive; ``None``: to the end) of a stored object."""
    length = None if stop is None else stop - start
    return backends.store.open_stream(info.key, start, length)


@dataclass(frozen=True)
class ObjectRead:
    """One stored object of a record, opened after its audit event was written (close the stream)."""

    record: Record
    info: ObjectInfo
    stream: BinaryIO
    name: str | None


def read_object(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str,
                role: FileRole, index: int = 0) -> ObjectRead:
    """Open object ``index`` (0-based) of ``role`` of a record (an original, the text …), audited.

    Role/scope/purpose-checked like :func:`read_document`; one ``document.file`` event per citizen
    with the role, key and SHA-256, written before the stream is returned (closed if it fails).
    """
    record = scoped_record(backends, policy, ctx, record_id)
    entries = [o for o in record.objects if o.role == role and o.index == index]
    if not entries:
        raise NotFoundError(f"the record has no {role} file number {index + 1}", subject=record_id)
    info, stream = backends.repository.open_object(record.record_id, role, index)
    try:
        write_per_citizen(backends.catalog, ctx, Action.DOCUMENT_FILE, record.metadata.citizen_ids,
                          record.record_id, {"role": role, "key": info.key, "sha256": info.sha256})
    except BaseException:
        stream.close()
        raise
    return ObjectRead(record, info, stream, entries[0].name)
