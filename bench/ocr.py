"""OCR benchmark: kho against plain Tesseract, the previous kho and OCRmyPDF on the synthetic corpus.

For every document of the corpus (``ocr.corpus``; levels clean, light, medium, heavy, rotated,
photo, pdf200) each engine reads the scan in turn, one process each, and is scored against the
truth text:

* ``kho`` — ``ocr.pipeline.ocr_document`` with the default settings (text only, no PDF);
* ``tesseract`` — plain ``tesseract FILE - -l vie`` (PDF pages rendered by ``pdftoppm -r 300``);
* ``kho-previous`` (``--baseline-ref GITREF``) — the kho of that commit, checked out once as a
  detached ``git worktree`` in ``/tmp/kho-bench-baseline-<sha>`` and run with ``PYTHONPATH`` set
  to it (same venv, same machine, same run); it reports its own in-process seconds per document,
  so its interpreter start-up is not counted;
* ``ocrmypdf`` — OCRmyPDF ``-l vie --rotate-pages --deskew --clean --force-ocr --output-type pdf
  --sidecar`` from a separate venv (``--ocrmypdf PATH``; skipped when absent).

``--derive`` adds levels made here from the corpus's single-page ``clean`` and ``photo`` scans
(same truth text): ``inverse-band`` (the header band printed white on dark blue),
``pink-guilloche`` (the page on pink paper with a fine pattern), ``stamp-digits`` (red seals over
the densest lines), ``speckle`` (salt-and-pepper specks, lowered contrast) and ``photo-180`` (a
phone photo upside down). Derived files go to ``<corpus>/derived``.

Per level: median CER (NFC, whitespace folded), share of truth words missed, share of documents
whose citizen-ID digits all appear in the text, seconds per page (wall), CPU seconds per page (the
engine's process and its Tesseract/poppler children, user + system: on a machine shared with other
jobs, wall time measures the load more than the engine), and documents read as empty
(no word of two letters or more) where plain Tesseract reads text. Then throughput (pages/min) of
kho's page worker and of plain Tesseract with 1 and 2 worker processes over the same pages
(``--no-throughput`` skips it). ``--profile`` prints instead, per document, every Tesseract run of
kho's pipeline (model, page mode, image size, wall and CPU seconds: the debug line of
``ocr/runner.py``), the rest of kho's CPU (Python and OpenCV) and plain Tesseract's CPU.
Citizen IDs are never printed. Usage::

    .venv/bin/python bench/ocr.py --generate 56 --seed 11 --corpus /tmp/kho-bench-ocr \\
        --ocrmypdf /root/.cache/kho/bench-venv/bin/ocrmypdf
    .venv/bin/python bench/ocr.py --corpus /tmp/kho-bench-ocr --derive --baseline-ref 989c921 \\
        --engines kho,tesseract,kho-previous --no-throughput
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import resource
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

import cv2
import numpy as np
from PIL import Image

# Run as a script, this file's folder comes first on sys.path and "ocr" would import this very file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from kho.settings import load_settings  # noqa: E402
from ocr import runner  # noqa: E402
from ocr.corpus import CorpusItem, generate_corpus, load_corpus  # noqa: E402
from ocr.pipeline import OcrOptions, SerialExecutor, ocr_document, plan_tasks, run_page  # noqa: E402
from ocr.rasterize import inspect_source  # noqa: E402

TIMEOUT = 600.0
LEVEL_ORDER = ("clean", "light", "medium", "heavy", "rotated", "photo", "pdf200", "inverse", "guilloche", "stamp",
               "speckle", "photo180", "inverse-band", "pink-guilloche", "stamp-digits", "photo-180")
DERIVED = ("inverse-band", "pink-guilloche", "stamp-digits", "speckle", "photo-180")
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


def reads_empty(text: str) -> bool:
    """True when ``text`` holds no word of two letters or more."""
    return not any(sum(c.isalpha() for c in w) >= 2 for w in text.split())


def ids_found(hypothesis: str, ids: Sequence[str]) -> bool:
    """True when every ID's digits appear in the text with whitespace removed."""
    squeezed = re.sub(r"\s+", "", hypothesis)
    return all(i in squeezed for i in ids)


# Engines: each returns the text of all pages (form feeds between pages), or (text, seconds, CPU
# seconds) when it measures its own time (the previous kho, run in another interpreter).

Reading = str | tuple[str, float, float]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (Tesseract, poppler), user + system."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


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


