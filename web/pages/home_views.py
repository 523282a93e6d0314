"""The start page: what is in the store, the newest records, running and recent batches, the review
backlog; each part shown only to a role that may open what it links to.

The newest records are a search (sorted by date) through :func:`access.reads.search_documents`, so
showing them is an audited read like a results page; the counts carry no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask.typing import ResponseReturnValue

from access.batches import batch_state
from access.permissions import Permission
from access.reads import search_documents
from access.review import open_review_tasks
from repository.catalog import Batch, BatchProgress, ReviewTask
from search.index import SearchHit, SearchQuery
from web.context import state
from web.pages.base import REVIEW_PURPOSE, access_context, may, pages, signed_in
from web.pages.review_views import task_titles

NEWEST = 6
BATCHES = 5
TASKS = 5
RUNNING = ("queued", "running")


@dataclass(frozen=True)
class BatchLine:
    """A batch as the start page lists it: the batch, its shown state and its progress."""

    batch: Batch
    state: str
    progress: BatchProgress


def _newest() -> tuple[int, list[SearchHit]]:
    web = state()
    query = SearchQuery(sort="date", limit=NEWEST, with_facets=False)
    found = search_documents(web.backends, web.scope_policy, access_context(), query)
    return found.total, list(found.hits)


def _batches() -> list[BatchLine]:
    catalog = state().backends.catalog
    lines: list[BatchLine] = []
    for b in catalog.list_batches(limit=20):
        if b.status in RUNNING or len(lines) < BATCHES:
            progress = catalog.batch_progress(b.id)
            lines.append(BatchLine(b, batch_state(b.status, progress.counts), progress))
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
        quarantined=state().backends.catalog.quarantine_count() if batches else 0,
    )
