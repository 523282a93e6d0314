"""Issue 14 defects through the upload API: empty ZIPs (D13), broken and oversized manifests (D2, D7, D12)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from web_api_helpers import TINY_PDF, RecordingRunner, js, upload, zip_of

import web.uploads
from kho.backends import Backends


@pytest.mark.parametrize("archive", [zip_of(), zip_of(**{"sub/": b"", "manifest.csv": b"file\n", ".DS_Store": b"x"})])
def test_d13_upload_of_a_zip_with_nothing_to_ingest_is_422(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, backends: Backends, archive: bytes
) -> None:
    r = upload(client, keys["archivist"], [(archive, "lô.zip")])
    assert r.status_code == 422, r.get_data(as_text=True)
    error = js(r)["error"]
    assert error["code"] == "bad_input"
    assert "không có tệp quét nào để nhập" in error["message"] and "nothing to ingest" in error["message"]
    assert runner.started == [] and backends.catalog.list_batches() == []


def test_d2_upload_with_an_unbalanced_quote_in_the_manifest_is_422_with_the_row(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner
) -> None:
    manifest = 'file,citizen_id,holder_name\na.pdf,079085001234,"Nguyễn Văn An\nb.pdf,079301004567,Trần Bình\n'
    r = upload(client, keys["archivist"], [(TINY_PDF, "a.pdf"), (TINY_PDF + b"2", "b.pdf")],
               manifest=(io.BytesIO(manifest.encode()), "manifest.csv"))
    assert r.status_code == 422, r.get_data(as_text=True)
    message = js(r)["error"]["message"]
    assert "row 2, column 3 (holder_name): unbalanced quote" in message and "079301004567" not in message
    assert runner.started == []


def test_d7_upload_of_a_manifest_with_a_huge_row_is_refused_at_the_row(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner
) -> None:
    manifest = b"file,holder_name\na.pdf," + b"A" * (1024 * 1024) + b"\n"
    r = upload(client, keys["archivist"], [(TINY_PDF, "a.pdf")], manifest=(io.BytesIO(manifest), "manifest.csv"))
    assert r.status_code == 413, r.get_data(as_text=True)
    assert "manifest row 2 is longer than 16384 characters" in js(r)["error"]["message"]
    assert runner.started == []


def test_d7_upload_of_a_manifest_over_the_file_bound_is_413_and_nothing_is_kept(
    client: FlaskClient, keys: dict[str, str], runner: RecordingRunner, web_settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(web.uploads, "MAX_MANIFEST_BYTES", 64 * 1024)
    manifest = b"file\n" + b"".join(b"f%06d.pdf\n" % i for i in range(20_000))
    r = upload(client, keys["archivist"], [(TINY_PDF, "a.pdf")], manifest=(io.BytesIO(manifest), "manifest.csv"))
    assert r.status_code == 413, r.get_data(as_text=True)
    assert runner.started == []
    uploads = web_settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
