"""Uploaded batches (API and pages): limits on size, type and count, and saving to a staging folder.

Limits, checked before anything reaches ingest:

* size: the whole request is capped by ``settings.max_upload_mb`` (Flask ``MAX_CONTENT_LENGTH``;
  werkzeug answers 413 while reading the body);
* count: 1 to :data:`MAX_FILES` files (400 otherwise: zero files, or more than allowed — send a ZIP);
* type: scans (PDF, TIFF, JPEG, PNG) and ZIPs of scans, by extension *and* first bytes (415);
  the manifest is CSV or XLSX (415 otherwise; its content is checked by ingest, 422).

Files keep their names (NFC, without folders) because the manifest refers to them; a name that
cannot be a file name, or the same name twice, is refused (400). Files are streamed to
``DATA_DIR/uploads/<token>/files/`` and handed to :func:`ingest.service.create_batch`.
"""

from __future__ import annotations

import secrets
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from ingest.manifest import MAX_MANIFEST_BYTES
from kho.errors import ServiceUnavailableError, TooLargeError, UnsupportedTypeError, UsageError
from ocr.rasterize import detect_kind

MAX_FILES = 200
MAX_NAME_CHARS = 200
SCAN_KINDS = {".pdf": "pdf", ".tif": "tiff", ".tiff": "tiff", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MANIFEST_EXTENSIONS = frozenset({".csv", ".xlsx"})
_HEAD = 2048


class UploadedFile(Protocol):
    """What the upload code needs of a received file (werkzeug's ``FileStorage`` fits)."""

    @property
    def filename(self) -> str | None:
        """The name the client gave (may contain folders)."""
        ...

    @property
    def stream(self) -> IO[bytes]:
        """The file's bytes (seekable: werkzeug spools uploads to memory or a temp file)."""
        ...


@dataclass(frozen=True)
class SavedUpload:
    """Where an upload was saved: the folder of scans and the manifest (if any)."""

    root: Path
    files_dir: Path
    names: tuple[str, ...]
    manifest: Path | None


def clean_name(raw: str | None, what: str = "file") -> str:
    """The NFC base name of an uploaded file; :class:`UsageError` if it cannot be a file name."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if (not name or name in (".", "..") or name.startswith(".") or len(name) > MAX_NAME_CHARS
            or any(not c.isprintable() for c in name)):
        raise UsageError(f"each {what} needs a plain file name (no folders, not hidden, printable)",
                         subject=(raw or "?")[:80] or "?")
    return name


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def check_scan(name: str, head: bytes) -> str:
    """The kind of an uploaded scan (``pdf`` … or ``zip``) from its extension and first bytes; 415 otherwise."""
    extension = _extension(name)
    if extension == ".zip":
        if head[:4] in ZIP_MAGIC:
            return "zip"
        raise UnsupportedTypeError("named .zip but is not a ZIP archive", subject=name)
    expected = SCAN_KINDS.get(extension)
    if expected is None:
        raise UnsupportedTypeError(
            "not a scan kho reads; send PDF, TIFF, JPEG or PNG files, or a ZIP of them", subject=name
        )
    found = detect_kind(head)
    if found != expected:
        raise UnsupportedTypeError(f"named {extension} but its content is {found or 'not a scan'}", subject=name)
    return expected


def check_manifest(name: str, head: bytes) -> None:
    """415 unless the manifest is a ``.csv`` (text) or ``.xlsx`` (a ZIP container) file."""
    extension = _extension(name)
    if extension not in MANIFEST_EXTENSIONS:
        raise UnsupportedTypeError("the manifest must be a .csv or .xlsx file", subject=name)
    if extension == ".xlsx" and head[:4] not in ZIP_MAGIC:
        raise UnsupportedTypeError("named .xlsx but is not an Excel workbook", subject=name)
    if extension == ".csv" and b"\x00" in head:
        raise UnsupportedTypeError("named .csv but is not text", subject=name)


def check_count(count: int) -> None:
    """400 unless there are 1 to :data:`MAX_FILES` files."""
    if count == 0:
        raise UsageError("no files: send one or more scans (or ZIPs) in the form field 'files'", subject="files")
    if count > MAX_FILES:
        raise UsageError(f"at most {MAX_FILES} files per upload; put more in a ZIP archive", subject="files")


def _head(stream: IO[bytes]) -> bytes:
    head = stream.read(_HEAD)
    stream.seek(0)
    return head


def _copy(stream: IO[bytes], target: Path, limit: int | None = None) -> None:
    """Stream ``stream`` to a new file; :class:`TooLargeError` (the caller removes the folder) past ``limit`` bytes."""
    if limit is None:
        with open(target, "xb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        return
    written = 0
    with open(target, "xb") as out:
        while chunk := stream.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                raise TooLargeError(f"the manifest is larger than {limit // (1024 * 1024)} MiB", subject=target.name)
            out.write(chunk)


def save_upload(data_dir: Path, files: Sequence[UploadedFile], manifest: UploadedFile | None) -> SavedUpload:
    """Check every limit, then stream the files under ``data_dir/uploads/<token>/``.

    Nothing is written unless every file passes; a failure while writing removes the folder.
    """
    check_count(len(files))
    names = [clean_name(f.filename) for f in files]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError("the same file name twice; rename one of them", subject=duplicates[0])
    for name, f in zip(names, files, strict=True):
        check_scan(name, _head(f.stream))
    manifest_name = None
    if manifest is not None:
        manifest_name = clean_name(manifest.filename, "manifest")
        check_manifest(manifest_name, _head(manifest.stream))
    root = data_dir / "uploads" / secrets.token_hex(8)
    files_dir = root / "files"
    try:
        files_dir.mkdir(parents=True)
        for name, f in zip(names, files, strict=True):
            _copy(f.stream, files_dir / name)
        manifest_path = None
        if manifest is not None and manifest_name is not None:
            manifest_path = root / manifest_name
            _copy(manifest.stream, manifest_path, MAX_MANIFEST_BYTES)  # its rows are bounded by ingest
    except OSError as e:
        shutil.rmtree(root, ignore_errors=True)
        raise ServiceUnavailableError(f"cannot save the upload: {e.strerror or e}", subject=str(root)) from e
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return SavedUpload(root, files_dir, tuple(names), manifest_path)
