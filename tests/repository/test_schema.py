"""The record.json schema: validation, NFC, and the exported JSON Schema kept in sync with the code."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from repository.schema import RecordMetadata, record_json_schema, record_json_schema_text

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_exported_json_schema_is_current() -> None:
    exported = (DOCS / "record.schema.json").read_text("utf-8")
    assert exported == record_json_schema_text(), "run: python -m repository.schema > docs/record.schema.json"


def test_json_schema_names_every_metadata_field() -> None:
    properties = record_json_schema()["$defs"]["RecordMetadata"]["properties"]
    for name in [
        "citizen_ids", "document_type", "document_number", "issued_on", "issuer", "place", "locality",
        "holder_name", "summary", "procedure_code", "valid_from", "valid_until", "status", "page_count",
        "quality", "review_state", "review_reasons", "manifest_fields", "evidence",
    ]:  # fmt: skip
        assert name in properties


def test_strings_are_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    meta = RecordMetadata(holder_name=decomposed, manifest_fields={unicodedata.normalize("NFD", "Số"): decomposed})
    assert meta.holder_name == "Nguyễn Thị Hòa" and unicodedata.is_normalized("NFC", meta.holder_name)
    assert meta.manifest_fields == {"Số": "Nguyễn Thị Hòa"}


@pytest.mark.parametrize(
    "fields",
    [
        {"citizen_ids": ["49085001234"]},  # 11 digits: damaged, must be repaired before storing
        {"citizen_ids": [49085001234]},
        {"status": "expired"},
        {"review_state": "maybe"},
        {"valid_from": "2024-01-02", "valid_until": "2024-01-01"},
        {"page_count": -1},
        {"unknown_field": 1},
        {"quality": {"pages": [{"page": 0}]}},
    ],
)
def test_invalid_metadata_is_rejected(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RecordMetadata.model_validate(fields)


def test_valid_metadata_round_trips() -> None:
    meta = RecordMetadata.model_validate(
        {
            "citizen_ids": ["049085001234", "123456789", "049085001234"],
            "issued_on": "2022-02-09",
            "status": "superseded",
            "review_state": "needs_review",
            "review_reasons": ["low_confidence"],
            "quality": {"pages": [{"page": 1, "dpi": 300, "confidence": 91.5, "warnings": ["skewed"]}]},
            "evidence": {"document_number": {"value": "07/QĐ-UBND", "confidence": 0.9, "page": 1}},
        }
    )
    assert meta.citizen_ids == ("049085001234", "123456789")  # duplicates dropped
    assert meta.issued_on == date(2022, 2, 9)
    assert RecordMetadata.model_validate_json(meta.model_dump_json()) == meta
