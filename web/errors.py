"""Turn anything raised while handling a request into a :class:`~kho.errors.KhoError`.

The app's one error handler (:mod:`web.app`) calls :func:`as_kho_error` and then renders the
error: ``KhoError.to_json()`` for ``/api`` paths, an HTML page otherwise. Werkzeug's HTTP
exceptions (routing 404/405, 413 from ``MAX_CONTENT_LENGTH``, 429 from Flask-Limiter) keep their
status and relevant headers; anything unexpected becomes a 500 without internals in the message.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from werkzeug.exceptions import HTTPException

from kho.errors import (
    AuthenticationError,
    KhoError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    TooLargeError,
    UnsupportedTypeError,
    UsageError,
)

# HTTP statuses with a KhoError class of their own.
_BY_STATUS: dict[int, type[KhoError]] = {
    400: UsageError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: TooLargeError,
    415: UnsupportedTypeError,
    429: RateLimitedError,
}

# Headers of a werkzeug HTTPException worth keeping on the JSON answer.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Content-Range")

_MESSAGES: dict[int, str] = {
    404: "no such resource; see /api/v1/docs for the endpoints",
    405: "this method is not allowed here; see the Allow header",
    413: "the request is too large; send fewer or smaller files",
    429: "too many requests for this key; wait and retry (see Retry-After)",
}


@dataclass(frozen=True)
class ErrorAnswer:
    """A request's failure as a KhoError plus extra headers to send with it."""

    error: KhoError
    headers: tuple[tuple[str, str], ...] = ()


@functools.cache
def _generic_class(status: int, code: str) -> type[KhoError]:
    """A KhoError subclass for an HTTP status kho has no class for (405, 406, 416 ...)."""
    return type(f"Http{status}Error", (KhoError,), {"http_status": status, "code": code, "exit_code": 1})


def _code_for(exc: HTTPException) -> str:
    name = (exc.name or "error").lower()
    return "".join(c if c.isalnum() else "_" for c in name).strip("_") or "error"


def from_http_exception(exc: HTTPException) -> ErrorAnswer:
    """The KhoError (and headers such as ``Allow`` or ``Retry-After``) of a werkzeug HTTP exception."""
    status = exc.code or 500
    message = _MESSAGES.get(status) or (exc.description or exc.name or "request failed").split("\n")[0]
    cls = _BY_STATUS.get(status) or _generic_class(status, _code_for(exc))
    headers = tuple((k, v) for k, v in exc.get_headers() if k in _KEPT_HEADERS)
    return ErrorAnswer(cls(message), headers)


def as_kho_error(exc: BaseException) -> ErrorAnswer:
    """Map any exception to the error shown to the client (500 for unexpected ones, no internals)."""
    if isinstance(exc, KhoError):
        headers: tuple[tuple[str, str], ...] = ()
        if isinstance(exc, AuthenticationError):
            headers = (("WWW-Authenticate", 'Bearer realm="kho"'),)
        return ErrorAnswer(exc, headers)
    if isinstance(exc, HTTPException):
        return from_http_exception(exc)
    return ErrorAnswer(KhoError("internal error; the administrator can find details in the server log"))
