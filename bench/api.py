"""Portal API benchmark: citizen lookups under gunicorn, embedded and Elasticsearch backends.

Usage (Elasticsearch and PostgreSQL from ``kho services up``; ``apt-get install wrk``)::

    .venv/bin/python bench/api.py --records 100000 --backends embedded,es --duration 30

Set-up (cached under ``~/.cache/kho/bench-api/<records>``, reused by later runs): ``--records``
minimal records are created through ``Repository.create`` (a small source and PDF each) with
synthetic metadata (bench/search_synthetic.py, no OCR), and the same documents are indexed
directly through the ``SearchIndex`` with their real record IDs.

Each backend is served by gunicorn (``web/gunicorn_conf.py``) on a loopback port and loaded by wrk
from a second process: ``GET /api/v1/citizens/{id}/documents`` with a portal key and a purpose,
90 % IDs that have documents, 10 % IDs that have none. Every request is a real lookup: key check
in the catalog, exact ID query on the index, an audit event written. The baseline in the same run
is ``GET /api/v1/openapi.json`` on the same server (no key, no backend: the Flask + gunicorn ceiling).

- embedded: filesystem store, SQLite FTS5 index, SQLite catalog;
- es: filesystem store, Elasticsearch index, PostgreSQL catalog (production engines).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from kho.backends import open_index  # noqa: E402
from kho.errors import ConfigError  # noqa: E402
from kho.services.endpoints import cache_dir, endpoints  # noqa: E402
from kho.settings import Settings, load_settings  # noqa: E402
from repository.catalog import Catalog  # noqa: E402
from repository.fsstore import FilesystemStore  # noqa: E402
from repository.layout import record_id_for  # noqa: E402
from repository.records import RecordFiles, Repository, SourceFile  # noqa: E402
from repository.schema import Provenance, RecordMetadata  # noqa: E402
from search.index import IndexDocument  # noqa: E402

ES_INDEX = "kho-bench-api"
PG_SCHEMA = "kho_bench_api"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

WRK_SCRIPT = r"""
local ids = {}
for line in io.lines(os.getenv("KHO_BENCH_IDS")) do ids[#ids + 1] = line end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end
function init(args)
  math.randomseed(tid * 7919 + os.time())
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("KHO_BENCH_KEY")
  wrk.headers["X-Purpose"] = "benchmark"
end
function request()
  if os.getenv("KHO_BENCH_PATH") ~= "" then return wrk.format("GET", os.getenv("KHO_BENCH_PATH")) end
  return wrk.format("GET", "/api/v1/citizens/" .. ids[math.random(#ids)] .. "/documents")
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'KHO_RESULT {"requests": %d, "duration_us": %d, "non_2xx": %d, "errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _load_corpus() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("kho_bench_search_synthetic", _HERE / "search_synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.SyntheticCorpus()


def source_bytes(i: int) -> bytes:
    """The (tiny) source file of synthetic record ``i``: it fixes the record ID."""
    return f"kho bench api scan {i}\n".encode()


def record_id(i: int) -> str:
    """The record ID of synthetic record ``i``."""
    return record_id_for([hashlib.sha256(source_bytes(i)).hexdigest()])


def documents(corpus: Any, count: int) -> Iterator[IndexDocument]:
    """The index documents of the synthetic records, with their real record IDs."""
    for i, doc in enumerate(corpus.documents(count)):
        yield replace(doc, record_id=record_id(i), page_count=len(doc.pages))


def metadata_of(doc: IndexDocument) -> RecordMetadata:
    """The record metadata matching an index document."""
    return RecordMetadata(
        citizen_ids=doc.citizen_ids, document_type=doc.document_type, document_number=doc.document_number,
        issued_on=doc.issued_on, issuer=doc.issuer, place=doc.place, locality=doc.locality,
        holder_name=doc.holder_name, summary=doc.summary, status=doc.status,  # type: ignore[arg-type]
        review_state=doc.review_state, page_count=doc.page_count,  # type: ignore[arg-type]
    )


def create_records(data: Path, count: int) -> None:
    """Create the records in the filesystem store (skipped when already done for this size)."""
    marker = data / f"records-{count}.done"
    if marker.exists():
        return
    repository = Repository(FilesystemStore(data / "store"))
    sources, pdf = data / "sources", data / "document.pdf"
    sources.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(PDF)
    provenance = Provenance(ingested_at=time_now(), software_version="bench")
    corpus = _load_corpus()
    started = time.perf_counter()

    def create(item: tuple[int, IndexDocument]) -> None:
        i, doc = item
        body = source_bytes(i)
        path = sources / f"{i}.pdf"
        path.write_bytes(body)
        source = SourceFile(path.name, path, hashlib.sha256(body).hexdigest(), len(body))
        outcome = repository.create(RecordFiles(sources=(source,), pdf=pdf), metadata_of(doc), provenance)
        assert outcome.record_id == doc.record_id
        path.unlink()

    with ThreadPoolExecutor(16) as pool:
        for n, _ in enumerate(pool.map(create, enumerate(documents(corpus, count))), 1):
            if n % 10_000 == 0:
                print(f"  records: {n} ({n / (time.perf_counter() - started):.0f}/s)", flush=True)
    marker.write_text("ok\n")


def time_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def lookup_ids(data: Path, count: int) -> Path:
    """A file of citizen IDs to look up: 90 % with documents, 10 % without."""
    path = data / f"ids-{count}.txt"
    if path.exists():
        return path
    corpus = _load_corpus()
    for _ in corpus.documents(count):
        pass
    rng = random.Random(5)
    known = list(dict.fromkeys(corpus.sample_ids))
    unknown = [f"0{rng.randint(10, 99)}1{rng.randint(40, 99)}9{rng.randint(0, 99999):05d}"
               for _ in range(len(known) // 9)]
    path.write_text("\n".join(known + unknown) + "\n")
    return path


def settings_for(backend: str, data: Path) -> Settings:
    """The settings of one benchmarked configuration."""
    values: dict[str, Any] = {
        "data_dir": data, "store_url": f"file://{data / 'store'}", "rate_limit": "100000000/minute",
        "log_level": "WARNING", "secret_key": "bench",
    }
    if backend == "embedded":
        values |= {"index_url": f"sqlite:///{data / 'index.sqlite3'}",
                   "catalog_url": f"sqlite:///{data / 'catalog.sqlite3'}"}
    else:
        pg = endpoints().postgres_url
        engine = create_engine(pg)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}"))
        engine.dispose()
        sep = "&" if "?" in pg else "?"
        values |= {"index_url": "http://127.0.0.1:9200", "index_name": ES_INDEX,
                   "catalog_url": f"{pg}{sep}options=-csearch_path%3D{PG_SCHEMA}"}
    return load_settings(environ={}, overrides=values)


def fill_index(settings: Settings, count: int) -> None:
    """Index the synthetic documents (rebuild) unless the index already holds ``count`` of them."""
    index = open_index(settings)
    try:
        try:
            if index.count() == count:
                return
        except ConfigError as e:  # an index of an older mapping/schema version: rebuilt below
            print(f"  {e.one_line()}", flush=True)
        started = time.perf_counter()
        result = index.rebuild(documents(_load_corpus(), count))
        print(f"  indexed {result.indexed} in {time.perf_counter() - started:.0f} s "
              f"({len(result.failures)} failures)", flush=True)
    finally:
        index.close()


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_of(settings: Settings) -> dict[str, str]:
    """The environment that makes ``load_settings()`` return ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    for name in ("data_dir", "store_url", "index_url", "index_name", "catalog_url", "rate_limit", "log_level",
                 "secret_key"):
        value = getattr(settings, name)
        env["KHO_" + name.upper()] = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return env


def start_gunicorn(settings: Settings, port: int, workers: int, threads: int, log: Path,
                   worker_class: str = "gthread") -> subprocess.Popen[bytes]:
    """gunicorn with the project's config on ``port``; returns once it answers."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:web.gunicorn_conf",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", worker_class,
               "--access-logfile", str(log), "--error-logfile", str(log.with_suffix(".err")), "web.wsgi:app"]
    process = subprocess.Popen(command, env=env_of(settings), cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log.with_suffix('.err')}") from None
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start in 120 s")


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _tree(pid: int) -> list[int]:
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if Path(f"/proc/{pid}").exists() else []:
        found += _tree(int(child))
    return found


def _by_name(*names: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the app (gunicorn tree), Elasticsearch (java) and PostgreSQL."""
    return {
        "app": sum(_cpu_seconds(p) for p in _tree(server_pid)),
        "elasticsearch": sum(_cpu_seconds(p) for p in _by_name("java")),
        "postgresql": sum(_cpu_seconds(p) for p in _by_name("postgres")),
    }


def wrk(port: int, ids: Path, key: str, duration: int, connections: int, path: str = "") -> dict[str, float]:
    """Run wrk (2 threads) against the server and return its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT)
        script = fh.name
    env = dict(os.environ, KHO_BENCH_IDS=str(ids), KHO_BENCH_KEY=key, KHO_BENCH_PATH=path)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script,
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, env=env, check=True)
    os.unlink(script)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    line = next(x for x in out.stdout.splitlines() if x.startswith("KHO_RESULT "))
    raw = json.loads(line.removeprefix("KHO_RESULT "))
    seconds = raw["duration_us"] / 1e6
    return {"requests": raw["requests"], "rps": raw["requests"] / seconds, "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000,
            "non_2xx": raw["non_2xx"], "errors": raw["errors"], "wrk_cpu_s": wrk_cpu}


def cpu_profile(settings: Settings, ids: Path, n: int = 400) -> dict[str, float]:
    """CPU milliseconds per request in this process (no HTTP server): the app's own cost, split up.

    ``time.process_time`` counts this process only, so the figures hold on a busy machine too; the
    index and catalog servers' own CPU is not included.
    """
    from search.index import SearchQuery
    from web.app import create_app

    app = create_app(settings)
    backends = app.extensions["kho"].backends
    _, key = backends.catalog.create_api_key("bench cpu", "portal")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}", "X-Purpose": "benchmark"}
    known = ids.read_text().split()
    rng = random.Random(3)

    def cpu(fn: Any) -> float:
        for _ in range(30):
            fn()
        start = time.process_time()
        for _ in range(n):
            fn()
        return (time.process_time() - start) / n * 1000

    def lookup() -> None:
        assert client.get(f"/api/v1/citizens/{rng.choice(known)}/documents", headers=headers).status_code == 200

    out = {
        "baseline GET /api/v1/openapi.json": cpu(lambda: client.get("/api/v1/openapi.json")),
        "citizen lookup (whole request)": cpu(lookup),
        "  of which index.search": cpu(lambda: backends.index.search(
            SearchQuery(citizen_id=rng.choice(known), sort="date", limit=1000, with_facets=False))),
        "  of which record_audit_event": cpu(lambda: backends.catalog.record_audit_event(
            actor="key:bench", actor_kind="key", action="bench", citizen_id="079085001234", purpose="b")),
    }
    backends.close()
    return out


def bench_backend(backend: str, data: Path, ids: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Fill the index, serve it with gunicorn, and load it with wrk; one row per measured load."""
    settings = settings_for(backend, data)
    print(f"[{backend}] index ...", flush=True)
    fill_index(settings, args.records)
    for what, ms in cpu_profile(settings, ids).items():
        print(f"[{backend}] CPU in the app process: {what}: {ms:.2f} ms", flush=True)
    catalog = Catalog.open(settings.effective_catalog_url)
    _, key = catalog.create_api_key(f"bench {backend}", "portal")
    catalog.close()
    port = free_port()
    process = start_gunicorn(settings, port, args.workers, args.threads, data / f"access-{backend}.log",
                             args.worker_class)
    rows = []
    try:
        wrk(port, ids, key, args.warmup, args.connections)  # warm-up: pools, caches, the JVM's compiled paths
        base = wrk(port, ids, key, args.duration, args.connections, path="/api/v1/openapi.json")
        rows.append({"backend": backend, "load": "baseline: GET /api/v1/openapi.json", **base})
        for connections in args.connection_levels:
            before = cpu_snapshot(process.pid)
            lookup = wrk(port, ids, key, args.duration, connections)
            after = cpu_snapshot(process.pid)
            per_request = {k: (after[k] - before[k]) * 1000 / max(1, lookup["requests"]) for k in before}
            per_request["wrk"] = lookup["wrk_cpu_s"] * 1000 / max(1, lookup["requests"])
            print(f"[{backend}] CPU ms per lookup ({connections} connections): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in per_request.items()), flush=True)
            rows.append({"backend": backend, "load": f"citizen lookup, {connections} connections", **lookup,
                         "cpu": per_request})
    finally:
        process.terminate()
        process.wait(30)
    for row in rows:
        print(f"[{backend}] {row['load']}: {row['rps']:.0f} req/s, p50 {row['p50_ms']:.1f} ms, "
              f"p95 {row['p95_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, max {row['max_ms']:.0f} ms, "
              f"non-2xx {row['non_2xx']}, errors {row['errors']}", flush=True)
    return rows


def main() -> None:
    """Parse arguments, prepare the data once, run each backend, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--backends", default="embedded,es")
    parser.add_argument("--duration", type=int, default=30, help="Seconds per measured load.")
    parser.add_argument("--connections", type=int, default=32, help="Connections of the baseline and warm-up.")
    parser.add_argument("--connection-levels", default="16,64", help="Connections of the measured lookup loads.")
    parser.add_argument("--warmup", type=int, default=30,
                        help="Seconds of lookups before measuring (steady state: Elasticsearch's JIT, pools, caches).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker.")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (gthread, sync).")
    args = parser.parse_args()
    args.connection_levels = [int(c) for c in args.connection_levels.split(",")]
    data = cache_dir() / "bench-api" / str(args.records)
    data.mkdir(parents=True, exist_ok=True)
    print(f"data: {data}", flush=True)
    create_records(data, args.records)
    ids = lookup_ids(data, args.records)
    rows = []
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    for backend in args.backends.split(","):
        rows += bench_backend(backend, data, ids, args)
    print(f"\ngunicorn: {args.workers} workers x {args.threads} threads ({args.worker_class}); wrk -t2, "
          f"{args.duration} s per load; {args.records} records; load average before: {load_before}")
    print("| backend | load | requests/s | p50 ms | p95 ms | p99 ms | non-2xx |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['load']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {r['non_2xx']} |")


if __name__ == "__main__":
    main()
