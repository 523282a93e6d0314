"""OCR benchmark: kho against plain Tesseract and OCRmyPDF on the synthetic corpus, side by side.

For every document of the corpus (``ocr.corpus``; levels clean, light, medium, heavy, rotated,
photo, pdf200) each engine reads the scan in turn, one process each, and is scored against the
truth text:

* ``kho`` — ``ocr.pipeline.ocr_document`` with the default settings (text only, no PDF);
* ``tesseract`` — plain ``tesseract FILE - -l vie`` (PDF pages rendered by ``pdftoppm -r 300``);
* ``ocrmypdf`` — OCRmyPDF ``-l vie --rotate-pages --deskew --clean --force-ocr --output-type pdf
  --sidecar`` from a separate venv (``--ocrmypdf PATH``; skipped when absent).

Per level: median CER (NFC, whitespace folded), share of truth words missed, share of documents
whose citizen-ID digits all appear in the text, seconds per page. Then throughput (pages/min) of
kho's page worker and of plain Tesseract with 1 and 2 worker processes over the same pages.
Citizen IDs are never printed. Usage::

    .venv/bin/python bench/ocr.py --generate 56 --seed 11 --corpus /tmp/kho-bench-ocr \\
        --ocrmypdf /root/.cache/kho/bench-venv/bin/ocrmypdf
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Run as a script, this file's folder comes first on sys.path and "ocr" would import this very file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from kho.settings import load_settings  # noqa: E402
from ocr import runner  # noqa: E402
from ocr.corpus import CorpusItem, generate_corpus, load_corpus  # noqa: E402
from ocr.pipeline import OcrOptions, SerialExecutor, ocr_document, plan_tasks, run_page  # noqa: E402
from ocr.rasterize import inspect_source  # noqa: E402

TIMEOUT = 600.0
LEVEL_ORDER = ("clean", "light", "medium", "heavy", "rotated", "photo", "pdf200")
STRICT_LEVELS = {"clean", "light", "pdf200"}


def fold(text: str) -> str:
    """NFC with every run of whitespace (form feeds too) folded to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance between ``a`` and ``b`` (numpy, one vectorised row at a time)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1, dtype=np.int64)
    row = steps.copy()
    for i, char in enumerate(a, start=1):
        cost = (codes_b != ord(char)).astype(np.int64)
        best = np.empty_like(row)
        best[0] = i
        best[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        row = np.minimum.accumulate(best - steps) + steps  # insertions along the row
    return int(row[-1])


def cer(hypothesis: str, truth: str) -> float:
    """Character error rate of ``hypothesis`` against ``truth`` (both folded)."""
    ref = fold(truth)
    return levenshtein(fold(hypothesis), ref) / max(1, len(ref))


_WORD_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


def words(text: str) -> Counter[str]:
    """Words of ``text`` (NFC, punctuation stripped from their ends) as a multiset."""
    found = (_WORD_EDGES.sub("", w) for w in unicodedata.normalize("NFC", text).split())
    return Counter(w for w in found if w)


def missed_share(hypothesis: str, truth: str) -> float:
    """Share of the truth's words that the hypothesis lacks (multiset difference)."""
    want, got = words(truth), words(hypothesis)
    total = sum(want.values())
    return sum((want - got).values()) / total if total else 0.0


def ids_found(hypothesis: str, ids: Sequence[str]) -> bool:
    """True when every ID's digits appear in the text with whitespace removed."""
    squeezed = re.sub(r"\s+", "", hypothesis)
    return all(i in squeezed for i in ids)


# Engines: each returns the text of all pages (form feeds between pages).


def read_kho(path: Path) -> str:
    """kho's pipeline with default settings, pages serially in this process."""
    options = OcrOptions.from_settings(load_settings(environ={}))
    return ocr_document(path, options, SerialExecutor()).text


def _tesseract_image(image: Path, subject: str) -> str:
    done = runner.run(["tesseract", str(image), "-", "-l", "vie"], timeout=TIMEOUT, subject=subject)
    if not done.ok:
        raise RuntimeError(f"tesseract failed on {subject}: {done.stderr_text()}")
    return done.stdout.decode("utf-8", "replace")


def read_tesseract(path: Path) -> str:
    """Plain Tesseract on the file (PDFs rendered at 300 dpi first, as OCR needs images)."""
    if path.suffix.lower() != ".pdf":
        return _tesseract_image(path, str(path))
    with tempfile.TemporaryDirectory() as tmp:
        done = runner.run(["pdftoppm", "-r", "300", str(path), f"{tmp}/p"], timeout=TIMEOUT, subject=str(path))
        if not done.ok:
            raise RuntimeError(f"pdftoppm failed on {path}")
        return "\f".join(_tesseract_image(p, str(path)) for p in sorted(Path(tmp).glob("p*")))


def ocrmypdf_reader(program: str, image_dpi: int) -> Callable[[Path], str]:
    """A reader running OCRmyPDF 17 with rotation, deskew and unpaper cleaning; text from --sidecar."""

    def read(path: Path) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            sidecar = Path(tmp) / "side.txt"
            argv = [program, "-l", "vie", "--rotate-pages", "--deskew", "--clean", "--force-ocr",
                    "--output-type", "pdf", "--optimize", "0", "--jobs", "1", "--quiet",
                    "--image-dpi", str(image_dpi), "--sidecar", str(sidecar), str(path), f"{tmp}/out.pdf"]
            done = runner.run(argv, timeout=TIMEOUT, subject=str(path))
            if not done.ok:
                raise RuntimeError(f"ocrmypdf failed on {path.name}: {done.stderr_text()}")
            return sidecar.read_text("utf-8", "replace")

    return read


@dataclass
class Score:
    """One engine's reading of one document."""

    level: str
    pages: int
    seconds: float
    cer: float
    missed: float
    ids: bool | None


def score(item: CorpusItem, text: str, seconds: float) -> Score:
    """Score ``text`` read from ``item`` in ``seconds``."""
    ids = tuple(item.fields.citizen_ids)
    return Score(item.level, len(item.pages), seconds, cer(text, item.text), missed_share(text, item.text),
                 ids_found(text, ids) if ids else None)


def run_engines(items: Sequence[CorpusItem], engines: dict[str, Callable[[Path], str]]) -> dict[str, list[Score]]:
    """Every engine on every document, interleaved so machine load affects all alike."""
    scores: dict[str, list[Score]] = defaultdict(list)
    for number, item in enumerate(items, start=1):
        for name, read in engines.items():
            started = time.perf_counter()
            try:
                text = read(item.path)
            except Exception as e:  # a failing engine scores an empty reading, and says so
                print(f"  {name} failed on {item.file}: {e}", file=sys.stderr)
                text = ""
            scores[name].append(score(item, text, time.perf_counter() - started))
        if number % 7 == 0:
            print(f"  {number}/{len(items)} documents", file=sys.stderr)
    return scores


Row = dict[str, float | str | int]


def summarise(scores: list[Score], levels: Sequence[str]) -> list[Row]:
    """Per-level rows (and an ``all`` row) of median CER, missed words, ID recall and s/page."""
    rows: list[Row] = []
    for level in [*levels, "all"]:
        chosen = [s for s in scores if level in ("all", s.level)]
        if not chosen:
            continue
        with_ids = [s.ids for s in chosen if s.ids is not None]
        pages = sum(s.pages for s in chosen)
        rows.append({
            "level": level, "documents": len(chosen), "pages": pages,
            "median_cer": statistics.median(s.cer for s in chosen),
            "missed_words": statistics.fmean(s.missed for s in chosen),
            "id_recall": (sum(with_ids) / len(with_ids)) if with_ids else float("nan"),
            "s_per_page": sum(s.seconds for s in chosen) / pages,
        })
    return rows


def _tesseract_file(path: str) -> int:
    return len(read_tesseract(Path(path)))


def throughput(items: Sequence[CorpusItem], workers: int) -> tuple[float, float]:
    """Pages per minute of kho's page worker and of plain Tesseract (same pages; PDFs via pdftoppm)."""
    options = OcrOptions.from_settings(load_settings(environ={}))
    tasks = [t for item in items for t in plan_tasks(inspect_source(item.path, options.limits), options)]
    files = [str(item.path) for item in items]
    results = []
    for fn, work, pages in ((run_page, tasks, len(tasks)), (_tesseract_file, files, len(tasks))):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(fn, work[:workers]))   # warm the workers up
            started = time.perf_counter()
            list(pool.map(fn, work))
            results.append(pages * 60.0 / (time.perf_counter() - started))
    return results[0], results[1]