_PREVIOUS_KHO = """
import json, resource, sys, time
from pathlib import Path
from kho.settings import load_settings
from ocr.pipeline import OcrOptions, SerialExecutor, ocr_document
def cpu():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
options = OcrOptions.from_settings(load_settings(environ={}))
started, cpu_started = time.perf_counter(), cpu()
text = ocr_document(Path(sys.argv[1]), options, SerialExecutor()).text
print(json.dumps({"text": text, "seconds": time.perf_counter() - started, "cpu": cpu() - cpu_started}))
"""


def baseline_worktree(ref: str) -> Path:
    """A detached ``git worktree`` of ``ref`` under /tmp (made once, reused), for the previous kho."""
    repo = Path(__file__).resolve().parent.parent
    done = runner.run(["git", "-C", str(repo), "rev-parse", "--verify", f"{ref}^{{commit}}"], timeout=60,
                      subject=ref)
    if not done.ok:
        raise SystemExit(f"bench/ocr.py: error: {ref}: not a commit of {repo}")
    sha = done.stdout.decode().strip()
    tree = Path(tempfile.gettempdir()) / f"kho-bench-baseline-{sha[:12]}"
    if not (tree / "ocr" / "pipeline.py").is_file():
        made = runner.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), sha], timeout=120,
                          subject=ref)
        if not made.ok:
            raise SystemExit(f"bench/ocr.py: error: {ref}: git worktree add failed: {made.stderr_text()}")
    return tree


def previous_kho_reader(tree: Path) -> Callable[[Path], Reading]:
    """A reader running the kho checked out in ``tree`` (PYTHONPATH) on one file; it times itself."""

    def read(path: Path) -> Reading:
        argv = [sys.executable, "-c", _PREVIOUS_KHO, str(path)]
        done = runner.run(["env", f"PYTHONPATH={tree}", *argv], timeout=TIMEOUT, subject=str(path), cwd=tree)
        if not done.ok:
            raise RuntimeError(f"previous kho failed on {path.name}: {done.stderr_text()}")
        result = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
        return str(result["text"]), float(result["seconds"]), float(result["cpu"])

    return read


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
    cpu: float
    cer: float
    missed: float
    ids: bool | None
    empty: bool


@dataclass(frozen=True)
class BenchItem:
    """One document to read: its file, level, page count, truth text and citizen IDs."""

    path: Path
    level: str
    pages: int
    text: str
    ids: tuple[str, ...]

    @classmethod
    def of(cls, item: CorpusItem) -> BenchItem:
        """The bench's view of a corpus item."""
        return cls(item.path, item.level, len(item.pages), item.text, tuple(item.fields.citizen_ids))


def score(item: BenchItem, text: str, seconds: float, cpu: float) -> Score:
    """Score ``text`` read from ``item`` in ``seconds`` of wall time and ``cpu`` seconds of CPU time."""
    return Score(item.level, item.pages, seconds, cpu, cer(text, item.text), missed_share(text, item.text),
                 ids_found(text, item.ids) if item.ids else None, reads_empty(text))


