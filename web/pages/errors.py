"""Errors of non-API paths as HTML pages in the page language (installed by :func:`web.pages.setup.init_pages`).

The app's one error handler (:func:`web.app.handle_error`) maps every exception to a
:class:`~kho.errors.KhoError` and calls :func:`render_error` for paths outside ``/api``. A request
that needs sign-in is sent to the sign-in page instead of a 401 page.
"""

from __future__ import annotations

import logging
import re

from flask import Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2 import TemplateError

from kho.errors import AuthenticationError, KhoError

log = logging.getLogger("web")


def error_title(status: int) -> str:
    """A short title for an HTTP status, in the page language."""
    titles = {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Cần đăng nhập"),
        403: _("Không có quyền"),
        404: _("Không tìm thấy"),
        409: _("Xung đột dữ liệu"),
        413: _("Tệp quá lớn"),
        415: _("Loại tệp không được hỗ trợ"),
        422: _("Dữ liệu không xử lý được"),
        429: _("Quá nhiều yêu cầu"),
        503: _("Dịch vụ tạm thời không sẵn sàng"),
    }
    return titles.get(status, _("Đã xảy ra lỗi"))


def error_hint(status: int) -> str:
    """What the user can do about an error of this status, in the page language ('' if nothing to say)."""
    hints = {
        400: _("Biểu mẫu không hợp lệ hoặc đã hết hạn; hãy tải lại trang rồi thử lại."),
        403: _("Vai trò của tài khoản này không được phép làm việc này."),
        404: _("Không có trang hoặc hồ sơ này; hãy kiểm tra lại đường dẫn hoặc tìm lại hồ sơ."),
        409: _("Dữ liệu vừa được người khác thay đổi; hãy tải lại trang."),
        413: _("Tệp tải lên vượt quá giới hạn; hãy chia thành nhiều lần tải."),
        429: _("Có quá nhiều yêu cầu trong thời gian ngắn; hãy chờ một phút rồi thử lại."),
        503: _("Hệ thống lưu trữ hoặc tìm kiếm đang không trả lời; hãy thử lại sau ít phút."),
    }
    return hints.get(status, "")


_VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def message_language(text: str) -> str:
    """``vi`` when ``text`` has Vietnamese letters, else ``en`` (kho's library messages are English)."""
    return "vi" if _VIETNAMESE.search(text) else "en"


def error_detail(error: KhoError) -> str:
    """What a page shows of ``error`` in the page language: its one-line message when it is written in
    that language; otherwise only what it is about (a file, an ID), which needs no translation ('' if none)."""
    text = error.one_line()
    if message_language(text) == str(get_locale() or "vi"):
        return text
    return error.subject or ""


def error_line(error: KhoError) -> str:
    """One line for a message box: the title of the status and :func:`error_detail` (when there is one)."""
    detail = error_detail(error)
    hint = error_hint(error.http_status)
    head = error_title(error.http_status)
    line = f"{head}: {detail}" if detail else head
    return f"{line}. {hint}" if hint and detail != error.one_line() else line


def render_error(error: KhoError) -> ResponseReturnValue:
    """The HTML page of ``error`` with its HTTP status (sign-in redirect for 401)."""
    if isinstance(error, AuthenticationError):
        return redirect(url_for("pages.login", next=request.path))
    status = error.http_status
    try:
        body = render_template("error.html", status=status, title=error_title(status), hint=error_hint(status),
                               message=error_detail(error))
    except TemplateError:  # never let the error page itself fail: fall back to plain text
        log.exception("the error page could not be rendered")
        body = f"{status} {error.one_line()}"
        return Response(body, status=status, mimetype="text/plain")
    return Response(body, status=status, mimetype="text/html")
