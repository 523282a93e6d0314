"""The OpenAPI 3.1 document of ``/api/v1`` and a self-contained HTML page rendering it.

The document is written by hand next to the views (``web/api/``) and checked against them by
Schemathesis (``tests/web/test_api_schemathesis.py``). The docs page needs no JavaScript or CDN:
it is rendered on the server from the same document.
"""

from __future__ import annotations

import functools
import html
import json
from typing import Any

from kho import __version__
from repository.catalog_types import ITEM_STATUSES
from search.query import REVIEW_STATES, STATUSES
from web.openapi_components import (
    CITIZEN_ID_PATTERN,
    NAME_PATTERN,
    PARAMETERS,
    RESPONSES,
    SCHEMAS,
    Schema,
    json_content,
    ref,
    text_param,
)
from web.openapi_reuse import CERTIFY_PATHS
from web.uploads import MAX_FILES


def name_param(name: str, description: str) -> Schema:
    """An optional name filter that must contain a (Latin/Vietnamese) letter or a digit."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NAME_PATTERN}}


ERRORS_AUTH = {"401": ref("responses", "Unauthorized"), "403": ref("responses", "Forbidden"),
               "429": ref("responses", "RateLimited")}
ERRORS_READ = {"400": ref("responses", "BadRequest"), **ERRORS_AUTH, "503": ref("responses", "Unavailable")}

FILE_HEADERS: Schema = {
    "ETag": {"description": "The PDF's SHA-256, quoted.", "schema": {"type": "string"}},
    "Content-Disposition": {"description": "attachment; filename=\"<id>.pdf\"", "schema": {"type": "string"}},
    "Accept-Ranges": {"schema": {"type": "string", "enum": ["bytes"]}},
}

PATHS: dict[str, Schema] = {
    "/api/v1/citizens/{citizen_id}/documents": {
        "get": {
            "operationId": "citizenDocuments",
            "summary": "A citizen's documents (results), newest first, inside the key's scopes.",
            "description": "Roles: portal, official, admin. Audited (one event per call).",
            "parameters": [
                ref("parameters", "CitizenId"),
                ref("parameters", "Purpose"),
                text_param("type", "Only this document type, e.g. Giấy phép xây dựng."),
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["valid", "superseded", "revoked"]}},
            ],
            "responses": {
                "200": {"description": "The documents.", "content": json_content("CitizenDocuments")},
                **ERRORS_READ,
            },
        }
    },
    "/api/v1/documents/{record_id}": {
        "get": {
            "operationId": "documentMetadata",
            "summary": "A record's metadata, provenance and files (read from the repository).",
            "description": "Roles: portal, official, archivist, admin. Audited.",
            "parameters": [ref("parameters", "RecordId"), ref("parameters", "Purpose")],
            "responses": {
                "200": {"description": "The record.", "content": json_content("Record"),
                        "headers": {"ETag": {"schema": {"type": "string"}}}},
                **ERRORS_READ,
                "404": ref("responses", "NotFound"),
            },
        }
    },
    "/api/v1/documents/{record_id}/file": {
        "get": {
            "operationId": "documentFile",
            "summary": "The searchable PDF, streamed (ETag, If-None-Match, one Range).",
            "description": "Roles: portal, official, archivist, admin. Audited (every request).",
            "parameters": [
                ref("parameters", "RecordId"),
                ref("parameters", "Purpose"),
                {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "One byte range, e.g. bytes=0-1023."},
                {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "The PDF.", "headers": FILE_HEADERS,
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                "206": {"description": "Part of the PDF.", "headers": FILE_HEADERS,
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                "304": {"description": "Not modified (If-None-Match matched)."},
                **ERRORS_READ,
                "404": ref("responses", "NotFound"),
                "416": {"description": "Range not satisfiable.", "content": json_content("Error")},
            },
        }
    },
    "/api/v1/search": {
        "get": {
            "operationId": "search",
            "summary": "Search records: words (accents optional), \"phrases\", a citizen ID, filters, facets.",
            "description": "Roles: official, archivist, admin. Scoped; audited (hits carry personal data).",
            "parameters": [
                ref("parameters", "Purpose"),
                {"name": "q", "in": "query", "required": False, "allowEmptyValue": True,
                 "description": "Words and \"phrases\"; a document number (07/QĐ-UBND) matches exactly. Absent "
                                "or empty (q=): no words, the newest records first (as on the search page), "
                                "narrowed by the filters.",
                 "schema": {"type": "string", "maxLength": 500}},
                {"name": "citizen_id", "in": "query", "required": False,
                 "schema": {"type": "string", "pattern": CITIZEN_ID_PATTERN}},
                text_param("type", "Document type, e.g. Quyết định."),
                name_param("issuer", "Words of the issuing agency's name."),
                name_param("locality", "Commune/district/province; old and new names both match."),
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": list(STATUSES)}},
                {"name": "review_state", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": list(REVIEW_STATES)}},
                {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                 "description": "Issued on or after (not after 'to')."},
                {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
                {"name": "sort", "in": "query", "required": False,
                 "description": "Default: relevance when q has words, else date (newest first).",
                 "schema": {"type": "string", "enum": ["relevance", "date"]}},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 20}},
                {"name": "offset", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 9000, "default": 0}},
                {"name": "facets", "in": "query", "required": False, "schema": {"type": "boolean", "default": True}},
            ],
            "responses": {"200": {"description": "Hits and facets.", "content": json_content("SearchResult")},
                          **ERRORS_READ},
        }
    },
    "/api/v1/batches": {
        "post": {
            "operationId": "createBatch",
            "summary": "Upload scans (PDF, TIFF, JPEG, PNG) or ZIPs of them, with an optional manifest; "
                       "the batch runs in the background.",
            "description": f"Roles: archivist, admin. 1 to {MAX_FILES} files; the whole request at most "
                           "KHO_MAX_UPLOAD_MB (413). Types are checked by extension and content (415).",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["files"],
                            "properties": {
                                "files": {"type": "array", "minItems": 1, "maxItems": MAX_FILES,
                                          "items": {"type": "string", "format": "binary"}},
                                "manifest": {"type": "string", "format": "binary",
                                             "description": "CSV or XLSX, one row per document (docs/ingest.md)."},
                                "name": {"type": "string", "minLength": 1, "maxLength": 200,
                                         "description": "Batch name (default: derived from the upload)."},
                            },
                        },
                        "encoding": {"files": {"contentType": "application/pdf, image/tiff, image/jpeg, "
                                                              "image/png, application/zip"}},
                    }
                },
            },
            "responses": {
                "202": {"description": "Accepted: the batch is queued.", "content": json_content("Batch"),
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                **ERRORS_READ,
                "409": {"description": "A batch of this name exists with other files.",
                        "content": json_content("Error")},
                "413": ref("responses", "TooLarge"),
                "415": ref("responses", "UnsupportedType"),
                "422": {"description": "The manifest cannot be used.", "content": json_content("Error")},
            },
        }
    },
    "/api/v1/batches/{batch_id}": {
        "get": {
            "operationId": "batchStatus",
            "summary": "A batch's status, progress and items (no extracted fields).",
            "description": "Roles: archivist, admin.",
            "parameters": [
                {"name": "batch_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}},
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": list(ITEM_STATUSES)}},
                ref("parameters", "Limit"),
                ref("parameters", "Offset"),
            ],
            "responses": {
                "200": {"description": "The batch.", "content": json_content("Batch")},
                **ERRORS_READ,
                "404": ref("responses", "NotFound"),
            },
        }
    },
    "/api/v1/audit": {
        "get": {
            "operationId": "auditEvents",
            "summary": "The audit trail, newest first (admin keys only; needs X-Purpose; the query itself is audited).",
            "parameters": [
                ref("parameters", "Purpose"),
                {"name": "citizen_id", "in": "query", "required": False,
                 "schema": {"type": "string", "pattern": CITIZEN_ID_PATTERN}},
                {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                 "description": "From this date (UTC), inclusive; an ISO date-time is accepted too."},
                {"name": "until", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                 "description": "Before this date (UTC); an ISO date-time is accepted too."},
                text_param("actor", "key:<id> or a username."),
                {"name": "record_id", "in": "query", "required": False,
                 "schema": PARAMETERS["RecordId"]["schema"]},
                ref("parameters", "Limit"),
                ref("parameters", "Offset"),
            ],
            "responses": {
                "200": {"description": "Events.", "content": json_content("AuditList")},
                **ERRORS_READ,
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "openapiDocument",
            "summary": "This document.",
            "security": [],
            "responses": {
                "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}
            },
        }
    },
    "/api/v1/docs": {
        "get": {
            "operationId": "docsPage",
            "summary": "This document as an HTML page.",
            "security": [],
            "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}},
        }
    },
}

PATHS.update(CERTIFY_PATHS)


@functools.cache
def _document_text() -> str:
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "kho API",
            "version": __version__,
            "description": (
                "Results of Vietnamese public administration, digitized: citizen lookups for service portals, "
                "search for officials, batch ingest for archivists. Every read of a citizen's documents requires "
                "an X-Purpose header and is audited. Errors have one JSON shape: "
                '{"error": {"code", "message", "status"}}. See docs/api.md.'
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key kho_<id>_<secret> from `kho keys create`. Never in URLs.",
                }
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
    return json.dumps(document, ensure_ascii=False)


def openapi_text() -> str:
    """The OpenAPI 3.1 document as JSON text (built once)."""
    return _document_text()


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (a fresh copy each call)."""
    document: dict[str, Any] = json.loads(_document_text())
    return document