def timed(read: Callable[[Path], Reading], path: Path, name: str) -> tuple[str, float, float]:
    """The text ``read`` gives for ``path``, with its wall and CPU seconds (its own, when it reports them)."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    try:
        reading = read(path)
    except Exception as e:  # a failing engine scores an empty reading, and says so
        print(f"  {name} failed on {path.name}: {e}", file=sys.stderr)
        reading = ""
    if isinstance(reading, tuple):
        return reading
    return reading, time.perf_counter() - started, cpu_seconds() - cpu_started


def run_engines(items: Sequence[BenchItem], engines: dict[str, Callable[[Path], Reading]]) -> dict[str, list[Score]]:
    """Every engine on every document, interleaved so machine load affects all alike."""
    scores: dict[str, list[Score]] = defaultdict(list)
    for number, item in enumerate(items, start=1):
        for name, read in engines.items():
            text, seconds, cpu = timed(read, item.path, name)
            scores[name].append(score(item, text, seconds, cpu))
        print(f"  {number}/{len(items)} documents", file=sys.stderr)
    return scores


# Derived levels: hard colour and polarity cases made from the corpus's clean scans and photos.


def _densest_rows(grey: np.ndarray, count: int, rng: np.random.Generator) -> list[int]:
    """Centres of ``count`` text-dense rows of ``grey`` (random among the densest quarter)."""
    ink = (grey < 128).sum(axis=1)
    rows = np.argsort(ink)[-max(count, grey.shape[0] // 4):]
    return [int(r) for r in rng.choice(rows, size=count, replace=False)]


def derive(image: np.ndarray, level: str, rng: np.random.Generator) -> np.ndarray:
    """``image`` (RGB, a clean scan or a photo) made into a page of the derived ``level``."""
    rgb = image if image.ndim == 3 else np.repeat(image[..., None], 3, axis=2)
    h, w = rgb.shape[:2]
    if level == "photo-180":
        return np.ascontiguousarray(rgb[::-1, ::-1])
    if level == "inverse-band":
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        band = slice(0, int(h * rng.uniform(0.12, 0.18)))
        out = rgb.copy()
        ground = np.array([30, 45, 95], np.float32)
        light = grey[band].astype(np.float32)[..., None] / 255.0   # paper 1 -> ground, ink 0 -> white
        out[band] = np.clip(light * ground + (1 - light) * 250, 0, 255).astype(np.uint8)
        return out
    if level == "pink-guilloche":
        pattern = np.full((h, w, 3), (246, 212, 222), np.uint8)
        step = int(rng.integers(18, 28))
        for x in range(-h, w, step):
            cv2.line(pattern, (x, 0), (x + h, h), (226, 150, 172), 3)
            cv2.line(pattern, (x + h, 0), (x, h), (232, 168, 188), 2)
        return (rgb.astype(np.uint16) * pattern // 255).astype(np.uint8)
    if level == "stamp-digits":
        out = rgb.copy()
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        for row in _densest_rows(grey, 2, rng):
            centre = (int(rng.integers(w // 4, 3 * w // 4)), row)
            radius = int(w * rng.uniform(0.07, 0.1))
            seal = np.zeros((h, w), np.uint8)
            cv2.circle(seal, centre, radius, 255, max(6, radius // 14))
            cv2.circle(seal, centre, int(radius * 0.75), 255, max(3, radius // 30))
            cv2.putText(seal, "UBND", (centre[0] - radius // 2, centre[1] + radius // 8), cv2.FONT_HERSHEY_SIMPLEX,
                        radius / 70, 255, max(3, radius // 25))
            red = np.array([215, 40, 45], np.uint8)
            out = np.where(seal[..., None] > 0, np.minimum(out, red), out)
        return out
    if level == "speckle":
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        faint = 70 + grey * (170 / 255)                              # ink 70, paper 240
        specks = rng.random((h, w))
        faint[specks < 0.012] = 40
        faint[specks > 0.992] = 255
        return np.repeat(np.clip(faint, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    raise ValueError(f"unknown derived level {level}")


def derive_items(items: Sequence[CorpusItem], out: Path, per_level: int, seed: int) -> list[BenchItem]:
    """Derived-level documents from the first page of the clean scans and photos of ``items`` (files in ``out``).

    Each derived document is that one page, scored against its own truth text and the citizen IDs it holds.
    """
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = (".png", ".jpg", ".tif")
    sources = {"clean": [i for i in items if i.level == "clean" and i.path.suffix.lower() in images],
               "photo": [i for i in items if i.level == "photo" and i.path.suffix.lower() in images]}
    derived: list[BenchItem] = []
    for level in DERIVED:
        for item in sources["photo" if level == "photo-180" else "clean"][:per_level]:
            with Image.open(item.path) as opened:           # a multi-page TIFF opens on its first page
                dpi = opened.info.get("dpi", (300, 300))
                pixels = np.asarray(opened.convert("RGB"))
            path = out / f"{item.path.stem}-{level}{'.jpg' if level == 'photo-180' else '.png'}"
            Image.fromarray(derive(pixels, level, rng)).save(path, dpi=dpi, quality=90)
            truth = item.pages[0].text
            ids = tuple(i for i in item.fields.citizen_ids if i in re.sub(r"\s+", "", truth))
            derived.append(BenchItem(path, level, 1, truth, ids))
    return derived


def real_files(folder: Path) -> list[Path]:
    """The PDF, PNG and JPEG files of a folder of real scans (no truth text)."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg"))


