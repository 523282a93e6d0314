"""Each extraction pattern on realistic snippets, including OCR damage."""

from __future__ import annotations

import pytest

from ocr.fields.doctype import DOCUMENT_TYPES, find_document_type, find_summary
from ocr.fields.header import find_date_line, find_document_number, find_issuer
from ocr.fields.idscan import scan_ids
from ocr.fields.people import find_holder_name, find_locality
from ocr.fields.textnorm import clean_page


def ids(text: str) -> list[str]:
    return [v.value for v in scan_ids(clean_page(text), 1).citizen_ids]


# ------------------------------------------------------------------ citizen IDs
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số CCCD: 049085001234", ["049085001234"]),
        ("CCCD số 049085001234 do Cục Cảnh sát cấp", ["049085001234"]),
        ("Số định danh cá nhân: 048190000001;", ["048190000001"]),
        ("Giấy tờ tùy thân: CCCD số 049085001234; nơi cư trú: thôn 2", ["049085001234"]),
        ("Số thẻ căn cước: 001203012345", ["001203012345"]),
        ("Mã số thuế: 049085001234", ["049085001234"]),  # personal tax code = personal ID since 7/2025
        ("Số CCCD: 49085001234", ["049085001234"]),  # 11 digits, lost its leading zero
        ("Số CCCD: 049 085 001 234", ["049085001234"]),  # split groups
        ("Số CCCD: 0490 8500 1234", ["049085001234"]),
        ("Số CCCD: O49O85OO1234", ["049085001234"]),  # O for 0
        ("Số CCCD: 049l85001234, sinh năm 1985", ["049185001234"]),  # l for 1
        ("Số CCCD: 0499085001234", ["049085001234"]),  # doubled 9, one valid reading
        ("sinh ngày 12/03/1985; Số CCCD: 0490885001234", ["049085001234"]),  # doubled 8, birth date decides
        ("Số ĐDCN: 049085001234", ["049085001234"]),  # unlabelled but clean and valid (low confidence)
    ],
)
def test_citizen_ids_found(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Số CCCD: 0490885001234",  # doubled digit, two valid readings, no birth date: refuse
        "Số CCCD: 003085001234",  # unknown province
        "Số CCCD: 049685001234",  # century digit 6
        "sinh năm 1990; Số CCCD: 049085001234",  # ID says 1985, printed birth year 1990
        "Số CCCD: 049 085 001 234 56",  # trailing digits: not what it seems
        "Điện thoại: 0905 123 456; Fax: 02353 881 234",
        "Tài khoản số 370120500412 tại Ngân hàng",  # 12 digits, province 370 does not exist
        "Thửa đất số 230, tờ bản đồ số 24, diện tích 350 m²",
        "Số: 15/2021/QĐ-UBND ngày 03 tháng 4 năm 2021",
        "Mã hồ sơ 000.00.22.H49-210105-0012",
        "không có số giấy tờ nào",
        "",
    ],
)
def test_no_citizen_id(text: str) -> None:
    assert ids(text) == []


def test_unlabelled_id_has_low_confidence_labelled_high() -> None:
    scan = scan_ids("mã 049085001234; Số CCCD: 048190000001", 1)
    by_value = {v.value: v.confidence for v in scan.citizen_ids}
    assert by_value["049085001234"] < 0.9 <= by_value["048190000001"]


def test_cmnd_only_next_to_label() -> None:
    scan = scan_ids("CMND số 205123456 do Công an tỉnh Quảng Nam cấp ngày 12/05/2010", 1)
    assert [v.value for v in scan.cmnd_ids] == ["205123456"]
    assert scan_ids("Số điện thoại 205123456", 1).cmnd_ids == ()
    assert scan_ids("Số CCCD: 205123456", 1).cmnd_ids == ()  # 9 digits after a CCCD label: not a CMND


def test_twelve_digit_cmnd_is_a_citizen_id() -> None:
    scan = scan_ids("CMND số 049085001234 do Công an tỉnh Quảng Nam cấp", 1)
    assert [v.value for v in scan.citizen_ids] == ["049085001234"]


