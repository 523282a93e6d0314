"""Audited reads of personal data, shared by the API, the pages and the CLI.

Every read of a citizen's documents (the list, a record's metadata, its file, a search) goes
through :func:`lookup_citizen_documents`, :func:`read_document`, :func:`document_file` or
:func:`search_documents`. Each checks
the caller's role and scopes, requires a stated purpose, and writes an audit event in the catalog
*before* any data is returned (if the event cannot be written, nothing is served):

* list: one event ``citizen.documents`` with the citizen ID looked up, and the record IDs returned;
* metadata / file: one event ``document.metadata`` / ``document.file`` per citizen ID named on the
  record (one event with no citizen ID when it names none);
* search: one event ``search`` with the citizen ID filtered on (if any) and the record IDs returned.

:func:`query_audit_events` is what ``kho audit`` and ``GET /api/v1/audit`` run.
"""

from __future__ import annotations

import contextlib
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any, BinaryIO

from kho.backends import Backends
from kho.errors import NotFoundError, UsageError
from ocr.fields.ids import citizen_id_lookup_forms
from repository.catalog import AuditEvent, Catalog
from repository.layout import check_record_id
from repository.objectstore import ObjectInfo
from repository.schema import Record
from search.index import SearchHit, SearchQuery, SearchResult
from search.query import MAX_LIMIT, STATUSES
from web.auth import Principal, ScopePolicy, require

MAX_PURPOSE_HEADER = 1000
ACTION_LIST = "citizen.documents"
ACTION_METADATA = "document.metadata"
ACTION_FILE = "document.file"
CLI_PURPOSE = "dòng lệnh kho (không nêu mục đích) / kho command line (no purpose given)"
CITIZEN_FIRST_PAGE = 50
"""A citizen lookup asks the index for this many hits first (an index's cost grows with the page
size asked, and a citizen rarely has more); a larger total fetches up to ``MAX_LIMIT``."""


@dataclass(frozen=True)
class ReadContext:
    """Who reads, why (as sent: checked by the read functions) and from where."""

    principal: Principal
    purpose: str | None
    client_address: str = ""

    @classmethod
    def command_line(cls, purpose: str | None) -> ReadContext:
        """The operator's reads through ``kho search|show|get`` (purpose :data:`CLI_PURPOSE` if none is given)."""
        return cls(Principal.operator(), purpose if purpose and purpose.strip() else CLI_PURPOSE, "cli")


def require_purpose(raw: str | None) -> str:
    """The stated purpose of a read, NFC and trimmed; :class:`UsageError` (400) if missing or unfit.

    HTTP headers are Latin-1 on the wire: a purpose in Vietnamese may be sent percent-encoded
    UTF-8 (``X-Purpose: X%C3%A1c%20minh``) or as raw UTF-8 bytes; both are decoded. Control
    characters become spaces; at most :data:`MAX_PURPOSE_HEADER` characters are accepted as sent.
    """
    if raw is not None and len(raw) > MAX_PURPOSE_HEADER:
        raise UsageError(f"the purpose must be at most {MAX_PURPOSE_HEADER} characters", subject="X-Purpose")
    text = _decode_header_text((raw or "").strip())
    text = "".join(c if c.isprintable() else " " for c in text)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if not text:
        raise UsageError(
            "reading personal data needs a stated purpose; send the header 'X-Purpose: <why>'",
            subject="X-Purpose",
        )
    return text


