"""The batch report (CSV and JSON, under ``DATA_DIR/reports/``) and the printed summary.

The report lists every item of the batch (from the catalog, so it covers earlier runs of a resumed
batch too): file(s) → record ID, status, pages, mean confidence, extracted fields (citizen IDs
included: the report is a working file for the archivist), warnings and errors. Logs and the
printed summary never show a citizen ID: :func:`redact_ids` masks digit runs that could be one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.reasons import explain
from repository.catalog import Batch, BatchItem

_ID_LIKE = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){8,12}(?!\d)")
#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

REPORT_COLUMNS: tuple[str, ...] = (
    "key",
    "files",
    "status",
    "record_id",
    "pages",
    "mean_confidence",
    "review_state",
    "citizen_ids",
    "document_type",
    "document_number",
    "issued_on",
    "issuer",
    "locality",
    "holder_name",
    "warnings",
    "error",
    "reason_code",
    "reason_detail",
)


DONE_WITH_ERRORS = "done_with_errors"
"""The state of a ``done`` batch in which an item failed or was set aside (shown "Hoàn tất – có lỗi")."""
_ERROR_STATUSES = ("failed", "quarantined")


def batch_state(status: str, counts: Mapping[str, int]) -> str:
    """What to show of a batch (the one rule, for the pages, the API and ``kho ingest``): its catalog
    ``status``, but ``done_with_errors`` when a ``done`` batch has failed or quarantined items (or stored
    nothing: every item set aside)."""
    if status == "done" and any(counts.get(s, 0) > 0 for s in _ERROR_STATUSES):
        return DONE_WITH_ERRORS
    return status


def redact_ids(text: str) -> str:
    """``text`` with every run of 9 to 13 digits (spaces, dots, dashes allowed) replaced by ``[số]``."""
    return _ID_LIKE.sub("[số]", text)


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did: counts for the whole batch, time and throughput of this run."""

    batch_id: int
    name: str
    status: str
    documents: int
    stored: int
    stored_now: int
    already_stored: int
    pages: int
    pages_this_run: int
    failed: int
    quarantined: int
    needs_review: int
    seconds: float
    pages_per_minute: float
    report_csv: str = ""
    report_json: str = ""

    def to_json(self) -> dict[str, Any]:
        """The summary as plain values (``kho ingest --json``), with the state shown (:func:`batch_state`)."""
        return {**asdict(self), "state": self.state()}

    def state(self) -> str:
        """:func:`batch_state` of this run's batch: ``done_with_errors`` when a file failed or was set aside."""
        return batch_state(self.status, {"failed": self.failed, "quarantined": self.quarantined})

    def lines(self, language: str = "vi") -> list[str]:
        """The printed summary in one language (``vi`` or ``en``); numbers without plural endings."""
        english = language == "en"
        state = (STATE_WORDS_EN if english else STATE_WORDS_VI).get(self.state(), self.status)
        name = redact_ids(self.name)
        seconds, rate = decimal(self.seconds, language), decimal(self.pages_per_minute, language)
        if english:
            return [
                f"Batch {self.batch_id} «{name}»: {state}",
                f"  documents: {self.documents} (stored: {self.stored}, new: {self.stored_now}, "
                f"already stored: {self.already_stored})",
                f"  pages: {self.pages} (this run: {self.pages_this_run})",
                f"  failed: {self.failed}, set aside: {self.quarantined}, to review: {self.needs_review}",
                f"  time: {seconds} s, pages per minute: {rate}",
                f"  report: {self.report_csv}",
                f"          {self.report_json}",
            ]
        return [
            f"Lô {self.batch_id} «{name}»: {state}",
            f"  văn bản: {self.documents} (đã lưu {self.stored}, mới {self.stored_now}, "
            f"đã có từ trước {self.already_stored})",
            f"  trang: {self.pages} (lần chạy này {self.pages_this_run})",
            f"  lỗi: {self.failed}, để riêng: {self.quarantined}, cần rà soát: {self.needs_review}",
            f"  thời gian: {seconds} giây, {rate} trang/phút",
            f"  báo cáo: {self.report_csv}",
            f"           {self.report_json}",
        ]


#: A batch's state in words, as the batch pages word it (``web/pages/labels.py``).
STATE_WORDS_VI = {"queued": "Đang chờ", "running": "Đang xử lý", "done": "Hoàn tất",
                  "done_with_errors": "Hoàn tất – có lỗi", "failed": "Thất bại"}
