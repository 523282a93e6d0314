"""The ``record.json`` schema: metadata, provenance, objects and history of one record (pydantic).

``record.json`` is the self-description of a record in the object store. It is exported as JSON
Schema to ``docs/record.schema.json`` (``python -m repository.schema > docs/record.schema.json``)
and documented in ``docs/repository.md``. Every string is NFC-normalised on the way in, every
timestamp is timezone-aware and stored in UTC.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from kho.core.citizen_id import InvalidCitizenId, parse_citizen_id

RECORD_FORMAT: Final = "kho.record/1"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

DocumentStatus = Literal["valid", "superseded", "revoked"]
ReviewState = Literal["none", "needs_review", "reviewed"]
ObjectRole = Literal["original", "pdf", "page", "thumb", "text", "json", "manifest", "certified"]
ScalarValue = str | int | float | bool | None


def _nfc(value: Any) -> Any:
    """``value`` with every string inside it (dict keys too) NFC-normalised."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_nfc(v) for v in value)
    return value


class _Model(BaseModel):
    """Immutable, strict about unknown fields, NFC for every string."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _normalise_strings(cls, data: Any) -> Any:
        return _nfc(data) if isinstance(data, dict) else data


class PageQuality(_Model):
    """Quality measurements of one page (1-based ``page``)."""

    page: int = Field(ge=1)
    dpi: int | None = Field(default=None, ge=1, description="Resolution the page was recognised at.")
    confidence: float | None = Field(default=None, ge=0, le=100, description="Mean OCR word confidence.")
    blank: bool = False
    warnings: tuple[str, ...] = Field(default=(), description="Codes, e.g. low_dpi, skewed.")


class QualitySummary(_Model):
    """Per-page quality and the record's mean OCR confidence."""

    pages: tuple[PageQuality, ...] = ()
    mean_confidence: float | None = Field(default=None, ge=0, le=100)
    warnings: tuple[str, ...] = ()


class OcrReading(_Model):
    """What the OCR read for a field whose value came from elsewhere (the manifest), kept to compare."""

    value: ScalarValue = None
    confidence: float | None = Field(default=None, ge=0, le=1, description="The extractor's confidence (0-1).")
    page: int | None = Field(default=None, ge=1)
    text: str | None = Field(default=None, description="The snippet of OCR text the value was read from.")
    source: str = Field(default="ocr", description="ocr or text_layer.")


class FieldEvidence(_Model):
    """Where a field value came from and how sure the extractor was.

    A manifest value has no confidence (it is not a reading); its ``ocr`` holds what the OCR read
    for the same field (absent when it read nothing, and in records written before it was kept).
    """

    value: ScalarValue = None
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="The extractor's confidence (0-1); none for a manifest value."
    )
    page: int | None = Field(default=None, ge=1)
    text: str | None = Field(default=None, description="The snippet of OCR text the value was read from.")
    source: str = Field(default="ocr", description="ocr, text_layer, manifest or official.")
    ocr: OcrReading | None = Field(
        default=None, description="The OCR's own reading of the field when the value came from the manifest."
    )


