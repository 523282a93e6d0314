"""Precision and recall of extracted fields against known truth (used by ``bench/fields.py``).

Pure functions: a prediction is the plain-value dict of :meth:`ExtractedFields.values`, a truth
is the ``fields`` object of a synthetic document's truth file. ID lists are compared as sets;
single fields count as predicted when not None and correct when equal after NFC and whitespace
collapsing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FIELD_NAMES",
    "HEADER_FIELDS",
    "LIST_FIELDS",
    "FieldScore",
    "Scoreboard",
    "combined",
    "score_documents",
    "score_real_documents",
]

LIST_FIELDS: tuple[str, ...] = ("citizen_ids", "cmnd_ids", "tax_codes")
#: The fields the real-document acceptance scores together.
HEADER_FIELDS: tuple[str, ...] = ("document_type", "document_number", "issued_on", "issuer")
FIELD_NAMES: tuple[str, ...] = (
    "citizen_ids", "cmnd_ids", "tax_codes", "document_number", "issued_on", "issuer", "place",
    "document_type", "summary", "holder_name", "locality",
)


@dataclass
class FieldScore:
    """Counts for one field: true positives, false positives (wrong or spurious), false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Scoreboard:
    """Scores per field, plus a few examples of errors (field, truth, predicted) for reading."""

    scores: dict[str, FieldScore] = field(default_factory=lambda: {n: FieldScore() for n in FIELD_NAMES})
    errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split())
    return value


def _score_one(board: Scoreboard, doc_id: str, predicted: Mapping[str, Any], truth: Mapping[str, Any]) -> None:
    for name in FIELD_NAMES:
        if name not in truth:
            continue
        score = board.scores[name]
        want, got = truth.get(name), predicted.get(name)
        if name in LIST_FIELDS:
            want_set, got_set = {_norm(v) for v in want or ()}, {_norm(v) for v in got or ()}
            score.tp += len(want_set & got_set)
            score.fp += len(got_set - want_set)
            score.fn += len(want_set - got_set)
            if want_set != got_set:
                board.errors.append((doc_id, name, sorted(want_set), sorted(got_set)))
            continue
        want, got = _norm(want), _norm(got)
        if got is None and want is None:
            continue
        if got is not None and got == want:
            score.tp += 1
            continue
        if got is not None:
            score.fp += 1
        if want is not None:
            score.fn += 1
        board.errors.append((doc_id, name, want, got))


def score_documents(pairs: Iterable[tuple[str, Mapping[str, Any], Mapping[str, Any]]]) -> Scoreboard:
    """Score ``(doc_id, predicted values, truth fields)`` triples into one scoreboard."""
    board = Scoreboard()
    for doc_id, predicted, truth in pairs:
        _score_one(board, doc_id, predicted, truth)
    return board


def _casefolded(value: Any) -> Any:
    return _norm(value).casefold() if isinstance(value, str) else value


def _score_real_one(board: Scoreboard, doc_id: str, predicted: Mapping[str, Any], truth: Mapping[str, Any]) -> None:
    """Like the acceptance scorer: NFC, spaces collapsed, case folded; any spelling in ``alt`` counts."""
    alt = truth.get("alt") or {}
    for name in (*HEADER_FIELDS, "holder_name"):
        if name not in truth:
            continue
        score = board.scores[name]
        want, got = truth.get(name), predicted.get(name)
        if got is None and want is None:
            continue
        accepted = {_casefolded(v) for v in [want, *alt.get(name, [])] if v is not None}
        if got is not None and _casefolded(got) in accepted:
            score.tp += 1
            continue
        score.fp += got is not None
        score.fn += want is not None
        board.errors.append((doc_id, name, want, got))
    ids = "citizen_ids"
    if ids in truth:
        want_set = {"".join(ch for ch in v if ch.isdigit()) for v in truth.get(ids) or ()}
        got_set = {"".join(ch for ch in v if ch.isdigit())
                   for key in (ids, "cmnd_ids") for v in predicted.get(key) or ()}
        board.scores[ids].tp += len(want_set & got_set)
        board.scores[ids].fp += len(got_set - want_set)
        board.scores[ids].fn += len(want_set - got_set)
        if want_set != got_set:
            board.errors.append((doc_id, ids, sorted(want_set), sorted(got_set)))


def score_real_documents(pairs: Iterable[tuple[str, Mapping[str, Any], Mapping[str, Any]]]) -> Scoreboard:
    """Score ``(file, predicted values, truth row)`` of a real dev set (``fields.jsonl`` rows with ``alt``)."""
    board = Scoreboard()
    for doc_id, predicted, truth in pairs:
        _score_real_one(board, doc_id, predicted, truth)
    return board


def combined(board: Scoreboard, names: Iterable[str] = HEADER_FIELDS) -> FieldScore:
    """One score over several fields (their counts added), e.g. type, number, date and issuer together."""
    total = FieldScore()
    for name in names:
        s = board.scores[name]
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total
