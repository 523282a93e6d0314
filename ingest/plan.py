"""Turn discovered files and an optional manifest into the documents of a batch (pure).

A document is one file, or several files that the manifest groups with the ``document`` column
(pages in row order). Each :class:`PlannedDocument` has a stable ``key`` (the catalog item key),
its files, the manifest metadata merged from its rows, and a ``problem`` when it must be
quarantined (a bad file, a malformed manifest row, a missing file of a group, rows that disagree).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.manifest import TEXT_COLUMNS, Manifest, ManifestRow, ManifestValues
from ingest.sources import Discovery, SourceItem

NOT_IN_MANIFEST = "không có trong bảng kê / not in the manifest"


@dataclass(frozen=True)
class DocumentEntry(ManifestValues):
    """The manifest's metadata for one document, merged from its rows."""

    document: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class PlannedDocument:
    """One document to ingest (or quarantine): key, files in page order, manifest entry, problem."""

    key: str
    files: tuple[SourceItem, ...]
    entry: DocumentEntry | None = None
    problem: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def expected_pages(self) -> int | None:
        """The page count the manifest gives, if any."""
        return None if self.entry is None else self.entry.pages


def _match(file: str, items: dict[str, SourceItem]) -> SourceItem | None:
    """The item a manifest ``file`` names: the same key, else the one key ending in ``/file``."""
    if file in items:
        return items[file]
    suffix = "/" + file
    found = [item for key, item in items.items() if key.endswith(suffix)]
    return found[0] if len(found) == 1 else None


def merge_rows(document: str, rows: Sequence[ManifestRow]) -> tuple[DocumentEntry, str | None]:
    """The merged entry of a document's rows, and a problem when rows disagree on a value."""
    values: dict[str, object] = {}
    problem = None
    for column in (*TEXT_COLUMNS, "issued_on"):
        seen = [getattr(r, column) for r in rows if getattr(r, column) is not None]
        distinct = list(dict.fromkeys(seen))
        if len(distinct) > 1 and problem is None:
            lines = ", ".join(str(r.line) for r in rows)
            problem = f"manifest rows {lines} of document '{document}' disagree on {column}"
        values[column] = distinct[0] if distinct else None
    ids = tuple(dict.fromkeys(cid for r in rows for cid in r.citizen_ids))
    pages = sum(r.pages or 0 for r in rows) if all(r.pages for r in rows) else None
    raw: dict[str, str] = {}
    for r in rows:
        for k, v in r.raw.items():
            raw.setdefault(k, v)
    warnings = tuple(dict.fromkeys(w for r in rows for w in r.warnings))
    entry = DocumentEntry(
        document=document,
        lines=tuple(r.line for r in rows),
        citizen_ids=ids,
        pages=pages,
        raw=raw,
        warnings=warnings,
        **values,  # type: ignore[arg-type]
    )
    return entry, problem


def _group_rows(manifest: Manifest) -> dict[str, list[ManifestRow]]:
    groups: dict[str, list[ManifestRow]] = {}
    for row in manifest.rows:
        key = row.group or f"manifest row {row.line}"
        groups.setdefault(key, []).append(row)
    return groups


def _planned_group(
    name: str, rows: list[ManifestRow], items: dict[str, SourceItem], used: set[str]
) -> PlannedDocument:
    entry, problem = merge_rows(name, rows)
    for row in rows:
        if row.problems and problem is None:  # every problem of the row, so one correction fixes the row
            problem = f"manifest row {row.line}: {'; '.join(row.problems)}"
    files: list[SourceItem] = []
    for row in rows:
        item = _match(row.file, items) if row.file else None
        if item is None or item.key in used:
            if problem is None:
                problem = f"file '{row.file}' (manifest row {row.line}) is not among the inputs"
            continue
        used.add(item.key)
        files.append(item)
        if item.problem and problem is None:
            problem = item.problem if len(rows) == 1 else f"{item.key}: {item.problem}"
    return PlannedDocument(key=name, files=tuple(files), entry=entry, problem=problem)


def plan_documents(discovery: Discovery, manifest: Manifest | None) -> list[PlannedDocument]:
    """Every document of the batch, in key order; files the manifest does not name stand alone."""
    items = {item.key: item for item in discovery.items}
    used: set[str] = set()
    planned: list[PlannedDocument] = []
    if manifest is not None:
        for name, rows in _group_rows(manifest).items():
            planned.append(_planned_group(name, rows, items, used))
    notes = (NOT_IN_MANIFEST,) if manifest is not None else ()
    for key, item in items.items():
        if key not in used:
            planned.append(PlannedDocument(key=key, files=(item,), problem=item.problem, notes=notes))
    return _unique_keys(planned)


def _unique_keys(planned: list[PlannedDocument]) -> list[PlannedDocument]:
    """Documents sorted by key, a numbered suffix where a group name equals another key."""
    out: list[PlannedDocument] = []
    taken: set[str] = set()
    for doc in planned:
        key, n = doc.key, 1
        while key in taken:
            n += 1
            key = f"{doc.key} ({n})"
        taken.add(key)
        out.append(doc if key == doc.key else PlannedDocument(key, doc.files, doc.entry, doc.problem, doc.notes))
    return sorted(out, key=lambda d: d.key)
