"""Searchable-PDF size against the scan it came from, and whether the text layer says what the record says.

For each JPEG and PDF scan of a synthetic corpus (``ocr.corpus``; one-page JPEGs come from the
levels medium, heavy, photo and speckle; PDFs from pdf200 and multi-page documents), kho reads the
document as ingest does (``ocr_document`` with page images and text PDFs) and writes the searchable
PDF (``ocr.pdfout.searchable_pdf``). Printed per document: the scan's bytes, the PDF's bytes, their
ratio, whether the scan's own bytes are embedded (a JPEG as is), the geometry kho applied (turn, deskew,
perspective), and
whether ``pdftotext`` of the PDF gives the record's words (the normalised OCR text, whitespace
folded) and its letters (spaces aside: ``pdftotext`` joins two words whose gap on the page is
narrower than it expects a space to be, though the layer holds the space). Then the median and
maximum ratio per format, against the target of about 1.1x.

The baseline, in the same run from the same reading: the previous way of writing the PDF (the
archive image re-encoded whenever kho turned or deskewed the page, Tesseract's text layer as
written), printed as ``before`` beside each figure. Usage::

    .venv/bin/python bench/pdfsize.py --generate 8 --seed 16 --corpus /tmp/kho-bench-pdfsize
    .venv/bin/python bench/pdfsize.py --scans /work/shared/real-scans   # real scans, read in place
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocr.corpus.generate import generate_corpus, load_corpus  # noqa: E402
from ocr.pipeline import DocumentOcr, OcrOptions, SerialExecutor, ocr_document  # noqa: E402

LEVELS = ("medium", "photo", "speckle", "heavy", "pdf200")


@dataclass(frozen=True)
class Row:
    """One document's figures."""

    name: str
    kind: str
    scan_bytes: int
    pdf_bytes: int
    pass_through: str
    text_equal: bool
    chars_equal: bool
    steps: str
    before_bytes: int
    before_text_equal: bool

    @property
    def ratio(self) -> float:
        """PDF bytes / scan bytes."""
        return self.pdf_bytes / self.scan_bytes


def _words(text: str) -> list[str]:
    return text.split()


def pdf_text(pdf: bytes) -> str:
    """``pdftotext -raw`` of ``pdf`` (the copy-paste text of a viewer)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", fh.name, "-"], capture_output=True,
                              text=True, timeout=120, check=True)
    return done.stdout


def pass_through(pdf: bytes, scan: bytes, kind: str) -> str:
    """Whether the PDF holds the scan's own image bytes: the JPEG itself, or a PDF scan's image streams."""
    if kind == "jpeg":
        return "yes" if scan[:4096] in pdf and scan[-4096:] in pdf else "no"
    streams = [m for m in re.findall(rb"stream\r?\n(.{2048})", scan, re.S)]
    images = [chunk for chunk in streams if chunk[:3] == b"\xff\xd8\xff"]
    return "-" if not images else ("yes" if all(chunk in pdf for chunk in images) else "no")


def _before(document: DocumentOcr, path: Path) -> bytes:
    """The searchable PDF as kho wrote it before: scans re-encoded after a turn, Tesseract's text as written."""
    from ocr import pdfout

    saved = pdfout.normalize_text_layer, pdfout._source_jpeg, pdfout._source_pdf
    pdfout.normalize_text_layer = lambda page: False
    pdfout._source_jpeg = lambda document, source: None
    pdfout._source_pdf = lambda source: None
    try:
        return pdfout.searchable_pdf(document, path)
    finally:
        pdfout.normalize_text_layer, pdfout._source_jpeg, pdfout._source_pdf = saved


def measure(path: Path, kind: str) -> Row:
    """Read ``path`` as ingest does, write its searchable PDF (now and as before), and compare."""
    from ocr import pdfout

    options = OcrOptions(timeout=300, text_pdf=True, images=True)
    document = ocr_document(path, options, SerialExecutor())
    pdf = pdfout.searchable_pdf(document, path)
    before = _before(document, path)
    scan = path.read_bytes()
    record_words = _words("\n".join(p.text for p in document.pages))
    steps = ",".join(s for p in document.pages for s in p.steps if s in ("perspective", "rotate", "deskew"))
    pdf_words = _words(pdf_text(pdf))
    return Row(path.name, kind, len(scan), len(pdf), pass_through(pdf, scan, kind),
               pdf_words == record_words, "".join(pdf_words) == "".join(record_words), steps or "-", len(before),
               _words(pdf_text(before)) == record_words)


def main(argv: list[str] | None = None) -> int:
    """Measure every JPEG and PDF scan of the corpus and print the table and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/kho-bench-pdfsize"))
    parser.add_argument("--generate", type=int, default=0, help="First generate this many documents.")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--scans", type=Path, help="Measure the JPEG and PDF files of this folder instead.")
    args = parser.parse_args(argv)
    if args.generate:
        generate_corpus(args.corpus, args.generate, args.seed, LEVELS, kinds=["results"])
    rows = []
    files = sorted(args.scans.iterdir()) if args.scans else [args.corpus / i.file for i in load_corpus(args.corpus)]
    for path in files:
        kind = {".jpg": "jpeg", ".jpeg": "jpeg", ".pdf": "pdf"}.get(path.suffix.lower())
        if kind is None:
            continue
        row = measure(path, kind)
        rows.append(row)
        print(f"{row.name:16} {row.kind:5} scan {row.scan_bytes:>9,} B  pdf {row.pdf_bytes:>9,} B  "
              f"ratio {row.ratio:5.2f} (before {row.before_bytes / row.scan_bytes:4.2f})  "
              f"scan bytes as is: {row.pass_through:3}  geometry {row.steps:18}  "
              f"words = record: {row.text_equal} (before {row.before_text_equal}), "
              f"letters = record: {row.chars_equal}",
              flush=True)
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    for kind, group in sorted(by_kind.items()):
        ratios = [r.ratio for r in group]
        before = [r.before_bytes / r.scan_bytes for r in group]
        equal, equal_before = sum(r.text_equal for r in group), sum(r.before_text_equal for r in group)
        letters = sum(r.chars_equal for r in group)
        print(f"{kind}: {len(group)} documents, PDF/scan median {statistics.median(ratios):.2f} max "
              f"{max(ratios):.2f} (before: median {statistics.median(before):.2f} max {max(before):.2f}); "
              f"pdftotext words = record words {equal}/{len(group)} (before {equal_before}/{len(group)}), "
              f"letters (spaces aside) {letters}/{len(group)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
