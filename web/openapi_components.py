"""Components of the OpenAPI document: schemas, shared parameters and error responses."""

from __future__ import annotations

from typing import Any

from ingest.reasons import CODES as REASON_CODES

Schema = dict[str, Any]

NULLABLE_STRING: Schema = {"type": ["string", "null"]}
NULLABLE_DATE: Schema = {"type": ["string", "null"], "format": "date"}
RECORD_ID_PATTERN = "^kho-[0-9a-f]{20}$"

ERROR: Schema = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "status"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code, e.g. not_found."},
                "message": {"type": "string", "description": "One line: the subject and the reason."},
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "details": {"type": "object"},
            },
        }
    },
}

LINKS: Schema = {
    "type": "object",
    "required": ["self", "file"],
    "properties": {"self": {"type": "string"}, "file": {"type": "string"}},
}

DOCUMENT_SUMMARY: Schema = {
    "type": "object",
    "required": ["id", "document_type", "document_number", "issued_on", "issuer", "status",
                 "valid_until", "page_count", "links"],
    "properties": {
        "id": {"type": "string", "pattern": RECORD_ID_PATTERN},
        "document_type": NULLABLE_STRING,
        "document_number": NULLABLE_STRING,
        "issued_on": NULLABLE_DATE,
        "issuer": NULLABLE_STRING,
        "status": {"type": "string", "enum": ["valid", "superseded", "revoked"]},
        "valid_until": NULLABLE_DATE,
        "page_count": {"type": ["integer", "null"], "minimum": 0},
        "links": {"$ref": "#/components/schemas/Links"},
    },
}

CITIZEN_DOCUMENTS: Schema = {
    "type": "object",
    "required": ["citizen_id", "documents"],
    "properties": {
        "citizen_id": {"type": "string", "description": "The ID looked up, in its stored form."},
        "documents": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentSummary"}},
    },
}

RECORD: Schema = {
    "type": "object",
    "required": ["id", "version", "metadata", "provenance", "files", "updated", "links"],
    "properties": {
        "id": {"type": "string", "pattern": RECORD_ID_PATTERN},
        "version": {"type": "integer", "minimum": 1},
        "metadata": {"type": "object", "description": "The record's metadata (docs/record.schema.json)."},
        "provenance": {"type": "object"},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["role", "index", "size", "sha256"],
                "properties": {
                    "role": {"type": "string", "enum": ["pdf", "original", "text", "json", "page", "thumb"]},
                    "index": {"type": "integer", "minimum": 0},
                    "size": {"type": "integer", "minimum": 0},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "content_type": NULLABLE_STRING,
                    "name": NULLABLE_STRING,
                },
            },
        },
        "updated": {"type": "object"},
        "links": {"$ref": "#/components/schemas/Links"},
    },
}

AUDIT_EVENT: Schema = {
    "type": "object",
    "required": ["id", "at", "actor", "actor_kind", "action", "citizen_id", "record_id", "purpose",
                 "client_address", "details"],
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": "string"},
        "actor_kind": {"type": "string", "enum": ["key", "user"]},
        "action": {"type": "string"},
        "citizen_id": NULLABLE_STRING,
        "record_id": NULLABLE_STRING,
        "purpose": {"type": "string"},
        "client_address": {"type": "string"},
        "details": {"type": "object"},
    },
}

AUDIT_LIST: Schema = {
    "type": "object",
    "required": ["events", "limit", "offset"],
    "properties": {
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}},
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
}


def _error_response(description: str) -> Schema:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


RESPONSES: dict[str, Schema] = {
    "BadRequest": _error_response("Malformed request: bad parameter, missing X-Purpose, key in the URL."),
    "Unauthorized": _error_response("No valid API key (send Authorization: Bearer <key>)."),
    "Forbidden": _error_response("The key's role or scope does not allow this."),
    "NotFound": _error_response("Unknown ID."),
    "TooLarge": _error_response("The upload is larger than allowed or has too many files."),
    "UnsupportedType": _error_response("A file type kho does not read."),
    "RateLimited": _error_response("Too many requests for this key; see Retry-After."),
    "Unavailable": _error_response("A backend (index, store, catalog) cannot be reached."),
}



# A filter on issuer or locality needs a Latin (Vietnamese) letter or a digit to match anything.
NAME_PATTERN = "[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]"
CITIZEN_ID_PATTERN = "^(?:[0-9]{9}|[0-9]{12})$"
# At least one visible character (Latin-1 on the wire; see web.auth.decode_header_text).
PURPOSE_PATTERN = "[!-~\u00a1-\u00ac\u00ae-\u00ff]"

PARAMETERS: dict[str, Schema] = {
    "Purpose": {
        "name": "X-Purpose",
        "in": "header",
        "required": True,
        "description": (
            "Why the personal data is read (recorded in the audit trail). Vietnamese text may be sent "
            "percent-encoded UTF-8, e.g. X%C3%A1c%20minh%20h%E1%BB%93%20s%C6%A1."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": PURPOSE_PATTERN},
    },
    "CitizenId": {
        "name": "citizen_id",
        "in": "path",
        "required": True,
        "description": (
            "Personal ID (12 digits) or CMND (9 digits). An 11-digit ID that lost its leading zero is "
            "also accepted; spaces, dots and dashes are ignored. Never logged."
        ),
        "schema": {"type": "string", "pattern": CITIZEN_ID_PATTERN},
    },
    "RecordId": {
        "name": "record_id",
        "in": "path",
        "required": True,
        "description": "A record ID: kho- and 20 hex digits.",
        "schema": {"type": "string", "pattern": RECORD_ID_PATTERN},
    },
    "Limit": {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    },
    "Offset": {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0},
    },
}

