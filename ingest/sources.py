"""Find the input files of a batch: files, folders (recursive) and ZIP archives, safely.

:func:`discover` turns the paths an archivist gave into :class:`SourceItem` entries, each with a
*key* (its path relative to the input it came from, ``/``-separated, NFC) that the manifest refers
to. ZIP archives are checked before anything is extracted (:func:`check_zip`, pure): entry count,
total and per-entry size, compression ratio, names that would escape (``../``, absolute paths,
drive letters), links and encrypted entries. Entries are extracted under a staging folder with
generated names (never the name from the archive), and with a byte cap while extracting. An input
that cannot be used is not an error: it becomes an item with a ``problem`` (the reason it is
quarantined), and the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from kho.errors import InputError
from ocr.rasterize import detect_kind

#: Extensions of scans kho reads (content is checked again by the OCR pipeline).
SCAN_EXTENSIONS = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})
#: Side files that travel with scans (manifests, ground truth, notes): skipped, not quarantined.
SIDE_EXTENSIONS = frozenset({".csv", ".xlsx", ".xls", ".json", ".jsonl", ".txt", ".md", ".xml", ".ods"})
#: Files that operating systems drop into folders.
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
ARCHIVE_EXTENSIONS = frozenset({".zip"})

_CHUNK = 1024 * 1024
#: File types (``st_mode & S_IFMT``) of ZIP entries that are not regular files, folders or links.
_SPECIAL_MODES = frozenset({stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK})
EMPTY_ZIP = (
    "ZIP không có tệp nào để nhập / the ZIP holds no files to ingest (it is empty, or has only folders "
    "and side files)"
)
EMPTY_FILE = "empty file (0 bytes): there is no page to read"
"""The problem of an empty input file (worded for people by :mod:`ingest.reasons`, code ``empty_file``)."""
NOTHING_TO_INGEST = (
    "không có tệp quét nào để nhập / nothing to ingest: the inputs hold no scans (an empty ZIP, or only "
    "folders and side files); send PDF, TIFF, JPEG or PNG scans, or a ZIP of them"
)


@dataclass(frozen=True)
class ZipLimits:
    """Caps that stop ZIP bombs before and while extracting."""

    max_entries: int = 10_000
    max_total_bytes: int = 4 * 1024**3
    max_entry_bytes: int = 1024**3
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class SourceItem:
    """One input file: its key, where it can be read now, and why it cannot be used (if so).

    ``path`` is the file itself, or its extracted copy for a ZIP entry; it is ``None`` only when
    nothing could be read (e.g. an encrypted ZIP entry). ``origin`` says where it came from, for
    messages (``/in/batch.zip!sub/a.pdf``).
    """

    key: str
    path: Path | None
    origin: str
    problem: str | None = None


@dataclass
class Discovery:
    """What :func:`discover` found: items to plan, and side files that were skipped."""

    items: list[SourceItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ZipEntry:
    """What :func:`check_zip` needs to know of one archive member."""

    name: str
    file_size: int
    compress_size: int
    is_dir: bool
    is_link: bool
    encrypted: bool
    is_special: bool = False


@dataclass(frozen=True)
class ZipVerdict:
    """Problems of an archive: one for the whole archive, else one (or ``None``) per entry."""

    archive_problem: str | None
    entry_problems: tuple[str | None, ...] = ()


def special_file_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` must not be opened (FIFO, device, socket), or ``None`` if regular."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        what = "FIFO (named pipe)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "device file"
    elif stat.S_ISSOCK(mode):
        what = "socket"
    elif stat.S_ISDIR(mode):
        what = "folder"
    elif stat.S_ISLNK(mode):
        what = "symbolic link"
    else:
        what = "special file"
    return f"{what}, not a regular file; not opened (give kho the file itself)"


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file, never blocking on a FIFO.

    ``lstat`` first (a FIFO, device or socket is never opened), then a non-blocking open and
    ``fstat`` of what was opened (in case the name was swapped meanwhile). :class:`InputError` if
    it is not a regular file or cannot be read.
    """
    try:
        problem = special_file_problem(os.lstat(path).st_mode)
        if problem is None:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_NOFOLLOW", 0))
            problem = special_file_problem(os.fstat(fd).st_mode)
            if problem is None:
                os.set_blocking(fd, True)
                return os.fdopen(fd, "rb")
            os.close(fd)
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", subject=str(path)) from e
    raise InputError(problem, subject=str(path))


def nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def safe_member_name(name: str) -> str | None:
    """The entry name as a clean relative POSIX path, or ``None`` if it would escape its folder."""
    if not name or "\x00" in name:
        return None
    text = nfc(name.replace("\\", "/"))
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def classify_name(name: str) -> str:
    """``scan``, ``archive``, ``side`` (skipped), ``ignored`` (OS junk, hidden) or ``other``."""
    base = PurePosixPath(name).name
    if base.lower() in IGNORED_NAMES or base.startswith("."):
        return "ignored"
    suffix = PurePosixPath(base).suffix.lower()
    if suffix in SCAN_EXTENSIONS:
        return "scan"
    if suffix in ARCHIVE_EXTENSIONS:
        return "archive"
    if suffix in SIDE_EXTENSIONS:
        return "side"
    return "other"


def check_zip(entries: Sequence[ZipEntry], limits: ZipLimits) -> ZipVerdict:
    """Judge an archive from its directory alone (pure): a bomb is refused as a whole."""
    files = [e for e in entries if not e.is_dir]
    if len(entries) > limits.max_entries:
        return ZipVerdict(f"ZIP has {len(entries)} entries, more than the limit of {limits.max_entries}")
    total = sum(e.file_size for e in files)
    if total > limits.max_total_bytes:
        return ZipVerdict(
            f"ZIP would expand to {total} bytes, more than the limit of {limits.max_total_bytes} (ZIP bomb?)"
        )
    packed = sum(e.compress_size for e in files)
    if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(packed, 1):
        return ZipVerdict(f"ZIP compression ratio {total / max(packed, 1):.0f}:1 is suspicious (ZIP bomb?)")
    problems: list[str | None] = []
    for entry in entries:
        problems.append(_entry_problem(entry, limits))
    return ZipVerdict(None, tuple(problems))


def _entry_problem(entry: ZipEntry, limits: ZipLimits) -> str | None:
    if safe_member_name(entry.name) is None:
        return "unsafe path in ZIP (absolute or with '..'); not extracted"
    if entry.is_dir:
        return None
    if entry.is_link:
        return "link inside ZIP; not followed"
    if entry.is_special:
        return "special file (FIFO, device or socket) inside ZIP; not extracted"
    if entry.encrypted:
        return "encrypted ZIP entry; unpack it with its password and submit the files"
    if entry.file_size > limits.max_entry_bytes:
        return f"ZIP entry of {entry.file_size} bytes exceeds the limit of {limits.max_entry_bytes}"
    ratio_ok = entry.file_size <= limits.ratio_floor_bytes or (
        entry.file_size <= limits.max_ratio * max(entry.compress_size, 1)
    )
    if not ratio_ok:
        return "ZIP entry compression ratio is suspicious (ZIP bomb?)"
    return None


def zip_entries(archive: zipfile.ZipFile) -> list[ZipEntry]:
    """The :class:`ZipEntry` view of every member of an open archive."""
    out = []
    for info in archive.infolist():
        mode = (info.external_attr >> 16) & 0o170000
        out.append(
            ZipEntry(
                name=info.filename,
                file_size=info.file_size,
                compress_size=info.compress_size,
                is_dir=info.is_dir(),
                is_link=mode == stat.S_IFLNK,
                encrypted=bool(info.flag_bits & 0x1),
                is_special=mode in _SPECIAL_MODES,
            )
        )
    return out


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, cap: int) -> None:
    """Copy one member to ``target`` (a generated name), stopping if it outgrows ``cap`` bytes."""
    written = 0
    tmp = target.with_name(target.name + ".part")
    with archive.open(info) as src, tmp.open("wb") as dst:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            written += len(chunk)
            if written > cap:
                raise zipfile.BadZipFile("entry grows beyond its declared size")
            dst.write(chunk)
    tmp.replace(target)


