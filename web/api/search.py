"""``GET /api/v1/search``: the search of ``kho search`` for official API clients (audited, scoped).

Parameters map one to one onto :class:`search.index.SearchQuery`; the answer is the JSON of
``kho search --json`` (:func:`search.shapes.result_json`) with API links added to each hit.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Response, jsonify, request

from access.reads import search_documents
from kho.errors import UsageError
from search.index import SearchQuery
from search.query import MAX_LIMIT, REVIEW_STATES, STATUSES
from search.shapes import result_json
from web.api.base import access_context, api, int_arg, str_arg
from web.context import state
from web.openapi_components import NAME_PATTERN
from web.shapes import document_links

MAX_OFFSET = 9000  # offset + limit stays within Elasticsearch's 10 000-hit window
_NAME_RE = re.compile(NAME_PATTERN)


def _choice(name: str, choices: tuple[str, ...]) -> str | None:
    value = str_arg(name, 40)
    if value is not None and value not in choices:
        raise UsageError(f"use one of: {', '.join(choices)}", subject=name)
    return value


def _date(name: str) -> date | None:
    value = str_arg(name, 10)
    if value is None:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError as e:
        raise UsageError("not a date (YYYY-MM-DD)", subject=name) from e
    raise UsageError("not a date (YYYY-MM-DD)", subject=name)


def _name(name: str) -> str | None:
    value = str_arg(name)
    if value is not None and not _NAME_RE.search(value):
        raise UsageError("needs a letter or a digit", subject=name)
    return value


def _flag(name: str, default: bool) -> bool:
    value = request.args.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise UsageError("use true or false", subject=name)
    return value == "true"


def _text() -> str:
    """The ``q`` words; absent or blank (``q=``) is no words: the newest records, as on the search page."""
    raw = request.args.get("q")
    if raw is None or not raw.strip():
        return ""
    return str_arg("q", 500) or ""


def query_from_request() -> SearchQuery:
    """The :class:`SearchQuery` of the request's parameters (400 for malformed ones).

    Without words (``q`` absent or empty) and without ``sort``, hits come newest first (``sort=date``),
    like the search page and ``kho search`` with nothing asked."""
    text = _text()
    sort = _choice("sort", ("relevance", "date")) or ("relevance" if text else "date")
    return SearchQuery(
        text=text,
        citizen_id=str_arg("citizen_id", 40),
        document_type=str_arg("type"),
        issuer=_name("issuer"),
        locality=_name("locality"),
        status=_choice("status", STATUSES),
        review_state=_choice("review_state", REVIEW_STATES),
        date_from=_date("from"),
        date_to=_date("to"),
        sort="date" if sort == "date" else "relevance",
        limit=int_arg("limit", 20, 0, MAX_LIMIT),
        offset=int_arg("offset", 0, 0, MAX_OFFSET),
        with_facets=_flag("facets", True),
    )


@api.get("/search")
def search() -> Response:
    """Search records: words, "phrases", a citizen ID, filters, facets (roles official, archivist, admin)."""
    web = state()
    ctx = access_context()
    result = search_documents(web.backends, web.scope_policy, ctx, query_from_request())
    body = result_json(result)
    for hit in body["hits"]:
        hit["links"] = document_links(hit["record_id"])
    return jsonify(body)
