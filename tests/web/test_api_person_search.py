"""Issue 16, item 3 through ``GET /api/v1/search``: the holder's name first, masked ID and birth year in
every hit (never the full ID), and an empty query listing the newest records."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from web_api_helpers import MakeDoc, auth, js


def test_name_query_ranks_the_holder_first_with_masked_id_and_birth_year(
    client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]
) -> None:
    noise = make_doc(citizen_ids=("049190004321",), holder_name="Lê Thị Thu", issued_on=date(2025, 6, 1),
                     issuer="Sở Tài nguyên và Môi trường", summary="Nguyễn Văn An ký thay; Trung tâm văn hóa")
    holder = make_doc(citizen_ids=("049085001440",), holder_name="Nguyễn Văn An", issued_on=date(2015, 1, 1))
    r = client.get("/api/v1/search?q=nguyen van an", headers=auth(keys["official"]))
    assert r.status_code == 200
    hits = js(r)["hits"]
    assert [h["record_id"] for h in hits] == [holder.record_id, noise.record_id]
    assert (hits[0]["citizen_id_masked"], hits[0]["birth_year"]) == ("•••1440", 1985)
    assert (hits[1]["citizen_id_masked"], hits[1]["birth_year"]) == ("•••4321", 1990)
    body = r.get_data(as_text=True)
    assert "049085001440" not in body and "049190004321" not in body and "citizen_ids" not in body


def test_empty_query_lists_the_newest_records(client: FlaskClient, make_doc: MakeDoc, keys: dict[str, str]) -> None:
    old = make_doc(issued_on=date(2019, 1, 1))
    new = make_doc(issued_on=date(2025, 1, 1))
    middle = make_doc(issued_on=date(2022, 1, 1))
    for query in ("", "?limit=20", "?sort=date"):  # no q: every record (a blank q is a 400: leave it out)
        body = js(client.get(f"/api/v1/search{query}", headers=auth(keys["official"])))
        assert body["total"] == 3
        assert [h["record_id"] for h in body["hits"]] == [new.record_id, middle.record_id, old.record_id]
