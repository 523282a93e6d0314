"""The metadata form of the record and review pages (pure): current values in, changes out.

Text is NFC with spaces collapsed; an empty box clears the field. Dates are ``YYYY-MM-DD`` (what a
date input sends) or ``dd/mm/yyyy``. Citizen IDs are one per line (or comma-separated): 12 digits,
a 9-digit CMND, or 11 digits that lost the leading zero (repaired). Errors name the field and
never repeat a citizen ID.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kho.core.citizen_id import parse_citizen_id
from kho.errors import UsageError
from repository.schema import RecordMetadata

TEXT_FIELDS: tuple[str, ...] = (
    "document_type", "document_number", "issuer", "place", "locality", "holder_name", "summary", "procedure_code",
)
DATE_FIELDS: tuple[str, ...] = ("issued_on", "valid_from", "valid_until")
EDIT_FIELDS: tuple[str, ...] = (
    "document_type", "document_number", "issued_on", "issuer", "place", "locality", "holder_name",
    "citizen_ids", "summary", "procedure_code", "valid_from", "valid_until",
)
REVIEW_FIELDS: tuple[str, ...] = (
    "document_type", "document_number", "issued_on", "issuer", "locality", "holder_name", "citizen_ids", "summary",
)
LONG_FIELDS = frozenset({"summary", "citizen_ids"})
MAX_TEXT = 1000
MAX_IDS = 50
_ID_SPLIT = re.compile(r"[,;\n\r]+")
# Error codes of a field; the pages show them in the page language (``labels.label(code, "form_error")``).
ERROR_CODES: tuple[str, ...] = ("bad_citizen_id", "too_many_ids", "bad_date", "too_long", "before_start")


@dataclass(frozen=True)
class FormResult:
    """The changes a submitted form asks for, the errors per field (codes, see :data:`ERROR_CODES`)."""

    changes: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def form_values(meta: RecordMetadata, fields: Sequence[str]) -> dict[str, str]:
    """The current metadata as form values (dates ``dd/mm/yyyy``, IDs one per line)."""
    values: dict[str, str] = {}
    for name in fields:
        value = getattr(meta, name)
        if name == "citizen_ids":
            values[name] = "\n".join(value)
        elif isinstance(value, date):
            values[name] = value.strftime("%d/%m/%Y")
        else:
            values[name] = "" if value is None else str(value)
    return values


def _text(raw: str) -> str | None:
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    return text or None


def parse_date(raw: str) -> date | None:
    """``YYYY-MM-DD`` or ``dd/mm/yyyy`` (``None`` when blank); :class:`ValueError` otherwise."""
    text = raw.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    return datetime.strptime(text, "%d/%m/%Y").date()


def parse_citizen_ids(raw: str) -> tuple[str, ...]:
    """IDs from one-per-line or comma-separated text, by the manifest's rule (strict
    :func:`~kho.core.citizen_id.parse_citizen_id`); :class:`UsageError` for a bad one."""
    found: list[str] = []
    for n, part in enumerate(p for p in _ID_SPLIT.split(raw) if p.strip()):
        try:
            found.append(parse_citizen_id(part).digits)
        except UsageError as e:
            raise UsageError(f"entry {n + 1} is not a citizen ID (12 digits, or a 9-digit CMND)",
                             subject="citizen_ids", details={"code": "bad_citizen_id"}) from e
    if len(found) > MAX_IDS:
        raise UsageError(f"at most {MAX_IDS} citizen IDs", subject="citizen_ids", details={"code": "too_many_ids"})
    return tuple(dict.fromkeys(found))


def _parse_one(name: str, raw: str) -> Any:
    if name == "citizen_ids":
        return parse_citizen_ids(raw)
    if name in DATE_FIELDS:
        return parse_date(raw)
    if len(raw) > MAX_TEXT:
        raise UsageError(f"at most {MAX_TEXT} characters", subject=name, details={"code": "too_long"})
    return _text(raw)


def parse_changes(form: Mapping[str, str], meta: RecordMetadata, fields: Sequence[str]) -> FormResult:
    """The fields of ``form`` that differ from ``meta`` (only ``fields`` are read; absent ones unchanged)."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    values = form_values(meta, fields)
    for name in fields:
        if name not in form:
            continue
        raw = str(form[name])
        values[name] = raw
        try:
            value = _parse_one(name, raw)
        except UsageError as e:
            errors[name] = str(e.details.get("code", "bad_citizen_id"))
            continue
        except ValueError:
            errors[name] = "bad_date"
            continue
        if value != getattr(meta, name):
            changes[name] = value
    valid_from = changes.get("valid_from", meta.valid_from)
    valid_until = changes.get("valid_until", meta.valid_until)
    if valid_from and valid_until and valid_until < valid_from and "valid_until" not in errors:
        errors["valid_until"] = "before_start"
    return FormResult(changes if not errors else {}, errors, values)
