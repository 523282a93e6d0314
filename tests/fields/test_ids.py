"""Personal ID, CMND and tax code validation and repair."""

from __future__ import annotations

import pytest

from kho.errors import UsageError
from ocr.fields.ids import (
    PROVINCE_CODES,
    birth_year,
    citizen_id_lookup_forms,
    is_valid_citizen_id,
    is_valid_tax_code,
    repair_citizen_id,
)


def test_province_table_is_the_63_codes() -> None:
    assert len(PROVINCE_CODES) == 63
    assert {"001", "048", "049", "079", "096"} <= PROVINCE_CODES
    assert "003" not in PROVINCE_CODES


@pytest.mark.parametrize(
    "value",
    ["049085001234", "048190000001", "001203012345", "079301998877"],
)
def test_valid_ids(value: str) -> None:
    assert is_valid_citizen_id(value, current_year=2025)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("003085001234", "unknown province"),
        ("049685001234", "century digit 6"),
        ("049230001234", "born 2030, after the current year"),
        ("049485001234", "born 2185"),
        ("04908500123", "11 digits"),
        ("049 085 001 234", "separators are not accepted by the strict check"),
        ("０４９０８５００１２３４", "full-width digits"),
        ("", "empty"),
    ],
)
def test_invalid_ids(value: str, reason: str) -> None:
    assert not is_valid_citizen_id(value, current_year=2025), reason


def test_birth_year() -> None:
    assert birth_year("049085001234") == 1985
    assert birth_year("049303001234") == 2003
    assert birth_year("049903001234") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("049085001234", "049085001234"),
        ("49085001234", "049085001234"),  # spreadsheet dropped the leading zero
        ("049 085 001 234", "049085001234"),  # split groups
        ("049.085.001.234", "049085001234"),
        ("O49O85OO1234", "049085001234"),  # O for 0
        ("049l85001234", "049185001234"),  # l for 1
        ("0499085001234", "049085001234"),  # doubled 9 -> one valid reading
    ],
)
def test_repair(raw: str, expected: str) -> None:
    assert repair_citizen_id(raw, current_year=2025) == expected


def test_repair_refuses_ambiguous_doubled_digit() -> None:
    # removing one 8 or one 0 both give valid IDs: no repair
    assert repair_citizen_id("0490885001234", current_year=2025) is None


def test_repair_uses_printed_birth_year_to_disambiguate() -> None:
    assert repair_citizen_id("0490885001234", expected_birth_year=1985, current_year=2025) == "049085001234"
    assert repair_citizen_id("049085001234", expected_birth_year=1990, current_year=2025) is None


@pytest.mark.parametrize("raw", ["12345678901", "1234567890123", "003085001234", "abc", "0490850012345678"])
def test_repair_rejects(raw: str) -> None:
    assert repair_citizen_id(raw, current_year=2025) is None


def test_lookup_forms() -> None:
    assert citizen_id_lookup_forms("049085001234") == ("049085001234",)
    assert citizen_id_lookup_forms(" 49 085 001 234 ") == ("049085001234",)
    assert citizen_id_lookup_forms("205123456") == ("205123456",)
    assert citizen_id_lookup_forms("205-123-456") == ("205123456",)
    assert citizen_id_lookup_forms("123456789012") == ("123456789012",)  # 12-digit CMND


@pytest.mark.parametrize("raw", ["", "12345", "98765432101", "abcdefghijkl", "0490850012345"])
def test_lookup_forms_rejects(raw: str) -> None:
    with pytest.raises(UsageError, match="not a citizen ID"):
        citizen_id_lookup_forms(raw)


@pytest.mark.parametrize("value", ["0100109106", "0100109106-001", "0100109106001"])
def test_valid_tax_codes(value: str) -> None:
    assert is_valid_tax_code(value)


@pytest.mark.parametrize("value", ["0100109107", "0100109106-000", "010010910", "049085001234", "abc"])
def test_invalid_tax_codes(value: str) -> None:
    assert not is_valid_tax_code(value)
