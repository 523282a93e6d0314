"""The statistics page's per-locality table on both index backends: each number is the size of the
search its link runs (the search page's own form), old and new place names counted alike."""

from __future__ import annotations

from dataclasses import replace

from search.index import SearchIndex
from web.pages.search_form import parse_search_args, to_query
from web.pages.stats_localities import MEASURES, LocalityRow, count_table, search_args

REUSED = ("rec-02", "rec-05", "not-indexed")


def test_rows_totals_and_order(shared: SearchIndex) -> None:
    table = count_table(shared, REUSED)
    assert [(r.locality, r.digitized, r.in_review, r.revoked, r.reused) for r in table.rows] == [
        ("huyện Bắc Trà My", 4, 0, 0, 1),  # the old district and the new commune xã Trà My formed from it
        ("xã Trà My", 4, 0, 0, 1),
        ("thành phố Hội An", 2, 0, 0, 0),
        ("thành phố Tam Kỳ", 2, 1, 0, 0),
        ("huyện Nam Trà My", 1, 0, 1, 1),
        ("huyện Đại Lộc", 1, 0, 0, 0),
    ]
    assert table.totals == LocalityRow("", 10, 1, 1, 2)  # each record once


def test_every_number_is_the_size_of_its_link(shared: SearchIndex) -> None:
    table = count_table(shared, REUSED)
    for row in (*table.rows, table.totals):
        for measure in MEASURES:
            query = to_query(parse_search_args(search_args(row.locality, measure)), None, REUSED)
            found = shared.search(replace(query, limit=100))
            assert len(found.hits) == found.total == row.count(measure), (row.locality, measure)


def test_nothing_reused_and_an_empty_index(shared: SearchIndex, index: SearchIndex) -> None:
    assert {r.reused for r in count_table(shared, ()).rows} == {0}
    empty = count_table(index, REUSED)
    assert empty.rows == () and empty.totals == LocalityRow("", 0, 0, 0, 0)