def test_unreadable_labelled_number_becomes_a_note_without_the_number() -> None:
    scan = scan_ids("Số CCCD: 0490885001234", 1)
    assert scan.citizen_ids == () and len(scan.notes) == 1
    assert "0490885001234" not in scan.notes[0]


# ------------------------------------------------------------------ tax codes
def test_tax_codes() -> None:
    scan = scan_ids("mã số thuế: 4095361150. Chi nhánh MST 0100109106-001; MST: 0100109107", 1)
    assert [v.value for v in scan.tax_codes] == ["4095361150", "0100109106-001"]  # 0100109107: bad check digit
    assert scan.citizen_ids == ()


def test_unlabelled_ten_digits_are_not_tax_codes() -> None:
    assert scan_ids("Điện thoại 0100109106", 1).tax_codes == ()


# ------------------------------------------------------------------ header
MERGED = (
    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "HUYỆN BẮC TRÀ MY Độc lập - Tự do - Hạnh phúc\n"
    "Số: 15/2021/QĐ-UBND Bắc Trà My, ngày 09 tháng 02 năm 2022\n"
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Số: 07/QĐ-UBND Trà Sơn, ngày 09 tháng 02 năm 2022", "07/QĐ-UBND"),
        ("Số: 15/2021/QĐ-UBND Tam Kỳ, ngày 1 tháng 3 năm 2021", "15/2021/QĐ-UBND"),
        ("Số: 07/GPXD Núi Thành, ngày 10 tháng 11 năm 2019", "07/GPXD"),
        ("Số: 12/QyĐ-UBND Hội An, ngày 10 tháng 11 năm 2019", "12/QyĐ-UBND"),
        ("Số: 33/TTr-UBND", "33/TTr-UBND"),
        ("Số: 45/UBND-VP", "45/UBND-VP"),
        ("Số: 1234/QÐ-UBND", "1234/QĐ-UBND"),  # U+00D0 read for Đ
        ("S6: 07/QĐ - UBND Trà Sơn, ngày", "07/QĐ-UBND"),
        ("Số: O7/QĐ-UBND", "07/QĐ-UBND"),
        ("Căn cứ Quyết định số 15/2021/QĐ-UBND ngày 3/4/2021;\nSố: 88/QĐ-UBND", "88/QĐ-UBND"),
        ("Số: 03/QĐĐ-UBND Điện Bàn, ngày 31 tháng 7 năm 2025", "03/QĐ-UBND"),  # OCR stutter
        ("Số: 06GPXD Tây Giang, ngày 29 tháng 3 năm 2024", "06/GPXD"),  # lost slash, known symbol
        ("Số: 05QĐĐ-UBND Hiệp Đức, ngày 24 tháng 3 năm 2023", "05/QĐ-UBND"),
        ("Số: 12/TTr-UBND", "12/TTr-UBND"),  # a legitimately doubled letter stays
    ],
)
def test_document_number(line: str, expected: str) -> None:
    found = find_document_number(clean_page(line), 1)
    assert found is not None and found.value == expected


def test_document_number_absent() -> None:
    assert find_document_number("Căn cứ Quyết định số 15/2021/QĐ-UBND;", 1) is None
    assert find_document_number("Số: 12ABC Bắc Trà My", 1) is None  # no slash and an unknown symbol


@pytest.mark.parametrize(
    ("line", "date", "place"),
    [
        ("Số: 07/QĐ-UBND Bắc Trà My, ngày 09 tháng 02 năm 2022", "2022-02-09", "Bắc Trà My"),
        ("Số: 07/QĐ-UBND Tam Kỳ, ngày 1O tháng 11 năm 2O19", "2019-11-10", "Tam Kỳ"),
        ("Số: 07/QĐ-UBND Hội An, ngày 0l tháng 3 năm 2021", "2021-03-01", "Hội An"),
        ("Số: 07/QĐ-UBND Điện Bàn, ngảy 15 thảng 8 nãm 2023", "2023-08-15", "Điện Bàn"),
        ("Trà Sơn, ngày 31 tháng 12 năm 2024", "2024-12-31", "Trà Sơn"),
    ],
)
def test_date_line(line: str, date: str, place: str) -> None:
    found = find_date_line(clean_page(line), 1)
    assert found is not None and found.issued_on.value == date
    assert found.place is not None and found.place.value == place


