"""MinIO store specifics: settings, server-side checksum checks, metadata, unreachable server."""

from __future__ import annotations

import base64
import hashlib
import io
import socket
import time
from pathlib import Path

import pytest
from minio.error import S3Error

from kho.errors import ConfigError, ServiceUnavailableError
from kho.services.endpoints import Endpoints
from kho.settings import load_settings
from repository.records import Repository
from repository.s3store import S3Store, parse_endpoint, parse_store_url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_parse_endpoint_and_store_url() -> None:
    assert parse_endpoint("127.0.0.1:9000") == ("127.0.0.1:9000", False)
    assert parse_endpoint("https://s3.example.vn") == ("s3.example.vn", True)
    assert parse_store_url("s3://kho") == ("kho", "")
    assert parse_store_url("s3://kho/tinh-qn/") == ("kho", "tinh-qn/")
    with pytest.raises(ConfigError) as info:
        parse_store_url("file:///tmp/x")
    assert info.value.subject == "KHO_STORE_URL"


def test_from_settings_requires_endpoint_and_credentials(tmp_path: Path) -> None:
    settings = load_settings(environ={}, overrides={"data_dir": tmp_path, "store_url": "s3://kho"})
    with pytest.raises(ConfigError) as info:
        S3Store.from_settings(settings)
    assert info.value.subject == "KHO_S3_ENDPOINT"
    settings = load_settings(
        environ={"KHO_S3_ENDPOINT": "127.0.0.1:9", "KHO_S3_ACCESS_KEY": "a", "KHO_S3_SECRET_KEY": "b"},
        overrides={"data_dir": tmp_path, "store_url": "s3://kho/p"},
    )
    store = S3Store.from_settings(settings)
    assert (store.bucket, store.prefix, store.endpoint) == ("kho", "p/", "127.0.0.1:9")


def test_unreachable_server_is_service_unavailable_and_stores_nothing(make_files, metadata, provenance) -> None:
    store = S3Store.connect(f"127.0.0.1:{_closed_port()}", "a", "b", "kho", retries=2)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="cannot reach the object store") as info:
        Repository(store).create(make_files(), metadata, provenance)
    assert time.monotonic() - started < 30
    assert "\n" not in info.value.one_line()
    with pytest.raises(ServiceUnavailableError):
        store.get_bytes("records/x/record.json")


@pytest.mark.integration
def test_server_rejects_a_wrong_checksum(s3_store: S3Store) -> None:
    s3_store.ensure_bucket()
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(S3Error) as info:
        s3_store.client.put_object(
            s3_store.bucket, s3_store.prefix + "x", io.BytesIO(b"data"), 4, metadata={"x-amz-checksum-sha256": wrong}
        )
    code = info.value.code or ""
    assert "Checksum" in code or "Digest" in code
    assert not s3_store.exists("x")


@pytest.mark.integration
def test_sha256_is_kept_in_user_metadata(s3_store: S3Store) -> None:
    s3_store.put_bytes("m", b"hello", content_type="text/plain")
    stat = s3_store.client.stat_object(s3_store.bucket, s3_store.prefix + "m")
    assert stat.metadata is not None
    assert stat.metadata["x-amz-meta-sha256"] == hashlib.sha256(b"hello").hexdigest()
    assert s3_store.stat("m").content_type == "text/plain"


@pytest.mark.integration
def test_bucket_is_created_when_missing(minio_endpoints: Endpoints) -> None:
    bucket = f"kho-test-new-{int(time.time() * 1000) % 10**9}"
    store = S3Store.connect(
        minio_endpoints.s3_endpoint, minio_endpoints.s3_access_key, minio_endpoints.s3_secret_key, bucket
    )
    try:
        assert list(store.list_keys()) == []  # a missing bucket lists as empty
        store.put_bytes("a", b"1")
        assert store.client.bucket_exists(bucket)
    finally:
        store.remove_all(remove_bucket=True)


@pytest.mark.integration
def test_wrong_credentials_are_a_config_error(minio_endpoints: Endpoints) -> None:
    store = S3Store.connect(minio_endpoints.s3_endpoint, "nobody", "wrong-secret-key", "kho-test-denied")
    with pytest.raises(ConfigError) as info:
        store.put_bytes("a", b"1")
    assert info.value.subject == "KHO_S3_ACCESS_KEY"
