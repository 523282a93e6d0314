"""SQL text for :mod:`search.sqlite_index`: the table set of one generation, FTS5 expressions, filters.

Pure functions returning SQL and parameters. Table names carry the generation number
(``records_g3``) so a rebuild writes a complete new table set and switches to it in one
transaction; only integers produced by kho are ever formatted into SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from search.query import FACET_FIELDS, Filters, Phrase, Term, TextPlan

__all__ = [
    "DOCNUM_BONUS",
    "EXACT_WEIGHT",
    "NAME_BONUS",
    "NAME_EXACT_BONUS",
    "PAGE_BREAK",
    "SCHEMA_VERSION",
    "Tables",
    "create_statements",
    "filter_clause",
    "fts_expression",
    "name_bonus_statement",
]

SCHEMA_VERSION = 3  # 3: holder_exact/holder_folded (the name-phrase bonus)
# Tokens are produced by search.normalize and joined by spaces; unicode61 only splits them again.
# "_" is a token character so PAGE_BREAK occupies a position: phrases never span two pages.
TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '_'"
PAGE_BREAK = " _ "
EXACT_WEIGHT = 2.0
DOCNUM_BONUS = 1000.0
NAME_BONUS = 500.0
"""Added to a match whose holder name holds the query words as a phrase (bm25 scores stay far below)."""
NAME_EXACT_BONUS = 250.0
"""Added on top when the accented query words are the holder name's exact spelling."""

META_DDL = "CREATE TABLE IF NOT EXISTS kho_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"


@dataclass(frozen=True)
class Tables:
    """Names of the tables of one generation."""

    generation: int

    def _name(self, base: str) -> str:
        return f"{base}_g{int(self.generation)}"

    @property
    def records(self) -> str:
        """One row per record: display values, filter keys, sort key."""
        return self._name("records")

    @property
    def ids(self) -> str:
        """(citizen_id, rid) pairs."""
        return self._name("ids")

    @property
    def places(self) -> str:
        """(locality_key, rid) pairs, old and new place names included."""
        return self._name("places")

    @property
    def pages(self) -> str:
        """(rid, page, text): the page texts, for snippets."""
        return self._name("pages")

    @property
    def fts(self) -> str:
        """The FTS5 table: columns ``exact`` and ``folded``; rowid = rid."""
        return self._name("fts")

    def all(self) -> tuple[str, ...]:
        """Every table of the generation."""
        return (self.fts, self.pages, self.places, self.ids, self.records)


def create_statements(t: Tables) -> list[str]:
    """DDL creating the table set of one generation."""
    g = int(t.generation)
    return [
        f"""CREATE TABLE {t.records} (
            rid INTEGER PRIMARY KEY,
            record_id TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL,
            document_type TEXT, document_type_key TEXT,
            document_number TEXT, document_number_key TEXT,
            issued_on TEXT, year INTEGER, sort_date TEXT NOT NULL,
            issuer TEXT, issuer_folded TEXT,
            place TEXT, locality TEXT, holder_name TEXT, holder_exact TEXT, holder_folded TEXT, summary TEXT,
            status TEXT NOT NULL, review_state TEXT NOT NULL,
            page_count INTEGER NOT NULL, valid_until TEXT, ingested_at TEXT, citizen_ids TEXT NOT NULL)""",
        f"CREATE INDEX ix_sort_g{g} ON {t.records} (sort_date DESC, record_id)",
        f"CREATE INDEX ix_docnum_g{g} ON {t.records} (document_number_key)",
        f"CREATE INDEX ix_type_g{g} ON {t.records} (document_type_key)",
        *(f"CREATE INDEX ix_{c}_g{g} ON {t.records} ({c})" for c in FACET_FIELDS),
        f"CREATE TABLE {t.ids} (citizen_id TEXT NOT NULL, rid INTEGER NOT NULL, "
        "PRIMARY KEY (citizen_id, rid)) WITHOUT ROWID",
        f"CREATE INDEX ix_ids_rid_g{g} ON {t.ids} (rid)",
        f"CREATE TABLE {t.places} (locality_key TEXT NOT NULL, rid INTEGER NOT NULL, "
        "PRIMARY KEY (locality_key, rid)) WITHOUT ROWID",
        f"CREATE INDEX ix_places_rid_g{g} ON {t.places} (rid)",
        f"CREATE TABLE {t.pages} (rid INTEGER NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, "
        "PRIMARY KEY (rid, page)) WITHOUT ROWID",
        f"CREATE VIRTUAL TABLE {t.fts} USING fts5(exact, folded, tokenize = \"{TOKENIZE}\")",
    ]


def _string(token_or_tokens: str | tuple[str, ...]) -> str:
    text = token_or_tokens if isinstance(token_or_tokens, str) else " ".join(token_or_tokens)
    return '"' + text.replace('"', '""') + '"'


def _alternatives(item: Term | Phrase) -> str:
    clause = f"folded : {_string(item.folded)}"
    if item.exact:
        clause = f"({clause} OR exact : {_string(item.exact)})"
    return clause


def fts_expression(plan: TextPlan) -> str | None:
    """The FTS5 MATCH expression of a text plan, or ``None`` when it has no tokens.

    Every term/phrase is required on the folded column; an accented one may also match the exact
    column, which only adds to the bm25 score (an exact match is always a folded match too).
    """
    parts = [_alternatives(item) for item in plan.required()]
    if not parts:
        return None
    return " AND ".join(parts)


def name_bonus_statement(t: Tables, column: str, bonus: float) -> str:
    """``UPDATE`` adding ``bonus`` to the text hits whose ``column`` (holder tokens) holds the phrase ``?``."""
    if column not in ("holder_exact", "holder_folded"):
        raise ValueError(column)
    return (f"UPDATE temp.hits SET score = score + {float(bonus)} WHERE rid IN (SELECT rid FROM {t.records} "
            f"WHERE instr(' ' || {column} || ' ', ?) > 0)")


def filter_clause(f: Filters, t: Tables) -> tuple[str, list[Any]]:
    """``WHERE`` conditions on ``r`` (the records table) for the filters, and their parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    if f.citizen_ids is not None:
        marks = ", ".join("?" for _ in f.citizen_ids)
        conditions.append(f"r.rid IN (SELECT rid FROM {t.ids} WHERE citizen_id IN ({marks}))")
        params.extend(f.citizen_ids)
    if f.document_type_key is not None:
        conditions.append("r.document_type_key = ?")
        params.append(f.document_type_key)
    if f.issuer_tokens is not None:
        conditions.append("(' ' || r.issuer_folded || ' ') LIKE ? ESCAPE '\\'")
        escaped = " ".join(f.issuer_tokens).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"% {escaped} %")
    for place in f.locality_keys or ():
        conditions.append(f"r.rid IN (SELECT rid FROM {t.places} WHERE locality_key = ?)")
        params.append(place)
    for column, value in (("status", f.status), ("review_state", f.review_state)):
        if value is not None:
            conditions.append(f"r.{column} = ?")
            params.append(value)
    if f.record_ids is not None:
        conditions.append("r.record_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(f.record_ids)))
    if f.date_from is not None:
        conditions.append("r.issued_on >= ?")
        params.append(f.date_from)
    if f.date_to is not None:
        conditions.append("r.issued_on <= ?")
        params.append(f.date_to)
    return (" AND ".join(conditions) or "1"), params
