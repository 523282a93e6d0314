"""Keep citizen IDs out of the general log: redaction of log text and a logging filter.

Access logs (werkzeug's development server, gunicorn's ``gunicorn.access``) print request lines;
a citizen lookup puts the ID in the path (``/api/v1/citizens/<ID>/documents``) and searches may put
it in the query string. :class:`RedactingFilter` rewrites every record of the loggers it is attached
to before any handler formats it, tracebacks included. The audit trail in the catalog is the only
place citizen IDs are written.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

from kho.core.citizen_id import MAX_DIGITS, MIN_DIGITS

REDACTED = "***"

# Loggers that print request lines: werkzeug's server, gunicorn's access and error logs, ours.
ACCESS_LOGGERS: tuple[str, ...] = ("werkzeug", "gunicorn.access", "gunicorn.error", "web", "web.app")

# /citizens/<anything>/ : whatever is there (valid ID or not) is treated as personal data.
_CITIZEN_SEGMENT = re.compile(r"(/citizens/)[^/?#\s\"']+", re.IGNORECASE)
# Query parameters that carry a citizen ID, in any spelling of their value.
_ID_PARAMETER = re.compile(
    r"((?:^|[?&;\s])(?:citizen_id|citizen|cccd|cmnd|so_cccd|id_number)=)[^&#;\s\"']*", re.IGNORECASE
)
# A free-standing run of 9-12 digits (CMND, personal ID, or one that lost its leading zero),
# optionally split by URL-encoded spaces; digits inside longer alphanumeric tokens are kept.
_DIGIT_RUN = re.compile(rf"(?<![0-9A-Za-z])\d(?:(?:%20|\+)?\d){{{MIN_DIGITS - 1},{MAX_DIGITS - 1}}}(?![0-9A-Za-z])")


def redact_citizen_ids(text: str) -> str:
    """``text`` with citizen-ID path segments, ID query values and 9-12 digit runs replaced by ``***``."""
    text = _CITIZEN_SEGMENT.sub(rf"\g<1>{REDACTED}", text)
    text = _ID_PARAMETER.sub(rf"\g<1>{REDACTED}", text)
    return _DIGIT_RUN.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """A filter that replaces a record's message (and traceback text) by its redacted form."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; never drops it."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed format string: keep the raw template only
            message = str(record.msg)
        record.msg = redact_citizen_ids(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_citizen_ids("".join(traceback.format_exception(*record.exc_info)).rstrip())
        if record.exc_text:
            record.exc_text = redact_citizen_ids(record.exc_text)
        return True


def install_redaction(logger_names: Iterable[str] = ACCESS_LOGGERS) -> None:
    """Attach one :class:`RedactingFilter` to each named logger (idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
