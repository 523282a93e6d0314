"""Archive transfer: records as a BagIt bag (RFC 8493) and back, with identical fixity.

A bag holds, under ``data/``, each record's folder exactly as it is in the store
(``records/<id>/record.json``, ``versions/<n>.json``, the manifest and every file ``record.json``
names), SHA-256 payload and tag manifests written by the Library of Congress ``bagit`` library,
and ``bag-info.txt`` with the office, the software and the counts (``Kho-Record-Count``,
``Kho-File-Count``). Any BagIt tool can validate it; ``import_bag`` validates it with ``bagit``,
checks every file against ``record.json`` too, and writes each record objects first and
``record.json`` last (the repository's commit point), so an interrupted import leaves no record
naming a missing file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import bagit
from pydantic import ValidationError

from kho.errors import ConflictError, InputError, IntegrityError, UsageError
from repository import layout
from repository.records import Record, Repository

CHUNK = 1024 * 1024
RECORDS_DIR = "records"


@dataclass(frozen=True)
class ExportReport:
    """What a bag holds: records, files (record.json and versions included) and payload bytes."""

    records: int
    files: int
    bytes: int


@dataclass(frozen=True)
class ImportReport:
    """Records written, records already present (identical), files written; the bag's record IDs."""

    imported: int
    existing: int
    files: int
    record_ids: tuple[str, ...] = ()


