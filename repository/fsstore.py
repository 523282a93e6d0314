"""Filesystem object store (the embedded default): one file per key under a root folder.

Writes are atomic and durable: the data goes to a temporary file in the target folder, is
fsynced, renamed over the key and the folder is fsynced, so a reader (or a crash) sees either the
whole old object, the whole new one, or nothing. Keys are validated: no absolute paths, no ``..``,
no empty segments, nothing that could escape the root.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mimetypes
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from kho.errors import ConflictError, InputError, NotFoundError, ServiceUnavailableError
from repository.objectstore import ObjectInfo

TMP_PREFIX = ".kho-tmp-"
CHUNK = 1024 * 1024


def check_key(key: str) -> str:
    """``key`` if it is a safe relative ``/``-separated key; :class:`InputError` otherwise."""
    if not key or not isinstance(key, str):
        raise InputError("an object key must be a non-empty string", subject=repr(key))
    if key.startswith("/") or "\\" in key or "\x00" in key or (len(key) > 1 and key[1] == ":"):
        raise InputError("an object key must be a relative path with '/' separators", subject=key)
    for part in key.split("/"):
        if part in ("", ".", ".."):
            raise InputError("an object key may not contain empty, '.' or '..' segments", subject=key)
        if part.startswith(TMP_PREFIX):
            raise InputError(f"an object key segment may not start with {TMP_PREFIX}", subject=key)
    return key


def _guess_type(key: str) -> str | None:
    return mimetypes.guess_type(key)[0]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_content(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (compared by size, then SHA-256)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    digests = []
    for path in (a, b):
        with open(path, "rb") as fh:
            digests.append(hashlib.file_digest(fh, "sha256").hexdigest())
    return digests[0] == digests[1]


def _link_new(tmp: Path, target: Path, key: str) -> None:
    """Give the finished file ``tmp`` the name ``target`` only if that name is free (``link(2)`` is
    atomic and never replaces). If an object is there: success when it holds the same bytes (a
    repeated write), else :class:`ConflictError`."""
    try:
        os.link(tmp, target)
    except FileExistsError as e:
        if not _same_content(tmp, target):
            raise ConflictError("an object already exists at this key; it was not replaced", subject=key) from e


class _RangeReader(io.RawIOBase):
    """A read-only view of ``length`` bytes of an open file from its current position."""

    def __init__(self, fh: BinaryIO, length: int):
        self._fh = fh
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        n = self._fh.readinto(view)  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0

    def close(self) -> None:
        self._fh.close()
        super().close()


class FilesystemStore:
    """An :class:`~repository.objectstore.ObjectStore` on a local folder."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FilesystemStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def _ensure_dir(self, directory: Path) -> None:
        """Create ``directory`` and its missing parents, fsyncing each new entry's parent."""
        missing: list[Path] = []
        current = directory
        while not current.is_dir():
            missing.append(current)
            current = current.parent
        for folder in reversed(missing):
            with contextlib.suppress(FileExistsError):
                folder.mkdir()
            _fsync_dir(folder.parent)

    def _write_atomic(self, key: str, chunks: Iterator[bytes], *, exclusive: bool = False) -> ObjectInfo:
        """Write a temporary file, fsync it, then rename it over ``key`` (or, ``exclusive``, link it
        to ``key`` only if ``key`` does not exist: :class:`ConflictError` otherwise)."""
        target = self._path(key)
        try:
            self._ensure_dir(target.parent)
            tmp = target.parent / f"{TMP_PREFIX}{secrets.token_hex(8)}"
            digest = hashlib.sha256()
            size = 0
            try:
                with open(tmp, "xb") as fh:
                    for chunk in chunks:
                        digest.update(chunk)
                        size += len(chunk)
                        fh.write(chunk)
                    fh.flush()
                    os.fsync(fh.fileno())
                if exclusive:
                    _link_new(tmp, target, key)
                else:
                    os.replace(tmp, target)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            _fsync_dir(target.parent)
        except OSError as e:
            raise ServiceUnavailableError(
                f"cannot write to the object store folder: {e.strerror or e}", subject=str(target)
            ) from e
        return ObjectInfo(key=key, size=size, sha256=digest.hexdigest(), content_type=_guess_type(key))

    def put_bytes(
        self, key: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Store ``data`` at ``key`` atomically; the returned info carries its SHA-256."""
        return self._write_atomic(key, iter((bytes(data),)))

    def put_if_absent(
        self, key: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Store ``data`` at ``key`` only if nothing is there (exclusive link).

        The same bytes written again succeed (a retried write); other bytes raise :class:`ConflictError`.
        """
        return self._write_atomic(key, iter((bytes(data),)), exclusive=True)

    def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Copy the file at ``path`` to ``key`` atomically, streaming and hashing on the way."""
        try:
            with open(path, "rb") as fh:
                return self._write_atomic(key, iter(lambda: fh.read(CHUNK), b""))
        except OSError as e:
            raise InputError(f"cannot read file: {e.strerror or e}", subject=str(path)) from e

    def get_bytes(self, key: str) -> bytes:
        """The whole object; :class:`NotFoundError` if absent."""
        with self.open_stream(key) as fh:
            return fh.read()

    def open_stream(self, key: str, start: int = 0, length: int | None = None) -> BinaryIO:
        """A readable binary stream of the object, or of ``length`` bytes from ``start``."""
        path = self._path(key)
        try:
            fh = open(path, "rb")  # noqa: SIM115 - the caller closes the returned stream
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as e:
            raise NotFoundError("no such object in the store", subject=key) from e
        except OSError as e:
            raise ServiceUnavailableError(f"cannot read object: {e.strerror or e}", subject=key) from e
        if start:
            fh.seek(start)
        if length is None:
            return fh
        return io.BufferedReader(_RangeReader(fh, length))

    def stat(self, key: str) -> ObjectInfo:
        """Size, modification time and guessed content type; :class:`NotFoundError` if absent."""
        path = self._path(key)
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError) as e:
            raise NotFoundError("no such object in the store", subject=key) from e
        if not path.is_file():
            raise NotFoundError("no such object in the store", subject=key)
        return ObjectInfo(
            key=key,
            size=st.st_size,
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
            content_type=_guess_type(key),
        )

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove ``key`` (no error if absent)."""
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as e:
            raise ServiceUnavailableError(f"cannot delete object: {e.strerror or e}", subject=key) from e
        _fsync_dir(path.parent)

    def list_keys(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key (string) order, streamed."""
        base = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        start = self.root.joinpath(*check_key(base).split("/")) if base else self.root
        if not start.is_dir():
            return
        yield from self._walk(start, base, prefix)

    def _walk(self, folder: Path, folder_key: str, prefix: str) -> Iterator[ObjectInfo]:
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return
        # Sorting directories as "name/" yields the exact string order of the full keys.
        keyed = sorted(((e.name + "/" if e.is_dir() else e.name), e) for e in entries)
        for sort_name, entry in keyed:
            if entry.name.startswith(TMP_PREFIX):
                continue
            key = f"{folder_key}/{entry.name}" if folder_key else entry.name
            if sort_name.endswith("/"):
                if (key + "/").startswith(prefix) or prefix.startswith(key + "/"):
                    yield from self._walk(Path(entry.path), key, prefix)
            elif key.startswith(prefix) and entry.is_file():
                st = entry.stat()
                yield ObjectInfo(
                    key=key,
                    size=st.st_size,
                    modified=datetime.fromtimestamp(st.st_mtime, UTC),
                    content_type=_guess_type(key),
                )
