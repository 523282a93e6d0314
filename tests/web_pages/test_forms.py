"""The pure form logic of the search and record pages."""

from __future__ import annotations

from datetime import date

from repository.schema import RecordMetadata
from web.pages.base import local_target
from web.pages.record_form import EDIT_FIELDS, form_values, parse_changes, parse_date
from web.pages.search_form import citizen_id_in, page_numbers, parse_search_args, to_query


def test_the_box_recognises_citizen_ids_only_when_it_holds_nothing_else() -> None:
    assert citizen_id_in("049085001234") == "049085001234"
    assert citizen_id_in(" 049 085 001 234 ") == "049085001234"
    assert citizen_id_in("201234567") == "201234567"
    assert citizen_id_in("49085001234") == "49085001234"
    for text in ("07/QĐ-UBND", "nguyen van an", "12345", "0490850012345", "số 049085001234"):
        assert citizen_id_in(text) is None, text


def test_search_arguments_are_normalised_and_bad_ones_dropped() -> None:
    form = parse_search_args({"q": "  nguye\u0302\u0303n  văn ", "type": "Quyết định", "year": "2019", "page": "3",
                              "status": "revoked", "review": "1", "sort": "date"})
    assert form.q == "nguyễn văn" and form.year == 2019 and form.page == 3 and form.needs_review
    bad = parse_search_args({"year": "19", "page": "0", "status": "gone", "sort": "x"})
    assert bad.year is None and bad.page == 1 and bad.status is None and bad.sort == "relevance"
    query = to_query(form, None)
    assert query.date_from == date(2019, 1, 1) and query.date_to == date(2019, 12, 31)
    assert query.offset == 40 and query.review_state == "needs_review" and query.text == "nguyễn văn"
    assert to_query(form, "049085001234").text == ""


def test_filter_links_keep_the_other_filters_and_reset_the_page() -> None:
    form = parse_search_args({"q": "đất", "type": "Quyết định", "page": "4"})
    assert form.args(year=2020) == {"q": "đất", "type": "Quyết định", "year": "2020"}
    assert form.args(type=None) == {"q": "đất"}
    assert form.args(page=2) == {"q": "đất", "type": "Quyết định", "page": "2"}


def test_page_numbers_show_ends_and_neighbours() -> None:
    assert page_numbers(1, 1) == []
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]


def test_metadata_form_changes_and_errors() -> None:
    meta = RecordMetadata(citizen_ids=("049085001234",), holder_name="Nguyễn Văn An", issued_on=date(2024, 3, 1))
    values = form_values(meta, EDIT_FIELDS)
    assert values["citizen_ids"] == "049085001234" and values["issued_on"] == "01/03/2024"
    same = parse_changes(values, meta, EDIT_FIELDS)
    assert same.changes == {} and same.errors == {}
    changed = parse_changes({"holder_name": " Nguye\u0302\u0303n   Văn Ân ", "citizen_ids": "049085001234, 49190001111",
                             "issued_on": "02/03/2024", "summary": ""}, meta, EDIT_FIELDS)
    assert changed.errors == {}
    assert changed.changes == {"holder_name": "Nguyễn Văn Ân", "citizen_ids": ("049085001234", "049190001111"),
                               "issued_on": date(2024, 3, 2)}
    bad = parse_changes({"citizen_ids": "049085001234\n12", "issued_on": "2024-13-01",
                         "valid_from": "2025-01-01", "valid_until": "2024-01-01"}, meta, EDIT_FIELDS)
    assert bad.errors == {"citizen_ids": "bad_citizen_id", "issued_on": "bad_date", "valid_until": "before_start"}
    assert bad.changes == {} and bad.values["citizen_ids"] == "049085001234\n12"


def test_dates_in_both_spellings() -> None:
    assert parse_date("2024-03-05") == date(2024, 3, 5) and parse_date("05/03/2024") == date(2024, 3, 5)
    assert parse_date("  ") is None


def test_local_targets_only() -> None:
    assert local_target("/search?q=a") == "/search?q=a"
    for bad in ("//evil.example", "https://evil.example/x", "javascript:alert(1)", "/\\evil", "search"):
        assert local_target(bad) == "/", bad
