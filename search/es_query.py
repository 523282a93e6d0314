"""Elasticsearch query DSL for a :class:`~search.query.TextPlan` and :class:`~search.query.Filters`.

Pure functions returning request bodies. The text clauses mirror :func:`search.sqlite_sql.fts_expression`:
every term/phrase is required on ``text_folded``; accented ones also score on ``text_exact``
(boosted); a document-number query also matches ``document_number_key`` exactly. The proximity
of bare words is applied afterwards to the first hits (:func:`search.query.proximity_order`).
"""

from __future__ import annotations

from typing import Any, Literal

from search.query import FACET_FIELDS, FACET_SIZE, Filters, Phrase, Term, TextPlan

__all__ = [
    "EXACT_BOOST", "NAME_BOOST", "NAME_EXACT_BOOST",
    "adjacency_query", "aggregations", "build_query", "exact_boost_query", "has_exact_terms",
    "sort_clause",
]

EXACT_BOOST = 2.0
DOCNUM_BOOST = 50.0
NAME_BOOST = 500.0
"""Constant score of a holder-name phrase match (the SQLite backend's ``NAME_BONUS``)."""
NAME_EXACT_BOOST = 250.0
"""Constant score added when the accented query words are the holder name's exact spelling."""


def _clause(field: str, item: Term | Phrase, boost: float = 1.0) -> dict[str, Any]:
    if isinstance(item, Term):
        value = item.exact if field == "text_exact" else item.folded
        return {"term": {field: {"value": value, "boost": boost}}}
    tokens = item.exact if field == "text_exact" else item.folded
    return {"match_phrase": {field: {"query": " ".join(tokens or ()), "boost": boost}}}


def has_exact_terms(plan: TextPlan) -> bool:
    """True when some required term or phrase was typed with accents (it earns the exact-accent boost)."""
    return any(item.exact for item in plan.required())


def _name_clause(field: str, phrase: tuple[str, ...], boost: float) -> dict[str, Any]:
    """A constant ``boost`` when the holder-name tokens ``field`` hold ``phrase`` (so bm25 never outweighs it)."""
    return {"constant_score": {"filter": {"match_phrase": {field: " ".join(phrase)}}, "boost": boost}}


def _folded_clauses(plan: TextPlan) -> list[dict[str, Any]]:
    return [_clause("text_folded", item) for item in plan.required()]


def _name_folded_clauses(plan: TextPlan) -> list[dict[str, Any]]:
    return [] if plan.name is None else [_name_clause("holder_folded", plan.name.folded, NAME_BOOST)]


def _exact_clauses(plan: TextPlan) -> list[dict[str, Any]]:
    clauses = [_clause("text_exact", item, EXACT_BOOST) for item in plan.required() if item.exact]
    if plan.name is not None and plan.name.exact:
        clauses.append(_name_clause("holder_exact", plan.name.exact, NAME_EXACT_BOOST))
    return clauses


def text_query(plan: TextPlan, *, exact: bool = True) -> dict[str, Any] | None:
    """The scoring part of the query, or ``None`` for no text; ``exact=False`` leaves the exact-accent boost out.

    The holder-name phrase (:attr:`TextPlan.name`) scores in both passes; its exact spelling only with ``exact``.
    """
    must = _folded_clauses(plan)
    should = _name_folded_clauses(plan) + (_exact_clauses(plan) if exact else [])
    text: dict[str, Any] | None = {"bool": {"must": must, "should": should}} if must else None
    if plan.document_number is None:
        return text
    number = {"term": {"document_number_key": {"value": plan.document_number, "boost": DOCNUM_BOOST}}}
    alternatives = [number] if text is None else [text, number]
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}


def exact_boost_query(plan: TextPlan, ids: list[str]) -> dict[str, Any]:
    """Among ``ids``, the documents whose text matches, scored by the exact-accent boost alone.

    Added to the score of a query built with ``exact=False`` it gives, document for document, the
    score of the full query (a bool query's score is the sum of its matching clauses).
    """
    return {"bool": {"filter": [{"ids": {"values": ids}}, *_folded_clauses(plan)], "should": _exact_clauses(plan)}}


def filter_clauses(f: Filters) -> list[dict[str, Any]]:
    """Non-scoring filters."""
    clauses: list[dict[str, Any]] = []
    if f.citizen_ids is not None:
        clauses.append({"terms": {"citizen_ids": list(f.citizen_ids)}})
    if f.document_type_key is not None:
        clauses.append({"term": {"document_type_key": f.document_type_key}})
    if f.issuer_tokens is not None:
        clauses.append({"match_phrase": {"issuer_folded": " ".join(f.issuer_tokens)}})
    for place in f.locality_keys or ():
        clauses.append({"term": {"locality_keys": place}})
    if f.status is not None:
        clauses.append({"term": {"status": f.status}})
    if f.review_state is not None:
        clauses.append({"term": {"review_state": f.review_state}})
    if f.record_ids is not None:
        clauses.append({"terms": {"record_id": list(f.record_ids)}})
    if f.date_from is not None or f.date_to is not None:
        bounds = {k: v for k, v in (("gte", f.date_from), ("lte", f.date_to)) if v is not None}
        clauses.append({"range": {"issued_on": bounds}})
    return clauses


def build_query(plan: TextPlan, filters: Filters, *, exact: bool = True) -> dict[str, Any]:
    """The ``query`` of a search request (``exact=False``: without the exact-accent boost)."""
    scoring = text_query(plan, exact=exact)
    clauses = filter_clauses(filters)
    if scoring is None and not clauses:
        return {"match_all": {}}
    body: dict[str, Any] = {"filter": clauses}
    if scoring is not None:
        body["must"] = [scoring]
    return {"bool": body}


def sort_clause(sort: Literal["relevance", "date"]) -> list[Any]:
    """Sort by score (if relevance) then newest issue date, then record ID: deterministic."""
    by_date: list[Any] = [
        {"issued_on": {"order": "desc", "missing": "_last"}},
        {"record_id": {"order": "asc"}},
    ]
    return ([{"_score": {"order": "desc"}}] if sort == "relevance" else []) + by_date


def aggregations(size: int = FACET_SIZE) -> dict[str, Any]:
    """Terms aggregations for the facets (count desc, then value asc), ``size`` values each."""
    order = [{"_count": "desc"}, {"_key": "asc"}]
    return {name: {"terms": {"field": name, "size": size, "order": order}} for name in FACET_FIELDS}


def adjacency_query(ids: list[str], phrase: tuple[str, ...]) -> dict[str, Any]:
    """Which of ``ids`` contain the folded ``phrase`` (for the proximity rescoring)."""
    return {"bool": {"filter": [{"ids": {"values": ids}},
                                {"match_phrase": {"text_folded": " ".join(phrase)}}]}}
