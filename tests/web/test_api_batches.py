"""Batch uploads: limits on size (413), type (415 when no file is usable) and count (400), creation (202), progress."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from web_api_helpers import TINY_PDF, RecordingRunner, auth, js, upload, zip_of

from kho.backends import Backends
from repository.catalog import NewBatchItem
from web.uploads import MAX_FILES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TIFF = b"II*\x00" + b"\x00" * 64


def test_upload_creates_a_queued_batch_and_starts_it(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends, web_settings: Any
) -> None:
    manifest = "file,document_type,citizen_id\nQuyết định 12.pdf,Quyết định,079085001234\n".encode()
    r = upload(client, keys["archivist"],
               [(TINY_PDF, "Quyết định 12.pdf"), (PNG, "trang.png"), (JPEG, "a.JPG"), (TIFF, "b.tif"),
                (zip_of(**{"x.pdf": TINY_PDF}), "more.zip")],
               manifest=(io.BytesIO(manifest), "manifest.csv"), name="Lô tháng 3")
    assert r.status_code == 202, r.get_data(as_text=True)
    body = js(r)
    assert body["name"] == "Lô tháng 3" and body["status"] == "queued"
    assert r.headers["Location"] == f"/api/v1/batches/{body['id']}"
    assert runner.started == [body["id"]]
    batch = backends.catalog.get_batch(body["id"])
    folder = Path(batch.sources[0])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["Quyết định 12.pdf", "trang.png", "a.JPG", "b.tif", "more.zip"])
    assert (folder / "Quyết định 12.pdf").read_bytes() == TINY_PDF
    assert batch.options["manifest_name"] == "manifest.csv"
    event = backends.catalog.query_audit(action="batch.create")[0]
    assert event.details["batch_id"] == body["id"]


def test_batch_progress_and_items(client: FlaskClient, keys: dict[str, str], backends: Backends) -> None:
    batch = backends.catalog.create_batch("lô 1", ["/somewhere"])
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem("a.pdf", pages=2), NewBatchItem("b.pdf")])
    backends.catalog.update_batch_item(batch.id, "a.pdf", status="quarantined", reason="encrypted PDF",
                                       fields={"citizen_ids": ["079085001234"]})
    r = client.get(f"/api/v1/batches/{batch.id}", headers=auth(keys["archivist"], purpose=False))
    assert r.status_code == 200
    body = js(r)
    assert body["progress"]["total"] == 2 and body["progress"]["counts"]["quarantined"] == 1
    assert [i["key"] for i in body["items"]] == ["a.pdf", "b.pdf"]
    assert body["items"][0]["reason_code"] == "encrypted_pdf" and body["items"][0]["reason_detail"] == "encrypted PDF"
    assert body["items"][0]["reason"] == "PDF có đặt mật khẩu; hãy lưu một bản không đặt mật khẩu rồi gửi lại."
    assert "079085001234" not in r.get_data(as_text=True)
    only = js(client.get(f"/api/v1/batches/{batch.id}?status=queued", headers=auth(keys["admin"])))
    assert [i["key"] for i in only["items"]] == ["b.pdf"]
    assert client.get("/api/v1/batches/999999", headers=auth(keys["admin"])).status_code == 404


def test_oversized_upload_is_413(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner,
                                 web_settings: Any) -> None:
    big = b"%PDF-1.4\n" + b"0" * (web_settings.max_upload_mb * 1024 * 1024 + 10)
    r = upload(client, keys["archivist"], [(big, "big.pdf")])
    assert r.status_code == 413
    assert js(r)["error"]["code"] == "too_large"
    assert runner.started == []
    assert not (web_settings.data_dir / "uploads").exists() or not any((web_settings.data_dir / "uploads").iterdir())


@pytest.mark.parametrize(("body", "name"), [
    (b"hello", "notes.txt"),
    (b"MZ\x90\x00binary", "setup.exe"),
    (b"not really a pdf", "fake.pdf"),
    (PNG, "picture.pdf"),
    (TINY_PDF, "document.zip"),
    (TINY_PDF, "no-extension"),
])
def test_wrong_types_are_415(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner,
                             body: bytes, name: str) -> None:
    """No usable file at all: refused (with a good file beside it, it is set aside: test_api_forgiving_upload)."""
    r = upload(client, keys["archivist"], [(body, name)])
    assert r.status_code == 415, r.get_data(as_text=True)
    assert js(r)["error"]["code"] == "unsupported_type"
    assert name in js(r)["error"]["message"]
    assert runner.started == []


def test_wrong_manifest_type_is_415(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner) -> None:
    r = upload(client, keys["archivist"], [(TINY_PDF, "a.pdf")], manifest=(io.BytesIO(b"x"), "manifest.docx"))
    assert r.status_code == 415


def test_unusable_manifest_is_422(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner) -> None:
    r = upload(client, keys["archivist"], [(TINY_PDF, "a.pdf")],
               manifest=(io.BytesIO(b"\xff\xfe garbage \x01"), "manifest.csv"))
    assert r.status_code == 422, r.get_data(as_text=True)
    assert runner.started == []


def test_file_count_limits_are_400(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner) -> None:
    none = client.post("/api/v1/batches", headers=auth(keys["archivist"]), data={"name": "x"},
                       content_type="multipart/form-data")
    assert none.status_code == 400 and "files" in js(none)["error"]["message"]
    many = upload(client, keys["archivist"], [(TINY_PDF, f"{i}.pdf") for i in range(MAX_FILES + 1)])
    assert many.status_code == 400
    assert f"at most {MAX_FILES} files" in js(many)["error"]["message"]
    twice = upload(client, keys["archivist"], [(TINY_PDF, "a.pdf"), (TINY_PDF, "a.pdf")])
    assert twice.status_code == 400
    assert runner.started == []


@pytest.mark.parametrize("name", ["", ".hidden.pdf", "..", "a\x07.pdf"])
def test_unfit_file_names_are_400(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner,
                                  name: str) -> None:
    r = upload(client, keys["archivist"], [(TINY_PDF, name)])
    assert r.status_code == 400, r.get_data(as_text=True)


def test_folders_in_file_names_are_dropped(client: FlaskClient, keys: dict[str, str], runner: RecordingRunner,
                                           backends: Backends) -> None:
    r = upload(client, keys["archivist"], [(TINY_PDF, "../../etc/passwd.pdf"), (PNG, "scans/2024/p.png")])
    assert r.status_code == 202
    folder = Path(backends.catalog.get_batch(js(r)["id"]).sources[0])
    assert sorted(p.name for p in folder.iterdir()) == ["p.png", "passwd.pdf"]


def test_json_body_is_415(client: FlaskClient, keys: dict[str, str]) -> None:
    r = client.post("/api/v1/batches", headers=auth(keys["archivist"]), json={"files": []})
    assert r.status_code == 415


def test_same_name_with_other_files_is_409(client: FlaskClient, keys: dict[str, str],
                                           runner: RecordingRunner) -> None:
    assert upload(client, keys["archivist"], [(TINY_PDF, "a.pdf")], name="lô A").status_code == 202
    r = upload(client, keys["archivist"], [(PNG, "b.png")], name="lô A")
    assert r.status_code == 409
    assert js(r)["error"]["code"] == "conflict"