def run_real(files: Sequence[Path], engines: dict[str, Callable[[Path], Reading]]) -> str:
    """Every engine on every real scan: seconds, words of two letters or more, and empty readings."""
    names = [n for n in engines if n != "ocrmypdf"]
    lines = ["| file | " + " | ".join(f"{n} s | {n} CPU s | {n} words" for n in names) + " |",
             "|---|" + "---:|---:|---:|" * len(names)]
    totals: dict[str, float] = defaultdict(float)
    cpu_totals: dict[str, float] = defaultdict(float)
    empty: Counter[str] = Counter()
    for path in files:
        cells, texts = [], {}
        for name in names:
            text, seconds, cpu = timed(engines[name], path, name)
            texts[name] = text
            totals[name] += seconds
            cpu_totals[name] += cpu
            found = sum(1 for w in text.split() if sum(c.isalpha() for c in w) >= 2)
            cells.append(f"{seconds:.2f} | {cpu:.2f} | {found}")
        for name in names:
            if name != "tesseract" and "tesseract" in texts and reads_empty(texts[name]) \
                    and not reads_empty(texts["tesseract"]):
                empty[name] += 1
        lines.append(f"| {path.name} | " + " | ".join(cells) + " |")
        print(f"  real: {path.name}", file=sys.stderr)
    lines.append("| total | " + " | ".join(f"{totals[n]:.2f} | {cpu_totals[n]:.2f} | " for n in names) + " |")
    lines.append("\nread as empty where plain Tesseract reads text: "
                 + ", ".join(f"{n} {empty[n]}" for n in names if n != "tesseract"))
    return "\n".join(lines)


