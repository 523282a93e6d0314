"""Fix a bad manifest row of a batch and run its document again: the service the pages and the CLI call.

A document quarantined because of its manifest row(s) (an invalid date, a malformed citizen ID, a bad
page count, rows of one document that disagree; reason codes :data:`FIXABLE_REASONS`) can be corrected
without uploading the spreadsheet again:

1. :func:`load_fix` finds the batch, the item and the manifest rows of its document (corrections
   made before already in place), each cell with the problems found in it;
2. :func:`check_fix` checks the corrected cells of one row with :func:`ingest.manifest.validate_row`
   (the one rule of a row) and against the document's other rows; anything wrong raises
   :class:`RowFixRefused` listing every problem, and nothing is changed;
3. :func:`apply_fix` keeps the correction beside the manifest (:mod:`ingest.corrections`; the
   uploaded file is never modified) and, when every row of the document is now valid, puts the item
   back in the queue: the next run of the batch (``run_batch``, the resume path) processes it with the
   corrected metadata.

Auditing is the caller's (``access.batch_fixes``): who may fix, and the audit event, live there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.corrections import EDITABLE, RowCorrection, corrected_row, save_correction
from ingest.manifest import MAX_TEXT, TEXT_COLUMNS, ManifestRow, problem_column
from ingest.reasons import explain, row_problems_vi
from ingest.service import batch_manifest
from kho.backends import Backends
from kho.errors import ConflictError, InputError, NotFoundError
from repository.catalog import Batch, BatchItem

#: Reason codes (:mod:`ingest.reasons`) of an item a manifest-row correction can fix.
FIXABLE_REASONS: tuple[str, ...] = ("manifest_row_invalid", "manifest_rows_disagree")
NOTHING_CHANGED = "no cell was changed"
_DISAGREE = re.compile(r"^rows (?P<rows>[\d, ]+) of the document disagree on (?P<column>\w+)$")
_EXTRA_VI: tuple[tuple[re.Pattern[str], str], ...] = (
    (_DISAGREE, "các dòng {rows} của văn bản ghi khác nhau ở cột {column}; hãy ghi cho thống nhất"),
    (re.compile(rf"^{NOTHING_CHANGED}$"), "chưa sửa ô nào"),
)


@dataclass(frozen=True)
class Problem:
    """A problem of a row (English, as :func:`validate_row` writes it) and the column it is about."""

    text: str
    column: str | None = None

    def words(self, language: str = "vi") -> str:
        """The problem in ``language`` (``vi`` or ``en``)."""
        if language == "en":
            return self.text
        for pattern, words in _EXTRA_VI:
            found = pattern.search(self.text)
            if found is not None:
                return words.format(**found.groupdict())
        return row_problems_vi(self.text)


@dataclass(frozen=True)
class RowCell:
    """A cell of a row as the form shows it: column, value, problems found in it."""

    column: str
    value: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class FixableRow:
    """A manifest row of the document: number, file, editable cells, problems of no editable cell."""

    line: int
    file: str
    cells: tuple[RowCell, ...]
    other_problems: tuple[Problem, ...] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the row."""
        return (*(p for c in self.cells for p in c.problems), *self.other_problems)

    def values(self) -> dict[str, str]:
        """The row's editable cells by column ('' when empty)."""
        return {c.column: c.value for c in self.cells}


@dataclass(frozen=True)
class RowFixView:
    """What the correction form shows: the batch, the item and its document's rows (corrections applied)."""

    batch: Batch
    item: BatchItem
    document: str
    rows: tuple[FixableRow, ...]

    def row(self, line: int | None) -> FixableRow:
        """The row numbered ``line`` (``None``: the first row with a problem, else the first row)."""
        if line is None:
            return next((r for r in self.rows if r.problems), self.rows[0])
        for row in self.rows:
            if row.line == line:
                return row
        raise NotFoundError(f"the manifest row is not a row of '{self.item.key}'", subject=f"row {line}")


@dataclass(frozen=True)
class RowFix:
    """A checked correction: the row's cells before and after, the changed ones, whether the document is whole."""

    batch_id: int
    item_key: str
    manifest_name: str
    line: int
    old: dict[str, str]
    new: dict[str, str]
    document_ready: bool

    @property
    def changes(self) -> dict[str, tuple[str, str]]:
        """``column → (old, new)`` for each cell the correction changes."""
        columns = [c for c in EDITABLE if self.old.get(c, "") != self.new.get(c, "")]
        return {c: (self.old.get(c, ""), self.new.get(c, "")) for c in columns}


class RowFixRefused(InputError):
    """The corrected row is still not valid: every problem is in :attr:`problems`; nothing was changed."""

    def __init__(self, problems: Sequence[Problem], *, subject: str):
        super().__init__("; ".join(p.text for p in problems), subject=subject)
        self.problems = tuple(problems)


def row_fixable(item: BatchItem) -> bool:
    """Whether ``item`` was quarantined for a problem of its manifest row(s) that a correction can fix
    (not when every problem is about the ``file`` column, which the correction does not change)."""
    if item.status != "quarantined":
        return False
    why = explain(item.reason)
    if why is None or why.code not in FIXABLE_REASONS:
        return False
    problems = why.detail.split("; ") if why.code == "manifest_row_invalid" else []
    return not problems or any(problem_column(p) != "file" for p in problems)


