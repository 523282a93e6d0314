"""The subprocess chokepoint: argv builders, environment, timeouts and missing programs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.errors import ProcessingTimeoutError, ServiceUnavailableError
from ocr import runner


def test_tesseract_argv_lists_outputs_and_variables() -> None:
    argv = runner.tesseract_argv(Path("/t/p.pgm"), Path("/t/out"), lang="vie", dpi=300,
                                 outputs=("txt", "tsv", "pdf"), variables={"textonly_pdf": "1"})
    assert argv == ["tesseract", "/t/p.pgm", "/t/out", "-l", "vie", "--psm", "3", "--dpi", "300",
                    "-c", "textonly_pdf=1", "txt", "tsv", "pdf"]


def test_poppler_argv() -> None:
    assert runner.pdftoppm_argv(Path("a.pdf"), Path("/t/p"), page=3, dpi=200) == [
        "pdftoppm", "-r", "200", "-f", "3", "-l", "3", "-singlefile", "a.pdf", "/t/p"]
    assert runner.pdftotext_argv(Path("a.pdf")) == ["pdftotext", "-layout", "-enc", "UTF-8", "a.pdf", "-"]
    assert runner.osd_argv(Path("p.pgm"), dpi=150)[-4:] == ["--dpi", "150", "-l", "osd"]


def test_child_env_limits_openmp_threads() -> None:
    env = runner.child_env({"PATH": "/usr/bin", "OMP_THREAD_LIMIT": "8"})
    assert env["OMP_THREAD_LIMIT"] == "1"
    assert env["PATH"] == "/usr/bin"


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
