"""Search benchmark: bulk indexing, citizen-ID lookups, full text, filters + facets, deep pages, reindex.

Usage (Elasticsearch from ``kho services up`` on 127.0.0.1:9200)::

    .venv/bin/python bench/search.py --sqlite-sizes 100000 --es-sizes 100000,1000000 --reindex 100000

Documents are synthetic (bench/search_synthetic.py: realistic Vietnamese metadata and page text, no
OCR). Bulk rates are for ``SearchIndex.rebuild`` (the ``kho reindex`` path); the baseline is the
Python analysis alone (normalising and tokenising the same documents, no index). Query latencies
are compared with ``count()`` (one round trip) in the same run. Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

# This file is named search.py: keep its folder off sys.path so "search" is the kho package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from elasticsearch import Elasticsearch  # noqa: E402

from repository.layout import record_json_key, text_key  # noqa: E402
from repository.schema import HistoryEntry, ObjectEntry, Provenance, Record, RecordMetadata  # noqa: E402
from search.analysis import analyse  # noqa: E402
from search.es_index import ElasticsearchIndex  # noqa: E402
from search.index import IndexDocument, SearchIndex, SearchQuery  # noqa: E402
from search.normalize import fold  # noqa: E402
from search.places import load_places  # noqa: E402
from search.sqlite_index import SqliteIndex  # noqa: E402


def _load_synthetic() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("kho_bench_search_synthetic", _HERE / "search_synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.SyntheticCorpus


SyntheticCorpus = _load_synthetic()

ROOT = Path(__file__).resolve().parent.parent
ES_URL = "http://127.0.0.1:9200"
ACCENTED = ["quyết định cấp giấy phép xây dựng", "trợ cấp xã hội hằng tháng", "thửa đất ở tại nông thôn",
            "hộ nghèo", '"tình trạng hôn nhân"', "thu hồi đất dự án", "hộ kinh doanh cá thể", "Trà My",
            "chiều cao công trình", "Bắc Trà My quyết định"]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run_queries(index: SearchIndex, queries: list[SearchQuery]) -> list[float]:
    """Latency in ms of each query, run once each, in order."""
    out = []
    for q in queries:
        start = time.perf_counter()
        index.search(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def query_sets(corpus: Any, n: int, seed: int = 11) -> dict[str, list[SearchQuery]]:
    """The measured query mixes (``n`` each)."""
    rng = random.Random(seed)
    ids = corpus.sample_ids
    id_forms = [lambda c: c, lambda c: c[1:] if c.startswith("0") else c, lambda c: f"{c[:3]} {c[3:6]} {c[6:]}"]
    names = corpus.sample_names
    texts = [rng.choice(ACCENTED) if i % 2 else rng.choice(names) for i in range(n)]  # half subjects, half names
    types = ["Quyết định", "Giấy chứng nhận quyền sử dụng đất", "Trích lục khai sinh", "Giấy phép xây dựng"]
    places = ["Bắc Trà My", "Tam Kỳ", "Hội An", "Đại Lộc", "Trà My", "Hội An Tây"]

    def filtered() -> SearchQuery:
        start = date(2005 + rng.randint(0, 15), 1, 1)
        return SearchQuery(text=rng.choice(ACCENTED[:6]), document_type=rng.choice(types),
                           locality=rng.choice(places), date_from=start, date_to=date(start.year + 5, 12, 31))

    return {
        "citizen ID lookup": [SearchQuery(citizen_id=rng.choice(id_forms)(rng.choice(ids)), with_facets=False)
                              for _ in range(n)],
        "full text, accented": [SearchQuery(text=t, with_facets=False) for t in texts],
        "full text, unaccented": [SearchQuery(text=fold(t), with_facets=False) for t in texts],
        "full text + facets": [SearchQuery(text=t) for t in texts],
        "filtered + faceted": [filtered() for _ in range(n)],
        "filters only + facets": [SearchQuery(document_type=rng.choice(types), locality=rng.choice(places),
                                              status="valid") for _ in range(n)],
        "list all + facets": [SearchQuery() for _ in range(max(5, n // 10))],
        "deep page (offset 50 000)": [SearchQuery(offset=50_000, limit=20, sort="date", with_facets=False)
                                      for _ in range(max(3, n // 50))],
    }


def analysis_rate(corpus: Any, n: int) -> float:
    """Documents per second for generating + analysing alone (the baseline of bulk indexing)."""
    places = load_places()
    start = time.perf_counter()
    for doc in corpus.documents(n, start=10_000_000):
        analyse(doc, places)
    return n / (time.perf_counter() - start)


def bench_backend(name: str, index: SearchIndex, size: int, n_queries: int, reuse: bool = False
                  ) -> dict[str, object]:
    """Bulk-load ``size`` documents with ``rebuild`` (unless ``reuse`` finds them) and time the query mixes."""
    corpus = SyntheticCorpus()
    baseline = analysis_rate(SyntheticCorpus(seed=99), min(size, 5000))
    seconds = float("nan")
    if reuse and index.count() == size:
        for i in range(0, size, 97):  # the samples the generator would have kept
            corpus.document(i)
        print(f"[{name} {size}] reusing the index left by an earlier run", flush=True)
    else:
        start = time.perf_counter()
        result = index.rebuild(corpus.documents(size))
        seconds = time.perf_counter() - start
        print(f"[{name} {size}] rebuild: {result.indexed} docs in {seconds:.1f} s ({size / seconds:.0f} docs/s, "
              f"{len(result.failures)} failures); analysis alone {baseline:.0f} docs/s", flush=True)
    sets = query_sets(corpus, n_queries)
    run_queries(index, sets["full text, accented"][:20] + sets["citizen ID lookup"][:20])  # warm-up
    ping = timed(index.count, 30)
    rows: dict[str, object] = {"backend": name, "size": size, "bulk_docs_s": size / seconds,
                               "analysis_docs_s": baseline, "count_ms_p50": pct(ping, 50), "queries": {}}
    for label, queries in sets.items():
        lat = run_queries(index, queries)
        rows["queries"][label] = {"n": len(lat), "p50": pct(lat, 50), "p95": pct(lat, 95),  # type: ignore[index]
                                  "p99": pct(lat, 99), "mean": statistics.fmean(lat)}
        print(f"[{name} {size}] {label:28s} p50 {pct(lat, 50):7.1f}  p95 {pct(lat, 95):7.1f}  "
              f"p99 {pct(lat, 99):7.1f} ms  (count() p50 {pct(ping, 50):.1f} ms)", flush=True)
    return rows


# kho reindex of a real (filesystem) repository


def _record(doc: IndexDocument, text: bytes) -> Record:
    import hashlib

    meta = RecordMetadata(citizen_ids=doc.citizen_ids, document_type=doc.document_type,
                          document_number=doc.document_number, issued_on=doc.issued_on, issuer=doc.issuer,
                          place=doc.place, locality=doc.locality, holder_name=doc.holder_name, summary=doc.summary,
                          status=doc.status, review_state=doc.review_state,  # type: ignore[arg-type]
                          page_count=len(doc.pages))
    record_id = "kho-" + hashlib.sha256(doc.record_id.encode()).hexdigest()[:20]
    assert doc.ingested_at is not None
    entry = ObjectEntry(key=text_key(record_id), role="text", size=len(text), sha256=hashlib.sha256(text).hexdigest(),
                        content_type="text/plain; charset=utf-8")
    return Record(record_id=record_id, version=1, metadata=meta,
                  provenance=Provenance(ingested_at=doc.ingested_at, software_version="bench"),
                  objects=(entry,), history_entry=HistoryEntry(actor="bench", at=doc.ingested_at, reason="ingest"))


def build_repository(root: Path, size: int) -> None:
    """Write ``size`` records (record.json + OCR text) in the filesystem store layout, without fsync.

    Bench set-up only: ``Repository.create`` fsyncs ~25 times per record (docs/benchmarks.md,
    Repository), which would take hours for 100k records; reindex reads the same layout.
    """
    store = root / "store"
    if (store / "records").is_dir() and sum(1 for _ in (store / "records").iterdir()) == size:
        return
    shutil.rmtree(root, ignore_errors=True)
    for doc in SyntheticCorpus(seed=3).documents(size):
        text = "\f".join(doc.pages).encode()
        record = _record(doc, text)
        for key, data in ((text_key(record.record_id), text),
                          (record_json_key(record.record_id), record.to_json_bytes())):
            path = store / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def time_reindex(root: Path, env_extra: dict[str, str], label: str) -> dict[str, object]:
    """Run ``kho reindex --json`` as a user would and time it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update({"KHO_DATA_DIR": str(root), **env_extra})
    start = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "kho"), "reindex", "--json"], env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    report = json.loads(done.stdout) if done.stdout.strip() else {"error": done.stderr[-500:]}
    indexed = int(report.get("indexed", 0))
    print(f"[reindex {label}] exit {done.returncode}: {indexed} records in {seconds:.1f} s "
          f"({indexed / seconds:.0f} records/s)", flush=True)
    return {"label": label, "seconds": seconds, "indexed": indexed, "exit": done.returncode}


