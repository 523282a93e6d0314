"""The API blueprint (``/api/v1``): authentication of every request and small request helpers.

Every endpoint except the OpenAPI document and its docs page needs ``Authorization: Bearer <key>``;
credentials in the URL are refused (400) everywhere under ``/api``.

The key is checked by :func:`identify_caller`, an app-level hook that runs *before* the rate
limit is counted (defect D1): the limit's bucket is then the authenticated key, or the client
address when the request carries no valid key. Its failure is raised by the blueprint's
:func:`authenticate`, after the limit was counted against the address.
"""

from __future__ import annotations

import re

from flask import Blueprint, g, request

from access.context import AccessContext
from kho.errors import AuthenticationError, UsageError
from web.auth import authenticate_bearer, decode_header_text, reject_credentials_in_url
from web.context import current_principal, set_principal, state

_BLANKS = " \t\r\n"
_INTEGER = re.compile(r"-?[0-9]{1,18}")

api = Blueprint("api", __name__, url_prefix="/api/v1")

# Endpoints anyone may read (no key): the API description.
PUBLIC_ENDPOINTS = frozenset({"api.openapi_document", "api.docs_page"})


def identify_caller() -> None:
    """App-level, before the rate limit: authenticate an API request's Bearer key, remembering a failure.

    Pages and public endpoints are left alone. A valid key becomes the request's principal (the
    rate limit then counts against that key); a missing, malformed, unknown or revoked key is kept
    in ``g`` and raised by :func:`authenticate` (the limit counts against the client address).
    """
    if request.blueprint != api.name or request.endpoint in PUBLIC_ENDPOINTS:
        return
    web = state()
    try:
        set_principal(authenticate_bearer(web.backends.catalog, request.headers.get("Authorization"),
                                          web.key_uses, web.key_cache))
    except AuthenticationError as e:
        g.kho_auth_error = e


@api.before_request
def authenticate() -> None:
    """Refuse keys in URLs, then the authentication failure found by :func:`identify_caller`, if any."""
    reject_credentials_in_url(request.args)
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    failure: AuthenticationError | None = g.get("kho_auth_error")
    if failure is not None:
        raise failure
    current_principal()  # 401 if nobody authenticated (e.g. the hook is not installed)


def access_context() -> AccessContext:
    """Who asks (the key), why (``X-Purpose``, decoded; checked by the access layer) and from where."""
    return AccessContext(current_principal(), decode_header_text(request.headers.get("X-Purpose")),
                         request.remote_addr or "")


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
