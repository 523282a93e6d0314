"""Ingest on the production backends: MinIO (store), Elasticsearch (index), PostgreSQL (catalog)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from ingest_helpers import copy_subset, manifest_rows

from ingest.service import create_batch, run_batch
from kho.backends import open_backends
from kho.services.endpoints import Endpoints
from kho.settings import load_settings
from repository.s3store import S3Store
from search.index import SearchQuery


@pytest.mark.integration
def test_ingest_on_minio_elasticsearch_postgresql(
    clean_corpus: Path, tmp_path: Path, minio_endpoints: Endpoints, es_url: str, postgres_url: str
) -> None:
    folder = copy_subset(clean_corpus, tmp_path / "one", 1)
    tag = secrets.token_hex(4)
    env = {
        **minio_endpoints.as_env(),
        "KHO_STORE_URL": f"s3://kho/test-ingest-{tag}/",
        "KHO_INDEX_URL": es_url,
        "KHO_INDEX_NAME": f"kho-test-ingest-{tag}",
        "KHO_CATALOG_URL": postgres_url,
        "KHO_DATA_DIR": str(tmp_path / "data"),
    }
    backends = open_backends(load_settings(environ=env))
    try:
        assert isinstance(backends.store, S3Store) and backends.catalog.dialect == "postgresql"
        batch = create_batch(backends, [folder], folder / "manifest.csv", f"test-ingest-{tag}")
        summary = run_batch(backends, batch.id, jobs=2)
        assert (summary.stored, summary.stored_now, summary.failed, summary.quarantined) == (1, 1, 0, 0)
        (record_id,) = list(backends.repository.iter_record_ids())
        record = backends.repository.get(record_id)
        for entry in record.objects:
            assert backends.store.stat(entry.key).size == entry.size
        assert backends.index.count() == 1
        (row,) = manifest_rows(folder)
        hits = backends.index.search(SearchQuery(citizen_id=row["citizen_id"]))
        assert [h.record_id for h in hits.hits] == [record_id]
        (item,) = backends.catalog.list_batch_items(batch.id)
        assert item.status == "indexed" and item.record_id == record_id
        again = run_batch(backends, batch.id, jobs=2)
        assert (again.stored, again.stored_now, again.pages_this_run) == (1, 0, 0)
    finally:
        store = backends.store
        if isinstance(store, S3Store):
            store.remove_all()
        backends.close()
        client = Elasticsearch(es_url, request_timeout=60)
        names = list(client.indices.get(index=f"kho-test-ingest-{tag}-*", expand_wildcards="all").body)
        if names:
            client.indices.delete(index=",".join(names), ignore_unavailable=True)
        client.close()
