"""What the web app holds for its whole life, and how views (API and pages) reach it.

:func:`web.app.create_app` builds one :class:`WebState` and stores it in ``app.extensions``;
views call :func:`state` (backends, settings, scope policy) and :func:`current_principal`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app, g
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter

from access.principals import Principal
from access.scopes import ScopePolicy
from kho.backends import Backends
from kho.errors import AuthenticationError, KhoError
from kho.settings import Settings
from web.auth import KeyCache, KeyUseRecorder

if TYPE_CHECKING:
    from web.batches import BatchStarter

EXTENSION = "kho"
HtmlErrorRenderer = Callable[[KhoError], ResponseReturnValue]


@dataclass
class WebState:
    """The settings, the backends opened once, and per-process helpers shared by every request."""

    settings: Settings
    backends: Backends
    scope_policy: ScopePolicy
    key_uses: KeyUseRecorder = field(default_factory=KeyUseRecorder)
    key_cache: KeyCache = field(default_factory=KeyCache)
    owns_backends: bool = True
    closed: bool = False
    limiter: Limiter | None = None
    html_error_renderer: HtmlErrorRenderer | None = None
    batch_runner: BatchStarter | None = None


def state() -> WebState:
    """The :class:`WebState` of the current app (inside a request or app context)."""
    found: WebState = current_app.extensions[EXTENSION]
    return found


def set_principal(principal: Principal) -> None:
    """Remember who is making the current request (API: from the Bearer key; pages: the session user)."""
    g.kho_principal = principal


def current_principal() -> Principal:
    """The caller of the current request; :class:`AuthenticationError` if nobody authenticated."""
    principal: Principal | None = g.get("kho_principal")
    if principal is None:
        raise AuthenticationError("sign in or send an API key", subject="Authorization")
    return principal
