"""Document kinds and issuers: coverage, header layout and truth in the real-admin conventions."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter

import numpy as np
import pytest

from ocr.corpus.admin import ADMIN_KINDS
from ocr.corpus.blocks import TwoColumns
from ocr.corpus.compose import ComposedDocument, compose_document
from ocr.corpus.doctypes import ALL_KINDS, GROUP_WEIGHTS, resolve_kinds
from ocr.corpus.fonts import FontBook, find_families
from ocr.corpus.issuers import FAMILIES, NATIONAL, PARTY, choose_issuer, header_lines, wrap_caps
from ocr.corpus.people import load_province_codes
from ocr.corpus.render import render_document
from ocr.corpus.templates import date_line

CODES = sorted(load_province_codes())
#: Decree 30/2020 Art. 7: the 29 kinds of administrative documents.
DECREE_30_TYPES = {
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn",
    "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng",
    "Công văn", "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu",
    "Giấy nghỉ phép", "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công",
}


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@pytest.fixture(scope="module")
def composed() -> list[ComposedDocument]:
    """500 documents of every kind (content only, nothing drawn)."""
    kinds, weights = resolve_kinds(None)
    return [compose_document(np.random.default_rng([21, i, 0]), CODES, kinds=kinds, weights=weights)
            for i in range(500)]


def test_every_kind_and_issuer_family_occurs(composed: list[ComposedDocument]) -> None:
    types = {c.fields.document_type for c in composed}
    assert types >= DECREE_30_TYPES
    assert {"Luật", "Nghị định", "Thông tư", "Giấy chứng nhận đăng ký hộ kinh doanh",
            "Chứng chỉ hành nghề khám bệnh, chữa bệnh", "Bằng tốt nghiệp trung học phổ thông"} <= types
    families = {c.issuer.family for c in composed if c.issuer is not None}
    expected = {"ubnd-province", "ubnd-district", "ubnd-commune", "hdnd", "government", "prime-minister",
                "national-assembly", "ministry", "department-of-ministry", "general-department",
                "branch-department", "tax-department", "department", "district-office", "court", "procuracy",
                "police", "school", "hospital", "party", "mass-organisation", "board"}
    assert expected <= families, expected - families
    groups = Counter(c.doctype.group for c in composed)
    for group, share in GROUP_WEIGHTS.items():
        assert abs(groups[group] / len(composed) - share) < 0.08, (group, groups)


def test_issuer_blocks_have_one_to_three_bodies_with_the_issuer_lowest() -> None:
    rng = np.random.default_rng(5)
    depths: Counter[int] = Counter()
    for _ in range(20):
        for make in FAMILIES.values():
            issuer = make(rng, dt.date(2023, 5, 4))
            lines = header_lines(issuer)
            assert 1 <= len(issuer.bodies) <= 3 and 1 <= len(lines) <= 4
            assert lines[-1].issuer and all(len(line.text) <= 34 for line in lines)
            printed = " ".join(line.text for line in lines if line.issuer)
            assert _fold(printed) in {_fold(issuer.name), *(_fold(a) for a in issuer.alt)}, issuer
            assert issuer.parent is None or _fold(issuer.parent) != _fold(issuer.name)
            assert issuer.right in (NATIONAL, PARTY) or issuer.family == "mass-organisation"
            depths[len(issuer.bodies)] += 1
    assert depths[1] and depths[2]


def test_type_words_inside_issuer_names_occur() -> None:
    rng = np.random.default_rng(8)
    names = {choose_issuer(rng, dt.date(2022, 1, 1), ("district-office",)).name for _ in range(200)}
    assert {"Phòng Tài chính - Kế hoạch", "Ban Quản lý dự án đầu tư xây dựng", "Phòng Kinh tế, Hạ tầng và Đô thị",
            "Trung tâm Phục vụ hành chính công"} <= names


def test_wrap_caps_balances_long_lines() -> None:
    assert wrap_caps("SỞ TƯ PHÁP") == ("SỞ TƯ PHÁP",)
    first, second = wrap_caps("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN")
    assert f"{first} {second}" == "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN" and abs(len(first) - len(second)) < 12


def test_number_shapes_of_real_documents(composed: list[ComposedDocument]) -> None:
    numbers = [c.fields.document_number for c in composed]
    assert any(re.fullmatch(r"\d{2,4}/\d{4}/(QĐ|NQ|NĐ|TT)-[^\s/]+", n) for n in numbers)  # normative: year inside
    assert any(re.fullmatch(r"\d+/(UBND|BCT|BTC|SYT|STP)-[A-ZĐa-z]+", n) for n in numbers)  # a letter's number
    assert any(re.fullmatch(r"\d+-[A-ZĐa-z]+/(HU|TU|TX)", n) for n in numbers)  # party numbering
    assert any("QyĐ" in n for n in numbers) and any("/TTr-" in n for n in numbers)
    assert any(n.endswith("/ĐKKD") for n in numbers)


def test_holders_only_for_documents_issued_to_a_person(composed: list[ComposedDocument]) -> None:
    for c in composed:
        f = c.fields
        if c.doctype.group in ("legacy", "results") or c.doctype.key == "giay-nghi-phep":
            assert f.holder_name is not None, c.doctype.key
        else:
            assert f.holder_name is None and not f.citizen_ids, c.doctype.key
        assert f.signer and f.signer != f.holder_name


def test_signatures_vary_like_real_ones(composed: list[ComposedDocument]) -> None:
    texts = [" ".join(cell.text for block in c.document.blocks
                      if isinstance(block, TwoColumns) and block.seal_rows is not None
                      for row in block.rows for cell in row if cell is not None) for c in composed]
    for prefix in ("TM. ỦY BAN NHÂN DÂN", "KT. ", "TL. ", "Q. ", "T/M BAN THƯỜNG VỤ"):
        assert any(prefix in text for text in texts), prefix


@pytest.fixture(scope="module")
def book() -> FontBook:
    """The first usable font family at 300 dpi."""
    return FontBook(find_families()[0])


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if k.group != "legacy"], ids=lambda k: k.key)
def test_every_kind_renders_with_truth_in_its_text(kind, book: FontBook) -> None:
    rng = np.random.default_rng([17, len(kind.key), 0])
    c = compose_document(rng, CODES, doctype=kind)
    pages = render_document(c.document, book, rng)
    lines = [line for page in pages for line in page.lines]
    flat = " ".join(lines)
    f = c.fields
    assert c.issuer is not None
    for line, printed in zip(lines, header_lines(c.issuer), strict=False):
        assert line.startswith(printed.text)
    assert any(re.search(rf"(^|\s)(Luật s|S)ố:? {re.escape(f.document_number)}(\s|$)", line) for line in lines[:8])
    if kind.key != "luat":
        assert f.place is not None and date_line(f.place, dt.date.fromisoformat(f.issued_on)) in flat
    else:
        assert f.place is None and f"thông qua ngày {int(f.issued_on[8:]):02d}" in flat
    spellings = [f.document_type, *dict(f.alt).get("document_type", ())]
    if f.document_type == "Công văn":
        assert f.title and f.title.startswith("V/v ") and f.title in flat
    else:
        assert any(s.upper() in flat for s in spellings), spellings
    if f.title:
        assert f.title in flat
        assert f.signer is not None and flat.index(f.title) < flat.index(f.signer)
    assert f.signer is not None and f.signer in flat
    if f.holder_name:
        assert f.holder_name in flat or f.holder_name.upper() in flat
    assert all(cid in flat for cid in f.citizen_ids)
    number_at = flat.index(f.document_number)
    assert "Căn cứ" not in flat[:number_at]  # cited documents come after the document's own number
    assert unicodedata.is_normalized("NFC", flat)


def test_long_documents_have_headings_appendices_and_tables_on_later_pages(book: FontBook) -> None:
    kinds = [k for k in ALL_KINDS if k.key in ("quyet-dinh", "ke-hoach", "bao-cao", "quy-che")]
    seen: Counter[str] = Counter()
    for index in range(40):
        rng = np.random.default_rng([31, index, 0])
        c = compose_document(rng, CODES, kinds=kinds, weights=[1 / len(kinds)] * len(kinds))
        pages = render_document(c.document, book, rng)
        later = [line for page in pages[1:] for line in page.lines]
        seen["pages"] += len(pages) > 1
        seen["chapter"] += "Chương I" in later
        seen["appendix"] += "PHỤ LỤC" in later
        seen["table"] += any(line.startswith("STT Nội dung") for page in pages for line in page.lines)
        if len(pages) > 1:
            assert pages[1].lines[0] == "2"
    assert all(seen[k] >= 2 for k in ("pages", "chapter", "appendix", "table")), seen


def test_admin_kind_names_are_sentence_case_titles() -> None:
    for kind in ADMIN_KINDS:
        if kind.caps:
            assert kind.name.upper() == " ".join(kind.caps)
            assert kind.name[0].isupper() and kind.name[1:] == kind.name[1:].lower()


def test_after_the_2025_reform_no_district_body_or_merged_province_issues() -> None:
    rng = np.random.default_rng(12)
    for family, make in FAMILIES.items():
        for _ in range(25):
            issuer = make(rng, dt.date(2025, 9, 1))
            text = " ".join(body.name for body in issuer.bodies)
            assert not any(word in text for word in ("huyện", "Huyện ủy", "thị xã", "Quảng Nam", "Hải Dương",
                                                      "Bình Định", "Kiên Giang")), (family, text)
