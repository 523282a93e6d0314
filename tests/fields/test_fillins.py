"""The hand-filled day of a date line: where the blank is, and when a second reading is accepted."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.fields import extract_fields, needs_review
from ocr.fields.fillins import FillInReading, agreed_day, find_fill_in_regions, signing_dates
from ocr.recognize import Word, read_fill_in_regions

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def _line(texts: Sequence[tuple[str, float]], top: int = 400, line: tuple[int, int, int] = (1, 1, 1),
          left: int = 1250, height: int = 45) -> list[Word]:
    """Words of one line, laid left to right (30 px per character, 20 px gaps)."""
    words = []
    for text, confidence in texts:
        width = 30 * len(text)
        words.append(Word(text, confidence, left, top, width, height, line))
        left += width + 20
    return words


DATE_LINE = [("Quảng", 96), ("Ngãi,", 96), ("ngày", 93), ("@3", 40), ("tháng", 93), ("01", 95), ("năm", 96),
             ("2025", 95)]
BODY = _line([("Nội", 96), ("dung", 96)], top=2600, line=(9, 1, 1), left=300)


def test_the_blank_between_ngay_and_thang_is_found_on_a_header_date_line() -> None:
    words = _line(DATE_LINE) + BODY
    [region] = find_fill_in_regions(words)
    ngay, thang = words[2], words[4]
    assert ngay.left + ngay.width - 5 <= region.left <= ngay.left + ngay.width
    assert thang.left <= region.left + region.width <= thang.left + 5
    assert region.top < 400 and region.top + region.height > 445   # reaches above and below the line
    assert region.first == "3"


def test_a_glued_day_is_cut_out_of_its_word() -> None:
    words = _line([("Hà", 96), ("Nội,", 96), ("ngày30", 59), ("tháng", 97), ("4", 97), ("năm", 96), ("2026", 97)])
    [region] = find_fill_in_regions(words + BODY)
    glued = words[2]
    assert region.left == glued.left + round(glued.width * 4 / 6)
    assert region.widened(0.1).left == region.left - round(45 * 0.1)
    assert region.first == "30"


def test_a_confident_printed_day_a_body_date_or_a_line_without_year_needs_no_second_reading() -> None:
    printed = _line([("Hà", 96), ("Nội,", 96), ("ngày", 93), ("15", 95), ("tháng", 93), ("3", 95), ("năm", 96),
                     ("2024", 95)])
    low_in_body = _line(DATE_LINE, top=2000)
    no_year = _line([("ngày", 93), ("@3", 40), ("tháng", 93), ("01", 95)])
    assert find_fill_in_regions(printed + BODY) == ()
    assert find_fill_in_regions(low_in_body + BODY) == ()
    assert find_fill_in_regions(no_year + BODY) == ()
    assert find_fill_in_regions([]) == ()


def test_a_day_both_readers_give_in_most_crops_is_taken() -> None:
    assert agreed_day((("30", "50", "30"), ("30", "30", "30")), 4, 2026, []) == dt.date(2026, 4, 30)
    assert agreed_day((("04", "4", "04"), ("", "04", "")), 2, 2025, []) == dt.date(2025, 2, 4)


def test_one_reader_alone_a_tie_or_too_few_readings_give_nothing() -> None:
    assert agreed_day((("5", "5", "5"), ("", "", "")), 4, 2020, []) is None      # the other model never reads 5
    assert agreed_day((("7", "", "4"), ("1", "1", "4")), 1, 2025, []) is None    # 4 twice, 1 twice
    assert agreed_day((("23", "", ""), ("23", "", "")), 1, 2025, []) is None     # two of six readings
    assert agreed_day((("23", "23", "23"),), 1, 2025, []) is None               # one reader only


def test_a_reading_of_the_signature_day_is_taken() -> None:
    signed = [dt.date(2021, 2, 9)]
    assert agreed_day((("", "", "9"), ("", "", "1")), 2, 2021, signed) == dt.date(2021, 2, 9)
    assert agreed_day((("", "", "9"), ("", "", "1")), 3, 2021, signed) is None    # a signature of another month


def test_an_agreed_day_is_refused_after_the_signature_or_before_a_cited_document() -> None:
    both = (("28", "28", "28"), ("28", "28", ""))
    assert agreed_day(both, 1, 2025, [dt.date(2025, 1, 24)]) is None
    assert agreed_day(both, 1, 2025, [], not_before=dt.date(2025, 1, 30)) is None
    assert agreed_day(both, 1, 2025, [dt.date(2025, 1, 28)]) == dt.date(2025, 1, 28)
    assert agreed_day(both, 1, 2025, [dt.date(2025, 2, 20)]) == dt.date(2025, 1, 28)
    assert agreed_day(both, 12, 2024, [dt.date(2025, 1, 31)]) is None      # signed over a month later
    assert agreed_day(both, 1, 2011, [dt.date(2024, 6, 3)]) == dt.date(2011, 1, 28)   # a later copy's signature
    assert agreed_day((("31", "31", "31"), ("31", "31", "31")), 2, 2025, []) is None   # no 31 February
    assert agreed_day((("0", "0", "0"), ("0", "0", "0")), 2, 2025, []) is None
    assert agreed_day((("", "", ""), ("", "", "")), 2, 2025, []) is None


def test_signing_dates_are_read_from_the_signature_stamp_text() -> None:
    text = "Ký bởi: Sở Y tế\nThời gian ký: 09.02.2021 12:16:11 +07:00\nThời gian ký: 32/13/2021"
    assert signing_dates([text]) == [dt.date(2021, 2, 9)]
    misread = "Thời gian ký: 20/12/5003 16:39:20\nThời gian ký: 20/12/2024 16:32:29"
    assert signing_dates([misread], today=dt.date(2026, 12, 5)) == [dt.date(2024, 12, 20)]


def _header_words() -> list[Word]:
    left = [("ỦY", 96), ("BAN", 96), ("NHÂN", 96), ("DÂN", 96)]
    return [
        *_line(left, top=150, line=(1, 1, 1), left=200),
        *_line([("CỘNG", 96), ("HÒA", 96), ("XÃ", 96), ("HỘI", 96), ("CHỦ", 96), ("NGHĨA", 96), ("VIỆT", 96),
                ("NAM", 96)], top=150, line=(1, 2, 1), left=1150),
        *_line([("TỈNH", 96), ("QUẢNG", 96), ("NGÃI", 96)], top=210, line=(2, 1, 1), left=220),
        *_line([("Độc", 96), ("lập", 96), ("-", 96), ("Tự", 96), ("do", 96), ("-", 96), ("Hạnh", 96),
                ("phúc", 96)], top=210, line=(2, 2, 1), left=1300),
        *_line([("Số:", 96), ("/UBND-KTTH", 90)], top=400, line=(3, 1, 1), left=250),
        *_line([("Quảng", 96), ("Ngãi,", 96), ("ngày", 93), ("04tháng", 26), ("02", 97), ("năm", 97),
                ("2025", 97)], top=400, line=(3, 2, 1), left=1250),
        *_line([("V/v", 93), ("tham", 96), ("gia", 96), ("ý", 96), ("kiến", 96)], top=480, line=(4, 1, 1),
               left=500),
        *_line([("Kính", 96), ("gửi:", 96), ("các", 96), ("sở", 96)], top=700, line=(5, 1, 1), left=600),
        *BODY,
    ]


def _text(words: list[Word]) -> str:
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values())


def test_the_header_date_takes_an_agreed_handwritten_day_and_stays_for_review() -> None:
    words = _header_words()
    text = _text(words)
    assert extract_fields([text], [words]).issued_on is None      # a low-confidence day is not guessed
    agreed = FillInReading(1, "day", 370, 470, "04", (("04", "04", "4"), ("04", "", "04")))
    fields = extract_fields([text], [words], fill_ins=[agreed])
    assert fields.issued_on is not None and fields.issued_on.value == "2025-02-04"
    assert fields.issued_on.confidence < 0.8                        # a person confirms it
    assert [n for n in fields.notes if "handwritten" in n] == [
        "chữ số viết tay do máy đọc / handwritten digits read by machine: issued_on (trang/page 1)"]
    assert fields.place is not None and fields.place.value == "Quảng Ngãi"
    split = FillInReading(1, "day", 370, 470, "04", (("04", "04", "04"), ("01", "01", "")))
    assert extract_fields([text], [words], fill_ins=[split]).issued_on is None
    elsewhere = FillInReading(1, "day", 900, 1000, "04", (("04", "04", "04"), ("04", "04", "04")))
    assert extract_fields([text], [words], fill_ins=[elsewhere]).issued_on is None


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_the_blank_is_read_again_by_two_models_on_a_real_image() -> None:
    """The page's words say the day was read badly; the digit-only readings of its box read "23"."""
    image = Image.new("L", (2400, 1800), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 44)
    words, x = [], 1250
    for text, read_as, confidence in (("ngày", "ngày", 93), ("23", "@3", 40), ("tháng", "tháng", 93),
                                      ("01", "01", 95), ("năm", "năm", 96), ("2025", "2025", 95)):
        draw.text((x, 400), text, font=font, fill=0)
        box = [round(v) for v in draw.textbbox((x, 400), text, font=font)]   # the ink's box, as Tesseract gives
        words.append(Word(read_as, confidence, box[0], box[1], box[2] - box[0], box[3] - box[1], (1, 1, 1)))
        x = box[2] + 40
    words.append(Word("Nội", 96, 300, 1700, 60, 45, (2, 1, 1)))
    readings = read_fill_in_regions(np.asarray(image), words, to_image=1.0, page=1, dpi=300, timeout=30,
                                    subject="test")
    assert len(readings) == 1
    assert readings[0].first == "3"
    assert len(readings[0].readings) == 2 and all(len(crops) == 3 for crops in readings[0].readings)
    assert readings[0].readings[0][1] == "23" and readings[0].readings[1][1] == "23"   # the exact gap, both models
    assert readings[0].top < 405 < 450 < readings[0].bottom


