"""The start page: counts, newest records with readable titles, review backlog, running and recent
batches; parts by role; showing the newest records is an audited search."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from pages_helpers import Doc, csrf_token, text_of

from kho.backends import Backends
from repository.catalog import NewBatchItem

REASON = "số văn bản khác bảng kê / document number differs from the manifest"


def test_an_official_sees_counts_and_the_newest_records_by_title(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    older = make_doc(holder_name="Lê Văn Bình")
    newer = make_doc(holder_name="Trần Thị Hoà", document_type="Giấy chứng nhận đăng ký hộ kinh doanh",
                     document_number="03/GCN-HKD")
    page = text_of(as_user("can-bo").get("/"))
    assert "Hồ sơ mới nhất" in page and '<span class="tile-value">2</span>' in page
    newest = page.index("Giấy chứng nhận đăng ký hộ kinh doanh số 03/GCN-HKD – Trần Thị Hoà")
    assert newest < page.index(f"Giấy phép xây dựng số {older.metadata.document_number} – Lê Văn Bình")
    assert f'href="/records/{newer.record_id}"' in page
    assert "Chờ rà soát" not in page and "Lô số hóa đang chạy" not in page  # not an official's work
    [event] = [e for e in backends.catalog.query_audit(actor="can-bo") if e.action == "search"]
    assert newer.record_id in str(event.details)


def test_an_archivist_sees_the_backlog_and_the_batches(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc(review_state="needs_review", review_reasons=(REASON,), holder_name="Nguyễn Văn An")
    task = backends.catalog.open_review_task(doc.record_id, [REASON])
    catalog = backends.catalog
    running = catalog.create_batch("Lô đang chạy", ["/scans"])
    catalog.upsert_batch_items(running.id, [NewBatchItem("a.pdf"), NewBatchItem("b.pdf")])
    catalog.set_batch_status(running.id, "running")
    catalog.update_batch_item(running.id, "a.pdf", status="indexed", pages=1)
    failed_one = catalog.create_batch("Lô có tệp hỏng", ["/scans"])
    catalog.upsert_batch_items(failed_one.id, [NewBatchItem("rong.jpg")])
    catalog.update_batch_item(failed_one.id, "rong.jpg", status="quarantined", reason="tệp rỗng")
    catalog.set_batch_status(failed_one.id, "done")
    page = text_of(as_user("luu-tru").get("/"))
    title = f"Giấy phép xây dựng số {doc.metadata.document_number} – Nguyễn Văn An"
    assert f'<a href="/review/{task.id}">{title}</a>' in page
    assert "Số văn bản đọc được khác bảng kê." in page and "document number differs" not in page
    assert "Lô đang chạy" in page and "Đang xử lý" in page and "1 / 2" in page
    assert "Lô có tệp hỏng" in page and "Hoàn tất – có lỗi" in page


def test_the_start_page_in_english_has_no_vietnamese_labels(
    as_user: Callable[..., FlaskClient], make_doc: Callable[..., Doc], backends: Backends
) -> None:
    doc = make_doc(review_state="needs_review", review_reasons=(REASON,))
    backends.catalog.open_review_task(doc.record_id, [REASON])
    client = as_user("quan-tri")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(text_of(client.get("/")))})
    page = text_of(client.get("/"))
    assert "Newest records" in page and "Waiting for review" in page
    assert "The document number read differs from the manifest." in page
    for vietnamese in ("Hồ sơ mới nhất", "Chờ rà soát", "hồ sơ chờ rà soát", "khác bảng kê", "Xin chào"):
        assert vietnamese not in page, vietnamese
