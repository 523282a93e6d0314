"""The result of field extraction: values with a confidence and the evidence they were read from."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ocr.fields.idcheck import IdConflict

__all__ = [
    "CONFIDENCE_THRESHOLDS",
    "SINGLE_FIELDS",
    "Evidence",
    "ExtractedFields",
    "FieldValue",
    "needs_review",
]


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: ``page`` (1-based) and the ``[start, end)`` character span of its text."""

    page: int
    start: int
    end: int

    def to_json(self) -> dict[str, int]:
        """``{"page", "start", "end"}``."""
        return {"page": self.page, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class FieldValue:
    """One extracted value, how sure the extractor is (0–1) and where it came from."""

    value: str
    confidence: float
    evidence: Evidence

    def to_json(self) -> dict[str, Any]:
        """``{"value", "confidence", "evidence"}`` with the confidence rounded to 3 places."""
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence.to_json(),
        }


#: Fields holding a single value (None when not found), in contract order.
SINGLE_FIELDS: tuple[str, ...] = (
    "document_number",
    "issued_on",
    "issuer",
    "issuer_parent",
    "place",
    "document_type",
    "summary",
    "holder_name",
    "locality",
)

#: A value below its field's threshold marks the document for review.
CONFIDENCE_THRESHOLDS: dict[str, float] = {
    "citizen_ids": 0.9,
    "cmnd_ids": 0.9,
    "tax_codes": 0.9,
    "document_number": 0.8,
    "issued_on": 0.8,
    "issuer": 0.7,
    "issuer_parent": 0.6,
    "place": 0.6,
    "document_type": 0.8,
    "summary": 0.6,
    "holder_name": 0.7,
    "locality": 0.6,
}

#: Fields whose absence alone marks a document for review.
REQUIRED_FIELDS: tuple[str, ...] = ("document_number", "issued_on", "issuer", "document_type")


@dataclass(frozen=True)
class ExtractedFields:
    """Structured fields of one document.

    ``citizen_ids`` holds 12-digit personal IDs (and 12-digit CMND numbers, which share the format);
    ``cmnd_ids`` holds 9-digit CMND numbers read next to a CMND label; ``tax_codes`` organisation tax
    codes. ``notes`` are reasons for review found while extracting (e.g. an ID next to its label that
    did not validate and could not be repaired unambiguously); they never contain the ID itself.
    ``id_conflicts`` holds citizen IDs read two valid, different ways (see :mod:`ocr.fields.idcheck`).
    """

    citizen_ids: tuple[FieldValue, ...] = ()
    cmnd_ids: tuple[FieldValue, ...] = ()
    tax_codes: tuple[FieldValue, ...] = ()
    document_number: FieldValue | None = None
    issued_on: FieldValue | None = None
    issuer: FieldValue | None = None
    issuer_parent: FieldValue | None = None
    place: FieldValue | None = None
    document_type: FieldValue | None = None
    summary: FieldValue | None = None
    holder_name: FieldValue | None = None
    locality: FieldValue | None = None
    notes: tuple[str, ...] = ()
    id_conflicts: tuple[IdConflict, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``"fields"`` object of ``kho ocr --json`` (shape documented in docs/fields.md)."""
        out: dict[str, Any] = {
            "citizen_ids": [v.to_json() for v in self.citizen_ids],
            "cmnd_ids": [v.to_json() for v in self.cmnd_ids],
            "tax_codes": [v.to_json() for v in self.tax_codes],
        }
        for name in SINGLE_FIELDS:
            value: FieldValue | None = getattr(self, name)
            out[name] = None if value is None else value.to_json()
        out["id_conflicts"] = [c.to_json() for c in self.id_conflicts]
        return out

    def values(self) -> dict[str, Any]:
        """Plain values only: lists of strings for the ID lists, a string or None for the others."""
        out: dict[str, Any] = {}
        for f in fields(self):
            item = getattr(self, f.name)
            if f.name in ("notes", "id_conflicts"):
                continue
            if isinstance(item, tuple):
                out[f.name] = [v.value for v in item]
            else:
                out[f.name] = None if item is None else item.value
        return out


def needs_review(extracted: ExtractedFields) -> tuple[str, ...]:
    """Reasons (Vietnamese first, then the field name) why a person should check this document.

    Empty when every required field was found and every value reached its confidence threshold.
    """
    reasons: list[str] = []
    for name in REQUIRED_FIELDS:
        if getattr(extracted, name) is None:
            reasons.append(f"thiếu trường / missing field: {name}")
    for name in ("citizen_ids", "cmnd_ids", "tax_codes", *SINGLE_FIELDS):
        item = getattr(extracted, name)
        values = item if isinstance(item, tuple) else (() if item is None else (item,))
        threshold = CONFIDENCE_THRESHOLDS[name]
        for v in values:
            if v.confidence < threshold:
                reasons.append(
                    f"độ tin cậy thấp / low confidence: {name} "
                    f"({v.confidence:.2f} < {threshold:.2f}, trang/page {v.evidence.page})"
                )
    reasons.extend(extracted.notes)
    return tuple(reasons)
