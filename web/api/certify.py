"""Certified electronic copies: ``POST /api/v1/documents/{id}/certified-copies`` and the copy's file.

Officials and admins (permission ``certify``) make a copy; the purpose is the JSON body's
``purpose`` or the ``X-Purpose`` header. Making copies has its own rate limit on top of the general
one (``KHO_CERTIFY_RATE_LIMIT``): each costs about a second of CPU and stores a new file and version.
The answer is the copy's verification code, URL, SHA-256
and the address of its file; ``GET …/certified-copies/{code}/file`` downloads it (an audited read).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Response, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState

from access.reads import read_object
from kho.errors import NotFoundError
from kho.reuse.certify import certify_record
from web.api.base import access_context, api
from web.context import EXTENSION, state


def _copy_json(record_id: str, code: str, made: dict[str, object]) -> dict[str, object]:
    return {**made, "file": url_for("api.certified_copy_file", record_id=record_id, code=code)}


@api.post("/documents/<record_id>/certified-copies")
def create_certified_copy(record_id: str) -> tuple[Response, int]:
    """Make a certified copy of a record (PDF/A-2b, PAdES B-T, QR of the verification URL)."""
    web = state()
    ctx = access_context()
    body = request.get_json(silent=True)
    purpose = body.get("purpose") if isinstance(body, dict) else None
    if isinstance(purpose, str) and purpose.strip():
        ctx = replace(ctx, purpose=purpose)
    made = certify_record(web.backends, web.scope_policy, ctx, record_id)
    copy = made.copy
    answer = _copy_json(made.record.record_id, copy.code, {
        "code": copy.code, "verify_url": made.url, "record_id": copy.record_id, "version": made.record.version,
        "sha256": copy.sha256, "size": copy.size, "certified_at": copy.certified_at.isoformat(),
        "office": copy.office, "official": copy.official,
    })
    response = jsonify(answer)
    response.headers["Location"] = answer["file"]
    return response, 201


@api.get("/documents/<record_id>/certified-copies/<code>/file")
def certified_copy_file(record_id: str, code: str) -> Response:
    """A certified copy's PDF (role ``document_read``, scope, purpose; audited like any file read)."""
    web = state()
    copy = web.backends.catalog.reuse.certified_copy(code.lower())
    if copy is None or copy.record_id != record_id:
        raise NotFoundError("no certified copy of this record has this code", subject=code)
    record = web.backends.repository.get(record_id)
    index = next(o.index for o in record.objects_with_role("certified") if o.key == copy.object_key)
    found = read_object(web.backends, web.scope_policy, access_context(), record_id, "certified", index)
    with found.stream as stream:
        data = stream.read()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{record_id}-{code}.pdf"', "ETag": f'"{copy.sha256}"',
    })


@api.record_once
def _certify_rate_limit(setup: BlueprintSetupState) -> None:
    """``KHO_CERTIFY_RATE_LIMIT`` on making copies, on top of the general limit (P6)."""
    web = setup.app.extensions[EXTENSION]
    if web.limiter is not None:  # the limiter checks a decorated view when it is called: replace the view
        views = setup.app.view_functions
        limit = web.limiter.limit(web.settings.certify_rate_limit, override_defaults=False)
        views["api.create_certified_copy"] = limit(views["api.create_certified_copy"])