def test_date_line_skips_birth_and_legal_bases() -> None:
    text = ("Căn cứ Luật ngày 19 tháng 6 năm 2015;\nông A, sinh ngày 12 tháng 3 năm 1985\n"
            "Quế Sơn, ngày 24 tháng 8 năm 2021")
    found = find_date_line(text, 1)
    assert found is not None and found.issued_on.value == "2021-08-24"


def test_invalid_date_is_ignored() -> None:
    assert find_date_line("Tam Kỳ, ngày 31 tháng 02 năm 2022", 1) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MERGED, "UBND huyện Bắc Trà My"),
        ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ TRÀ SƠN Độc lập - Tự do - Hạnh phúc",
         "UBND xã Trà Sơn"),
        ("UBND THỊ XÃ ĐIỆN BÀN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND thị xã Điện Bàn"),
        ("ỦY BAN NHÂN DÂN CỘNG HOA XA HỘI CHỦ NGHĨA VIỆT NAM\nTHỊ TRẤN TÂN BÌNH Độc lập",
         "UBND thị trấn Tân Bình"),
        ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHƯỜNG HỘI AN Độc lập - Tự do",
         "UBND phường Hội An"),
    ],
)
def test_issuer(text: str, expected: str) -> None:
    found = find_issuer(clean_page(text), 1)
    assert found is not None and found.value == expected


def test_no_issuer_without_committee() -> None:
    assert find_issuer("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", 1) is None


# ------------------------------------------------------------------ type and summary
def test_vocabulary_has_glosses_and_abbreviations() -> None:
    names = {d.name for d in DOCUMENT_TYPES}
    for required in ("Quyết định", "Giấy chứng nhận quyền sử dụng đất", "Trích lục khai sinh", "Giấy khai sinh",
                     "Giấy phép xây dựng", "Giấy chứng nhận đăng ký hộ kinh doanh",
                     "Giấy chứng nhận đăng ký doanh nghiệp", "Trích lục kết hôn", "Trích lục khai tử",
                     "Giấy xác nhận tình trạng hôn nhân", "Phiếu lý lịch tư pháp", "Thông báo", "Công văn"):
        assert required in names
    assert all(d.gloss_en for d in DOCUMENT_TYPES)
    assert {d.abbreviation for d in DOCUMENT_TYPES} >= {"QĐ", "QyĐ", "TB", "TTr", "TrS", "GCN"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MERGED + "QUYẾT ĐỊNH\nVề việc giao đất", "Quyết định"),
        (MERGED + "QUYÊT ĐINH\nVề việc giao đất", "Quyết định"),  # accents lost
        (MERGED + "GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở", "Giấy chứng nhận quyền sử dụng đất"),
        (MERGED + "TRÍCH LỤC KHAI SINH\n(Bản chính)", "Trích lục khai sinh"),
        (MERGED + "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "Giấy chứng nhận đăng ký hộ kinh doanh"),
        (MERGED + "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "Giấy xác nhận tình trạng hôn nhân"),
        (MERGED + "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1", "Phiếu lý lịch tư pháp"),
        (MERGED + "QUYẾT ĐJNH\nVề việc", "Quyết định"),  # a letter misread: fuzzy
    ],
)
def test_document_type_from_title(text: str, expected: str) -> None:
    found = find_document_type(clean_page(text), 1)
    assert found is not None and found.value == expected


def test_body_mention_is_not_a_title() -> None:
    assert find_document_type("Căn cứ Quyết định số 12/QĐ-UBND của Ủy ban", 1) is None


