"""Fixtures of the search tests: a small corpus with known truth and the index backends.

``index`` is parametrised over SQLite FTS5 and the real Elasticsearch (marked integration; each
test gets its own alias, removed afterwards with every index behind it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from search_corpus import corpus

from search.es_index import ElasticsearchIndex
from search.index import SearchIndex
from search.sqlite_index import SqliteIndex


def _drop_es(client: Elasticsearch, alias: str) -> None:
    names = list(client.indices.get(index=f"{alias}-*", expand_wildcards="all").body)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)


@pytest.fixture(scope="module")
def es_index_factory(request: pytest.FixtureRequest) -> Iterator[object]:
    """Build ElasticsearchIndex objects on unique aliases; every index is deleted afterwards."""
    url = request.getfixturevalue("es_url")
    aliases: list[str] = []

    def make(**kwargs: object) -> ElasticsearchIndex:
        alias = f"kho-test-{uuid.uuid4().hex[:12]}"
        aliases.append(alias)
        client = Elasticsearch(url, request_timeout=60)
        return ElasticsearchIndex(client, alias, url=url, **kwargs)  # type: ignore[arg-type]

    yield make
    client = Elasticsearch(url, request_timeout=60)
    for alias in aliases:
        _drop_es(client, alias)
    client.close()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> str:
    """The backend name."""
    return str(request.param)


@pytest.fixture(scope="module")
def make_index(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> object:
    """A factory of fresh, empty indexes of the parametrised backend."""
    if backend == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite-index")
        counter = iter(range(10_000))
        return lambda **kw: SqliteIndex(folder / f"index-{next(counter)}.sqlite3", **kw)
    return request.getfixturevalue("es_index_factory")


@pytest.fixture
def index(make_index: object) -> Iterator[SearchIndex]:
    """A fresh, empty index of the parametrised backend."""
    ix = make_index()  # type: ignore[operator]
    ix.ensure_ready()
    yield ix
    ix.close()


def _load(ix: SearchIndex) -> SearchIndex:
    result = ix.index_documents(corpus(), refresh=True)
    assert result.failures == () and result.indexed == len(corpus())
    return ix


@pytest.fixture
def loaded(index: SearchIndex) -> SearchIndex:
    """A fresh index with :func:`corpus` in it (for tests that change it)."""
    return _load(index)


@pytest.fixture(scope="module")
def shared(make_index: object) -> Iterator[SearchIndex]:
    """One index with :func:`corpus` in it per module and backend: read-only tests only."""
    ix = make_index()  # type: ignore[operator]
    yield _load(ix)
    ix.close()
