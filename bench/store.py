"""Repository benchmark: records per second written and read, on the filesystem and on MinIO.

One record is what ingest stores for a typical two-page result: the source PDF (~300 KB), two
archive page images (~200 KB each), the OCR text and JSON, the manifest and ``record.json`` (plus
its ``versions/1.json`` copy). Each backend is compared in the same run with a baseline that
writes/reads the same bytes with no checks at all (filesystem: ``write_bytes`` without fsync;
MinIO: bare ``put_object``), so the cost of atomicity, checksums and ``record.json`` is visible.

Usage::

    .venv/bin/python bench/store.py --records 200            # filesystem and MinIO (must be running)
    .venv/bin/python bench/store.py --records 200 --no-minio

MinIO is the project's server (``kho services up``); a fresh bucket is created and removed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kho.services.endpoints import endpoints
from repository.fsstore import FilesystemStore
from repository.objectstore import ObjectStore
from repository.records import RecordFiles, Repository, SourceFile
from repository.s3store import S3Store
from repository.schema import OcrSettings, Provenance, RecordMetadata

PDF_SIZE = 300 * 1024
IMAGE_SIZE = 200 * 1024


@dataclass(frozen=True)
class Result:
    """Records per second for one backend and operation, with its baseline."""

    backend: str
    operation: str
    records: int
    seconds: float
    baseline_seconds: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def baseline_rate(self) -> float:
        return self.records / self.baseline_seconds


def make_records(folder: Path, count: int) -> list[RecordFiles]:
    """``count`` distinct synthetic records written under ``folder``."""
    images = [folder / "page1.jpg", folder / "page2.jpg"]
    for image in images:
        image.write_bytes(os.urandom(IMAGE_SIZE))
    out = []
    for i in range(count):
        pdf = folder / f"scan-{i:05d}.pdf"
        data = b"%PDF-1.4\n" + os.urandom(PDF_SIZE - 9)
        pdf.write_bytes(data)
        source = SourceFile(pdf.name, pdf, hashlib.sha256(data).hexdigest(), len(data))
        text = f"QUYẾT ĐỊNH số {i}/QĐ-UBND\fTrang 2 của hồ sơ {i}"
        out.append(
            RecordFiles(
                sources=(source,),
                page_images=tuple(images),
                ocr_json={"pages": [{"page": n + 1, "text": t} for n, t in enumerate(text.split("\f"))]},
                ocr_text=text,
            )
        )
    return out


def metadata_and_provenance() -> tuple[RecordMetadata, Provenance]:
    """Typical metadata of a benchmark record."""
    meta = RecordMetadata(document_type="Quyết định", issuer="UBND huyện Bắc Trà My", page_count=2)
    prov = Provenance(
        batch_id="bench", ingested_at=datetime.now(UTC), software_version="bench", ocr=OcrSettings(dpi=300)
    )
    return meta, prov


def timed(fn: Callable[[], object]) -> float:
    """Seconds ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_repository(store: ObjectStore, records: list[RecordFiles]) -> tuple[float, float]:
    """Seconds to create every record, then to read every record and all its objects."""
    repo = Repository(store)
    meta, prov = metadata_and_provenance()
    ids: list[str] = []

    def write() -> None:
        ids.extend(repo.create(files, meta, prov).record_id for files in records)

    def read() -> None:
        for record_id in ids:
            record = repo.get(record_id)
            for entry in record.objects:
                with store.open_stream(entry.key) as fh:
                    while fh.read(1024 * 1024):
                        pass

    return timed(write), timed(read)


def payload(files: RecordFiles) -> list[tuple[str, bytes]]:
    """The bytes of one record as plain (name, data) pairs, for the baselines."""
    items = [(f"original{i}", s.path.read_bytes()) for i, s in enumerate(files.sources)]
    items += [(f"page{i}", p.read_bytes()) for i, p in enumerate(files.page_images)]
    items.append(("text", files.ocr_text.encode()))
    items.append(("record.json", b"{}" * 1000))
    return items


def baseline_fs(root: Path, records: list[RecordFiles], fsync: bool = False) -> tuple[float, float]:
    """Plain writes/reads of the same objects: no temp file, rename or checksum (fsync of each file if asked)."""

    def write() -> None:
        for n, files in enumerate(records):
            folder = root / f"r{n}"
            folder.mkdir(parents=True)
            for name, data in payload(files):
                with open(folder / name, "wb") as fh:
                    fh.write(data)
                    if fsync:
                        fh.flush()
                        os.fsync(fh.fileno())

    def read() -> None:
        for folder in root.iterdir():
            for path in folder.iterdir():
                path.read_bytes()

    return timed(write), timed(read)


def baseline_s3(store: S3Store, records: list[RecordFiles]) -> tuple[float, float]:
    """Bare ``put_object``/``get_object`` of the same objects: no checksum, stat or record.json."""
    names: list[str] = []

    def write() -> None:
        for n, files in enumerate(records):
            for name, data in payload(files):
                names.append(f"baseline/r{n}/{name}")
                store.client.put_object(store.bucket, names[-1], io.BytesIO(data), len(data))

    def read() -> None:
        for name in names:
            response = store.client.get_object(store.bucket, name)
            response.read()
            response.close()
            response.release_conn()

    return timed(write), timed(read)


def run_fs(records: list[RecordFiles], work: Path) -> list[Result]:
    """Filesystem store against its baseline."""
    write, read = bench_repository(FilesystemStore(work / "store"), records)
    base_write, base_read = baseline_fs(work / "baseline", records)
    sync_write, _ = baseline_fs(work / "baseline-fsync", records, fsync=True)
    n = len(records)
    return [
        Result("filesystem", "write", n, write, base_write),
        Result("filesystem", "write (vs fsync baseline)", n, write, sync_write),
        Result("filesystem", "read", n, read, base_read),
    ]


def run_minio(records: list[RecordFiles]) -> list[Result]:
    """MinIO store against its baseline, in a fresh bucket removed afterwards."""
    ep = endpoints()
    store = S3Store.connect(ep.s3_endpoint, ep.s3_access_key, ep.s3_secret_key, f"kho-bench-{secrets.token_hex(4)}")
    try:
        write, read = bench_repository(store, records)
        base_write, base_read = baseline_s3(store, records)
    finally:
        store.remove_all(remove_bucket=True)
    n = len(records)
    return [Result("minio", "write", n, write, base_write), Result("minio", "read", n, read, base_read)]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--no-minio", action="store_true", help="Skip MinIO.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kho-bench-store-") as tmp:
        work = Path(tmp)
        (work / "files").mkdir()
        records = make_records(work / "files", args.records)
        results = run_fs(records, work)
        if not args.no_minio:
            results += run_minio(records)
    mb = (PDF_SIZE + 2 * IMAGE_SIZE) / 1e6
    print(
        f"{args.records} records of ~{mb:.2f} MB each (PDF {PDF_SIZE // 1024} KB + 2 images "
        f"{IMAGE_SIZE // 1024} KB + OCR text/JSON, manifest, record.json, versions/1.json)"
    )
    print("| backend | operation | records/s | MB/s | baseline records/s | kho / baseline |")
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.backend} | {r.operation} | {r.rate:.1f} | {r.rate * mb:.1f} | {r.baseline_rate:.1f} "
            f"| {r.rate / r.baseline_rate:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
