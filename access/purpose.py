"""The stated purpose of every personal-data read and change (kept in the audit trail)."""

from __future__ import annotations

import unicodedata

from kho.errors import UsageError

MAX_PURPOSE = 1000
CLI_PURPOSE = "dòng lệnh kho (không nêu mục đích) / kho command line (no purpose given)"


def require_purpose(raw: str | None) -> str:
    """The purpose NFC, on one line and trimmed; :class:`UsageError` (400, exit 2) if missing or too long.

    Control characters become spaces. Front ends decode their transport first (HTTP headers: see
    ``web.headers``) and pass the text here.
    """
    if raw is not None and len(raw) > MAX_PURPOSE:
        raise UsageError(f"the purpose must be at most {MAX_PURPOSE} characters", subject="X-Purpose")
    text = "".join(c if c.isprintable() else " " for c in raw or "")
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if not text:
        raise UsageError(
            "reading personal data needs a stated purpose; send the header 'X-Purpose: <why>' "
            "(command line: --purpose)",
            subject="X-Purpose",
        )
    return text
