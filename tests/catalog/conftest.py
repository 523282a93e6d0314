"""Fixtures of the catalog contract suite: every test runs on SQLite and on the real PostgreSQL.

PostgreSQL tests get a fresh schema each (``search_path`` set through the URL), dropped afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from repository.catalog import Catalog


def url_with_schema(base_url: str, schema: str) -> str:
    """``base_url`` with PostgreSQL's ``search_path`` set to ``schema``."""
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty catalog database: a temp SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
        return
    base: str = request.getfixturevalue("postgres_url")
    schema = "kho_catalog_test_" + secrets.token_hex(4)
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url_with_schema(base, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture
def catalog(catalog_url: str) -> Iterator[Catalog]:
    """An open, migrated, empty catalog."""
    cat = Catalog.open(catalog_url)
    try:
        yield cat
    finally:
        cat.close()
