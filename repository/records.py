"""The ``Repository``: records in the object store, with idempotent creation and a version history.

A record is written objects first and ``record.json`` last, so ``record.json`` never names a
missing object; a crash part-way leaves at most unreferenced objects that a re-run overwrites
with identical bytes. A metadata change creates ``versions/<n+1>.json`` and then rewrites ``record.json``. Versions are
written create-if-absent (:meth:`ObjectStore.put_if_absent`), so a version is never rewritten: of two
concurrent editors exactly one creates version n+1 and the other gets a :class:`ConflictError`.
Each version carries the SHA-256 of the one before it.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import ValidationError

from kho.errors import ConflictError, InputError, IntegrityError, NotFoundError, UsageError
from repository import layout
from repository.layout import record_id_for
from repository.objectstore import ObjectInfo, ObjectStore
from repository.schema import (
    HistoryEntry,
    ObjectEntry,
    ObjectRole,
    Provenance,
    Record,
    RecordMetadata,
)

__all__ = [
    "HistoryEntry",
    "ObjectEntry",
    "Provenance",
    "Record",
    "RecordFiles",
    "RecordMetadata",
    "Repository",
    "SourceFile",
    "StoreOutcome",
    "record_id_for",
    "source_files",
]

FileRole = Literal["pdf", "original", "text", "json", "page", "thumb", "manifest", "certified"]


@dataclass(frozen=True)
class SourceFile:
    """A source file as received: its name, where it is now, its SHA-256 and size."""

    name: str
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class RecordFiles:
    """Everything stored for a new record besides its metadata."""

    sources: tuple[SourceFile, ...]
    pdf: Path | None = None
    page_images: tuple[Path, ...] = ()
    thumbnails: tuple[Path, ...] = ()
    ocr_json: dict[str, Any] | None = None
    ocr_text: str = ""


@dataclass(frozen=True)
class StoreOutcome:
    """The record ID, and whether this call created it (``False``: it already existed)."""

    record_id: str
    created: bool


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _parse_record(data: bytes, where: str) -> Record:
    try:
        return Record.model_validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "?"
        raise IntegrityError(
            f"does not match the record schema ({field}: {first['msg']})", subject=where
        ) from e


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


class Repository:
    """Records stored in an :class:`~repository.objectstore.ObjectStore`."""

    #: How old a version ahead of ``record.json`` must be to count as left by an interrupted edit.
    stale_edit: timedelta = timedelta(minutes=5)

    def __init__(self, store: ObjectStore, *, clock: Callable[[], datetime] = _utcnow):
        self.store = store
        self._clock = clock

    # Reading

    def find(self, record_id: str) -> Record | None:
        """The current version of a record, or ``None`` if there is none with this ID."""
        try:
            return self.get(record_id)
        except NotFoundError:
            return None

    def get(self, record_id: str) -> Record:
        """The current version of a record; :class:`NotFoundError` if unknown."""
        key = layout.record_json_key(record_id)
        try:
            data = self.store.get_bytes(key)
        except NotFoundError as e:
            raise NotFoundError("no such record", subject=record_id) from e
        record = _parse_record(data, key)
        if record.record_id != record_id:
            raise IntegrityError(f"record.json names another record ({record.record_id})", subject=key)
        return record

    def history(self, record_id: str) -> list[Record]:
        """Every version of a record, oldest first (the last one is the current version)."""
        current = self.get(record_id)
        versions: list[Record] = []
        for n in range(1, current.version):
            key = layout.version_key(record_id, n)
            try:
                versions.append(_parse_record(self.store.get_bytes(key), key))
            except NotFoundError as e:
                raise IntegrityError("an earlier version of the record is missing", subject=key) from e
        versions.append(current)
        return versions

    def iter_record_ids(self) -> Iterator[str]:
        """The ID of every record that has a ``record.json``, in key order."""
        for info in self.store.list_keys(layout.RECORDS_PREFIX):
            parts = layout.split_record_key(info.key)
            if parts and parts[1] == layout.RECORD_JSON:
                yield parts[0]

    def iter_records(self) -> Iterator[Record]:
        """The current version of every record, in ID order."""
        for record_id in self.iter_record_ids():
            yield self.get(record_id)

    def object_key(self, record: Record, role: FileRole, index: int = 0) -> str:
        """The store key of one object of ``record``; :class:`NotFoundError` if it has none."""
        return self._entry(record, role, index).key

    def _entry(self, record: Record, role: FileRole, index: int) -> ObjectEntry:
        for entry in record.objects:
            if entry.role == role and entry.index == index:
                return entry
        what = role if index == 0 else f"{role} #{index + 1}"
        raise NotFoundError(f"the record has no {what} file", subject=record.record_id)

    def open_object(self, record_id: str, role: FileRole, index: int = 0) -> tuple[ObjectInfo, BinaryIO]:
        """Info from ``record.json`` (size, SHA-256, type) and a stream of one object of a record."""
        entry = self._entry(self.get(record_id), role, index)
        stream = self.store.open_stream(entry.key)
        info = ObjectInfo(
            key=entry.key, size=entry.size, sha256=entry.sha256, content_type=entry.content_type
        )
        return info, stream

    def page_texts(self, record: Record) -> list[str]:
        """Each page's OCR text: the OCR JSON's ``pages[].text``, else the text split at form feeds."""
        if any(o.role == "json" for o in record.objects):
            data = json.loads(self.store.get_bytes(self.object_key(record, "json")))
            pages = data.get("pages") if isinstance(data, dict) else None
            if isinstance(pages, list) and pages:
                return [
                    unicodedata.normalize("NFC", str(p.get("text", "") if isinstance(p, dict) else p))
                    for p in pages
                ]
        if any(o.role == "text" for o in record.objects):
            text = self.store.get_bytes(self.object_key(record, "text")).decode("utf-8")
            return text.split("\f")
        return []

    # Writing

    def create(self, files: RecordFiles, metadata: RecordMetadata, provenance: Provenance) -> StoreOutcome:
        """Store a new record (objects first, ``record.json`` last), or report the existing one."""
        record_id = record_id_for(s.sha256 for s in files.sources)
        if self.store.exists(layout.record_json_key(record_id)):
            return StoreOutcome(record_id, created=False)
        interrupted = self._bytes_or(layout.version_key(record_id, 1), b"")
        if interrupted:
            # An earlier run wrote every object and version 1, then stopped: finish it as it was.
            data = _check_first_version(record_id, interrupted)
            self.store.put_bytes(layout.record_json_key(record_id), data, content_type="application/json")
            return StoreOutcome(record_id, created=True)
        entries = self._put_payload(record_id, files)
        manifest = layout.manifest_text(record_id, ((e.key, e.sha256) for e in entries))
        entries.append(
            self._put_bytes(layout.manifest_key(record_id), "manifest", 0, manifest.encode("utf-8"))
        )
        if not provenance.source_names:
            provenance = provenance.model_copy(update={"source_names": tuple(s.name for s in files.sources)})
        record = Record(
            record_id=record_id,
            version=1,
            metadata=metadata,
            provenance=provenance,
            objects=tuple(entries),
            history_entry=HistoryEntry(
                actor=provenance.ingested_by or "kho ingest", at=provenance.ingested_at, reason="ingest"
            ),
        )
        data = self._first_version(record_id, record.to_json_bytes())
        self.store.put_bytes(layout.record_json_key(record_id), data, content_type="application/json")
        return StoreOutcome(record_id, created=True)

    def _first_version(self, record_id: str, data: bytes) -> bytes:
        """Create ``versions/1.json`` (never rewritten) and return the bytes ``record.json`` must hold.

        If an interrupted earlier run (or a concurrent one) already wrote version 1, that version
        stands and its bytes are returned, so ``record.json`` always equals an immutable version.
        """
        key = layout.version_key(record_id, 1)
        try:
            self.store.put_if_absent(key, data, content_type="application/json")
        except ConflictError:
            return _check_first_version(record_id, self.store.get_bytes(key))
        return data

    def _put_payload(self, record_id: str, files: RecordFiles) -> list[ObjectEntry]:
        entries: list[ObjectEntry] = []
        seen: set[str] = set()
        for source in files.sources:
            digest = source.sha256.lower()
            if digest in seen:
                continue
            entry = self._put_path(
                layout.original_key(record_id, digest, source.name),
                "original",
                len(seen),
                source.path,
                name=source.name,
            )
            if entry.sha256 != digest:
                self.store.delete(entry.key)
                raise InputError(
                    "the file changed while it was being stored; submit it again", subject=source.name
                )
            seen.add(digest)
            entries.append(entry)
        if files.pdf is not None:
            entries.append(self._put_path(layout.pdf_key(record_id), "pdf", 0, files.pdf))
        for i, path in enumerate(files.page_images):
            entries.append(self._put_path(layout.page_key(record_id, i, path.name), "page", i, path))
        for i, path in enumerate(files.thumbnails):
            entries.append(self._put_path(layout.thumb_key(record_id, i, path.name), "thumb", i, path))
        if files.ocr_text:
            text = unicodedata.normalize("NFC", files.ocr_text).encode("utf-8")
            entries.append(self._put_bytes(layout.text_key(record_id), "text", 0, text))
        if files.ocr_json is not None:
            body = json.dumps(files.ocr_json, ensure_ascii=False, indent=1).encode("utf-8")
            entries.append(self._put_bytes(layout.ocr_json_key(record_id), "json", 0, body))
        return entries

    def _put_path(
        self, key: str, role: ObjectRole, index: int, path: Path, name: str | None = None
    ) -> ObjectEntry:
        content_type = _content_type(name or path.name)
        info = self.store.put_file(key, path, content_type=content_type)
        return self._entry_from(info, role, index, content_type, name)

    def _put_bytes(self, key: str, role: ObjectRole, index: int, data: bytes) -> ObjectEntry:
        content_type = {
            "text": "text/plain; charset=utf-8",
            "manifest": "text/plain; charset=utf-8",
            "json": "application/json",
        }.get(role, "application/octet-stream")
        info = self.store.put_bytes(key, data, content_type=content_type)
        return self._entry_from(info, role, index, content_type, None)

    @staticmethod
    def _entry_from(
        info: ObjectInfo, role: ObjectRole, index: int, content_type: str, name: str | None
    ) -> ObjectEntry:
        if info.sha256 is None:
            raise IntegrityError(
                "the object store did not report a checksum for the upload", subject=info.key
            )
        return ObjectEntry(
            key=info.key,
            role=role,
            index=index,
            size=info.size,
            sha256=info.sha256,
            name=name,
            content_type=content_type,
        )

    def update_metadata(
        self,
        record_id: str,
        changes: Mapping[str, Any],
        *,
        actor: str,
        reason: str,
        expected_version: int | None = None,
    ) -> Record:
        """Write a new version with ``changes`` applied to the metadata, recording who, when and why.

        Raises :class:`ConflictError` if ``expected_version`` is given and is not the current
        version, :class:`InputError` if a change is not valid metadata. A change that alters
        nothing returns the current version unchanged.
        """
        if not actor.strip() or not reason.strip():
            raise UsageError("a metadata change needs an actor and a reason", subject=record_id)
        current = self.get(record_id)
        if expected_version is not None and expected_version != current.version:
            raise ConflictError(
                f"the record is at version {current.version}, not {expected_version}; reload and retry",
                subject=record_id,
            )
        metadata = _apply_changes(current.metadata, changes, record_id)
        changed = [
            f for f in RecordMetadata.model_fields if getattr(metadata, f) != getattr(current.metadata, f)
        ]
        if not changed:
            return current
        old = current.metadata.model_dump(mode="json")
        new = metadata.model_dump(mode="json")
        previous_key = layout.version_key(record_id, current.version)
        previous_bytes = self._bytes_or(previous_key, current.to_json_bytes())
        record = current.model_copy(
            update={
                "version": current.version + 1,
                "metadata": metadata,
                "history_entry": HistoryEntry(
                    actor=actor,
                    at=self._clock(),
                    reason=reason,
                    changes={f: new[f] for f in changed},
                    previous={f: old[f] for f in changed},
                ),
                "previous_version_sha256": _sha256(previous_bytes),
            }
        )
        return self._commit_version(Record.model_validate(record.model_dump()), current)

    def _commit_version(self, record: Record, current: Record) -> Record:
        """Create ``versions/<n+1>.json`` (create-if-absent), then point ``record.json`` at it.

        Of two concurrent writers exactly one creates the version; the other gets a
        :class:`ConflictError` before anything of its change is written. A version left by an
        edit that stopped before ``record.json`` (older than :attr:`stale_edit`) is completed
        on the way, so the next attempt can go on.
        """
        data = record.to_json_bytes()
        key = layout.version_key(record.record_id, record.version)
        try:
            self.store.put_if_absent(key, data, content_type="application/json")
        except ConflictError as e:
            finished = self._finish_interrupted_edit(current, key)
            raise ConflictError(
                f"the record was changed meanwhile (version {record.version} exists"
                + ("; an interrupted edit was completed" if finished else "")
                + "); reload and retry",
                subject=record.record_id,
            ) from e
        self.store.put_bytes(layout.record_json_key(record.record_id), data, content_type="application/json")
        return record

    def _finish_interrupted_edit(self, current: Record, key: str) -> bool:
        """Point ``record.json`` at the version ``key`` if an edit that stopped long ago left it there.

        Only when ``record.json`` is still at ``current``, the version at ``key`` is its valid
        successor (next number, hash chain) and was written more than :attr:`stale_edit` ago: a
        live edit writes its ``record.json`` milliseconds after its version. ``record.json`` only
        ever receives the bytes of an immutable version.
        """
        try:
            info = self.store.stat(key)
            data = self.store.get_bytes(key)
        except NotFoundError:
            return False
        if info.modified is None or datetime.now(UTC) - info.modified < self.stale_edit:
            return False
        found = _parse_record(data, key)
        previous = self._bytes_or(layout.version_key(current.record_id, current.version), b"")
        if (found.record_id, found.version) != (current.record_id, current.version + 1) or (
            found.previous_version_sha256 != _sha256(previous)
        ):
            return False
        if self.get(current.record_id).version != current.version:
            return False
        self.store.put_bytes(layout.record_json_key(current.record_id), data, content_type="application/json")
        return True

    def add_object(
        self,
        record_id: str,
        role: ObjectRole,
        key: str,
        data: bytes,
        *,
        name: str,
        content_type: str,
        actor: str,
        reason: str,
    ) -> Record:
        """Store a new file of a record (e.g. a certified copy) and write a version that names it.

        The object is written first, then ``versions/<n+1>.json``, then ``record.json``; existing
        objects and metadata are untouched. The history entry's ``changes`` holds the new object's
        key and SHA-256. Its ``index`` is the next free one of ``role``.
        """
        if not actor.strip() or not reason.strip():
            raise UsageError("adding a file needs an actor and a reason", subject=record_id)
        current = self.get(record_id)
        if not key.startswith(layout.record_prefix(record_id)) or any(o.key == key for o in current.objects):
            raise ConflictError("the record already has this file, or the key is outside it", subject=key)
        info = self.store.put_bytes(key, data, content_type=content_type)
        entry = self._entry_from(info, role, len(current.objects_with_role(role)), content_type, name)
        if entry.sha256 != _sha256(data):
            raise IntegrityError("the stored file does not match what was written", subject=key)
        previous_bytes = self._bytes_or(layout.version_key(record_id, current.version), current.to_json_bytes())
        record = current.model_copy(
            update={
                "version": current.version + 1,
                "objects": (*current.objects, entry),
                "history_entry": HistoryEntry(
                    actor=actor, at=self._clock(), reason=reason,
                    changes={"objects": {"added": key, "role": role, "sha256": entry.sha256}},
                ),
                "previous_version_sha256": _sha256(previous_bytes),
            }
        )
        return self._commit_version(Record.model_validate(record.model_dump()), current)

    def _bytes_or(self, key: str, default: bytes) -> bytes:
        try:
            return self.store.get_bytes(key)
        except NotFoundError:
            return default


def _check_first_version(record_id: str, data: bytes) -> bytes:
    """``data`` if it is version 1 of ``record_id``; :class:`IntegrityError` otherwise."""
    key = layout.version_key(record_id, 1)
    found = _parse_record(data, key)
    if found.record_id != record_id or found.version != 1:
        raise IntegrityError(f"holds version {found.version} of {found.record_id}", subject=key)
    return data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _apply_changes(metadata: RecordMetadata, changes: Mapping[str, Any], record_id: str) -> RecordMetadata:
    unknown = sorted(set(changes) - set(RecordMetadata.model_fields))
    if unknown:
        raise InputError(f"not a metadata field: {', '.join(unknown)}", subject=record_id)
    merged = metadata.model_dump(mode="json")
    merged.update(_jsonable(dict(changes)))
    try:
        return RecordMetadata.model_validate(merged)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "metadata"
        raise InputError(f"invalid value for {field}: {first['msg']}", subject=record_id) from e


def source_files(paths: Iterable[Path]) -> tuple[SourceFile, ...]:
    """:class:`SourceFile` entries for files on disk (reading each once to hash it)."""
    sources = []
    for path in paths:
        digest = hashlib.sha256()
        size = 0
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError as e:
            raise InputError(f"cannot read file: {e.strerror or e}", subject=str(path)) from e
        sources.append(SourceFile(name=path.name, path=path, sha256=digest.hexdigest(), size=size))
    return tuple(sources)
