"""The pages blueprint: who is signed in, what they may do, CSRF, and small request helpers.

* Sign-in state is the signed Flask session (``session["user"]`` = username). Every request
  reloads the user from the catalog, so disabling a user ends their sessions at once.
* A signed-in user is a :class:`~web.auth.Principal` (``Principal.from_user``) set for the
  request with :func:`web.context.set_principal`; role checks reuse :data:`web.auth.PERMISSIONS`
  plus the page-only actions in :data:`PAGE_PERMISSIONS`.
* Forms that change something are POSTs with Flask-WTF's CSRF token (checked here, before the view).
* Reading a record is a personal-data read (:mod:`web.audit`): the purpose is asked once per
  session (at sign-in, changeable on every record page), default :data:`DEFAULT_PURPOSE`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, ParamSpec, TypeVar

from flask import Blueprint, Response, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect

from kho.errors import PermissionDeniedError
from web.audit import ReadContext
from web.auth import Principal
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

PageAction = Literal[
    "search", "citizen_documents", "document_read", "batch_create", "batch_read",
    "record_edit", "record_revoke", "review", "statistics",
]

# Page-only actions (the API has no equivalent) -> roles allowed. Officials look records up, correct
# and revoke them; archivists ingest and review; admins do everything.
PAGE_PERMISSIONS: dict[str, frozenset[str]] = {
    "record_edit": frozenset({"official", "archivist", "admin"}),
    "record_revoke": frozenset({"official", "admin"}),
    "review": frozenset({"archivist", "admin"}),
    "statistics": frozenset({"official", "archivist", "admin"}),
}


def may(principal: Principal | None, action: PageAction) -> bool:
    """Whether ``principal`` may do ``action`` (API actions from the role table, page actions here)."""
    if principal is None:
        return False
    if action in PAGE_PERMISSIONS:
        return principal.role in PAGE_PERMISSIONS[action]
    return principal.can(action)  # type: ignore[arg-type]


def signed_in() -> Principal | None:
    """The signed-in principal of this request, or ``None``."""
    found: Principal | None = g.get("kho_principal")
    return found


def require_page(action: PageAction) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: :class:`PermissionDeniedError` (403 page) unless the user's role allows ``action``."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = signed_in()
            if not may(principal, action):
                role = principal.role if principal else "?"
                raise PermissionDeniedError(
                    f"the role '{role}' may not do this ({action.replace('_', ' ')})",
                    subject=principal.actor if principal else None,
                )
            return view(*args, **kwargs)

        return checked

    return decorate


@pages.before_request
def authenticate_and_check_csrf() -> ResponseReturnValue | None:
    """Load the signed-in user (or send to the sign-in page), then check the CSRF token of forms."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        user = _session_user()
        if user is None:
            session.pop("user", None)
            return redirect(url_for("pages.login", next=local_target(request.full_path)))
        set_principal(Principal.from_user(user))
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
    """Strict CSP (no inline script), no framing, and no caching of pages that show personal data."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _session_user() -> Any:
    username = session.get("user")
    if not isinstance(username, str) or not username:
        return None
    user = state().backends.catalog.get_user(username)
    return user if user is not None and user.active else None


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


def read_context(purpose: str | None = None) -> ReadContext:
    """The audited-read context of this request: the user, the session's purpose, the client address."""
    principal = signed_in()
    if principal is None:
        raise PermissionDeniedError("sign in first")
    return ReadContext(principal, purpose or current_purpose(), request.remote_addr or "")


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
