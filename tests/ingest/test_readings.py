"""Beside every manifest value the record keeps the OCR's own reading; the two are compared accents,
case and abbreviations aside, and a disagreement is a review reason naming the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ingest_helpers import copy_subset, manifest_rows

from ingest.plan import DocumentEntry
from ingest.quality import QualityVerdict, assess, compare_readings, manifest_reasons
from ingest.records import build_metadata
from ingest.service import create_batch, run_batch
from kho.backends import Backends
from ocr.corpus.writer import manifest_text
from ocr.fields import Evidence, ExtractedFields, FieldValue
from ocr.pipeline import PageOcr
from repository.schema import FieldEvidence, RecordMetadata

PAGE = "ỦY BAN NHÂN DÂN HUYỆN BẮC TRÀ MY\nSố: 07/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc cấp phép cho ông Nguyễn Văn An"


def _read(value: str, confidence: float = 0.9, start: int = 0) -> FieldValue:
    return FieldValue(value, confidence, Evidence(1, start, start + len(value)))


READ = ExtractedFields(
    document_number=_read("07/QĐ-UBND", 0.88, PAGE.index("07/")),
    document_type=_read("Quyết định", 0.96, PAGE.index("QUYẾT")),
    issuer=_read("Ủy ban nhân dân huyện Bắc Trà My", 0.92),
    holder_name=_read("Nguyễn Văn An", 0.8, PAGE.index("Nguyễn")),
    issued_on=_read("2022-02-09", 0.95),
    summary=_read("cấp phép cho ông Nguyễn Văn An", 0.7, PAGE.index("cấp")),
)


@pytest.mark.parametrize(("field", "given", "read", "expected"), [
    ("document_number", "07/QĐ-UBND", "07/QĐ-UBND", "same"),
    ("document_number", "07/QĐ-UBND", "07/QĐ - UBND", "same"),  # spaces aside
    ("holder_name", "Nguyễn Ngọc Thuỷ", "Nguyễn Ngọc Thủy", "same"),  # one tone placement
    ("document_number", "07/QĐ-UBND", "07/QD-UBND", "same_folded"),  # đ read as d
    ("holder_name", "Nguyễn Văn An", "NGUYEN VAN AN", "same_folded"),
    ("issuer", "UBND huyện Thăng Bình", "Ủy ban nhân dân huyện Thăng Bình", "same_folded"),
    ("issuer", "HĐND tỉnh Quảng Nam", "Hội đồng nhân dân tỉnh Quảng Nam", "same_folded"),
    ("document_type", "Giấy phép kinh doanh vận tải bằng xe ô tô", "Giấy phép", "partial"),  # the general kind
    ("locality", "xã Tà Bhing, huyện Nam Giang, tỉnh Quảng Nam", "Xã Tà Bhing", "partial"),
    ("issuer", "UBND huyện Núi Thành", "Ủy ban nhân dân huyện Núi Thành tỉnh Quảng Nam", "partial"),
    ("document_type", "Giấy phép xây dựng", "Giấy phép kinh doanh", "differs"),
    ("holder_name", "Nguyễn Văn An", "Nguyễn Văn An Khang", "differs"),  # names, numbers, dates: whole
    ("document_number", "07/QĐ-UBND", "07/QĐ", "differs"),
    ("document_number", "12/QĐ-UBND", "1", "differs"),
    ("document_number", "07/QĐ-UBND", "08/QĐ-UBND", "differs"),
    ("holder_name", "Nguyễn Văn An", "Nguyễn Văn Anh", "differs"),
    ("issued_on", "2022-02-09", "2022-02-10", "differs"),
])
def test_readings_compare_accents_case_spaces_and_abbreviations_aside(
    field: str, given: str, read: str, expected: str
) -> None:
    assert compare_readings(given, read, field) == compare_readings(read, given, field) == expected


def test_each_field_the_manifest_and_the_ocr_both_give_is_compared() -> None:
    agreeing = DocumentEntry("d", (2,), document_type="QUYẾT ĐỊNH", document_number="07/QD-UBND",
                             issuer="UBND huyện Bắc Trà My", holder_name="Nguyen Van An",
                             issued_on=dt.date(2022, 2, 9), locality="xã Trà Sơn")  # locality: OCR read none
    assert manifest_reasons(READ, agreeing, PAGE) == []
    differing = DocumentEntry("d", (2,), document_type="Giấy phép", document_number="08/QĐ-UBND",
                              issuer="UBND huyện Nam Trà My", holder_name="Trần Thị Bình",
                              issued_on=dt.date(2022, 3, 9))
    reasons = manifest_reasons(READ, differing, PAGE)
    assert reasons == [
        "ô khác bảng kê / field differs from the manifest: document_type",
        "số văn bản khác bảng kê / document number differs from the manifest",
        "ngày ban hành khác bảng kê / issue date differs from the manifest",
        "ô khác bảng kê / field differs from the manifest: issuer",
        "ô khác bảng kê / field differs from the manifest: holder_name",
    ]
    assert not any("Trần" in r or "08/" in r for r in reasons)  # the field, never the values
    assert set(reasons) <= set(assess([], READ, differing, PAGE).reasons)


def _page() -> PageOcr:
    return PageOcr(number=1, text=PAGE, confidence=48.0, dpi=300)


def test_a_manifest_value_keeps_the_ocr_reading_beside_it_and_no_confidence_of_its_own() -> None:
    entry = DocumentEntry("d", (2,), document_number="08/QĐ-UBND", holder_name="Nguyễn Văn An",
                          issued_on=dt.date(2022, 2, 9))
    meta = build_metadata(READ, entry, [_page()], QualityVerdict())
    number = meta.evidence["document_number"]
    assert meta.document_number == "08/QĐ-UBND"  # the manifest wins …
    assert (number.value, number.source, number.confidence) == ("08/QĐ-UBND", "manifest", None)
    assert number.ocr is not None  # … and the OCR's own reading is kept beside it
    assert (number.ocr.value, number.ocr.confidence, number.ocr.page, number.ocr.source) == (
        "07/QĐ-UBND", 0.88, 1, "ocr")
    assert number.ocr.text == "07/QĐ-UBND"
    issued = meta.evidence["issued_on"]
    assert issued.ocr is not None and (issued.value, issued.ocr.value) == ("2022-02-09", "2022-02-09")
    typed = meta.evidence["document_type"]  # not in the manifest: the OCR's reading, with its confidence
    assert (typed.value, typed.source, typed.confidence, typed.ocr) == ("Quyết định", "ocr", 0.96, None)
    no_reading = build_metadata(ExtractedFields(), entry, [_page()], QualityVerdict()).evidence["holder_name"]
    assert no_reading.source == "manifest" and no_reading.ocr is None


def test_records_written_before_the_ocr_reading_was_kept_still_load() -> None:
    old = {"document_number": "07/QĐ-UBND",
           "evidence": {"document_number": {"value": "07/QĐ-UBND", "confidence": 1.0, "source": "manifest"},
                        "issuer": {"value": "UBND huyện Bắc Trà My", "confidence": 0.9, "page": 1, "text": "UBND",
                                   "source": "ocr"}}}
    meta = RecordMetadata.model_validate(old)
    assert meta.evidence["document_number"] == FieldEvidence(value="07/QĐ-UBND", confidence=1.0, source="manifest")
    assert meta.evidence["document_number"].ocr is None
    dumped = meta.model_dump(mode="json")["evidence"]["issuer"]
    assert set(dumped) == {"value", "confidence", "page", "text", "source", "ocr"}  # keys added, none renamed


def _with_number(folder: Path, number: str) -> str:
    """Rewrite the first manifest row of ``folder`` with document number ``number``; its true number."""
    rows = manifest_rows(folder)
    true_number = rows[0]["document_number"]
    rows[0]["document_number"] = number
    (folder / "manifest.csv").write_text(manifest_text(rows, list(rows[0])), encoding="utf-8")
    return true_number


def test_ingest_keeps_both_numbers_and_queues_the_disagreement_for_review(
    backends: Backends, clean_corpus: Path, tmp_path: Path
) -> None:
    folder = copy_subset(clean_corpus, tmp_path / "one", 1)
    printed = _with_number(folder, "999/QĐ-UBND")
    batch = create_batch(backends, [folder], folder / "manifest.csv")
    summary = run_batch(backends, batch.id, jobs=1)
    assert summary.stored == 1
    [record_id] = list(backends.repository.iter_record_ids())
    meta = backends.repository.get(record_id).metadata
    number = meta.evidence["document_number"]
    assert meta.document_number == "999/QĐ-UBND" and number.source == "manifest" and number.confidence is None
    assert number.ocr is not None and number.ocr.value == printed and 0 < (number.ocr.confidence or 0) <= 1
    reason = "số văn bản khác bảng kê / document number differs from the manifest"
    assert meta.review_state == "needs_review" and reason in meta.review_reasons
    [task] = backends.catalog.list_review_tasks("open", limit=10)
    assert task.record_id == record_id and reason in task.reasons
    agreeing = [name for name, ev in meta.evidence.items() if ev.source == "manifest" and name != "document_number"]
    assert agreeing and all(meta.evidence[n].ocr is not None for n in agreeing)  # a clean scan: all read
    assert not [r for r in meta.review_reasons if "khác bảng kê" in r and r != reason]