def _copy_checked(stream: BinaryIO, target: Path, sha256: str | None, key: str) -> int:
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with stream as source, open(target, "xb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if sha256 is not None and digest.hexdigest() != sha256:
        raise IntegrityError("the stored object does not match its SHA-256 in record.json; run `kho verify`",
                             subject=key)
    return size


def _export_record(repo: Repository, record_id: str, root: Path) -> tuple[int, int]:
    record = repo.get(record_id)
    files = size = 0
    for entry in record.objects:
        size += _copy_checked(repo.store.open_stream(entry.key), root / entry.key, entry.sha256, entry.key)
        files += 1
    for n in range(1, record.version + 1):
        key = layout.version_key(record_id, n)
        size += _copy_checked(repo.store.open_stream(key), root / key, None, key)
        files += 1
    key = layout.record_json_key(record_id)
    data = repo.store.get_bytes(key)
    (root / key).write_bytes(data)
    return files + 1, size + len(data)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def remove_interrupted_exports(bag_dir: Path) -> list[Path]:
    """Delete the work folders of earlier exports to ``bag_dir`` whose process is gone; the folders removed.

    An export builds the bag in ``.<name>.part-<pid>-<random>`` beside ``bag_dir``; killed (kill -9,
    power loss), it leaves that hidden folder, full of records and their personal data, which no
    re-run reused (P7). The next export to the same folder removes it, unless its process still runs.
    """
    pattern = re.compile(rf"\.{re.escape(bag_dir.name)}\.part-([0-9]+)-[0-9a-f]{{8}}")
    removed: list[Path] = []
    for path in bag_dir.parent.iterdir():
        found = pattern.fullmatch(path.name)
        if found and path.is_dir() and not path.is_symlink() and not _process_alive(int(found.group(1))):
            shutil.rmtree(path)
            removed.append(path)
    return removed


def export_bag(repo: Repository, record_ids: Iterable[str], bag_dir: Path, bag_info: Mapping[str, str]) -> ExportReport:
    """Write the records into a new BagIt bag at ``bag_dir`` (built beside it, renamed when complete).

    :class:`UsageError` if ``bag_dir`` exists and is not empty; :class:`IntegrityError` if a stored
    object does not match its SHA-256 (nothing is left at ``bag_dir`` then).
    """
    if bag_dir.exists() and any(bag_dir.iterdir()):
        raise UsageError("the bag folder exists and is not empty; choose a new folder", subject=str(bag_dir))
    bag_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_interrupted_exports(bag_dir)
    work = bag_dir.parent / f".{bag_dir.name}.part-{os.getpid()}-{secrets.token_hex(4)}"
    work.mkdir()
    try:
        records = files = size = 0
        for record_id in dict.fromkeys(record_ids):
            n_files, n_bytes = _export_record(repo, record_id, work)
            records, files, size = records + 1, files + n_files, size + n_bytes
        info = {**bag_info, "Kho-Record-Count": str(records), "Kho-File-Count": str(files)}
        bagit.make_bag(str(work), info, processes=1, checksums=["sha256"])
        if bag_dir.exists():
            bag_dir.rmdir()
        os.replace(work, bag_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ExportReport(records, files, size)


def _refuse_unsafe_entries(bag_dir: Path) -> None:
    """:class:`InputError` for the first symbolic link or special file (FIFO, device, socket) in the bag.

    Checked before anything is opened: ``bagit`` does not descend into a linked folder, so a record
    folder linked from outside the bag would be imported without any checksum of the bag covering it
    (P1), and hashing a FIFO blocks for ever (P2). A bag holds only regular files and folders.
    """
    pending = [bag_dir]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                relative = os.path.relpath(entry.path, bag_dir)
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    raise InputError("the bag holds a symbolic link; a bag must hold only regular files and folders",
                                     subject=relative)
                if stat.S_ISDIR(mode):
                    pending.append(Path(entry.path))
                elif not stat.S_ISREG(mode):
                    raise InputError("the bag holds a special file (FIFO, device or socket); a bag must hold only "
                                     "regular files and folders", subject=relative)


def open_valid_bag(bag_dir: Path) -> bagit.Bag:
    """The bag at ``bag_dir`` after full validation (every SHA-256); :class:`IntegrityError` otherwise.

    :class:`InputError` (nothing opened) if the bag holds a symbolic link or a special file.
    """
    _refuse_unsafe_entries(bag_dir)
    try:
        bag = bagit.Bag(str(bag_dir))
        bag.validate(processes=1)
    except bagit.BagValidationError as e:
        first = e.details[0] if getattr(e, "details", None) else e.message
        raise IntegrityError(f"the bag is not valid: {first}", subject=str(bag_dir)) from e
    except bagit.BagError as e:
        raise IntegrityError(f"not a BagIt bag: {e}", subject=str(bag_dir)) from e
    return bag


def _checked_record(data_dir: Path, record_id: str) -> tuple[Record, bytes]:
    key = layout.record_json_key(record_id)
    raw = (data_dir / key).read_bytes()
    try:
        record = Record.model_validate_json(raw)
    except ValidationError as e:
        raise IntegrityError(f"record.json does not match the record schema ({e.errors()[0]['msg']})",
                             subject=key) from e
    if record.record_id != record_id:
        raise IntegrityError(f"record.json names another record ({record.record_id})", subject=key)
    prefix = layout.record_prefix(record_id)
    for entry in record.objects:
        path = data_dir / entry.key
        if not entry.key.startswith(prefix) or ".." in entry.key.split("/") or not path.is_file():
            raise IntegrityError("record.json names a file the bag does not hold", subject=entry.key)
        if _sha256_file(path) != entry.sha256:
            raise IntegrityError("the file does not match its SHA-256 in record.json", subject=entry.key)
    return record, raw


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _put_checked(repo: Repository, key: str, path: Path, sha256: str, content_type: str | None) -> None:
    info = repo.store.put_file(key, path, content_type=content_type or "application/octet-stream")
    if info.sha256 is not None and info.sha256 != sha256:
        raise IntegrityError("the object store kept other bytes than the bag's", subject=key)


def _plan_record(repo: Repository, data_dir: Path, record_id: str) -> tuple[Record, bytes] | None:
    """The checked record to write, ``None`` if an identical one is here; :class:`ConflictError` if another is."""
    record, raw = _checked_record(data_dir, record_id)
    key = layout.record_json_key(record_id)
    if repo.store.exists(key):
        if repo.store.get_bytes(key) == raw:
            return None
        raise ConflictError("a different version of this record is already in the repository", subject=record_id)
    for n in range(1, record.version + 1):
        if not (data_dir / layout.version_key(record_id, n)).is_file():
            raise IntegrityError("the bag lacks a version of the record", subject=layout.version_key(record_id, n))
    return record, raw


def _write_record(repo: Repository, data_dir: Path, record: Record, raw: bytes) -> int:
    """Write one record: its objects, its versions, ``record.json`` last; the number of files written."""
    record_id = record.record_id
    for entry in record.objects:
        _put_checked(repo, entry.key, data_dir / entry.key, entry.sha256, entry.content_type)
    for n in range(1, record.version + 1):
        vkey = layout.version_key(record_id, n)
        _put_checked(repo, vkey, data_dir / vkey, _sha256_file(data_dir / vkey), "application/json")
    repo.store.put_bytes(layout.record_json_key(record_id), raw, content_type="application/json")
    return len(record.objects) + record.version + 1


def import_bag(repo: Repository, bag_dir: Path) -> ImportReport:
    """Bring every record of a valid bag into the repository (see the module docstring).

    The whole bag is validated and every record checked against its ``record.json`` and against
    what the repository holds before the first object is written.
    """
    open_valid_bag(bag_dir)
    data_dir = bag_dir / "data"
    records_dir = data_dir / RECORDS_DIR
    ids = sorted(p.name for p in records_dir.iterdir() if p.is_dir()) if records_dir.is_dir() else []
    plans = {record_id: _plan_record(repo, data_dir, layout.check_record_id(record_id)) for record_id in ids}
    files = 0
    for plan in plans.values():  # every record checked (and no conflict) before anything is written
        if plan is not None:
            files += _write_record(repo, data_dir, *plan)
    existing = sum(1 for plan in plans.values() if plan is None)
    imported = len(plans) - existing
    return ImportReport(imported, existing, files, tuple(plans))
