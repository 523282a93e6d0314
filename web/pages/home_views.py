"""The start page: what is in the store, the newest records, running and recent batches, the review
backlog; each part shown only to a role that may open what it links to.

The newest records are a search (sorted by date) through :func:`access.reads.search_documents`, so
showing them is an audited read like a results page; the counts carry no personal data.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from access.batches import BatchLine, batch_lines, quarantined_total
from access.permissions import Permission
from access.reads import search_documents
from access.review import open_review_tasks
from repository.catalog import ReviewTask
from search.index import SearchHit, SearchQuery
from web.context import state
from web.pages.base import REVIEW_PURPOSE, access_context, may, pages, signed_in
from web.pages.review_views import task_titles

NEWEST = 6
BATCHES = 5
TASKS = 5
RUNNING = ("queued", "running")


def _newest() -> tuple[int, list[SearchHit]]:
    web = state()
    query = SearchQuery(sort="date", limit=NEWEST, with_facets=False)
    found = search_documents(web.backends, web.scope_policy, access_context(), query)
    return found.total, list(found.hits)


def _batches() -> list[BatchLine]:
    lines: list[BatchLine] = []
    for line in batch_lines(state().backends, access_context(), limit=20, with_progress=20):
        if line.batch.status in RUNNING or len(lines) < BATCHES:
            lines.append(line)
    return lines


def _tasks() -> tuple[int, list[ReviewTask], dict[str, str]]:
    queue = open_review_tasks(state().backends, access_context(REVIEW_PURPOSE), limit=TASKS)
    return queue.backlog, queue.tasks, task_titles(queue.tasks)


@pages.get("/")
def home() -> ResponseReturnValue:
    """The start page of a signed-in user (parts by role)."""
    user = signed_in()
    total, newest = _newest() if may(user, Permission.SEARCH) else (0, [])
    backlog, tasks, titles = _tasks() if may(user, Permission.REVIEW) else (0, [], {})
    batches = _batches() if may(user, Permission.BATCH_READ) else []
    return render_template(
        "home.html", total=total, newest=newest, backlog=backlog, tasks=tasks, titles=titles, batches=batches,
        running=[b for b in batches if b.batch.status in RUNNING],
        quarantined=quarantined_total(state().backends, access_context()) if batches else 0,
    )
