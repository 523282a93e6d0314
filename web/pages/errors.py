"""Errors of non-API paths as HTML pages in the page language (installed by :func:`web.pages.setup.init_pages`).

The app's one error handler (:func:`web.app.handle_error`) maps every exception to a
:class:`~kho.errors.KhoError` and calls :func:`render_error` for paths outside ``/api``. A request
that needs sign-in is sent to the sign-in page instead of a 401 page.
"""

from __future__ import annotations

import logging

from flask import Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
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


def render_error(error: KhoError) -> ResponseReturnValue:
    """The HTML page of ``error`` with its HTTP status (sign-in redirect for 401)."""
    if isinstance(error, AuthenticationError):
        return redirect(url_for("pages.login", next=request.path))
    status = error.http_status
    try:
        body = render_template("error.html", status=status, title=error_title(status), hint=error_hint(status),
                               message=error.one_line())
    except TemplateError:  # never let the error page itself fail: fall back to plain text
        log.exception("the error page could not be rendered")
        body = f"{status} {error.one_line()}"
        return Response(body, status=status, mimetype="text/plain")
    return Response(body, status=status, mimetype="text/html")
