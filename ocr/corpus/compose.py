"""Decide everything random about one document and build it: type, date, issuer, holder, length."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ocr.corpus.blocks import Document
from ocr.corpus.doctypes import DOCUMENT_TYPES, DocType
from ocr.corpus.people import make_person
from ocr.corpus.places import MERGER_DATE, choose_setting
from ocr.corpus.templates import DocContext, TruthFields

__all__ = ["ComposedDocument", "compose_document"]

FIRST_DAY = dt.date(2016, 3, 1)
LAST_DAY = dt.date(2025, 12, 31)
LONG_SHARE = 0.4
AFTER_MERGER_SHARE = 0.15


@dataclass(frozen=True)
class ComposedDocument:
    """A document's type, blocks and truth fields, before it is drawn."""

    doctype: DocType
    document: Document
    fields: TruthFields


def _issue_date(rng: np.random.Generator) -> dt.date:
    if rng.random() < AFTER_MERGER_SHARE:
        start, end = MERGER_DATE, LAST_DAY
    else:
        start, end = FIRST_DAY, MERGER_DATE - dt.timedelta(days=1)
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def compose_document(
    rng: np.random.Generator, province_codes: list[str], allow_long: bool = True, doctype: DocType | None = None
) -> ComposedDocument:
    """A random document; ``allow_long=False`` keeps it to one page (phone photos are one page each)."""
    chosen = doctype or DOCUMENT_TYPES[int(rng.integers(len(DOCUMENT_TYPES)))]
    issued_on = _issue_date(rng)
    ctx = DocContext(
        rng=rng,
        province_codes=province_codes,
        setting=choose_setting(rng, issued_on, chosen.commune_level),
        issued_on=issued_on,
        holder=make_person(rng, province_codes, 1940, issued_on.year - 18),
        long=allow_long and bool(rng.random() < LONG_SHARE),
        citizen_ids=[],
        cmnd_ids=[],
        tax_codes=[],
    )
    document, fields = chosen.build(ctx)
    return ComposedDocument(chosen, document, fields)
