"""One table of citizen-ID cases that every caller agrees on.

Manifests and the record form (data entered into kho) apply the strict rule; search and the
search box (looking up what is stored) the lenient one; the record schema accepts exactly the
canonical digits either produces; OCR repair and log redaction see the same IDs. An official can no
longer save an ID that a manifest import would refuse.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ingest.manifest import parse_citizen_ids as manifest_ids
from kho.core.citizen_id import (
    CitizenIdKind,
    InvalidCitizenId,
    citizen_id_lookup_forms,
    is_personal_id,
    looks_like_citizen_id,
    parse_citizen_id,
)
from kho.errors import UsageError
from ocr.fields.ids import is_valid_citizen_id, repair_citizen_id
from repository.schema import RecordMetadata
from search.index import SearchQuery
from search.query import plan_filters
from web.logs import redact_citizen_ids
from web.pages.record_form import parse_citizen_ids as form_ids
from web.pages.search_form import citizen_id_in

# raw value, strict result (entered data), lenient result (lookups); None = refused.
CASES: list[tuple[str, str | None, str | None]] = [
    ("049085001234", "049085001234", "049085001234"),  # Quảng Nam, male, 1985
    ("049303001234", "049303001234", "049303001234"),  # female, 2003
    ("001190000001", "001190000001", "001190000001"),  # Hà Nội, female, 1990
    ("049 085 001 234", "049085001234", "049085001234"),  # split groups
    ("049.085.001.234", "049085001234", "049085001234"),
    ("049-085-001-234", "049085001234", "049085001234"),
    ("  049085001234 ", "049085001234", "049085001234"),
    ("49085001234", "049085001234", "049085001234"),  # a spreadsheet dropped the leading zero
    ("49 085 001 234", "049085001234", "049085001234"),
    ("205123456", "205123456", "205123456"),  # CMND
    ("205 123 456", "205123456", "205123456"),
    ("123456789012", None, "123456789012"),  # 12 digits, no personal-ID structure: a legacy CMND only
    ("003085001234", None, "003085001234"),  # 003 is no province code
    ("049685001234", None, "049685001234"),  # century digit 6
    ("049290001234", None, "049290001234"),  # born 2090: in the future
    ("12345678901", None, None),  # 11 digits, 012 + century 3 = born 2045: not a lost zero
    ("98765432101", None, None),  # 11 digits, 098 is no province code
    ("0490850012345", None, None),  # 13 digits
    ("12345", None, None),
    ("O49085001234", None, None),  # a letter: typed data is never "repaired" like OCR
    ("０４９０８５００１２３４", None, None),  # full-width digits
    ("abc", None, None),
    ("", None, None),
]
IDS = [repr(raw) for raw, _, _ in CASES]


@pytest.mark.parametrize(("raw", "strict", "lenient"), CASES, ids=IDS)
def test_parse_citizen_id(raw: str, strict: str | None, lenient: str | None) -> None:
    for mode, expected in ((True, strict), (False, lenient)):
        if expected is None:
            with pytest.raises(InvalidCitizenId) as refused:
                parse_citizen_id(raw, strict=mode, current_year=2026)
            digits = "".join(ch for ch in raw if ch.isdigit())
            assert not digits or digits not in refused.value.one_line()  # the reason, never the value
        else:
            assert parse_citizen_id(raw, strict=mode, current_year=2026).digits == expected


@pytest.mark.parametrize(("raw", "strict", "lenient"), CASES, ids=IDS)
def test_manifest_and_record_form_agree(raw: str, strict: str | None, lenient: str | None) -> None:
    ids, problems, warnings = manifest_ids(raw)
    if not raw.strip():  # an empty cell or field: no ID, and no problem
        assert (ids, problems, form_ids(raw)) == ((), [], ())
        return
    if strict is None:
        assert ids == () and problems
        with pytest.raises(UsageError) as refused:
            form_ids(raw)
        assert refused.value.details["code"] == "bad_citizen_id"
        return
    assert ids == (strict,) and problems == []
    assert bool(warnings) == (len("".join(ch for ch in raw if ch.isdigit())) == 11)
    assert form_ids(raw) == (strict,)
    assert RecordMetadata(citizen_ids=(strict,)).citizen_ids == (strict,)


@pytest.mark.parametrize(("raw", "strict", "lenient"), CASES, ids=IDS)
def test_search_looks_up_the_lenient_form(raw: str, strict: str | None, lenient: str | None) -> None:
    if lenient is None:
        if raw.strip():
            with pytest.raises(UsageError):
                citizen_id_lookup_forms(raw)
            with pytest.raises(UsageError):
                plan_filters(SearchQuery(citizen_id=raw))
        return
    assert citizen_id_lookup_forms(raw) == (lenient,)
    assert plan_filters(SearchQuery(citizen_id=raw)).citizen_ids == (lenient,)
    assert RecordMetadata(citizen_ids=(lenient,)).citizen_ids == (lenient,)  # what was stored stays readable
    assert citizen_id_in(raw) is not None and looks_like_citizen_id(raw)


@pytest.mark.parametrize(("raw", "strict", "lenient"), CASES, ids=IDS)
def test_schema_takes_only_canonical_digits(raw: str, strict: str | None, lenient: str | None) -> None:
    if raw in (strict, lenient):
        return
    with pytest.raises(ValidationError):
        RecordMetadata(citizen_ids=(raw,))


@pytest.mark.parametrize(("raw", "strict", "lenient"), CASES, ids=IDS)
def test_ocr_repair_and_validation_agree_on_personal_ids(raw: str, strict: str | None, lenient: str | None) -> None:
    if strict is not None and len(strict) == 12:
        assert is_valid_citizen_id(strict, current_year=2026) and is_personal_id(strict, current_year=2026)
        assert repair_citizen_id(raw, current_year=2026) == strict
    elif lenient is not None and len(lenient) == 12:
        assert not is_valid_citizen_id(lenient, current_year=2026)
        assert repair_citizen_id(raw, current_year=2026) is None


@pytest.mark.parametrize(("raw", "strict", "lenient"), CASES, ids=IDS)
def test_logs_never_show_an_id(raw: str, strict: str | None, lenient: str | None) -> None:
    for value in {v for v in (strict, lenient) if v is not None}:
        assert value not in redact_citizen_ids(f"GET /api/v1/search?q={value} 200")
        assert value not in redact_citizen_ids(f"lookup of {value} failed")


def test_what_a_personal_id_says() -> None:
    parsed = parse_citizen_id("049303001234")
    assert parsed.kind is CitizenIdKind.PERSONAL_ID and not parsed.repaired
    facts = (parsed.province_code, parsed.province, parsed.birth_year, parsed.sex)
    assert facts == ("049", "Quảng Nam", 2003, "female")
    male = parse_citizen_id("48085001234")
    assert male.repaired and male.digits == "048085001234"
    assert (male.province, male.birth_year, male.sex) == ("Đà Nẵng", 1985, "male")
    cmnd = parse_citizen_id("205123456")
    assert cmnd.kind is CitizenIdKind.CMND
    assert (cmnd.province_code, cmnd.province, cmnd.birth_year, cmnd.sex) == (None, None, None, None)
