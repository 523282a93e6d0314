"""Structured fields of a recognised document: pure functions of the page texts, no I/O.

``extract_fields(pages)`` returns an :class:`ExtractedFields` whose values each carry a confidence
and their evidence (1-based page, character span of that page's NFC text); ``needs_review`` lists
the reasons a person should check the result. The JSON shape is documented in docs/fields.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ocr.fields.consensus import reconcile_issuer_and_place
from ocr.fields.doctype import find_document_type, find_summary
from ocr.fields.header import find_date_line, find_document_number, find_issuer
from ocr.fields.idscan import scan_ids
from ocr.fields.model import CONFIDENCE_THRESHOLDS, Evidence, ExtractedFields, FieldValue, needs_review
from ocr.fields.people import find_holder_name, find_locality
from ocr.fields.textnorm import clean_page

__all__ = [
    "CONFIDENCE_THRESHOLDS",
    "Evidence",
    "ExtractedFields",
    "FieldValue",
    "extract_fields",
    "needs_review",
]


def _first(pages: Sequence[str], find: Callable[[str, int], FieldValue | None]) -> FieldValue | None:
    """The first page's finding of ``find`` (pages in order, 1-based page numbers)."""
    for number, text in enumerate(pages, start=1):
        found = find(text, number)
        if found is not None:
            return found
    return None


def _dedupe(values: list[FieldValue]) -> tuple[FieldValue, ...]:
    """One entry per value: the first evidence, the highest confidence seen."""
    best: dict[str, FieldValue] = {}
    for v in values:
        seen = best.get(v.value)
        if seen is None:
            best[v.value] = v
        elif v.confidence > seen.confidence:
            best[v.value] = FieldValue(v.value, v.confidence, seen.evidence)
    return tuple(best.values())


def extract_fields(pages: Sequence[str]) -> ExtractedFields:
    """Every field of one document from its pages' recognised text (page 1 first).

    Header fields (number, date, place, issuer, type, summary, holder, locality) come from the first
    page that has them; ID lists are gathered from every page without duplicates.
    """
    texts = [clean_page(p) for p in pages]
    citizen: list[FieldValue] = []
    cmnd: list[FieldValue] = []
    tax: list[FieldValue] = []
    notes: list[str] = []
    for number, text in enumerate(texts, start=1):
        scan = scan_ids(text, number)
        citizen.extend(scan.citizen_ids)
        cmnd.extend(scan.cmnd_ids)
        tax.extend(scan.tax_codes)
        notes.extend(scan.notes)
    document_number = _first(texts, find_document_number)
    date_line = None
    for number, text in enumerate(texts, start=1):
        date_line = find_date_line(text, number)
        if date_line is not None:
            break
    issuer, place = reconcile_issuer_and_place(
        texts, _first(texts, find_issuer), None if date_line is None else date_line.place
    )
    summary = _first(texts, find_summary)
    document_type = _first(texts, lambda t, n: find_document_type(t, n))
    if document_type is None and texts:
        page = (document_number or summary or FieldValue("", 0, Evidence(1, 0, 0))).evidence.page
        document_type = find_document_type(texts[page - 1], page, document_number, summary)
    locality = _first(texts, find_locality)
    if locality is None and issuer is not None:
        locality = find_locality("", issuer.evidence.page, issuer)
    return ExtractedFields(
        citizen_ids=_dedupe(citizen),
        cmnd_ids=_dedupe(cmnd),
        tax_codes=_dedupe(tax),
        document_number=document_number,
        issued_on=None if date_line is None else date_line.issued_on,
        issuer=issuer,
        place=place,
        document_type=document_type,
        summary=summary,
        holder_name=_first(texts, find_holder_name),
        locality=locality,
        notes=tuple(notes),
    )