def markdown(rows_by_engine: dict[str, list[Row]]) -> str:
    """The per-level table, one line per level and engine."""
    lines = ["| level | engine | docs | pages | median CER | words missed | citizen-ID recall | s/page |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    levels = [r["level"] for r in next(iter(rows_by_engine.values()))]
    for level in levels:
        for engine, rows in rows_by_engine.items():
            row = next(r for r in rows if r["level"] == level)
            lines.append(
                f"| {level} | {engine} | {row['documents']} | {row['pages']} | {float(row['median_cer']):.2%} | "
                f"{float(row['missed_words']):.1%} | {float(row['id_recall']):.2f} | {float(row['s_per_page']):.2f} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/kho-bench-ocr"))
    parser.add_argument("--generate", type=int, default=0, help="Generate this many documents first.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--ocrmypdf", default="/root/.cache/kho/bench-venv/bin/ocrmypdf")
    parser.add_argument("--engines", default="kho,tesseract,ocrmypdf")
    parser.add_argument("--throughput-docs", type=int, default=0,
                        help="Documents for the pages/min test (default all: few long pages unbalance 2 workers).")
    parser.add_argument("--json", type=Path, help="Also write all figures to this JSON file.")
    parser.add_argument("--throughput-only", action="store_true", help="Skip the accuracy table.")
    args = parser.parse_args(argv)
    if args.generate:
        generate_corpus(args.corpus, args.generate, seed=args.seed)
    items = load_corpus(args.corpus)
    chosen = args.engines.split(",")
    engines: dict[str, Callable[[Path], str]] = {"kho": read_kho, "tesseract": read_tesseract}
    if "ocrmypdf" in chosen:
        if Path(args.ocrmypdf).exists():
            engines["ocrmypdf"] = ocrmypdf_reader(args.ocrmypdf, 300)
        else:
            print(f"OCRmyPDF not found at {args.ocrmypdf}: skipped", file=sys.stderr)
    engines = {k: v for k, v in engines.items() if k in chosen}
    pages = sum(len(i.pages) for i in items)
    print(f"{len(items)} documents, {pages} pages; engines: {', '.join(engines)}", file=sys.stderr)
    levels = [lv for lv in LEVEL_ORDER if any(i.level == lv for i in items)]
    rows: dict[str, list[Row]] = {}
    if not args.throughput_only:
        scores = run_engines(items, engines)
        rows = {name: summarise(s, levels) for name, s in scores.items()}
        print(markdown(rows))
    subset = items[: args.throughput_docs] if args.throughput_docs else items
    speed = {w: throughput(subset, w) for w in (1, 2)}
    print("\n| workers | kho pages/min | tesseract pages/min |\n|---:|---:|---:|")
    for w, (kho_ppm, tess_ppm) in speed.items():
        print(f"| {w} | {kho_ppm:.1f} | {tess_ppm:.1f} |")
    kho_eff, tess_eff = (speed[2][i] / (2 * speed[1][i]) for i in (0, 1))
    print(f"\nparallel efficiency at 2 workers: kho {kho_eff:.2f}, tesseract {tess_eff:.2f}")
    if "kho" in rows and "tesseract" in rows:
        ratio = rows["kho"][-1]["s_per_page"] / rows["tesseract"][-1]["s_per_page"]  # type: ignore[operator]
        print(f"kho s/page / tesseract s/page (all levels): {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "throughput": speed}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
