"""Uploaded batches (API and pages): limits on size, type and count, and saving to a staging folder.

Limits, checked before anything reaches ingest:

* size: the whole request is capped by ``settings.max_upload_mb`` (Flask ``MAX_CONTENT_LENGTH``;
  werkzeug answers 413 while reading the body);
* count: 1 to :data:`MAX_FILES` files (400 otherwise: zero files, or more than allowed — send a ZIP);
* type: scans (PDF, TIFF, JPEG, PNG) and ZIPs of scans, by extension *and* first bytes. A file that
  fails (empty, wrong content for its name, not a scan) is **set aside alone** with a Vietnamese
  reason that says what to do (:class:`~ingest.service.SetAsideFile`, saved under ``set_aside/``): the batch takes the
  other files and lists the set-aside ones as quarantined items. Only when *no* file is usable is
  the upload refused (415). The manifest is CSV or XLSX (415 otherwise; its content is checked by
  ingest, 422).

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
from ingest.service import SetAsideFile
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
    """Where an upload was saved: the folder of usable scans, the manifest (if any), the files set aside."""

    root: Path
    files_dir: Path
    names: tuple[str, ...]
    manifest: Path | None
    set_aside: tuple[SetAsideFile, ...] = ()


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


_KIND_NAMES = {"pdf": "PDF", "tiff": "ảnh TIFF", "jpeg": "ảnh JPEG", "png": "ảnh PNG"}
_RESEND = "chọn lại đúng tệp (hoặc quét lại) rồi tải lên lại"


def scan_problem(name: str, head: bytes) -> str | None:
    """Why an uploaded file is not a scan kho reads, in Vietnamese with what to do; ``None`` if it is one.

    Pure: from the file name's extension and its first bytes (``head`` empty means an empty file).
    """
    extension = _extension(name)
    if not head:
        return f"tệp rỗng (0 byte), không có trang nào để đọc; {_RESEND}"
    if extension == ".zip":
        return None if head[:4] in ZIP_MAGIC else f"tên là .zip nhưng không phải tệp nén ZIP; {_RESEND}"
    expected = SCAN_KINDS.get(extension)
    if expected is None:
        return ("không phải tệp quét kho đọc được; hãy gửi tệp PDF, TIFF, JPEG hoặc PNG (hoặc tệp ZIP chứa "
                "các tệp đó)")
    found = detect_kind(head)
    if found == expected:
        return None
    if found is None:
        return f"tên là {extension} nhưng nội dung không phải ảnh quét (tệp hỏng hoặc sai loại); {_RESEND}"
    return f"tên là {extension} nhưng nội dung là {_KIND_NAMES[found]}; đổi đuôi tệp cho đúng rồi tải lên lại"


def check_scan(name: str, head: bytes) -> str:
    """The kind of an uploaded scan (``pdf`` … or ``zip``) from its extension and first bytes; 415 otherwise."""
    problem = scan_problem(name, head)
    if problem is not None:
        raise UnsupportedTypeError(problem, subject=name)
    extension = _extension(name)
    return "zip" if extension == ".zip" else SCAN_KINDS[extension]


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


def sort_files(names: Sequence[str], heads: Sequence[bytes]) -> tuple[list[int], list[tuple[int, str]]]:
    """Indexes of the usable files, and (index, reason) of those to set aside; 415 when none is usable."""
    usable: list[int] = []
    rejected: list[tuple[int, str]] = []
    for index, (name, head) in enumerate(zip(names, heads, strict=True)):
        problem = scan_problem(name, head)
        if problem is None:
            usable.append(index)
        else:
            rejected.append((index, problem))
    if not usable:
        index, problem = rejected[0]
        others = f" (và {len(rejected) - 1} tệp khác cũng không dùng được)" if len(rejected) > 1 else ""
        raise UnsupportedTypeError(f"không có tệp nào dùng được{others}: {problem}", subject=names[index])
    return usable, rejected


def save_upload(data_dir: Path, files: Sequence[UploadedFile], manifest: UploadedFile | None) -> SavedUpload:
    """Check every limit, then stream the files under ``data_dir/uploads/<token>/``.

    Usable scans go to ``files/``; a file that is not a usable scan goes to ``set_aside/`` with its
    reason (:class:`~ingest.service.SetAsideFile`), unless no file is usable (415). Nothing is written when a check
    fails; a failure while writing removes the folder.
    """
    check_count(len(files))
    names = [clean_name(f.filename) for f in files]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError("the same file name twice; rename one of them", subject=duplicates[0])
    usable, rejected = sort_files(names, [_head(f.stream) for f in files])
    manifest_name = None
    if manifest is not None:
        manifest_name = clean_name(manifest.filename, "manifest")
        check_manifest(manifest_name, _head(manifest.stream))
    root = data_dir / "uploads" / secrets.token_hex(8)
    files_dir = root / "files"
    set_aside: list[SetAsideFile] = []
    try:
        files_dir.mkdir(parents=True)
        for index in usable:
            _copy(files[index].stream, files_dir / names[index])
        if rejected:
            (root / "set_aside").mkdir()
        for index, reason in rejected:
            target = root / "set_aside" / names[index]
            _copy(files[index].stream, target)
            set_aside.append(SetAsideFile(names[index], target, reason))
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
    return SavedUpload(root, files_dir, tuple(names[i] for i in usable), manifest_path, tuple(set_aside))