def _zip_items(zip_path: Path, prefix: str, origin: str, staging: Path, limits: ZipLimits) -> Iterator[SourceItem]:
    """Items of one archive: extracted scans, or one problem item for the archive itself."""
    whole = SourceItem(prefix.rstrip("/") or zip_path.name, zip_path, origin)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        yield replace(whole, problem=f"corrupt or unreadable ZIP: {e}")
        return
    with archive:
        infos = archive.infolist()
        verdict = check_zip(zip_entries(archive), limits)
        if verdict.archive_problem:
            yield replace(whole, problem=verdict.archive_problem)
            return
        folder = staging / f"zip-{_short_hash(str(zip_path.resolve()))}"
        folder.mkdir(parents=True, exist_ok=True)
        found = False
        for index, (info, problem) in enumerate(zip(infos, verdict.entry_problems, strict=True)):
            if info.is_dir():
                continue
            for item in _zip_member(archive, info, index, problem, prefix, origin, folder, limits):
                found = True
                yield item
        if not found:
            yield replace(whole, problem=EMPTY_ZIP)


def _zip_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    index: int,
    problem: str | None,
    prefix: str,
    origin: str,
    folder: Path,
    limits: ZipLimits,
) -> Iterator[SourceItem]:
    clean = safe_member_name(info.filename)
    shown = clean or f"unsafe-entry-{index + 1}"
    key = prefix + shown
    where = f"{origin}!{nfc(info.filename)}"
    kind = classify_name(shown)
    if problem is None and kind in ("ignored", "side"):
        return
    if problem is None and kind == "archive":
        problem = "ZIP inside a ZIP; unpack the inner archive and submit its files"
    suffix = PurePosixPath(shown).suffix.lower()
    target = folder / f"{index + 1:05d}{suffix if suffix.isascii() and len(suffix) <= 6 else ''}"
    special = ((info.external_attr >> 16) & 0o170000) in _SPECIAL_MODES
    readable = not (info.flag_bits & 0x1) and info.file_size <= limits.max_entry_bytes and not special
    if readable:
        try:
            _extract_member(archive, info, target, info.file_size)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
            target.unlink(missing_ok=True)
            yield SourceItem(key, None, where, problem or f"corrupt ZIP entry: {e}")
            return
    path = target if readable else None
    if problem is None and readable and info.file_size == 0:
        problem = EMPTY_FILE
    if problem is None and kind == "other":
        problem = _unsupported(target)
    yield SourceItem(key, path, where, problem)


def _unsupported(path: Path) -> str | None:
    """``None`` if the content is a scan kho reads despite its name, else the reason."""
    try:
        with open_regular(path) as fh:
            head = fh.read(1024)
    except InputError as e:
        return e.message
    if detect_kind(head) is not None:
        return None
    return "unsupported file type; kho reads PDF, TIFF, JPEG and PNG scans (and ZIPs of them)"


def _walk(root: Path) -> Iterator[Path]:
    """Every entry under ``root`` in a stable order, without following links to folders."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        for name in sorted(filenames):
            yield here / name
        for name in dirnames:
            if (here / name).is_symlink():
                yield here / name


def _special(path: Path) -> str | None:
    """Why ``path`` (not followed if a link) must not be opened, from ``lstat`` alone; ``None`` if it may."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as e:
        return f"cannot read the file: {e.strerror or e}"
    return None if stat.S_ISLNK(mode) else special_file_problem(mode)