def _parameter_row(parameter: Schema) -> str:
    if "$ref" in parameter:
        parameter = PARAMETERS[parameter["$ref"].rsplit("/", 1)[-1]]
    schema = parameter.get("schema", {})
    kind = " | ".join(str(v) for v in schema["enum"]) if "enum" in schema else str(schema.get("type", ""))
    return (
        f"<tr><td><code>{html.escape(parameter['name'])}</code></td><td>{html.escape(parameter['in'])}</td>"
        f"<td>{'yes' if parameter.get('required') else ''}</td><td>{html.escape(kind)}</td>"
        f"<td>{html.escape(parameter.get('description', ''))}</td></tr>"
    )


def _operation_html(path: str, method: str, op: Schema, default_security: Any) -> str:
    secured = op.get("security", default_security) != []
    parameters = op.get("parameters", [])
    table = ""
    if parameters:
        table = ("<table><tr><th>name</th><th>in</th><th>required</th><th>type</th><th>description</th></tr>"
                 + "".join(_parameter_row(p) for p in parameters) + "</table>")
    statuses = ", ".join(html.escape(str(code)) for code in op.get("responses", {}))
    return (
        f'<h2><span class="m">{method.upper()}</span> <code>{html.escape(path)}</code></h2>'
        f"<p>{html.escape(op.get('summary', ''))} {html.escape(op.get('description', ''))}</p>"
        f"<p>API key required: {'yes' if secured else 'no'}</p>{table}<p>Responses: {statuses}</p>"
    )


def docs_html(document: dict[str, Any]) -> str:
    """A standalone HTML page describing every operation of ``document`` (no scripts, no CDN)."""
    info = document["info"]
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(info['title'])} {html.escape(info['version'])}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
        "code{background:#f3f3f3;padding:0 .2em}table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
        "h2{border-top:1px solid #ddd;padding-top:1em;font-size:1.1em}.m{color:#05a}</style>",
        "</head><body>",
        f"<h1>{html.escape(info['title'])} <small>{html.escape(info['version'])}</small></h1>",
        f"<p>{html.escape(info['description'])}</p>",
        '<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. '
        "Send <code>Authorization: Bearer &lt;key&gt;</code> with every request.</p>",
    ]
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            parts.append(_operation_html(path, method, op, document.get("security")))
    parts.append("</body></html>")
    return "\n".join(parts)
