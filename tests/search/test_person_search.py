"""Person-centred search, on both backends (contract): the holder's name ranks first.

A query of 2–4 bare words is also tried as a holder's name: records whose holder name holds the
words (folded, adjacent, in order) come before records that only mention them in their text — a
signer, "Sở Tài nguyên", "văn hóa" — however often; typed accents put the exact spelling first.
Hits carry the masked citizen ID and the birth year, never the full ID.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from search.index import IndexDocument, SearchIndex, SearchQuery, mask_citizen_id
from search.query import plan_text
from search.shapes import result_json

ID_AN = "049085001440"  # Nguyễn Văn An, born 1985 (century digit 0)
ID_AN_ACCENT = "048201000777"  # Nguyễn Văn Ân, born 2001 (century digit 2)
ID_HOA = "049192003333"  # Trần Thị Hoa, born 1992 (century digit 1: female, 20th century)
CMND = "201234567"


def _doc(record_id: str, issued: date, pages: tuple[str, ...], **fields: object) -> IndexDocument:
    return IndexDocument(record_id=record_id, version=1, issued_on=issued, pages=pages, page_count=len(pages),
                         ingested_at=datetime(2025, 10, 1, tzinfo=UTC), **fields)  # type: ignore[arg-type]


def _people() -> list[IndexDocument]:
    """Two holders of one folded name, noise that mentions the words more often and more recently."""
    noisy = "Sở Tài nguyên và Môi trường; Trung tâm văn hóa; an ninh trật tự. " * 4
    return [
        _doc("holder-an", date(2015, 1, 1), ("Cấp cho ông Nguyễn Văn An thửa đất số 12.",),
             holder_name="Nguyễn Văn An", citizen_ids=(ID_AN,), document_type="Giấy chứng nhận"),
        _doc("holder-an-accent", date(2014, 1, 1), ("Cấp cho ông Nguyễn Văn Ân.",),
             holder_name="Nguyễn Văn Ân", citizen_ids=(ID_AN_ACCENT,), document_type="Giấy chứng nhận"),
        _doc("signer", date(2025, 5, 1), (f"Giám đốc Nguyễn Văn An ký. {noisy} Nguyễn Văn An",),
             holder_name="Lê Thị Thu", document_type="Quyết định", issuer="Sở Tài nguyên và Môi trường"),
        _doc("culture", date(2025, 6, 1), (f"nguyễn văn an {noisy}",), document_type="Báo cáo",
             issuer="Trung tâm văn hóa"),
        _doc("holder-hoa", date(2010, 3, 3), (f"Trích lục khai sinh. Họ và tên: Trần Thị Hoa, số {ID_HOA}; "
                                              "CMND 201 234 567, điện thoại 0905123456",),
             holder_name="Trần Thị Hoa", citizen_ids=(ID_HOA, CMND), document_type="Trích lục khai sinh"),
        _doc("hoa-signer", date(2025, 7, 7), ("Người ký: Trần Thị Hoa. Hoa văn trang trí; trần nhà; thị trấn.",),
             holder_name="Phạm Văn Minh", citizen_ids=(CMND,), document_type="Biên bản"),
    ]


@pytest.fixture
def people(index: SearchIndex) -> SearchIndex:
    result = index.index_documents(_people(), refresh=True)
    assert result.failures == () and result.indexed == len(_people())
    return index


def _ids(index: SearchIndex, text: str, **kw: object) -> list[str]:
    return [h.record_id for h in index.search(SearchQuery(text=text, **kw)).hits]  # type: ignore[arg-type]


def test_two_to_four_bare_words_are_tried_as_a_name() -> None:
    assert plan_text("nguyen van an").name is not None
    assert plan_text("Trần Thị").name is not None
    assert plan_text("an").name is None
    assert plan_text("nguyen thi minh khai hoa").name is None  # five words: not a name
    assert plan_text('"nguyen van" an').name is None  # a quoted phrase: the user chose the phrase


def test_unaccented_name_ranks_its_holders_above_body_matches(people: SearchIndex) -> None:
    found = _ids(people, "nguyen van an")
    assert set(found[:2]) == {"holder-an", "holder-an-accent"}
    assert set(found[2:]) == {"signer", "culture"}


def test_typed_accents_rank_the_exact_spelling_first(people: SearchIndex) -> None:
    assert _ids(people, "Nguyễn Văn Ân")[:2] == ["holder-an-accent", "holder-an"]
    assert _ids(people, "nguyễn văn an")[:2] == ["holder-an", "holder-an-accent"]


def test_holder_first_though_a_newer_record_names_a_signer(people: SearchIndex) -> None:
    found = _ids(people, "tran thi hoa")
    assert found[0] == "holder-hoa" and "hoa-signer" in found


def test_name_bonus_keeps_filters_and_paging(people: SearchIndex) -> None:
    assert _ids(people, "nguyen van an", document_type="Báo cáo") == ["culture"]
    first, second = _ids(people, "nguyen van an", limit=1), _ids(people, "nguyen van an", limit=1, offset=1)
    assert first + second == _ids(people, "nguyen van an")[:2]


def test_hits_carry_masked_id_and_birth_year(people: SearchIndex) -> None:
    hits = {h.record_id: h for h in people.search(SearchQuery(text="", limit=50)).hits}
    assert (hits["holder-an"].masked_citizen_id, hits["holder-an"].birth_year) == ("•••1440", 1985)
    assert (hits["holder-an-accent"].masked_citizen_id, hits["holder-an-accent"].birth_year) == ("•••0777", 2001)
    assert (hits["holder-hoa"].masked_citizen_id, hits["holder-hoa"].birth_year) == ("•••3333", 1992)
    assert (hits["hoa-signer"].masked_citizen_id, hits["hoa-signer"].birth_year) == ("•••4567", None)  # CMND
    assert (hits["culture"].masked_citizen_id, hits["culture"].birth_year) == (None, None)


def test_result_json_never_holds_a_full_id(people: SearchIndex) -> None:
    body = json.dumps(result_json(people.search(SearchQuery(text="", limit=50))), ensure_ascii=False)
    for full in (ID_AN, ID_AN_ACCENT, ID_HOA, CMND):
        assert full not in body
    assert "•••1440" in body and '"birth_year": 1985' in body


def test_snippets_mask_id_shaped_numbers(people: SearchIndex) -> None:
    [snippet] = next(h for h in people.search(SearchQuery(text="tran thi hoa")).hits
                     if h.record_id == "holder-hoa").highlights
    assert "•••3333" in snippet.text and ID_HOA not in snippet.text
    assert "•••4567" in snippet.text and "201 234 567" not in snippet.text
    assert "0905123456" in snippet.text  # 10 digits: a phone number, not an ID


def test_empty_query_lists_newest_first(people: SearchIndex) -> None:
    assert _ids(people, "")[:3] == ["hoa-signer", "culture", "signer"]


def test_mask_keeps_the_last_four_digits() -> None:
    assert mask_citizen_id("049085001440") == "•••1440"
