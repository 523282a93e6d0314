"""Elasticsearch-specific behaviour: alias and versioned indices, deep pagination, 429 retries, errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from elasticsearch import Elasticsearch
from search_corpus import corpus

from kho.errors import ConfigError, ServiceUnavailableError
from search.es_index import ElasticsearchIndex
from search.es_mapping import MAPPING_VERSION, index_body
from search.index import IndexDocument, SearchQuery

Factory = Callable[..., ElasticsearchIndex]

# A fake Elasticsearch that answers _bulk: first call 429 for record "a", 400 for "b"; then accepts.


class _FakeBulkServer(BaseHTTPRequestHandler):
    bulk_calls: ClassVar[list[list[str]]] = []

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self) -> None:  # exists_alias
        self._reply(200, {})

    def do_GET(self) -> None:
        if self.path.startswith("/_alias/"):
            self._reply(200, {"fake-v1-x": {"aliases": {"fake": {}}}})
        else:  # mapping
            self._reply(200, {"fake-v1-x": {"mappings": {"_meta": {"kho_mapping_version": MAPPING_VERSION}}}})

    def do_PUT(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        actions = [line["index"]["_id"] for line in lines if "index" in line]
        first = not self.bulk_calls
        self.bulk_calls.append(actions)
        items = []
        for record_id in actions:
            if first and record_id == "a":
                items.append({"index": {"_id": record_id, "status": 429,
                                        "error": {"type": "es_rejected_execution_exception", "reason": "busy"}}})
            elif record_id == "b":
                items.append({"index": {"_id": record_id, "status": 400,
                                        "error": {"type": "document_parsing_exception", "reason": "bad"}}})
            else:
                items.append({"index": {"_id": record_id, "status": 201, "result": "created"}})
        self._reply(200, {"took": 1, "errors": any(i["index"]["status"] >= 300 for i in items), "items": items})

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def fake_es() -> Iterator[str]:
    _FakeBulkServer.bulk_calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeBulkServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_bulk_retries_429_and_reports_other_failures_per_record(fake_es: str) -> None:
    index = ElasticsearchIndex(Elasticsearch(fake_es), "fake", initial_backoff=0.01)
    docs = [IndexDocument(record_id=r, version=1, pages=("trang",)) for r in ("a", "b", "c")]
    result = index.index_documents(docs)
    assert result.indexed == 2
    assert [(f.record_id, f.reason) for f in result.failures] == [("b", "document_parsing_exception: bad")]
    assert _FakeBulkServer.bulk_calls == [["a", "b", "c"], ["a"]]


def test_unreachable_server_is_service_unavailable() -> None:
    index = ElasticsearchIndex(Elasticsearch("http://127.0.0.1:9", max_retries=0), "kho-x",
                               url="http://127.0.0.1:9")
    with pytest.raises(ServiceUnavailableError) as info:
        index.count()
    assert "127.0.0.1:9" in info.value.one_line()


# Against the real server


@pytest.mark.integration
def test_ensure_ready_creates_a_versioned_index_behind_the_alias(es_index_factory: Factory) -> None:
    index = es_index_factory()
    index.ensure_ready()
    (name,) = index.client.indices.get_alias(name=index.alias).body
    assert name.startswith(f"{index.alias}-v{MAPPING_VERSION}-")
    index.ensure_ready()
    assert list(index.client.indices.get_alias(name=index.alias).body) == [name]


@pytest.mark.integration
def test_rebuild_moves_the_alias_and_drops_the_old_index(es_index_factory: Factory) -> None:
    index = es_index_factory()
    index.index_documents(corpus(), refresh=True)
    (old,) = index.client.indices.get_alias(name=index.alias).body
    index.rebuild(corpus()[:3])
    (new,) = index.client.indices.get_alias(name=index.alias).body
    assert new != old and new.startswith(f"{index.alias}-v{MAPPING_VERSION}-")
    assert not index.client.indices.exists(index=old)
    assert index.count() == 3
    settings = index.client.indices.get_settings(index=new).body[new]["settings"]["index"]
    assert settings.get("refresh_interval") is None  # back to the default after the bulk load


@pytest.mark.integration
def test_deep_pages_match_shallow_pages(es_index_factory: Factory) -> None:
    shallow = es_index_factory()
    docs = [IndexDocument(record_id=f"d-{i:03d}", version=1, issued_on=date(2024, 1, 1 + i % 5),
                          pages=("đất ở " * (1 + i % 4),)) for i in range(37)]
    shallow.index_documents(docs, refresh=True)
    deep = ElasticsearchIndex(shallow.client, shallow.alias, max_window=5)
    for query in (SearchQuery(limit=7, offset=12), SearchQuery(text="dat", limit=9, offset=20),
                  SearchQuery(text="dat", sort="date", limit=10, offset=30), SearchQuery(limit=5, offset=40)):
        expected = shallow.search(query)
        got = deep.search(query)
        assert [h.record_id for h in got.hits] == [h.record_id for h in expected.hits]
        assert got.total == expected.total == 37
        assert got.facets == expected.facets


@pytest.mark.integration
def test_a_concrete_index_with_the_alias_name_is_a_config_error(es_index_factory: Factory) -> None:
    index = es_index_factory()
    index.client.indices.create(index=f"{index.alias}-v0-plain")
    concrete = ElasticsearchIndex(index.client, f"{index.alias}-v0-plain")
    with pytest.raises(ConfigError, match="KHO_INDEX_NAME"):
        concrete.ensure_ready()


@pytest.mark.integration
def test_an_old_mapping_version_asks_for_reindex(es_index_factory: Factory) -> None:
    index = es_index_factory()
    body = index_body()
    body["mappings"]["_meta"] = {"kho_mapping_version": 0}
    index.client.indices.create(index=f"{index.alias}-v0-old", aliases={index.alias: {}}, **body)
    with pytest.raises(ConfigError, match="kho reindex"):
        index.ensure_ready()
    index.rebuild(corpus())
    fresh = ElasticsearchIndex(index.client, index.alias)
    fresh.ensure_ready()
    assert fresh.count() == len(corpus())


@pytest.mark.integration
def test_bulk_reports_a_refused_document(es_index_factory: Factory) -> None:
    index = es_index_factory()
    huge = "x" * 40_000  # a keyword term above Lucene's 32766-byte limit
    result = index.index_documents([IndexDocument(record_id="ok", version=1),
                                    IndexDocument(record_id="bad", version=1, document_type=huge)], refresh=True)
    assert result.indexed == 1
    assert [f.record_id for f in result.failures] == ["bad"]
    assert index.versions() == {"ok": 1}
