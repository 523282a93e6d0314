"""OpenAPI paths of the certified-copies endpoints (``web/api/certify.py``), merged into ``web.openapi.PATHS``."""

from __future__ import annotations

from web.openapi_components import Schema, json_content, ref

_ERRORS: Schema = {
    "400": ref("responses", "BadRequest"), "401": ref("responses", "Unauthorized"),
    "403": ref("responses", "Forbidden"), "404": ref("responses", "NotFound"),
    "429": ref("responses", "RateLimited"), "503": ref("responses", "Unavailable"),
}

CERTIFIED_COPY: Schema = {
    "type": "object",
    "required": ["code", "verify_url", "record_id", "version", "sha256", "size", "certified_at", "office", "file"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z2-7]{16}$", "description": "The public verification code."},
        "verify_url": {"type": "string", "description": "<KHO_PUBLIC_URL>/verify/<code> (also in the QR code)."},
        "record_id": {"type": "string"},
        "version": {"type": "integer", "description": "The record's version that names the copy."},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "size": {"type": "integer"},
        "certified_at": {"type": "string", "format": "date-time"},
        "office": {"type": "string"},
        "official": {"type": "string"},
        "file": {"type": "string", "description": "Where to download the copy (GET, audited)."},
    },
}

CERTIFY_PATHS: dict[str, Schema] = {
    "/api/v1/documents/{record_id}/certified-copies": {
        "post": {
            "operationId": "createCertifiedCopy",
            "summary": "Make a certified electronic copy (PDF/A-2b, PAdES signature, QR of the verification URL).",
            "description": "Roles: official, admin (permission certify). Scoped; audited (document.certify). "
                           "The purpose is the body's 'purpose' or X-Purpose. Only a valid result can be certified.",
            "parameters": [
                ref("parameters", "RecordId"),
                ref("parameters", "Purpose"),
            ],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"purpose": {"type": "string", "maxLength": 1000}}}}}},
            "responses": {
                "201": {"description": "The copy was made, stored and registered.",
                        "content": {"application/json": {"schema": CERTIFIED_COPY}}},
                **_ERRORS,
                "409": {"description": "The result is revoked or superseded.", "content": json_content("Error")},
            },
        }
    },
    "/api/v1/documents/{record_id}/certified-copies/{code}/file": {
        "get": {
            "operationId": "certifiedCopyFile",
            "summary": "A certified copy's PDF.",
            "description": "Roles: portal, official, archivist, admin. Scoped; audited like any file read.",
            "parameters": [
                ref("parameters", "RecordId"),
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}},
                ref("parameters", "Purpose"),
            ],
            "responses": {
                "200": {"description": "The PDF.",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                **_ERRORS,
            },
        }
    },
}