def _file_items(path: Path, key: str, staging: Path, limits: ZipLimits, discovery: Discovery) -> Iterator[SourceItem]:
    origin = str(path)
    kind = classify_name(key)
    if kind == "ignored":
        return
    if kind == "side":
        discovery.skipped.append(key)
        return
    if path.is_symlink():
        yield SourceItem(key, None, origin, "symbolic link; not followed (copy the file itself)")
        return
    special = _special(path)
    if special:
        yield SourceItem(key, None, origin, special)
        return
    if kind == "archive":
        yield from _zip_items(path, key + "/", origin, staging, limits)
        return
    if _is_empty(path):
        yield SourceItem(key, path, origin, EMPTY_FILE)
        return
    yield SourceItem(key, path, origin, _unsupported(path) if kind == "other" else None)


def _is_empty(path: Path) -> bool:
    """Whether a regular file holds no byte (an unreadable one is judged later, with its own reason)."""
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def _root_items(root: Path, staging: Path, limits: ZipLimits, discovery: Discovery) -> Iterator[SourceItem]:
    if root.is_dir():
        for path in _walk(root):
            rel = nfc(path.relative_to(root).as_posix())
            yield from _file_items(path, rel, staging, limits, discovery)
    elif classify_name(root.name) == "archive" and not root.is_symlink() and not _special(root):
        yield from _zip_items(root, "", str(root), staging, limits)
    else:
        yield from _file_items(root, nfc(root.name), staging, limits, discovery)


def nothing_to_ingest(paths: Iterable[Path]) -> str | None:
    """:data:`NOTHING_TO_INGEST` if the inputs hold nothing :func:`discover` would plan, else ``None``.

    Cheap: folders are walked and ZIP directories read until the first candidate; nothing is
    extracted or opened besides ZIP directories. A missing, unreadable or corrupt input counts as
    something (it is quarantined with its reason).
    """
    for root in paths:
        if not root.exists() and not root.is_symlink():
            return None
        if root.is_dir():
            if any(_has_input(p, nfc(p.relative_to(root).as_posix())) for p in _walk(root)):
                return None
        elif _has_input(root, nfc(root.name)):
            return None
    return NOTHING_TO_INGEST


def _has_input(path: Path, key: str) -> bool:
    kind = classify_name(key)
    if kind in ("ignored", "side"):
        return False
    if kind != "archive" or path.is_symlink() or _special(path):
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            entries = zip_entries(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return True
    return any(
        not e.is_dir and classify_name(safe_member_name(e.name) or "unsafe") not in ("ignored", "side")
        for e in entries
    )


def discover(paths: Iterable[Path], staging: Path, limits: ZipLimits = ZipLimits()) -> Discovery:
    """Every input file under ``paths``; ZIP members are extracted under ``staging``.

    Keys are relative to the input they came from: ``sub/a.pdf`` for a file in a given folder, the
    member name for a given ZIP, ``scans.zip/a.pdf`` for a member of a ZIP found in a folder, the
    file name for a given file. When two inputs give the same key, both are prefixed with the
    name of their input (``folderA/a.pdf``). Missing paths become problem items.
    """
    discovery = Discovery()
    per_root: list[tuple[str, list[SourceItem]]] = []
    for root in paths:
        if not root.exists() and not root.is_symlink():
            per_root.append((root.name, [SourceItem(nfc(root.name), None, str(root), "not found")]))
            continue
        per_root.append((nfc(root.name), list(_root_items(root, staging, limits, discovery))))
    seen: dict[str, int] = {}
    for _, items in per_root:
        for item in items:
            seen[item.key] = seen.get(item.key, 0) + 1
    for root_name, items in per_root:
        for item in items:
            key = item.key if seen[item.key] == 1 else f"{root_name}/{item.key}"
            discovery.items.append(replace(item, key=key))
    return _unique(discovery)


def _unique(discovery: Discovery) -> Discovery:
    """Guarantee unique keys even when prefixing was not enough (numbered suffixes)."""
    counts: dict[str, int] = {}
    unique = []
    for item in discovery.items:
        n = counts.get(item.key, 0)
        counts[item.key] = n + 1
        unique.append(item if n == 0 else replace(item, key=f"{item.key}#{n + 1}"))
    discovery.items = unique
    return discovery
