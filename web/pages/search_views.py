"""The search page: one box, filters with facet counts, highlighted results with thumbnails, paging.

The query is the :class:`search.index.SearchQuery` of ``kho search``, run through
:func:`access.reads.search_documents` like ``GET /api/v1/search``: role ``search``, the session's
purpose, one ``search`` audit event per results page (hits show names and citizen IDs). A box that
holds only a citizen ID searches by that ID (``citizen_id``), anything else is text.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from access.permissions import Permission
from access.reads import search_documents
from kho.core.citizen_id import citizen_id_lookup_forms
from kho.errors import UsageError
from search.index import FacetCount, SearchResult
from search.query import FACET_FIELDS
from web.context import state
from web.pages.base import access_context, pages, require_page
from web.pages.labels import label
from web.pages.search_form import (
    PAGE_SIZE,
    SearchForm,
    citizen_id_in,
    last_page,
    page_numbers,
    parse_search_args,
    to_query,
)

# Facet name -> (query-string argument, whether the value is a code to label).
FACET_ARGS: dict[str, tuple[str, str | None]] = {
    "document_type": ("type", None),
    "issuer": ("issuer", None),
    "locality": ("locality", None),
    "year": ("year", None),
    "status": ("status", "status"),
    "review_state": ("review", "review_state"),
}


@dataclass(frozen=True)
class FacetEntry:
    """One value of a facet: its words, count, the link that toggles it, and whether it is active."""

    text: str
    count: int
    href: str
    active: bool


@dataclass(frozen=True)
class FacetView:
    """A facet's title and values as the page shows them."""

    name: str
    title: str
    entries: tuple[FacetEntry, ...]


def _active_value(form: SearchForm, argument: str) -> str | None:
    return form.filters().get(argument)


def _facet_entry(form: SearchForm, name: str, count: FacetCount) -> FacetEntry | None:
    argument, kind = FACET_ARGS[name]
    value = count.value
    if name == "review_state":
        if value != "needs_review":
            return None
        value = "1"
    active = _active_value(form, argument) == value
    args = form.args(**{argument: None if active else value})
    text = label(count.value, kind) if kind else count.value
    return FacetEntry(text, count.count, url_for("pages.search", **args), active)


def facet_views(form: SearchForm, result: SearchResult) -> list[FacetView]:
    """The facets to show, in a fixed order, with links that add or remove each value."""
    views = []
    for name in FACET_FIELDS:
        if name not in FACET_ARGS:
            continue
        entries = [e for c in result.facets.get(name, ()) if (e := _facet_entry(form, name, c)) is not None]
        if entries:
            views.append(FacetView(name, label(name, "facet"), tuple(entries)))
    return views


def _lookup_id(form: SearchForm) -> str | None:
    """The normalised citizen ID in the box, or ``None`` when the box is text."""
    digits = citizen_id_in(form.q)
    if digits is None:
        return None
    try:
        return citizen_id_lookup_forms(digits)[0]
    except UsageError:
        return None  # digits that cannot be an ID (e.g. part of a number): search them as text


@pages.get("/search")
@require_page(Permission.SEARCH)
def search() -> ResponseReturnValue:
    """The search page (``?q=`` box, filters ``type``/``issuer``/``locality``/``year``/``status``/``review``/
    ``reused``, ``page``); with nothing asked, the newest records (like ``kho search`` without words)."""
    form = parse_search_args(request.args)
    web = state()
    citizen_id = _lookup_id(form)
    reused = tuple(r.record_id for r in web.backends.catalog.reuse.reused_records()) if form.reused else ()
    query = to_query(form, citizen_id, reused)
    result = search_documents(web.backends, web.scope_policy, access_context(), query)
    session["listed"] = [hit.record_id for hit in result.hits]
    last = last_page(result.total)
    return render_template(
        "search.html",
        form=form,
        result=result,
        browsing=form.empty,
        citizen_lookup=citizen_id is not None,
        facets=facet_views(form, result),
        first_shown=(form.page - 1) * PAGE_SIZE + 1,
        pages=page_numbers(form.page, last),
        last_page=last,
        page_url=lambda n: url_for("pages.search", **form.args(page=n)),
        remove_url=lambda argument: url_for("pages.search", **form.args(**{argument: None})),
    )