def test_with_the_month_unreadable_too_a_day_reading_of_the_signature_gives_its_date() -> None:
    from ocr.fields.fillins import signed_date

    signed = [dt.date(2026, 4, 8)]
    assert signed_date((("", "", "8"), ("0", "0", "")), 2026, signed) == dt.date(2026, 4, 8)
    assert signed_date((("", "", "9"), ("0", "0", "")), 2026, signed) is None          # not its day
    assert signed_date((("", "", "8"), ("", "", "")), 2025, signed) is None            # not its year
    assert signed_date((("8", "", ""), ("", "", "")), 2026, signed, not_before=dt.date(2026, 5, 1)) is None
    two = [dt.date(2026, 4, 8), dt.date(2026, 5, 8)]
    assert signed_date((("8", "", ""), ("", "", "")), 2026, two) is None               # which one?


def test_a_date_line_with_an_unreadable_month_takes_the_signature_date_its_day_reading_gives() -> None:
    words = [w for w in _header_words() if w.line != (3, 2, 1)]
    words += _line([("Quảng", 96), ("Ngãi,", 96), ("ngày", 93), ("08", 40), ("tháng", 93), ("?#", 30), ("năm", 97),
                    ("2026", 97)], top=400, line=(3, 2, 1), left=1250)
    text = _text(words) + "\nThời gian ký: 08.04.2026 17:35"
    reading = FillInReading(1, "day", 370, 470, "08", (("", "", "8"), ("0", "0", "")))
    fields = extract_fields([text], [words], fill_ins=[reading])
    assert fields.issued_on is not None and fields.issued_on.value == "2026-04-08"
    assert fields.issued_on.confidence < 0.8
    no_signature = _text(words)
    assert extract_fields([no_signature], [words], fill_ins=[reading]).issued_on is None