def _find_item(backends: Backends, batch_id: int, key: str) -> BatchItem:
    for item in backends.catalog.list_batch_items(batch_id, "quarantined"):
        if item.key == key:
            return item
    if any(i.key == key for i in backends.catalog.list_batch_items(batch_id)):
        raise ConflictError("this document is not quarantined for a manifest row (nothing to correct)", subject=key)
    raise NotFoundError(f"no such document in batch {batch_id}", subject=key)


def _document_rows(backends: Backends, batch: Batch, key: str) -> list[ManifestRow]:
    manifest = batch_manifest(backends, batch)
    rows = [] if manifest is None else [r for r in manifest.rows if (r.group or f"manifest row {r.line}") == key]
    if not rows:
        raise ConflictError("the batch's manifest has no row for this document (nothing to correct)", subject=key)
    return rows


def _disagreements(rows: Sequence[ManifestRow]) -> dict[str, Problem]:
    """Columns on which the document's rows give different values (as :func:`ingest.plan.merge_rows` sees them)."""
    found: dict[str, Problem] = {}
    lines = ", ".join(str(r.line) for r in rows)
    for column in (*TEXT_COLUMNS, "issued_on"):
        values = {getattr(r, column) for r in rows if getattr(r, column) is not None}
        if len(values) > 1:
            found[column] = Problem(f"rows {lines} of the document disagree on {column}", column)
    return found


def _cells(row: ManifestRow) -> dict[str, str]:
    return {c: row.raw.get(c, "") for c in EDITABLE}


def _fixable_row(row: ManifestRow, disagree: Mapping[str, Problem]) -> FixableRow:
    problems = [Problem(p, problem_column(p)) for p in row.problems]
    cells = tuple(
        RowCell(c, v, (*(p for p in problems if p.column == c), *((disagree[c],) if v and c in disagree else ())))
        for c, v in _cells(row).items()
    )
    return FixableRow(row.line, row.raw.get("file", row.file), cells,
                      tuple(p for p in problems if p.column not in EDITABLE))


def load_fix(backends: Backends, batch_id: int, item_key: str) -> RowFixView:
    """The batch, the item and its document's manifest rows with their problems (404 / 409 as said)."""
    batch = backends.catalog.get_batch(batch_id)
    item = _find_item(backends, batch_id, item_key)
    if not row_fixable(item):
        raise ConflictError("this document is not quarantined for a manifest row (nothing to correct)",
                            subject=item_key)
    rows = _document_rows(backends, batch, item_key)
    disagree = _disagreements(rows)
    return RowFixView(batch, item, rows[0].document or rows[0].file, tuple(_fixable_row(r, disagree) for r in rows))


def _clean(cells: Mapping[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """The submitted editable cells (NFC, line breaks as ``\\n``, spaces and line breaks trimmed; control
    characters kept for :func:`validate_row` to refuse) and a problem for each longer than :data:`MAX_TEXT`."""
    out: dict[str, str] = {}
    problems = []
    for column in EDITABLE:
        value = unicodedata.normalize("NFC", str(cells.get(column, "") or "")).replace("\r\n", "\n").strip(" \t\n")
        if len(value) > MAX_TEXT:
            problems.append(Problem(f"{column} is longer than {MAX_TEXT} characters", column))
            value = ""
        out[column] = value
    return out, problems


def check_fix(backends: Backends, batch_id: int, item_key: str, line: int, cells: Mapping[str, str]) -> RowFix:
    """Check corrected ``cells`` of manifest row ``line`` of a quarantined document; nothing is written.

    Raises :class:`RowFixRefused` (every problem) when the row is still invalid, disagrees with the
    document's other rows, or changes nothing; 404 for an unknown batch, document or row.
    """
    view = load_fix(backends, batch_id, item_key)
    if view.batch.status == "running":
        raise ConflictError("the batch is running; correct the row once it has finished", subject=view.batch.name)
    current = view.row(line)
    new, problems = _clean(cells)
    rows = _document_rows(backends, view.batch, item_key)
    index = next(i for i, r in enumerate(rows) if r.line == line)
    fixed = corrected_row(rows[index], new)
    rows[index] = fixed
    problems += [Problem(p, problem_column(p)) for p in fixed.problems]
    problems += list(_disagreements(rows).values())
    old = current.values()
    if not problems and old == new and not current.problems:  # an unknown column's value is dropped: a change
        problems.append(Problem(NOTHING_CHANGED))
    if problems:
        raise RowFixRefused(problems, subject=f"{item_key}, row {line}")
    manifest_name = str(view.batch.options.get("manifest_name") or "manifest")
    ready = not any(r.problems for r in rows)
    return RowFix(batch_id, item_key, manifest_name, line, old, new, ready)


def apply_fix(backends: Backends, fix: RowFix, actor: str, now: datetime | None = None) -> bool:
    """Keep the correction beside the manifest; re-queue the item when its document is now valid.

    Returns whether the item was re-queued (the caller then runs the batch: ``run_batch`` processes it).
    """
    at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    settings = backends.settings
    save_correction(settings.data_dir, fix.batch_id, RowCorrection(fix.line, actor, at, fix.old, fix.new))
    if not fix.document_ready:
        return False
    backends.catalog.update_batch_item(fix.batch_id, fix.item_key, status="queued", reason=None)
    return True

