"""Correct a batch's bad manifest row and run its document again: permission and audit around
:mod:`ingest.rowfix` (the one service the pages and the CLI call).

Only roles that may run batches (``batch_create``) may see the form or correct a row. Showing rows
that give citizen IDs is audited ``batch.row_read``; a correction is audited ``batch.row_fix`` (who,
when, the batch, the document, the row, each changed cell old → new) before it is kept; a correction
that is refused writes no ``batch.row_fix`` event and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from access.audit import Action, write_event
from access.context import AccessContext
from access.permissions import Permission, require
from ingest.manifest import parse_citizen_ids
from ingest.rowfix import RowFix, RowFixView, apply_fix, check_fix, load_fix
from kho.backends import Backends

FIX_PURPOSE = "Sửa dòng bảng kê của lô / correct a batch's manifest row"


@dataclass(frozen=True)
class RowFixOutcome:
    """A kept correction: what changed, and whether the document went back in the queue."""

    fix: RowFix
    requeued: bool


def row_fix_form(backends: Backends, ctx: AccessContext, batch_id: int, item_key: str) -> RowFixView:
    """The rows of a quarantined document to correct (403 without ``batch_create``; 404 / 409 as said).

    Rows that give citizen IDs are personal data: the read is audited ``batch.row_read`` (one event
    per valid ID, one without an ID when the cells hold none that is valid) before they are returned.
    """
    require(ctx.principal, Permission.BATCH_CREATE)
    view = load_fix(backends, batch_id, item_key)
    cells = [row.values().get("citizen_id", "") for row in view.rows]
    if any(cells):
        if not (ctx.purpose and ctx.purpose.strip()):
            ctx = replace(ctx, purpose=FIX_PURPOSE)
        ids: list[str | None] = list(dict.fromkeys(cid for cell in cells for cid in parse_citizen_ids(cell)[0]))
        details = {"batch_id": batch_id, "item": item_key, "rows": [row.line for row in view.rows]}
        for cid in ids or [None]:
            write_event(backends.catalog, ctx, Action.BATCH_ROW_READ, citizen_id=cid, details=details)
    return view


def fix_manifest_row(backends: Backends, ctx: AccessContext, batch_id: int, item_key: str, line: int,
                     cells: Mapping[str, str]) -> RowFixOutcome:
    """Check and keep a correction of manifest row ``line`` of a quarantined document, audited
    ``batch.row_fix``; re-queue the document when its rows are all valid (the caller starts the batch).

    403 without ``batch_create``; :class:`ingest.rowfix.RowFixRefused` (nothing changed, nothing
    audited) when the corrected row is still invalid.
    """
    require(ctx.principal, Permission.BATCH_CREATE)
    if not (ctx.purpose and ctx.purpose.strip()):
        ctx = replace(ctx, purpose=FIX_PURPOSE)
    fix = check_fix(backends, batch_id, item_key, line, cells)
    changes = {column: {"old": old, "new": new} for column, (old, new) in fix.changes.items()}
    write_event(
        backends.catalog, ctx, Action.BATCH_ROW_FIX, citizen_id=_first_id(fix.new.get("citizen_id", "")),
        details={"batch_id": batch_id, "item": item_key, "manifest": fix.manifest_name, "row": line,
                 "changes": changes, "requeued": fix.document_ready},
    )
    requeued = apply_fix(backends, fix, ctx.principal.actor)
    return RowFixOutcome(fix, requeued)


def _first_id(cell: str) -> str | None:
    """The first citizen ID of a (valid) corrected cell: the audit event names that citizen."""
    ids = parse_citizen_ids(cell)[0]
    return ids[0] if ids else None
