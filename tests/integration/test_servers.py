"""The three real servers answer and do the basics kho relies on (issue: foundation)."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
import sqlalchemy as sa
from elasticsearch import Elasticsearch
from minio import Minio

from kho.services.endpoints import Endpoints
from search.normalize import tokens

pytestmark = pytest.mark.integration

DOCUMENT = "QUYẾT ĐỊNH về việc cấp giấy chứng nhận cho bà Nguyễn Thị Hoà, thành phố Đà Nẵng"


@pytest.fixture
def es(es_url: str):
    client = Elasticsearch(es_url, request_timeout=30)
    name = f"kho-smoke-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=name, mappings={"properties": {
        "text": {"type": "text", "analyzer": "whitespace"},
        "text_folded": {"type": "text", "analyzer": "whitespace"},
    }})
    yield client, name
    client.indices.delete(index=name)
    client.close()


@pytest.mark.parametrize(
    ("query", "field"),
    [("quyết định", "text"), ("quyet dinh", "text_folded"), ("da nang", "text_folded"),
     ("Đà Nẵng", "text"), ("hòa", "text"), ("hoa", "text_folded")],
)
def test_elasticsearch_finds_vietnamese_with_and_without_accents(es, query: str, field: str) -> None:
    client, name = es
    for record_id, text in (("r1", DOCUMENT), ("r2", "Giấy phép xây dựng")):
        client.index(index=name, id=record_id, refresh="wait_for", document={
            "text": " ".join(tokens(text)), "text_folded": " ".join(tokens(text, folded=True))})
    analysed = " ".join(tokens(query, folded=field == "text_folded"))
    hits = client.search(index=name, query={"match_phrase": {field: analysed}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["r1"]


def test_minio_put_stat_get_delete_with_checksum(minio_endpoints: Endpoints) -> None:
    client = Minio(minio_endpoints.s3_endpoint, access_key=minio_endpoints.s3_access_key,
                   secret_key=minio_endpoints.s3_secret_key, secure=False)
    bucket = f"kho-smoke-{uuid.uuid4().hex[:8]}"
    client.make_bucket(bucket)
    try:
        payload = "Trích lục khai sinh — Đà Nẵng".encode() * 1000
        digest = hashlib.sha256(payload).hexdigest()
        client.put_object(bucket, "a/b.txt", io.BytesIO(payload), len(payload),
                          metadata={"x-amz-meta-sha256": digest})
        stat = client.stat_object(bucket, "a/b.txt")
        assert stat.size == len(payload)
        assert stat.metadata.get("x-amz-meta-sha256") == digest
        response = client.get_object(bucket, "a/b.txt")
        try:
            assert hashlib.sha256(response.read()).hexdigest() == digest
        finally:
            response.close()
            response.release_conn()
        client.remove_object(bucket, "a/b.txt")
        assert list(client.list_objects(bucket, recursive=True)) == []
    finally:
        client.remove_bucket(bucket)


def test_postgresql_round_trips_a_vietnamese_row(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    table = f"smoke_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE TABLE {table} (id serial PRIMARY KEY, name text)"))
            conn.execute(sa.text(f"INSERT INTO {table} (name) VALUES (:n)"), {"n": "Nguyễn Thị Hoà"})
            assert conn.execute(sa.text(f"SELECT name FROM {table}")).scalar_one() == "Nguyễn Thị Hoà"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()
