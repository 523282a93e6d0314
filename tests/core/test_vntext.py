"""Vietnamese text rules (kho.core.vntext): each function's guarantee, and every old caller agrees."""

from __future__ import annotations

import unicodedata

import pytest

from kho.core.vntext import (
    canonical_spelling,
    fix_homoglyphs,
    fold_accents_keep_length,
    fold_accents_lower,
    to_nfc,
    unify_tone_placement,
)
from ocr.fields import textnorm
from ocr.text import normalize_text
from search import normalize

SAMPLES = [
    "Ủy ban nhân dân huyện Bắc Trà My",
    "UỶ BAN NHÂN DÂN TỈNH QUẢNG NAM",
    "Quyết định về việc hỗ trợ hộ nghèo",
    "ÐẤT Ở tại thôn Ðông, xã Trà Sơn",  # Ð (U+00D0) read for Đ
    "Giấy chứng nhận sức khoẻ; Thuỷ lợi; hoà giải",
    "quý khách, Quỳ Hợp",
    unicodedata.normalize("NFD", "Đà Nẵng, ngày 09 tháng 02 năm 2022"),
]


def test_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Hòa")
    assert to_nfc(decomposed) == "Nguyễn Văn Hòa" != decomposed


def test_homoglyphs_become_d_stroke_with_the_same_length() -> None:
    assert fix_homoglyphs("\u00d0ÔNG \u00f0ất \u0189ỗ \u0256ủ") == "ĐÔNG đất Đỗ đủ"
    for text in SAMPLES:
        assert len(fix_homoglyphs(text)) == len(to_nfc(text))


@pytest.mark.parametrize(("raw", "unified"), [
    ("hoà", "hòa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("Uỷ ban", "Ủy ban"), ("HOÀ", "HÒA"),
    ("hòa", "hòa"), ("quý", "quý"), ("hoàng", "hoàng"), ("toà án", "tòa án"),
])
def test_one_tone_placement(raw: str, unified: str) -> None:
    assert unify_tone_placement(raw) == unified


def test_canonical_spelling_keeps_case_and_spacing() -> None:
    assert canonical_spelling("  UỶ BAN  \u00d0à Nẵng ") == "  ỦY BAN  Đà Nẵng "


@pytest.mark.parametrize(("raw", "folded"), [
    ("Đà Nẵng", "da nang"), ("HOÀ", "hoa"), ("hòa", "hoa"), ("\u00d0ất ở", "dat o"), ("Thuỷ lợi", "thuy loi"),
])
def test_fold_accents_lower(raw: str, folded: str) -> None:
    assert fold_accents_lower(raw) == folded


def test_fold_accents_keep_length() -> None:
    assert fold_accents_keep_length("Đà Nẵng, ỦY BAN") == "Da Nang, UY BAN"
    for text in SAMPLES:
        nfc = to_nfc(text)
        assert len(fold_accents_keep_length(nfc)) == len(nfc)


@pytest.mark.parametrize("text", SAMPLES)
def test_search_ocr_and_fields_use_the_same_rules(text: str) -> None:
    assert normalize.canonical(text) == canonical_spelling(text)
    assert normalize.fold(text) == fold_accents_lower(text)
    assert normalize.unify_tone_placement(to_nfc(text)) == unify_tone_placement(to_nfc(text))
    assert textnorm.unify_tone_placement(to_nfc(text)) == unify_tone_placement(to_nfc(text))
    assert textnorm.fold(to_nfc(text)) == fold_accents_keep_length(to_nfc(text))
    assert normalize_text(text) == fix_homoglyphs(text)
    assert textnorm.clean_page(text) == fix_homoglyphs(text)
    # the folded search form is the extraction's folded form, lower-cased and with one tone placement
    assert normalize.fold(text) == fold_accents_keep_length(canonical_spelling(text)).lower()
