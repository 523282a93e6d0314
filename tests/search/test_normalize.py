"""search.normalize: NFC, tone placement, folding (đ→d), tokens, document numbers."""

from __future__ import annotations

import unicodedata

import pytest

from search.normalize import (
    canonical,
    fold,
    key,
    nfc,
    normalize_document_number,
    normalize_exact,
    token_spans,
    tokens,
    unify_tone_placement,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_nfc_composes_decomposed_input() -> None:
    assert nfc(nfd("Nguyễn Văn Hòa")) == "Nguyễn Văn Hòa"
    assert len(nfc(nfd("ễ"))) == 1


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("hoà", "hòa"), ("hòa", "hòa"), ("HOÀ", "HÒA"), ("Hoà", "Hòa"),
        ("thuỷ", "thủy"), ("THUỶ", "THỦY"), ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"),
        ("hoá", "hóa"), ("loạ", "lọa"), ("tuỵ", "tụy"), ("luỹ", "lũy"), ("xoè", "xòe"),
    ],
)
def test_tone_placement_is_moved_to_the_first_vowel(variant: str, expected: str) -> None:
    assert unify_tone_placement(variant) == expected


@pytest.mark.parametrize("word", ["hoàng", "toàn", "ngoài", "khuỷu", "quý", "quỳ", "Quỳnh", "thuyền", "hoặc"])
def test_tone_placement_leaves_other_syllables_alone(word: str) -> None:
    assert unify_tone_placement(word) == word


def test_canonical_repairs_ocr_lookalikes_and_keeps_case() -> None:
    assert canonical("\u00d0À NẴNG") == "ĐÀ NẴNG"  # Ð (U+00D0) read for Đ
    assert canonical("\u00f0ất") == "đất"
    assert canonical(nfd("CỘNG HOÀ")) == "CỘNG HÒA"


def test_normalize_exact_is_lower_case_nfc_and_tone_unified() -> None:
    assert normalize_exact(nfd("CỘNG HOÀ XÃ HỘI")) == "cộng hòa xã hội"
    assert normalize_exact("Thuỷ") == normalize_exact("THỦY") == "thủy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đà Nẵng", "da nang"), ("ĐẤT ĐAI", "dat dai"), ("đ", "d"), ("Đ", "d"),
        ("hoà", "hoa"), ("hòa", "hoa"), ("HOÀ", "hoa"), ("Nguyễn Thị Thuỷ", "nguyen thi thuy"),
        ("\u00d0ông", "dong"), ("Ươm", "uom"), ("ẮẰẲẴẶ", "aaaaa"),
    ],
)
def test_fold_strips_every_mark_and_maps_d_stroke(text: str, expected: str) -> None:
    assert fold(text) == expected
    assert fold(nfd(text)) == expected


def test_fold_of_exact_equals_fold() -> None:
    text = "Giấy chứng nhận quyền sử dụng đất, Thuỷ lợi Khe Tân"
    assert fold(normalize_exact(text)) == fold(text)


def test_tokens_split_on_punctuation_and_keep_digits() -> None:
    assert tokens("Số: 07/QĐ-UBND ngày 09.02.2022") == ["số", "07", "qđ", "ubnd", "ngày", "09", "02", "2022"]
    assert tokens("Số: 07/QĐ-UBND", folded=True) == ["so", "07", "qd", "ubnd"]
    assert tokens(nfd("Hoà Bình")) == tokens("hòa bình") == ["hòa", "bình"]
    assert tokens("CCCD_049085001234") == ["cccd", "049085001234"]  # "_" separates
    assert tokens("  ") == []


def test_exact_and_folded_tokens_align() -> None:
    text = "Ủy ban nhân dân huyện Bắc Trà My — QUYẾT ĐỊNH về việc khoẻ"
    assert len(tokens(text)) == len(tokens(text, folded=True))
    assert [fold(t) for t in tokens(text)] == tokens(text, folded=True)


def test_token_spans_point_into_the_original_text() -> None:
    text = "CỘNG HOÀ, xã"
    spans = list(token_spans(text))
    assert [text[s:e] for s, e, _ in spans] == ["CỘNG", "HOÀ", "xã"]
    assert [t for _, _, t in spans] == ["cộng", "hòa", "xã"]


def test_key_is_folded_words_with_single_spaces() -> None:
    assert key("  Quyết   định ") == key("QUYET DINH") == "quyet dinh"


@pytest.mark.parametrize(
    "typed",
    ["07/QĐ-UBND", "Số: 07/QĐ-UBND", "số 7/qđ-ubnd", "7 / QD - UBND", "07/QĐ–UBND", "SỐ:07/QÐ-UBND"],
)
def test_document_number_key_ignores_prefix_zeros_accents_spaces_dashes(typed: str) -> None:
    assert normalize_document_number(typed) == "7/QD-UBND"


def test_document_number_key_keeps_year_and_branch_parts() -> None:
    assert normalize_document_number("15/2021/QĐ-UBND") == "15/2021/QD-UBND"
    assert normalize_document_number("0/GP") == "0/GP"


def test_fast_word_split_equals_the_regular_expression() -> None:
    import random
    import re

    from search.normalize import _words

    word_re = re.compile(r"[^\W_]+")
    rng = random.Random(1)
    alphabet = ("aàđĐ_-.,;:!?\"'()[]{}<>/\\|@#$%^&*+=~`\t\n \u00a0\u2013\u2014\u201c\u201d…•§½²³ΑάΒβ日本x1Ð"
                "\u0301\u0300ſK\ud800")
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert _words(text) == word_re.findall(text), repr(text)


def test_token_cache_is_bounded() -> None:
    from search.normalize import _TokenCache

    cache = _TokenCache(str.upper, limit=3)
    assert [cache[w] for w in "abcde"] == list("ABCDE")
    assert len(cache) <= 3
