"""The review queue as a caller sees it: open tasks, the next one, one task (permission ``review``).

Listing tasks reads no personal data (task and record IDs, reasons without ID numbers): it is
role-checked, not audited. Opening a task's record is an audited read (:func:`access.reads.read_document`),
and deciding it is :func:`access.changes.resolve_review`.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.context import AccessContext
from access.permissions import Permission, require
from kho.backends import Backends
from repository.catalog import ReviewTask

#: How many tasks are read per step when looking for the next one.
SCAN_PAGE = 50


@dataclass(frozen=True)
class ReviewQueue:
    """One page of open tasks (oldest first) and how many are open in all."""

    tasks: list[ReviewTask]
    backlog: int


def open_review_tasks(backends: Backends, ctx: AccessContext, *, limit: int, offset: int = 0) -> ReviewQueue:
    """The open review tasks from ``offset`` on, oldest first, and the open backlog."""
    require(ctx.principal, Permission.REVIEW)
    catalog = backends.catalog
    return ReviewQueue(catalog.list_review_tasks("open", limit=limit, offset=offset), catalog.review_backlog())


def review_backlog(backends: Backends, ctx: AccessContext) -> int:
    """How many review tasks are open."""
    require(ctx.principal, Permission.REVIEW)
    return backends.catalog.review_backlog()


def review_task(backends: Backends, ctx: AccessContext, task_id: int) -> ReviewTask:
    """One review task (:class:`~kho.errors.NotFoundError` when unknown)."""
    require(ctx.principal, Permission.REVIEW)
    return backends.catalog.get_review_task(task_id)


def next_review_task(backends: Backends, ctx: AccessContext, after: int | None = None) -> ReviewTask | None:
    """The oldest open task, or the first open task after ``after`` (wrapping to the oldest)."""
    require(ctx.principal, Permission.REVIEW)
    catalog = backends.catalog
    offset = 0
    while True:
        tasks = catalog.list_review_tasks("open", limit=SCAN_PAGE, offset=offset)
        if after is None:
            return tasks[0] if tasks else None
        later = [t for t in tasks if t.id > after]
        if later:
            return later[0]
        if len(tasks) < SCAN_PAGE:
            first = catalog.list_review_tasks("open", limit=1)
            return first[0] if first and first[0].id != after else None
        offset += SCAN_PAGE
