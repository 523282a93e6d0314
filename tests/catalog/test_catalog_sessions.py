"""Contract tests: server-side sign-in sessions (SQLite and PostgreSQL) — defect D8's catalog part."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect
from test_catalog_engine import migrations

from repository.catalog import Catalog

PASSWORD = "mật-khẩu-đủ-dài"
HOURS = timedelta(hours=10)


def test_started_session_is_found_by_its_token_only(catalog: Catalog) -> None:
    started, token = catalog.start_session("lan", HOURS)
    assert started.username == "lan" and started.ended_at is None
    assert started.active_at(datetime.now(UTC))
    assert not started.active_at(datetime.now(UTC) + HOURS + timedelta(seconds=1))
    found = catalog.get_session(token)
    assert found is not None and found.username == "lan" and found.active_at(datetime.now(UTC))
    assert catalog.get_session(token + "x") is None
    assert catalog.get_session("") is None
    _, other = catalog.start_session("lan", HOURS)
    assert other != token


def test_ending_a_session_leaves_the_others(catalog: Catalog) -> None:
    _, first = catalog.start_session("lan", HOURS)
    _, second = catalog.start_session("lan", HOURS)
    catalog.end_session(first)
    catalog.end_session(first)  # idempotent
    ended = catalog.get_session(first)
    assert ended is not None and ended.ended_at is not None and not ended.active_at(datetime.now(UTC))
    kept = catalog.get_session(second)
    assert kept is not None and kept.active_at(datetime.now(UTC))


def test_d8_disabling_a_user_ends_every_session(catalog: Catalog) -> None:
    catalog.create_user("lan", PASSWORD, "official")
    catalog.create_user("hoa", PASSWORD, "official")
    tokens = [catalog.start_session("lan", HOURS)[1] for _ in range(3)]
    _, other = catalog.start_session("hoa", HOURS)
    catalog.disable_user("lan")
    now = datetime.now(UTC)
    assert all(not s.active_at(now) for t in tokens if (s := catalog.get_session(t)) is not None)
    assert all(catalog.get_session(t) is not None for t in tokens)
    kept = catalog.get_session(other)
    assert kept is not None and kept.active_at(now)
    catalog.enable_user("lan")  # enabling again does not revive old sessions
    assert all(not s.active_at(now) for t in tokens if (s := catalog.get_session(t)) is not None)
    assert catalog.end_user_sessions("hoa") == 1


def test_sessions_table_comes_and_goes_with_0003(catalog: Catalog, catalog_url: str) -> None:
    with migrations(catalog_url) as (cfg, conn):
        command.downgrade(cfg, "0002_cli_actor")
        assert "sign_in_sessions" not in inspect(conn).get_table_names()
        command.upgrade(cfg, "0003_sessions")
        assert "sign_in_sessions" in inspect(conn).get_table_names()
