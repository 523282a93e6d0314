"""The quality gate after Circular 01/2023/TT-VPCP (pure): should a person check this document?

Checks, each giving a reason (Vietnamese first, then English) and never a citizen ID:
pages scanned below 200 dpi, blank pages, a page count that differs from the manifest, low OCR
confidence, no citizen ID at all, the field extractor's own review reasons (for fields the manifest
did not supply), disagreements between the manifest and the text (each field both give, accents
and case aside), and manifest warnings (e.g. a repaired ID). A flagged document is still stored
and indexed, with ``review_state`` set to ``needs_review`` and a review task in the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from ingest.plan import DocumentEntry
from kho.core.vntext import canonical_spelling, fold_accents_lower
from ocr.fields import Evidence, ExtractedFields, FieldValue, needs_review

_DIGIT_GAP = re.compile(r"(?<=\d)[ .\-](?=\d)")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[0-9a-z]+")
#: Abbreviations of administrative words (folded) that a manifest and a header may each use.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ubnd": ("uy", "ban", "nhan", "dan"), "hdnd": ("hoi", "dong", "nhan", "dan"),
    "tp": ("thanh", "pho"), "tx": ("thi", "xa"),
}
_MANIFEST_EVIDENCE = Evidence(page=0, start=0, end=0)

#: The fields a manifest may give that the OCR also reads, in the order they are compared.
COMPARED_FIELDS: tuple[str, ...] = (
    "document_type", "document_number", "issued_on", "issuer", "locality", "holder_name",
)
#: The reasons of the first comparisons (kept word for word: review tasks and reports hold them).
_DIFFERS: dict[str, str] = {
    "document_number": "số văn bản khác bảng kê / document number differs from the manifest",
    "issued_on": "ngày ban hành khác bảng kê / issue date differs from the manifest",
}
#: Fields a manifest or a page may give more or less fully (a kind and its specific name, a commune
#: and its district): a value that is the start of the other is not a disagreement.
PARTIAL_FIELDS = frozenset({"document_type", "issuer", "locality"})
#: How a manifest value and the OCR's reading of the same field compare (see :func:`compare_readings`).
Agreement = Literal["same", "same_folded", "partial", "differs"]


class PageFacts(Protocol):
    """What the gate reads of a page (``ocr.pipeline.PageOcr`` fits)."""

    number: int
    dpi: int
    confidence: float
    blank: bool


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of the gate: 200 dpi is the Circular's minimum scanning resolution."""

    min_dpi: int = 200
    min_confidence: float = 60.0


@dataclass(frozen=True)
class QualityVerdict:
    """The reasons a document needs review (empty: it passed)."""

    reasons: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        """Whether any check failed."""
        return bool(self.reasons)


def _pages_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


def page_reasons(pages: Sequence[PageFacts], expected_pages: int | None, rules: QualityRules) -> list[str]:
    """Reasons found in the pages: resolution, blank pages, page count, confidence."""
    reasons = []
    low_dpi = [p.number for p in pages if 0 < p.dpi < rules.min_dpi]
    if low_dpi:
        reasons.append(
            f"độ phân giải dưới {rules.min_dpi} dpi / scanned below {rules.min_dpi} dpi: "
            f"trang/page {_pages_list(low_dpi)}"
        )
    blank = [p.number for p in pages if p.blank]
    if blank:
        reasons.append(f"trang trắng / blank page: trang/page {_pages_list(blank)}")
    if expected_pages is not None and expected_pages != len(pages):
        reasons.append(
            f"số trang khác bảng kê / page count differs from the manifest: {len(pages)} ≠ {expected_pages}"
        )
    scored = [p for p in pages if not p.blank]
    if scored:
        mean = sum(p.confidence for p in scored) / len(scored)
        weak = [p.number for p in scored if p.confidence < rules.min_confidence]
        if mean < rules.min_confidence:
            reasons.append(f"độ tin cậy OCR thấp / low OCR confidence: {mean:.0f} < {rules.min_confidence:.0f}")
        elif weak:
            reasons.append(f"độ tin cậy OCR thấp / low OCR confidence: trang/page {_pages_list(weak)}")
    elif pages:
        reasons.append("không có chữ / no text on any page")
    return reasons


