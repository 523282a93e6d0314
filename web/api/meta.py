"""The API's self-description: ``/api/v1/openapi.json`` and the ``/api/v1/docs`` page (no key needed)."""

from __future__ import annotations

from flask import Response

from web import openapi
from web.api.base import api


@api.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3 document of this API."""
    response = Response(openapi.openapi_text(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@api.get("/docs")
def docs_page() -> Response:
    """The API documentation as a self-contained HTML page (rendered from the OpenAPI document)."""
    response = Response(openapi.docs_html(openapi.openapi_document()), mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
