"""``GET /api/v1/audit``: the audit trail for admin keys, with ``X-Purpose`` (itself audited, ``audit.query``)."""

from __future__ import annotations

from flask import Response, jsonify

from access.audit import AuditFilters, parse_when, query_audit_events
from web.api.base import access_context, api, int_arg, str_arg
from web.context import state
from web.shapes import audit_event_json


@api.get("/audit")
def audit_events() -> Response:
    """Audit events, newest first: ``citizen_id``, ``since``, ``until``, ``actor``, ``record_id``, paging."""
    since, until = str_arg("since", 40), str_arg("until", 40)
    filters = AuditFilters(
        citizen_id=str_arg("citizen_id", 40),
        since=parse_when(since, "since") if since else None,
        until=parse_when(until, "until") if until else None,
        actor=str_arg("actor"),
        record_id=str_arg("record_id", 80),
        limit=int_arg("limit", 100, 1, 1000),
        offset=int_arg("offset", 0, 0, 1_000_000),
    )
    events = query_audit_events(state().backends.catalog, access_context(), filters)
    return jsonify({"events": [audit_event_json(e) for e in events], "limit": filters.limit,
                    "offset": filters.offset})
