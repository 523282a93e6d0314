"""The embedded search backend: SQLite FTS5, same observable behaviour as Elasticsearch.

Text is tokenised and folded in Python (:mod:`search.normalize`); the FTS5 table stores the exact
and the folded token strings, ranked with ``bm25`` (exact column weighted higher). Snippets come
from :mod:`search.highlight`. The tables of one generation (``records_g<n>`` …) are the index;
``kho_meta.generation`` names the live one, so :meth:`SqliteIndex.rebuild` fills a new generation
and switches to it in one transaction while readers keep reading the old one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from kho.errors import ConfigError, ServiceUnavailableError
from search.analysis import AnalysedDocument, analyse
from search.highlight import highlight_pages
from search.index import (
    BulkFailure,
    BulkResult,
    FacetCount,
    IndexDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search.places import PlaceTable, load_places
from search.query import (
    FACET_FIELDS,
    RESCORE_WINDOW,
    TextPlan,
    contains_phrase,
    plan_filters,
    plan_text,
    proximity_order,
    rescores,
)
from search.sqlite_sql import (
    DOCNUM_BONUS,
    EXACT_WEIGHT,
    META_DDL,
    NAME_BONUS,
    NAME_EXACT_BONUS,
    PAGE_BREAK,
    SCHEMA_VERSION,
    Tables,
    create_statements,
    filter_clause,
    fts_expression,
    name_bonus_statement,
)

__all__ = ["SqliteIndex"]

BATCH = 1000
_ROW_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError, OverflowError)
_ANALYSIS = "cannot analyse the document"
_HIT_COLUMNS = ("record_id, document_type, document_number, issued_on, issuer, holder_name, "
                "citizen_ids, locality, status, review_state, page_count, valid_until")


class SqliteIndex:
    """The records index in one SQLite file (FTS5)."""

    def __init__(self, path: Path, *, places: PlaceTable | None = None, timeout: float = 30.0):
        self.path = Path(path)
        self._places = places if places is not None else load_places()
        self._timeout = timeout
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._ready = False

    # Connection and transactions

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            with self._errors():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA temp_store=MEMORY")
                conn.execute(META_DDL)
                self._conn = conn
        return self._conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as e:
            raise ServiceUnavailableError(f"the search index failed: {e}", subject=str(self.path)) from e
        except OSError as e:
            raise ServiceUnavailableError(
                f"cannot open the search index: {e.strerror or e}", subject=str(self.path)
            ) from e

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        with self._lock, self._errors():
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _meta(self, conn: sqlite3.Connection, name: str) -> str | None:
        row = conn.execute("SELECT value FROM kho_meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, conn: sqlite3.Connection, name: str, value: str) -> None:
        conn.execute("INSERT INTO kho_meta (name, value) VALUES (?, ?) "
                     "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))

    def _live(self, conn: sqlite3.Connection) -> Tables | None:
        generation = self._meta(conn, "generation")
        if generation is None:
            return None
        schema = self._meta(conn, "schema_version")
        if schema != str(SCHEMA_VERSION):
            raise ConfigError(
                f"the index has schema version {schema}, this kho needs {SCHEMA_VERSION}; run `kho reindex`",
                subject=str(self.path),
            )
        return Tables(int(generation))

    def _tables(self, conn: sqlite3.Connection) -> Tables:
        tables = self._live(conn)
        if tables is None:
            raise ConfigError("the search index is not initialised", subject=str(self.path))
        return tables

    # SearchIndex

    def ensure_ready(self) -> None:
        """Create the first table generation if the file has none."""
        if self._ready:
            return
        with self._transaction(write=True) as conn:
            if self._live(conn) is None:
                tables = Tables(self._unused_generation(conn))
                for statement in create_statements(tables):
                    conn.execute(statement)
                self._set_meta(conn, "generation", str(tables.generation))
                self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        self._ready = True

    def index_documents(self, docs: Sequence[IndexDocument], *, refresh: bool = False) -> BulkResult:
        """Upsert by record ID; an older version than the indexed one is refused (a failure).

        ``refresh`` is accepted for the Protocol: SQLite writes are visible once committed.
        """
        self.ensure_ready()
        indexed, failures = 0, []
        for start in range(0, len(docs), BATCH):
            with self._transaction(write=True) as conn:
                tables = self._tables(conn)
                n, failed = self._write_batch(conn, tables, docs[start:start + BATCH], upsert=True)
            indexed += n
            failures.extend(failed)
        return BulkResult(indexed=indexed, failures=tuple(failures))

    def _write_batch(
        self, conn: sqlite3.Connection, t: Tables, docs: Sequence[IndexDocument], *, upsert: bool
    ) -> tuple[int, list[BulkFailure]]:
        """Write a batch in one savepoint (FTS5 flushes at every savepoint release, so not one per doc).

        If a statement fails for one document, the batch is rolled back and written again with a
        savepoint per document, so that only the failing documents are reported.
        """
        analysed, failures = self._analyse_all(docs)
        refused: list[BulkFailure] = []
        conn.execute("SAVEPOINT batch")
        try:
            for a in analysed:
                reason = self._write_one(conn, t, a, upsert=upsert)
                if reason is not None:
                    refused.append(BulkFailure(record_id=a.doc.record_id, reason=reason))
        except _ROW_ERRORS:
            conn.execute("ROLLBACK TO batch")
            conn.execute("RELEASE batch")
            return self._write_one_by_one(conn, t, analysed, failures, upsert=upsert)
        conn.execute("RELEASE batch")
        return len(analysed) - len(refused), failures + refused

    def _analyse_all(self, docs: Sequence[IndexDocument]) -> tuple[list[AnalysedDocument], list[BulkFailure]]:
        analysed, failures = [], []
        for doc in docs:
            try:
                analysed.append(analyse(doc, self._places))
            except (ValueError, TypeError, AttributeError) as e:
                failures.append(BulkFailure(record_id=doc.record_id, reason=f"{_ANALYSIS}: {e}"))
        return analysed, failures

    def _write_one_by_one(
        self, conn: sqlite3.Connection, t: Tables, analysed: list[AnalysedDocument],
        failures: list[BulkFailure], *, upsert: bool,
    ) -> tuple[int, list[BulkFailure]]:
        indexed = 0
        for a in analysed:
            conn.execute("SAVEPOINT doc")
            try:
                reason = self._write_one(conn, t, a, upsert=upsert)
            except _ROW_ERRORS as e:
                reason = f"cannot index: {e}"
            if reason is None:
                conn.execute("RELEASE doc")
                indexed += 1
            else:
                conn.execute("ROLLBACK TO doc")
                conn.execute("RELEASE doc")
                failures.append(BulkFailure(record_id=a.doc.record_id, reason=reason))
        return indexed, failures

    def _write_one(self, conn: sqlite3.Connection, t: Tables, a: AnalysedDocument, *, upsert: bool) -> str | None:
        doc = a.doc
        rid: int | None = None
        if upsert:
            row = conn.execute(f"SELECT rid, version FROM {t.records} WHERE record_id = ?",
                               (doc.record_id,)).fetchone()
            if row is not None:
                rid, version = int(row[0]), int(row[1])
                if version > doc.version:
                    return f"version conflict: the index holds version {version}, newer than {doc.version}"
                self._delete_rows(conn, t, rid)
        values = _record_values(a)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = conn.execute(f"INSERT INTO {t.records} (rid, {columns}) VALUES (?, {marks})",
                              (rid, *values.values()))
        rid = int(cursor.lastrowid or 0)
        conn.executemany(f"INSERT OR IGNORE INTO {t.ids} (citizen_id, rid) VALUES (?, ?)",
                         [(c, rid) for c in a.citizen_ids])
        conn.executemany(f"INSERT OR IGNORE INTO {t.places} (locality_key, rid) VALUES (?, ?)",
                         [(k, rid) for k in a.locality_keys])
        conn.executemany(f"INSERT INTO {t.pages} (rid, page, text) VALUES (?, ?, ?)",
                         [(rid, i, text) for i, text in enumerate(a.pages, start=1)])
        conn.execute(f"INSERT INTO {t.fts} (rowid, exact, folded) VALUES (?, ?, ?)",
                     (rid, PAGE_BREAK.join(a.text_exact), PAGE_BREAK.join(a.text_folded)))
        return None

    def _delete_rows(self, conn: sqlite3.Connection, t: Tables, rid: int) -> None:
        for table in (t.ids, t.places, t.pages, t.records):
            conn.execute(f"DELETE FROM {table} WHERE rid = ?", (rid,))
        conn.execute(f"DELETE FROM {t.fts} WHERE rowid = ?", (rid,))

    def delete_document(self, record_id: str, *, refresh: bool = False) -> None:
        """Remove one record (no error if absent)."""
        self.ensure_ready()
        with self._transaction(write=True) as conn:
            t = self._tables(conn)
            row = conn.execute(f"SELECT rid FROM {t.records} WHERE record_id = ?", (record_id,)).fetchone()
            if row is not None:
                self._delete_rows(conn, t, int(row[0]))

    def count(self) -> int:
        """Number of indexed records."""
        self.ensure_ready()
        with self._transaction(write=False) as conn:
            t = self._tables(conn)
            return int(conn.execute(f"SELECT count(*) FROM {t.records}").fetchone()[0])

    def versions(self) -> dict[str, int]:
        """record_id -> indexed version."""
        self.ensure_ready()
        with self._transaction(write=False) as conn:
            t = self._tables(conn)
            return {str(r): int(v) for r, v in conn.execute(f"SELECT record_id, version FROM {t.records}")}

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query (see :mod:`search.query` for the text syntax)."""
        filters = plan_filters(query)
        plan = plan_text(query.text)
        self.ensure_ready()
        with self._transaction(write=False) as conn:
            t = self._tables(conn)
            where, params = filter_clause(filters, t)
            narrowed = not plan.empty or where != "1"
            source = self._matches(conn, t, plan, where, params) if narrowed else t.records
            total = int(conn.execute(f"SELECT count(*) FROM {source}").fetchone()[0])
            hits = self._page(conn, t, source, narrowed and not plan.empty, query, plan)
            facets = self._facets(conn, source, filters.facet_size) if query.with_facets else {}
            conn.execute("DROP TABLE IF EXISTS temp.hits")
            conn.execute("DROP TABLE IF EXISTS temp.matches")
        return SearchResult(total=total, hits=hits, facets=facets)

    def _matches(self, conn: sqlite3.Connection, t: Tables, plan: TextPlan, where: str, params: list[Any]) -> str:
        """Fill temp.matches with the matching records' score, sort keys and facet values."""
        source, score = f"{t.records} r", "0.0"
        if not plan.empty:
            self._text_hits(conn, t, plan)
            source, score = f"temp.hits h JOIN {t.records} r ON r.rid = h.rid", "h.score"
        conn.execute("DROP TABLE IF EXISTS temp.matches")
        columns = ", ".join(f"r.{c}" for c in ("sort_date", "record_id", *FACET_FIELDS))
        conn.execute(f"CREATE TEMP TABLE matches AS SELECT r.rid AS rid, {score} AS score, {columns} "
                     f"FROM {source} WHERE {where}", params)
        return "temp.matches"

    def _text_hits(self, conn: sqlite3.Connection, t: Tables, plan: TextPlan) -> None:
        """temp.hits: every record matching the text, with its bm25 score (+ document-number bonus)."""
        conn.execute("DROP TABLE IF EXISTS temp.hits")
        conn.execute("CREATE TEMP TABLE hits (rid INTEGER PRIMARY KEY, score REAL NOT NULL)")
        expression = fts_expression(plan)
        if expression is not None:
            conn.execute(f"INSERT INTO temp.hits (rid, score) SELECT rowid, -bm25({t.fts}, {EXACT_WEIGHT}, 1.0) "
                         f"FROM {t.fts} WHERE {t.fts} MATCH ?", (expression,))
        if plan.document_number is not None:
            conn.execute(f"INSERT INTO temp.hits (rid, score) SELECT rid, {DOCNUM_BONUS} FROM {t.records} "
                         "WHERE document_number_key = ? AND true "
                         "ON CONFLICT(rid) DO UPDATE SET score = score + excluded.score",
                         (plan.document_number,))
        if plan.name is not None:
            conn.execute(name_bonus_statement(t, "holder_folded", NAME_BONUS), (f" {' '.join(plan.name.folded)} ",))
            if plan.name.exact:
                conn.execute(name_bonus_statement(t, "holder_exact", NAME_EXACT_BONUS),
                             (f" {' '.join(plan.name.exact)} ",))

    def _page(
        self, conn: sqlite3.Connection, t: Tables, source: str, scored: bool, query: SearchQuery, plan: TextPlan,
    ) -> tuple[SearchHit, ...]:
        order = "sort_date DESC, record_id"
        if query.sort == "relevance" and scored:
            order = f"score DESC, {order}"
        rescore = scored and rescores(plan, query)
        limit, offset = (max(RESCORE_WINDOW, query.offset + query.limit), 0) if rescore else \
            (query.limit, query.offset)
        window = conn.execute(f"SELECT rid, {'score' if scored else '0.0'} FROM {source} ORDER BY {order} "
                              "LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        if rescore and plan.proximity is not None:
            adjacent = self._adjacent(conn, t, [int(r[0]) for r in window[:RESCORE_WINDOW]], plan.proximity.folded)
            ranks = proximity_order(range(len(window)), {i for i, r in enumerate(window) if int(r[0]) in adjacent})
            window = [window[i] for i in ranks[query.offset:query.offset + query.limit]]
        if not window:
            return ()
        rids = [int(r[0]) for r in window]
        marks = ", ".join("?" for _ in rids)
        rows = {int(r[0]): r for r in conn.execute(
            f"SELECT rid, {_HIT_COLUMNS} FROM {t.records} WHERE rid IN ({marks})", rids)}
        pages = self._pages(conn, t, rids) if not plan.empty else {}
        return tuple(_hit(rows[rid], float(score), highlight_pages(pages.get(rid, []), plan))
                     for rid, score in window)

    def _adjacent(self, conn: sqlite3.Connection, t: Tables, rids: list[int], phrase: tuple[str, ...]) -> set[int]:
        """Which of ``rids`` contain ``phrase`` (folded tokens, consecutive, within one text block)."""
        if not rids:
            return set()
        marks = ", ".join("?" for _ in rids)
        rows = conn.execute(f"SELECT rowid, folded FROM {t.fts} WHERE rowid IN ({marks})", rids)
        return {int(rid) for rid, folded in rows if contains_phrase(str(folded), phrase)}

    def _pages(self, conn: sqlite3.Connection, t: Tables, rids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        marks = ", ".join("?" for _ in rids)
        for rid, text in conn.execute(
            f"SELECT rid, text FROM {t.pages} WHERE rid IN ({marks}) ORDER BY rid, page", rids
        ):
            found.setdefault(int(rid), []).append(str(text))
        return found

    def _facets(self, conn: sqlite3.Connection, source: str, size: int) -> dict[str, tuple[FacetCount, ...]]:
        facets: dict[str, tuple[FacetCount, ...]] = {}
        for name in FACET_FIELDS:
            rows = conn.execute(
                f"SELECT {name}, count(*) FROM {source} WHERE {name} IS NOT NULL "
                f"GROUP BY {name} ORDER BY count(*) DESC, CAST({name} AS TEXT) LIMIT ?", (size,),
            ).fetchall()
            facets[name] = tuple(FacetCount(value=str(v), count=int(c)) for v, c in rows)
        return facets

    def rebuild(self, docs: Iterable[IndexDocument]) -> BulkResult:
        """Fill a new table generation from ``docs``, then switch to it in one transaction."""
        with self._transaction(write=True) as conn:
            tables = Tables(self._unused_generation(conn))
            for statement in create_statements(tables):
                conn.execute(statement)
        indexed, failures = 0, []
        try:
            stream = iter(docs)
            while batch := list(islice(stream, BATCH)):
                with self._transaction(write=True) as conn:
                    n, failed = self._write_batch(conn, tables, batch, upsert=True)
                indexed += n
                failures.extend(failed)
            with self._transaction(write=True) as conn:
                conn.execute(f"INSERT INTO {tables.fts} ({tables.fts}) VALUES ('optimize')")
                old = self._live_generation_or_none(conn)
                self._set_meta(conn, "generation", str(tables.generation))
                self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        except BaseException:
            self._drop_generation(tables.generation)
            raise
        if old is not None:
            self._drop_generation(old)
        return BulkResult(indexed=indexed, failures=tuple(failures))

    def _live_generation_or_none(self, conn: sqlite3.Connection) -> int | None:
        value = self._meta(conn, "generation")
        return None if value is None else int(value)

    def _unused_generation(self, conn: sqlite3.Connection) -> int:
        """A generation number above every one present; leftovers of a crashed rebuild are dropped."""
        live = self._live_generation_or_none(conn)
        names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        present = {int(n.rsplit("_g", 1)[1]) for n in names
                   if n.startswith("records_g") and n.rsplit("_g", 1)[1].isdigit()}
        for generation in present - {live}:
            for table in Tables(generation).all():
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        return max(present | {live or 0}) + 1

    def _drop_generation(self, generation: int) -> None:
        with self._transaction(write=True) as conn:
            for table in Tables(generation).all():
                conn.execute(f"DROP TABLE IF EXISTS {table}")

    def close(self) -> None:
        """Close the connection (reopened on next use)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._ready = False


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _record_values(a: AnalysedDocument) -> dict[str, Any]:
    doc = a.doc
    return {
        "record_id": doc.record_id,
        "version": doc.version,
        "document_type": a.document_type,
        "document_type_key": a.document_type_key,
        "document_number": doc.document_number,
        "document_number_key": a.document_number_key,
        "issued_on": _iso(doc.issued_on),
        "year": a.year,
        "sort_date": _iso(doc.issued_on) or "",
        "issuer": a.issuer,
        "issuer_folded": a.issuer_folded,
        "place": doc.place,
        "locality": a.locality,
        "holder_name": doc.holder_name,
        "holder_exact": a.holder_exact,
        "holder_folded": a.holder_folded,
        "summary": doc.summary,
        "status": doc.status,
        "review_state": doc.review_state,
        "page_count": doc.page_count,
        "valid_until": _iso(doc.valid_until),
        "ingested_at": _iso(doc.ingested_at),
        "citizen_ids": json.dumps(list(a.citizen_ids)),
    }


def _hit(row: Sequence[Any], score: float, highlights: tuple[Any, ...]) -> SearchHit:
    (_, record_id, doc_type, number, issued, issuer, holder, ids, locality, status, review, pages, valid) = row
    return SearchHit(
        record_id=record_id,
        score=float(score),
        document_type=doc_type,
        document_number=number,
        issued_on=date.fromisoformat(issued) if issued else None,
        issuer=issuer,
        holder_name=holder,
        citizen_ids=tuple(json.loads(ids)),
        highlights=highlights,
        locality=locality,
        status=status,
        review_state=review,
        page_count=int(pages or 0),
        valid_until=date.fromisoformat(valid) if valid else None,
    )
