"""Helpers shared by the ingest tests: paths, corpus subsets, blank pages, the CLI environment."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

from PIL import Image

from ocr.corpus.generate import load_corpus
from ocr.corpus.writer import manifest_text

REPO = Path(__file__).resolve().parents[2]
RES = REPO / "tests" / "resources" / "ingest"
KHO = REPO / ".venv" / "bin" / "kho"

def corpus_pages(folder: Path) -> int:
    """How many pages the corpus in ``folder`` has (from its ``corpus.json``)."""
    return sum(len(item.pages) for item in load_corpus(folder))

def manifest_rows(folder: Path) -> list[dict[str, str]]:
    """The rows of a corpus folder's ``manifest.csv``."""
    return list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8"))))

def copy_subset(corpus: Path, target: Path, count: int) -> Path:
    """The first ``count`` documents of a corpus (scans and manifest rows) copied into ``target``."""
    rows = manifest_rows(corpus)[:count]
    target.mkdir(parents=True)
    for row in rows:
        shutil.copy(corpus / row["file"], target / row["file"])
    (target / "manifest.csv").write_text(manifest_text(rows, list(rows[0])), encoding="utf-8")
    return target

def blank_png(path: Path, width: int) -> Path:
    """A small white PNG (a blank page: recognised instantly); ``width`` makes its bytes unique."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (width, 20), 255).save(path)
    return path

def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a ``kho`` subprocess: no inherited KHO_* variables, this data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env.update({"KHO_DATA_DIR": str(data_dir), "KHO_LOG_LEVEL": "INFO", **extra})
    return env