# ------------------------------------------------------------------ the number's blank, and the hand reader
NUMBER_LINE = [("Số:", 96), ("2#", 24), ("/CT-UBND", 92)]


def test_the_blank_between_so_and_the_symbol_is_found_on_a_number_line() -> None:
    words = _line(NUMBER_LINE, left=250) + BODY
    [region] = find_fill_in_regions(words)
    label, symbol = words[0], words[2]
    assert region.label == "number" and region.first == "2"
    assert region.left == label.left + label.width and region.left + region.width == symbol.left
    glued = _line([("Số:575", 40), ("/UBND-KTTH", 90)], left=250)
    [region] = find_fill_in_regions(glued + BODY)
    assert region.left == glued[0].left + round(glued[0].width * 3 / 6) and region.first == "575"
    printed = _line([("Số:", 96), ("1135/TB-BTP", 95)], left=250)
    assert find_fill_in_regions(printed + BODY) == ()          # printed and read with confidence
    cited = _line([("Căn", 96), ("cứ", 96), ("Quyết", 96), ("định", 96), ("số", 96), ("2#", 30), ("/QĐ-UBND", 90)])
    assert find_fill_in_regions(cited + BODY) == ()            # "số" that does not start the line


def test_a_day_the_hand_reader_and_one_tesseract_reading_give_is_agreed() -> None:
    lone = (("", "", "5"), ("", "", ""))
    assert agreed_day(lone, 4, 2020, []) is None                       # one Tesseract reading alone
    assert agreed_day(lone, 4, 2020, [], hand="5") == dt.date(2020, 4, 5)
    assert agreed_day(lone, 4, 2020, [], hand="15") is None            # the readers disagree
    majority = (("04", "04", "04"), ("04", "04", "04"))
    assert agreed_day(majority, 2, 2025, [], hand="09") == dt.date(2025, 2, 4)   # a lone hand reading adds nothing
    assert agreed_day((("", "", ""), ("", "", "")), 2, 2021, [dt.date(2021, 2, 9)], hand="9") == dt.date(2021, 2, 9)


