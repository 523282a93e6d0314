"""Cluster benchmark: the local process pool against a Dask cluster of as many workers, in one run,
and the coordinator's own cost per page (the pages per minute one coordinator can absorb).

A batch of about ``--pages`` synthetic scans (``kho corpus``, every degradation level, with its
manifest; cached under the kho cache dir) is ingested end to end on the embedded defaults
(``create_batch`` + ``run_batch``, a fresh data dir each time), ``--repeat`` times per mode in an
alternating order:

- ``local``: ``KHO_WORKERS`` empty, a process pool of ``--jobs`` workers (the baseline);
- ``cluster``: ``KHO_WORKERS`` = a local Dask scheduler with ``--jobs`` workers of one thread each
  (``kho.services.dask.LocalCluster``, as ``kho workers up`` starts them); every page travels to its
  worker as bytes and comes back as a result, as on a real cluster.

Then the **coordinator** alone: the same batch through the same ``BatchRun`` (hash, inspect, write
page files, extract fields, quality gate, store, index, catalog) with the pages' recognition
replayed from the cluster run's results in-process, so the wall time is only what the coordinator
spends: ``pages / time`` is the ceiling of one coordinator, and ``ceiling / (cluster pages per
minute per worker)`` the number of workers it can feed. ``--production`` measures that on MinIO +
Elasticsearch + PostgreSQL (``kho services up``) too.

The machine is shared (2 cores, several engineers): the load average is printed with the figures.

Usage::

    .venv/bin/python bench/cluster.py --pages 36 --jobs 2 --repeat 1
    .venv/bin/python bench/cluster.py --pages 36 --production
    .venv/bin/python bench/cluster.py --pages 36 --coordinator-only --production   # replay the kept pages

The recognised pages of the last run are kept (pickled) under the kho cache dir beside the batch, so
``--coordinator-only`` measures the coordinator again in seconds.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import pickle
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from ingest.runner import Callbacks, PagePool, run_pipeline  # noqa: E402
from ingest.service import _plan, create_batch, ocr_options, run_batch  # noqa: E402
from ingest.steps import BatchRun  # noqa: E402
from ingest.worker import IngestPage, recognise_page  # noqa: E402
from kho.backends import open_backends  # noqa: E402
from kho.services.dask import LocalCluster  # noqa: E402
from kho.services.endpoints import cache_dir, endpoints  # noqa: E402
from kho.settings import Settings, load_settings  # noqa: E402
from ocr.corpus.generate import generate_corpus  # noqa: E402
from ocr.pipeline import PageTask  # noqa: E402

SEED = 23
PORT = 58886


@dataclass
class Timing:
    """Pages and seconds of one mode over its runs."""

    mode: str
    pages: int = 0
    seconds: float = 0.0
    runs: list[float] = field(default_factory=list)

    @property
    def per_minute(self) -> float:
        """Pages per minute over all runs."""
        return self.pages * 60.0 / self.seconds if self.seconds else 0.0


def build_batch(pages: int, seed: int) -> Path:
    """A folder of documents totalling at least ``pages`` pages, with ``manifest.csv`` (cached)."""
    root = cache_dir() / "bench" / f"cluster-{pages}p-seed{seed}"
    batch = root / "batch"
    if (batch / "manifest.csv").exists():
        return batch
    shutil.rmtree(root, ignore_errors=True)
    items = generate_corpus(root / "corpus", int(pages / 1.2) + 2, seed, manifest=True)
    chosen, total = set(), 0
    for item in items:
        if total >= pages:
            break
        chosen.add(item.file)
        total += len(item.pages)
    batch.mkdir(parents=True)
    rows = list(csv.DictReader(io.StringIO((root / "corpus" / "manifest.csv").read_text("utf-8"))))
    keep = [r for r in rows if r["file"] in chosen]
    for row in keep:
        shutil.copyfile(root / "corpus" / row["file"], batch / row["file"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(keep)
    (batch / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    return batch


def ingest_once(settings: Settings, batch: Path, jobs: int) -> tuple[int, float]:
    """Ingest ``batch`` end to end on fresh backends; (pages, seconds)."""
    backends = open_backends(settings)
    try:
        record = create_batch(backends, [batch], manifest=batch / "manifest.csv")
        started = time.perf_counter()
        summary = run_batch(backends, record.id, jobs=jobs)
        seconds = time.perf_counter() - started
    finally:
        backends.close()
    if summary.failed or summary.quarantined:
        raise SystemExit(f"bench: {summary.failed} failed, {summary.quarantined} quarantined")
    return summary.pages_this_run, seconds


class Recorder:
    """Wraps the worker to keep every recognised page (for the coordinator's replay)."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, int], IngestPage] = {}

    def replay(self, task: PageTask) -> IngestPage:
        """The page recognised earlier for this file and index."""
        return self.pages[(task.source.path.name, task.index)]


def record_pages(settings: Settings, batch: Path, pool_factory: Callable[[], object]) -> Recorder:
    """Recognise every page of the batch once through the cluster (results kept by file and index)."""
    recorder = Recorder()
    backends = open_backends(settings)
    try:
        record = create_batch(backends, [batch], manifest=batch / "manifest.csv")
        options = ocr_options(settings)
        staging = settings.data_dir / "staging"
        planned, _ = _plan(backends, record, staging)
        run = BatchRun(backends, record, options, staging)
        pool = pool_factory()
        try:
            def keep(ready: object, pages: list[IngestPage]) -> None:
                tasks = ready_tasks[id(ready)]
                for task, page in zip(tasks, pages, strict=True):
                    recorder.pages[(task.source.path.name, task.index)] = page

            ready_tasks: dict[int, list[PageTask]] = {}

            def documents():
                for ready, tasks in run.prepared(planned):
                    ready_tasks[id(ready)] = list(tasks)
                    yield ready, tasks

            callbacks = Callbacks(on_done=keep, on_error=lambda d, e: (_ for _ in ()).throw(e))
            run_pipeline(documents(), pool, 6, callbacks, recognise_page)  # type: ignore[arg-type]
        finally:
            pool.close()  # type: ignore[attr-defined]
    finally:
        backends.close()
    return recorder


def coordinator_only(settings: Settings, batch: Path, recorder: Recorder) -> tuple[int, float, float]:
    """The coordinator's whole per-document work with recognition replayed in-process.

    Returns (pages, wall seconds, CPU seconds of this process: the coordinator's own work, without
    the servers').
    """
    backends = open_backends(settings)
    try:
        record = create_batch(backends, [batch], manifest=batch / "manifest.csv")
        started = time.perf_counter()
        cpu = time.process_time()
        options = ocr_options(settings)
        backends.index.ensure_ready()
        staging = settings.data_dir / "staging" / "coordinator"
        planned, _ = _plan(backends, record, staging)
        run = BatchRun(backends, record, options, staging)
        callbacks = Callbacks(on_done=run.finish, on_error=run.fail, on_tick=run.tick, on_page=run.keep_page)
        run_pipeline(run.prepared(planned), PagePool(1), 6, callbacks, recorder.replay)
        run.buffer.flush(refresh=True)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        if run.counters.failed or run.counters.quarantined:
            raise SystemExit(f"bench: coordinator run: {run.counters}")
        return run.counters.pages, seconds, cpu
    finally:
        backends.close()


def production_settings(data_dir: Path, tag: str) -> Settings:
    """Settings on MinIO + Elasticsearch + PostgreSQL under throw-away names."""
    env = endpoints().as_env()
    return load_settings(environ={}, overrides={
        "data_dir": data_dir, "store_url": f"s3://kho-bench-{tag}", "s3_endpoint": env["KHO_S3_ENDPOINT"],
        "s3_access_key": env["KHO_S3_ACCESS_KEY"], "s3_secret_key": env["KHO_S3_SECRET_KEY"],
        "index_url": env["KHO_INDEX_URL"], "index_name": f"kho-bench-{tag}", "catalog_url": env["KHO_CATALOG_URL"],
    })


def main() -> None:
    """Run the modes and print the figures (markdown rows for docs/benchmarks.md)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=36)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes in both modes")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--production", action="store_true", help="coordinator cost on MinIO + ES + PostgreSQL too")
    parser.add_argument("--coordinator-only", action="store_true", help="replay the pages kept by the last run")
    args = parser.parse_args()
    batch = build_batch(args.pages, args.seed)
    kept = batch.parent / "recognised-pages.pickle"
    tmp = Path(tempfile.mkdtemp(prefix="kho-bench-cluster-"))
    tmp.chmod(0o755)
    if args.coordinator_only:
        recorder = Recorder()
        recorder.pages = pickle.loads(kept.read_bytes())  # written by this script from its own run
        measure_coordinators(args, batch, recorder, tmp, per_worker=0.0)
        return
    recorder = compare_pools(args, batch, tmp)
    kept.write_bytes(pickle.dumps(recorder.pages))


def compare_pools(args: argparse.Namespace, batch: Path, tmp: Path) -> Recorder:
    """Local pool and cluster, interleaved; then one cluster pass that keeps every recognised page."""
    cluster = LocalCluster(tmp / "workers")
    address = cluster.up(args.jobs, port=PORT, dashboard_port=PORT + 1).scheduler or ""
    timings = {"local": Timing("local"), "cluster": Timing("cluster")}
    loads = [os.getloadavg()[0]]
    try:
        for turn in range(args.repeat):
            order = ["local", "cluster"] if turn % 2 == 0 else ["cluster", "local"]
            for mode in order:
                workers = address if mode == "cluster" else ""
                settings = load_settings(environ={}, overrides={"data_dir": tmp / f"{mode}-{turn}", "workers": workers})
                pages, seconds = ingest_once(settings, batch, args.jobs)
                timing = timings[mode]
                timing.pages += pages
                timing.seconds += seconds
                timing.runs.append(round(pages * 60 / seconds, 1))
                loads.append(os.getloadavg()[0])
                print(f"{mode:<8} turn {turn + 1}: {pages} pages in {seconds:.1f} s = {pages * 60 / seconds:.1f} "
                      f"pages/min (load {loads[-1]:.1f})", flush=True)
        cluster_settings = load_settings(environ={}, overrides={"data_dir": tmp / "record", "workers": address})
        from ingest.cluster import ClusterPool

        recorder = record_pages(cluster_settings, batch, lambda: ClusterPool(cluster_settings))
    finally:
        cluster.down()
    local, clustered = timings["local"], timings["cluster"]
    ratio = clustered.per_minute / local.per_minute if local.per_minute else 0.0
    per_worker = clustered.per_minute / args.jobs
    print()
    print(f"| local pool, {args.jobs} processes | {local.pages} | {local.per_minute:.1f} | {local.runs} |")
    print(f"| Dask cluster, {args.jobs} workers x 1 thread | {clustered.pages} | {clustered.per_minute:.1f} | "
          f"{clustered.runs} |")
    print(f"cluster / local = {ratio:.2f} (overhead {(1 - ratio) * 100:.1f} %); load average "
          f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")
    measure_coordinators(args, batch, recorder, tmp, per_worker)
    return recorder


def measure_coordinators(args: argparse.Namespace, batch: Path, recorder: Recorder, tmp: Path,
                         per_worker: float) -> None:
    """The coordinator's cost per page on the embedded backends (and the production ones)."""
    coordinators = {"embedded": load_settings(environ={}, overrides={"data_dir": tmp / "coord-embedded"})}
    if args.production:
        coordinators["MinIO+ES+PostgreSQL"] = production_settings(tmp / "coord-prod", secrets.token_hex(4))
    for name, settings in coordinators.items():
        loads = os.getloadavg()[0]
        try:
            pages, seconds, cpu = coordinator_only(settings, batch, recorder)
        except Exception as e:  # a backend's failure must not hide the other figures
            print(f"coordinator ({name}): failed: {type(e).__name__}: {e}", flush=True)
            continue
        ceiling = pages * 60 / seconds
        workers = f" = {ceiling / per_worker:.0f} workers at {per_worker:.1f} pages/min each" if per_worker else ""
        print(f"coordinator ({name}): {pages} pages in {seconds:.2f} s = {seconds / pages * 1000:.0f} ms/page "
              f"= ceiling {ceiling:.0f} pages/min{workers}; CPU {cpu / pages * 1000:.0f} ms/page = "
              f"{pages * 60 / cpu:.0f} pages/min per core (load {loads:.1f}-{os.getloadavg()[0]:.1f})", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
