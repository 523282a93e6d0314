"""Calibration: Tesseract (vie) reads a clean synthetic page almost perfectly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ocr.corpus import generate_corpus
from ocr.runner import run, tesseract_argv

MAX_CLEAN_CER = 0.03


@pytest.mark.slow
def test_clean_page_reads_with_low_error(tmp_path: Path, cer: Callable[[str, str], float]) -> None:
    items = [item for item in generate_corpus(tmp_path, 3, 2024, ["clean"]) if item.format != "pdf"]
    assert items
    item = items[0]
    result = run(tesseract_argv(item.path, "-", lang="vie", dpi=item.dpi, outputs=("txt",)),
                 timeout=120, subject=item.file)
    assert result.ok, result.stderr_text()
    read = result.stdout.decode("utf-8")
    rate = cer(item.pages[0].text, read)
    assert rate <= MAX_CLEAN_CER, f"CER {rate:.2%}"
    # The two header columns come out on one line, as the truth says.
    assert "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in read
