"""Archive transfer (``kho export --bagit``, ``kho import --bagit``): which records, and the bag's info.

The bag itself is written and read by :mod:`repository.bagit`; this module chooses the records
(every record, one ingest batch, or what a search finds) and fills ``bag-info.txt``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from access.audit import Action, write_event
from access.context import AccessContext
from kho import __version__
from kho.backends import Backends
from kho.errors import NotFoundError
from repository.bagit import ExportReport, ImportReport, export_bag, import_bag
from repository.catalog_types import ITEM_DONE_STATUSES
from search.index import SearchQuery
from search.query import MAX_LIMIT


def _batch_record_ids(backends: Backends, batch: str) -> list[str]:
    catalog = backends.catalog
    found = catalog.get_batch(int(batch)) if batch.isdigit() else catalog.find_batch_by_name(batch)
    if found is None:
        raise NotFoundError("no such batch", subject=batch)
    ids: list[str] = []
    for status in ITEM_DONE_STATUSES:
        ids.extend(item.record_id for item in catalog.list_batch_items(found.id, status) if item.record_id)
    return ids


def _query_record_ids(backends: Backends, text: str) -> Iterator[str]:
    query = SearchQuery(text=text, sort="date", limit=MAX_LIMIT, with_facets=False)
    while True:
        result = backends.index.search(query)
        yield from (hit.record_id for hit in result.hits)
        if len(result.hits) < MAX_LIMIT or query.offset + MAX_LIMIT >= result.total:
            return
        query = replace(query, offset=query.offset + MAX_LIMIT)


def select_record_ids(backends: Backends, *, batch: str | None = None, query: str | None = None) -> list[str]:
    """The records to export: one batch's, a search's, or every record (in ID order)."""
    if batch:
        return _batch_record_ids(backends, batch)
    if query:
        return list(_query_record_ids(backends, query))
    return list(backends.repository.iter_record_ids())


def bag_info(backends: Backends, description: str) -> dict[str, str]:
    """``bag-info.txt`` fields: the office, the software, a description (the counts are added on export)."""
    settings = backends.settings
    return {
        "Source-Organization": settings.office_name or "kho",
        "External-Description": description,
        "Bag-Software-Agent": f"kho {__version__} (bagit-python)",
        "Kho-Exported-At": datetime.now(UTC).isoformat(timespec="seconds"),
        "Kho-Public-URL": settings.public_url,
    }


def export_records(backends: Backends, ctx: AccessContext, record_ids: list[str], bag_dir: Path,
                   selection: dict[str, str] | None = None,
                   description: str = "Hồ sơ số hoá chuyển giao lưu trữ / records for transfer") -> ExportReport:
    """Write the records into a new bag at ``bag_dir``: one ``records.export`` audit event first (the
    bag holds personal data: citizen IDs, names), with the purpose, the count and the selection."""
    write_event(backends.catalog, ctx, Action.RECORDS_EXPORT, details={
        "records": len(record_ids), "bag": str(bag_dir), **(selection or {})})
    return export_bag(backends.repository, record_ids, bag_dir, bag_info(backends, description))


def import_records(backends: Backends, bag_dir: Path) -> ImportReport:
    """Bring a bag's records into this repository and index every record of the bag the index lacks.

    Records already here are indexed too when the index does not hold their version (P3): an import
    killed after a record's ``record.json`` but before the index was refreshed leaves a stored record
    that the re-run finds "already here"; it must still become searchable.
    """
    from access.changes import refresh_index

    report = import_bag(backends.repository, bag_dir)
    indexed = backends.index.versions()
    for record_id in report.record_ids:
        record = backends.repository.get(record_id)
        if indexed.get(record_id) != record.version:
            refresh_index(backends, record)
    return report
