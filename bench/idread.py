"""Citizen-ID bench: the digit-only second reading against the first reading alone, in one run.

Documents: the synthetic corpus (``ocr.corpus``, levels ``medium`` and ``heavy`` by default) and a
derived level ``speckle-id`` made here from the corpus's clean scans (grey ink 120 on grey paper
200, Gaussian blur σ 0.8, 0.5 % dark and 0.5 % white specks, noise σ 6: the low-contrast speckled
scans on which Tesseract silently reads one digit of an ID as another), and ``speckle-small``, the
same on the page shrunk to 60 % at the same declared resolution (7–8 pt print, like the test page of
``tests/ocr/test_idread.py``). Only documents whose truth holds citizen IDs are used. Level
``id-lines``: pages made here of six lines ``Ông …, số CCCD <ID>, cư trú …`` in 7 pt print with the
same degradation, the IDs drawn at random (valid structure) — the recipe of the test page.

Each document is read once by ``ocr.pipeline.ocr_document`` (which now includes the second
reading). Fields are extracted twice from the same pages: without ``id_readings`` (the first
reading alone, as before) and with them. Per level:

* citizen-ID recall (truth IDs among ``citizen_ids``) and precision;
* **silently wrong**: IDs in ``citizen_ids`` that are not in the truth and are *not* sent to review
  (confidence ≥ 0.9) — the number this work must bring to zero;
* conflicts flagged (``id_conflicts``) and how many carry the true ID;
* s/page of the whole pipeline, and the added cost of the second reading per page: each page is
  prepared again (same turn) and only ``read_id_regions`` is timed; "without" = with − added.

Citizen IDs are never printed. Usage::

    .venv/bin/python bench/idread.py --n 24 --seed 5 --corpus /tmp/kho-bench-idread
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# Run as a script, this file's folder comes first on sys.path and "ocr" would import this very file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from ocr import recognize  # noqa: E402
from ocr.corpus import CorpusItem, generate_corpus  # noqa: E402
from ocr.fields import ExtractedFields, extract_fields  # noqa: E402
from ocr.fields.ids import PROVINCE_CODES  # noqa: E402
from ocr.fields.model import CONFIDENCE_THRESHOLDS  # noqa: E402
from ocr.pipeline import DocumentOcr, OcrOptions, SerialExecutor, ocr_document  # noqa: E402
from ocr.prepare import prepare_page  # noqa: E402
from ocr.rasterize import inspect_source, load_page  # noqa: E402

THRESHOLD = CONFIDENCE_THRESHOLDS["citizen_ids"]
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
SMALL_PRINT = 0.6   # speckle-small: the page shrunk to 60 % at the same declared resolution (7-8 pt print)


@dataclass(frozen=True)
class Doc:
    """One document to read: file, level, truth citizen IDs."""

    path: Path
    level: str
    ids: frozenset[str]


@dataclass
class Score:
    """Counts for one document under one extraction."""

    truth: int
    found: int
    values: int
    silent_wrong: int
    conflicts: int
    conflicts_with_truth: int


def speckle_id(grey: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``grey`` (a clean scan) as a low-contrast, blurred, speckled scan."""
    page = 200.0 - 80.0 * (1.0 - grey.astype(np.float32) / 255.0)
    page = cv2.GaussianBlur(page, (0, 0), 0.8)
    specks = rng.random(page.shape)
    page[specks < 0.005] = 120
    page[specks > 0.995] = 255
    page += rng.normal(0, 6, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def documents(corpus: Path, n: int, seed: int, levels: Sequence[str], derived: int) -> list[Doc]:
    """Corpus documents with citizen IDs, plus ``derived`` speckle-id pages made from clean scans."""
    items: list[CorpusItem] = generate_corpus(corpus, n, seed, [*levels, "clean"])
    docs = [Doc(i.path, i.level, frozenset(i.fields.citizen_ids)) for i in items
            if i.level in levels and i.fields.citizen_ids]
    rng = np.random.default_rng(seed)
    out = corpus / "derived"
    out.mkdir(exist_ok=True)
    clean = [i for i in items if i.level == "clean" and i.path.suffix.lower() in (".png", ".tif", ".jpg")]
    for item in clean[:derived]:
        with Image.open(item.path) as opened:
            dpi = opened.info.get("dpi", (300, 300))
            grey = np.asarray(opened.convert("L"))
        page_ids = frozenset(i for i in item.fields.citizen_ids if i in "".join(item.pages[0].text.split()))
        if not page_ids:
            continue
        path = out / f"{item.path.stem}-speckle-id.png"
        Image.fromarray(speckle_id(grey, rng)).save(path, dpi=dpi)
        docs.append(Doc(path, "speckle-id", page_ids))
        small = cv2.resize(grey, None, fx=SMALL_PRINT, fy=SMALL_PRINT, interpolation=cv2.INTER_AREA)
        path = out / f"{item.path.stem}-speckle-small.png"
        Image.fromarray(speckle_id(small, rng)).save(path, dpi=dpi)
        docs.append(Doc(path, "speckle-small", page_ids))
    return docs


def id_lines_page(ids: Sequence[str], rng: np.random.Generator) -> np.ndarray:
    """One line per ID in 7 pt print (30 px at 300 dpi), grey ink 120 on paper 200, blur, specks, noise."""
    image = Image.new("L", (2480, 1200), 255)   # the test page's size: the cleaning plan depends on it
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 30)
    for i, cid in enumerate(ids):
        draw.text((160, 120 + 60 * i), f"Ông Nguyễn Văn Thành, số CCCD {cid}, cư trú tại xã Trà Sơn.", font=font,
                  fill=0)
    page = 200.0 - 80.0 * (1.0 - np.asarray(image, np.float32) / 255.0)
    page = cv2.GaussianBlur(page, (0, 0), 0.8)
    specks = rng.random(page.shape)
    page[specks < 0.005] = 120
    page[specks > 0.995] = 255
    page += rng.normal(0, 6, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def random_id(rng: np.random.Generator) -> str:
    """A structurally valid personal ID (province code, century/sex digit, a past birth year)."""
    century = int(rng.integers(0, 4))
    year = int(rng.integers(0, 100)) if century < 2 else int(rng.integers(0, 25))
    tail = "".join(str(int(d)) for d in rng.integers(0, 10, 6))
    return f"{rng.choice(sorted(PROVINCE_CODES))}{century}{year:02d}{tail}"


def id_lines_documents(out: Path, count: int, seed: int) -> list[Doc]:
    """``count`` pages of six ID lines each (level ``id-lines``), IDs drawn at random."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    docs = []
    for number in range(count):
        ids = [random_id(rng) for _ in range(6)]
        path = out / f"id-lines-{number:03d}.png"
        Image.fromarray(id_lines_page(ids, rng)).save(path, dpi=(300, 300))
        docs.append(Doc(path, "id-lines", frozenset(ids)))
    return docs


def score(fields: ExtractedFields, truth: frozenset[str]) -> Score:
    """How ``fields`` did on the ``truth`` IDs."""
    values = {v.value: v.confidence for v in fields.citizen_ids}
    silent = sum(1 for v, c in values.items() if v not in truth and c >= THRESHOLD)
    with_truth = sum(1 for c in fields.id_conflicts if c.first in truth or c.second in truth)
    return Score(len(truth), len(truth & set(values)), len(values), silent, len(fields.id_conflicts), with_truth)


def second_reading_seconds(doc: DocumentOcr, path: Path, options: OcrOptions) -> float:
    """The time the second reading takes on ``doc``'s pages (each prepared again with its turn)."""
    source = inspect_source(path, options.limits)
    total = 0.0
    for index, page in enumerate(doc.pages):
        if page.blank or page.from_text_layer:
            continue
        loaded = load_page(source, index, options.limits)
        prepared = prepare_page(loaded.pixels, loaded.dpi, page.rotation)
        started = time.perf_counter()
        recognize.read_id_regions(prepared.archive, page.words, to_image=1 / prepared.plan.scale,
                                  page=page.number, dpi=loaded.dpi, lang=options.lang, timeout=options.timeout,
                                  subject=str(path))
        total += time.perf_counter() - started
    return total


def run(docs: Sequence[Doc], options: OcrOptions) -> str:
    """Read every document once and score both extractions; the Markdown table."""
    rows: dict[str, dict[str, list[Score]]] = defaultdict(lambda: defaultdict(list))
    seconds: dict[str, list[float]] = defaultdict(list)
    added: dict[str, list[float]] = defaultdict(list)
    pages: dict[str, int] = defaultdict(int)
    for number, d in enumerate(docs, start=1):
        started = time.perf_counter()
        doc = ocr_document(d.path, options, SerialExecutor())
        seconds[d.level].append(time.perf_counter() - started)
        added[d.level].append(second_reading_seconds(doc, d.path, options))
        pages[d.level] += len(doc.pages)
        texts = [p.text for p in doc.pages]
        readings = [r for p in doc.pages for r in p.id_readings]
        rows[d.level]["first only"].append(score(extract_fields(texts), d.ids))
        rows[d.level]["with second"].append(score(extract_fields(texts, id_readings=readings), d.ids))
        print(f"  {number}/{len(docs)} {d.level}", file=sys.stderr)
    lines = ["| level | extraction | docs | pages | IDs | recall | precision | silently wrong | conflicts "
             "(with the true ID) | s/page |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for level in sorted(rows):
        total, extra, count = sum(seconds[level]), sum(added[level]), pages[level]
        for name in ("first only", "with second"):
            s = rows[level][name]
            truth, found, values = sum(x.truth for x in s), sum(x.found for x in s), sum(x.values for x in s)
            per_page = (total - (extra if name == "first only" else 0.0)) / count
            lines.append(
                f"| {level} | {name} | {len(s)} | {count} | {truth} | {found / truth:.3f} | "
                f"{found / values if values else 1:.3f} | {sum(x.silent_wrong for x in s)} | "
                f"{sum(x.conflicts for x in s)} ({sum(x.conflicts_with_truth for x in s)}) | {per_page:.2f} |")
    costs = [a / pages[level] for level in added for a in [sum(added[level])]]
    lines.append("")
    lines.append("added cost of the second reading, s/page: " + ", ".join(
        f"{level} {sum(added[level]) / pages[level]:.3f}" for level in sorted(added))
        + f" (median over levels {statistics.median(costs):.3f})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build the documents, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/kho-bench-idread"))
    parser.add_argument("--n", type=int, default=24, help="corpus documents to generate")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--levels", default="medium,heavy")
    parser.add_argument("--derived", type=int, default=8, help="speckle-id pages made from clean scans")
    parser.add_argument("--id-lines", type=int, default=12, help="pages of six small-print ID lines")
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    levels = [level for level in args.levels.split(",") if level]
    docs = documents(args.corpus, args.n, args.seed, levels, args.derived) if levels or args.derived else []
    docs += id_lines_documents(args.corpus / "id-lines", args.id_lines, args.seed)
    print(run(docs, OcrOptions(timeout=args.timeout)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
