"""The ``ObjectStore`` Protocol: the narrow interface every object-store backend satisfies.

Backends: :mod:`repository.fsstore` (filesystem, embedded default) and :mod:`repository.s3store`
(MinIO/S3, production). One contract test suite (``tests/repository/test_objectstore_contract.py``)
runs against both. Keys are ``/``-separated relative paths (no leading ``/``, no ``..``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable


@dataclass(frozen=True)
class ObjectInfo:
    """What the store knows of one object."""

    key: str
    size: int
    sha256: str | None = None
    modified: datetime | None = None
    content_type: str | None = None


@runtime_checkable
class ObjectStore(Protocol):
    """Put, read, stat, list and delete immutable objects by key."""

    def put_bytes(
        self, key: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Store ``data`` at ``key`` atomically (all or nothing), verifying its SHA-256 on the way."""
        ...

    def put_if_absent(
        self, key: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Store ``data`` at ``key`` only if ``key`` holds nothing yet (atomically, create-if-absent).

        If an object is already there it is left untouched and :class:`kho.errors.ConflictError`
        is raised (unless it holds exactly ``data``: a retried write succeeds): of several
        concurrent writers of different bytes to one key, exactly one succeeds.
        """
        ...

    def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store the file at ``path`` under ``key`` atomically (streamed; multipart when large)."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The whole object; :class:`kho.errors.NotFoundError` if absent."""
        ...

    def open_stream(self, key: str, start: int = 0, length: int | None = None) -> BinaryIO:
        """A readable stream of the object (or of the byte range ``start``..``start+length``)."""
        ...

    def stat(self, key: str) -> ObjectInfo:
        """Size (and checksum where the backend keeps one); :class:`NotFoundError` if absent."""
        ...

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; no error if it is already absent."""
        ...

    def list_keys(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key order."""
        ...