def _decode_header_text(text: str) -> str:
    """Raw UTF-8 bytes read as Latin-1, then percent-encoded UTF-8, decoded where they are valid."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("latin-1").decode("utf-8")
    if "%" in text:
        with contextlib.suppress(UnicodeDecodeError):
            text = urllib.parse.unquote(text, errors="strict")
    return text


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
        id=hit.record_id,
        document_type=hit.document_type,
        document_number=hit.document_number,
        issued_on=hit.issued_on,
        issuer=hit.issuer,
        status=hit.status,
        valid_until=hit.valid_until,
        page_count=hit.page_count,
        locality=hit.locality,
    )


def _check_status(status: str | None) -> str | None:
    if status is None or not status.strip():
        return None
    if status not in STATUSES:
        raise UsageError(f"unknown status; use one of: {', '.join(STATUSES)}", subject="status")
    return status


def _record(backends: Backends, ctx: ReadContext, action: str, **event: Any) -> None:
    backends.catalog.record_audit_event(
        actor=ctx.principal.actor,
        actor_kind=ctx.principal.kind,
        action=action,
        purpose=require_purpose(ctx.purpose),
        client_address=ctx.client_address,
        **event,
    )


def lookup_citizen_documents(
    backends: Backends,
    policy: ScopePolicy,
    ctx: ReadContext,
    citizen_id: str,
    *,
    document_type: str | None = None,
    status: str | None = None,
) -> CitizenDocuments:
    """A citizen's documents inside the caller's scopes (exact ID query on the index), audited.

    Raises 403 if the role may not look citizens up or ``document_type`` is outside the scopes,
    400 without a purpose, for a malformed ID (12 digits, 9-digit CMND, or 11 digits that lost a
    leading zero) or an unknown status.
    """
    require(ctx.principal, "citizen_documents")
    require_purpose(ctx.purpose)
    cid = citizen_id_lookup_forms(citizen_id)[0]
    status = _check_status(status)
    document_type = document_type.strip() if document_type and document_type.strip() else None
    policy.check_type_filter(ctx.principal, document_type)
    query = SearchQuery(
        citizen_id=cid, document_type=document_type, status=status, sort="date", limit=CITIZEN_FIRST_PAGE,
        with_facets=False,
    )
    result = backends.index.search(query)
    if result.total > len(result.hits):  # rare: more documents than the first page holds
        result = backends.index.search(replace(query, limit=MAX_LIMIT))
    scopes = ctx.principal.scopes
    documents = tuple(
        summary_of(hit) for hit in result.hits if policy.allows(scopes, hit.document_type, hit.locality)
    )
    details: dict[str, Any] = {"record_ids": [d.id for d in documents]}
    details.update({k: v for k, v in (("document_type", document_type), ("status", status)) if v})
    _record(backends, ctx, ACTION_LIST, citizen_id=cid, details=details)
    return CitizenDocuments(cid, documents)


def _scoped_record(backends: Backends, policy: ScopePolicy, ctx: ReadContext, record_id: str) -> Record:
    require(ctx.principal, "document_read")
    require_purpose(ctx.purpose)
    record = backends.repository.get(check_record_id(record_id))
    meta = record.metadata
    policy.check(ctx.principal, meta.document_type, meta.locality, subject=record_id)
    return record


def _record_per_citizen(backends: Backends, ctx: ReadContext, action: str, record: Record,
                        details: Mapping[str, Any] | None = None) -> None:
    for cid in record.metadata.citizen_ids or (None,):
        _record(backends, ctx, action, citizen_id=cid, record_id=record.record_id,
                details=dict(details or {}))


def record_object_read(backends: Backends, ctx: ReadContext, record: Record, role: str, key: str) -> None:
    """Audit the read of one stored object of ``record`` (``kho get``): one ``document.file`` event per citizen."""
    require(ctx.principal, "document_read")
    _record_per_citizen(backends, ctx, ACTION_FILE, record, {"role": role, "key": key})


def read_document(backends: Backends, policy: ScopePolicy, ctx: ReadContext, record_id: str) -> Record:
    """The current version of a record (from the store), role/scope-checked and audited."""
    record = _scoped_record(backends, policy, ctx, record_id)
    _record_per_citizen(backends, ctx, ACTION_METADATA, record, {"version": record.version})
    return record


@dataclass(frozen=True)
class DocumentFile:
    """What is needed to answer a file request: the record, the PDF's stored entry info."""

    record: Record
    info: ObjectInfo


def document_file(backends: Backends, policy: ScopePolicy, ctx: ReadContext, record_id: str,
                  *, range_header: str | None = None) -> DocumentFile:
    """The searchable PDF's info (size, SHA-256) of a record, role/scope-checked and audited.

    The caller then opens the bytes with :func:`open_file_range`. ``range_header`` (the HTTP
    ``Range`` asked for, if any) is recorded in the audit event.
    """
    record = _scoped_record(backends, policy, ctx, record_id)
    entries = record.objects_with_role("pdf")
    if not entries:
        raise NotFoundError("the record has no searchable PDF", subject=record_id)
    entry = entries[0]
    details: dict[str, Any] = {"sha256": entry.sha256}
    if range_header:
        details["range"] = range_header[:100]
    _record_per_citizen(backends, ctx, ACTION_FILE, record, details)
    info = ObjectInfo(key=entry.key, size=entry.size, sha256=entry.sha256, content_type=entry.content_type)
    return DocumentFile(record, info)


def open_file_range(backends: Backends, info: ObjectInfo, start: int = 0, stop: int | None = None) -> BinaryIO:
    """A stream of bytes ``start``..``stop`` (exclusive; ``None``: to the end) of a stored object."""
    length = None if stop is None else stop - start
    return backends.store.open_stream(info.key, start, length)


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


def query_audit_events(
    catalog: Catalog,
    *,
    citizen_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    record_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """Audit events, newest first; the citizen ID is normalised like a lookup (400 if malformed)."""
    if not 1 <= limit <= 1000:
        raise UsageError("must be between 1 and 1000", subject="limit")
    if offset < 0:
        raise UsageError("must not be negative", subject="offset")
    cid = citizen_id_lookup_forms(citizen_id)[0] if citizen_id and citizen_id.strip() else None
    return catalog.query_audit(
        citizen_id=cid, since=since, until=until, actor=actor or None, record_id=record_id or None,
        limit=limit, offset=offset,
    )


ACTION_SEARCH = "search"


def search_documents(backends: Backends, policy: ScopePolicy, ctx: ReadContext, query: SearchQuery) -> SearchResult:
    """Run a search inside the caller's scopes (role ``search``), audited like a list read.

    Hits carry citizen IDs and names, so a purpose is required and one ``search`` event is written
    with the citizen ID filtered on (if any), the query and the record IDs returned.
    """
    require(ctx.principal, "search")
    require_purpose(ctx.purpose)
    cid = citizen_id_lookup_forms(query.citizen_id)[0] if query.citizen_id and query.citizen_id.strip() else None
    scoped = policy.search_filters(ctx.principal, query.document_type, query.locality)
    query = replace(query, citizen_id=cid, document_type=scoped.document_type, locality=scoped.locality)
    result = backends.index.search(query)
    details: dict[str, Any] = {"total": result.total, "record_ids": [h.record_id for h in result.hits]}
    if query.text:
        details["text"] = query.text[:500]
    _record(backends, ctx, ACTION_SEARCH, citizen_id=cid, details=details)
    return result
