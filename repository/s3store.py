"""MinIO / S3 object store through the ``minio`` SDK (the production backend).

* Integrity on upload: every request body is signed with its SHA-256 (plain HTTP) or sent with
  ``Content-MD5`` (HTTPS) by the SDK, so the server rejects a corrupted part; single-part uploads
  also carry ``x-amz-checksum-sha256`` of the whole object, which the server checks. The object's
  SHA-256 is kept in user metadata (``x-amz-meta-sha256``) and the stored size is checked after
  the upload.
* Large files go up in parts (``part_size``, default 16 MiB) and appear atomically when complete.
* Transient failures (connection errors, 500/502/503/504, ``SlowDown``) are retried with
  exponential backoff by the HTTP pool; an unreachable server becomes one
  :class:`~kho.errors.ServiceUnavailableError` naming the endpoint.
* The bucket is created on first write if it does not exist.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError

from kho.errors import ConfigError, ConflictError, InputError, IntegrityError, NotFoundError, ServiceUnavailableError
from kho.settings import Settings
from repository.fsstore import check_key
from repository.objectstore import ObjectInfo

DEFAULT_PART_SIZE = 16 * 1024 * 1024
SHA256_META = "sha256"
_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchBucket", "ResourceNotFound", "NoSuchObject"})
_BAD_CREDENTIALS = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"})
#: What S3/MinIO answer to a conditional write (``If-None-Match: *``) when the key is taken.
_KEY_TAKEN = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
_BAD_CHECKSUM = frozenset(
    {"BadDigest", "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch", "InvalidDigest"}
)


def parse_endpoint(endpoint: str) -> tuple[str, bool]:
    """``(host:port, secure)`` from ``host:port`` (plain HTTP) or ``http(s)://host:port``."""
    text = endpoint.strip()
    if "://" not in text:
        return text.rstrip("/"), False
    url = urlparse(text)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError("must be host:port or http(s)://host:port", subject="KHO_S3_ENDPOINT")
    return url.netloc, url.scheme == "https"


def parse_store_url(store_url: str) -> tuple[str, str]:
    """``(bucket, key prefix)`` from ``s3://BUCKET`` or ``s3://BUCKET/PREFIX``."""
    url = urlparse(store_url)
    if url.scheme != "s3" or not url.netloc:
        raise ConfigError("must be s3://BUCKET for the S3 store", subject="KHO_STORE_URL")
    prefix = url.path.strip("/")
    return url.netloc, (prefix + "/" if prefix else "")


def http_pool(retries: int = 4, backoff: float = 0.25, connect_timeout: float = 5.0) -> urllib3.PoolManager:
    """The HTTP pool of the SDK: timeouts, and retries with exponential backoff on transient errors."""
    retry = urllib3.Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_max=10,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=None,
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=120), maxsize=8, retries=retry
    )


def create_headers(data: bytes, content_type: str) -> dict[str, str | list[str] | tuple[str]]:
    """The headers of a create-if-absent PUT: the condition, the type, and the SHA-256 (checked and kept)."""
    sha256 = hashlib.sha256(data).hexdigest()
    return {
        "If-None-Match": "*",
        "Content-Type": content_type,
        "x-amz-meta-" + SHA256_META: sha256,
        "x-amz-checksum-sha256": base64.b64encode(bytes.fromhex(sha256)).decode("ascii"),
    }


class _ResponseStream(io.RawIOBase):
    """A readable stream over an SDK response that releases the connection when closed."""

    def __init__(self, response: Any, key: str):
        self._response = response
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._response.read(len(buffer))
        except (urllib3.exceptions.HTTPError, OSError) as e:
            raise ServiceUnavailableError(f"reading the object failed: {e}", subject=self._key) from e
        n = len(data)
        memoryview(buffer)[:n] = data
        return n

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


