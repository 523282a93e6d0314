"""JSON shapes of the API (and of the CLI's ``--json``): plain dicts built from kho's dataclasses.

One function per shape, so the API, the CLI and the OpenAPI document agree. Links are passed in
by the caller (the API builds them with ``url_for``), keeping this module free of Flask.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from access.batches import batch_state
from access.reads import CitizenDocuments, DocumentSummary
from repository.catalog import ApiKey, AuditEvent, Batch, BatchProgress
from repository.schema import Record


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def document_links(record_id: str) -> dict[str, str]:
    """API links of one record."""
    return {"self": f"/api/v1/documents/{record_id}", "file": f"/api/v1/documents/{record_id}/file"}


def document_summary_json(doc: DocumentSummary) -> dict[str, Any]:
    """One entry of ``GET /citizens/{id}/documents``."""
    return {
        "id": doc.id,
        "document_type": doc.document_type,
        "document_number": doc.document_number,
        "issued_on": _iso(doc.issued_on),
        "issuer": doc.issuer,
        "status": doc.status,
        "valid_until": _iso(doc.valid_until),
        "page_count": doc.page_count,
        "links": document_links(doc.id),
    }


def citizen_documents_json(found: CitizenDocuments) -> dict[str, Any]:
    """The answer of ``GET /citizens/{id}/documents``."""
    return {"citizen_id": found.citizen_id, "documents": [document_summary_json(d) for d in found.documents]}


def record_json(record: Record) -> dict[str, Any]:
    """The answer of ``GET /documents/{id}``: metadata, provenance and files (no store keys)."""
    files = [
        {
            "role": o.role,
            "index": o.index,
            "size": o.size,
            "sha256": o.sha256,
            "content_type": o.content_type,
            "name": o.name,
        }
        for o in sorted(record.objects, key=lambda o: (o.role, o.index))
        if o.role in ("pdf", "original", "text", "json", "page", "thumb")
    ]
    return {
        "id": record.record_id,
        "version": record.version,
        "metadata": record.metadata.model_dump(mode="json"),
        "provenance": record.provenance.model_dump(mode="json"),
        "files": files,
        "updated": record.history_entry.model_dump(mode="json", include={"actor", "at", "reason"}),
        "links": document_links(record.record_id),
    }


def audit_event_json(event: AuditEvent) -> dict[str, Any]:
    """One audit event (contains a citizen ID: personal data)."""
    return {
        "id": event.id,
        "at": _iso(event.at),
        "actor": event.actor,
        "actor_kind": event.actor_kind,
        "action": event.action,
        "citizen_id": event.citizen_id,
        "record_id": event.record_id,
        "purpose": event.purpose,
        "client_address": event.client_address,
        "details": event.details,
    }


def api_key_json(key: ApiKey) -> dict[str, Any]:
    """An API key as ``kho keys list --json`` shows it (never the secret)."""
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "scopes": key.scopes.to_json(),
        "prefix": key.prefix,
        "created_at": _iso(key.created_at),
        "revoked_at": _iso(key.revoked_at),
        "last_used_at": _iso(key.last_used_at),
        "active": key.active,
    }


def batch_json(batch: Batch, progress: BatchProgress | None = None) -> dict[str, Any]:
    """A batch with its progress (``GET /batches/{id}``); a ``done`` batch in which something failed or
    was set aside is ``done_with_errors`` (:func:`access.batches.batch_state`)."""
    body: dict[str, Any] = {
        "id": batch.id,
        "name": batch.name,
        "status": batch_state(batch.status, progress.counts if progress is not None else batch.counts),
        "created_at": _iso(batch.created_at),
        "started_at": _iso(batch.started_at),
        "finished_at": _iso(batch.finished_at),
        "counts": batch.counts,
        "links": {"self": f"/api/v1/batches/{batch.id}"},
    }
    if progress is not None:
        body["progress"] = {
            "total": progress.total,
            "done": progress.done,
            "counts": progress.counts,
            "pages_done": progress.pages_done,
            "elapsed_seconds": round(progress.elapsed_seconds, 3),
            "pages_per_minute": round(progress.pages_per_minute, 3),
        }
    return body