class RecordMetadata(_Model):
    """What the document is: extracted fields, manifest fields, quality and review state."""

    citizen_ids: tuple[str, ...] = Field(
        default=(), description="Personal ID (12 digits) or CMND (9 or 12 digits) numbers, as strings."
    )
    document_type: str | None = Field(default=None, description="E.g. Quyết định, Giấy phép xây dựng.")
    document_number: str | None = Field(default=None, description="The `Số:` line, e.g. 07/QĐ-UBND.")
    issued_on: date | None = None
    issuer: str | None = Field(default=None, description="The issuing agency, e.g. UBND huyện Bắc Trà My.")
    issuer_parent: str | None = Field(
        default=None, description="The body above the issuer in the header, e.g. Bộ Tài chính over Cục Thuế."
    )
    place: str | None = Field(default=None, description="The place on the date line.")
    locality: str | None = Field(default=None, description="Commune/district/province the result concerns.")
    holder_name: str | None = Field(default=None, description="Citizen or organisation concerned.")
    summary: str | None = Field(default=None, description="The `Về việc …` / `V/v …` line.")
    procedure_code: str | None = Field(default=None, description="Code of the administrative procedure.")
    valid_from: date | None = None
    valid_until: date | None = None
    status: DocumentStatus = "valid"
    page_count: int = Field(default=0, ge=0)
    quality: QualitySummary = QualitySummary()
    review_state: ReviewState = "none"
    review_reasons: tuple[str, ...] = ()
    manifest_fields: dict[str, ScalarValue] = Field(
        default_factory=dict, description="Fields exactly as given by the archivist's manifest row."
    )
    evidence: dict[str, FieldEvidence] = Field(
        default_factory=dict, description="Optional: per-field evidence, keyed by metadata field name."
    )

    @field_validator("citizen_ids")
    @classmethod
    def _check_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cid in value:  # the stored form of parse_citizen_id (lenient: records written before it)
            try:
                canonical = parse_citizen_id(cid, strict=False).digits == cid
            except InvalidCitizenId:
                canonical = False
            if not canonical:
                raise ValueError("each citizen ID must be a string of 9 or 12 digits")
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _check_validity_window(self) -> RecordMetadata:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class OcrSettings(_Model):
    """How the text was recognised."""

    engine: str = "tesseract"
    engine_version: str | None = Field(default=None, description="`tesseract --version`, e.g. 5.3.0.")
    language_data: dict[str, str] = Field(
        default_factory=dict,
        description="SHA-256 of each Tesseract traineddata file used, by language code (e.g. vie).",
    )
    lang: str = "vie"
    dpi: int | None = Field(default=None, ge=1)
    options: dict[str, ScalarValue] = Field(default_factory=dict)


class Provenance(_Model):
    """Where the record came from: batch, source file names, time, software, OCR settings."""

    batch_id: str | None = None
    source_names: tuple[str, ...] = Field(default=(), description="File names as received, in order.")
    ingested_at: AwareDatetime
    ingested_by: str | None = None
    software: str = "kho"
    software_version: str
    ocr: OcrSettings | None = None

    @field_validator("ingested_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class ObjectEntry(_Model):
    """One stored object of a record: its store key, role, size and SHA-256."""

    key: str = Field(description="Full object-store key, e.g. records/<id>/document.pdf.")
    role: ObjectRole
    index: int = Field(default=0, ge=0, description="Position within its role (page 1 is index 0).")
    size: int = Field(ge=0)
    sha256: str = Field(pattern=SHA256_PATTERN)
    name: str | None = Field(default=None, description="Original file name (role 'original').")
    content_type: str | None = None


class HistoryEntry(_Model):
    """Who made this version, when and why, and what changed (field -> new / previous value)."""

    actor: str = Field(min_length=1)
    at: AwareDatetime
    reason: str = Field(min_length=1)
    changes: dict[str, Any] = Field(default_factory=dict)
    previous: dict[str, Any] = Field(default_factory=dict)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class Record(_Model):
    """One version of ``record.json``: the self-description of a record."""

    format: Literal["kho.record/1"] = RECORD_FORMAT
    record_id: str
    version: int = Field(ge=1)
    metadata: RecordMetadata
    provenance: Provenance
    objects: tuple[ObjectEntry, ...]
    history_entry: HistoryEntry
    previous_version_sha256: str | None = Field(
        default=None,
        pattern=SHA256_PATTERN,
        description="SHA-256 of versions/<version-1>.json: the versions form a hash chain.",
    )

    def objects_with_role(self, role: ObjectRole) -> list[ObjectEntry]:
        """The objects of one role, ordered by index."""
        return sorted((o for o in self.objects if o.role == role), key=lambda o: o.index)

    def to_json_bytes(self) -> bytes:
        """The canonical bytes of ``record.json`` (UTF-8, indented, trailing newline)."""
        return (self.model_dump_json(indent=2) + "\n").encode("utf-8")


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``record.json`` (written to ``docs/record.schema.json``)."""
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://kho.example/schemas/record-1.json"
    schema["title"] = "kho record.json (kho.record/1)"
    return schema


def record_json_schema_text() -> str:
    """The JSON Schema as the text stored in ``docs/record.schema.json``."""
    return json.dumps(record_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(record_json_schema_text(), end="")
