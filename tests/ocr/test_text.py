"""Text clean-up: NFC, homoglyphs, the Vietnamese text-layer check."""

from __future__ import annotations

import unicodedata

from ocr.text import fold_spaces, non_ascii_letter_share, normalize_text, reads_as_vietnamese


def test_normalize_text_composes_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định số 07/QĐ-UBND")
    assert normalize_text(decomposed) == "Quyết định số 07/QĐ-UBND"
    assert unicodedata.is_normalized("NFC", normalize_text(decomposed))


def test_normalize_text_fixes_eth_homoglyphs() -> None:
    assert normalize_text("\u00d0iều 1. Số: 07/Q\u00d0-UBND, \u00f0ồng") == "Điều 1. Số: 07/QĐ-UBND, đồng"


def test_normalize_text_strips_form_feeds_and_trailing_spaces() -> None:
    assert normalize_text("dòng một  \n\n\n\ndòng hai\f") == "dòng một\n\ndòng hai"


def test_fold_spaces_collapses_layout_gaps() -> None:
    assert fold_spaces("ỦY BAN        CỘNG HÒA\n   Số: 07") == "ỦY BAN CỘNG HÒA\nSố: 07"


def test_vietnamese_prose_is_trusted_and_junk_layer_is_not() -> None:
    prose = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; xét đề nghị của Trưởng phòng"
    junk = "CONG HOA XA HOI CHU NGHIA VIET NAM Doc lap - Tu do - Hanh phuc S6: 07/QD-UBND Can cu Luat"
    share, _ = non_ascii_letter_share(prose)
    assert share > 0.2
    assert reads_as_vietnamese(prose)
    assert not reads_as_vietnamese(junk)
    assert not reads_as_vietnamese("Số: 07")  # too short to judge
