"""Issuer and place reconcile an OCR-damaged unit name by majority spelling."""

from __future__ import annotations

from ocr.fields import extract_fields

PAGE = (
    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "THÀNH PHỐ HỌI AN Độc lập - Tự do - Hạnh phúc\n"
    "Số: 12/QĐ-UBND Hội An, ngày 05 tháng 01 năm 2021\n"
    "QUYẾT ĐỊNH\nỦY BAN NHÂN DÂN THÀNH PHỐ HỘI AN\n"
    "Điều 1. Giao cho ông Lê Văn Hùng, địa chỉ: phường Minh An, thành phố Hội An, tỉnh Quảng Nam.\n"
)


def test_damaged_issuer_takes_the_attested_spelling() -> None:
    f = extract_fields([PAGE])
    assert f.issuer is not None and f.issuer.value == "UBND thành phố Hội An"
    assert f.place is not None and f.place.value == "Hội An"


def test_damaged_place_takes_the_attested_spelling() -> None:
    page = PAGE.replace("HỌI AN Độc", "HỘI AN Độc").replace("Số: 12/QĐ-UBND Hội An,", "Số: 12/QĐ-UBND Họi An,")
    f = extract_fields([page])
    assert f.place is not None and f.place.value == "Hội An"
    assert f.issuer is not None and f.issuer.value == "UBND thành phố Hội An"


def test_different_units_are_left_alone() -> None:
    page = PAGE.replace("HỌI AN Độc", "ĐIỆN BÀN Độc")
    f = extract_fields([page])
    assert f.issuer is not None and f.issuer.value == "UBND thành phố Điện Bàn"
    assert f.place is not None and f.place.value == "Hội An"
