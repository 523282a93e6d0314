"""``GET /api/v1/search``: the same answers as ``kho search --json``, plus links; parameters checked."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from web_api_helpers import MakeDoc, auth, js

from kho.backends import Backends
from search.index import SearchQuery
from search.shapes import result_json


def test_search_answers_like_kho_search_json_with_links(
    client: FlaskClient, backends: Backends, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    permit = make_doc()
    make_doc(document_type="Quyết định", summary="Về việc thu hồi đất")
    r = client.get("/api/v1/search?q=xay dung&sort=date", headers=auth(keys["official"]))
    assert r.status_code == 200
    body = js(r)
    expected = result_json(backends.index.search(SearchQuery(text="xay dung", sort="date")))
    assert body["total"] == expected["total"] == 1
    assert [h["record_id"] for h in body["hits"]] == [permit.record_id]
    hit = body["hits"][0]
    assert hit["links"]["file"] == f"/api/v1/documents/{permit.record_id}/file"
    assert {k: v for k, v in hit.items() if k != "links"} == expected["hits"][0]
    assert body["facets"]["document_type"] == expected["facets"]["document_type"]


def test_search_filters_and_paging(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]) -> None:
    for _ in range(3):
        make_doc()
    decision = make_doc(document_type="Quyết định", citizen_ids=("201234567",))
    headers = auth(keys["admin"])
    assert js(client.get("/api/v1/search?type=Quyết định", headers=headers))["total"] == 1
    assert js(client.get("/api/v1/search?citizen_id=201234567", headers=headers))["hits"][0]["record_id"] == \
        decision.record_id
    page = js(client.get("/api/v1/search?limit=2&offset=1&facets=false", headers=headers))
    assert page["total"] == 4 and len(page["hits"]) == 2 and page["facets"] == {}
    dated = js(client.get("/api/v1/search?from=2024-03-02&to=2024-03-03", headers=headers))
    assert dated["total"] == 2
    assert js(client.get("/api/v1/search?locality=Bắc Trà My&issuer=UBND", headers=headers))["total"] == 4


@pytest.mark.parametrize("query", [
    "limit=1001", "limit=-1", "limit=abc", "offset=9001", "sort=random", "status=lost", "facets=yes",
    "from=2024-13-01", "from=1/2/2024", "from=2024-03-05&to=2024-03-01", "citizen_id=123", "issuer=!!!",
    "locality=", "review_state=maybe",
])
def test_malformed_parameters_are_400(client: FlaskClient, keys: dict[str, str], query: str) -> None:
    r = client.get(f"/api/v1/search?{query}", headers=auth(keys["official"]))
    assert r.status_code == 400, query
    assert js(r)["error"]["code"] == "bad_request"


@pytest.mark.parametrize("query", ["q=", "q=%20", ""])
def test_an_empty_query_lists_the_newest_records_like_the_search_page(
    client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str], query: str
) -> None:
    docs = [make_doc() for _ in range(3)]  # issued on 1, 2 and 3 March 2024
    body = js(client.get(f"/api/v1/search?{query}", headers=auth(keys["official"])))
    assert body["total"] == 3
    assert [h["record_id"] for h in body["hits"]] == [d.record_id for d in reversed(docs)]  # newest first
    filtered = js(client.get(f"/api/v1/search?{query}&to=2024-03-02", headers=auth(keys["official"])))
    assert [h["record_id"] for h in filtered["hits"]] == [docs[1].record_id, docs[0].record_id]
    oldest = js(client.get(f"/api/v1/search?{query}&sort=relevance&limit=3", headers=auth(keys["official"])))
    assert oldest["total"] == 3  # an explicit sort is kept


def test_the_openapi_says_what_an_empty_query_does(client: FlaskClient) -> None:
    spec = js(client.get("/api/v1/openapi.json"))
    [q] = [p for p in spec["paths"]["/api/v1/search"]["get"]["parameters"] if p.get("name") == "q"]
    assert q["allowEmptyValue"] is True and "newest records first" in q["description"]
    assert "minLength" not in q["schema"]
