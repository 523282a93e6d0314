"""Words shown for kho's codes (statuses, roles, fields) in the page language (Vietnamese first)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

LANGUAGES: tuple[str, ...] = ("vi", "en")
LANGUAGE_NAMES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}

_LABELS: dict[str, dict[str, LazyString]] = {
    "status": {
        "valid": _l("Còn hiệu lực"),
        "superseded": _l("Đã được thay thế"),
        "revoked": _l("Đã thu hồi"),
    },
    "review_state": {
        "none": _l("Không cần rà soát"),
        "needs_review": _l("Cần rà soát"),
        "reviewed": _l("Đã rà soát"),
    },
    "role": {
        "official": _l("Cán bộ tra cứu"),
        "archivist": _l("Lưu trữ viên"),
        "admin": _l("Quản trị"),
    },
    "batch_status": {
        "queued": _l("Đang chờ"),
        "running": _l("Đang xử lý"),
        "done": _l("Hoàn tất"),
        "done_with_errors": _l("Hoàn tất – có lỗi"),
        "failed": _l("Thất bại"),
    },
    "item_status": {
        "queued": _l("Đang chờ"),
        "processing": _l("Đang xử lý"),
        "stored": _l("Đã lưu"),
        "indexed": _l("Đã lập chỉ mục"),
        "failed": _l("Lỗi"),
        "quarantined": _l("Cách ly"),
    },
    "review_outcome": {
        "open": _l("Đang chờ rà soát"),
        "accepted": _l("Đã chấp nhận"),
        "corrected": _l("Đã sửa và chấp nhận"),
    },
    "field": {
        "citizen_ids": _l("Số định danh / CMND"),
        "document_type": _l("Loại văn bản"),
        "document_number": _l("Số văn bản"),
        "issued_on": _l("Ngày ban hành"),
        "issuer": _l("Cơ quan ban hành"),
        "place": _l("Địa danh"),
        "locality": _l("Địa bàn"),
        "holder_name": _l("Người/tổ chức được cấp"),
        "summary": _l("Trích yếu"),
        "procedure_code": _l("Mã thủ tục"),
        "valid_from": _l("Hiệu lực từ"),
        "valid_until": _l("Hiệu lực đến"),
        "status": _l("Tình trạng"),
        "page_count": _l("Số trang"),
        "review_state": _l("Rà soát"),
        "year": _l("Năm"),
    },
    "evidence_source": {
        "ocr": _l("nhận dạng chữ (OCR)"),
        "text_layer": _l("lớp chữ có sẵn trong PDF"),
        "manifest": _l("bảng kê"),
        "official": _l("cán bộ nhập"),
    },
    "form_error": {
        "bad_citizen_id": _l("Có số không phải số định danh (12 chữ số) hoặc CMND (9 chữ số)."),
        "too_many_ids": _l("Quá nhiều số định danh (tối đa 50)."),
        "bad_date": _l("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm."),
        "too_long": _l("Quá dài (tối đa 1000 ký tự)."),
        "before_start": _l("Ngày hết hiệu lực trước ngày bắt đầu hiệu lực."),
    },
    "facet": {
        "document_type": _l("Loại văn bản"),
        "issuer": _l("Cơ quan ban hành"),
        "locality": _l("Địa bàn"),
        "year": _l("Năm ban hành"),
        "status": _l("Tình trạng"),
        "review_state": _l("Rà soát"),
    },
}


def label(value: object, kind: str) -> str:
    """The words for ``value`` of ``kind`` (``status``, ``role``, ``field`` …); the value itself if unknown."""
    if value is None:
        return "—"
    found = _LABELS.get(kind, {}).get(str(value))
    return str(found) if found is not None else str(value)
