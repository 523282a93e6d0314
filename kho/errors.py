"""The one error hierarchy of kho.

Every error a user can see is a :class:`KhoError`. Each carries the HTTP status the web layer
answers with, the exit code the CLI exits with, and a message that says what went wrong and what
to do. Adapters translate library exceptions into these at their edge (``raise ... from e``);
one CLI handler (``kho.cli``) and one Flask handler (``web``) turn them into output.
"""

from __future__ import annotations

from typing import Any, ClassVar


class KhoError(Exception):
    """Base of every error shown to a user: one line, an HTTP status and an exit code."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, subject: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.subject = subject
        self.details = details or {}

    def one_line(self) -> str:
        """The message on one line, prefixed by the subject (a file, a variable, an ID) if any."""
        text = " ".join(self.message.split())
        return f"{self.subject}: {text}" if self.subject else text

    def to_json(self) -> dict[str, Any]:
        """The one JSON error shape used by every API endpoint."""
        body: dict[str, Any] = {"code": self.code, "message": self.one_line(), "status": self.http_status}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class ConfigError(KhoError):
    """A setting is missing or invalid; the message names the variable."""

    http_status = 500
    exit_code = 2
    code = "config_error"


class UsageError(KhoError):
    """A command or request was called with arguments that cannot work."""

    http_status = 400
    exit_code = 2
    code = "bad_request"


class InputError(KhoError):
    """A file or value given by the user cannot be processed (corrupt, encrypted, hostile, malformed)."""

    http_status = 422
    exit_code = 3
    code = "bad_input"


class TooLargeError(InputError):
    """An input exceeds a size, page or count limit."""

    http_status = 413
    code = "too_large"


class UnsupportedTypeError(InputError):
    """An input is of a type kho does not read."""

    http_status = 415
    code = "unsupported_type"


class NotFoundError(KhoError):
    """An ID (record, batch, key, user) is not known."""

    http_status = 404
    exit_code = 4
    code = "not_found"


class ConflictError(KhoError):
    """The request conflicts with what is stored (e.g. a stale version)."""

    http_status = 409
    exit_code = 4
    code = "conflict"


class AuthenticationError(KhoError):
    """No valid credentials were given."""

    http_status = 401
    exit_code = 5
    code = "unauthenticated"


class PermissionDeniedError(KhoError):
    """The credentials are valid but outside their role or scope."""

    http_status = 403
    exit_code = 5
    code = "forbidden"


class RateLimitedError(KhoError):
    """Too many requests for this key."""

    http_status = 429
    exit_code = 5
    code = "rate_limited"


class ServiceUnavailableError(KhoError):
    """A backend (object store, index, catalog, Tesseract) cannot be reached or failed."""

    http_status = 503
    exit_code = 6
    code = "service_unavailable"


class IntegrityError(KhoError):
    """Stored data does not match its checksums or manifest."""

    http_status = 500
    exit_code = 7
    code = "integrity_error"


class ProcessingTimeoutError(InputError):
    """A subprocess (Tesseract, poppler) took longer than its limit on one input."""

    code = "timeout"
