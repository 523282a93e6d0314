"""Review reasons and readable record titles, in the page language.

The quality gate (``ingest/quality.py``, ``ocr/fields/model.py``) writes each reason once, in both
languages (``"số văn bản khác bảng kê / document number differs from the manifest"``) with the
figures behind it (``"48 < 60"``). A page shows one language and says what the figures mean:
:func:`reason_in_words` recognises the known reasons and words them in full; any other bilingual
reason shows the part of the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from web.pages.labels import label

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _percent(value: str) -> str:
    return str(round(float(value) * 100))


_RULES: tuple[_Rule, ...] = (
    (re.compile(r"^độ phân giải dưới (\d+) dpi / .*?: trang/page (.+)$"),
     lambda m: _("Ảnh quét dưới %(dpi)s dpi (trang %(pages)s): chữ có thể khó đọc; quét lại nếu cần.",
                 dpi=m[1], pages=m[2])),
    (re.compile(r"^trang trắng / blank page: trang/page (.+)$"),
     lambda m: _("Trang trắng: trang %(pages)s.", pages=m[1])),
    (re.compile(r"^số trang khác bảng kê / .*?: (\d+) ≠ (\d+)$"),
     lambda m: _("Tệp có %(found)s trang, bảng kê ghi %(expected)s trang.", found=m[1], expected=m[2])),
    (re.compile(r"^độ tin cậy OCR thấp / low OCR confidence: (\d+) < (\d+)$"),
     lambda m: _("Chữ nhận dạng kém: độ tin cậy trung bình %(mean)s/100, cần từ %(min)s; hãy đối chiếu "
                 "từng ô với ảnh trang.", mean=m[1], min=m[2])),
    (re.compile(r"^độ tin cậy OCR thấp / low OCR confidence: trang/page (.+)$"),
     lambda m: _("Chữ nhận dạng kém ở trang %(pages)s; hãy đối chiếu với ảnh trang.", pages=m[1])),
    (re.compile(r"^không có chữ / no text on any page$"),
     lambda m: _("Không đọc được chữ nào trên các trang.")),
    (re.compile(r"^không tìm thấy số định danh / no citizen ID found$"),
     lambda m: _("Không tìm thấy số định danh trong văn bản.")),
    (re.compile(r"^số định danh trong bảng kê không có trong văn bản / .*$"),
     lambda m: _("Số định danh trong bảng kê không thấy trong văn bản.")),
    (re.compile(r"^số văn bản khác bảng kê / .*$"),
     lambda m: _("Số văn bản đọc được khác bảng kê.")),
    (re.compile(r"^ngày ban hành khác bảng kê / .*$"),
     lambda m: _("Ngày ban hành đọc được khác bảng kê.")),
    (re.compile(r"^ô khác bảng kê / field differs from the manifest: (\w+)$"),
     lambda m: _("Ô “%(field)s”: giá trị trong bảng kê khác với chữ đọc được (OCR); xem hai giá trị cạnh ô và "
                 "đối chiếu với ảnh trang.", field=label(m[1], "field"))),
    (re.compile(r"^thiếu trường / missing field: (\w+)$"),
     lambda m: _("Không đọc được ô “%(field)s”.", field=label(m[1], "field"))),
    (re.compile(r"^chữ số viết tay do máy đọc / .*?: (\w+) \(trang/page (\S+)\)$"),
     lambda m: _("Ô “%(field)s” viết tay (trang %(page)s): máy đã đọc lại các chữ số; hãy đối chiếu với ảnh trang "
                 "rồi xác nhận hoặc sửa.", field=label(m[1], "field"), page=m[2])),
    (re.compile(r"^độ tin cậy thấp / low confidence: (\w+) \(([\d.]+) < ([\d.]+), trang/page (\S+)\)$"),
     lambda m: _("Ô “%(field)s” đọc chưa chắc chắn (trang %(page)s): độ tin cậy %(got)s%%, cần từ %(need)s%%.",
                 field=label(m[1], "field"), page=m[4], got=_percent(m[2]), need=_percent(m[3]))),
)

_BILINGUAL = re.compile(r"^(?P<vi>[^/]*?) / (?P<en>[^:]*?)(?P<rest>: .*)?$")
_PAGE_WORDS = re.compile(r"\btrang/page\b")


def _english() -> bool:
    return str(get_locale() or "vi") == "en"


def reason_in_words(reason: str) -> str:
    """``reason`` as a sentence in the page language (known reasons worded in full)."""
    for pattern, words in _RULES:
        found = pattern.match(reason)
        if found:
            return words(found)
    parts = _BILINGUAL.match(reason)
    if parts is None:
        return reason
    rest = _PAGE_WORDS.sub("page" if _english() else "trang", parts["rest"] or "")
    return (parts["en"] if _english() else parts["vi"]) + rest


def record_title(fields: Mapping[str, Any] | object | None, fallback: str = "") -> str:
    """A record's readable title from its type, number and holder ("Giấy phép xây dựng số 01/GPXD –
    Nguyễn Văn An"): ``fields`` is a mapping (a batch item's fields) or an object with those
    attributes (record metadata, a search hit); ``fallback`` (its ID) when none of them is known."""
    def get(name: str) -> Any:
        if isinstance(fields, Mapping):
            return fields.get(name)
        return getattr(fields, name, None)

    kind, number, holder = get("document_type"), get("document_number"), get("holder_name")
    if not (kind or number or holder):
        return fallback
    head = str(kind or _("Văn bản"))
    if number:
        head = _("%(kind)s số %(number)s", kind=head, number=number)
    return f"{head} – {holder}" if holder else head


_REVIEW_FIXED = re.compile(r"^Rà soát: sửa (?P<fields>[\w, ]+)$")
_SYSTEM_ACTORS = {"kho ingest", "ingest"}


def history_reason(reason: str | None) -> str:
    """The reason of a record version in words: the codes written by ingest and review ("ingest",
    "Rà soát: sửa document_number") in the page language with field names; a person's own reason as typed."""
    if not reason:
        return "—"
    if reason == "ingest":
        return _("Số hóa: lưu vào kho lần đầu")
    if reason == "Rà soát: chấp nhận":
        return _("Rà soát: chấp nhận như đã đọc")
    fixed = _REVIEW_FIXED.match(reason)
    if fixed:
        names = [label(name.strip(), "field") for name in fixed["fields"].split(",") if name.strip()]
        return _("Rà soát: sửa %(fields)s", fields=", ".join(names))
    return reason


def history_actor(actor: str | None) -> str:
    """Who made a version: a user name as stored, the ingest run in words."""
    if not actor:
        return "—"
    if actor in _SYSTEM_ACTORS:
        return _("Hệ thống số hóa (kho ingest)")
    return actor
