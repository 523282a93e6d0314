"""The review queue: flagged documents, the page image beside the extracted fields, accept or correct.

Built for long sessions at the keyboard: the first field has the focus, ``Ctrl+Enter`` (or access
key S) saves and accepts, access key A accepts as read, access key N skips to the next document;
after a decision the next open task opens at once. Beside each field: where its value came from,
the OCR's confidence, and beside a manifest value the OCR's own reading and whether the two agree
(:mod:`web.pages.readings`). Opening a task is an audited read (purpose
:data:`~web.pages.base.REVIEW_PURPOSE`).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from access.changes import resolve_review
from access.permissions import Permission
from access.reads import read_document, search_documents
from access.review import next_review_task, open_review_tasks, review_backlog
from access.review import review_task as review_task_of
from kho.errors import ConflictError
from kho.reuse.evidence import recorded_qr_codes
from repository.catalog import ReviewTask
from repository.schema import Record
from search.index import SearchQuery
from web.context import state
from web.pages.base import REVIEW_PURPOSE, access_context, pages, remember_seen, require_page
from web.pages.readings import record_readings
from web.pages.reasons import record_title
from web.pages.record_form import LONG_FIELDS, REVIEW_FIELDS, FormResult, form_values, parse_changes

QUEUE_PAGE = 50
TITLE_LOOKUP = 100


@pages.get("/review")
@require_page(Permission.REVIEW)
def review_queue() -> ResponseReturnValue:
    """The open review tasks, oldest first, 50 a page."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    queue = open_review_tasks(state().backends, access_context(REVIEW_PURPOSE), limit=QUEUE_PAGE,
                              offset=(page - 1) * QUEUE_PAGE)
    return render_template("review_queue.html", tasks=queue.tasks, backlog=queue.backlog, page=page,
                           page_size=QUEUE_PAGE, titles=task_titles(queue.tasks))


def task_titles(tasks: Sequence[ReviewTask]) -> dict[str, str]:
    """Readable titles (type, number, holder) of the tasks' records, from the search index.

    One audited search (purpose :data:`REVIEW_PURPOSE`) of the records needing review; a record not
    found there (e.g. not indexed yet) keeps its ID as title.
    """
    if not tasks:
        return {}
    web = state()
    wanted = {t.record_id for t in tasks}
    query = SearchQuery(review_state="needs_review", sort="date", limit=TITLE_LOOKUP, with_facets=False)
    found = search_documents(web.backends, web.scope_policy, access_context(REVIEW_PURPOSE), query)
    return {hit.record_id: record_title(hit) for hit in found.hits if hit.record_id in wanted}


@pages.get("/review/next")
@require_page(Permission.REVIEW)
def review_next() -> ResponseReturnValue:
    """Open the next task (after ``?after=ID``), or go back to the queue when none is left."""
    after = request.args.get("after", type=int)
    task = next_review_task(state().backends, access_context(REVIEW_PURPOSE), after)
    if task is None:
        flash(_("Không còn hồ sơ nào cần rà soát."), "success")
        return redirect(url_for("pages.review_queue"))
    return redirect(url_for("pages.review_task", task_id=task.id))


def _history(current: Record) -> list[Record]:
    """The record's versions (read only when it has several: the first needs no second read)."""
    return [current] if current.version == 1 else state().backends.repository.history(current.record_id)


def _task_page(task: ReviewTask, current: Record, result: FormResult | None, status: int = 200) -> ResponseReturnValue:
    meta = current.metadata
    values = result.values if result is not None else form_values(meta, REVIEW_FIELDS)
    page = render_template(
        "review_task.html", task=task, record=current, meta=meta, fields=REVIEW_FIELDS, long_fields=LONG_FIELDS,
        values=values, errors=result.errors if result is not None else {},
        page_images=current.objects_with_role("page"),
        readings=record_readings(current, REVIEW_FIELDS, _history(current)),
        qr_codes=recorded_qr_codes(state().backends.repository, current),
        backlog=review_backlog(state().backends, access_context(REVIEW_PURPOSE)),
    )
    return page, status


@pages.route("/review/<int:task_id>", methods=["GET", "POST"])
@require_page(Permission.REVIEW)
def review_task(task_id: int) -> ResponseReturnValue:
    """One task: GET shows it; POST ``decision=accept`` (as read) or ``decision=save`` (with corrections)."""
    web = state()
    task = review_task_of(web.backends, access_context(REVIEW_PURPOSE), task_id)
    current = read_document(web.backends, web.scope_policy, access_context(REVIEW_PURPOSE), task.record_id)
    remember_seen(current.record_id)
    if task.status != "open":
        flash(_("Hồ sơ này đã được rà soát (%(by)s).", by=task.resolved_by or "?"), "info")
        if request.method == "POST":
            return redirect(url_for("pages.review_next", after=task.id))
    if request.method == "GET":
        return _task_page(task, current, None)
    corrections: dict[str, object] = {}
    if request.form.get("decision") == "save":
        result = parse_changes(request.form, current.metadata, REVIEW_FIELDS)
        if result.errors:
            return _task_page(task, current, result, 422)
        corrections = result.changes
    version = request.form.get("version", "")
    try:
        closed, outcome = resolve_review(web.backends, web.scope_policy, access_context(REVIEW_PURPOSE), task,
                                         corrections, expected_version=int(version) if version.isdigit() else None)
    except ConflictError:
        flash(_("Hồ sơ vừa được người khác thay đổi hoặc rà soát. Hãy xem lại."), "error")
        return redirect(url_for("pages.review_task", task_id=task.id))
    message = _("Đã sửa và chấp nhận.") if closed.status == "corrected" else _("Đã chấp nhận.")
    flash(message, "success")
    if not outcome.indexed:
        flash(_("Chỉ mục tìm kiếm chưa được cập nhật; quản trị viên hãy chạy kho reindex."), "error")
    return redirect(url_for("pages.review_next", after=task.id))
