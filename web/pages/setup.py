"""What the pages add to the app: Flask-Babel (Vietnamese default, English), CSRF, template helpers.

:func:`init_pages` runs once when :func:`web.app.create_app` registers the pages blueprint (from the
blueprint's ``record_once`` hook, so ``create_app`` only registers the blueprint).

* Language: the session's choice (``/language``), else ``settings.language`` (``vi`` by default).
  The templates are written in Vietnamese; English comes from ``web/translations/en`` (the
  ``.po`` source and the compiled ``.mo`` are both committed; ``docs/ui.md`` says how to update them).
* CSRF: Flask-WTF's token on every form of the pages. The check runs only for the pages blueprint
  (:func:`web.pages.base.check_csrf`); the JSON API authenticates with Bearer keys, not cookies.
* Times are shown in Vietnam's time zone (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, session
from flask_babel import Babel, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect

from web.context import EXTENSION
from web.pages.labels import LANGUAGES, label
from web.pages.reasons import history_actor, history_reason, reason_in_words, record_title
from web.pages.vocabulary import vocabulary

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
TIMEZONE = "Asia/Ho_Chi_Minh"
SESSION_HOURS = 10


def select_locale() -> str:
    """The language of the current request: the session's choice, else the configured default."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    language: str = current_app.extensions[EXTENSION].settings.language
    return language


PICK_LISTS = {"document_type": "dl-types", "issuer": "dl-issuers", "locality": "dl-places"}
"""Which ``<datalist>`` (:mod:`web.pages.vocabulary`) each form box offers."""


def init_pages(app: Flask) -> None:
    """Install Babel, CSRF, the HTML error page, Jinja filters and session lifetime on ``app``."""
    from web.app import set_html_error_renderer
    from web.pages.errors import render_error

    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the pages blueprint only
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        BABEL_DEFAULT_LOCALE="vi",
    )
    Babel(
        app,
        locale_selector=select_locale,
        default_locale="vi",
        default_timezone=TIMEZONE,
        default_translation_directories=str(TRANSLATIONS),
    )
    app.extensions["kho_csrf"] = CSRFProtect(app)
    set_html_error_renderer(app, render_error)
    app.jinja_env.filters.update(
        day=format_day, when=format_when, number=format_number, label=label, filesize=format_size,
        reason=reason_in_words, title=record_title, history_reason=history_reason, history_actor=history_actor,
    )
    app.jinja_env.globals.update(current_language=lambda: str(get_locale() or "vi"), LANGUAGES=LANGUAGES,
                                 vocabulary=vocabulary, PICK_LISTS=PICK_LISTS)
    app.jinja_env.policies["ext.i18n.trimmed"] = True


def format_day(value: date | str | None) -> str:
    """A date as ``dd/mm/yyyy`` (Vietnamese) or ``yyyy-mm-dd`` (English); ``—`` when missing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if str(get_locale()) == "vi":
        return value.strftime("%d/%m/%Y")
    return value.isoformat()


def format_when(value: datetime | None) -> str:
    """A timestamp in Vietnam's time zone with that said (``05/12/2026 22:35 giờ VN``); ``—`` when missing."""
    if value is None:
        return "—"
    pattern = "dd/MM/yyyy HH:mm" if str(get_locale()) == "vi" else "yyyy-MM-dd HH:mm"
    return _("%(time)s giờ VN", time=str(format_datetime(value, pattern)))


def format_number(value: float | int | None, digits: int = 0) -> str:
    """A number with the locale's separators (``1.234`` in Vietnamese, ``1,234`` in English)."""
    if value is None:
        return "—"
    if digits:
        return str(format_decimal(round(float(value), digits), format="#,##0." + "0" * digits))
    return str(format_decimal(round(value), format="#,##0"))


def format_size(size: int | None) -> str:
    """A byte count for people: ``512 B``, ``1,2 MB``."""
    if size is None:
        return "—"
    value: float = size
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{format_number(value, 0 if unit == 'B' else 1)} {unit}"
        value /= 1024
    return str(size)

