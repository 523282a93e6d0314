"""Real Vietnamese scans (../shared/real-scans): every file reads, and kho never does worse than
plain ``tesseract -l vie`` on the same page (mean word confidence, and words found at good confidence)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from ocr import runner
from ocr.pipeline import GOOD_WORD_CONFIDENCE, OcrOptions, SerialExecutor, ocr_document
from ocr.recognize import Word, mean_confidence, parse_tsv
from ocr.text import reads_as_vietnamese

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-scans"  # the ``real_scans`` fixture's folder
FILES = sorted(p.name for p in REAL.glob("*") if p.suffix.lower() in {".pdf", ".png", ".jpg"})
TOLERANCE = 1.0


def plain_tesseract_words(path: Path) -> list[tuple[Word, ...]]:
    """The words per page of plain ``tesseract -l vie`` (PDF pages rendered at 300 dpi)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        images = [path]
        if path.suffix == ".pdf":
            done = runner.run(["pdftoppm", "-r", "300", str(path), str(folder / "p")], timeout=120, subject=str(path))
            assert done.ok
            images = sorted(folder.glob("p*"))
        pages = []
        for index, image in enumerate(images):
            out = folder / f"o{index}"
            done = runner.run(["tesseract", str(image), str(out), "-l", "vie", "tsv"], timeout=120, subject=str(path))
            assert done.ok
            pages.append(parse_tsv(out.with_suffix(".tsv").read_text("utf-8")))
    return pages


def good_words(words: tuple[Word, ...]) -> int:
    """Words read with at least the pipeline's good confidence."""
    return sum(1 for w in words if w.confidence >= GOOD_WORD_CONFIDENCE)


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES or ["(none)"])  # no scans: the fixture skips, or fails under CI=true
def test_real_scan_reads_and_is_not_worse_than_plain_tesseract(real_scans: Path, name: str) -> None:
    path = real_scans / name
    doc = ocr_document(path, OcrOptions(timeout=180), SerialExecutor())
    plain = plain_tesseract_words(path)
    assert len(doc.pages) == len(plain)
    for page, words in zip(doc.pages, plain, strict=True):
        assert not page.blank
        assert reads_as_vietnamese(page.text), page.text[:200]
        baseline = mean_confidence(words)
        assert page.confidence >= baseline - TOLERANCE, (page.number, page.confidence, baseline, page.steps)
        assert good_words(page.words) >= good_words(words), (page.number, page.steps)


def test_there_are_real_scans(real_scans: Path) -> None:
    assert real_scans == REAL
    assert len(FILES) >= 8