def _es_indexes(alias: str, keep: bool = False) -> Iterator[ElasticsearchIndex]:
    client = Elasticsearch(ES_URL, request_timeout=300)
    index = ElasticsearchIndex(client, alias, url=ES_URL)
    try:
        yield index
    finally:
        names = list(client.indices.get(index=f"{alias}-*").body)
        if names and not keep:
            client.indices.delete(index=",".join(names))
        client.close()


def main() -> None:
    """Parse arguments, run the requested measurements, print JSON results at the end."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite-sizes", default="100000")
    parser.add_argument("--es-sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reindex", type=int, default=100_000, help="records for the kho reindex timing; 0: skip")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kho-bench-search"))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark indexes (SQLite files, ES indices)")
    parser.add_argument("--reuse", action="store_true", help="query indexes kept by --keep instead of rebuilding")
    args = parser.parse_args()
    results: list[object] = []
    args.work.mkdir(parents=True, exist_ok=True)
    for size in [int(s) for s in args.sqlite_sizes.split(",") if s]:
        path = args.work / f"bench-{size}.sqlite3"
        if not args.reuse:
            for leftover in args.work.glob(f"bench-{size}.sqlite3*"):
                leftover.unlink()
        results.append(bench_backend("sqlite", SqliteIndex(path), size, args.queries, args.reuse))
        if not args.keep:
            for leftover in args.work.glob(f"bench-{size}.sqlite3*"):
                leftover.unlink()
    for size in [int(s) for s in args.es_sizes.split(",") if s]:
        for index in _es_indexes(f"kho-bench-{size}", keep=args.keep):
            results.append(bench_backend("elasticsearch", index, size, args.queries, args.reuse))
    if args.reindex:
        repo = args.work / "repo"
        start = time.perf_counter()
        build_repository(repo, args.reindex)
        print(f"[reindex] repository of {args.reindex} records ready in {time.perf_counter() - start:.0f} s")
        results.append(time_reindex(repo, {}, "sqlite"))
        for _ in _es_indexes("kho-bench-reindex"):
            results.append(time_reindex(repo, {"KHO_INDEX_URL": ES_URL, "KHO_INDEX_NAME": "kho-bench-reindex"},
                                        "elasticsearch"))
    print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