def test_summary_wraps_and_stops() -> None:
    text = ("QUYẾT ĐỊNH\nVề việc cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác\n"
            "gắn liền với đất\nỦY BAN NHÂN DÂN HUYỆN QUẾ SƠN\nCăn cứ Luật")
    found = find_summary(text, 1)
    assert found is not None
    assert found.value == ("Về việc cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
                           "gắn liền với đất")


def test_lowercase_ve_viec_in_prose_is_not_a_summary() -> None:
    assert find_summary("Xét đề nghị của ông A về việc xác nhận tình trạng hôn nhân,", 1) is None


# ------------------------------------------------------------------ holder and locality
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Họ, chữ đệm, tên: Võ Văn Minh\nNgày, tháng, năm sinh: 28/09/1944", "Võ Văn Minh"),
        ("Họ, chữ đệm, tên người được cấp: NGUYỄN THỊ MAI\nGiới tính: Nữ", "Nguyễn Thị Mai"),
        ("Chủ hộ kinh doanh: Lê Văn Thắng; CCCD số …", "Lê Văn Thắng"),
        ("Họ và tên: TRẦN ĐỨC SƠN\nNgày sinh", "Trần Đức Sơn"),
        ("1. Cấp cho: bà Nguyễn Thị Liên; Số CCCD: 049144284471.", "Nguyễn Thị Liên"),
        ("Điều 1. Thực hiện chế độ trợ cấp đối với\nông Nguyễn Văn Tùng, sinh ngày 19/10/1946;", "Nguyễn Văn Tùng"),
        ("Giao cho ông Nguyễn Văn\nAn, sinh năm 1980", "Nguyễn Văn An"),
        ("Ông: Nguyễn Xuân Quân, năm sinh 1957", "Nguyễn Xuân Quân"),
        ("cho ông Nguyên Đức Phong, sinh năm 1970", "Nguyễn Đức Phong"),  # surname lost its tone mark
    ],
)
def test_holder_name(text: str, expected: str) -> None:
    found = find_holder_name(clean_page(text), 1)
    assert found is not None and found.value == expected


def test_holder_name_stops_before_next_line_heading() -> None:
    found = find_holder_name("Về việc trợ cấp cho bà Trần Thị Hạnh\nCHỦ TỊCH ỦY BAN NHÂN DÂN", 1)
    assert found is not None and found.value == "Trần Thị Hạnh"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nơi cư trú: thôn 4, xã Sơn\nViên, huyện Nông Sơn, tỉnh Quảng Nam.",
         "xã Sơn Viên, huyện Nông Sơn, tỉnh Quảng Nam"),
        ("tổ dân phố 5, thị\ntrấn Đông Phú, huyện Quế Sơn, tỉnh Quảng Nam.",
         "thị trấn Đông Phú, huyện Quế Sơn, tỉnh Quảng Nam"),
        ("Địa chỉ: tổ 4, phường An Sơn, thành phố Tam Kỳ, tỉnh Quảng Nam\nII. Thửa đất",
         "phường An Sơn, thành phố Tam Kỳ, tỉnh Quảng Nam"),
        ("Nơi cư trú: xã Trà My, thành phố Đà Nẵng\nHọ, chữ đệm", "xã Trà My, thành phố Đà Nẵng"),
    ],
)
def test_locality(text: str, expected: str) -> None:
    found = find_locality(text, 1)
    assert found is not None
    assert found.value == " ".join(expected.split())


def test_unreadable_header_date_gives_no_guess_from_the_body() -> None:
    text = ("Số: 1746/QĐ-UBND Nông Sơn, ngày 237 tháng 11 năm 2024\n"
            "Xét đề nghị tại Tờ trình số 12/TTr ngày 22 tháng 11 năm 2019")
    assert find_date_line(text, 1) is None


def test_doan_and_similar_surnames_are_kept() -> None:
    found = find_holder_name("cho ông Đoàn Xuân Hải, sinh năm 1970", 1)
    assert found is not None and found.value == "Đoàn Xuân Hải"
