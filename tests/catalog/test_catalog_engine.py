"""Contract tests: opening, migrating, errors and concurrent use of the catalog."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from kho.errors import ConfigError, ServiceUnavailableError
from repository.catalog import Catalog, NewBatchItem
from repository.catalog_engine import MIGRATIONS_DIR, head_revision
from repository.catalog_models import Base


def test_migrated_schema_matches_the_models(catalog: Catalog, catalog_url: str) -> None:
    engine = create_engine(catalog_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == head_revision()
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("audit_events")}
        assert "ix_audit_events_citizen_id_at" in indexes
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("batch_items")}
        assert "ix_batch_items_batch_id_status" in indexes
    engine.dispose()


def test_open_is_idempotent_and_keeps_data(catalog_url: str) -> None:
    first = Catalog.open(catalog_url)
    first.create_batch("kept", [])
    first.close()
    second = Catalog.open(catalog_url)
    assert second.find_batch_by_name("kept") is not None
    second.ping()
    second.close()


@contextmanager
def migrations(catalog_url: str) -> Iterator[tuple[Config, Connection]]:
    """An Alembic config bound to one transaction on the catalog (committed at the end)."""
    engine = create_engine(catalog_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            yield cfg, conn
    finally:
        engine.dispose()


def test_downgrade_and_upgrade_again(catalog: Catalog, catalog_url: str) -> None:
    with migrations(catalog_url) as (cfg, conn):
        command.downgrade(cfg, "base")
        assert "users" not in inspect(conn).get_table_names()
    reopened = Catalog.open(catalog_url)
    reopened.create_user("lan", "mật khẩu dài", "official")
    reopened.close()


def test_upgrade_from_0001_keeps_audit_events_and_allows_cli_actors(catalog_url: str) -> None:
    with migrations(catalog_url) as (cfg, conn):
        command.upgrade(cfg, "0001_initial")
        conn.execute(text(
            "INSERT INTO audit_events (at, actor, actor_kind, action, purpose, client_address, details) "
            "VALUES (CURRENT_TIMESTAMP, 'key:k1', 'key', 'citizen.documents', 'p', '', '{}')"
        ))
    catalog = Catalog.open(catalog_url)
    try:
        catalog.record_audit_event(actor="cli:root", actor_kind="cli", action="search", purpose="kiểm tra")
        actors = [e.actor for e in catalog.query_audit()]
        assert actors == ["cli:root", "key:k1"]
    finally:
        catalog.close()
    engine = create_engine(catalog_url)
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the database still refuses unknown kinds
        conn.execute(text(
            "INSERT INTO audit_events (at, actor, actor_kind, action, purpose, client_address, details) "
            "VALUES (CURRENT_TIMESTAMP, 'x', 'robot', 'a', 'p', '', '{}')"
        ))
    engine.dispose()


def test_concurrent_opens_migrate_once(catalog_url: str) -> None:
    with ThreadPoolExecutor(4) as pool:
        catalogs = list(pool.map(lambda _: Catalog.open(catalog_url), range(4)))
    for cat in catalogs:
        cat.ping()
        cat.close()


def test_threads_share_one_catalog(catalog: Catalog) -> None:
    batch = catalog.create_batch("parallel", [])
    keys = [f"p/{i:03}.pdf" for i in range(40)]
    catalog.upsert_batch_items(batch.id, [NewBatchItem(k) for k in keys])

    def work(key: str) -> None:
        catalog.update_batch_item(batch.id, key, status="processing")
        catalog.record_audit_event(actor="worker", actor_kind="user", action="update_metadata", record_id=key)
        catalog.update_batch_item(batch.id, key, status="stored", record_id=key, pages=1)
        catalog.open_review_task("shared-record", [key])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, keys))
    progress = catalog.batch_progress(batch.id)
    assert progress.counts["stored"] == 40 and progress.pages_done == 40
    assert len(catalog.query_audit(actor="worker", limit=1000)) == 40
    (task,) = catalog.list_review_tasks()
    assert set(task.reasons) == set(keys)


def test_unreachable_postgres_names_url_without_password() -> None:
    url = "postgresql+psycopg://kho:very-secret-pw@127.0.0.1:1/kho"
    with pytest.raises(ServiceUnavailableError) as info:
        Catalog.open(url)
    line = info.value.one_line()
    assert "127.0.0.1:1" in line and "very-secret-pw" not in line and "***" in line


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "not a url", "sqlite+nodriver:///x"])
def test_unusable_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        Catalog.open(url)
    assert info.value.subject == "KHO_CATALOG_URL"


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ServiceUnavailableError) as info:
        Catalog.open(f"sqlite:///{path}")
    assert str(path) in info.value.one_line()


def test_sqlite_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ServiceUnavailableError):
        Catalog.open(f"sqlite:///{blocker}/sub/catalog.sqlite3")


def test_sqlite_uses_wal_and_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "catalog.sqlite3"
    Catalog.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_in_memory_sqlite() -> None:
    with Catalog.open("sqlite://") as cat:
        cat.create_batch("mem", [])
        assert [b.name for b in cat.list_batches()] == ["mem"]
        assert cat.dialect == "sqlite"


def test_newer_schema_is_refused(catalog: Catalog, catalog_url: str) -> None:
    engine = create_engine(catalog_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(ConfigError) as info:
        Catalog.open(catalog_url)
    assert "9999_future" in info.value.one_line()
