"""Structured fields of a recognised document: pure functions of the page texts, no I/O.

``extract_fields(pages)`` returns an :class:`ExtractedFields` whose values each carry a confidence
and their evidence (1-based page, character span of that page's NFC text); ``needs_review`` lists
the reasons a person should check the result. The JSON shape is documented in docs/fields.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ocr.fields.consensus import reconcile_issuer_and_place
from ocr.fields.doctype import find_document_type, find_summary
from ocr.fields.fillins import FillInReading, handwritten_note, signing_dates
from ocr.fields.header import DateLine, find_date_line, find_document_number, find_issuer
from ocr.fields.header_layout import FillInEvidence, HeaderFields, latest_cited_date, read_header
from ocr.fields.idcheck import IdConflict, IdReading, check_ids
from ocr.fields.idscan import scan_ids
from ocr.fields.layout import BoxedWord, find_header_blocks, page_layout
from ocr.fields.model import CONFIDENCE_THRESHOLDS, Evidence, ExtractedFields, FieldValue, needs_review
from ocr.fields.people import (
    find_holder_name,
    find_locality,
    find_sole_beneficiary,
    is_decision,
    issued_to_a_person,
)
from ocr.fields.textnorm import clean_page

__all__ = [
    "CONFIDENCE_THRESHOLDS",
    "BoxedWord",
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


def _header(texts: Sequence[str], page_words: Sequence[Sequence[BoxedWord]],
            fill_ins: Sequence[FillInReading] = (), side_texts: Sequence[str] = ()) -> HeaderFields | None:
    """Header fields from the layout of the first page that has a Decree-30 header (None: no layout)."""
    document_text = "\n".join(texts)
    cited = latest_cited_date(texts)
    fill_in = FillInEvidence(fill_ins, signing_dates([*texts, *side_texts], today=dt.date.today()),
                             None if cited is None else dt.date.fromisoformat(cited))
    for index, words in enumerate(page_words[: len(texts)]):
        layout = page_layout(words) if words else None
        blocks = find_header_blocks(layout) if layout is not None else None
        if blocks is not None:
            return read_header(blocks, texts[index], document_text, index + 1, fill_in)
    return None


def _place_date_line(texts: Sequence[str]) -> DateLine | None:
    """A ``<place>, ngày …`` line anywhere (some permits put it above the signature), never a bare date."""
    for number, text in enumerate(texts, start=1):
        found = find_date_line(text, number)
        if found is not None and found.place is not None:
            return found
    return None


def extract_fields(
    pages: Sequence[str], page_words: Sequence[Sequence[BoxedWord]] | None = None, *,
    id_readings: Sequence[IdReading] = (), fill_ins: Sequence[FillInReading] = (), side_texts: Sequence[str] = (),
) -> ExtractedFields:
    """Every field of one document from its pages' recognised text (page 1 first).

    With ``page_words`` (each page's positioned words: Tesseract's TSV words or the PDF text layer's),
    the header fields come from the page's layout (:mod:`ocr.fields.layout`): issuer and parent from
    the top-left block, number from the ``Số:`` line, date and place from the right column, type from
    the centred title. Without words, or on a page without a recognisable header, the text patterns
    of :mod:`ocr.fields.header` are used. ID lists are gathered from every page without duplicates;
    with ``id_readings`` (the pages' ``PageOcr.id_readings``) each citizen ID is reconciled with its
    digit-only second reading (:mod:`ocr.fields.idcheck`); with ``fill_ins`` (``PageOcr.fill_ins``) a
    date line whose day was filled in by hand gets that day when two sources agree on it
    (:mod:`ocr.fields.fillins`). ``side_texts`` are texts on the pages that are not their reading (a
    PDF text layer set aside: a signature stamp's), used only for the signing time.
    """
    texts = [clean_page(p) for p in pages]
    citizen: list[FieldValue] = []
    cmnd: list[FieldValue] = []
    tax: list[FieldValue] = []
    notes: list[str] = []
    conflicts: list[IdConflict] = []
    for number, text in enumerate(texts, start=1):
        scan = scan_ids(text, number)
        check = check_ids(scan, [r for r in id_readings if r.page == number], text, number)
        citizen.extend(check.citizen_ids)
        cmnd.extend(scan.cmnd_ids)
        tax.extend(scan.tax_codes)
        notes.extend((*scan.notes, *check.notes))
        conflicts.extend(check.conflicts)
    summary = _first(texts, find_summary)
    header = _header(texts, page_words or (), fill_ins, side_texts)
    if header is not None:
        document_number = header.document_number
        date_line = header.date_line or (None if header.date_line_seen else _place_date_line(texts))
        cited = latest_cited_date(texts)
        if date_line is not None and cited is not None and date_line.issued_on.value < cited:
            date_line = None  # earlier than a document it cites: one of the two dates was misread
        kept = {"document_number": document_number, "issued_on": None if date_line is None else date_line.issued_on}
        notes.extend(handwritten_note(name, value.evidence.page) for name in header.handwritten
                     if (value := kept.get(name)) is not None)
        issuer, issuer_parent = header.issuer, header.issuer_parent
        place = None if date_line is None else date_line.place
        document_type = header.document_type
    else:
        document_number, date_line, issuer_parent = _first(texts, find_document_number), None, None
        for number, text in enumerate(texts, start=1):
            date_line = find_date_line(text, number)
            if date_line is not None:
                break
        issuer, place = reconcile_issuer_and_place(
            texts, _first(texts, find_issuer), None if date_line is None else date_line.place
        )
        document_type = _first(texts, lambda t, n: find_document_type(t, n))
        if document_type is None and texts:
            page = (document_number or summary or FieldValue("", 0, Evidence(1, 0, 0))).evidence.page
            document_type = find_document_type(texts[page - 1], page, document_number, summary, issuer)
    locality = _first(texts, find_locality)
    if locality is None and issuer is not None:
        locality = find_locality("", issuer.evidence.page, issuer)
    holder = None
    if is_decision(document_type):
        holder = find_sole_beneficiary(texts)
    elif issued_to_a_person(document_type):
        holder = _first(texts, find_holder_name)
    return ExtractedFields(
        citizen_ids=_dedupe(citizen),
        cmnd_ids=_dedupe(cmnd),
        tax_codes=_dedupe(tax),
        document_number=document_number,
        issued_on=None if date_line is None else date_line.issued_on,
        issuer=issuer,
        issuer_parent=issuer_parent,
        place=place,
        document_type=document_type,
        summary=summary,
        holder_name=holder,
        locality=locality,
        notes=tuple(notes),
        id_conflicts=tuple(conflicts),
    )