def test_with_the_month_unreadable_a_day_agreed_in_the_signature_month_gives_the_date() -> None:
    from ocr.fields.fillins import signed_date

    signed = [dt.date(2025, 1, 24)]
    readings = (("23", "23", ""), ("3", "2", ""))
    assert signed_date(readings, 2025, signed) is None                   # two Tesseract readings of one model
    assert signed_date(readings, 2025, signed, hand="23") == dt.date(2025, 1, 23)
    assert signed_date(readings, 2025, signed, hand="23", not_before=dt.date(2025, 1, 24)) is None
    assert signed_date((("28", "", ""), ("", "", "")), 2025, signed, hand="28") is None   # after the signature
    december = [dt.date(2025, 1, 5)]
    assert signed_date((("28", "", ""), ("", "", "")), 2025, december, hand="28") is None  # 28 Dec is in 2024


def _number_words(number: tuple[str, float]) -> list[Word]:
    words = [w for w in _header_words() if w.line != (3, 1, 1)]
    return words + _line([("Số:", 96), number, ("/UBND-KTTH", 90)], top=400, line=(3, 1, 1), left=250)


def test_a_handwritten_number_is_taken_from_the_hand_reader_sure_or_confirmed_and_stays_for_review() -> None:
    from ocr.fields.fillins import HAND_ALONE, HAND_CONFIRMED

    words = _number_words(("5#", 20))
    text = _text(words)
    assert extract_fields([text], [words]).document_number is None       # Tesseract's reading is not guessed
    sure = FillInReading(1, "number", 370, 470, "5", (("", "", "4"), ("", "", "")), "575", HAND_ALONE)
    fields = extract_fields([text], [words], fill_ins=[sure])
    number = fields.document_number
    assert number is not None and number.value == "575/UBND-KTTH" and number.confidence < 0.8
    assert "chữ số viết tay do máy đọc / handwritten digits read by machine: document_number (trang/page 1)" \
        in needs_review(fields)                                      # the reviewer is told why
    assert not any("575" in reason for reason in needs_review(fields))
    likely = FillInReading(1, "number", 370, 470, "5", (("", "575", "57"), ("", "", "")), "575", HAND_CONFIRMED)
    number = extract_fields([text], [words], fill_ins=[likely]).document_number
    assert number is not None and number.value == "575/UBND-KTTH"      # Tesseract read the same in one crop
    alone = FillInReading(1, "number", 370, 470, "5", (("", "57", "57"), ("", "5", "")), "575", 0.6)
    assert extract_fields([text], [words], fill_ins=[alone]).document_number is None
    tesseract = FillInReading(1, "number", 370, 470, "5", (("575", "575", "575"), ("575", "575", "575")), "", 0.0)
    assert extract_fields([text], [words], fill_ins=[tesseract]).document_number is None
    a_day = FillInReading(1, "day", 370, 470, "5", (), "575", 1.0)
    assert extract_fields([text], [words], fill_ins=[a_day]).document_number is None


def test_a_symbol_that_starts_with_the_issuers_initials_names_no_kind() -> None:
    from ocr.fields.doctype import type_from_symbol
    from ocr.fields.model import Evidence, FieldValue

    def value(text: str) -> FieldValue:
        return FieldValue(text, 0.9, Evidence(1, 0, 0))

    assert type_from_symbol(value("05/CT-UBND"), value("UBND tỉnh Quảng Ngãi")) == "Chỉ thị"
    assert type_from_symbol(value("2191/CT-CS"), value("Cục Thuế")) is None          # the Cục Thuế's letter
    assert type_from_symbol(value("12/TB-BTP"), value("Bộ Tư pháp")) == "Thông báo"
    assert type_from_symbol(value("12/TB-BTP")) == "Thông báo"
