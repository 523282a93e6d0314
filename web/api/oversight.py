"""``GET /api/v1/audit``: the audit trail, for admin keys only (itself audited as ``audit.query``)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from kho.errors import UsageError
from ocr.fields.ids import citizen_id_lookup_forms
from repository.layout import RECORD_ID_RE
from web.api.base import api, int_arg, str_arg
from web.audit import parse_when, query_audit_events, require_purpose
from web.auth import require
from web.context import current_principal, state
from web.shapes import audit_event_json


@api.get("/audit")
def audit_events() -> Response:
    """Audit events, newest first: ``citizen_id``, ``since``, ``until``, ``actor``, ``record_id``, paging."""
    principal = current_principal()
    require(principal, "audit_read")
    since, until = str_arg("since", 40), str_arg("until", 40)
    filters: dict[str, Any] = {
        "citizen_id": str_arg("citizen_id", 40),
        "since": parse_when(since, "since") if since else None,
        "until": parse_when(until, "until") if until else None,
        "actor": str_arg("actor"),
        "record_id": str_arg("record_id", 80),
    }
    if filters["record_id"] and not RECORD_ID_RE.match(filters["record_id"]):
        raise UsageError("not a record ID (kho- and 20 hex digits)", subject="record_id")
    limit, offset = int_arg("limit", 100, 1, 1000), int_arg("offset", 0, 0, 1_000_000)
    catalog = state().backends.catalog
    events = query_audit_events(catalog, limit=limit, offset=offset, **filters)
    asked = citizen_id_lookup_forms(filters["citizen_id"])[0] if filters["citizen_id"] else None
    purpose = request.headers.get("X-Purpose")
    catalog.record_audit_event(
        actor=principal.actor, actor_kind=principal.kind, action="audit.query",
        citizen_id=asked, purpose=require_purpose(purpose) if purpose and purpose.strip() else "",
        client_address=request.remote_addr or "",
        details={"returned": len(events), **{k: str(v) for k, v in filters.items() if v and k != "citizen_id"}},
    )
    return jsonify({"events": [audit_event_json(e) for e in events], "limit": limit, "offset": offset})
