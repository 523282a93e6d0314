"""Catalog benchmark: the hot-path operations on SQLite and on the real PostgreSQL.

Measured per backend, each against the baseline of a bare round trip (``Catalog.ping``) in the
same run: API-key authentication (+ touch, as the web layer does per request), audit event
writes from 1 and 4 threads, an audit query by citizen among many events, planning a large batch
and marking its items done.

Usage::

    .venv/bin/python bench/catalog.py                      # SQLite, and PostgreSQL if it is up
    .venv/bin/python bench/catalog.py --events 20000 --items 5000

PostgreSQL runs in a throw-away schema of the ``kho services up`` database. Citizen IDs here are
synthetic and never printed.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kho.services.endpoints import PG_PORT, endpoints
from repository.catalog import Catalog, NewBatchItem


def _rate(label: str, n: int, fn: Callable[[], object], baseline: float | None = None) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    per_op = seconds / n * 1e3
    ratio = f"  ({per_op / baseline:5.1f}× ping)" if baseline else ""
    print(f"  {label:<44} {n / seconds:9.0f}/s  {per_op:7.3f} ms/op{ratio}")
    return per_op


def _each(n: int, op: Callable[[int], object], start: int = 0) -> Callable[[], None]:
    def loop() -> None:
        for i in range(start, start + n):
            op(i)

    return loop


@contextmanager
def _sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'catalog.sqlite3'}"


@contextmanager
def _postgres_url() -> Iterator[str]:
    base = endpoints().postgres_url
    schema = "kho_bench_" + secrets.token_hex(4)
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _citizen(i: int) -> str:
    return f"0010990{i % 100000:05d}"


def run(catalog: Catalog, events: int, items: int) -> None:
    """Print the figures for one open catalog."""
    ping = _rate("ping (baseline round trip)", 500, _each(500, lambda _: catalog.ping()))
    _key, plaintext = catalog.create_api_key("bench", "portal")

    def auth() -> None:
        for _ in range(500):
            key = catalog.authenticate_key(plaintext)
            assert key is not None
            catalog.touch_api_key(key.id)

    _rate("authenticate_key + touch", 500, auth, ping)

    def audit(i: int) -> None:
        catalog.record_audit_event(
            actor="bench", actor_kind="key", action="read_document", citizen_id=_citizen(i), record_id=f"R{i}"
        )

    _rate("record_audit_event, 1 thread", events // 2, _each(events // 2, audit), ping)
    with ThreadPoolExecutor(4) as pool:
        _rate(
            "record_audit_event, 4 threads",
            events // 2,
            lambda: list(pool.map(audit, range(events // 2, events))),
            ping,
        )
    _rate(
        f"query_audit(citizen_id) among {events} events",
        200,
        _each(200, lambda i: catalog.query_audit(citizen_id=_citizen(i * 37))),
        ping,
    )
    batch = catalog.create_batch("bench", [])
    plan = [NewBatchItem(f"scans/{i:06}.pdf", (f"{i:064x}",), 2) for i in range(items)]
    _rate(
        f"upsert_batch_items ({items} in one call), per item",
        items,
        lambda: catalog.upsert_batch_items(batch.id, plan),
    )
    _rate(
        "update_batch_item (one transaction each)",
        items // 5,
        _each(
            items // 5,
            lambda i: catalog.update_batch_item(batch.id, plan[i].key, status="stored", record_id=f"R{i}", pages=2),
        ),
        ping,
    )
    _rate("batch_progress", 100, _each(100, lambda _: catalog.batch_progress(batch.id)), ping)


def main() -> None:
    """Run the benchmark on every reachable backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    backends: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [("SQLite (WAL, temp file)", _sqlite_url)]
    try:
        socket.create_connection(("127.0.0.1", PG_PORT), timeout=2).close()
        backends.append(("PostgreSQL (127.0.0.1, kho services)", _postgres_url))
    except OSError:
        print("PostgreSQL not reachable: start it with `kho services up` to include it")
    for label, url_context in backends:
        print(label)
        with url_context() as url:
            start = time.perf_counter()
            catalog = Catalog.open(url)
            print(f"  {'open + migrate empty database':<44} {time.perf_counter() - start:9.3f} s")
            try:
                run(catalog, args.events, args.items)
            finally:
                catalog.close()


if __name__ == "__main__":
    main()
