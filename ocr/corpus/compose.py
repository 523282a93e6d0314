"""Decide everything random about one document and build it: type, date, issuer, holder, length."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ocr.corpus.blocks import Document
from ocr.corpus.doctypes import DOCUMENT_TYPES, DocType
from ocr.corpus.issuers import Issuer
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
    """A document's type, blocks and truth fields, before it is drawn; ``issuer`` is the issuing
    body of the kinds built on :mod:`ocr.corpus.issuers` (None for the original eight kinds)."""

    doctype: DocType
    document: Document
    fields: TruthFields
    issuer: Issuer | None = None


def _issue_date(rng: np.random.Generator) -> dt.date:
    if rng.random() < AFTER_MERGER_SHARE:
        start, end = MERGER_DATE, LAST_DAY
    else:
        start, end = FIRST_DAY, MERGER_DATE - dt.timedelta(days=1)
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _choose(rng: np.random.Generator, kinds: Sequence[DocType] | None, weights: Sequence[float] | None) -> DocType:
    if kinds is None or tuple(kinds) == DOCUMENT_TYPES:  # the original eight, drawn as the first corpus did
        return DOCUMENT_TYPES[int(rng.integers(len(DOCUMENT_TYPES)))]
    return kinds[int(rng.choice(len(kinds), p=np.asarray(weights)))]


def compose_document(
    rng: np.random.Generator,
    province_codes: list[str],
    allow_long: bool = True,
    doctype: DocType | None = None,
    kinds: Sequence[DocType] | None = None,
    weights: Sequence[float] | None = None,
) -> ComposedDocument:
    """A random document of ``doctype``, or of one of ``kinds`` drawn with ``weights`` (default: the
    original eight kinds); ``allow_long=False`` keeps it to one page (phone photos are one page each)."""
    chosen = doctype or _choose(rng, kinds, weights)
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
    return ComposedDocument(chosen, document, fields, ctx.issuer)