STATE_WORDS_EN = {"queued": "Queued", "running": "Running", "done": "Done",
                  "done_with_errors": "Done – with errors", "failed": "Failed"}


def decimal(value: float, language: str = "vi") -> str:
    """``12,5`` (Vietnamese: decimal comma) or ``12.5``: one decimal place."""
    text = f"{value:.1f}"
    return text if language == "en" else text.replace(".", ",")


_BILINGUAL = re.compile(r"^(?P<vi>[^/]*?) / (?P<en>[^:]*?)(?P<rest>: .*)?$", re.DOTALL)


def one_language(text: str, language: str = "vi") -> str:
    """A bilingual warning (``"độ tin cậy OCR thấp / low OCR confidence: 48 < 60"``, as the quality gate
    writes them) in one language; ``trang/page`` in its details too. Other texts are kept as written."""
    parts = _BILINGUAL.match(text)
    if parts is None:
        return text
    english = language == "en"
    rest = (parts["rest"] or "").replace("trang/page", "page" if english else "trang")
    return (parts["en"] if english else parts["vi"]) + rest


def report_row(item: BatchItem, language: str = "vi") -> dict[str, Any]:
    """One report row (JSON shape; lists stay lists) for a catalog item; why a file was set aside or failed
    in words (``language``) with what to do, its stable code (:mod:`ingest.reasons`) and the text the step
    recorded (``reason_detail``, for support)."""
    fields = item.fields or {}
    why = explain(item.reason)
    return {
        "key": item.key,
        "files": list(fields.get("files") or [item.key]),
        "status": item.status,
        "record_id": item.record_id,
        "pages": item.pages,
        "mean_confidence": item.confidence,
        "review_state": fields.get("review_state"),
        "citizen_ids": list(fields.get("citizen_ids") or []),
        "document_type": fields.get("document_type"),
        "document_number": fields.get("document_number"),
        "issued_on": fields.get("issued_on"),
        "issuer": fields.get("issuer"),
        "locality": fields.get("locality"),
        "holder_name": fields.get("holder_name"),
        "warnings": [one_language(w, language) for w in item.warnings],
        "error": None if why is None else why.text(language),
        "reason_code": None if why is None else why.code,
        "reason_detail": item.reason,
    }


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting with ``= + - @`` tab or CR
    gets a leading ``'`` (OWASP CSV injection); numbers and other strings are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """A report value as one safe CSV cell: lists joined with ``; ``, ``None`` empty, formulas escaped."""
    if isinstance(value, list):
        value = "; ".join(str(x) for x in value)
    return "" if value is None else spreadsheet_safe(value)


def report_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The CSV text of the report rows (every cell through :func:`csv_cell`; JSON keeps raw values)."""
    out = io.StringIO()
    # CRLF, as RFC 4180 and Excel expect; it also makes the writer quote a cell holding a lone CR.
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def report_json(batch: Batch, summary: BatchSummary, rows: Sequence[dict[str, Any]]) -> str:
    """The JSON text of the report: the batch, the summary and every row."""
    data = {
        "batch": {
            "id": batch.id,
            "name": batch.name,
            "sources": list(batch.sources),
            "created_at": batch.created_at.isoformat(),
        },
        "summary": summary.to_json(),
        "items": list(rows),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def report_dir(data_dir: Path, batch_id: int) -> Path:
    """Where the reports of a batch go."""
    return data_dir / "reports" / f"batch-{batch_id}"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    data_dir: Path, batch: Batch, items: Sequence[BatchItem], summary: BatchSummary, language: str = "vi"
) -> BatchSummary:
    """Write ``report.csv`` (UTF-8 with BOM, for Excel) and ``report.json``; the summary with their paths.
    Reasons are worded in ``language`` (the ``language`` setting)."""
    folder = report_dir(data_dir, batch.id)
    csv_path, json_path = folder / "report.csv", folder / "report.json"
    rows = [report_row(item, language) for item in items]
    final = BatchSummary(**{**asdict(summary), "report_csv": str(csv_path), "report_json": str(json_path)})
    _write_atomic(csv_path, "\ufeff" + report_csv(rows))
    _write_atomic(json_path, report_json(batch, final, rows))
    return final
