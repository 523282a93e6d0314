"""The record page's "certify" button: an official makes a certified electronic copy and downloads it.

The form on the record page (shown to roles with the ``certify`` permission while the result is
valid) posts the purpose here; the copy is made by :func:`kho.reuse.certify.certify_record`
(stored, registered, audited) and sent back as a download. ``KHO_CERTIFY_RATE_LIMIT`` applies here too.
"""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from access.permissions import Permission
from kho.errors import ConflictError
from kho.reuse.certify import certify_record
from repository.layout import check_record_id
from web.context import EXTENSION, state
from web.pages.base import access_context, form_text, pages, require_page
from web.pages.errors import error_line


@pages.post("/records/<record_id>/certify")
@require_page(Permission.CERTIFY)
def record_certify(record_id: str) -> ResponseReturnValue:
    """Make a certified copy (purpose required) and download it; back to the record with a message otherwise."""
    web = state()
    purpose = form_text("purpose", 500)
    if not purpose:
        flash(_("Hãy ghi mục đích cấp bản sao."), "error")
        return redirect(url_for("pages.record", record_id=record_id) + "#chung-thuc")
    try:
        made = certify_record(web.backends, web.scope_policy, access_context(purpose), check_record_id(record_id))
    except ConflictError as e:
        flash(error_line(e), "error")
        return redirect(url_for("pages.record", record_id=record_id))
    name = f"{made.record.record_id}-{made.copy.code}.pdf"
    return Response(made.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Kho-Verify-URL": made.url,
        "Cache-Control": "no-store",
    })


@pages.record_once
def _certify_rate_limit(setup: BlueprintSetupState) -> None:
    """``KHO_CERTIFY_RATE_LIMIT`` on the certify button, on top of the general limit (P6)."""
    web = setup.app.extensions[EXTENSION]
    if web.limiter is not None:  # the limiter checks a decorated view when it is called: replace the view
        views = setup.app.view_functions
        limit = web.limiter.limit(web.settings.certify_rate_limit, override_defaults=False)
        views["pages.record_certify"] = limit(views["pages.record_certify"])
