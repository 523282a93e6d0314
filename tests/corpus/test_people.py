"""Random people and identifiers: structure of citizen IDs, CMND numbers and tax codes."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.corpus.people import (
    century_digit,
    load_province_codes,
    make_citizen_id,
    make_person,
    make_tax_code,
    tax_check_digit,
)

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _valid_tax_code(code: str) -> bool:
    total = sum(int(d) * w for d, w in zip(code[:9], WEIGHTS, strict=True))
    check = 10 - total % 11
    return len(code) == 10 and code.isdigit() and check != 10 and int(code[9]) == check


def test_province_codes_are_the_domain_table() -> None:
    codes = load_province_codes()
    assert len(codes) == 63
    assert codes["049"] == "Quảng Nam" and codes["048"] == "Đà Nẵng"
    assert all(len(code) == 3 and code.startswith("0") for code in codes)


@pytest.mark.parametrize(("year", "female", "digit"), [(1950, False, 0), (1999, True, 1), (2000, False, 2),
                                                       (2023, True, 3), (2100, False, 4)])
def test_century_digit(year: int, female: bool, digit: int) -> None:
    assert century_digit(year, female) == digit


def test_century_outside_range_is_refused() -> None:
    with pytest.raises(ValueError):
        century_digit(1899, False)


def test_people_have_ids_consistent_with_birth() -> None:
    codes = sorted(load_province_codes())
    rng = np.random.default_rng(5)
    for _ in range(300):
        person = make_person(rng, codes, 1930, 2020)
        cid = person.citizen_id
        assert len(cid) == 12 and cid.isdigit()
        assert cid[:3] in codes
        assert int(cid[3]) == century_digit(person.birth.year, person.female)
        assert cid[4:6] == f"{person.birth.year % 100:02d}"
        assert len(person.cmnd) == 9 and person.cmnd.isdigit()
        assert person.name == " ".join(person.name.split()) and len(person.name.split()) == 3


def test_citizen_id_layout() -> None:
    cid = make_citizen_id(np.random.default_rng(1), "049", 1985, True)
    assert cid.startswith("049185")


def test_tax_codes_have_valid_check_digits() -> None:
    rng = np.random.default_rng(2)
    codes = [make_tax_code(rng) for _ in range(200)]
    assert all(_valid_tax_code(code) for code in codes)
    assert all(code.startswith("40") for code in codes)


def test_tax_check_digit_refuses_prefixes_that_give_ten() -> None:
    prefixes = (f"{n:09d}" for n in range(100_000_000, 100_000_200))
    refused = [p for p in prefixes if tax_check_digit(p) is None]
    assert refused, "some prefixes must be invalid (sum ≡ 0 mod 11)"
    assert all(sum(int(d) * w for d, w in zip(p, WEIGHTS, strict=True)) % 11 == 0 for p in refused)
