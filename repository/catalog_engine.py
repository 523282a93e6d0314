"""Engines, migrations and error translation for the catalog (the SQLAlchemy/Alembic edge).

SQLite gets WAL, foreign keys, a busy timeout and real transactions (``BEGIN`` / ``BEGIN IMMEDIATE``
for writers, so that concurrent writers queue instead of failing). PostgreSQL gets a pre-pinged pool.
Migrations run under a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL) so that
several processes may open the same catalog at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from kho.errors import ConfigError, ConflictError, KhoError, ServiceUnavailableError, UsageError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
BEGIN_OPTION = "kho_sqlite_begin"
# Arbitrary constant: the PostgreSQL advisory lock taken while migrating.
_MIGRATION_LOCK_ID = 0x6B686F_0001


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return "<invalid catalog URL>"


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    }
    if in_memory:
        kwargs["poolclass"] = StaticPool
    else:
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ServiceUnavailableError(
                f"cannot create the catalog folder {folder}: {e.strerror or e}", subject=safe_url(url)
            ) from e
    engine = create_engine(parsed, hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_conn.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def create_catalog_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///PATH``, ``sqlite://`` or ``postgresql+psycopg://...``)."""
    try:
        backend = make_url(url).get_backend_name()
    except sa_exc.ArgumentError as e:
        raise ConfigError(f"not a database URL: {e}", subject="KHO_CATALOG_URL") from e
    try:
        if backend == "sqlite":
            return _sqlite_engine(url)
        if backend == "postgresql":
            return create_engine(
                url,
                hide_parameters=True,  # bound values may be citizen IDs: keep them out of errors
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=10,
                pool_recycle=1800,
                connect_args={"connect_timeout": 10, "application_name": "kho"},
            )
    except (sa_exc.NoSuchModuleError, ImportError) as e:
        raise ConfigError(f"no driver for {safe_url(url)}: {e}", subject="KHO_CATALOG_URL") from e
    raise ConfigError(
        f"unsupported catalog database {backend!r}; use sqlite:///PATH or postgresql+psycopg://...",
        subject="KHO_CATALOG_URL",
    )


def writer(engine: Engine) -> Engine:
    """The same engine for write transactions (``BEGIN IMMEDIATE`` on SQLite, so writers queue)."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
    return engine


def url_of(engine: Engine) -> str:
    """The engine's URL as a string (password included: mask it with :func:`safe_url`)."""
    return engine.url.render_as_string(hide_password=False)


def _known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def head_revision() -> str:
    """The newest migration revision shipped with this version of kho."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None, "the catalog ships at least one migration"
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    return MigrationContext.configure(conn).get_current_revision()


def migrate_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision, under a lock (safe with concurrent openers)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_ID})
        current = current_revision(conn)
        if current == head_revision():
            return
        if current is not None and current not in _known_revisions():
            raise ConfigError(
                f"the catalog database is at schema revision {current}, unknown to this version of kho "
                "(it was migrated by a newer kho); upgrade kho or point KHO_CATALOG_URL elsewhere",
                subject=safe_url(url_of(engine)),
            )
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextlib.contextmanager
def translated_errors(url: str) -> Iterator[None]:
    """Turn SQLAlchemy errors into :class:`ServiceUnavailableError` / :class:`ConflictError`."""
    try:
        yield
    except KhoError:
        raise
    except sa_exc.IntegrityError as e:
        raise ConflictError(
            f"the change conflicts with what the catalog holds ({_first_line(e.orig)})", subject="catalog"
        ) from e
    except sa_exc.DataError as e:
        raise UsageError(
            f"a value does not fit the catalog ({_first_line(e.orig)}); shorten or correct it", subject="catalog"
        ) from e
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as e:
        raise ServiceUnavailableError(
            f"the catalog database cannot be used: {_first_line(getattr(e, 'orig', e))}; "
            "check that it is running, reachable and a kho catalog",
            subject=safe_url(url),
        ) from e


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
