"""Correct a bad manifest row from the batch page ("Sửa dòng bảng kê") and run its document again.

The form shows the row's cells as uploaded (or as last corrected), each faulty one with its reasons;
the POST goes through :func:`access.batch_fixes.fix_manifest_row` (permission, the one row rule,
audit) and, when the document is whole again, starts the batch so its run processes the document.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from access.batch_fixes import fix_manifest_row, row_fix_form
from access.permissions import Permission
from ingest.corrections import EDITABLE
from ingest.rowfix import Problem, RowFixRefused, RowFixView, row_fixable
from repository.catalog import BatchItem
from web.context import state
from web.pages.base import access_context, pages, require_page
from web.pages.batch_views import batch_runner, item_reason

#: How long a submitted cell may be before the form is refused outright (the row rule allows 1000).
MAX_FORM_CELL = 20_000
#: Cells shown as a text area (several lines allowed in notes).
LONG_CELLS = ("notes",)
COLUMN_LABELS: dict[str, LazyString] = {
    "citizen_id": _l("Số định danh / CMND"),
    "document_type": _l("Loại văn bản"),
    "document_number": _l("Số văn bản"),
    "issued_on": _l("Ngày ban hành"),
    "issuer": _l("Cơ quan ban hành"),
    "locality": _l("Địa bàn"),
    "holder_name": _l("Người/tổ chức được cấp"),
    "procedure_code": _l("Mã thủ tục"),
    "notes": _l("Ghi chú"),
    "pages": _l("Số trang"),
}


@pages.app_template_global("row_fixable")
def _row_fixable(item: BatchItem) -> bool:
    """Whether the batch page offers "Sửa dòng bảng kê" for ``item``."""
    return row_fixable(item)


def _language() -> str:
    return str(get_locale() or "vi")


def problem_words(problem: Problem) -> str:
    """A row problem in the page language."""
    return problem.words(_language())


def _line_arg(source: dict[str, str] | None = None) -> int | None:
    text = (source if source is not None else request.args).get("line", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        abort(404)
    return int(text)


def _item_arg(source: dict[str, str]) -> str:
    key = source.get("item", "")
    if not key or len(key) > 1024:
        abort(404)
    return key


def _submitted_cells() -> dict[str, str]:
    cells = {}
    for column in EDITABLE:
        value = request.form.get(column, "")
        if len(value) > MAX_FORM_CELL:
            value = value[: MAX_FORM_CELL]  # still longer than the row rule allows: refused with its reason
        cells[column] = value
    return cells


def _render(view: RowFixView, line: int | None, values: dict[str, str] | None = None,
            errors: dict[str, list[str]] | None = None, other_errors: list[str] | None = None,
            status: int = 200) -> ResponseReturnValue:
    row = view.row(line)
    refused = errors is not None
    if errors is None:  # the row as it stands: its problems, cell by cell
        errors = {c.column: [problem_words(p) for p in c.problems] for c in row.cells if c.problems}
        other_errors = [problem_words(p) for p in row.other_problems]
    return render_template(
        "batch_fix.html", view=view, row=row, values=values if values is not None else row.values(),
        errors=errors, row_problems=other_errors or [], uploaded=row.values(), labels=COLUMN_LABELS,
        long_cells=LONG_CELLS, item_reason=item_reason, refused=refused,
    ), status


@pages.get("/batches/<int:batch_id>/fix-row")
@require_page(Permission.BATCH_CREATE)
def batch_fix_row(batch_id: int) -> ResponseReturnValue:
    """The form to correct a manifest row of a quarantined document (``?item=KEY&line=N``)."""
    key = _item_arg(request.args)
    view = row_fix_form(state().backends, access_context(), batch_id, key)
    return _render(view, _line_arg())


@pages.post("/batches/<int:batch_id>/fix-row")
@require_page(Permission.BATCH_CREATE)
def batch_fix_row_save(batch_id: int) -> ResponseReturnValue:
    """Check the corrected row; refused → the form again with the reasons; kept → the batch runs it again."""
    form = request.form.to_dict()
    key = _item_arg(form)
    line = _line_arg(form)
    backends = state().backends
    view = row_fix_form(backends, access_context(), batch_id, key)
    row = view.row(line)
    cells = _submitted_cells()
    try:
        outcome = fix_manifest_row(backends, access_context(), batch_id, key, row.line, cells)
    except RowFixRefused as e:
        errors: dict[str, list[str]] = {}
        other: list[str] = []
        for problem in e.problems:
            if problem.column in EDITABLE:
                errors.setdefault(problem.column, []).append(problem_words(problem))
            else:
                other.append(problem_words(problem))
        return _render(view, row.line, cells, errors, other, status=422)
    if outcome.requeued:
        batch_runner().start(batch_id)
        flash(_("Đã lưu dòng %(line)s đã sửa; văn bản được xử lý lại.", line=row.line), "success")
        return redirect(url_for("pages.batch", batch_id=batch_id))
    flash(_("Đã lưu dòng %(line)s đã sửa; văn bản còn dòng khác cần sửa.", line=row.line), "success")
    return redirect(url_for("pages.batch_fix_row", batch_id=batch_id, item=key))
