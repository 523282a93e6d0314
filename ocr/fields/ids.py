"""Personal ID (CCCD / số định danh cá nhân), CMND and organisation tax code rules for OCR fields.

The rules live in :mod:`kho.core.citizen_id` and :mod:`kho.core.tax_code` (one home, shared by
manifests, forms, search, the schema and log redaction); this module keeps the names the field
extractors use.
"""

from __future__ import annotations

from kho.core.citizen_id import (
    PROVINCE_CODES,
    birth_year,
    citizen_id_lookup_forms,
    repair_citizen_id,
)
from kho.core.citizen_id import is_personal_id as is_valid_citizen_id
from kho.core.citizen_id import normalize_ocr_digits as normalize_digits
from kho.core.tax_code import is_valid_tax_code

__all__ = [
    "PROVINCE_CODES",
    "birth_year",
    "citizen_id_lookup_forms",
    "is_valid_citizen_id",
    "is_valid_tax_code",
    "normalize_digits",
    "repair_citizen_id",
]
