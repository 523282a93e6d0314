"""Sign-in and sign-out, the language switch and the stated purpose of personal-data reads."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta

from flask import current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from access.principals import end_user_session, start_user_session
from web.context import state
from web.pages.base import (
    DEFAULT_PURPOSE,
    MAX_PURPOSE,
    SESSION_TOKEN,
    form_text,
    local_target,
    pages,
    session_token,
)
from web.pages.labels import LANGUAGES

log = logging.getLogger("web")

LOGIN_LIMIT = "20/minute"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pages.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form; on success a fresh session with the user, the purpose and the language."""
    target = local_target(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=target, default_purpose=DEFAULT_PURPOSE, error=None)
    limiter = state().limiter
    if limiter is not None:
        with limiter.limit(LOGIN_LIMIT, key_func=lambda: f"login:{request.remote_addr or '?'}"):
            return _sign_in(target)
    return _sign_in(target)


def _sign_in(target: str) -> ResponseReturnValue:
    username = _nfc(form_text("username", 64))
    password = request.form.get("password", "")
    purpose = _nfc(form_text("purpose", MAX_PURPOSE)) or DEFAULT_PURPOSE
    user = state().backends.catalog.authenticate_user(username, password) if username and password else None
    if user is None:
        error = _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
        page = render_template("login.html", next=target, default_purpose=purpose, error=error, username=username)
        return page, 401
    catalog = state().backends.catalog
    language = session.get("lang")
    end_user_session(catalog, session_token())  # a session open in this browser ends here
    session.clear()  # a new session on sign-in: nothing from before it is trusted
    session.permanent = True
    lifetime: timedelta = current_app.permanent_session_lifetime
    session.update({SESSION_TOKEN: start_user_session(catalog, user, lifetime), "purpose": purpose})
    if language in LANGUAGES:
        session["lang"] = language
    log.info("user %s signed in", user.username)
    return redirect(target if target != "/" else url_for("pages.home"))


@pages.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session in the catalog (the cookie is worthless afterwards, on every node); keep the language."""
    language = session.get("lang")
    end_user_session(state().backends.catalog, session_token())
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(url_for("pages.login"))


@pages.post("/language")
def set_language() -> ResponseReturnValue:
    """Switch the page language (``vi`` or ``en``) and go back to where the user was."""
    language = request.form.get("lang", "")
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(local_target(request.form.get("next")))


@pages.post("/purpose")
def set_purpose() -> ResponseReturnValue:
    """Change the purpose recorded with this session's personal-data reads."""
    purpose = _nfc(form_text("purpose", MAX_PURPOSE))
    session["purpose"] = purpose or DEFAULT_PURPOSE
    return redirect(local_target(request.form.get("next")))

