"""End to end in a real headless Chromium (Debian's, driven by Playwright) against the app served
on 127.0.0.1 from a thread: sign in, search an unaccented name, open the record, download the PDF;
upload a tiny synthetic batch, watch it finish, correct one field in the review queue.

Screenshots of every step go to ``tests/artifacts/web_pages/`` (gitignored).
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pages_helpers import PASSWORD, Doc
from werkzeug.serving import make_server

from kho.backends import Backends
from kho.settings import Settings
from ocr.corpus.generate import generate_corpus
from ocr.corpus.writer import manifest_text
from web.app import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web_pages"

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make setup does it)")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_url(web_settings: Settings, backends: Backends) -> Iterator[str]:
    """The real app (background batch runner included) served from a thread on a free port."""
    app = create_app(web_settings, backends)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="kho-e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def _console_errors(page: object) -> list[str]:
    """Collect the page's console errors (CSP violations, script errors, failed loads)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    return errors


class Shots:
    """Numbered full-page screenshots of one test under ``tests/artifacts/web_pages/<test>/``."""

    def __init__(self, page: object, name: str):
        self.page = page
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.n = 0

    def __call__(self, step: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(self.folder / f"{self.n:02d}-{step}.png"), full_page=True)  # type: ignore[attr-defined]


def _wait_for_images(page: object, limit: float = 30.0) -> None:
    """Wait until every image of the page has loaded (polled from Python: the pages' CSP forbids eval)."""
    deadline = time.monotonic() + limit
    script = "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    while not page.evaluate(script):  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "page images did not load"
        time.sleep(0.1)


def _sign_in(page: object, url: str, username: str) -> None:
    page.goto(f"{url}/search")  # type: ignore[attr-defined]
    page.fill("#username", username)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit].primary")  # type: ignore[attr-defined]
    page.wait_for_url(f"{url}/search")  # type: ignore[attr-defined]


def test_search_an_unaccented_name_open_the_record_and_download_the_pdf(
    browser: object, live_url: str, make_doc: Callable[..., Doc], tmp_path: Path
) -> None:
    doc = make_doc(holder_name="Trần Thị Hoà", document_type="Giấy chứng nhận đăng ký hộ kinh doanh",
                   document_number="03/GCN-HKD")
    make_doc(holder_name="Lê Văn Bình")
    context = browser.new_context(accept_downloads=True, locale="vi-VN", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    shot = Shots(page, "search-record-pdf")
    page.goto(f"{live_url}/search")
    assert "/login" in page.url
    assert page.evaluate("document.activeElement.id") == "username"
    shot("login")
    _sign_in(page, live_url, "can-bo")
    assert page.evaluate("document.activeElement.id") == "q"
    page.fill("#q", "tran thi hoa")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.hits li")
    assert page.locator("ol.hits li").count() == 1
    assert "Trần Thị Hoà" in page.locator("ol.hits mark").first.inner_text()
    shot("results")
    page.click(f"a[href='/records/{doc.record_id}']")
    page.wait_for_selector("#record-title")
    assert "03/GCN-HKD" in page.inner_text("#record-title")
    _wait_for_images(page)
    shot("record")
    with page.expect_download() as info:
        page.click("text=Tải bản PDF")
    download = info.value
    assert download.suggested_filename == f"{doc.record_id}.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(str(saved))
    assert saved.read_bytes() == doc.pdf
    page.click("button[lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Download the PDF" in page.inner_text("main")
    shot("record-english")
    assert errors == []
    context.close()


def _tiny_batch(folder: Path) -> tuple[list[Path], Path, dict[str, str]]:
    """Two clean single-page synthetic scans and a manifest whose first document number is wrong."""
    generate_corpus(folder, 2, 7, ("clean",), manifest=True, kinds=["legacy"])
    rows = list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8"))))
    truth = dict(rows[0])
    rows[0]["document_number"] = "9999/SAI"
    manifest = folder / "bang-ke.csv"
    manifest.write_text(manifest_text(rows, list(rows[0])), encoding="utf-8")
    return [folder / row["file"] for row in rows], manifest, truth


def test_upload_a_batch_watch_it_finish_and_correct_a_field_in_review(
    browser: object, live_url: str, backends: Backends, tmp_path: Path
) -> None:
    scans, manifest, truth = _tiny_batch(tmp_path / "scans")
    context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    errors = _console_errors(page)
    shot = Shots(page, "upload-review")
    _sign_in(page, live_url, "luu-tru")
    page.click("a[href='/batches']")
    page.click("text=Tải lên lô mới")
    page.set_input_files("#files", [str(p) for p in scans])
    page.set_input_files("#manifest", str(manifest))
    page.fill("#name", "Lô thử e2e")
    shot("upload-form")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#progress-title")
    shot("progress")
    page.wait_for_selector(".progress-box[data-finished=true]", timeout=240_000)
    assert "Hoàn tất" in page.inner_text(".progress-box")
    assert page.inner_text("[data-field=documents_done]") == "2"
    shot("batch-done")
    batch = backends.catalog.find_batch_by_name("Lô thử e2e")
    assert batch is not None
    [item] = [i for i in backends.catalog.list_batch_items(batch.id) if i.key in (truth["file"], truth["document"])]
    record_id = item.record_id
    assert record_id and item.status == "indexed"
    page.click("a[href='/review']")
    shot("review-queue")
    page.click(f"text={record_id}")
    page.wait_for_selector("#f-document_number")
    assert page.evaluate("document.activeElement.id") == "f-document_type"
    assert "khác bảng kê" in page.inner_text(".reasons-box")
    _wait_for_images(page)
    shot("review-task")
    page.fill("#f-document_number", truth["document_number"])
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".message-success")
    shot("after-review")
    record = backends.repository.get(record_id)
    assert record.metadata.document_number == truth["document_number"]
    assert record.metadata.review_state == "reviewed"
    assert record.history_entry.actor == "luu-tru" and record.history_entry.reason == "Rà soát: sửa document_number"
    page.click("a[href='/statistics']")
    assert page.locator("svg[role=img]").count() >= 5
    shot("statistics")
    assert errors == []
    context.close()
