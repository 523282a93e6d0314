"""The record page (metadata, validity, history, page images, PDF), its files, editing and revocation.

Opening the page, the edit form, the PDF or an original is an audited personal-data read
(:mod:`access.reads`, with the session's purpose); edits and revocations are :mod:`access.changes`.
Page images and thumbnails are served only to a session that opened
the record (or listed it in its latest search results), so they need no audit event of their own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wsgi import wrap_file

from access.changes import correct_record, revoke_record
from access.permissions import Permission
from access.reads import document_file, open_file_range, read_document, read_object
from kho.errors import ConflictError, NotFoundError, PermissionDeniedError
from repository.layout import check_record_id
from repository.records import FileRole
from repository.schema import Record
from web.context import state
from web.pages.base import access_context, form_text, has_seen, pages, remember_seen, require_page
from web.pages.readings import record_readings
from web.pages.record_form import EDIT_FIELDS, LONG_FIELDS, FormResult, form_values, parse_changes

FILE_BUFFER = 256 * 1024
PLACEHOLDER_THUMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="160" viewBox="0 0 120 160">'
    '<rect width="120" height="160" fill="#f1f3f5" stroke="#adb5bd"/>'
    '<path d="M30 40h60M30 60h60M30 80h45" stroke="#adb5bd" stroke-width="6"/></svg>'
)
SHOWN_FIELDS: tuple[str, ...] = (
    "document_type", "document_number", "issued_on", "issuer", "place", "locality", "holder_name",
    "citizen_ids", "summary", "procedure_code", "page_count",
)


def validity(record: Record, today: date | None = None) -> str:
    """``revoked``, ``superseded``, ``expired``, ``not_yet`` or ``valid`` on ``today`` (default: now)."""
    meta = record.metadata
    today = today or date.today()
    if meta.status != "valid":
        return meta.status
    if meta.valid_until and meta.valid_until < today:
        return "expired"
    if meta.valid_from and meta.valid_from > today:
        return "not_yet"
    return "valid"


def _expected_version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@pages.get("/records/<record_id>")
@require_page(Permission.DOCUMENT_READ)
def record(record_id: str) -> ResponseReturnValue:
    """The record page: audited read of the current version, then its history, pages and files."""
    web = state()
    current = read_document(web.backends, web.scope_policy, access_context(), record_id)
    remember_seen(current.record_id)
    history = list(reversed(web.backends.repository.history(current.record_id)))
    return render_template(
        "record.html",
        record=current,
        meta=current.metadata,
        shown_fields=SHOWN_FIELDS,
        readings=record_readings(current, SHOWN_FIELDS, history),
        validity=validity(current),
        history=history,
        page_images=current.objects_with_role("page"),
        thumbs={o.index: o for o in current.objects_with_role("thumb")},
        pdf=next(iter(current.objects_with_role("pdf")), None),
        originals=current.objects_with_role("original"),
    )


def _file_response(stream: Any, size: int, content_type: str, disposition: str, etag: str) -> Response:
    body = wrap_file(request.environ, stream, FILE_BUFFER)
    response = Response(body, mimetype=content_type, direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["ETag"] = f'"{etag}"'
    return response


@pages.get("/records/<record_id>/document.pdf")
@require_page(Permission.DOCUMENT_READ)
def record_pdf(record_id: str) -> ResponseReturnValue:
    """The searchable PDF (audited each time): a download, or shown in the browser with ``?view=1``."""
    web = state()
    found = document_file(web.backends, web.scope_policy, access_context(), record_id)
    stream = open_file_range(web.backends, found.info)
    kind = "inline" if request.args.get("view") == "1" else "attachment"
    disposition = f'{kind}; filename="{found.record.record_id}.pdf"'
    return _file_response(stream, found.info.size, "application/pdf", disposition, found.info.sha256 or "")


@pages.get("/records/<record_id>/original/<int:number>")
@require_page(Permission.DOCUMENT_READ)
def record_original(record_id: str, number: int) -> ResponseReturnValue:
    """A source file exactly as received (audited as a file read, ``details.role = original``)."""
    web = state()
    if number < 1:
        raise NotFoundError("the record has no such original file", subject=record_id)
    found = read_object(web.backends, web.scope_policy, access_context(), record_id, "original", number - 1)
    name = (found.name or f"original-{number}").replace('"', "'")
    disposition = f"attachment; filename*=UTF-8''{_quote(name)}"
    return _file_response(found.stream, found.info.size, found.info.content_type or "application/octet-stream",
                          disposition, found.info.sha256 or "")


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _image(record_id: str, role: FileRole, number: int) -> ResponseReturnValue:
    check_record_id(record_id)
    if not has_seen(record_id):
        raise PermissionDeniedError("open the record first (its page is an audited read)", subject=record_id)
    try:
        info, stream = state().backends.repository.open_object(record_id, role, number - 1)
    except NotFoundError:
        if role != "thumb":
            raise
        return Response(PLACEHOLDER_THUMB, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})
    response = _file_response(stream, info.size, info.content_type or "application/octet-stream", "inline",
                              info.sha256 or "")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@pages.get("/records/<record_id>/pages/<int:number>")
@require_page(Permission.DOCUMENT_READ)
def record_page_image(record_id: str, number: int) -> ResponseReturnValue:
    """Page ``number`` (1-based) as an image, for a session that opened the record."""
    return _image(record_id, "page", number)


@pages.get("/records/<record_id>/thumbs/<int:number>")
@require_page(Permission.DOCUMENT_READ)
def record_thumb(record_id: str, number: int) -> ResponseReturnValue:
    """Thumbnail of page ``number`` (a placeholder when there is none)."""
    return _image(record_id, "thumb", number)


def _edit_page(current: Record, result: FormResult | None, reason: str = "", status: int = 200) -> ResponseReturnValue:
    values = result.values if result is not None else form_values(current.metadata, EDIT_FIELDS)
    page = render_template(
        "record_edit.html", record=current, fields=EDIT_FIELDS, long_fields=LONG_FIELDS, values=values,
        errors=result.errors if result is not None else {}, reason=reason,
    )
    return page, status


@pages.route("/records/<record_id>/edit", methods=["GET", "POST"])
@require_page(Permission.RECORD_EDIT)
def record_edit(record_id: str) -> ResponseReturnValue:
    """Edit metadata: a reason is required; saving writes a new version and an audit event."""
    web = state()
    current = read_document(web.backends, web.scope_policy, access_context(), record_id)
    remember_seen(current.record_id)
    if request.method == "GET":
        return _edit_page(current, None)
    result = parse_changes(request.form, current.metadata, EDIT_FIELDS)
    reason = form_text("reason", 500)
    if result.errors or not reason:
        if not reason:
            flash(_("Hãy ghi lý do thay đổi."), "error")
        return _edit_page(current, result, reason, 422)
    try:
        outcome = correct_record(web.backends, web.scope_policy, access_context(), record_id, result.changes,
                                 reason, expected_version=_expected_version())
    except ConflictError:
        flash(_("Hồ sơ vừa được người khác thay đổi. Hãy xem phiên bản mới rồi sửa lại."), "error")
        return redirect(url_for("pages.record", record_id=record_id))
    _flash_outcome(outcome.changed, outcome.indexed, _("Đã lưu phiên bản %(v)s.", v=outcome.record.version))
    return redirect(url_for("pages.record", record_id=record_id))


def _flash_outcome(changed: bool, indexed: bool, saved: str) -> None:
    if not changed:
        flash(_("Không có gì thay đổi."), "info")
        return
    flash(saved, "success")
    if not indexed:
        flash(_("Chỉ mục tìm kiếm chưa được cập nhật; quản trị viên hãy chạy kho reindex."), "error")


@pages.post("/records/<record_id>/revoke")
@require_page(Permission.RECORD_REVOKE)
def record_revoke(record_id: str) -> ResponseReturnValue:
    """Revoke a result: a reason is required; writes a new version (status ``revoked``) and an audit event."""
    web = state()
    reason = form_text("reason", 500)
    if not reason:
        flash(_("Hãy ghi lý do thu hồi."), "error")
        return redirect(url_for("pages.record", record_id=record_id) + "#thu-hoi")
    try:
        outcome = revoke_record(web.backends, web.scope_policy, access_context(), check_record_id(record_id),
                                reason, expected_version=_expected_version())
    except ConflictError:
        flash(_("Hồ sơ vừa được người khác thay đổi. Hãy xem phiên bản mới rồi thử lại."), "error")
        return redirect(url_for("pages.record", record_id=record_id))
    saved = _("Đã thu hồi kết quả (phiên bản %(v)s).", v=outcome.record.version)
    _flash_outcome(outcome.changed, outcome.indexed, saved)
    return redirect(url_for("pages.record", record_id=record_id))
