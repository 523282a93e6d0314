"""The SearchIndex contract, run against SQLite FTS5 and the real Elasticsearch alike."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import replace
from datetime import date

import pytest
from search_corpus import CMND_HOA, ID_AN, ID_BINH, NEWEST_FIRST, corpus

from kho.errors import UsageError
from search.index import IndexDocument, SearchIndex, SearchQuery, SearchResult


def ids(result: SearchResult) -> list[str]:
    return [h.record_id for h in result.hits]


def run(index: SearchIndex, **kwargs: object) -> SearchResult:
    kwargs.setdefault("limit", 50)
    return index.search(SearchQuery(**kwargs))  # type: ignore[arg-type]


# Listing and lifecycle


def test_empty_index_lists_nothing(index: SearchIndex) -> None:
    result = run(index)
    assert (result.total, result.hits, index.count(), index.versions()) == (0, (), 0, {})


def test_no_query_lists_every_record_newest_first(shared: SearchIndex) -> None:
    result = run(shared)
    assert result.total == len(corpus()) == shared.count()
    assert ids(result) == NEWEST_FIRST  # undated last; equal dates by record ID
    assert {h.score for h in result.hits} == {0.0}


def test_hit_carries_display_fields(shared: SearchIndex) -> None:
    hit = run(shared, citizen_id=ID_BINH).hits[0]
    assert hit.record_id == "rec-02"
    assert (hit.document_type, hit.document_number, hit.issued_on) == ("Giấy phép xây dựng", "15/GPXD",
                                                                      date(2025, 8, 1))
    assert (hit.issuer, hit.holder_name, hit.citizen_ids) == ("UBND xã Trà My", "Trần Thị Bình", (ID_BINH,))
    assert (hit.locality, hit.status, hit.review_state) == ("xã Trà My, thành phố Đà Nẵng", "valid", "none")


def test_hit_carries_page_count_and_validity(loaded: SearchIndex) -> None:
    doc = next(d for d in corpus() if d.record_id == "rec-02")
    valid = replace(doc, version=2, page_count=3, valid_until=date(2030, 12, 31))
    assert loaded.index_documents([valid], refresh=True).failures == ()
    hit = run(loaded, citizen_id=ID_BINH).hits[0]
    assert (hit.record_id, hit.page_count, hit.valid_until) == ("rec-02", 3, date(2030, 12, 31))


def test_reindexing_the_same_documents_is_idempotent(loaded: SearchIndex) -> None:
    result = loaded.index_documents(corpus(), refresh=True)
    assert (result.indexed, result.failures) == (len(corpus()), ())
    assert loaded.count() == len(corpus())
    assert loaded.versions() == {d.record_id: 1 for d in corpus()}


def test_a_newer_version_replaces_and_an_older_one_is_refused(loaded: SearchIndex) -> None:
    doc = next(d for d in corpus() if d.record_id == "rec-08")
    newer = replace(doc, version=3, document_type="Biên bản họp", pages=("Nội dung mới: kiểm kê tài sản",))
    assert loaded.index_documents([newer], refresh=True).failures == ()
    assert ids(run(loaded, text="kiểm kê")) == ["rec-08"]
    assert run(loaded, text="giải phóng mặt bằng").total == 0
    stale = loaded.index_documents([replace(doc, version=2)], refresh=True)
    assert stale.indexed == 0
    assert [f.record_id for f in stale.failures] == ["rec-08"]
    assert "version" in stale.failures[0].reason
    assert loaded.versions()["rec-08"] == 3


def test_delete_document(loaded: SearchIndex) -> None:
    loaded.delete_document("rec-03", refresh=True)
    loaded.delete_document("no-such-record")
    assert "rec-03" not in loaded.versions()
    assert run(loaded, citizen_id=CMND_HOA).total == 0


def test_rebuild_switches_to_exactly_the_new_documents(loaded: SearchIndex) -> None:
    fresh = [replace(d, version=2) for d in corpus()[:4]]
    result = loaded.rebuild(fresh)
    assert (result.indexed, result.failures) == (4, ())
    assert loaded.versions() == {d.record_id: 2 for d in fresh}
    assert run(loaded).total == 4
    assert ids(run(loaded, citizen_id=ID_AN)) == ["rec-01"]


# Citizen IDs


@pytest.mark.parametrize("typed", [ID_AN, ID_AN[1:], "049 085 001 234", "049.085.001.234"])
def test_citizen_id_lookup_accepts_common_forms(shared: SearchIndex, typed: str) -> None:
    result = run(shared, citizen_id=typed)
    assert sorted(ids(result)) == ["rec-01", "rec-06"]


def test_citizen_id_lookup_finds_old_cmnd(shared: SearchIndex) -> None:
    assert ids(run(shared, citizen_id=CMND_HOA)) == ["rec-03"]


def test_unknown_citizen_id_finds_nothing(shared: SearchIndex) -> None:
    assert run(shared, citizen_id="049085009999").total == 0


@pytest.mark.parametrize("garbage", ["12345", "abc", "0490850012345678"])
def test_garbage_citizen_id_is_a_usage_error(shared: SearchIndex, garbage: str) -> None:
    with pytest.raises(UsageError) as info:
        run(shared, citizen_id=garbage)
    assert garbage not in info.value.one_line()


# Full text and Vietnamese handling


def test_unaccented_query_finds_accented_text(shared: SearchIndex) -> None:
    assert sorted(ids(run(shared, text="giay phep xay dung"))) == ["rec-01", "rec-02"]
    assert ids(run(shared, text="khe tan")) == ["rec-10"]


def test_d_stroke_folds_to_d(shared: SearchIndex) -> None:
    assert "rec-06" in ids(run(shared, text="dat o"))
    assert "rec-02" in ids(run(shared, text="Da Nang"))  # the locality is searchable text too


def test_accented_query_ranks_exact_accent_first(shared: SearchIndex) -> None:
    result = run(shared, text="khỏe")  # rec-02 has "khoẻ" (other tone placement), rec-09 "khoe"
    assert ids(result) == ["rec-02", "rec-09"]
    assert result.hits[0].score > result.hits[1].score
    assert sorted(ids(run(shared, text="khoe"))) == ["rec-02", "rec-09"]


def test_tone_placement_variants_are_equal(shared: SearchIndex) -> None:
    assert ids(run(shared, text="Thủy lợi")) == ids(run(shared, text="Thuỷ lợi")) == ["rec-10"]
    assert ids(run(shared, text="sức khoẻ")) == ids(run(shared, text="sức khỏe")) == ["rec-02"]


def test_decomposed_and_uppercase_queries_match(shared: SearchIndex) -> None:
    assert ids(run(shared, text=unicodedata.normalize("NFD", "hỗ trợ hộ nghèo"))) == ["rec-05"]
    assert ids(run(shared, text="HỖ TRỢ HỘ NGHÈO")) == ["rec-05"]


def test_all_words_are_required(shared: SearchIndex) -> None:
    assert ids(run(shared, text="nghèo Tam Kỳ")) == []


def test_phrase_requires_adjacent_words(shared: SearchIndex) -> None:
    apart = run(shared, text="quyết định pháp luật")
    assert ids(apart) == ["rec-07"]  # the words occur, apart
    assert run(shared, text='"quyết định" "pháp luật"').total == 0
    phrase = ids(run(shared, text='"quyet dinh"'))
    assert "rec-07" not in phrase and {"rec-01", "rec-04", "rec-05", "rec-10"} <= set(phrase)


def test_phrase_does_not_span_pages(shared: SearchIndex) -> None:
    # rec-01 page 1 ends "nhà ở", page 2 starts "Điều 1."
    assert run(shared, text='"nhà ở điều"').total == 0
    assert ids(run(shared, text='"nhà ở tại thôn"')) == ["rec-01"]


def test_adjacent_words_rank_above_scattered_ones(shared: SearchIndex) -> None:
    # rec-07 has both words, apart; rec-01, rec-05 and rec-10 have them together, accented.
    order = ids(run(shared, text="quyết định", sort="relevance"))
    assert order.index("rec-07") > max(order.index(r) for r in ("rec-01", "rec-05", "rec-10"))


def test_document_number_query_ignores_leading_zeros_and_accents(shared: SearchIndex) -> None:
    assert ids(run(shared, text="Số: 7/QD-UBND")) == ["rec-01"]
    assert ids(run(shared, text="07/QĐ-UBND"))[0] == "rec-01"


def test_highlights_give_page_numbers_and_marks(shared: SearchIndex) -> None:
    hit = run(shared, text="nguyen van an").hits[0]
    assert hit.record_id == "rec-01"
    assert [h.page for h in hit.highlights] == [2]
    assert "<mark>Nguyễn Văn An</mark>" in hit.highlights[0].text
    several = run(shared, text="dat").hits
    rec06 = next(h for h in several if h.record_id == "rec-06")
    assert [h.page for h in rec06.highlights] == [1, 2]
    assert "<mark>ĐẤT</mark>" in rec06.highlights[0].text


def test_no_text_means_no_highlights(shared: SearchIndex) -> None:
    assert all(h.highlights == () for h in run(shared).hits)


# Filters and facets


def test_filter_by_type_ignores_case_and_accents(shared: SearchIndex) -> None:
    expected = ["rec-01", "rec-10", "rec-04", "rec-05"]
    assert ids(run(shared, document_type="Quyết định")) == expected
    assert ids(run(shared, document_type="quyet dinh")) == expected


def test_filter_by_issuer_matches_words_of_the_name(shared: SearchIndex) -> None:
    assert ids(run(shared, issuer="Bắc Trà My")) == ["rec-01"]
    assert ids(run(shared, issuer="ubnd xa tra my")) == ["rec-07", "rec-02"]


@pytest.mark.parametrize(
    ("locality", "expected"),
    [
        ("Bắc Trà My", {"rec-01", "rec-02", "rec-07", "rec-08"}),  # old district and the new commune
        ("xã Trà My", {"rec-01", "rec-02", "rec-07", "rec-08"}),  # new commune formed from Trà Sơn …
        ("Trà Sơn", {"rec-01", "rec-02", "rec-07", "rec-08"}),
        ("Tam Kỳ", {"rec-03", "rec-09"}),
        ("Hội An Tây", {"rec-06"}),
        ("Nam Trà My", {"rec-05"}),
    ],
)
def test_filter_by_locality_relates_old_and_new_names(
    shared: SearchIndex, locality: str, expected: set[str]
) -> None:
    assert set(ids(run(shared, locality=locality))) == expected


def test_locality_da_nang_finds_former_quang_nam(shared: SearchIndex) -> None:
    assert run(shared, locality="Đà Nẵng").total == len(corpus())
    assert run(shared, locality="Quảng Nam").total == len(corpus())


def test_filter_by_status_review_and_dates(shared: SearchIndex) -> None:
    assert ids(run(shared, status="revoked")) == ["rec-05"]
    assert ids(run(shared, review_state="needs_review")) == ["rec-03"]
    assert ids(run(shared, date_from=date(2022, 2, 9), date_to=date(2023, 12, 31))) == [
        "rec-06", "rec-01", "rec-08"]
    with pytest.raises(UsageError):
        run(shared, status="lost")
    with pytest.raises(UsageError):
        run(shared, date_from=date(2024, 1, 1), date_to=date(2023, 1, 1))


def test_filters_combine_with_text_and_id(shared: SearchIndex) -> None:
    assert ids(run(shared, text="đất", citizen_id=ID_AN)) == ["rec-06"]
    found = run(shared, text="quyết định", document_type="Quyết định", date_from=date(2020, 1, 1))
    assert sorted(ids(found)) == ["rec-01", "rec-10"]


def test_facets_count_the_matching_records(shared: SearchIndex) -> None:
    facets = run(shared).facets
    assert {f.value: f.count for f in facets["document_type"]}["Quyết định"] == 4
    assert facets["document_type"][0].value == "Quyết định"
    assert {f.value: f.count for f in facets["year"]} == {
        "2025": 2, "2022": 2, "2024": 1, "2023": 1, "2021": 1, "2019": 1, "2018": 1}
    assert {f.value: f.count for f in facets["status"]} == {"valid": 8, "superseded": 1, "revoked": 1}
    assert {f.value: f.count for f in facets["review_state"]} == {"none": 8, "needs_review": 1, "reviewed": 1}
    assert {f.value: f.count for f in facets["issuer"]}["UBND xã Trà My"] == 2
    assert {f.value: f.count for f in facets["locality"]}["xã Trà My, thành phố Đà Nẵng"] == 2
    filtered = run(shared, citizen_id=ID_AN).facets
    assert {f.value: f.count for f in filtered["document_type"]} == {
        "Quyết định": 1, "Giấy chứng nhận quyền sử dụng đất": 1}


def test_facets_can_be_skipped(shared: SearchIndex) -> None:
    assert run(shared, with_facets=False).facets == {}


def test_facet_size_bounds_the_values_of_each_facet(shared: SearchIndex) -> None:
    localities = {d.locality for d in corpus() if d.locality}
    assert len(run(shared, facet_size=2).facets["locality"]) == 2
    every = run(shared, facet_size=1000).facets["locality"]
    assert {f.value for f in every} == localities and sum(f.count for f in every) == len(corpus())
    with pytest.raises(UsageError):
        run(shared, facet_size=0)


def test_filter_by_record_ids_combines_with_the_other_filters(shared: SearchIndex) -> None:
    assert sorted(ids(run(shared, record_ids=("rec-02", "rec-05", "no-such")))) == ["rec-02", "rec-05"]
    assert ids(run(shared, record_ids=("rec-02", "rec-05"), status="revoked")) == ["rec-05"]
    assert ids(run(shared, record_ids=("rec-01", "rec-03"), locality="Bắc Trà My")) == ["rec-01"]
    found = run(shared, record_ids=("rec-01", "rec-03"))
    assert {f.value: f.count for f in found.facets["review_state"]} == {"none": 1, "needs_review": 1}
    assert run(shared, record_ids=()).total == 0  # none asked: none found, not every record


# Sorting and pagination


def test_sort_by_date_overrides_relevance(shared: SearchIndex) -> None:
    assert ids(run(shared, text="quyết định", sort="date")) == [
        d for d in NEWEST_FIRST if d in {"rec-01", "rec-04", "rec-05", "rec-07", "rec-10"}]


def test_pagination_is_stable_and_complete(shared: SearchIndex) -> None:
    pages = [ids(run(shared, limit=3, offset=o)) for o in range(0, 12, 3)]
    assert [r for page in pages for r in page] == NEWEST_FIRST
    assert run(shared, limit=3, offset=3).total == len(corpus())
    assert run(shared, offset=100).hits == ()


def test_relevance_ties_break_by_date_then_record_id(shared: SearchIndex) -> None:
    first = ids(run(shared, text="ubnd"))
    assert first == ids(run(shared, text="ubnd"))
    assert len(first) == len(set(first))


@pytest.mark.parametrize("limit", [-1, 1001])
def test_bad_window_is_a_usage_error(shared: SearchIndex, limit: int) -> None:
    with pytest.raises(UsageError):
        run(shared, limit=limit)


def test_many_documents_page_through(index: SearchIndex) -> None:
    docs = [IndexDocument(record_id=f"bulk-{i:04d}", version=1, document_type="Thông báo",
                          issued_on=date(2020, 1, 1 + i % 28), pages=(f"thông báo số {i}",))
            for i in range(1200)]
    result = index.index_documents(docs, refresh=True)
    assert (result.indexed, result.failures) == (1200, ())
    seen = [r for o in range(0, 1200, 400) for r in ids(index.search(SearchQuery(limit=400, offset=o)))]
    assert len(seen) == len(set(seen)) == 1200
    assert index.search(SearchQuery(text="thong bao")).total == 1200


def test_citizen_ids_never_reach_the_log(loaded: SearchIndex, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        run(loaded, citizen_id=ID_AN)
        loaded.index_documents([replace(corpus()[0], version=2)], refresh=True)
        with pytest.raises(UsageError):
            run(loaded, citizen_id="0490850")
    assert ID_AN not in caplog.text and "0490850" not in caplog.text


def test_adjacent_words_first_within_the_rescoring_window_and_pages_agree(index: SearchIndex) -> None:
    docs = [IndexDocument(record_id=f"p-{i:03d}", version=1, issued_on=date(2020, 1, 1 + i % 28),
                          pages=(("quyết định " if i % 3 == 0 else "quyết tâm theo quy định ") + "chữ " * (i % 7),))
            for i in range(130)]
    assert index.index_documents(docs, refresh=True).failures == ()
    whole = ids(index.search(SearchQuery(text="quyết định", limit=200, with_facets=False)))
    paged = [r for o in range(0, 130, 25)
             for r in ids(index.search(SearchQuery(text="quyết định", limit=25, offset=o, with_facets=False)))]
    assert paged == whole and len(whole) == 130
    adjacent = {d.record_id for i, d in enumerate(docs) if i % 3 == 0}
    head = whole[:100]
    first_apart = next(i for i, r in enumerate(head) if r not in adjacent)
    assert all(r not in adjacent for r in head[first_apart:])
    assert set(head[:first_apart]) <= adjacent and first_apart == len(adjacent)


def test_exact_accent_first_then_date_then_id_and_pages_agree(index: SearchIndex) -> None:
    docs = [IndexDocument(record_id=f"b-{i:03d}", version=1, issued_on=date(2021, 1 + i % 12, 1),
                          pages=("hợp đồng mua bán nhà" if i % 3 == 0 else "hợp đồng ban hành nhà",))
            for i in range(40)]
    assert index.index_documents(docs, refresh=True).failures == ()
    whole = ids(index.search(SearchQuery(text="bán", limit=100, with_facets=False)))
    paged = [r for o in range(0, 40, 7)
             for r in ids(index.search(SearchQuery(text="bán", limit=7, offset=o, with_facets=False)))]
    assert paged == whole

    def newest_first(group: list[IndexDocument]) -> list[str]:
        by_id = sorted(group, key=lambda d: d.record_id)
        return [d.record_id for d in sorted(by_id, key=lambda d: d.issued_on or date.min, reverse=True)]

    exact = [d for i, d in enumerate(docs) if i % 3 == 0]
    folded_only = [d for i, d in enumerate(docs) if i % 3]
    assert whole == newest_first(exact) + newest_first(folded_only)
