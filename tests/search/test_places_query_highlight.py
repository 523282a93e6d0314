"""search.places (old/new names), search.query (plans, filters) and search.highlight (snippets)."""

from __future__ import annotations

from datetime import date

import pytest

from kho.errors import UsageError
from search.highlight import highlight_pages, match_ranges
from search.index import SearchQuery
from search.places import build_table, load_places, locality_keys, place_key, query_keys
from search.query import Phrase, Term, plan_filters, plan_text

# Places


@pytest.mark.parametrize(
    ("name", "expected"),
    [("xã Trà Sơn", "tra son"), ("Huyện Bắc Trà My", "bac tra my"), ("TP. Tam Kỳ", "tam ky"),
     ("thị trấn Trà My", "tra my"), ("thành phố Đà Nẵng", "da nang"), ("Xã", "xa"), ("Hội An", "hoi an")],
)
def test_place_key_drops_the_administrative_prefix(name: str, expected: str) -> None:
    assert place_key(name) == expected


def test_old_commune_is_related_to_its_new_commune_district_and_provinces() -> None:
    keys = set(locality_keys("xã Trà Sơn", load_places()))
    assert {"tra son", "tra my", "bac tra my", "quang nam", "da nang"} <= keys
    assert "tra tan" not in keys  # a sibling new commune is not the same place


def test_new_commune_is_related_to_the_old_communes_merged_into_it() -> None:
    keys = set(locality_keys("Phường Hội An Tây, thành phố Đà Nẵng", load_places()))
    assert {"hoi an tay", "cam ha", "thanh ha", "tan an", "cam an", "hoi an", "quang nam", "da nang"} <= keys
    assert "minh an" not in keys


def test_unknown_place_is_only_itself() -> None:
    assert locality_keys("xã Ba Vì, Hà Nội", load_places()) == ("ba vi", "ha noi")
    assert locality_keys(None, load_places()) == ()


def test_table_from_rows() -> None:
    table = build_table([{"new_unit": "B", "old_unit": "A", "old_district": "D"}], districts=("D",))
    assert table.expand("a") >= {"a", "b", "d"}
    assert "quang nam" in table.expand("d")


def test_query_keys_are_the_typed_parts() -> None:
    assert query_keys("xã Trà Sơn, huyện Bắc Trà My") == ("tra son", "bac tra my")


# Query plans


def test_plan_splits_terms_phrases_and_proximity() -> None:
    plan = plan_text('quyết dinh "nhà ở" 07/QĐ-UBND')
    assert plan.terms == (Term("quyet", "quyết"), Term("dinh", None))
    assert plan.phrases == (Phrase(("nha", "o"), ("nhà", "ở")), Phrase(("07", "qd", "ubnd"), ("07", "qđ", "ubnd")))
    assert plan.proximity == Phrase(("quyet", "dinh"), ("quyết", "dinh"))
    assert plan.document_number is None


def test_plan_recognises_a_document_number() -> None:
    assert plan_text("Số: 07/QĐ-UBND").document_number == "7/QD-UBND"
    assert plan_text("15/2021/QĐ-UBND").document_number == "15/2021/QD-UBND"
    assert plan_text("quyết định 07").document_number is None


def test_plan_of_punctuation_is_empty() -> None:
    assert plan_text(" ?! -- ").empty
    assert plan_text("").empty


def test_plan_accepts_smart_quotes_and_unclosed_quotes() -> None:
    assert plan_text("“sức khỏe”").phrases == (Phrase(("suc", "khoe"), ("sức", "khỏe")),)
    assert plan_text('"sức khỏe').phrases == (Phrase(("suc", "khoe"), ("sức", "khỏe")),)


def test_filters_are_normalised() -> None:
    f = plan_filters(SearchQuery(citizen_id="49085001234", document_type=" QUYẾT  định", issuer="Bắc Trà My",
                                 locality="Trà Sơn", status="valid", date_from=date(2020, 1, 2)))
    assert f.citizen_ids == ("049085001234",)
    assert f.document_type_key == "quyet dinh"
    assert f.issuer_tokens == ("bac", "tra", "my")
    assert f.locality_keys == ("tra son",)
    assert (f.status, f.date_from, f.date_to) == ("valid", "2020-01-02", None)


def test_blank_filters_are_no_filters() -> None:
    assert plan_filters(SearchQuery(citizen_id=" ", issuer="", locality=None)).citizen_ids is None


@pytest.mark.parametrize(
    "query",
    [SearchQuery(review_state="done"), SearchQuery(offset=-1), SearchQuery(limit=5000),
     SearchQuery(issuer="--"), SearchQuery(citizen_id="12-34")],
)
def test_bad_filters_are_usage_errors(query: SearchQuery) -> None:
    with pytest.raises(UsageError):
        plan_filters(query)


# Highlights


def test_match_ranges_are_accent_insensitive_and_merged() -> None:
    text = "Cấp cho ông NGUYỄN VĂN AN, thôn 2"
    ranges = match_ranges(text, frozenset({"nguyen", "van", "an"}), ())
    assert [text[s:e] for s, e in ranges] == ["NGUYỄN VĂN AN"]


def test_phrases_mark_only_adjacent_occurrences() -> None:
    text = "quyết tâm theo quy định; Quyết định số 5"
    ranges = match_ranges(text, frozenset(), [("quyet", "dinh")])
    assert [text[s:e] for s, e in ranges] == ["Quyết định"]


def test_highlights_one_snippet_per_matching_page() -> None:
    pages = ["không có gì", "Thửa đất số 123 <b>", "ĐẤT Ở", "đất", "đất nữa"]
    found = highlight_pages(pages, plan_text("dat"))
    assert [h.page for h in found] == [2, 3, 4]  # at most three
    assert found[0].text == "Thửa <mark>đất</mark> số 123 &lt;b&gt;"


def test_long_pages_are_cut_around_the_first_match() -> None:
    page = ("mở đầu " * 60) + "giải phóng mặt bằng" + (" kết thúc" * 60)
    (snippet,) = highlight_pages([page], plan_text('"giai phong"'))
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert "<mark>giải phóng</mark>" in snippet.text
    assert len(snippet.text) < 260


def test_no_terms_no_highlights() -> None:
    assert highlight_pages(["đất"], plan_text("")) == ()


def test_proximity_order_moves_adjacent_hits_first_within_the_window() -> None:
    from search.query import proximity_order

    assert proximity_order([1, 2, 3, 4, 5], {2, 4, 5}, window=4) == [2, 4, 1, 3, 5]
    assert proximity_order([], {1}) == []


def test_contains_phrase_needs_whole_consecutive_tokens() -> None:
    from search.query import contains_phrase

    assert contains_phrase("ve viec quyet dinh so", ("quyet", "dinh"))
    assert not contains_phrase("quyet dinhx", ("quyet", "dinh"))
    assert not contains_phrase("quyet _ dinh", ("quyet", "dinh"))


def test_rescoring_applies_to_relevance_pages_within_the_window() -> None:
    from search.query import rescores

    plan = plan_text("quyết định")
    assert rescores(plan, SearchQuery(text="quyết định"))
    assert not rescores(plan, SearchQuery(text="quyết định", sort="date"))
    assert not rescores(plan, SearchQuery(text="quyết định", offset=100))
    assert not rescores(plan_text('"quyết định"'), SearchQuery(text='"quyết định"'))
