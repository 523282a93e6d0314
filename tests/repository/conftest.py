"""Fixtures of the repository tests: both object stores, and synthetic records with known content."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kho.services.endpoints import Endpoints
from repository.fsstore import FilesystemStore
from repository.objectstore import ObjectStore
from repository.records import RecordFiles, SourceFile
from repository.s3store import S3Store
from repository.schema import OcrSettings, Provenance, RecordMetadata

MIN_PART = 5 * 1024 * 1024
_prefix_counter = itertools.count(1)


@pytest.fixture(scope="session")
def s3_bucket(minio_endpoints: Endpoints) -> Iterator[S3Store]:
    """A fresh bucket for this test session on the real MinIO, emptied and removed at the end."""
    bucket = f"kho-test-{secrets.token_hex(4)}"
    store = S3Store.connect(
        minio_endpoints.s3_endpoint, minio_endpoints.s3_access_key, minio_endpoints.s3_secret_key, bucket
    )
    store.ensure_bucket()
    yield store
    store.remove_all(remove_bucket=True)


@pytest.fixture
def s3_store(s3_bucket: S3Store) -> S3Store:
    """An S3 store under a key prefix of its own in the session bucket (small parts: multipart at 5 MiB)."""
    prefix = f"t{next(_prefix_counter):04d}-{secrets.token_hex(3)}/"
    return S3Store(s3_bucket.client, s3_bucket.bucket, prefix=prefix, endpoint=s3_bucket.endpoint, part_size=MIN_PART)


@pytest.fixture
def fs_store(tmp_path: Path) -> FilesystemStore:
    """A filesystem store in a fresh folder."""
    return FilesystemStore(tmp_path / "store")


@pytest.fixture(params=["fs", pytest.param("s3", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """Each object store backend in turn."""
    return request.getfixturevalue("fs_store" if request.param == "fs" else "s3_store")


def _write(path: Path, data: bytes) -> SourceFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return SourceFile(name=path.name, path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


MakeFiles = Callable[..., RecordFiles]


@pytest.fixture
def make_files(tmp_path: Path) -> MakeFiles:
    """Build a :class:`RecordFiles` of synthetic files; ``seed`` makes the source (and so the ID) differ."""

    def make(seed: str = "a", pages: int = 2) -> RecordFiles:
        folder = tmp_path / "files" / seed
        source = _write(folder / f"Quyết định {seed}.PDF", f"%PDF-1.4 source {seed}\n".encode() * 50)
        pdf = _write(folder / "searchable.pdf", b"%PDF-1.7 searchable " + seed.encode() * 100).path
        images = tuple(
            _write(folder / f"page{i}.png", b"\x89PNG page %d " % i + seed.encode()).path for i in range(pages)
        )
        thumbs = tuple(_write(folder / f"thumb{i}.jpg", b"\xff\xd8 thumb %d" % i).path for i in range(pages))
        texts = [f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM trang {i + 1} {seed}" for i in range(pages)]
        return RecordFiles(
            sources=(source,),
            pdf=pdf,
            page_images=images,
            thumbnails=thumbs,
            ocr_json={"pages": [{"page": i + 1, "text": t} for i, t in enumerate(texts)]},
            ocr_text="\f".join(texts),
        )

    return make


@pytest.fixture
def metadata() -> RecordMetadata:
    """Typical extracted metadata."""
    return RecordMetadata(
        citizen_ids=("049085001234",),
        document_type="Quyết định",
        document_number="07/QĐ-UBND",
        issuer="UBND huyện Bắc Trà My",
        holder_name="Nguyễn Văn An",
        page_count=2,
    )


@pytest.fixture
def provenance() -> Provenance:
    """Provenance of a test ingest."""
    return Provenance(
        batch_id="batch-1",
        ingested_at=datetime(2025, 3, 1, 8, 30, tzinfo=UTC),
        ingested_by="tester",
        software_version="0.1.0",
        ocr=OcrSettings(engine_version="5.3.0", lang="vie", dpi=300),
    )