SCHEMAS: dict[str, Schema] = {
    "Error": ERROR,
    "Links": LINKS,
    "DocumentSummary": DOCUMENT_SUMMARY,
    "CitizenDocuments": CITIZEN_DOCUMENTS,
    "Record": RECORD,
    "AuditEvent": AUDIT_EVENT,
    "AuditList": AUDIT_LIST,
}


def ref(kind: str, name: str) -> Schema:
    """A ``$ref`` to ``#/components/<kind>/<name>``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def json_content(schema_name: str) -> Schema:
    """A JSON ``content`` map with a component schema."""
    return {"application/json": {"schema": ref("schemas", schema_name)}}


def text_param(name: str, description: str, max_length: int = 200, location: str = "query") -> Schema:
    """An optional free-text parameter (non-blank, bounded)."""
    return {
        "name": name,
        "in": location,
        "required": False,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": "[^ \\t\\r\\n]"},
    }

SEARCH_RESULT: Schema = {
    "type": "object",
    "required": ["total", "hits", "facets"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "hits": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["record_id", "score", "document_type", "document_number", "issued_on", "issuer",
                             "holder_name", "citizen_id_masked", "birth_year", "highlights", "links"],
                "properties": {
                    "record_id": {"type": "string", "pattern": RECORD_ID_PATTERN},
                    "score": {"type": "number"},
                    "document_type": NULLABLE_STRING,
                    "document_number": NULLABLE_STRING,
                    "issued_on": NULLABLE_DATE,
                    "issuer": NULLABLE_STRING,
                    "holder_name": NULLABLE_STRING,
                    "citizen_id_masked": {"type": ["string", "null"], "pattern": "^•••[0-9]{4}$",
                                          "description": "The holder's citizen ID masked: ••• and its last 4 digits "
                                                         "(a hit never carries a full ID)."},
                    "birth_year": {"type": ["integer", "null"],
                                   "description": "The birth year the holder's 12-digit personal ID encodes."},
                    "highlights": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["page", "text"],
                            "properties": {
                                "page": {"type": "integer"},
                                "text": {"type": "string", "description": "HTML-escaped; matches in <mark>."},
                            },
                        },
                    },
                    "links": {"$ref": "#/components/schemas/Links"},
                },
            },
        },
        "facets": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "count"],
                    "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
                },
            },
        },
    },
}

NULLABLE_DATETIME: Schema = {"type": ["string", "null"], "format": "date-time"}
COUNTS: Schema = {"type": "object", "additionalProperties": {"type": "integer"}}

REASON_PROPERTIES: dict[str, Any] = {
    "reason": {**NULLABLE_STRING, "description": "Why the file was set aside or failed: a sentence in the server's "
               "language (KHO_LANGUAGE, Vietnamese by default) saying what to do; the technical detail (a "
               "library's words) only in brackets after it."},
    "reason_code": {"type": ["string", "null"], "enum": [*REASON_CODES, None],
                    "description": "The reason as a stable code for programs."},
    "reason_detail": {**NULLABLE_STRING, "description": "The text the ingest step recorded (for support)."},
}


BATCH: Schema = {
    "type": "object",
    "required": ["id", "name", "status", "created_at", "started_at", "finished_at", "counts", "links", "progress"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "running", "done", "done_with_errors", "failed"],
                   "description": "done_with_errors: finished, but an item failed or was set aside "
                                  "(Hoàn tất – có lỗi)"},
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": NULLABLE_DATETIME,
        "finished_at": NULLABLE_DATETIME,
        "counts": COUNTS,
        "links": {"type": "object", "required": ["self"], "properties": {"self": {"type": "string"}}},
        "progress": {
            "type": "object",
            "required": ["total", "done", "counts", "pages_done", "elapsed_seconds", "pages_per_minute"],
            "properties": {
                "total": {"type": "integer"},
                "done": {"type": "integer"},
                "counts": COUNTS,
                "pages_done": {"type": "integer"},
                "elapsed_seconds": {"type": "number"},
                "pages_per_minute": {"type": "number"},
            },
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "status", "record_id", "reason", "reason_code", "pages", "confidence",
                             "warnings"],
                "properties": {
                    "key": {"type": "string"},
                    "status": {"type": "string"},
                    "record_id": NULLABLE_STRING,
                    **REASON_PROPERTIES,
                    "pages": {"type": ["integer", "null"]},
                    "confidence": {"type": ["number", "null"]},
                    "warnings": {"type": "array", "items": {"type": "string"}},
                    "updated_at": {"type": "string", "format": "date-time"},
                    "advice": {**NULLABLE_STRING,
                               "description": "What to do about a quarantined or failed item (Vietnamese)."},
                },
            },
        },
        "set_aside": {
            "type": "array",
            "description": "Files of the upload set aside (not usable scans), with the reason and what to do; "
                           "they are the batch's quarantined items (answer of POST only).",
            "items": {"type": "object", "required": ["file", "reason", "reason_code"],
                      "properties": {"file": {"type": "string"}, **REASON_PROPERTIES}},
        },
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
}

SCHEMAS.update({"SearchResult": SEARCH_RESULT, "Batch": BATCH})
