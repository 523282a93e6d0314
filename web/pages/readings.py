"""What the record and review pages say beside each field: where its value came from, how sure the
reading was, and the OCR's own reading beside a value it did not supply.

Ingest keeps, per field, the value's source (``manifest``, ``ocr``, ``text_layer``) and, beside a
manifest value, what the OCR read (``metadata.evidence``, see ``ingest/records.py``); a field a
person changed later (a review correction or an edit, in the record's history) has the source
``official``. A manifest or a person's value is not a reading and has no confidence; beside it the
page shows the OCR's reading and whether the two agree (:func:`ingest.quality.compare_readings`:
accents, case and the usual abbreviations aside).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.quality import Agreement, compare_readings
from repository.schema import FieldEvidence, OcrReading, Record, RecordMetadata

#: Authors of the first version (not people: a change by them is not a correction).
SYSTEM_ACTORS = frozenset({"kho ingest", "ingest"})
_READ = ("ocr", "text_layer")


@dataclass(frozen=True)
class FieldReading:
    """The note beside one field.

    ``source``: ``manifest``, ``ocr``, ``text_layer`` or ``official`` (a person's value);
    ``confidence``/``page``/``text``: of the value itself, only when the OCR read it;
    ``ocr``: the OCR's reading beside a value from elsewhere (``None``: it read nothing, or the record
    predates keeping it); ``agreement``: of the field's value and that reading.
    """

    source: str
    confidence: float | None = None
    page: int | None = None
    text: str | None = None
    ocr: OcrReading | None = None
    agreement: Agreement | None = None

    @property
    def read_by_ocr(self) -> bool:
        """Whether the value itself is the OCR's (or the PDF text layer's) reading."""
        return self.source in _READ

    @property
    def disagrees(self) -> bool:
        """Whether the value and the OCR's reading beside it differ."""
        return self.agreement == "differs"


def corrected_fields(history: Iterable[Record]) -> frozenset[str]:
    """The fields a person changed after ingest (any later version not written by ingest)."""
    return frozenset(
        name
        for version in history
        if version.version > 1 and version.history_entry.actor not in SYSTEM_ACTORS
        for name in version.history_entry.changes
    )


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _as_reading(evidence: FieldEvidence) -> OcrReading | None:
    """The OCR's reading kept in ``evidence``: beside a manifest value, or the value itself."""
    if evidence.source in _READ:
        return OcrReading(value=evidence.value, confidence=evidence.confidence, page=evidence.page,
                          text=evidence.text, source=evidence.source)
    return evidence.ocr


def field_reading(name: str, value: object, evidence: FieldEvidence | None, corrected: bool) -> FieldReading | None:
    """The note beside field ``name`` holding ``value`` (``None``: nothing to say)."""
    if evidence is None and not corrected:
        return None
    if evidence is not None and evidence.source in _READ and not corrected:
        return FieldReading(evidence.source, evidence.confidence, evidence.page, evidence.text)
    ocr = _as_reading(evidence) if evidence is not None else None
    source = "official" if corrected else evidence.source if evidence is not None else "official"
    mine, theirs = _text(value), _text(ocr.value) if ocr is not None else None
    agreement = compare_readings(mine, theirs, name) if mine is not None and theirs is not None else None
    return FieldReading(source, ocr=ocr, agreement=agreement)


def field_readings(meta: RecordMetadata, names: Iterable[str], corrected: frozenset[str]) -> dict[str, FieldReading]:
    """The notes beside the fields ``names`` of a record (fields with nothing to say are left out)."""
    out: dict[str, FieldReading] = {}
    for name in names:
        found = field_reading(name, getattr(meta, name, None), meta.evidence.get(name), name in corrected)
        if found is not None:
            out[name] = found
    return out


def record_readings(record: Record, names: Iterable[str], history: Iterable[Record]) -> dict[str, FieldReading]:
    """:func:`field_readings` of the current version of a record, corrections taken from ``history``."""
    return field_readings(record.metadata, names, corrected_fields(history))
