"""The Flask application factory: ``create_app(settings)`` serves the REST API and the pages.

* Backends are opened once from the settings (or passed in, e.g. by tests on temp dirs) and kept in
  a :class:`~web.context.WebState` (``web.context.state()``).
* The blueprints (API, pages, public verification) are imported and registered directly.
* The app closes what it opened: :func:`close_app` (also run at interpreter exit) closes the backends
  ``create_app`` opened itself; backends passed in stay the caller's to close.
* One error handler turns every exception into a :class:`~kho.errors.KhoError`: JSON
  (``KhoError.to_json()``) for ``/api`` paths; for other paths the renderer a blueprint set with
  :func:`set_html_error_renderer`, else a minimal HTML page. Unexpected exceptions answer 500 with
  no internals; the traceback goes to the log, with citizen IDs redacted (:mod:`web.logs`).
* Rate limits (Flask-Limiter): ``settings.rate_limit`` in ``settings.rate_limit_storage``, counted
  *after* authentication (D1): per authenticated API key, else per client address — a key id
  without its secret, or a made-up one, counts against the sender's address.
* HTTPS (D9): behind ``KHO_TRUSTED_PROXIES`` proxies, ``X-Forwarded-Proto`` is honoured (werkzeug
  ``ProxyFix``); a request served over HTTPS gets a ``Secure`` session cookie and HSTS.
"""

from __future__ import annotations

import atexit
import html
import logging
import secrets
from pathlib import Path

from flask import Flask, Response, g, has_request_context, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from access.principals import Principal
from access.scopes import ScopePolicy
from kho.backends import Backends, open_backends
from kho.errors import KhoError
from kho.settings import Settings
from search.places import load_places
from web.api.base import identify_caller
from web.batches import BackgroundBatchRunner, BatchStarter
from web.context import EXTENSION, HtmlErrorRenderer, WebState, state
from web.errors import as_kho_error
from web.logs import install_redaction, redact_citizen_ids
from web.ratelimit import storage_uri

API_PREFIX = "/api/"
HSTS = "max-age=31536000; includeSubDomains"

log = logging.getLogger("web")


def create_app(settings: Settings, backends: Backends | None = None, batch_runner: BatchStarter | None = None) -> Flask:
    """Build the app; open the backends from ``settings`` unless ``backends`` is given (not closed then).

    Uploaded batches run on ``batch_runner`` (default: a :class:`BackgroundBatchRunner` on the backends).
    """
    install_redaction()
    app = Flask(__name__, root_path=str(Path(__file__).resolve().parent))
    app.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value() or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if not settings.secret_key.get_secret_value():
        log.warning("KHO_SECRET_KEY is not set: sign-in sessions last only as long as this process")
    app.session_interface = HttpsAwareSessionInterface()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    owns = backends is None
    opened = backends if backends is not None else open_backends(settings)
    opened.index.ensure_ready()
    web_state = WebState(settings=settings, backends=opened, scope_policy=ScopePolicy(load_places()),
                         owns_backends=owns)
    app.extensions[EXTENSION] = web_state
    app.before_request(identify_caller)  # registered before the limiter's hook: authenticate, then count
    web_state.limiter = Limiter(
        key_func=rate_limit_key,
        app=app,
        default_limits=[settings.rate_limit],
        storage_uri=storage_uri(settings.rate_limit_storage),
        strategy="fixed-window",
        headers_enabled=True,
        key_prefix="kho",
    )
    web_state.batch_runner = batch_runner if batch_runner is not None else BackgroundBatchRunner(opened)
    _register_blueprints(app)
    app.register_error_handler(Exception, handle_error)
    app.after_request(security_headers)
    if owns:
        atexit.register(close_app, app)
    return app


def _register_blueprints(app: Flask) -> None:
    """The API, the pages and the public verification page (imported here: they import this module)."""
    from web.api import blueprint as api
    from web.pages import blueprint as pages
    from web.verify import blueprint as verify

    for blueprint in (api, pages, verify):
        app.register_blueprint(blueprint)


def close_app(app: Flask) -> None:
    """Close the backends ``create_app`` opened for ``app`` (once; backends passed in are left open)."""
    web_state: WebState = app.extensions[EXTENSION]
    if web_state.owns_backends and not web_state.closed:
        web_state.closed = True
        web_state.backends.close()


def rate_limit_key() -> str:
    """The rate-limit bucket of a request: the *authenticated* API key, else the client address."""
    principal: Principal | None = g.get("kho_principal")
    if principal is not None and principal.kind == "key":
        return f"key:{principal.id}"
    return f"ip:{request.remote_addr or '?'}"


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """``SESSION_COOKIE_SECURE``, or the request's scheme is https (after ``ProxyFix``)."""
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def set_html_error_renderer(app: Flask, renderer: HtmlErrorRenderer) -> None:
    """Let the pages render errors of non-API paths (call from a blueprint's ``record_once``)."""
    app.extensions[EXTENSION].html_error_renderer = renderer


def is_api_request() -> bool:
    """Whether the current request is for the JSON API."""
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def handle_error(exc: Exception) -> ResponseReturnValue:
    """The one error handler: any exception to the JSON error shape (API) or an HTML page."""
    if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 400:
        return exc  # routing redirects (e.g. a missing trailing slash) are not errors
    answer = as_kho_error(exc)
    error = answer.error
    where = f"{request.method} {redact_citizen_ids(request.path)}"
    if not isinstance(exc, KhoError | HTTPException):
        log.error("unexpected error on %s", where, exc_info=exc)
    elif error.http_status >= 500:
        log.error("%s failed: %s", where, error.one_line())
    if is_api_request():
        response = jsonify(error.to_json())
    else:
        renderer = state().html_error_renderer
        if renderer is not None:
            return renderer(error)
        response = Response(_plain_html_error(error), mimetype="text/html")
    response.status_code = error.http_status
    for name, value in answer.headers:
        response.headers[name] = value
    return response


def _plain_html_error(error: KhoError) -> str:
    message = html.escape(error.one_line())
    return (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi / Error '
        f"{error.http_status}</title><h1>Lỗi {error.http_status}</h1><p>{message}</p></html>"
    )


def security_headers(response: Response) -> Response:
    """Headers on every answer: no MIME sniffing; API answers are not cached unless they say so; HSTS over HTTPS."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if is_api_request() and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
