"""The one error hierarchy of kho.

Every error a user can see is a :class:`KhoError`. Each carries the HTTP status the web layer
answers with, the exit code the CLI exits with, and a message that says what went wrong and what
to do. Adapters translate library exceptions into these at their edge (``raise ... from e``);
one CLI handler (``kho.cli``) and one Flask handler (``web``) turn them into output.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar


class ExitCode(IntEnum):
    """How ``kho`` exits: one code per kind of outcome, so scripts can tell them apart.

    ``TIMEOUT`` and ``SERVICE_UNAVAILABLE`` are transient (run again later); the others are not.
    """

    OK = 0
    FAILED = 1
    """The command ran but found problems it reports (a fixity or reindex check, a failed batch)."""
    USAGE = 2
    """Wrong arguments or settings (``ConfigError`` too: the call cannot work as configured)."""
    BAD_INPUT = 3
    NOT_FOUND = 4
    UNAUTHENTICATED = 5
    SERVICE_UNAVAILABLE = 6
    INTEGRITY = 7
    CONFLICT = 8
    FORBIDDEN = 9
    RATE_LIMITED = 10
    TIMEOUT = 11
    INTERNAL = 70
    """A bug: an exception that is not a :class:`KhoError` (sysexits ``EX_SOFTWARE``)."""
    INTERRUPTED = 130
    """Ctrl+C (128 + SIGINT)."""


class KhoError(Exception):
    """Base of every error shown to a user: one line, an HTTP status and an exit code."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = ExitCode.FAILED
    code: ClassVar[str] = "internal_error"
    retryable: ClassVar[bool] = False
    """Whether the same call may succeed later unchanged (a timeout, a server down)."""

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
    exit_code = ExitCode.USAGE
    code = "config_error"


class UsageError(KhoError):
    """A command or request was called with arguments that cannot work."""

    http_status = 400
    exit_code = ExitCode.USAGE
    code = "bad_request"


class InputError(KhoError):
    """A file or value given by the user cannot be processed (corrupt, encrypted, hostile, malformed)."""

    http_status = 422
    exit_code = ExitCode.BAD_INPUT
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
    exit_code = ExitCode.NOT_FOUND
    code = "not_found"


class ConflictError(KhoError):
    """The request conflicts with what is stored (e.g. a stale version)."""

    http_status = 409
    exit_code = ExitCode.CONFLICT
    code = "conflict"


class AuthenticationError(KhoError):
    """No valid credentials were given."""

    http_status = 401
    exit_code = ExitCode.UNAUTHENTICATED
    code = "unauthenticated"


class PermissionDeniedError(KhoError):
    """The credentials are valid but outside their role or scope."""

    http_status = 403
    exit_code = ExitCode.FORBIDDEN
    code = "forbidden"


class RateLimitedError(KhoError):
    """Too many requests for this key."""

    http_status = 429
    exit_code = ExitCode.RATE_LIMITED
    code = "rate_limited"


class ServiceUnavailableError(KhoError):
    """A backend (object store, index, catalog, Tesseract) cannot be reached or failed."""

    http_status = 503
    exit_code = ExitCode.SERVICE_UNAVAILABLE
    code = "service_unavailable"
    retryable = True


class IntegrityError(KhoError):
    """Stored data does not match its checksums or manifest."""

    http_status = 500
    exit_code = ExitCode.INTEGRITY
    code = "integrity_error"


class ProcessingTimeoutError(KhoError):
    """A subprocess (Tesseract, poppler) took longer than its limit on one input.

    Transient, not bad input: it depends on the machine's load, so a re-run retries it.
    """

    http_status = 503
    exit_code = ExitCode.TIMEOUT
    code = "timeout"
    retryable = True
