"""Planning documents from files and a manifest, and the quality gate (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ingest.manifest import parse_manifest
from ingest.plan import NOT_IN_MANIFEST, DocumentEntry, plan_documents
from ingest.quality import QualityRules, assess
from ingest.sources import Discovery, SourceItem
from ocr.fields import Evidence, ExtractedFields, FieldValue

RES = Path(__file__).resolve().parents[1] / "resources" / "ingest"


def _items(*keys: str, problem: dict[str, str] | None = None) -> Discovery:
    problem = problem or {}
    return Discovery(items=[SourceItem(k, Path("/in") / k, f"/in/{k}", problem.get(k)) for k in keys])


def test_plan_groups_and_quarantines_from_the_bad_manifest() -> None:
    manifest = parse_manifest((RES / "manifest-bad.csv").read_bytes(), "manifest-bad.csv")
    discovery = _items(
        "good.png", "bad-date.png", "bad-id.png", "lost-zero.png", "extra-column.png",
        "part-1.png", "part-2.png", "split-1.png", "split-2.png", "stray.png",
    )
    docs = {d.key: d for d in plan_documents(discovery, manifest)}
    assert "listed twice" in (docs["good.png"].problem or "")
    assert [f.key for f in docs["hs-01"].files] == ["part-1.png", "part-2.png"]
    assert docs["hs-01"].problem is None and docs["hs-01"].expected_pages == 3
    assert "disagree on issuer" in (docs["hs-02"].problem or "")
    assert "not a date" in (docs["bad-date.png"].problem or "")
    assert "citizen_id" in (docs["bad-id.png"].problem or "")
    lost = docs["lost-zero.png"]
    assert lost.problem is None and lost.entry is not None and lost.entry.warnings
    assert lost.entry.document_number == "10/QĐ-UBND" and lost.expected_pages is None
    assert "unknown column" in (docs["extra-column.png"].problem or "")
    assert "relative path" in (docs["../outside.png"].problem or "")
    assert docs["stray.png"].notes == (NOT_IN_MANIFEST,) and docs["stray.png"].entry is None
    assert list(docs) == sorted(docs)


def test_plan_group_with_a_missing_or_bad_file() -> None:
    manifest = parse_manifest(b"file,document\na.png,D\nb.png,D\nc.png,E\nd.png,E\n", "m.csv")
    docs = {d.key: d for d in plan_documents(_items("a.png", "c.png", "d.png", problem={"d.png": "bad"}), manifest)}
    assert "'b.png'" in (docs["D"].problem or "") and [f.key for f in docs["D"].files] == ["a.png"]
    assert docs["E"].problem == "d.png: bad"


def test_plan_matches_manifest_paths_under_a_prefix() -> None:
    manifest = parse_manifest(b"file,holder_name\nsub/a.png,X\n", "m.csv")
    (doc,) = plan_documents(_items("batch/sub/a.png"), manifest)
    assert doc.key == "sub/a.png" and doc.files[0].key == "batch/sub/a.png" and doc.problem is None


@dataclass
class Page:
    number: int
    dpi: int = 300
    confidence: float = 90.0
    blank: bool = False


def _fv(value: str, confidence: float = 0.95) -> FieldValue:
    return FieldValue(value, confidence, Evidence(1, 0, len(value)))


FULL = ExtractedFields(
    citizen_ids=(_fv("049085001234"),),
    document_number=_fv("07/QĐ-UBND"),
    issued_on=_fv("2022-02-09"),
    issuer=_fv("UBND huyện Bắc Trà My"),
    document_type=_fv("Quyết định"),
)
TEXT = "Số: 07/QĐ-UBND ... CCCD số 049 085 001 234"


def test_clean_document_passes() -> None:
    assert assess([Page(1), Page(2)], FULL, None, TEXT).reasons == ()


def test_each_page_check() -> None:
    pages = [Page(1, dpi=150), Page(2, blank=True, confidence=0), Page(3, confidence=40)]
    entry = DocumentEntry("d", (2,), pages=2)
    reasons = " | ".join(assess(pages, FULL, entry, TEXT, QualityRules()).reasons)
    assert "200 dpi" in reasons and "trang/page 1" in reasons
    assert "blank page: trang/page 2" in reasons
    assert "3 ≠ 2" in reasons
    assert "low OCR confidence" in reasons


def test_no_citizen_id_and_missing_fields() -> None:
    reasons = assess([Page(1)], ExtractedFields(), None, "").reasons
    assert any("no citizen ID" in r for r in reasons)
    assert any("missing field: document_number" in r for r in reasons)


def test_manifest_fills_fields_and_disagreements_flag() -> None:
    entry = DocumentEntry(
        "d", (2,), citizen_ids=("049085001234",), document_type="Quyết định", document_number="07/QĐ-UBND",
        issued_on=dt.date(2022, 2, 9), issuer="UBND huyện Bắc Trà My",
    )
    assert assess([Page(1)], ExtractedFields(), entry, TEXT).reasons == ()
    other = DocumentEntry("d", (2,), citizen_ids=("049190002345",), document_number="08/QĐ-UBND",
                          issued_on=dt.date(2022, 2, 10))
    reasons = assess([Page(1)], FULL, other, TEXT).reasons
    joined = " | ".join(reasons)
    assert "manifest citizen ID not found in the text" in joined
    assert "document number differs" in joined and "issue date differs" in joined
    assert "049190002345" not in joined and "049085001234" not in joined


def test_manifest_warnings_flag_the_document() -> None:
    entry = DocumentEntry("d", (2,), citizen_ids=("049085001234",), warnings=("repaired",))
    assert "repaired" in assess([Page(1)], FULL, entry, TEXT).reasons
