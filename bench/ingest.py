"""Ingest benchmark: pages per minute end to end, against OCR alone on the same pages, in the same run.

A batch of about ``--pages`` synthetic scans (``kho corpus`` documents at every degradation level,
with their manifest; made once and cached under the kho cache dir) is

1. recognised with OCR alone: every page task of every file through one process pool of ``--jobs``
   workers (inspection in the parent, no page images, no PDF, nothing stored) — the baseline;
2. ingested end to end on the embedded defaults (filesystem store, SQLite FTS5 index, SQLite
   catalog) in a fresh data dir: ``create_batch`` + ``run_batch``;
3. ingested end to end on MinIO + Elasticsearch + PostgreSQL (``kho services up``; endpoints from
   ``kho.services.endpoints``), under a throw-away store prefix and index alias;
4. recognised with OCR alone again (the machine is shared: the two baselines show the drift).

Each end-to-end figure is divided by the mean of the two baselines. Target: at least 0.90.

Usage::

    .venv/bin/python bench/ingest.py                   # ~200 pages, all modes
    .venv/bin/python bench/ingest.py --pages 40 --no-servers
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

# This file is named ingest.py: keep its folder off sys.path so "ingest" (and "ocr") are kho's packages.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from elasticsearch import Elasticsearch  # noqa: E402

from ingest.service import create_batch, ocr_options, run_batch  # noqa: E402
from kho.backends import open_backends  # noqa: E402
from kho.services.endpoints import cache_dir, endpoints  # noqa: E402
from kho.settings import Settings, load_settings  # noqa: E402
from ocr.corpus.generate import generate_corpus, load_corpus  # noqa: E402
from ocr.pipeline import plan_tasks, run_page  # noqa: E402
from ocr.rasterize import inspect_source  # noqa: E402
from repository.s3store import S3Store  # noqa: E402

SEED = 11
PAGES_PER_DOCUMENT = 1.4


@dataclass(frozen=True)
class Run:
    """One timed run over the batch."""

    mode: str
    pages: int
    seconds: float

    @property
    def per_minute(self) -> float:
        return self.pages * 60.0 / self.seconds


def build_batch(pages: int, seed: int) -> Path:
    """A folder of documents totalling at least ``pages`` pages, with ``manifest.csv`` (cached)."""
    root = cache_dir() / "bench" / f"ingest-{pages}p-seed{seed}"
    batch = root / "batch"
    if (batch / "manifest.csv").exists():
        return batch
    shutil.rmtree(root, ignore_errors=True)
    count = int(pages / PAGES_PER_DOCUMENT) + 4
    while True:
        items = generate_corpus(root / "corpus", count, seed, manifest=True)
        if sum(len(i.pages) for i in items) >= pages:
            break
        count += 10
    chosen, total = [], 0
    for item in items:
        if total >= pages:
            break
        chosen.append(item.file)
        total += len(item.pages)
    rows = list(csv.DictReader(io.StringIO((root / "corpus" / "manifest.csv").read_text("utf-8"))))
    keep = [r for r in rows if r["file"] in set(chosen)]
    batch.mkdir(parents=True)
    for row in keep:
        shutil.copy(root / "corpus" / row["file"], batch / row["file"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(keep)
    (batch / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    return batch


def batch_pages(batch: Path) -> int:
    """Pages in the batch folder (from the cached corpus index)."""
    names = {p.name for p in batch.iterdir()}
    return sum(len(i.pages) for i in load_corpus(batch.parent / "corpus") if i.file in names)


def ocr_only(settings: Settings, batch: Path, jobs: int) -> Run:
    """Every page of the batch through one pool, recognition only."""
    options = replace(ocr_options(settings), images=False, text_pdf=False)
    files = sorted(p for p in batch.iterdir() if p.suffix in (".png", ".jpg", ".tif", ".pdf"))
    context = multiprocessing.get_context("forkserver")
    started = time.monotonic()
    tasks = [task for f in files for task in plan_tasks(inspect_source(f, options.limits), options)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        results = list(pool.map(run_page, tasks, chunksize=1))
    return Run("OCR only", len(results), time.monotonic() - started)


def end_to_end(mode: str, settings: Settings, batch: Path, jobs: int) -> Run:
    """``create_batch`` + ``run_batch`` with the manifest, timed."""
    backends = open_backends(settings)
    try:
        started = time.monotonic()
        created = create_batch(backends, [batch], batch / "manifest.csv", f"bench-{secrets.token_hex(4)}")
        summary = run_batch(backends, created.id, jobs)
        seconds = time.monotonic() - started
        if summary.failed or summary.quarantined or summary.stored_now != summary.documents:
            print(f"warning: {mode}: {summary.to_json()}", file=sys.stderr)
        return Run(mode, summary.pages_this_run, seconds)
    finally:
        if isinstance(backends.store, S3Store):
            backends.store.remove_all()
        backends.close()


def production_settings(data_dir: Path, tag: str) -> Settings:
    """Settings for MinIO + Elasticsearch + PostgreSQL under a throw-away prefix and alias."""
    env = {
        **endpoints().as_env(),
        "KHO_STORE_URL": f"s3://kho/bench-ingest-{tag}/",
        "KHO_INDEX_NAME": f"kho-bench-ingest-{tag}",
        "KHO_DATA_DIR": str(data_dir),
    }
    return load_settings(environ=env)


def drop_index(alias: str) -> None:
    """Delete the Elasticsearch indices behind a bench alias."""
    client = Elasticsearch(endpoints().elasticsearch_url, request_timeout=60)
    try:
        names = list(client.indices.get(index=f"{alias}-*", expand_wildcards="all").body)
        if names:
            client.indices.delete(index=",".join(names), ignore_unavailable=True)
    finally:
        client.close()


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-servers", action="store_true", help="skip MinIO + Elasticsearch + PostgreSQL")
    args = parser.parse_args()
    batch = build_batch(args.pages, args.seed)
    with tempfile.TemporaryDirectory(prefix="kho-bench-ingest-") as tmp:
        embedded = load_settings(environ={}, overrides={"data_dir": Path(tmp) / "embedded"})
        jobs = args.jobs or embedded.effective_jobs
        print(f"batch: {batch} ({batch_pages(batch)} pages), {jobs} workers", file=sys.stderr)
        runs = [ocr_only(embedded, batch, jobs), end_to_end("end to end, embedded", embedded, batch, jobs)]
        if not args.no_servers:
            tag = secrets.token_hex(4)
            try:
                runs.append(end_to_end("end to end, MinIO+ES+PostgreSQL",
                                       production_settings(Path(tmp) / "prod", tag), batch, jobs))
            finally:
                drop_index(f"kho-bench-ingest-{tag}")
        runs.append(ocr_only(embedded, batch, jobs))
    baselines = [r for r in runs if r.mode == "OCR only"]
    base = sum(r.per_minute for r in baselines) / len(baselines)
    print("| run | pages | seconds | pages/min | ÷ OCR only (mean of 2) |")
    print("|---|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r.mode} | {r.pages} | {r.seconds:.1f} | {r.per_minute:.1f} | {r.per_minute / base:.2f} |")


if __name__ == "__main__":
    main()
