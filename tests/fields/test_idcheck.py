"""The second, digit-only reading of citizen IDs: region finding and reconciliation (pure)."""

from __future__ import annotations

import re

from ocr.fields import extract_fields, needs_review
from ocr.fields.idcheck import CONFIDENCE, IdReading, check_ids, find_id_regions, second_value
from ocr.fields.idscan import scan_ids
from ocr.recognize import Word

TRUE_ID = "049185005235"
MISREAD = "049183005235"   # 5 -> 3 in the birth year: still a valid ID, silently wrong
OTHER = "079155000555"


def _line(texts: list[str], *, line: int = 1, top: int = 100, height: int = 40) -> list[Word]:
    """Words of one text line, left to right, spaced like print (gap of a quarter height)."""
    words, left = [], 100
    for text in texts:
        width = 22 * len(text)
        words.append(Word(text, 90.0, left, top, width, height, (1, 1, line)))
        left += width + height // 4
    return words


def test_regions_after_a_label_and_of_id_length() -> None:
    words = [
        *_line(["Ông", "A,", "số", "CCCD:", "049", "185", "005", "235,", "cư", "trú"], line=1, top=100),
        *_line(["Điện", "thoại", "0905123456"], line=2, top=200),   # 10 digits, no label: a phone number
        *_line(["Số", "tiền", "160.000.000", "đồng"], line=7, top=250),
        *_line(["Ông", "B", "04908500", "1235"], line=8, top=270),  # 12 digits without a label
        *_line(["Mã", "số", "thuế:", "0100109106"], line=3, top=300),
        *_line(["Mã", "số", "thuế:", "048097460164"], line=6, top=350),
        *_line(["Số", "định", "danh", "cá", "nhân:", "0491850"], line=4, top=400),
        *_line(["Năm", "2024,", "trang", "12"], line=5, top=500),
    ]
    regions = find_id_regions(words)
    assert [(r.first, r.label) for r in regions] == [
        ("049 185 005 235", "cccd"),      # split groups after a label
        ("04908500 1235", None),
        ("048097460164", "tax"),          # a personal ID as personal tax code (an organisation's code is not)
        ("0491850", "cccd"),              # too short, but after a label: the first reading may have lost digits
    ]
    first = regions[0]
    assert first.left == 100 + sum(22 * len(t) + 10 for t in ["Ông", "A,", "số", "CCCD:"])
    assert (first.top, first.height) == (100, 40)


def test_far_apart_digit_groups_are_not_one_number() -> None:
    words = _line(["049185", "005235"])
    far = [words[0], Word("005235", 90.0, words[0].left + words[0].width + 200, 100, 132, 40, (1, 1, 1))]
    assert [r.first for r in find_id_regions(words)] == ["049185 005235"]
    assert find_id_regions(far) == ()


def test_second_value_repairs_like_the_first_and_drops_an_end_speck() -> None:
    assert second_value(TRUE_ID) == TRUE_ID
    assert second_value("3" + TRUE_ID) == TRUE_ID        # the label's last letter read as a digit
    assert second_value(TRUE_ID[1:]) == TRUE_ID          # lost leading zero
    assert second_value("0491850") is None
    assert second_value("") is None


def _check(text: str, *readings: IdReading):  # type: ignore[no-untyped-def]
    return check_ids(scan_ids(text, 1), readings, text, 1)


def test_both_readings_agree_confirms() -> None:
    text = f"Ông A, mã {TRUE_ID}, cư trú"        # unlabelled: 0.85 from the text alone
    check = _check(text, IdReading(1, TRUE_ID, TRUE_ID))
    assert [(v.value, v.confidence) for v in check.citizen_ids] == [(TRUE_ID, CONFIDENCE["confirmed"])]
    assert check.conflicts == () and check.notes == ()


def test_first_valid_second_unreadable_keeps_the_first_lower() -> None:
    check = _check(f"Số CCCD: {TRUE_ID}", IdReading(1, TRUE_ID, "0491", "cccd"))
    assert [(v.value, v.confidence) for v in check.citizen_ids] == [(TRUE_ID, CONFIDENCE["one_reading"])]


def test_first_invalid_second_valid_is_added_for_review() -> None:
    text = "Số CCCD: 04918S0O52 35, cư trú"     # the first reading cannot be repaired
    assert scan_ids(text, 1).citizen_ids == ()
    check = _check(text, IdReading(1, "04918S0O52 35", TRUE_ID, "cccd"))
    assert [(v.value, v.confidence) for v in check.citizen_ids] == [(TRUE_ID, CONFIDENCE["review"])]
    span = check.citizen_ids[0].evidence
    assert text[span.start:span.end] == "04918S0O52 35"


def test_second_reading_alone_without_a_label_needs_an_id_shape() -> None:
    text = "Điện thoại 0905 123 456"
    assert _check(text, IdReading(1, "0905 123 456", TRUE_ID)).citizen_ids == ()


def test_two_valid_different_readings_are_a_conflict_with_both() -> None:
    text = f"Số CCCD: {MISREAD}, cư trú"
    alone = scan_ids(text, 1)
    assert [(v.value, v.confidence) for v in alone.citizen_ids] == [(MISREAD, 0.97)]   # silently wrong
    check = _check(text, IdReading(1, MISREAD, TRUE_ID, "cccd"))
    assert [c.to_json() for c in check.conflicts] == [{"page": 1, "first": MISREAD, "second": TRUE_ID}]
    assert {v.value: v.confidence for v in check.citizen_ids} == {
        MISREAD: CONFIDENCE["conflict"], TRUE_ID: CONFIDENCE["conflict"]}
    assert len(check.notes) == 1 and not re.search(r"\d{6}", check.notes[0])


def test_extract_fields_passes_readings_page_by_page() -> None:
    pages = ["Trang bìa", f"Số CCCD: {MISREAD}.\nSố CCCD: {OTHER}."]
    readings = (IdReading(2, MISREAD, TRUE_ID, "cccd"), IdReading(2, OTHER, OTHER, "cccd"),
                IdReading(1, OTHER, TRUE_ID, "cccd"))   # page 1 has no such ID: ignored
    fields = extract_fields(pages, id_readings=readings)
    assert [c.to_json() for c in fields.id_conflicts] == [{"page": 2, "first": MISREAD, "second": TRUE_ID}]
    assert {v.value: v.confidence for v in fields.citizen_ids}[OTHER] == CONFIDENCE["confirmed"]
    data = fields.to_json()
    assert data["id_conflicts"] == [{"page": 2, "first": MISREAD, "second": TRUE_ID}]
    assert "id_conflicts" not in fields.values()
    reasons = needs_review(fields)
    assert any("two readings of a citizen ID disagree (trang/page 2)" in r for r in reasons)
    assert not any(MISREAD in r or TRUE_ID in r for r in reasons)
    assert extract_fields(pages).id_conflicts == ()
