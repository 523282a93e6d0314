"""Pick-lists (``<datalist>``) for type, issuer and place in the search filters, the edit form and the
review form: the known document types, the communes and wards of the place table, the issuers in the index."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from pages_helpers import Doc, text_of

from kho.backends import Backends
from web.pages.vocabulary import place_names


def _options(page: str, list_id: str) -> list[str]:
    found = re.search(rf'<datalist id="{list_id}">(.*?)</datalist>', page, re.S)
    assert found, f"no datalist {list_id}"
    return re.findall(r'<option value="([^"]*)">', found.group(1))


def test_the_search_filters_offer_known_types_places_and_issuers(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc]
) -> None:
    make_doc(issuer="UBND phường An Mỹ")
    page = text_of(as_user("can-bo").get("/search?q=an"))
    assert 'id="f-type" name="type"' in page and 'list="dl-types"' in page
    assert 'list="dl-issuers"' in page and 'list="dl-places"' in page
    types = _options(page, "dl-types")
    assert "Quyết định" in types and "Giấy phép xây dựng" in types and len(types) == len(set(types)) > 20
    assert "UBND phường An Mỹ" in _options(page, "dl-issuers")
    places = _options(page, "dl-places")
    assert "phường An Mỹ" in places and "phường Tam Kỳ" in places


def test_the_edit_and_review_forms_offer_them_too(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc(review_state="needs_review", review_reasons=("x",))
    task = backends.catalog.open_review_task(doc.record_id, ["x"])
    client = as_user("quan-tri")
    for url in (f"/records/{doc.record_id}/edit", f"/review/{task.id}"):
        page = text_of(client.get(url))
        assert re.search(r'id="f-document_type"[^>]*list="dl-types"', page), url
        assert re.search(r'id="f-issuer"[^>]*list="dl-issuers"', page), url
        assert re.search(r'id="f-locality"[^>]*list="dl-places"', page), url
        assert "UBND huyện Bắc Trà My" in _options(page, "dl-issuers")


def test_place_names_come_from_both_old_and_new_units() -> None:
    table = ("# comment\nnew_unit,new_kind,old_unit,old_kind,old_district,source\n"
             "Tam Kỳ,phường,An Mỹ,phường,Tam Kỳ,x\nBàn Thạch,phường,Tam Thăng,xã,Tam Kỳ,y\n")
    assert place_names(table) == ("phường An Mỹ", "phường Bàn Thạch", "phường Tam Kỳ", "xã Tam Thăng")
