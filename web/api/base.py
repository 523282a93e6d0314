"""The API blueprint (``/api/v1``): authentication of every request and small request helpers.

Every endpoint except the OpenAPI document and its docs page needs ``Authorization: Bearer <key>``;
credentials in the URL are refused (400) everywhere under ``/api``.
"""

from __future__ import annotations

import re

from flask import Blueprint, request

from kho.errors import UsageError
from web.audit import ReadContext
from web.auth import authenticate_bearer, reject_credentials_in_url
from web.context import current_principal, set_principal, state

_BLANKS = " \t\r\n"
_INTEGER = re.compile(r"-?[0-9]{1,18}")

api = Blueprint("api", __name__, url_prefix="/api/v1")

# Endpoints anyone may read (no key): the API description.
PUBLIC_ENDPOINTS = frozenset({"api.openapi_document", "api.docs_page"})


@api.before_request
def authenticate() -> None:
    """Refuse keys in URLs, then authenticate the Bearer key (except for public endpoints)."""
    reject_credentials_in_url(request.args)
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    web = state()
    authorization = request.headers.get("Authorization")
    set_principal(authenticate_bearer(web.backends.catalog, authorization, web.key_uses, web.key_cache))


def read_context() -> ReadContext:
    """Who reads (the key), why (``X-Purpose``, checked by the read functions) and from where."""
    return ReadContext(current_principal(), request.headers.get("X-Purpose"), request.remote_addr or "")


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; :class:`UsageError` (400) otherwise."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise UsageError("must be an integer", subject=name)
    value = int(raw)
    if not low <= value <= high:
        raise UsageError(f"must be between {low} and {high}", subject=name)
    return value


def str_arg(name: str, max_chars: int = 200) -> str | None:
    """A trimmed text query parameter (``None`` when absent); 400 if blank or too long."""
    raw = request.args.get(name)
    if raw is None:
        return None
    value = raw.strip(_BLANKS)
    if not value:
        raise UsageError("must not be empty (leave the parameter out instead)", subject=name)
    if len(raw) > max_chars:
        raise UsageError(f"must be at most {max_chars} characters", subject=name)
    return value
