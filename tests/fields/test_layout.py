"""Header fields read from the page's layout: positioned words in, Decree-30 blocks and fields out.

Pages are laid out here the way Tesseract's TSV reports them on an A4 scan at 300 dpi (2480 px wide):
the issuer block centred on the left third, the national title on the right, the title centred.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr.fields import extract_fields
from ocr.fields.header_layout import split_issuer_bodies, type_from_title
from ocr.fields.layout import find_header_blocks, page_layout

CHAR = 26  # px per character at 300 dpi, 13 pt capitals
HEIGHT = 50


@dataclass(frozen=True)
class W:
    """A word as Tesseract reports it."""

    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]
    confidence: float = 95.0


class Page:
    """Builds a page of positioned words line by line."""

    def __init__(self) -> None:
        self.words: list[W] = []
        self._line = 0

    def line(self, text: str, *, center: int | None = None, left: int | None = None, top: int,
             confidences: dict[str, float] | None = None) -> Page:
        self._line += 1
        tokens = text.split()
        width = sum(len(t) for t in tokens) * CHAR + (len(tokens) - 1) * CHAR
        x = left if left is not None else (center or 1240) - width // 2
        for token in tokens:
            conf = (confidences or {}).get(token, 95.0)
            self.words.append(W(token, x, top, len(token) * CHAR, HEIGHT, (self._line, 1, 1), conf))
            x += (len(token) + 1) * CHAR
        return self

    def one_line(self, parts: list[tuple[str, int]], *, top: int) -> Page:
        """Runs of words at given x positions that Tesseract reports as ONE line (two columns merged)."""
        self._line += 1
        for text, x in parts:
            for token in text.split():
                self.words.append(W(token, x, top, len(token) * CHAR, HEIGHT, (self._line, 1, 1)))
                x += (len(token) + 1) * CHAR
        return self

    def text(self) -> str:
        lines: dict[tuple[int, int, int], list[W]] = {}
        for w in self.words:
            lines.setdefault(w.line, []).append(w)
        return "\n".join(" ".join(w.text for w in ws) for ws in lines.values())


LEFT, RIGHT = 700, 1750


def body(page: Page, top: int, lines: list[str]) -> Page:
    for i, text in enumerate(lines):
        page.line(text, left=300, top=top + i * 70)
    return page


def decree30(issuer_lines: list[str], number: str, date: str, title: list[str], *, body_lines: list[str] = (),
             number_conf: dict[str, float] | None = None) -> Page:
    page = Page()
    for i, text in enumerate(issuer_lines):
        page.line(text, center=LEFT, top=200 + i * 65)
    page.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center=RIGHT, top=200)
    page.line("Độc lập - Tự do - Hạnh phúc", center=RIGHT, top=265)
    row = 200 + max(3, len(issuer_lines)) * 65 + 40
    page.line(number, center=LEFT, top=row, confidences=number_conf)
    page.line(date, center=RIGHT + 50, top=row)
    for i, text in enumerate(title):
        page.line(text, center=1240, top=row + 150 + i * 65)
    return body(page, row + 400, list(body_lines))


def fields_of(*pages: Page):
    return extract_fields([p.text() for p in pages], [p.words for p in pages])


def test_a_department_under_a_peoples_committee_is_the_issuer_with_its_parent() -> None:
    page = decree30(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ ĐÀ NẴNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "Số: 125/QĐ-SGDĐT",
                    "Đà Nẵng, ngày 14 tháng 8 năm 2023", ["QUYẾT ĐỊNH"],
                    body_lines=["Về việc công nhận trường đạt chuẩn quốc gia tại thành phố Đà Nẵng"])
    f = fields_of(page)
    assert f.issuer is not None and f.issuer.value == "Sở Giáo dục và Đào tạo"
    assert f.issuer_parent is not None and f.issuer_parent.value.casefold() == "ủy ban nhân dân thành phố đà nẵng"
    assert f.document_type is not None and f.document_type.value == "Quyết định"
    assert f.document_number is not None and f.document_number.value == "125/QĐ-SGDĐT"
    assert f.issued_on is not None and f.issued_on.value == "2023-08-14"
    assert f.place is not None and f.place.value == "Đà Nẵng"


def test_issuer_and_national_title_read_as_one_line_are_told_apart() -> None:
    page = Page()
    page.one_line([("BỘ TƯ PHÁP", 560), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 920)], top=200)  # gap < 2 words
    page.line("Độc lập - Tự do - Hạnh phúc", center=RIGHT, top=265)
    page.line("Số: 1135/TB-BTP", center=LEFT, top=400, confidences={"1135/TB-BTP": 76.0})
    page.line("Hà Nội, ngày 09 tháng 4 năm 2015", center=RIGHT, top=400)
    page.line("THÔNG BÁO", top=560)
    body(page, 700, ["Thực hiện chỉ đạo của Thủ tướng Chính phủ về việc hoán đổi ngày làm việc năm 2015,"])
    f = fields_of(page)
    assert f.issuer is not None and f.issuer.value == "Bộ Tư pháp" and f.issuer_parent is None
    assert f.document_number is not None and f.document_number.value == "1135/TB-BTP"  # printed with its symbol
    assert f.document_type is not None and f.document_type.value == "Thông báo"


def test_a_type_word_inside_the_issuer_does_not_make_the_type() -> None:
    page = decree30(["UBND HUYỆN BẮC TRÀ MY", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"], "Số: 912/ĐKKD",
                    "Bắc Trà My, ngày 03 tháng 3 năm 2022", ["GIẤY CHỨNG NHẬN", "ĐĂNG KÝ HỘ KINH DOANH"],
                    body_lines=["Họ và tên chủ hộ kinh doanh: NGUYỄN THỊ HOA", "Ngành nghề kinh doanh: Bán lẻ"])
    f = fields_of(page)
    assert f.document_type is not None and f.document_type.value == "Giấy chứng nhận đăng ký hộ kinh doanh"
    assert f.issuer is not None and f.issuer.value == "Phòng Tài chính - Kế hoạch"
    assert f.issuer_parent is not None and f.issuer_parent.value == "UBND huyện Bắc Trà My"
    assert f.holder_name is not None and f.holder_name.value == "Nguyễn Thị Hoa"


def test_a_letter_is_a_cong_van_and_its_contact_person_is_no_holder() -> None:
    page = Page()
    page.line("BỘ CÔNG THƯƠNG", center=LEFT, top=200)
    page.line("CỤC HÓA CHẤT", center=LEFT, top=265)
    page.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center=RIGHT, top=200)
    page.line("Độc lập - Tự do - Hạnh phúc", center=RIGHT, top=265)
    page.line("Số: 813/HC-CNHC", center=LEFT, top=420)
    page.line("Hà Nội, ngày 22 tháng 4 năm 2026", center=RIGHT, top=420)
    page.line("V/v hướng dẫn thủ tục cấp phép", center=LEFT, top=490)
    page.line("Kính gửi: Sở Công Thương các tỉnh, thành phố", top=650)
    body(page, 760, ["Chi tiết xin liên hệ ông Nguyễn Văn Nam, chuyên viên, số điện thoại 0243.", "để nhận hồ sơ."])
    f = fields_of(page)
    assert f.document_type is not None and f.document_type.value == "Công văn"
    assert f.issuer is not None and f.issuer.value == "Cục Hóa chất"
    assert f.issuer_parent is not None and f.issuer_parent.value.casefold() == "bộ công thương"
    assert f.holder_name is None


def test_handwritten_fill_ins_are_missing_not_guessed() -> None:
    page = decree30(["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], "Số: 22 /BC-UBND",
                    "Quảng Ngãi, ngày 23 tháng 01 năm 2025", ["BÁO CÁO"],
                    number_conf={"22": 61.0})
    f = fields_of(page)
    assert f.document_number is None
    assert f.issued_on is not None and f.issued_on.value == "2025-01-23"
    low_day = decree30(["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], "Số: 23/BC-UBND",
                       "Quảng Ngãi, ngày 22 tháng 01 năm 2025", ["BÁO CÁO"])
    for i, w in enumerate(low_day.words):
        if w.text == "22":
            low_day.words[i] = W(w.text, w.left, w.top, w.width, w.height, w.line, 40.0)
    assert fields_of(low_day).issued_on is None


def test_a_date_earlier_than_a_cited_document_is_dropped() -> None:
    page = decree30(["BỘ TƯ PHÁP"], "Số: 1135/TB-BTP", "Hà Nội, ngày 09 tháng 04 năm 2013", ["THÔNG BÁO"],
                    body_lines=["Thực hiện Thông báo số 4724/TB-LĐTBXH ngày 11 tháng 12 năm 2014 của Bộ"])
    assert fields_of(page).issued_on is None


def test_header_marks_are_respelt_as_the_document_spells_the_name() -> None:
    page = decree30(["ỦY BAN NHÂN DÂN", "TINH QUANG NGAI"], "Số: 11/TB-UBND",
                    "Quảng Ngãi, ngày 08 tháng 01 năm 2025", ["THÔNG BÁO"],
                    body_lines=["Ủy ban nhân dân tỉnh Quảng Ngãi thông báo kết luận như sau"])
    f = fields_of(page)
    assert f.issuer is not None and f.issuer.value == "Ủy ban nhân dân tỉnh Quảng Ngãi"


def test_a_chapter_heading_on_a_later_page_is_not_the_type() -> None:
    first = decree30(["CHÍNH PHỦ"], "Số: 30/2020/NĐ-CP", "Hà Nội, ngày 05 tháng 3 năm 2020", ["NGHỊ ĐỊNH"],
                     body_lines=["Về công tác văn thư"])
    second = Page().line("Chương I", top=200).line("QUY ĐỊNH CHUNG", top=270)
    body(second, 400, ["Điều 1. Phạm vi điều chỉnh"])
    f = fields_of(first, second)
    assert f.document_type is not None and f.document_type.value == "Nghị định"
    assert f.issuer is not None and f.issuer.value == "Chính phủ"
    assert f.document_number is not None and f.document_number.value == "30/2020/NĐ-CP"


def test_a_decision_for_several_people_has_no_holder_and_for_one_has_it() -> None:
    several = decree30(["ỦY BAN NHÂN DÂN", "TỈNH HẢI DƯƠNG"], "Số: 68/QĐ-UBND", "Hải Dương, ngày 10 tháng 01 năm 2011",
                       ["QUYẾT ĐỊNH"], body_lines=["Điều 1. Tặng Bằng khen cho ông Lê Hồng Văn,",
                                                    "bà Đặng Thị Bích Liên và ông Nguyễn Trọng Thừa."])
    assert fields_of(several).holder_name is None
    one = decree30(["ỦY BAN NHÂN DÂN", "HUYỆN BẮC TRÀ MY"], "Số: 7/QĐ-UBND", "Bắc Trà My, ngày 09 tháng 02 năm 2022",
                   ["QUYẾT ĐỊNH"], body_lines=["Điều 1. Giao đất cho ông Trần Văn Bình, thường trú tại xã Trà Sơn."])
    f = fields_of(one)
    assert f.holder_name is not None and f.holder_name.value == "Trần Văn Bình"


def test_issuer_bodies_split_by_kind() -> None:
    assert split_issuer_bodies(["UBND TỈNH QUẢNG NGÃI", "BAN CHỈ ĐẠO 138"]) == [["UBND TỈNH QUẢNG NGÃI"],
                                                                                 ["BAN CHỈ ĐẠO 138"]]
    assert split_issuer_bodies(["BỘ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"]) == [
        ["BỘ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"]]
    assert split_issuer_bodies(["BỘ CÔNG THƯƠNG", "TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG", "THÀNH PHỐ HỒ CHÍ MINH"]) == [
        ["BỘ CÔNG THƯƠNG"], ["TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG", "THÀNH PHỐ HỒ CHÍ MINH"]]
    joint = split_issuer_bodies(["BỘ CÔNG AN BỘ QUỐC PHÒNG", "BỘ Y TẾ", "BỘ TÀI CHÍNH"])
    assert joint == [["BỘ CÔNG AN - BỘ QUỐC PHÒNG - BỘ Y TẾ - BỘ TÀI CHÍNH"]]


def test_type_from_title() -> None:
    assert type_from_title(["QUYÉT ĐỊNH"]) == ("Quyết định", True)  # folded marks: the exact kind
    assert type_from_title(["HƯỚNG DẪN LIÊN NGÀNH"]) == ("Hướng dẫn liên ngành", True)
    assert type_from_title(["THÔNG BÁO", "KẾT LUẬN CỦA CHỦ TỊCH"]) == ("Thông báo", True)
    assert type_from_title(["ĐƠN KHỞƠI KIỆN VỤ ÁN HÀNH CHÍNH"]) == ("Đơn khởi kiện", False)
    assert type_from_title(["GIÁY PHÉP", "VẬN CHUYỂN HÀNG HÓA NGUY HIỂM"]) == ("Giấy phép", True)
    assert type_from_title(["TRƯỞNG BAN CHỈ ĐẠO"]) is None


def test_a_page_without_header_has_no_blocks() -> None:
    page = body(Page(), 200, ["Điều 3. Chánh Văn phòng UBND tỉnh chịu trách nhiệm thi hành Quyết định này."])
    layout = page_layout(page.words)
    assert layout is not None and find_header_blocks(layout) is None


def test_a_legal_basis_quoting_the_national_title_does_not_move_the_header() -> None:
    page = decree30(["QUỐC HỘI"], "Luật số: 59/2020/QH14", "Hà Nội, ngày 17 tháng 6 năm 2020", ["LUẬT"],
                    body_lines=["Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
                                "Quốc hội ban hành Luật Doanh nghiệp."])
    second = Page().line("Chương I", top=200).line("QUY ĐỊNH CHUNG", top=270)
    f = fields_of(page, second)
    assert f.document_type is not None and f.document_type.value == "Luật"
    assert f.document_number is not None and f.document_number.value == "59/2020/QH14"


def test_leader_dots_between_number_and_date_split_the_columns() -> None:
    page = Page()
    page.line("CÔNG AN XÃ CẨM THANH", center=LEFT, top=200)
    page.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center=RIGHT, top=200)
    page.line("Độc lập - Tự do - Hạnh phúc", center=RIGHT, top=265)
    page.one_line([("Số: 184/XN-CAX", 520), ("_.......", 900), ("Cẩm Thanh, ngày 05 tháng 6 năm 2025", 1250)], top=400)
    page.line("GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", top=560)
    body(page, 700, ["Công an xã Cẩm Thanh xác nhận: Họ, chữ đệm và tên: NGUYỄN ĐỨC TÂM"])
    f = fields_of(page)
    assert f.document_number is not None and f.document_number.value == "184/XN-CAX"
    assert f.issued_on is not None and f.issued_on.value == "2025-06-05"
    assert f.document_type is not None and f.document_type.value == "Giấy xác nhận thông tin về cư trú"
    assert f.issuer is not None and f.issuer.value == "Công an xã Cẩm Thanh"


def test_a_word_like_a_unit_kind_inside_a_name_keeps_its_reading() -> None:
    page = decree30(["BỘ Y TẾ", "CỤC QUẢN LÝ KHÁM, CHỮA BỆNH"], "Số: 12/KCB-NV", "Hà Nội, ngày 02 tháng 3 năm 2024",
                    ["QUYẾT ĐỊNH"])
    f = fields_of(page)
    assert f.issuer is not None and f.issuer.value.casefold() == "cục quản lý khám, chữa bệnh"


def test_a_province_name_has_one_spelling_in_the_issuer_and_the_place() -> None:
    from ocr.fields.header_layout import respell_from_document, spell_province_names

    assert respell_from_document("Trường Đại học Công Thương thành phố Hô Chí Minh",
                                 "Thành phố Hô Chí Minh, ngày 5. Hồ Chí Minh") \
        == "Trường Đại học Công Thương thành phố Hồ Chí Minh"
    assert spell_province_names(["TP", "Ho", "Chi", "Minh,"]) == ["TP", "Ho", "Chi", "Minh,"]  # a comma: not a name
    assert spell_province_names(["tỉnh", "Ha", "Nam"]) == ["tỉnh", "Hà", "Nam"]
    assert spell_province_names(["ông", "Hô", "Văn", "Minh"]) == ["ông", "Hô", "Văn", "Minh"]


def test_a_unit_kind_glued_to_the_word_before_is_split_but_one_syllable_never() -> None:
    from ocr.fields.header_layout import split_glued_units

    assert split_glued_units(["BỆNH", "VIỆN", "ĐA", "KHOATỈNH"]) == ["BỆNH", "VIỆN", "ĐA", "KHOA", "TỈNH"]
    for one_syllable in ("KHUYẾN", "CHUYÊN", "THUYỀN", "TỈNH", "PHƯỜNG", "QUÂN"):
        assert split_glued_units([one_syllable]) == [one_syllable]
