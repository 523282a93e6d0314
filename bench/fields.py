"""Field extraction benchmark: precision and recall per field on the synthetic corpus.

Two readings of every document are scored against its truth fields:

* ``truth text`` — the exact text the renderer drew (the upper bound: extraction alone);
* ``OCR`` — the text ``ocr.pipeline`` recognises from the degraded scan (all levels).

With ``--real``, the real dev sets (``../shared/real-admin`` and ``../shared/real-scans``: scans and
born-digital PDFs with hand-written field truth in ``fields.jsonl``) are read with the pipeline and
scored the way the acceptance scores them (case-folded, ``alt`` spellings accepted), with the layout
reader against the previous text-pattern reader on the same OCR; ``kho-<file>.json`` outputs are
written for ``../shared/tools/score_fields.py``.

Usage::

    .venv/bin/python bench/fields.py --real                                    # the shared dev sets
    .venv/bin/python bench/fields.py --generate 140 --seed 7 --out /tmp/kho-bench-fields
    .venv/bin/python bench/fields.py --corpus /tmp/kho-bench-fields            # reuse scans
    .venv/bin/python bench/fields.py --corpus DIR --no-ocr                      # truth text only

OCR texts are cached in ``<corpus>/fields-ocr-cache.json`` so that re-scoring after a change to the
extractor does not OCR again (``--fresh`` ignores the cache). Citizen IDs are never printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and bench/ocr.py would shadow the ocr package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from ocr.corpus import CorpusItem, generate_corpus, load_corpus  # noqa: E402
from ocr.fields import extract_fields  # noqa: E402
from ocr.fields.evaluate import (  # noqa: E402
    FIELD_NAMES,
    HEADER_FIELDS,
    LIST_FIELDS,
    Scoreboard,
    combined,
    score_documents,
    score_real_documents,
)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
REAL_SETS = (SHARED / "real-admin", SHARED / "real-scans")
# Acceptance targets on real documents: type, number, date and issuer together, and issuer recall.
REAL_TOGETHER_TARGET = (0.90, 0.80)
REAL_ISSUER_RECALL_TARGET = 0.75

# (precision, recall) targets of the issue.
TARGETS: dict[str, tuple[float, float]] = {
    "citizen_ids": (0.97, 0.95),
    "document_number": (0.97, 0.95),
    "issued_on": (0.97, 0.95),
    "document_type": (0.97, 0.95),
    "issuer": (0.90, 0.90),
    "holder_name": (0.90, 0.90),
}
CACHE_NAME = "fields-ocr-cache-v4.pickle"  # v4: fill-in readings of the number too, and the hand reading


Reading = tuple[list[str], list[tuple], list, list[str]]  # texts, words, fill-in readings, set-aside layers


def _ocr_texts(
    items: Sequence[CorpusItem], cache_path: Path, jobs: int, fresh: bool, retry_failed: bool
) -> dict[str, Reading]:
    """Page texts and words per document id; failed documents get no pages (their fields count as missed)."""
    cache: dict[str, Reading] = {}
    if cache_path.is_file() and not fresh:
        cache = pickle.loads(cache_path.read_bytes())
    todo = [item for item in items if item.id not in cache or (retry_failed and not cache[item.id][0])]
    if todo:
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_ocr_pages_and_words, str(item.path)): item for item in todo}
            for future in as_completed(futures):
                result = future.result()
                if isinstance(result, str):
                    print(f"OCR failed on {futures[future].id} ({futures[future].level}): {result}")
                    result = ([], [], [], [])
                cache[futures[future].id] = result
                cache_path.write_bytes(pickle.dumps(cache))
        print(f"OCR of {len(todo)} documents: {time.perf_counter() - started:.0f} s with {jobs} workers")
    return cache


def _truth_rows(folder: Path) -> dict[str, dict]:
    """The corpus's ``truth.jsonl`` rows by file name (the acceptance's shape, with ``alt`` spellings)."""
    path = folder / "truth.jsonl"
    if not path.is_file():
        return {}
    return {row["file"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if row}


def _score(items: Sequence[CorpusItem], read: Mapping[str, Reading], layout: bool = True,
           truths: Mapping[str, dict] | None = None) -> tuple[Scoreboard, float]:
    """Score every item's fields; ``layout=False`` reads the text alone (no positioned words).

    With ``truths`` (``truth.jsonl`` rows) the header fields are scored as the acceptance scores them
    (case folded, ``alt`` spellings accepted); otherwise every field against the truth exactly.
    """
    started = time.perf_counter()
    pairs = []
    for item in items:
        texts, words, fill_ins, side = read[item.id]
        fields = extract_fields(texts, words if layout else None, fill_ins=fill_ins if layout else (),
                                side_texts=side)
        truth = (truths or {}).get(item.path.name) or item.fields.to_json()
        pairs.append((item.id, fields.values(), truth))
    elapsed = time.perf_counter() - started
    board = score_real_documents(pairs) if truths else score_documents(pairs)
    return board, elapsed / max(1, len(items))


def _ocr_pages_and_words(path: str) -> Reading | str:
    """Texts and positioned words of every page of one real document (worker process)."""
    from kho.errors import KhoError
    from kho.settings import load_settings
    from ocr.pipeline import OcrOptions, SerialExecutor, ocr_document

    options = OcrOptions.from_settings(load_settings())
    try:
        pages = ocr_document(Path(path), options, SerialExecutor()).pages
    except KhoError as e:
        return e.one_line()
    return ([p.text for p in pages], [tuple(p.words) for p in pages], [r for p in pages for r in p.fill_ins],
            [p.layer_text for p in pages if p.layer_text])


def _real_ocr(files: Sequence[Path], cache_dir: Path, jobs: int, fresh: bool) -> dict[Path, tuple]:
    """OCR of each file, cached by content hash in ``cache_dir`` (``--fresh`` reads again)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = {f: hashlib.sha256(f.read_bytes()).hexdigest()[:16] for f in files}
    out: dict[Path, tuple] = {}
    todo = []
    for f in files:
        cached = cache_dir / f"{keys[f]}.v4.pkl"
        if cached.is_file() and not fresh:
            out[f] = pickle.loads(cached.read_bytes())
        else:
            todo.append(f)
    if todo:
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_ocr_pages_and_words, str(f)): f for f in todo}
            for future in as_completed(futures):
                f = futures[future]
                result = future.result()
                if isinstance(result, str):
                    print(f"OCR failed on {f.name}: {result}")
                    result = ([], [], [], [])
                out[f] = result
                (cache_dir / f"{keys[f]}.v4.pkl").write_bytes(pickle.dumps(result))
        print(f"OCR of {len(todo)} real documents: {time.perf_counter() - started:.0f} s with {jobs} workers")
    return out


