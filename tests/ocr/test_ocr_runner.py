"""The subprocess chokepoint: config builders, environment, timeouts, kills and missing programs."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kho.errors import InputError, ProcessingTimeoutError, ServiceUnavailableError
from ocr import runner


def test_tesseract_config_has_psm_dpi_quoted_variables_and_tsv() -> None:
    job = runner.TesseractJob(lang="vie", psm=7, dpi=300, outputs=("txt", "tsv", "pdf"),
                              variables=(("textonly_pdf", "1"), ("tessedit_char_whitelist", "0123456789")))
    assert runner.tesseract_config(job) == (
        "--psm 7 --dpi 300 -c tessedit_char_whitelist=0123456789 -c textonly_pdf=1 -c tessedit_create_tsv=1")
    spaced = runner.TesseractJob(lang="vie", variables=(("name", "a b"),))
    assert runner.tesseract_config(spaced) == "--psm 3 -c 'name=a b'"


def test_plain_tesseract_argv_for_baselines() -> None:
    argv = runner.tesseract_argv(Path("/t/p.pgm"), Path("/t/out"), lang="vie", dpi=300,
                                 outputs=("txt", "tsv", "pdf"), variables={"textonly_pdf": "1"})
    assert argv == ["tesseract", "/t/p.pgm", "/t/out", "-l", "vie", "--psm", "3", "--dpi", "300",
                    "-c", "textonly_pdf=1", "txt", "tsv", "pdf"]


def test_pdftotext_argv() -> None:
    assert runner.pdftotext_argv(Path("a.pdf")) == ["pdftotext", "-layout", "-enc", "UTF-8", "a.pdf", "-"]


def test_child_env_limits_openmp_threads() -> None:
    env = runner.child_env({"PATH": "/usr/bin", "OMP_THREAD_LIMIT": "8"})
    assert env["OMP_THREAD_LIMIT"] == "1"
    assert env["PATH"] == "/usr/bin"


def test_library_children_get_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "8")
    runner.limit_child_threads()
    assert os.environ["OMP_THREAD_LIMIT"] == "1"


def test_run_passes_one_thread_to_the_child() -> None:
    done = runner.run(["sh", "-c", "echo $OMP_THREAD_LIMIT"], timeout=10, subject="x")
    assert done.ok
    assert done.stdout.strip() == b"1"


def test_run_reports_nonzero_exit_without_raising() -> None:
    done = runner.run(["sh", "-c", "echo oops >&2; exit 3"], timeout=10, subject="x")
    assert done.returncode == 3
    assert done.stderr_text() == "oops"


def test_run_timeout_raises_processing_timeout_naming_the_subject() -> None:
    with pytest.raises(ProcessingTimeoutError) as caught:
        runner.run(["sleep", "5"], timeout=0.3, subject="scan.pdf")
    assert caught.value.subject == "scan.pdf"
    assert "0.3 s" in caught.value.message


def test_run_missing_program_is_service_unavailable() -> None:
    with pytest.raises(ServiceUnavailableError):
        runner.run(["kho-no-such-program"], timeout=5, subject="x")


def _live_children(name: str) -> list[int]:
    """PIDs of this process's children called ``name`` that are still running (not zombies)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            comm = fields[0].split("(", 1)[1]
            state, ppid = fields[1].split()[:2]
        except (OSError, IndexError, ValueError):
            continue
        if comm == name and int(ppid) == os.getpid() and state != "Z":
            found.append(int(stat.parent.name))
    return found


def _noise_page(path: Path) -> Path:
    rng = np.random.default_rng(7)
    Image.fromarray(rng.integers(0, 255, (3000, 3000), dtype=np.uint8)).save(path)
    return path


def test_tesseract_timeout_kills_the_process(tmp_path: Path) -> None:
    image = _noise_page(tmp_path / "noise.png")
    job = runner.TesseractJob(lang="vie", dpi=300, outputs=("txt", "tsv"))
    started = time.monotonic()
    with pytest.raises(ProcessingTimeoutError) as caught:
        runner.tesseract(image, tmp_path / "out", job, timeout=0.5, subject="noise.png")
    assert caught.value.subject == "noise.png"
    assert time.monotonic() - started < 5
    assert _live_children("tesseract") == []


def test_every_tesseract_run_is_timed_in_the_debug_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    image = tmp_path / "small.png"
    Image.new("L", (320, 120), 255).save(image)
    job = runner.TesseractJob(lang="vie", psm=6, dpi=300, outputs=("txt", "tsv"))
    with caplog.at_level(logging.DEBUG, logger="ocr.runner"):
        assert runner.tesseract(image, tmp_path / "out", job, timeout=60, subject="small.png").ok
    line = next(r.getMessage() for r in caplog.records if r.name == "ocr.runner")
    match = re.fullmatch(r"tesseract vie psm 6 txt\+tsv 320x120: ([\d.]+) s wall, ([\d.]+) s CPU", line)
    assert match, line
    assert float(match[1]) > 0 and float(match[2]) > 0      # the child's start-up at least


def test_tesseract_failure_is_returned_and_missing_program_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = _noise_page(tmp_path / "noise.png")
    done = runner.tesseract(image, tmp_path / "out", runner.TesseractJob(lang="kho-no-such-lang"),
                            timeout=30, subject="noise.png")
    assert not done.ok and "kho-no-such-lang" in done.error
    monkeypatch.setattr("pytesseract.pytesseract.tesseract_cmd", "kho-no-such-tesseract")
    with pytest.raises(ServiceUnavailableError, match="program not found: tesseract"):
        runner.tesseract(image, tmp_path / "out", runner.TesseractJob(lang="eng"), timeout=30, subject="x")


def test_pdf_info_and_page_through_pdf2image(tmp_path: Path) -> None:
    path = tmp_path / "two.pdf"
    first = Image.new("L", (400, 600), 255)
    first.save(path, resolution=100, save_all=True, append_images=[Image.new("L", (600, 400), 0)])
    info = runner.pdf_info(path, timeout=30, subject=str(path), last_page=2)
    assert info["Pages"] == 2 and "Page    2 size" in info
    page = runner.pdf_page(path, page=2, dpi=50, timeout=30, subject=str(path))
    assert page.size == (300, 200) and page.getpixel((10, 10)) == (0, 0, 0)


def test_pdf_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(InputError, match="corrupt PDF") as caught:
        runner.pdf_info(bad, timeout=30, subject=str(bad))
    assert caught.value.subject == str(bad)
    with pytest.raises(InputError, match="corrupt PDF"):
        runner.pdf_page(bad, page=1, dpi=50, timeout=30, subject=str(bad))
