"""The pages blueprint: who is signed in, what they may do, CSRF, and small request helpers.

* Sign-in state is a server-side session record in the catalog (D8); the signed Flask cookie only
  carries its token (``session["sid"]``). Every request checks the record and reloads the user
  (:func:`access.principals.user_of_session`), so signing out or disabling the user ends the
  session on every node at once; an old cookie is worthless.
* A signed-in user is an :class:`~access.principals.Principal` set for the request with
  :func:`web.context.set_principal`; role checks use the one table, :mod:`access.permissions`.
* Forms that change something are POSTs with Flask-WTF's CSRF token (checked here, before the view).
* Reading a record is a personal-data read (:mod:`access.reads`): the purpose is asked once per
  session (at sign-in, changeable on every record page), default :data:`DEFAULT_PURPOSE`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Blueprint, Response, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect

from access.context import AccessContext
from access.permissions import Permission, require
from access.principals import Principal, user_of_session
from kho.errors import PermissionDeniedError
from web.context import set_principal, state

P = ParamSpec("P")
R = TypeVar("R")

pages = Blueprint("pages", __name__)

DEFAULT_PURPOSE = "Tra cứu hồ sơ"
REVIEW_PURPOSE = "Rà soát kết quả số hóa"
MAX_PURPOSE = 200
SEEN_LIMIT = 40

# Endpoints anyone may open without signing in.
PUBLIC_ENDPOINTS = frozenset({"pages.login", "pages.set_language"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

SESSION_TOKEN = "sid"


def may(principal: Principal | None, action: Permission | str) -> bool:
    """Whether ``principal`` may do ``action`` (a :class:`Permission` or its name, as templates pass it)."""
    return principal is not None and principal.can(Permission(action))


def signed_in() -> Principal | None:
    """The signed-in principal of this request, or ``None``."""
    found: Principal | None = g.get("kho_principal")
    return found


def require_page(action: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: :class:`PermissionDeniedError` (403 page) unless the user's role allows ``action``."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = signed_in()
            if principal is None:
                raise PermissionDeniedError("sign in first")
            require(principal, action)
            return view(*args, **kwargs)

        return checked

    return decorate


@pages.before_request
def authenticate_and_check_csrf() -> ResponseReturnValue | None:
    """Load the signed-in user (or send to the sign-in page), then check the CSRF token of forms."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        principal = _session_principal()
        if principal is None:
            session.pop(SESSION_TOKEN, None)
            return redirect(url_for("pages.login", next=local_target(request.full_path)))
        set_principal(principal)
    if request.method in UNSAFE_METHODS:
        csrf: CSRFProtect = current_app.extensions["kho_csrf"]
        csrf.protect()
    return None


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@pages.after_request
def page_headers(response: Response) -> Response:
    """Strict CSP (no inline script), no framing, and no caching of pages that show personal data.

    ``Referrer-Policy: same-origin``: other sites never see our URLs, but our own forms send the
    ``Referer`` that Flask-WTF requires of every POST over HTTPS (with ``no-referrer`` signing in
    through an HTTPS proxy failed with 400).
    """
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def session_token() -> str | None:
    """The server-side session token carried by this request's cookie, if any."""
    token = session.get(SESSION_TOKEN)
    return token if isinstance(token, str) and token else None


def _session_principal() -> Principal | None:
    return user_of_session(state().backends.catalog, session_token())


@pages.app_context_processor
def page_globals() -> dict[str, Any]:
    """Values every template may use: the user, what they may do, the purpose and the current path."""
    return {
        "user": signed_in(),
        "may": lambda action: may(signed_in(), action),
        "purpose": current_purpose(),
        "here": local_target(request.full_path) if request else "/",
    }


def local_target(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site (no scheme, no host, no ``//``), else ``default``."""
    if not target:
        return default
    target = target.rstrip("?") or default
    parsed = urllib.parse.urlsplit(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def current_purpose() -> str:
    """The purpose stated for personal-data reads in this session (default :data:`DEFAULT_PURPOSE`)."""
    purpose = session.get("purpose")
    return purpose if isinstance(purpose, str) and purpose.strip() else DEFAULT_PURPOSE


def access_context(purpose: str | None = None) -> AccessContext:
    """The access-layer context of this request: the user, the session's purpose, the client address."""
    principal = signed_in()
    if principal is None:
        raise PermissionDeniedError("sign in first")
    return AccessContext(principal, purpose or current_purpose(), request.remote_addr or "")


def remember_seen(record_id: str) -> None:
    """Note that this session opened ``record_id`` (an audited read): its page images may be shown."""
    seen = [r for r in session.get("seen", []) if isinstance(r, str) and r != record_id]
    session["seen"] = [*seen[-(SEEN_LIMIT - 1):], record_id]


def has_seen(record_id: str) -> bool:
    """Whether this session opened ``record_id`` (or listed it in its latest search results)."""
    return record_id in session.get("seen", []) or record_id in session.get("listed", [])


def form_text(name: str, max_chars: int = 500) -> str:
    """A trimmed single-line form value ('' when absent), at most ``max_chars`` characters."""
    value = request.form.get(name, "")
    return " ".join(value.split())[:max_chars]