class S3Store:
    """An :class:`~repository.objectstore.ObjectStore` in one bucket (optionally under a key prefix)."""

    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        prefix: str = "",
        endpoint: str = "",
        part_size: int = DEFAULT_PART_SIZE,
    ):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint = endpoint
        self.part_size = part_size
        self._bucket_ready = False

    def __repr__(self) -> str:
        return f"S3Store({self.endpoint!r}, bucket={self.bucket!r}, prefix={self.prefix!r})"

    @classmethod
    def connect(
        cls,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        prefix: str = "",
        region: str = "us-east-1",
        retries: int = 4,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> S3Store:
        """A store on the server at ``endpoint`` (``host:port`` or ``http(s)://host:port``)."""
        if not endpoint:
            raise ConfigError("the S3/MinIO endpoint is not set (host:port)", subject="KHO_S3_ENDPOINT")
        if not access_key or not secret_key:
            raise ConfigError("S3 credentials are not set", subject="KHO_S3_ACCESS_KEY")
        host, secure = parse_endpoint(endpoint)
        client = Minio(
            host,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http_pool(retries),
        )
        return cls(client, bucket, prefix=prefix, endpoint=host, part_size=part_size)

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        """The store named by ``settings.store_url`` (``s3://BUCKET``) on ``settings.s3_endpoint``."""
        bucket, prefix = parse_store_url(settings.effective_store_url)
        return cls.connect(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            bucket,
            prefix=prefix,
            region=settings.s3_region,
        )

    # Errors

    @contextlib.contextmanager
    def _translate(self, key: str) -> Iterator[None]:
        """Turn SDK and network exceptions into :mod:`kho.errors`."""
        try:
            yield
        except S3Error as e:
            if e.code in _NOT_FOUND:
                raise NotFoundError("no such object in the store", subject=key) from e
            if e.code in _KEY_TAKEN:
                raise ConflictError("an object already exists at this key; it was not replaced", subject=key) from e
            if e.code in _BAD_CREDENTIALS:
                raise ConfigError(
                    f"the object store refused the credentials ({e.code}); check KHO_S3_ACCESS_KEY "
                    "and KHO_S3_SECRET_KEY",
                    subject="KHO_S3_ACCESS_KEY",
                ) from e
            if e.code in _BAD_CHECKSUM:
                raise IntegrityError(
                    f"the server rejected the upload's checksum ({e.code})", subject=key
                ) from e
            raise ServiceUnavailableError(
                f"the object store failed ({e.code}: {e.message})", subject=key
            ) from e
        except (ServerError, InvalidResponseError) as e:
            raise ServiceUnavailableError(f"the object store failed: {e}", subject=key) from e
        except (urllib3.exceptions.HTTPError, OSError) as e:
            raise ServiceUnavailableError(
                f"cannot reach the object store at {self.endpoint} ({type(e).__name__}); "
                "is MinIO running? (`kho services up`)",
                subject=key,
            ) from e

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet."""
        if self._bucket_ready:
            return
        with self._translate(self.bucket):
            if not self.client.bucket_exists(self.bucket):
                with contextlib.suppress(S3Error):  # created meanwhile by another process
                    self.client.make_bucket(self.bucket)
        self._bucket_ready = True

    # Writing

    def _upload(self, key: str, stream: BinaryIO, size: int, sha256: str, content_type: str) -> ObjectInfo:
        self.ensure_bucket()
        metadata: dict[str, Any] = {SHA256_META: sha256}
        if size <= self.part_size:
            metadata["x-amz-checksum-sha256"] = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
        with self._translate(key):
            self.client.put_object(
                self.bucket,
                self._name(key),
                stream,
                size,
                content_type=content_type,
                metadata=metadata,
                part_size=self.part_size,
                num_parallel_uploads=2,
            )
        info = self.stat(key)
        if info.size != size or info.sha256 != sha256:
            raise IntegrityError(
                f"the stored object does not match what was sent (size {info.size} != {size} "
                "or checksum differs); retry the operation",
                subject=key,
            )
        return info

    def put_bytes(
        self, key: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Upload ``data`` to ``key``; the server checks its checksum; the SHA-256 goes in metadata."""
        sha256 = hashlib.sha256(data).hexdigest()
        return self._upload(key, io.BytesIO(data), len(data), sha256, content_type)

    def put_if_absent(
        self, key: str, data: bytes, *, content_type: str = "application/octet-stream"
    ) -> ObjectInfo:
        """Upload ``data`` only if ``key`` is free (conditional PUT, ``If-None-Match: *``).

        The server answers 412 PreconditionFailed when the key holds an object: nothing is replaced
        and :class:`ConflictError` is raised. The SDK's ``put_object`` cannot send that header (it
        turns unknown headers into user metadata), so the single PUT goes through its ``_put_object``;
        objects written this way are small (record versions). If the 412 answers our own retried
        request (the first answer was lost), the object holds our bytes and the write succeeded.
        """
        self.ensure_bucket()
        headers = create_headers(data, content_type)
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            with self._translate(key):
                self.client._put_object(self.bucket, self._name(key), data, headers)
        except ConflictError:
            info = self.stat(key)
            if info.sha256 != sha256 or info.size != len(data):
                raise
            return info
        info = self.stat(key)
        if info.size != len(data) or info.sha256 != sha256:
            raise IntegrityError("the stored object does not match what was sent; retry the operation", subject=key)
        return info

    def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> ObjectInfo:
        """Upload the file at ``path`` (hashed first, then streamed; multipart when large)."""
        check_key(key)
        try:
            with open(path, "rb") as fh:
                digest = hashlib.sha256()
                for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                    digest.update(chunk)
                size = fh.tell()
                fh.seek(0)
                info = self._upload(key, fh, size, digest.hexdigest(), content_type)
        except OSError as e:
            raise InputError(f"cannot read file: {e.strerror or e}", subject=str(path)) from e
        return info

    def delete(self, key: str) -> None:
        """Remove ``key`` (no error if absent)."""
        with contextlib.suppress(NotFoundError), self._translate(key):
            self.client.remove_object(self.bucket, self._name(key))

    # Reading

    def get_bytes(self, key: str) -> bytes:
        """The whole object; :class:`NotFoundError` if absent."""
        with self.open_stream(key) as fh:
            return fh.read()

    def open_stream(self, key: str, start: int = 0, length: int | None = None) -> BinaryIO:
        """A readable stream of the object (or of ``length`` bytes from ``start``); close it after use."""
        if length == 0:
            self.stat(key)
            return io.BytesIO(b"")
        with self._translate(key):
            response = self.client.get_object(self.bucket, self._name(key), offset=start, length=length or 0)
        return io.BufferedReader(_ResponseStream(response, key), buffer_size=256 * 1024)

    def stat(self, key: str) -> ObjectInfo:
        """Size, SHA-256 (user metadata), time and type; :class:`NotFoundError` if absent."""
        with self._translate(key):
            obj = self.client.stat_object(self.bucket, self._name(key))
        meta = obj.metadata or {}
        sha256 = meta.get("x-amz-meta-" + SHA256_META) or meta.get("X-Amz-Meta-Sha256")
        return ObjectInfo(
            key=key,
            size=int(obj.size or 0),
            sha256=sha256,
            modified=obj.last_modified,
            content_type=obj.content_type,
        )

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds an object."""
        try:
            self.stat(key)
        except NotFoundError:
            return False
        return True

    def list_keys(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key order (streamed page by page)."""
        full_prefix = self.prefix + prefix
        try:
            with self._translate(prefix or self.bucket):
                for obj in self.client.list_objects(self.bucket, prefix=full_prefix, recursive=True):
                    name = obj.object_name or ""
                    yield ObjectInfo(
                        key=name[len(self.prefix) :],
                        size=int(obj.size or 0),
                        modified=obj.last_modified,
                    )
        except NotFoundError:  # no bucket yet: no objects
            return

    def remove_all(self, *, remove_bucket: bool = False) -> None:
        """Delete every object under this store's prefix (and the bucket if asked): for tests and benches."""
        for info in list(self.list_keys()):
            self.delete(info.key)
        if remove_bucket:
            with contextlib.suppress(NotFoundError), self._translate(self.bucket):
                self.client.remove_bucket(self.bucket)
