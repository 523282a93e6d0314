"""The search page: one box (citizen ID, document number, words with or without accents), facets,
highlighted snippets with page numbers, thumbnails, paging; every results page is audited."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from pages_helpers import Doc, text_of

from kho.backends import Backends


def _hits(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/records/(kho-[0-9a-f]{20})">', page)


def test_the_empty_search_page_shows_the_newest_records(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    older, newer = make_doc(holder_name="Lê Văn Bình"), make_doc(holder_name="Trần Thị Hoà")
    page = text_of(as_user("can-bo").get("/search"))
    assert 'role="search"' in page and '<label for="q"' in page
    assert "Hồ sơ mới nhất (trong 2 hồ sơ)" in page and "Tìm thấy" not in page
    assert _hits(page) == [newer.record_id, older.record_id]


def test_unaccented_words_find_accented_text_with_highlights_and_page_numbers(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    doc = make_doc(holder_name="Trần Thị Hoà")
    make_doc(holder_name="Lê Văn Bình")
    page = text_of(as_user("can-bo").get("/search?q=tran+thi+hoa"))
    assert _hits(page) == [doc.record_id]
    assert "<mark>Trần Thị Hoà</mark>" in page
    assert f'href="/records/{doc.record_id}#trang-1"' in page and "Trang 1</a>" in page
    assert f'src="/records/{doc.record_id}/thumbs/1"' in page


def test_a_citizen_id_in_the_box_searches_by_id_and_is_audited(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    mine = make_doc(citizen_ids=("049190001111",))
    make_doc(citizen_ids=("048085002222",))
    client = as_user("can-bo", purpose="Giải quyết hồ sơ đất đai")
    page = text_of(client.get("/search?q=049+190+001+111"))
    assert _hits(page) == [mine.record_id]
    assert "đã được ghi nhật ký" in page
    events = backends.catalog.query_audit(citizen_id="049190001111")
    assert [e.action for e in events] == ["search"]
    assert events[0].actor == "can-bo" and events[0].actor_kind == "user"
    assert events[0].purpose == "Giải quyết hồ sơ đất đai"
    assert events[0].details["record_ids"] == [mine.record_id]


def test_every_results_page_is_audited_with_the_default_purpose(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    make_doc()
    as_user("can-bo").get("/search?q=giay+phep")
    events = backends.catalog.query_audit(actor="can-bo")
    assert len(events) == 1 and events[0].action == "search"
    assert events[0].purpose == "Tra cứu hồ sơ"
    assert events[0].details["text"] == "giay phep"


def test_a_document_number_finds_its_document(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    docs = [make_doc(document_number=f"{n}/QĐ-UBND", document_type="Quyết định") for n in (7, 8)]
    page = text_of(as_user("can-bo").get("/search?q=07/QĐ-UBND"))
    assert _hits(page)[0] == docs[0].record_id


def test_facets_count_and_filter(as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]) -> None:
    make_doc(document_type="Quyết định")
    permits = [make_doc(), make_doc()]
    client = as_user("can-bo")
    page = text_of(client.get("/search?q=tra+son"))
    assert "Loại văn bản" in page and "Năm ban hành" in page and "Tình trạng" in page
    link = re.search(r'<a href="([^"]+)"\s*>\s*Giấy phép xây dựng</a>\s*<span class="count">2</span>', page)
    assert link, page[page.find('class="facets"'):][:2000]
    filtered = text_of(client.get(link.group(1).replace("&amp;", "&")))
    assert sorted(_hits(filtered)) == sorted(d.record_id for d in permits)
    assert 'aria-current="true" class="active"' in filtered
    assert "Bỏ lọc:" in filtered


def test_filters_by_year_status_and_review(as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]) -> None:
    from datetime import date

    old = make_doc(issued_on=date(2019, 5, 5))
    flagged = make_doc(review_state="needs_review")
    revoked = make_doc(status="revoked")
    client = as_user("can-bo")
    assert _hits(text_of(client.get("/search?year=2019"))) == [old.record_id]
    assert _hits(text_of(client.get("/search?review=1"))) == [flagged.record_id]
    assert _hits(text_of(client.get("/search?status=revoked"))) == [revoked.record_id]


def test_results_are_paged(as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]) -> None:
    made = {make_doc().record_id for _ in range(23)}
    client = as_user("can-bo")
    first = text_of(client.get("/search?q=nguyen+van+an"))
    assert "Tìm thấy 23 hồ sơ" in first and "hiển thị 1–20" in first
    assert 'aria-label="Phân trang"' in first and 'rel="next"' in first
    second = text_of(client.get("/search?q=nguyen+van+an&page=2"))
    assert len(_hits(second)) == 3 and '<ol class="hits" start="21">' in second
    assert set(_hits(first)) | set(_hits(second)) == made


def test_thumbnails_only_for_listed_or_opened_records(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    doc = make_doc()
    client = as_user("can-bo")
    assert client.get(f"/records/{doc.record_id}/thumbs/1").status_code == 403
    client.get("/search?q=nguyen")
    response = client.get(f"/records/{doc.record_id}/thumbs/1")
    assert response.status_code == 200 and response.mimetype == "image/png"
    missing = client.get(f"/records/{doc.record_id}/thumbs/9")
    assert missing.status_code == 200 and missing.mimetype == "image/svg+xml"


def test_a_bad_filter_value_is_ignored_not_an_error(as_user: Callable[..., FlaskClient]) -> None:
    response = as_user("can-bo").get("/search?q=x&year=abcd&status=zzz&page=-3")
    assert response.status_code == 200


def test_citizen_ids_never_reach_the_log(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], caplog: pytest.LogCaptureFixture
) -> None:
    doc = make_doc(citizen_ids=("049190001111",))
    client = as_user("can-bo")
    with caplog.at_level(logging.DEBUG):
        client.get("/search?q=049190001111")
        client.get(f"/records/{doc.record_id}")
        client.get("/search?q=" + "9" * 12)
    assert all("049190001111" not in r.getMessage() and "9" * 12 not in r.getMessage() for r in caplog.records)
