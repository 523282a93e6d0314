"""Public verification of certified copies: ``GET /verify/<code>`` (no sign-in, no personal data).

Anyone holding a certified copy (or its QR code) can check it: the page (or JSON, with
``Accept: application/json`` or ``?format=json``) shows the document's type, number, date and
issuer, its status today (valid / superseded / revoked), when and by which office the copy was
certified, and the copy's SHA-256 — never a citizen ID or a name. Lookups are counted on the copy
(``verify_count``), not audited, and rate-limited per client (``KHO_VERIFY_RATE_LIMIT``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import TooManyRequests

from kho.errors import KhoError
from kho.reuse.pdfcopy import vietnam_time
from kho.reuse.verify import public_verification
from web.context import EXTENSION, state
from web.errors import as_kho_error

blueprint = Blueprint("verify", __name__)

STATUS_LABELS = {
    "valid": ("Còn hiệu lực", "valid"),
    "superseded": ("Đã được thay thế", "superseded"),
    "revoked": ("Đã bị thu hồi", "revoked"),
}


@blueprint.record_once
def _rate_limit(setup: BlueprintSetupState) -> None:
    """Apply ``KHO_VERIFY_RATE_LIMIT`` to every view of the blueprint."""
    web = setup.app.extensions[EXTENSION]
    if web.limiter is not None:
        web.limiter.limit(web.settings.verify_rate_limit)(blueprint)


def _wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _json_error(error: KhoError) -> tuple[Response, int]:
    return jsonify(error.to_json()), error.http_status


@blueprint.errorhandler(TooManyRequests)
def _rate_limited(exc: TooManyRequests) -> ResponseReturnValue:
    """The 429 of ``KHO_VERIFY_RATE_LIMIT`` in the form the client asked for: JSON to a JSON client (P4)."""
    if not _wants_json():
        from web.app import handle_error  # the app's error page (imported here: web.app lists this module)

        return handle_error(exc)
    answer = as_kho_error(exc)
    response, status = _json_error(answer.error)
    response.headers.extend(answer.headers)
    return response, status


@blueprint.get("/verify/<code>")
def verify_code(code: str) -> ResponseReturnValue:
    """The public facts of a certified copy (HTML page or JSON); 404 for an unknown code."""
    try:
        facts = public_verification(state().backends, code)
    except KhoError as e:
        if _wants_json():
            return _json_error(e)
        return render_template("verify.html", facts=None, code=code[:40], error=e), e.http_status
    if _wants_json():
        response = jsonify(facts.to_json())
    else:
        response = Response(render_template(
            "verify.html", facts=facts, code=facts.code, error=None, status=STATUS_LABELS[facts.status],
            certified_at=vietnam_time(facts.certified_at),
        ), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
