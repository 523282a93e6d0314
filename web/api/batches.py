"""``POST /api/v1/batches`` (archivists upload scans/ZIPs + manifest) and ``GET /api/v1/batches/{id}``."""

from __future__ import annotations

import shutil
from typing import Any

from flask import Response, jsonify, request
from flask_babel import get_locale

from access.batches import batch_report, create_uploaded_batch
from access.permissions import Permission, require
from ingest.reasons import explain
from kho.errors import NotFoundError, UnsupportedTypeError, UsageError
from repository.catalog import BatchItem
from repository.catalog_types import ITEM_STATUSES
from web.api.base import access_context, api, int_arg, str_arg
from web.batches import uploaded_files
from web.context import current_principal, state
from web.shapes import batch_json
from web.uploads import save_upload

MAX_BATCH_ID = 2**31 - 1
ADVICE = {
    "quarantined": "Tệp được để riêng (cách ly), không lưu: sửa hoặc quét lại tệp theo lý do, rồi tải lên "
                   "trong một lô mới.",
    "failed": "Lỗi khi xử lý, không do tệp: chạy lại lô (tải lên lại đúng các tệp này, hoặc "
              "kho ingest --resume <tên lô>).",
}
"""What to do about an item that did not end stored (Vietnamese), by its status."""


def reason_json(reason: str | None) -> dict[str, Any]:
    """Why a file was set aside or failed: ``reason`` (a sentence in the request's language with what to do,
    the technical detail after it), ``reason_code`` (stable: :data:`ingest.reasons.CODES`) and
    ``reason_detail`` (the text the ingest step recorded, for support)."""
    why = explain(reason)
    if why is None:
        return {"reason": None, "reason_code": None, "reason_detail": None}
    return {"reason": why.text(str(get_locale() or "vi")), "reason_code": why.code, "reason_detail": reason}


def item_json(item: BatchItem) -> dict[str, Any]:
    """One item of a batch report (no extracted fields: they hold citizen IDs)."""
    return {
        "key": item.key,
        "status": item.status,
        "record_id": item.record_id,
        **reason_json(item.reason),
        "pages": item.pages,
        "confidence": item.confidence,
        "warnings": list(item.warnings),
        "updated_at": item.updated_at.isoformat(),
        "advice": ADVICE.get(item.status),
    }


@api.post("/batches")
def create_batch() -> tuple[Response, int, dict[str, str]]:
    """Upload scans (``files``, repeatable), an optional ``manifest`` and ``name``; the batch runs in the background.

    A file that is not a usable scan (empty, wrong content) is set aside alone: listed in ``set_aside``
    with its reason and recorded as a quarantined item; the other files are processed.
    """
    require(current_principal(), Permission.BATCH_CREATE)  # before anything is saved
    if request.mimetype != "multipart/form-data":
        raise UnsupportedTypeError("send the files as multipart/form-data", subject="Content-Type")
    web = state()
    name = request.form.get("name")
    if name is not None and not name.strip():
        name = None
    saved = save_upload(web.settings.data_dir, request.files.getlist("files"), request.files.get("manifest"))
    try:
        batch = create_uploaded_batch(web.backends, access_context(), uploaded_files(saved), name)
    except BaseException:
        shutil.rmtree(saved.root, ignore_errors=True)
        raise
    if web.batch_runner is not None:
        web.batch_runner.start(batch.id)
    body = batch_json(batch, web.backends.catalog.batch_progress(batch.id))
    body["set_aside"] = [{"file": f.name, **reason_json(f.reason)} for f in saved.set_aside]
    return jsonify(body), 202, {"Location": f"/api/v1/batches/{batch.id}"}


@api.get("/batches/<int:batch_id>")
def batch_status(batch_id: int) -> Response:
    """A batch's status, progress and items (``?status=``, ``limit``, ``offset``)."""
    if batch_id > MAX_BATCH_ID:
        raise NotFoundError("no such batch", subject=f"batch {batch_id}")
    status = str_arg("status", 20)
    if status is not None and status not in ITEM_STATUSES:
        raise UsageError(f"unknown item status; use one of: {', '.join(ITEM_STATUSES)}", subject="status")
    limit, offset = int_arg("limit", 100, 1, 1000), int_arg("offset", 0, 0, 1_000_000)
    report = batch_report(state().backends, access_context(), batch_id, status, limit=limit, offset=offset)
    body = batch_json(report.batch, report.progress)
    body["items"] = [item_json(i) for i in report.items]
    body["limit"], body["offset"] = limit, offset
    return jsonify(body)
