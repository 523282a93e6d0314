"""Personal-data endpoints: a citizen's documents, a record's metadata and its searchable PDF.

Each view is a thin layer over the audited reads of :mod:`access.reads` (role, scope, purpose,
audit event); the file view adds HTTP caching (ETag) and single byte ranges.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import wrap_file

from access.reads import document_file, lookup_citizen_documents, open_file_range, read_document
from kho.reuse.events import count_portal_reuse
from web.api.base import access_context, api, str_arg
from web.context import current_principal, state
from web.shapes import citizen_documents_json, record_json

FILE_BUFFER = 256 * 1024


@api.get("/citizens/<citizen_id>/documents")
def citizen_documents(citizen_id: str) -> Response:
    """A citizen's documents (``?type=`` document type, ``?status=`` valid/superseded/revoked)."""
    web = state()
    found = lookup_citizen_documents(
        web.backends, web.scope_policy, access_context(), citizen_id,
        document_type=str_arg("type"), status=str_arg("status", 20),
    )
    count_portal_reuse(web.backends.catalog, current_principal(), "portal.documents",
                       [(d.id, d.document_type, d.locality) for d in found.documents])
    return jsonify(citizen_documents_json(found))


@api.get("/documents/<record_id>")
def document_metadata(record_id: str) -> Response:
    """A record's current metadata, provenance and files, read from the store."""
    web = state()
    record = read_document(web.backends, web.scope_policy, access_context(), record_id)
    response = jsonify(record_json(record))
    response.headers["ETag"] = f'"{record.record_id}-v{record.version}"'
    return response


def _single_range(size: int, etag: str) -> tuple[int, int] | None:
    """(start, stop) of a satisfiable single ``Range`` request; ``None`` to send the whole file."""
    byte_range = request.range
    if byte_range is None or len(byte_range.ranges) != 1:
        return None
    if_range = request.if_range
    if (if_range.etag is not None and if_range.etag != etag) or if_range.date is not None:
        return None
    bounds = byte_range.range_for_length(size)
    if bounds is None:
        raise RequestedRangeNotSatisfiable(length=size)
    return bounds


@api.get("/documents/<record_id>/file")
def document_pdf(record_id: str) -> Response:
    """The searchable PDF: attachment, ETag (its SHA-256), ``Range`` (one range), ``If-None-Match``."""
    web = state()
    ctx = access_context()
    first = document_file(web.backends, web.scope_policy, ctx, record_id, range_header=request.headers.get("Range"))
    etag = first.info.sha256 or ""
    headers = {
        "Content-Disposition": f'attachment; filename="{first.record.record_id}.pdf"',
        "ETag": f'"{etag}"',
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
    }
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    bounds = _single_range(first.info.size, etag)
    start, stop = bounds if bounds is not None else (0, first.info.size)
    if start == 0:  # one reuse per download, not per range
        meta = first.record.metadata
        count_portal_reuse(web.backends.catalog, current_principal(), "portal.file",
                           [(first.record.record_id, meta.document_type, meta.locality)])
    stream = open_file_range(web.backends, first.info, start, stop)
    body = wrap_file(request.environ, stream, FILE_BUFFER)
    response = Response(body, status=206 if bounds else 200, mimetype="application/pdf",
                        headers=headers, direct_passthrough=True)
    response.content_length = stop - start
    if bounds is not None:
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{first.info.size}"
    return response
