"""The one line ``kho: error: SUBJECT: reason`` in the CLI language (imported only when a command fails).

* A file kho cannot use (:class:`~kho.errors.InputError`, a timeout) is worded by :mod:`ingest.reasons`:
  what happened and what to do, a library's words only as a detail.
* A bilingual message (``"Tiếng Việt / English: …"``) shows its own side.
* In Vietnamese, a message that kho's deeper layers wrote in English is introduced by what kind of
  error it is (``không tìm thấy``, ``không có quyền`` …), the English kept as the detail.
"""

from __future__ import annotations

import re

import click

from kho.cli.lang import language, one_side
from kho.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    InputError,
    IntegrityError,
    KhoError,
    NotFoundError,
    PermissionDeniedError,
    ProcessingTimeoutError,
    RateLimitedError,
    ServiceUnavailableError,
    TooLargeError,
    UnsupportedTypeError,
    UsageError,
)

VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ]|[àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
#: What kind of error, in Vietnamese, by class (the first that matches; subclasses first).
KIND_WORDS: tuple[tuple[type[KhoError], str], ...] = (
    (ConfigError, "thiết lập không hợp lệ; sửa biến môi trường hoặc kho.toml"),
    (UsageError, "tham số không hợp lệ"),
    (TooLargeError, "quá giới hạn cho phép"),
    (UnsupportedTypeError, "loại tệp không đọc được"),
    (InputError, "tệp hoặc giá trị không dùng được"),
    (NotFoundError, "không tìm thấy"),
    (ConflictError, "xung đột với dữ liệu đã lưu"),
    (AuthenticationError, "chưa đăng nhập hoặc khóa không hợp lệ"),
    (PermissionDeniedError, "không có quyền làm việc này"),
    (RateLimitedError, "quá nhiều yêu cầu; thử lại sau"),
    (ProcessingTimeoutError, "xử lý quá thời gian cho phép; chạy lại sau"),
    (ServiceUnavailableError, "dịch vụ chưa sẵn sàng; kiểm tra máy chủ rồi chạy lại"),
    (IntegrityError, "dữ liệu lưu không khớp mã kiểm tra"),
    (KhoError, "lệnh không hoàn thành"),
)


def kind_words(error: KhoError) -> str:
    """What kind of error ``error`` is, in Vietnamese."""
    return next(words for kind, words in KIND_WORDS if isinstance(error, kind))


def error_line(error: KhoError) -> str:
    """``SUBJECT: reason`` in the CLI language (see the module's docstring)."""
    message = one_side(error.message)
    if isinstance(error, InputError | ProcessingTimeoutError):
        from ingest.reasons import explain  # pure, small

        why = explain(error.message)
        if why is not None and why.code != "other":
            message = why.text(language())
    text = " ".join(message.split())
    if language() == "vi" and not VIETNAMESE.search(text):
        text = f"{kind_words(error)} (chi tiết: {text})"
    return f"{error.subject}: {text}" if error.subject else text


def _hint(error: click.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else " / ".join(hint)
    if error.param is not None:
        return str(error.param.get_error_hint(error.ctx))
    return ""


def usage_message(error: click.UsageError) -> str:
    """A wrong command line, in the CLI language: click's own English for the common mistakes (an unknown
    command or option, a missing or bad value) worded in Vietnamese, click's words kept as the detail."""
    english = error.format_message()
    if language() == "en":
        return english
    if isinstance(error, click.NoSuchOption):
        return f"không có tùy chọn {error.option_name} (chi tiết: {english})"
    if isinstance(error, click.MissingParameter):
        return f"thiếu {_hint(error)} (chi tiết: {english})"
    if isinstance(error, click.BadParameter):
        return f"giá trị không hợp lệ cho {_hint(error)} (chi tiết: {english})"
    unknown = re.match(r"^No such command '(.+)'\.$", english)
    if unknown:
        return f"không có lệnh '{unknown[1]}'; xem kho --help"
    if VIETNAMESE.search(english):
        return english
    return f"dòng lệnh không đúng (chi tiết: {english})"
