"""Reuse events from the portals: every fetch of a citizen's documents or files by a portal key.

A citizen-service portal that fetches a result instead of asking the citizen for paper is the reuse
the province measures. :func:`count_portal_reuse` records one event per record returned (a list) or
fetched (a file). Counting never blocks the answer: a failed write is logged and the fetch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from access.principals import Principal
from kho.errors import KhoError
from repository.catalog import Catalog
from repository.catalog_reuse import ReuseEvent

log = logging.getLogger("kho.reuse")

PORTAL_ROLE = "portal"


def count_portal_reuse(catalog: Catalog, principal: Principal, kind: str,
                       records: Iterable[tuple[str, str | None, str | None]]) -> int:
    """Record ``(record_id, document_type, locality)`` fetched by a portal as reuse events; 0 for other roles."""
    if principal.role != PORTAL_ROLE:
        return 0
    events = [ReuseEvent(kind=kind, record_id=rid, document_type=dtype, locality=loc, actor=principal.actor)
              for rid, dtype, loc in records]
    try:
        return catalog.reuse.record_reuse(events)
    except KhoError as e:
        log.error("reuse of %d record(s) by %s not counted: %s", len(events), principal.actor, e.one_line())
        return 0