def _real_rows(folder: Path) -> list[dict]:
    truth = folder / "fields.jsonl"
    return [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_real(sets: Sequence[Path], out: Path, jobs: int, fresh: bool, errors: int) -> int:
    """Score the layout reader and the previous text reader on real dev sets; 0 when the targets are met."""
    present = [s for s in sets if (s / "fields.jsonl").is_file()]
    if not present:
        print(f"no real dev set found (looked for fields.jsonl in {', '.join(map(str, sets))})")
        return 2
    boards: dict[str, dict[str, Scoreboard]] = {}
    counts: dict[str, int] = {}
    all_new: list[tuple[str, dict, dict]] = []
    all_old: list[tuple[str, dict, dict]] = []
    for folder in present:
        rows = _real_rows(folder)
        read = _real_ocr([folder / r["file"] for r in rows], out / "ocr-cache", jobs, fresh)
        target = out / folder.name
        target.mkdir(parents=True, exist_ok=True)
        new_pairs, old_pairs = [], []
        for row in rows:
            texts, words, fill_ins, side = read[folder / row["file"]]
            new = extract_fields(texts, words, fill_ins=fill_ins, side_texts=side)
            (target / f"kho-{row['file']}.json").write_text(
                json.dumps({"file": row["file"], "fields": new.to_json()}, ensure_ascii=False), encoding="utf-8")
            new_pairs.append((row["file"], new.values(), row))
            old_pairs.append((row["file"], extract_fields(texts).values(), row))
        boards[folder.name] = {"previous (text patterns)": score_real_documents(old_pairs),
                               "kho (layout)": score_real_documents(new_pairs)}
        all_new += new_pairs
        all_old += old_pairs
        counts[folder.name] = len(rows)
    counts["all"] = len(all_new)
    boards["all"] = {"previous (text patterns)": score_real_documents(all_old),
                     "kho (layout)": score_real_documents(all_new)}
    for name, pair in boards.items():
        print(f"\n## {name}: {counts[name]} documents")
        print("| field | previous P | previous R | kho P | kho R |")
        print("|---|---|---|---|---|")
        for field_name in (*HEADER_FIELDS, "holder_name", "citizen_ids"):
            cells = []
            for board in pair.values():
                sc = board.scores[field_name]
                cells += [f"{sc.precision:.2f}", f"{sc.recall:.2f}"] if sc.tp + sc.fp + sc.fn else ["–", "–"]
            print(f"| {field_name} | {' | '.join(cells)} |")
        cells = []
        for board in pair.values():
            together = combined(board)
            cells += [f"{together.precision:.2f}", f"{together.recall:.2f}"]
        print(f"| **type+number+date+issuer** | {' | '.join(cells)} |")
    final = boards["all"]["kho (layout)"]
    together, issuer = combined(final), final.scores["issuer"]
    p_target, r_target = REAL_TOGETHER_TARGET
    ok = together.precision >= p_target and together.recall >= r_target and issuer.recall >= REAL_ISSUER_RECALL_TARGET
    print(f"\ntargets: together P ≥ {p_target} R ≥ {r_target}, issuer R ≥ {REAL_ISSUER_RECALL_TARGET}: "
          f"{'met' if ok else 'NOT met'} (P {together.precision:.2f}, R {together.recall:.2f}, "
          f"issuer R {issuer.recall:.2f})")
    print(f"outputs for ../shared/tools/score_fields.py: {out}/<set>/kho-<file>.json")
    print("\nmisses (file, field: truth | kho):")
    for doc_id, name, want, got in final.errors[:errors]:
        if name not in LIST_FIELDS:
            print(f"  {doc_id} {name}: {want!r} | {got!r}")
    return 0 if ok else 1


def _verdict(name: str, board: Scoreboard) -> str:
    if name not in TARGETS:
        return ""
    p, r = TARGETS[name]
    s = board.scores[name]
    return "ok" if s.precision >= p and s.recall >= r else f"BELOW ({p:.2f}/{r:.2f})"


def _print_table(title: str, boards: dict[str, Scoreboard]) -> None:
    print(f"\n{title}")
    columns = list(boards)
    print(f"| field | {' | '.join(f'{c} P | {c} R' for c in columns)} | target |")
    print(f"|---|{'---|---|' * len(columns)}---|")
    for name in FIELD_NAMES:
        cells = []
        for board in boards.values():
            s = board.scores[name]
            cells += [f"{s.precision:.3f}", f"{s.recall:.3f}"] if s.tp + s.fp + s.fn else ["–", "–"]
        verdict = _verdict(name, boards[columns[-1]])
        target = TARGETS.get(name)
        target_text = f"{target[0]:.2f}/{target[1]:.2f} {verdict}" if target else ""
        print(f"| {name} | {' | '.join(cells)} | {target_text} |")


def _print_errors(board: Scoreboard, limit: int) -> None:
    for doc_id, name, want, got in board.errors[:limit]:
        if name in LIST_FIELDS:
            print(f"  {doc_id} {name}: expected {len(want)}, got {len(got)}, common {len(set(want) & set(got))}")
        else:
            print(f"  {doc_id} {name}: expected {want!r}, got {got!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns 0 when every target is met on OCR text, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (with corpus.json)")
    parser.add_argument("--generate", type=int, metavar="N", help="generate N documents into --out first")
    parser.add_argument("--out", type=Path, default=Path("/tmp/kho-bench-fields"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-ocr", action="store_true", help="score the truth text only")
    parser.add_argument("--fresh", action="store_true", help="ignore cached OCR text")
    parser.add_argument("--retry-failed", action="store_true", help="OCR again the documents that failed")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--errors", type=int, default=15, help="how many errors to print")
    parser.add_argument("--real", nargs="*", type=Path, metavar="DIR",
                        help="score real dev sets (folders with fields.jsonl; default ../shared/real-admin "
                             "and ../shared/real-scans)")
    args = parser.parse_args(argv)
    if args.real is not None:
        return run_real(args.real or REAL_SETS, args.out / "real", args.jobs, args.fresh, args.errors)

    if args.generate:
        started = time.perf_counter()
        items = generate_corpus(args.out, args.generate, args.seed)
        print(f"generated {len(items)} documents in {args.out} ({time.perf_counter() - started:.0f} s)")
        folder = args.out
    else:
        folder = args.corpus or args.out
        items = load_corpus(folder)
    levels = sorted({item.level for item in items})
    print(f"corpus {folder}: {len(items)} documents, {sum(len(i.pages) for i in items)} pages, "
          f"levels {', '.join(levels)}")

    truths = _truth_rows(folder)
    truth_texts: dict[str, Reading] = {item.id: (list(item.page_texts), [], [], []) for item in items}
    truth_board, truth_time = _score(items, truth_texts, truths=truths)
    boards = {"truth text": truth_board}
    if not args.no_ocr:
        ocr_texts = _ocr_texts(items, folder / CACHE_NAME, args.jobs, args.fresh, args.retry_failed)
        boards["OCR, text patterns"] = _score(items, ocr_texts, layout=False, truths=truths)[0]
        ocr_board = _score(items, ocr_texts, truths=truths)[0]
        boards["OCR, layout"] = ocr_board
    _print_table("Precision (P) and recall (R) per field", boards)
    for name, board in boards.items():
        together = combined(board)
        print(f"type+number+date+issuer together, {name}: P {together.precision:.3f} R {together.recall:.3f}")
    print(f"\nextraction time per document: {truth_time * 1000:.1f} ms (truth text)")
    if args.no_ocr:
        _print_errors(truth_board, args.errors)
        return 0 if all(_verdict(n, truth_board) == "ok" for n in TARGETS) else 1

    by_level: dict[str, list[CorpusItem]] = defaultdict(list)
    for item in items:
        by_level[item.level].append(item)
    level_boards = {level: _score(by_level[level], ocr_texts, truths=truths)[0] for level in levels}
    _print_table("OCR text by degradation level", level_boards)
    print("\ntruth-text errors:")
    _print_errors(truth_board, args.errors)
    print("OCR errors:")
    _print_errors(ocr_board, args.errors)
    return 0 if all(_verdict(n, ocr_board) == "ok" for n in TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
