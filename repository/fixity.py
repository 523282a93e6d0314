"""Fixity: re-read every object and check it against its record's ``record.json`` (``kho verify``).

For each record it reports objects that **changed** (size or SHA-256 differ), are **missing**, or
are **untracked** (in the record's folder but not named by it), plus ``record.json`` or version
files that are **invalid** or break the version hash chain.

A record folder without ``record.json`` is one of two things, and they are told apart:

* a **damaged** record: it has version files (``versions/<n>.json``, written only for a record)
  or the catalog knows the record ID (``known``). Its ``record.json`` was lost or deleted; it is
  restored from its last version (re-running its batch does the same). Never delete it.
* the leftover of an interrupted write: objects only, no version, unknown to the catalog; its
  objects are reported as **untracked** and re-running the batch that wrote them completes the
  record. It holds original scans: it is not deleted either.

Objects outside any record folder are reported as untracked.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from kho.errors import NotFoundError
from repository import layout
from repository.catalog_types import Batch, BatchItem, FixityRunSummary
from repository.objectstore import ObjectInfo, ObjectStore
from repository.schema import Record

ProblemKind = Literal["changed", "missing", "untracked", "invalid", "damaged"]
CHUNK = 1024 * 1024
_VERSION = re.compile(r"versions/([1-9][0-9]*)\.json")
MAX_PROBLEMS_IN_SUMMARY = 1000


@dataclass(frozen=True)
class FixityProblem:
    """One thing wrong with the store: which record (if any), which key, what kind, and detail."""

    record_id: str | None
    key: str
    kind: ProblemKind
    detail: str


@dataclass(frozen=True)
class RecordCheck:
    """The result of checking one record."""

    record_id: str
    objects_checked: int
    bytes_checked: int
    problems: tuple[FixityProblem, ...]


@dataclass(frozen=True)
class FixityReport:
    """The result of one fixity run over the store (or a random sample of its records)."""

    started_at: datetime
    finished_at: datetime
    records_total: int
    records_checked: int
    objects_checked: int
    bytes_checked: int
    sample: int | None
    problems: tuple[FixityProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return not self.problems

    def problems_by_record(self) -> dict[str, list[FixityProblem]]:
        """Problems grouped by record ID (``"-"`` for objects outside any record)."""
        grouped: dict[str, list[FixityProblem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.record_id or "-", []).append(problem)
        return grouped

    def counts(self) -> dict[str, int]:
        """How many problems of each kind."""
        out = {"changed": 0, "missing": 0, "untracked": 0, "invalid": 0, "damaged": 0}
        for problem in self.problems:
            out[problem.kind] += 1
        return out

    def to_json(self, max_problems: int | None = None) -> dict[str, Any]:
        """The report as plain JSON values (problems capped at ``max_problems`` if given)."""
        shown = self.problems if max_problems is None else self.problems[:max_problems]
        return {
            "ok": self.ok,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "records_total": self.records_total,
            "records_checked": self.records_checked,
            "objects_checked": self.objects_checked,
            "bytes_checked": self.bytes_checked,
            "sample": self.sample,
            "counts": self.counts(),
            "problems": [{"record_id": p.record_id, "key": p.key, "kind": p.kind, "detail": p.detail} for p in shown],
            "problems_truncated": len(shown) < len(self.problems),
        }

    def summary(self) -> FixityRunSummary:
        """What the catalog stores about this run."""
        return FixityRunSummary(
            started_at=self.started_at,
            finished_at=self.finished_at,
            records_checked=self.records_checked,
            objects_checked=self.objects_checked,
            problems=len(self.problems),
            ok=self.ok,
            report=self.to_json(max_problems=MAX_PROBLEMS_IN_SUMMARY),
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _hash_object(store: ObjectStore, key: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with store.open_stream(key) as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _group_key(info: ObjectInfo) -> str:
    parts = layout.split_record_key(info.key)
    return parts[0] if parts else ""


def _groups(store: ObjectStore) -> Iterator[tuple[str, dict[str, ObjectInfo]]]:
    """``(record_id or "", {path in record: info})`` for every record folder, in key order."""
    for record_id, infos in groupby(store.list_keys(), key=_group_key):
        if not record_id:
            for info in infos:
                yield "", {info.key: info}
            continue
        prefix = layout.record_prefix(record_id)
        yield record_id, {info.key[len(prefix) :]: info for info in infos}


def _never_known(_record_id: str) -> bool:
    return False


class BatchItemSource(Protocol):
    """What :func:`catalog_knows` needs of the catalog: batches and their items."""

    def list_batches(self, limit: int = 100, offset: int = 0) -> list[Batch]: ...

    def list_batch_items(
        self, batch_id: int, status: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[BatchItem]: ...


def catalog_knows(catalog: BatchItemSource, page: int = 500) -> Callable[[str], bool]:
    """``known`` for :func:`verify_store`: whether a batch item of the catalog names this record ID.

    The IDs are gathered on the first question only (most runs never ask: every folder has its
    ``record.json``).
    """
    ids: set[str] | None = None

    def known(record_id: str) -> bool:
        nonlocal ids
        if ids is None:
            ids = set()
            offset = 0
            while batches := catalog.list_batches(limit=page, offset=offset):
                for batch in batches:
                    ids.update(i.record_id for i in catalog.list_batch_items(batch.id) if i.record_id)
                offset += len(batches)
        return record_id in ids

    return known


def without_record_json(record_id: str, listed: dict[str, ObjectInfo], known: bool) -> list[FixityProblem]:
    """The problems of a record folder that has no ``record.json`` (pure): damaged record or leftover."""
    prefix = layout.record_prefix(record_id)
    versions = sorted(
        (int(m.group(1)) for path in listed if (m := _VERSION.fullmatch(path))), reverse=True
    )
    if versions or known:
        source = (
            f"restore it from its last version (copy versions/{versions[0]}.json to record.json) or re-run "
            "its batch" if versions else "restore the folder from a backup or re-run its batch"
        )
        why = ", ".join(
            part
            for part in (
                f"{len(versions)} version file(s)" if versions else "",
                f"{len(listed)} object(s)",
                "known to the catalog" if known else "",
            )
            if part
        )
        detail = f"damaged record: record.json is missing ({why}); {source}; never delete a record's folder"
        return [FixityProblem(record_id, prefix + layout.RECORD_JSON, "damaged", detail)]
    detail = (
        "no record.json and no version: left over from an interrupted write; re-running the batch that "
        "wrote it completes the record (keep it: it holds the original scans)"
    )
    return [FixityProblem(record_id, info.key, "untracked", detail) for info in listed.values()]


def verify_store(
    store: ObjectStore,
    *,
    sample: int | None = None,
    rng: random.Random | None = None,
    clock: Callable[[], datetime] = _utcnow,
    known: Callable[[str], bool] = _never_known,
) -> FixityReport:
    """Check every record (or ``sample`` records chosen at random) and list stray objects.

    ``known`` says whether a record ID is known elsewhere (the catalog): a folder without
    ``record.json`` of a known record is a damaged record, not a leftover.
    """
    started = clock()
    groups = list(_groups(store))
    problems: list[FixityProblem] = []
    records: list[tuple[str, dict[str, ObjectInfo]]] = []
    for record_id, listed in groups:
        if not record_id:
            problems += [FixityProblem(None, k, "untracked", "outside any record folder") for k in listed]
        elif layout.RECORD_JSON not in listed:
            problems += without_record_json(record_id, listed, known(record_id))
        else:
            records.append((record_id, listed))
    chosen = records
    if sample is not None and sample < len(records):
        chosen = sorted((rng or random.Random()).sample(records, sample), key=lambda r: r[0])
    objects = size = 0
    for record_id, listed in chosen:
        check = check_record(store, record_id, listed)
        problems += check.problems
        objects += check.objects_checked
        size += check.bytes_checked
    return FixityReport(
        started_at=started,
        finished_at=clock(),
        records_total=len(records),
        records_checked=len(chosen),
        objects_checked=objects,
        bytes_checked=size,
        sample=sample,
        problems=tuple(problems),
    )


def check_record(store: ObjectStore, record_id: str, listed: dict[str, ObjectInfo]) -> RecordCheck:
    """Check one record against the objects ``listed`` in its folder (paths relative to it)."""
    prefix = layout.record_prefix(record_id)
    problems: list[FixityProblem] = []

    def problem(path: str, kind: ProblemKind, detail: str) -> None:
        problems.append(FixityProblem(record_id, prefix + path, kind, detail))

    record_bytes = store.get_bytes(prefix + layout.RECORD_JSON)
    try:
        record = Record.model_validate_json(record_bytes)
    except ValidationError as e:
        problem(layout.RECORD_JSON, "invalid", f"does not match the record schema: {e.errors()[0]['msg']}")
        return RecordCheck(record_id, 0, 0, tuple(problems))
    if record.record_id != record_id:
        problem(layout.RECORD_JSON, "invalid", f"names another record ({record.record_id})")
    objects = size = 0
    for entry in record.objects:
        path = entry.key[len(prefix) :] if entry.key.startswith(prefix) else entry.key
        if path not in listed:
            problem(path, "missing", f"{entry.role} object named in record.json is not in the store")
            continue
        try:
            got_size, got_sha = _hash_object(store, entry.key)
        except NotFoundError:
            problem(path, "missing", f"{entry.role} object disappeared while being checked")
            continue
        objects += 1
        size += got_size
        if got_size != entry.size:
            problem(path, "changed", f"size {got_size} bytes, record.json says {entry.size}")
        elif got_sha != entry.sha256:
            problem(path, "changed", f"SHA-256 {got_sha[:16]}…, record.json says {entry.sha256[:16]}…")
    expected = {entry.key[len(prefix) :] for entry in record.objects} | {layout.RECORD_JSON}
    expected |= _check_versions(store, record, record_bytes, listed, problem)
    for path in sorted(set(listed) - expected):
        later = _VERSION.fullmatch(path)
        if later and int(later.group(1)) > record.version:
            problem(
                path,
                "damaged",
                f"an edit was interrupted: version {later.group(1)} exists but record.json is at version "
                f"{record.version}; the next edit of the record completes it (once it is 5 minutes old), "
                f"or copy {path} to record.json",
            )
        elif path.startswith("certified/"):
            problem(path, "untracked", "a certified copy not named by record.json: left by an interrupted "
                    "`kho certify` if `kho verify-copy` calls it unknown; the next certification of the "
                    "record removes it")
        else:
            problem(path, "untracked", "in the record folder but not named by record.json")
    return RecordCheck(record_id, objects, size, tuple(problems))


def _check_versions(
    store: ObjectStore,
    record: Record,
    record_bytes: bytes,
    listed: dict[str, ObjectInfo],
    problem: Callable[[str, ProblemKind, str], None],
) -> set[str]:
    """Check ``versions/1..n.json`` exist and form a hash chain ending in ``record.json``."""
    paths: set[str] = set()
    previous: bytes | None = None
    for n in range(1, record.version + 1):
        path = f"versions/{n}.json"
        paths.add(path)
        if path not in listed:
            problem(path, "missing", f"version {n} of record.json is not in the store")
            previous = None
            continue
        data = store.get_bytes(layout.record_prefix(record.record_id) + path)
        try:
            version = Record.model_validate_json(data)
        except ValidationError as e:
            problem(path, "invalid", f"does not match the record schema: {e.errors()[0]['msg']}")
            previous = None
            continue
        if version.version != n or version.record_id != record.record_id:
            problem(path, "invalid", f"holds version {version.version} of {version.record_id}")
        if previous is not None and version.previous_version_sha256 != hashlib.sha256(previous).hexdigest():
            problem(path, "changed", f"version {n - 1} no longer matches the SHA-256 recorded in version {n}")
        if n == record.version and data != record_bytes:
            problem(layout.RECORD_JSON, "changed", f"differs from its immutable copy {path}")
        previous = data
    return paths
