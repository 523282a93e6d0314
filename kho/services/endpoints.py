"""Where the project's own servers listen, and the credentials they were started with.

Everything lives under the cache dir (``$KHO_CACHE_DIR`` or ``~/.cache/kho``) so that a second
``kho services up`` is fast. Tests and benchmarks read the endpoints from here.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ES_PORT = 9200
MINIO_PORT = 9000
MINIO_CONSOLE_PORT = 9001
PG_PORT = 55432
PG_USER = "kho"
PG_PASSWORD = "kho"
PG_TEST_DB = "kho_test"
REDIS_PORT = 56379


def cache_dir() -> Path:
    """The cache root for downloads, binaries, data dirs, logs and pid files."""
    return Path(os.environ.get("KHO_CACHE_DIR") or Path.home() / ".cache" / "kho")


@dataclass(frozen=True)
class MinioCredentials:
    """Root credentials of the project's MinIO server."""

    access_key: str
    secret_key: str


def minio_credentials(create: bool = False) -> MinioCredentials:
    """Read (or, with ``create``, generate once) MinIO's root credentials from a 0600 file."""
    path = cache_dir() / "minio" / "credentials.json"
    if not path.exists():
        if not create:
            return MinioCredentials("", "")
        path.parent.mkdir(parents=True, exist_ok=True)
        creds = {"access_key": "kho-" + secrets.token_hex(6), "secret_key": secrets.token_urlsafe(30)}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(creds, fh)
    data = json.loads(path.read_text())
    return MinioCredentials(data["access_key"], data["secret_key"])


@dataclass(frozen=True)
class Endpoints:
    """Connection details of the servers started by ``kho services up``."""

    elasticsearch_url: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    postgres_url: str
    redis_url: str = f"redis://127.0.0.1:{REDIS_PORT}/0"

    def as_env(self) -> dict[str, str]:
        """``KHO_*`` variables that point kho at these servers (production backends)."""
        return {
            "KHO_INDEX_URL": self.elasticsearch_url,
            "KHO_STORE_URL": "s3://kho",
            "KHO_S3_ENDPOINT": self.s3_endpoint,
            "KHO_S3_ACCESS_KEY": self.s3_access_key,
            "KHO_S3_SECRET_KEY": self.s3_secret_key,
            "KHO_CATALOG_URL": self.postgres_url,
        }


def endpoints() -> Endpoints:
    """The endpoints of the project's servers on 127.0.0.1."""
    creds = minio_credentials()
    return Endpoints(
        elasticsearch_url=f"http://127.0.0.1:{ES_PORT}",
        s3_endpoint=f"127.0.0.1:{MINIO_PORT}",
        s3_access_key=creds.access_key,
        s3_secret_key=creds.secret_key,
        postgres_url=f"postgresql+psycopg://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{PG_PORT}/{PG_TEST_DB}",
    )
