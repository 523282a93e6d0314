"""SQLite-specific behaviour: generations, atomic rebuild, schema version, errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from search_corpus import corpus

from kho.errors import ConfigError, ServiceUnavailableError
from search.index import IndexDocument, SearchQuery
from search.sqlite_index import SqliteIndex


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_readers_see_the_old_index_until_the_rebuild_switches(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    writer, reader = SqliteIndex(path), SqliteIndex(path)
    writer.index_documents(corpus())
    seen_during: list[int] = []

    def stream() -> Iterator[IndexDocument]:
        for i in range(2500):  # several batches
            if i == 1500:
                seen_during.append(reader.search(SearchQuery(limit=1)).total)
            yield IndexDocument(record_id=f"new-{i:05d}", version=1, pages=("trang mới",))

    result = writer.rebuild(stream())
    assert (result.indexed, result.failures) == (2500, ())
    assert seen_during == [len(corpus())]
    assert reader.search(SearchQuery(text="trang moi", limit=1)).total == 2500
    assert reader.count() == 2500
    assert {t for t in tables(path) if t.startswith("records_g")} == {"records_g2"}


def test_a_failed_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    index = SqliteIndex(path)
    index.index_documents(corpus())

    def broken() -> Iterator[IndexDocument]:
        yield IndexDocument(record_id="x", version=1)
        raise OSError("the repository went away")

    with pytest.raises(OSError):
        index.rebuild(broken())
    assert index.count() == len(corpus())
    assert {t for t in tables(path) if t.startswith("records_g")} == {"records_g1"}


def test_leftovers_of_a_crashed_rebuild_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    SqliteIndex(path).ensure_ready()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE records_g7 (rid INTEGER)")
    SqliteIndex(path).rebuild(corpus())
    assert {t for t in tables(path) if t.startswith("records_g")} == {"records_g8"}


def test_an_index_of_another_schema_version_asks_for_reindex(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    SqliteIndex(path).ensure_ready()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE kho_meta SET value = '0' WHERE name = 'schema_version'")
    with pytest.raises(ConfigError, match="kho reindex"):
        SqliteIndex(path).search(SearchQuery())
    fixed = SqliteIndex(path)
    fixed.rebuild(corpus())
    assert fixed.count() == len(corpus())


def test_a_path_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ServiceUnavailableError) as info:
        SqliteIndex(path).count()
    assert str(path) in info.value.one_line()


def test_the_index_file_is_created_with_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "index.sqlite3"
    assert SqliteIndex(path).count() == 0
    assert path.exists()


def test_a_document_sqlite_refuses_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    index = SqliteIndex(tmp_path / "index.sqlite3")
    docs = [IndexDocument(record_id="a", version=1, pages=("một",)),
            IndexDocument(record_id="huge", version=2**70, pages=("hai",)),  # beyond SQLite's INTEGER
            IndexDocument(record_id="b", version=1, pages=("ba",))]
    result = index.index_documents(docs)
    assert result.indexed == 2
    assert [f.record_id for f in result.failures] == ["huge"]
    assert index.versions() == {"a": 1, "b": 1}
    assert index.search(SearchQuery(text="hai")).total == 0
