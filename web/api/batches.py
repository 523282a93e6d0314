"""``POST /api/v1/batches`` (archivists upload scans/ZIPs + manifest) and ``GET /api/v1/batches/{id}``."""

from __future__ import annotations

import shutil
from typing import Any

from flask import Response, jsonify, request

from kho.errors import NotFoundError, UnsupportedTypeError, UsageError
from repository.catalog import BatchItem
from repository.catalog_types import ITEM_STATUSES
from web.api.base import api, int_arg, str_arg
from web.auth import require
from web.batches import create_uploaded_batch
from web.context import current_principal, state
from web.shapes import batch_json
from web.uploads import save_upload

MAX_BATCH_ID = 2**31 - 1


def item_json(item: BatchItem) -> dict[str, Any]:
    """One item of a batch report (no extracted fields: they hold citizen IDs)."""
    return {
        "key": item.key,
        "status": item.status,
        "record_id": item.record_id,
        "reason": item.reason,
        "pages": item.pages,
        "confidence": item.confidence,
        "warnings": list(item.warnings),
        "updated_at": item.updated_at.isoformat(),
    }


@api.post("/batches")
def create_batch() -> tuple[Response, int, dict[str, str]]:
    """Upload scans (``files``, repeatable), an optional ``manifest`` and ``name``; the batch runs in the background."""
    principal = current_principal()
    require(principal, "batch_create")
    if request.mimetype != "multipart/form-data":
        raise UnsupportedTypeError("send the files as multipart/form-data", subject="Content-Type")
    web = state()
    name = request.form.get("name")
    if name is not None and not name.strip():
        name = None
    saved = save_upload(web.settings.data_dir, request.files.getlist("files"), request.files.get("manifest"))
    try:
        batch = create_uploaded_batch(web.backends, saved, name)
    except BaseException:
        shutil.rmtree(saved.root, ignore_errors=True)
        raise
    web.backends.catalog.record_audit_event(
        actor=principal.actor, actor_kind=principal.kind, action="batch.create",
        client_address=request.remote_addr or "",
        details={"batch_id": batch.id, "files": list(saved.names)[:50], "manifest": saved.manifest is not None},
    )
    if web.batch_runner is not None:
        web.batch_runner.start(batch.id)
    body = batch_json(batch, web.backends.catalog.batch_progress(batch.id))
    return jsonify(body), 202, {"Location": f"/api/v1/batches/{batch.id}"}


@api.get("/batches/<int:batch_id>")
def batch_status(batch_id: int) -> Response:
    """A batch's status, progress and items (``?status=``, ``limit``, ``offset``)."""
    require(current_principal(), "batch_read")
    if batch_id > MAX_BATCH_ID:
        raise NotFoundError("no such batch", subject=f"batch {batch_id}")
    status = str_arg("status", 20)
    if status is not None and status not in ITEM_STATUSES:
        raise UsageError(f"unknown item status; use one of: {', '.join(ITEM_STATUSES)}", subject="status")
    limit, offset = int_arg("limit", 100, 1, 1000), int_arg("offset", 0, 0, 1_000_000)
    catalog = state().backends.catalog
    batch = catalog.get_batch(batch_id)
    body = batch_json(batch, catalog.batch_progress(batch_id))
    items = catalog.list_batch_items(batch_id, status, limit=limit, offset=offset)
    body["items"] = [item_json(i) for i in items]
    body["limit"], body["offset"] = limit, offset
    return jsonify(body)
