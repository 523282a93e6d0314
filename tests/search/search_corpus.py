"""The search tests' corpus: ten records with known truth (what each query must find)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from search.index import IndexDocument

ID_AN = "049085001234"  # Nguyễn Văn An: rec-01 and rec-06
ID_BINH = "049190004321"  # Trần Thị Bình: rec-02
CMND_HOA = "201234567"  # Lê Văn Hòa: rec-03 (old 9-digit CMND)


def _doc(record_id: str, **fields: object) -> IndexDocument:
    fields.setdefault("ingested_at", datetime(2025, 10, 1, tzinfo=UTC))
    pages = fields.get("pages", ())
    fields.setdefault("page_count", len(pages))  # type: ignore[arg-type]
    return IndexDocument(record_id=record_id, version=1, **fields)  # type: ignore[arg-type]


def corpus() -> list[IndexDocument]:
    """Ten records; the tests state what each query must find."""
    return [
        _doc("rec-01", citizen_ids=(ID_AN,), document_type="Quyết định", document_number="07/QĐ-UBND",
             issued_on=date(2022, 2, 9), issuer="UBND huyện Bắc Trà My",
             locality="xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam", holder_name="Nguyễn Văn An",
             summary="Về việc cấp giấy phép xây dựng nhà ở",
             pages=("ỦY BAN NHÂN DÂN HUYỆN BẮC TRÀ MY CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                    "Số: 07/QĐ-UBND Bắc Trà My, ngày 09 tháng 02 năm 2022\nQUYẾT ĐỊNH\n"
                    "Về việc cấp giấy phép xây dựng nhà ở",
                    "Điều 1. Cấp phép cho ông Nguyễn Văn An xây dựng nhà ở tại thôn 2.\n"
                    "Điều 2. Quyết định có hiệu lực kể từ ngày ký.")),
        _doc("rec-02", citizen_ids=(ID_BINH,), document_type="Giấy phép xây dựng", document_number="15/GPXD",
             issued_on=date(2025, 8, 1), issuer="UBND xã Trà My", locality="xã Trà My, thành phố Đà Nẵng",
             holder_name="Trần Thị Bình",
             pages=("GIẤY PHÉP XÂY DỰNG số 15/GPXD\nCấp cho bà Trần Thị Bình, sức khoẻ tốt",)),
        _doc("rec-03", citizen_ids=(CMND_HOA,), document_type="Trích lục khai sinh",
             issued_on=date(2019, 5, 20), issuer="UBND phường An Mỹ",
             locality="phường An Mỹ, thành phố Tam Kỳ", holder_name="Lê Văn Hòa", status="superseded",
             review_state="needs_review",
             pages=("TRÍCH LỤC KHAI SINH\nHọ và tên: Lê Văn Hòa\nNơi sinh: Tam Kỳ, Quảng Nam",)),
        _doc("rec-04", document_type="Quyết định", issued_on=date(2018, 1, 1), issuer="UBND thành phố Hội An",
             locality="phường Minh An, thành phố Hội An",
             pages=("CONG HOA XA HOI CHU NGHIA VIET NAM\nquyet dinh ve viec thu hoi dat",)),
        _doc("rec-05", document_type="Quyết định", issuer="UBND huyện Nam Trà My",
             locality="xã Trà Mai, huyện Nam Trà My", status="revoked", review_state="reviewed",
             pages=("Quyết định về việc hỗ trợ hộ nghèo", "Danh sách kèm theo: hộ ông Hồ Văn Thủy")),
        _doc("rec-06", citizen_ids=(ID_AN,), document_type="Giấy chứng nhận quyền sử dụng đất",
             issued_on=date(2023, 11, 30), issuer="Sở Tài nguyên và Môi trường tỉnh Quảng Nam",
             locality="xã Cẩm Hà, thành phố Hội An, tỉnh Quảng Nam",
             pages=("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số 123, tờ bản đồ số 4",
                    "Ghi chú: đất ở tại nông thôn")),
        _doc("rec-07", document_type="Báo cáo", issued_on=date(2025, 9, 15), issuer="UBND xã Trà My",
             locality="xã Trà My, thành phố Đà Nẵng",
             pages=("Ông quyết tâm thực hiện theo quy định của pháp luật",)),
        _doc("rec-08", document_type="Biên bản", issued_on=date(2022, 2, 9), issuer="UBND xã Trà Sơn",
             locality="xã Trà Sơn, huyện Bắc Trà My",
             pages=("Biên bản họp dân về việc giải phóng mặt bằng",)),
        _doc("rec-09", document_type="Thông báo", issued_on=date(2024, 3, 3), issuer="UBND phường Hòa Hương",
             locality="phường Hòa Hương, thành phố Tam Kỳ",
             pages=("Thông báo: không khoe khoang thành tích",)),
        _doc("rec-10", document_type="Quyết định", issued_on=date(2021, 6, 1), issuer="UBND huyện Đại Lộc",
             locality="huyện Đại Lộc",
             pages=(unicodedata.normalize("NFD", "Quyết định phê duyệt dự án Thuỷ lợi Khe Tân"),)),
    ]


NEWEST_FIRST = ["rec-07", "rec-02", "rec-09", "rec-06", "rec-01", "rec-08", "rec-10", "rec-03", "rec-04",
                "rec-05"]