class _Runs(logging.Handler):
    """Collects the debug lines of ``ocr.runner`` (one per Tesseract run)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


_RUN_CPU = re.compile(r"([\d.]+) s CPU$")


def profile(items: Sequence[BenchItem]) -> str:
    """Per document: kho's Tesseract runs, the rest of its CPU, plain Tesseract's CPU, and the ratio."""
    runs = _Runs()
    logger = logging.getLogger("ocr.runner")
    logger.addHandler(runs)
    logger.setLevel(logging.DEBUG)
    lines, ours, theirs = [], 0.0, 0.0
    try:
        for item in items:
            runs.lines.clear()
            _, seconds, cpu = timed(read_kho, item.path, "kho")
            _, _, plain = timed(read_tesseract, item.path, "tesseract")
            tesseract_cpu = sum(float(m[1]) for m in map(_RUN_CPU.search, runs.lines) if m)
            ours, theirs = ours + cpu, theirs + plain
            lines.append(f"{item.level} {item.path.name}: kho {seconds:.2f} s, {cpu:.2f} CPU s "
                         f"(Tesseract {tesseract_cpu:.2f}, rest {cpu - tesseract_cpu:.2f}); "
                         f"plain Tesseract {plain:.2f} CPU s; ratio {cpu / max(plain, 1e-9):.2f}")
            lines += [f"    {line}" for line in runs.lines]
    finally:
        logger.removeHandler(runs)
    lines.append(f"total: kho {ours:.2f} CPU s, plain Tesseract {theirs:.2f} CPU s, "
                 f"ratio {ours / max(theirs, 1e-9):.2f}")
    return "\n".join(lines)


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
            "cpu_per_page": sum(s.cpu for s in chosen) / pages,
        })
    return rows


def empty_where_plain_reads(scores: dict[str, list[Score]], engine: str) -> Counter[str]:
    """Per level, documents ``engine`` read as empty while plain Tesseract read text."""
    plain = scores.get("tesseract", [])
    return Counter(ours.level for ours, theirs in zip(scores[engine], plain, strict=True)
                   if ours.empty and not theirs.empty)


def _tesseract_file(path: str) -> int:
    return len(read_tesseract(Path(path)))


def throughput(items: Sequence[BenchItem], workers: int) -> tuple[float, float]:
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


def markdown(rows_by_engine: dict[str, list[Row]], empties: dict[str, Counter[str]]) -> str:
    """The per-level table, one line per level and engine (``empty``: read as empty where plain Tesseract reads)."""
    lines = ["| level | engine | docs | pages | median CER | words missed | citizen-ID recall | s/page | CPU s/page "
             "| empty |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    levels = [r["level"] for r in next(iter(rows_by_engine.values()))]
    for level in levels:
        for engine, rows in rows_by_engine.items():
            row = next(r for r in rows if r["level"] == level)
            counts = empties.get(engine)
            empty = "–" if counts is None else str(sum(counts.values()) if level == "all" else counts[str(level)])
            lines.append(
                f"| {level} | {engine} | {row['documents']} | {row['pages']} | {float(row['median_cer']):.2%} | "
                f"{float(row['missed_words']):.1%} | {float(row['id_recall']):.2f} | {float(row['s_per_page']):.2f} | "
                f"{float(row['cpu_per_page']):.2f} | {empty} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/kho-bench-ocr"))
    parser.add_argument("--generate", type=int, default=0, help="Generate this many documents first.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--ocrmypdf", default="/root/.cache/kho/bench-venv/bin/ocrmypdf")
    parser.add_argument("--engines", default="kho,tesseract,ocrmypdf",
                        help="Comma-separated: kho, tesseract, kho-previous (needs --baseline-ref), ocrmypdf.")
    parser.add_argument("--baseline-ref", help="Git commit of the previous kho (run from a worktree of it).")
    parser.add_argument("--derive", action="store_true", help="Add the derived colour/polarity/photo-180 levels.")
    parser.add_argument("--per-level", type=int, default=4, help="Documents per derived level.")
    parser.add_argument("--levels", help="Only these levels (comma-separated).")
    parser.add_argument("--no-throughput", action="store_true", help="Skip the pages/min test.")
    parser.add_argument("--real", type=Path, help="Also time the engines on this folder of real scans (no truth).")
    parser.add_argument("--throughput-docs", type=int, default=0,
                        help="Documents for the pages/min test (default all: few long pages unbalance 2 workers).")
    parser.add_argument("--json", type=Path, help="Also write all figures to this JSON file.")
    parser.add_argument("--throughput-only", action="store_true", help="Skip the accuracy table.")
    parser.add_argument("--profile", action="store_true",
                        help="Only print kho's Tesseract runs and the rest of its CPU per document (and --real files).")
    args = parser.parse_args(argv)
    if args.generate:
        generate_corpus(args.corpus, args.generate, seed=args.seed)
    corpus = load_corpus(args.corpus)
    items = [BenchItem.of(i) for i in corpus]
    if args.derive:
        items += derive_items(corpus, args.corpus / "derived", args.per_level, args.seed)
    if args.levels:
        items = [i for i in items if i.level in args.levels.split(",")]
    if args.profile:
        real = [BenchItem(p, "real", 1, "", ()) for p in real_files(args.real)] if args.real else []
        print(profile([*items, *real]))
        return 0
    chosen = args.engines.split(",")
    engines: dict[str, Callable[[Path], Reading]] = {"kho": read_kho, "tesseract": read_tesseract}
    if "kho-previous" in chosen:
        if not args.baseline_ref:
            parser.error("kho-previous needs --baseline-ref GITREF")
        engines["kho-previous"] = previous_kho_reader(baseline_worktree(args.baseline_ref))
    if "ocrmypdf" in chosen:
        if Path(args.ocrmypdf).exists():
            engines["ocrmypdf"] = ocrmypdf_reader(args.ocrmypdf, 300)
        else:
            print(f"OCRmyPDF not found at {args.ocrmypdf}: skipped", file=sys.stderr)
    engines = {k: v for k, v in engines.items() if k in chosen}
    pages = sum(i.pages for i in items)
    print(f"{len(items)} documents, {pages} pages; engines: {', '.join(engines)}", file=sys.stderr)
    levels = [lv for lv in LEVEL_ORDER if any(i.level == lv for i in items)]
    levels += sorted({i.level for i in items} - set(levels))
    rows: dict[str, list[Row]] = {}
    empties: dict[str, Counter[str]] = {}
    if not args.throughput_only:
        scores = run_engines(items, engines)
        rows = {name: summarise(s, levels) for name, s in scores.items()}
        if "tesseract" in scores:
            empties = {name: empty_where_plain_reads(scores, name) for name in scores if name != "tesseract"}
        print(markdown(rows, empties))
        for name in ("kho", "kho-previous"):
            if name in rows and "tesseract" in rows:
                for key in ("s_per_page", "cpu_per_page"):
                    ratio = rows[name][-1][key] / rows["tesseract"][-1][key]  # type: ignore[operator]
                    print(f"{name} {key} / tesseract {key} (all levels): {ratio:.2f}")
    if args.real:
        print("\n" + run_real(real_files(args.real), engines))
    if args.no_throughput:
        if args.json:
            args.json.write_text(json.dumps({"rows": rows}, indent=2), encoding="utf-8")
        return 0
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
