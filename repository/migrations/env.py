"""Alembic environment of the catalog.

``Catalog.open`` passes an open connection in ``config.attributes["connection"]`` (inside its own
locked transaction). For developers, ``alembic -x url=sqlite:///x.sqlite3 revision --autogenerate``
with ``script_location`` pointing here works too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from repository.catalog_models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on ``-x url=...`` for command-line use."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database with: alembic -x url=DATABASE_URL ...")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
