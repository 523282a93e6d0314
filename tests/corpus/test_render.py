"""Layout and ground-truth text of rendered documents (no degradation, no files)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pytest

from kho.errors import ConfigError
from ocr.corpus.blocks import Cell, Document, TwoColumns, para
from ocr.corpus.compose import compose_document
from ocr.corpus.doctypes import DOCUMENT_TYPES
from ocr.corpus.fonts import FontBook, covers_vietnamese, find_families
from ocr.corpus.people import load_province_codes
from ocr.corpus.render import render_document
from ocr.corpus.templates import date_line, number_words

CODES = sorted(load_province_codes())


@pytest.fixture(scope="module")
def book() -> FontBook:
    """Liberation Serif (or the first usable family) at 300 dpi."""
    return FontBook(find_families()[0])


def test_families_cover_vietnamese() -> None:
    families = find_families()
    assert families
    for family in families:
        assert covers_vietnamese(family.path("regular"))


def test_no_fonts_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="fonts-liberation2"):
        find_families([tmp_path])


def test_page_is_a4_at_300_dpi(book: FontBook) -> None:
    pages = render_document(Document((para("Điều 1. Một dòng."),)), book, np.random.default_rng(0))
    assert pages[0].image.shape == (3508, 2480, 3)
    assert pages[0].lines == ("Điều 1. Một dòng.",)


def test_columns_merge_on_one_line_left_then_right(book: FontBook) -> None:
    block = TwoColumns(rows=((Cell("ỦY BAN NHÂN DÂN"), Cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")),
                             (None, None), (Cell("Số: 07/QĐ-UBND"), None)))
    pages = render_document(Document((block,)), book, np.random.default_rng(0))
    assert pages[0].lines == ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 07/QĐ-UBND")


def test_decomposed_input_is_drawn_and_transcribed_as_nfc(book: FontBook) -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định giao đất")
    pages = render_document(Document((para(decomposed),)), book, np.random.default_rng(0))
    assert pages[0].text == "Quyết định giao đất"


def test_long_text_wraps_and_flows_to_a_numbered_second_page(book: FontBook) -> None:
    text = " ".join(["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"] * 60)
    pages = render_document(Document((para(text),)), book, np.random.default_rng(0))
    assert len(pages) >= 2
    assert pages[1].lines[0] == "2"
    words = " ".join(" ".join(p.lines[1:] if i else p.lines) for i, p in enumerate(pages)).split()
    assert words == text.split()


def test_date_line_pads_day_and_early_months() -> None:
    assert date_line("Bắc Trà My", dt.date(2022, 2, 9)) == "Bắc Trà My, ngày 09 tháng 02 năm 2022"
    assert date_line("Tam Kỳ", dt.date(2023, 11, 20)) == "Tam Kỳ, ngày 20 tháng 11 năm 2023"
    assert date_line("Tam Kỳ", dt.date(2023, 3, 5)) == "Tam Kỳ, ngày 05 tháng 3 năm 2023"


@pytest.mark.parametrize(("n", "words"), [(250, "Hai trăm năm mươi"), (105, "Một trăm lẻ năm"),
                                          (15, "Mười lăm"), (21, "Hai mươi mốt"), (1200, "Một nghìn hai trăm")])
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


@pytest.mark.parametrize("doctype", DOCUMENT_TYPES, ids=lambda d: d.key)
def test_every_type_renders_its_fields(doctype, book: FontBook) -> None:
    rng = np.random.default_rng([3, len(doctype.key)])
    composed = compose_document(rng, CODES, doctype=doctype)
    pages = render_document(composed.document, book, rng)
    text = "\n".join(p.text for p in pages)
    f = composed.fields
    header = text.splitlines()
    assert header[0] == "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert header[1].endswith("Độc lập - Tự do - Hạnh phúc")
    day = dt.date.fromisoformat(f.issued_on)
    assert f.place is not None and header[2] == f"Số: {f.document_number} {date_line(f.place, day)}"
    assert f.citizen_ids and all(cid in text for cid in f.citizen_ids)
    assert all(f"CMND số {cmnd}" in text for cmnd in f.cmnd_ids)
    assert all(f"mã số thuế: {code}" in text for code in f.tax_codes)
    assert f.holder_name is not None and (f.holder_name in text or f.holder_name.upper() in text)
    assert f.issuer.startswith("UBND ") and f.issuer.split(" ", 1)[1].upper() in text
    if f.summary:
        assert f.summary in text.replace("\n", " ")
    assert unicodedata.is_normalized("NFC", text)


def test_short_documents_fit_one_page_in_the_narrowest_font(book: FontBook) -> None:
    # Phone photos are one page each: the generator re-draws an overflowing short document in the
    # first (Times-metric) family, which must always fit.
    for index in range(60):
        rng = np.random.default_rng([9, index])
        composed = compose_document(rng, CODES, allow_long=False)
        assert len(render_document(composed.document, book, rng)) == 1, composed.doctype.key