def with_manifest(fields: ExtractedFields, entry: DocumentEntry | None) -> ExtractedFields:
    """``fields`` with the values the manifest supplies put in at full confidence (manifest wins)."""
    if entry is None:
        return fields
    changes: dict[str, FieldValue] = {}
    for name in COMPARED_FIELDS:
        value = _manifest_value(entry, name)
        if value is not None:
            changes[name] = FieldValue(value, 1.0, _MANIFEST_EVIDENCE)
    confirmed = tuple(
        FieldValue(v.value, 1.0, v.evidence) if v.value in entry.citizen_ids else v for v in fields.citizen_ids
    )
    return replace(fields, citizen_ids=confirmed, **changes)  # type: ignore[arg-type]


def _folded_words(text: str) -> list[str]:
    """The words of ``text`` folded (accents, case), the usual abbreviations written out."""
    return [part for w in _WORD.findall(fold_accents_lower(text)) for part in _ABBREVIATIONS.get(w, (w,))]


def compare_readings(given: str, read: str, field: str | None = None) -> Agreement:
    """How two values of ``field`` compare; all but ``differs`` are an agreement.

    ``same``: letter for letter (one tone spelling, spaces aside); ``same_folded``: equal but for
    accents, case, punctuation and the usual abbreviations (``Nguyen Van An``/``Nguyễn Văn An``,
    ``UBND huyện``/``Ủy ban nhân dân huyện``); ``partial``, for a field that may be given more or
    less fully (:data:`PARTIAL_FIELDS`, not names, numbers or dates): equal so far as the shorter
    goes, whole words (``Giấy phép``/``Giấy phép xây dựng``, ``xã Trà Sơn``/``xã Trà Sơn, huyện Bắc
    Trà My``): one of them says more, neither contradicts the other.
    """
    if _SPACES.sub("", canonical_spelling(given)) == _SPACES.sub("", canonical_spelling(read)):
        return "same"
    ours, theirs = _folded_words(given), _folded_words(read)
    if "".join(ours) == "".join(theirs):
        return "same_folded"
    shorter, longer = sorted((ours, theirs), key=len)
    if field in PARTIAL_FIELDS and shorter and longer[: len(shorter)] == shorter:
        return "partial"
    return "differs"


def differs_reason(name: str) -> str:
    """The review reason of a field whose manifest value and OCR reading differ (names the field,
    never the values: reasons reach the batch report and the logs)."""
    return _DIFFERS.get(name, f"ô khác bảng kê / field differs from the manifest: {name}")


def _manifest_value(entry: DocumentEntry, name: str) -> str | None:
    value = getattr(entry, name)
    if name == "issued_on":
        return value.isoformat() if value is not None else None
    return value or None


def manifest_reasons(fields: ExtractedFields, entry: DocumentEntry | None, text: str) -> list[str]:
    """Where the manifest and the recognised text disagree, plus the manifest's own warnings.

    Every field both give is compared with :func:`compare_readings` (accents and case aside); a
    field the OCR did not read is not a disagreement (the extractor's own reasons cover it).
    """
    if entry is None:
        return []
    reasons = list(entry.warnings)
    if entry.citizen_ids:
        found = {v.value for v in (*fields.citizen_ids, *fields.cmnd_ids)}
        digits = _DIGIT_GAP.sub("", text)
        if any(cid not in found and cid not in digits for cid in entry.citizen_ids):
            reasons.append(
                "số định danh trong bảng kê không có trong văn bản / manifest citizen ID not found in the text"
            )
    for name in COMPARED_FIELDS:
        given, read = _manifest_value(entry, name), getattr(fields, name)
        if given is not None and read is not None and compare_readings(given, read.value, name) == "differs":
            reasons.append(differs_reason(name))
    return reasons


def assess(
    pages: Sequence[PageFacts],
    fields: ExtractedFields,
    entry: DocumentEntry | None,
    text: str,
    rules: QualityRules = QualityRules(),
) -> QualityVerdict:
    """Every reason this document needs review; see the module docstring for the checks."""
    expected = None if entry is None else entry.pages
    reasons = page_reasons(pages, expected, rules)
    has_id = bool(fields.citizen_ids or fields.cmnd_ids or (entry is not None and entry.citizen_ids))
    if not has_id:
        reasons.append("không tìm thấy số định danh / no citizen ID found")
    reasons.extend(manifest_reasons(fields, entry, text))
    reasons.extend(needs_review(with_manifest(fields, entry)))
    return QualityVerdict(tuple(dict.fromkeys(reasons)))
