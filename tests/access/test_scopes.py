"""Scopes: validated against known values at creation (D3), and an empty resolved scope grants nothing."""

from __future__ import annotations

import pytest

from access.principals import Principal
from access.purpose import require_purpose
from access.scopes import ScopePolicy, parse_scopes
from kho.errors import PermissionDeniedError, UsageError
from repository.catalog import Scopes
from search.places import load_places

PLACES = load_places()
POLICY = ScopePolicy(PLACES)
RECORD = ("Giấy phép xây dựng", "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam")


def test_known_types_and_places_are_accepted_in_the_vocabulary_spelling() -> None:
    scopes = parse_scopes(["type=giay phep xay dung", "locality:Quảng Nam", "locality = Bắc Trà My"], PLACES)
    assert scopes.document_types == frozenset({"Giấy phép xây dựng"})
    assert scopes.localities == frozenset({"Quảng Nam", "Bắc Trà My"})


@pytest.mark.parametrize("spec", [
    "locality=%", "locality=  ", "locality=-- ,", "type=Giấy phép lái xe", "type=%", "locality=Atlantis",
    "colour=blue", "type", "=x",
])
def test_d3_scopes_validated_at_creation(spec: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_scopes([spec], PLACES)
    assert caught.value.exit_code == 2


def test_d3_empty_resolved_scope_grants_nothing() -> None:
    """A stored scope with no letter or digit (created before validation) matches no document."""
    empty = Scopes.of(localities=["%"])
    assert not POLICY.allows(empty, *RECORD)
    assert not POLICY.allows(empty, None, None)
    principal = Principal("key", "0123456789ab", "old", "official", empty)
    with pytest.raises(PermissionDeniedError):
        POLICY.check(principal, *RECORD, subject="kho-x")
    with pytest.raises(PermissionDeniedError):
        POLICY.search_filters(principal, None, None)
    assert POLICY.allows(Scopes(), *RECORD)  # no scope at all: everything, as before


def test_scoped_locality_matches_old_and_new_names() -> None:
    assert POLICY.allows(Scopes.of(localities=["Đà Nẵng"]), *RECORD)
    assert not POLICY.allows(Scopes.of(localities=["Hội An"]), *RECORD)


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Xác minh\thồ sơ ", "Xác minh hồ sơ"),
    ("Xa\u0301c minh", "Xác minh"),  # NFC
    ("a\x00b", "a b"),
])
def test_purpose_is_nfc_on_one_line(raw: str, expected: str) -> None:
    assert require_purpose(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "\x00\x07", "x" * 1001])
def test_purpose_missing_or_too_long_is_a_usage_error(raw: str | None) -> None:
    with pytest.raises(UsageError):
        require_purpose(raw)
