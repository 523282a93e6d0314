"""``kho reindex``: rebuild the search index from the repository, or check it against the repository.

The repository is the system of record; the index is derived. A rebuild reads every record
(``record.json`` + page texts), fills a new index and switches to it atomically. A record that
cannot be read is reported, never skipped silently. ``--check`` compares record versions only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from kho.errors import KhoError
from repository.schema import Record
from search.documents import index_document_from_record
from search.index import BulkFailure, IndexDocument, SearchIndex

__all__ = ["RecordSource", "ReindexReport", "reindex"]


class RecordSource(Protocol):
    """What reindexing needs from the repository (``repository.records.Repository`` satisfies it)."""

    def iter_record_ids(self) -> Iterator[str]:
        """Every record ID."""
        ...

    def get(self, record_id: str) -> Record:
        """The current version of a record."""
        ...

    def page_texts(self, record: Record) -> list[str]:
        """The OCR text of each page."""
        ...


@dataclass(frozen=True)
class ReindexReport:
    """What a rebuild did, or what a check found."""

    check_only: bool
    records: int
    indexed: int = 0
    failures: tuple[BulkFailure, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    outdated: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed and (for a check) the index matches the repository."""
        return not (self.failures or self.missing or self.extra or self.outdated)


def _read(source: RecordSource, record_id: str, failures: list[BulkFailure]) -> Record | None:
    try:
        return source.get(record_id)
    except KhoError as e:
        failures.append(BulkFailure(record_id=record_id, reason=f"cannot read the record: {e.one_line()}"))
        return None


def _documents(
    source: RecordSource, failures: list[BulkFailure], counter: list[int], progress: Callable[[int], None] | None
) -> Iterator[IndexDocument]:
    for record_id in source.iter_record_ids():
        counter[0] += 1
        if progress is not None:
            progress(counter[0])
        record = _read(source, record_id, failures)
        if record is None:
            continue
        try:
            pages = source.page_texts(record)
        except KhoError as e:
            failures.append(BulkFailure(record_id=record_id, reason=f"cannot read the page texts: {e.one_line()}"))
            continue
        yield index_document_from_record(record, pages)


def _check(source: RecordSource, index: SearchIndex, started: float) -> ReindexReport:
    failures: list[BulkFailure] = []
    stored: dict[str, int] = {}
    for record_id in source.iter_record_ids():
        record = _read(source, record_id, failures)
        if record is not None:
            stored[record_id] = record.version
    indexed = index.versions()
    return ReindexReport(
        check_only=True,
        records=len(stored) + len(failures),
        indexed=len(indexed),
        failures=tuple(failures),
        missing=tuple(sorted(set(stored) - set(indexed))),
        extra=tuple(sorted(set(indexed) - set(stored))),
        outdated=tuple(sorted(r for r, v in stored.items() if r in indexed and indexed[r] != v)),
        seconds=time.monotonic() - started,
    )


def reindex(
    repository: RecordSource,
    index: SearchIndex,
    *,
    check_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ReindexReport:
    """Rebuild ``index`` from ``repository`` (atomic switch), or with ``check_only`` compare them.

    ``progress`` is called with the number of records read so far (rebuild only).
    """
    started = time.monotonic()
    if check_only:
        return _check(repository, index, started)
    failures: list[BulkFailure] = []
    counter = [0]
    result = index.rebuild(_documents(repository, failures, counter, progress))
    return ReindexReport(
        check_only=False,
        records=counter[0],
        indexed=result.indexed,
        failures=tuple(failures) + result.failures,
        seconds=time.monotonic() - started,
    )
