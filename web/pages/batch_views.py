"""Batches: upload files or a ZIP (with an optional manifest) to start one, watch its progress live,
read its report (every item, quarantined files with their reasons).

Progress comes from the catalog (:meth:`repository.catalog.Catalog.batch_progress`), which the
ingest runner updates item by item; the page polls ``/batches/<id>/progress`` once a second
(a little vanilla JS) and also works without JS (refresh the page).
"""

from __future__ import annotations

import shutil
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from access.batches import (
    batch_lines,
    batch_report,
    batch_state,
    batch_to_resume,
    create_uploaded_batch,
    problem_items,
)
from access.batches import batch_progress as batch_progress_of
from access.permissions import Permission
from ingest.progress import estimate_eta, format_seconds
from ingest.reasons import explain
from kho.errors import ConflictError, InputError, ServiceUnavailableError, UsageError
from repository.catalog import BatchProgress
from web.batches import BatchStarter, uploaded_files
from web.context import state
from web.pages.base import access_context, form_text, pages, require_page
from web.pages.errors import error_line
from web.pages.labels import label
from web.uploads import save_upload

ITEMS_SHOWN = 1000


def batch_runner() -> BatchStarter:
    """The app's background batch runner (:class:`web.batches.BackgroundBatchRunner`)."""
    runner = state().batch_runner
    if runner is None:
        raise ServiceUnavailableError("this server does not run batches; use kho ingest", subject="batches")
    return runner


def progress_json(progress: BatchProgress) -> dict[str, Any]:
    """What the progress poll answers: state (code and words), documents, pages, pages/min, ETA, counts."""
    eta = estimate_eta(progress.done, progress.total, progress.elapsed_seconds)
    finished = progress.status in ("done", "failed")
    state_code = batch_state(progress.status, progress.counts)
    return {
        "batch_id": progress.batch_id,
        "status": progress.status,
        "state": state_code,
        "state_label": label(state_code, "batch_status"),
        "finished": finished,
        "documents_done": progress.done,
        "documents_total": progress.total,
        "pages_done": progress.pages_done,
        "pages_per_minute": round(progress.pages_per_minute, 1),
        "elapsed_seconds": round(progress.elapsed_seconds, 1),
        "eta_seconds": None if finished or eta is None else round(eta, 1),
        "eta_text": _eta_text(finished, progress.total, eta),
        "counts": dict(progress.counts),
    }


def item_reason(reason: str | None) -> str:
    """Why a file was set aside or failed, in the page language, with what to do (:mod:`ingest.reasons`)."""
    why = explain(reason)
    return "—" if why is None else why.text(str(get_locale() or "vi"))


def _eta_text(finished: bool, total: int, eta: float | None) -> str:
    if finished:
        return "0:00"
    return "—" if total == 0 or eta is None else format_seconds(eta)


@pages.get("/batches")
@require_page(Permission.BATCH_READ)
def batches() -> ResponseReturnValue:
    """The batches, newest first, with their status and counts."""
    lines = batch_lines(state().backends, access_context())
    return render_template("batches.html", batches=[line.batch for line in lines],
                           progress={line.batch.id: line.progress for line in lines if line.progress},
                           states={line.batch.id: line.state for line in lines})


@pages.route("/batches/new", methods=["GET", "POST"])
@require_page(Permission.BATCH_CREATE)
def batch_new() -> ResponseReturnValue:
    """The upload form; POST saves the files, records the batch and starts it in the background."""
    if request.method == "GET":
        return render_template("batch_new.html", name="")
    files = [f for f in request.files.getlist("files") if f.filename]
    manifest = request.files.get("manifest")
    name = form_text("name", 120)
    if not files:
        flash(_("Chưa chọn tệp nào: hãy chọn (hoặc kéo thả) tệp quét hoặc tệp ZIP rồi tải lên lại."), "error")
        return render_template("batch_new.html", name=name), 400
    web = state()
    try:
        saved = save_upload(web.settings.data_dir, files, manifest if manifest and manifest.filename else None)
        try:
            batch = create_uploaded_batch(web.backends, access_context(), uploaded_files(saved), name or None)
        except BaseException:
            shutil.rmtree(saved.root, ignore_errors=True)
            raise
    except (UsageError, InputError, ConflictError) as e:
        flash(error_line(e), "error")
        return render_template("batch_new.html", name=name), e.http_status
    batch_runner().start(batch.id)
    flash(_("Đã nhận %(n)s tệp; lô đang được xử lý.", n=len(files)), "success")
    return redirect(url_for("pages.batch", batch_id=batch.id))


@pages.get("/batches/<int:batch_id>")
@require_page(Permission.BATCH_READ)
def batch(batch_id: int) -> ResponseReturnValue:
    """A batch's live progress and report: items, quarantined files and their reasons."""
    backends = state().backends
    report = batch_report(backends, access_context(), batch_id, limit=ITEMS_SHOWN)
    found, progress, items = report.batch, report.progress, report.items
    problems = problem_items(backends, access_context(), batch_id)
    review = [i for i in items if (i.fields or {}).get("review_state") == "needs_review"]
    return render_template(
        "batch.html", batch=found, progress=progress, live=progress_json(progress), items=items,
        problems=problems, review=review, items_shown=ITEMS_SHOWN, item_reason=item_reason,
    )


@pages.get("/batches/<int:batch_id>/progress")
@require_page(Permission.BATCH_READ)
def batch_progress(batch_id: int) -> ResponseReturnValue:
    """The batch's progress as JSON (polled by the batch page)."""
    response = jsonify(progress_json(batch_progress_of(state().backends, access_context(), batch_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@pages.post("/batches/<int:batch_id>/resume")
@require_page(Permission.BATCH_CREATE)
def batch_resume(batch_id: int) -> ResponseReturnValue:
    """Run a stopped (failed or interrupted) batch again; finished items are kept."""
    found = batch_to_resume(state().backends, access_context(), batch_id)
    batch_runner().start(found.id)
    flash(_("Đã xếp lô vào hàng chạy tiếp."), "success")
    return redirect(url_for("pages.batch", batch_id=batch_id))
