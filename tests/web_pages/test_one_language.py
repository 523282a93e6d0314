"""One language per screen: every page rendered in English shows none of the pages' Vietnamese texts,
and rendered in Vietnamese none of their English translations (both lists from the catalogue, so a
text left untranslated, or shown raw from a code, fails here). History, review reasons, the batch
state and the 404/403 details are included."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from pages_helpers import Doc, csrf_token, text_of

from kho.backends import Backends
from repository.catalog import NewBatchItem

PO = Path(__file__).resolve().parents[2] / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")
REASONS = ("độ tin cậy OCR thấp / low OCR confidence: 48 < 60",
           "số văn bản khác bảng kê / document number differs from the manifest")
MIN_FRAGMENT = 12


def _fragments(text: str) -> Iterator[str]:
    """The literal parts of a catalogue text long enough to be recognised on a page."""
    for part in PLACEHOLDER.split(text):
        part = part.strip(" .,:;()–-")
        if len(part) >= MIN_FRAGMENT:
            yield part


def _known() -> tuple[set[str], set[str]]:
    vietnamese: set[str] = set()
    english: set[str] = set()
    with PO.open("rb") as fh:
        for message in read_po(fh):
            if not message.id or message.id == message.string:
                continue
            vietnamese.update(_fragments(str(message.id)))
            english.update(_fragments(str(message.string)))
    shared = vietnamese & english
    return vietnamese - shared, english - shared


def _visible(page: str) -> str:
    """The page's text without tags, the other-language switch, scripts and attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<button[^>]*\blang="(vi|en)"[^>]*>.*?</button>', " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def pages_to_check(make_doc: Callable[..., Doc], backends: Backends) -> list[str]:
    """A record with a reviewed correction in its history, an open review task, a batch finished with a
    set-aside file: the URLs of every page kind, a 404 and the upload form."""
    doc = make_doc(holder_name="Trần Thị Hoà", review_state="needs_review", review_reasons=REASONS)
    backends.repository.update_metadata(doc.record_id, {"document_number": "04/GPXD"}, actor="luu-tru",
                                        reason="Rà soát: sửa document_number")
    task = backends.catalog.open_review_task(doc.record_id, list(REASONS))
    catalog = backends.catalog
    batch = catalog.create_batch("lo-1", ["/scans"])
    catalog.upsert_batch_items(batch.id, [NewBatchItem("a.pdf"), NewBatchItem("rong.jpg")])
    catalog.update_batch_item(batch.id, "a.pdf", status="indexed", record_id=doc.record_id, pages=2,
                              confidence=48.0, fields={"review_state": "needs_review"}, warnings=list(REASONS))
    catalog.update_batch_item(batch.id, "rong.jpg", status="quarantined", reason="tệp rỗng (0 byte)")
    catalog.set_batch_status(batch.id, "done")
    return ["/", "/search?q=tran+thi+hoa", "/search?sort=date", f"/records/{doc.record_id}",
            f"/records/{doc.record_id}/edit", "/review", f"/review/{task.id}", "/batches", f"/batches/{batch.id}",
            "/batches/new", "/statistics", "/records/kho-00000000000000000000"]


def _in_english(client: FlaskClient) -> FlaskClient:
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(text_of(client.get("/")))})
    return client


def test_english_pages_show_no_vietnamese_text_of_the_pages(
    as_user: Callable[..., FlaskClient], pages_to_check: list[str]
) -> None:
    vietnamese, _ = _known()
    client = _in_english(as_user("quan-tri"))
    for url in pages_to_check:
        page = _visible(text_of(client.get(url)))
        left = sorted(f for f in vietnamese if f in page)
        assert not left, f"{url} in English still shows: {left}"
    refused = _visible(text_of(_in_english(as_user("can-bo")).get("/batches/new")))
    assert not sorted(f for f in vietnamese if f in refused)


def test_vietnamese_pages_show_no_english_text_of_the_pages(
    as_user: Callable[..., FlaskClient], pages_to_check: list[str]
) -> None:
    vietnamese, english = _known()
    client = as_user("quan-tri")
    for url in pages_to_check:
        page = _visible(text_of(client.get(url)))
        assert sum(f in page for f in vietnamese) >= 3, f"{url}: the page texts are not recognised"
        left = sorted(f for f in english if f in page)
        assert not left, f"{url} in Vietnamese still shows: {left}"
        assert "low OCR confidence" not in page and "differs from the manifest" not in page, url
    refused = _visible(text_of(as_user("can-bo").get("/batches/new")))
    assert not sorted(f for f in english if f in refused)


def test_history_reasons_and_times_are_in_words(as_user: Callable[..., FlaskClient],
                                                 pages_to_check: list[str]) -> None:
    record_url = pages_to_check[3]
    page = _visible(text_of(as_user("quan-tri").get(record_url)))
    assert "Rà soát: sửa Số văn bản" in page and "document_number" not in page
    assert "Hệ thống số hóa (kho ingest)" in page and "giờ VN" in page
    english = _visible(text_of(_in_english(as_user("quan-tri")).get(record_url)))
    assert "Review: corrected Document number" in english and "Vietnam time" in english
    assert "low OCR confidence" not in page and "Poor text recognition" in english


def test_set_aside_reasons_are_in_the_page_language_with_what_to_do(
    as_user: Callable[..., FlaskClient], pages_to_check: list[str]
) -> None:
    batch_url = pages_to_check[8]
    page = _visible(text_of(as_user("quan-tri").get(batch_url)))
    assert "Tệp rỗng (0 byte), không có trang nào để đọc; hãy chọn lại đúng tệp" in page
    assert "The file is empty" not in page
    english = _visible(text_of(_in_english(as_user("quan-tri")).get(batch_url)))
    assert "The file is empty (0 bytes): there is no page to read; choose the right file" in english
    assert "Tệp rỗng" not in english and "tệp rỗng" not in english
