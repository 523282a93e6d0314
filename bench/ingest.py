"""Ingest benchmark: pages per minute end to end, against OCR alone on the same pages, in the same run.

A batch of about ``--pages`` synthetic scans (``kho corpus`` documents at every degradation level,
with their manifest; made once and cached under the kho cache dir) is, ``--repeat`` times in an
order that rotates from one turn to the next (``--rounds N`` splits the batch into N parts first),

- recognised with OCR alone: every page task of every file through one process pool of ``--jobs``
  workers, no page images, no PDF, nothing stored; timed from the first task to the last result
  (files inspected and workers started before the clock starts) — the baseline, at its best;
- ingested end to end on the embedded defaults (filesystem store, SQLite FTS5 index, SQLite
  catalog): ``create_batch`` + ``run_batch`` with its manifest, timed whole (planning, worker
  start-up, hashing, inspection, OCR, storing, indexing, report);
- ingested end to end on MinIO + Elasticsearch + PostgreSQL (``kho services up``; endpoints from
  ``kho.services.endpoints``), under a throw-away store prefix and index alias.

The machine is shared with other jobs whose load changes by the minute; interleaving the modes
exposes all of them to the same load. Every end-to-end run starts on empty backends (a new data
dir; a new store prefix and index alias). Each mode's pages per minute over all its runs is divided
by the baseline's. Target: at least 0.90.

Usage::

    .venv/bin/python bench/ingest.py                   # ~200 pages, every mode twice
    .venv/bin/python bench/ingest.py --pages 200 --rounds 4 --repeat 1   # on a busy machine
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
from kho.backends import Backends, open_backends  # noqa: E402
from kho.services.endpoints import cache_dir, endpoints  # noqa: E402
from kho.settings import Settings, load_settings  # noqa: E402
from ocr.corpus.generate import generate_corpus, load_corpus  # noqa: E402
from ocr.pipeline import plan_tasks, run_page  # noqa: E402
from ocr.rasterize import inspect_source  # noqa: E402
from repository.s3store import S3Store  # noqa: E402

SEED = 11
PAGES_PER_DOCUMENT = 1.2
OCR_ONLY = "OCR only"
EMBEDDED = "end to end, embedded"
PRODUCTION = "end to end, MinIO+ES+PostgreSQL"


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
    return copy_with_manifest(root / "corpus", keep, batch, list(rows[0]))


def copy_with_manifest(source: Path, rows: list[dict[str, str]], target: Path, columns: list[str]) -> Path:
    """``rows``' files copied from ``source`` into a new folder ``target``, with a manifest of ``rows``."""
    target.mkdir(parents=True)
    for row in rows:
        shutil.copy(source / row["file"], target / row["file"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (target / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    return target


def batch_pages(batch: Path) -> int:
    """Pages in a batch folder (from the cached corpus index)."""
    names = {p.name for p in batch.iterdir()}
    root = batch.parent if (batch.parent / "corpus").is_dir() else batch.parent.parent
    return sum(len(i.pages) for i in load_corpus(root / "corpus") if i.file in names)


def split_batch(batch: Path, rounds: int) -> list[Path]:
    """The batch split into ``rounds`` folders of about equal page counts, each with its manifest (cached)."""
    root = batch.parent / f"rounds-{rounds}"
    parts = [root / str(i + 1) for i in range(rounds)]
    if all((p / "manifest.csv").exists() for p in parts):
        return parts
    shutil.rmtree(root, ignore_errors=True)
    pages = {i.file: len(i.pages) for i in load_corpus(batch.parent / "corpus")}
    rows = list(csv.DictReader(io.StringIO((batch / "manifest.csv").read_text("utf-8"))))
    share = sum(pages[r["file"]] for r in rows) / rounds
    groups: list[list[dict[str, str]]] = [[] for _ in range(rounds)]
    done = 0
    for row in rows:
        groups[min(rounds - 1, int(done / share))].append(row)
        done += pages[row["file"]]
    for part, group in zip(parts, groups, strict=True):
        copy_with_manifest(batch, group, part, list(rows[0]))
    return parts


def ocr_only(settings: Settings, batch: Path, jobs: int) -> Run:
    """Recognition alone, at its best: files inspected and workers started before the clock starts."""
    options = replace(ocr_options(settings), images=False, text_pdf=False)
    files = sorted(p for p in batch.iterdir() if p.suffix in (".png", ".jpg", ".tif", ".pdf"))
    tasks = [task for f in files for task in plan_tasks(inspect_source(f, options.limits), options)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        list(pool.map(abs, range(jobs * 4)))  # start every worker first
        started = time.monotonic()
        results = list(pool.map(run_page, tasks, chunksize=1))
        seconds = time.monotonic() - started
    return Run(OCR_ONLY, len(results), seconds)


def end_to_end(mode: str, backends: Backends, batch: Path, jobs: int) -> Run:
    """``create_batch`` + ``run_batch`` with the manifest, timed."""
    started = time.monotonic()
    created = create_batch(backends, [batch], batch / "manifest.csv", f"bench-{secrets.token_hex(4)}")
    summary = run_batch(backends, created.id, jobs)
    seconds = time.monotonic() - started
    if summary.failed or summary.quarantined or summary.stored_now != summary.documents:
        print(f"warning: {mode}: {summary.to_json()}", file=sys.stderr)
    return Run(mode, summary.pages_this_run, seconds)


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


def fresh_run(mode: str, part: Path, jobs: int, tmp: Path) -> Run:
    """One end-to-end run on empty backends of ``mode`` (a new data dir; a new prefix and alias)."""
    tag = secrets.token_hex(4)
    if mode == EMBEDDED:
        settings = load_settings(environ={}, overrides={"data_dir": tmp / f"embedded-{tag}"})
    else:
        settings = production_settings(tmp / f"prod-{tag}", tag)
    backends = open_backends(settings)
    try:
        return end_to_end(mode, backends, part, jobs)
    finally:
        if isinstance(backends.store, S3Store):
            backends.store.remove_all()
        backends.close()
        if mode == PRODUCTION:
            drop_index(f"kho-bench-ingest-{tag}")


def run_all(parts: list[Path], repeat: int, jobs: int, servers: bool, tmp: Path) -> list[Run]:
    """Every mode on every part, ``repeat`` times, the order rotating from one turn to the next."""
    modes = [OCR_ONLY, EMBEDDED, *([PRODUCTION] if servers else [])]
    settings = load_settings(environ={}, overrides={"data_dir": tmp / "ocr-only"})
    runs: list[Run] = []
    turn = 0
    for _ in range(repeat):
        for number, part in enumerate(parts):
            for mode in modes[turn % len(modes):] + modes[: turn % len(modes)]:
                run = ocr_only(settings, part, jobs) if mode == OCR_ONLY else fresh_run(mode, part, jobs, tmp)
                print(f"part {number + 1}: {mode}: {run.pages} pages in {run.seconds:.1f} s", file=sys.stderr)
                runs.append(run)
            turn += 1
    return runs


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="split the batch into this many parts")
    parser.add_argument("--repeat", type=int, default=2, help="run every mode on every part this many times")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-servers", action="store_true", help="skip MinIO + Elasticsearch + PostgreSQL")
    args = parser.parse_args()
    batch = build_batch(args.pages, args.seed)
    parts = split_batch(batch, args.rounds) if args.rounds > 1 else [batch]
    jobs = args.jobs or load_settings(environ={}).effective_jobs
    pages = sum(batch_pages(p) for p in parts)
    print(f"{pages} pages in {len(parts)} part(s), {args.repeat} turn(s), {jobs} workers", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="kho-bench-ingest-") as tmp:
        runs = run_all(parts, args.repeat, jobs, not args.no_servers, Path(tmp))
    totals: dict[str, tuple[int, float]] = {}
    for run in runs:
        done, seconds = totals.get(run.mode, (0, 0.0))
        totals[run.mode] = (done + run.pages, seconds + run.seconds)
    base = Run(OCR_ONLY, *totals[OCR_ONLY]).per_minute
    print("| run | pages | seconds | pages/min | ÷ OCR only |")
    print("|---|---:|---:|---:|---:|")
    for mode, (done, seconds) in totals.items():
        run = Run(mode, done, seconds)
        print(f"| {mode} | {done} | {seconds:.1f} | {run.per_minute:.1f} | {run.per_minute / base:.2f} |")


if __name__ == "__main__":
    main()
