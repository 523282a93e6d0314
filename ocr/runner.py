"""The one place kho starts subprocesses (tesseract, pdftoppm, pdfinfo, pdftotext).

:func:`run` adds ``OMP_THREAD_LIMIT=1`` (we parallelise pages, not engines), enforces a timeout
and translates failures into :mod:`kho.errors`. The ``*_argv`` builders are pure functions that
only assemble argument lists, so they can be tested without running anything.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kho.errors import ProcessingTimeoutError, ServiceUnavailableError

STDERR_TAIL = 300


@dataclass(frozen=True)
class RunResult:
    """What a finished subprocess returned."""

    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        """True when the process exited with status 0."""
        return self.returncode == 0

    def stderr_text(self) -> str:
        """The last part of stderr as one line of text (for error messages)."""
        text = " ".join(self.stderr.decode("utf-8", "replace").split())
        return text[-STDERR_TAIL:]


def child_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment for a child: ``base`` plus one OpenMP thread and the C locale for messages."""
    env = dict(base)
    env["OMP_THREAD_LIMIT"] = "1"
    env["LC_ALL"] = "C"
    return env


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    subject: str,
    input: bytes | None = None,
    cwd: Path | None = None,
) -> RunResult:
    """Run ``argv`` with a timeout and ``OMP_THREAD_LIMIT=1``; never raises on a non-zero exit.

    Raises :class:`ProcessingTimeoutError` (naming ``subject``, usually the input file) when the
    process exceeds ``timeout`` seconds, and :class:`ServiceUnavailableError` when the program is
    not installed or cannot start.
    """
    try:
        done = subprocess.run(
            list(argv),
            input=input,
            capture_output=True,
            timeout=timeout,
            env=child_env(os.environ),
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise ProcessingTimeoutError(
            f"{Path(argv[0]).name} took longer than {timeout:g} s; the file may be damaged or too "
            "complex (raise KHO_OCR_TIMEOUT to allow more time)",
            subject=subject,
        ) from e
    except FileNotFoundError as e:
        raise ServiceUnavailableError(
            f"program not found: {argv[0]}; install it (Debian: tesseract-ocr tesseract-ocr-vie "
            "poppler-utils)",
            subject=argv[0],
        ) from e
    except OSError as e:
        raise ServiceUnavailableError(f"cannot start {argv[0]}: {e}", subject=argv[0]) from e
    return RunResult(tuple(argv), done.returncode, done.stdout, done.stderr)


def tesseract_argv(
    image: Path,
    out_base: Path | str,
    *,
    lang: str,
    dpi: int,
    psm: int = 3,
    outputs: Sequence[str] = ("txt", "tsv"),
    variables: Mapping[str, str] | None = None,
) -> list[str]:
    """``tesseract`` arguments that recognise ``image`` and write ``out_base.<ext>`` per output config.

    ``outputs`` are Tesseract config names (``txt``, ``tsv``, ``pdf``, ``hocr``); ``variables``
    become ``-c name=value`` options (e.g. ``textonly_pdf=1``).
    """
    argv = ["tesseract", str(image), str(out_base), "-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    for name, value in sorted((variables or {}).items()):
        argv += ["-c", f"{name}={value}"]
    argv += list(outputs)
    return argv


def osd_argv(image: Path, *, dpi: int) -> list[str]:
    """``tesseract`` arguments for orientation and script detection (``--psm 0``) to stdout."""
    return ["tesseract", str(image), "-", "--psm", "0", "--dpi", str(dpi), "-l", "osd"]


def list_langs_argv() -> list[str]:
    """``tesseract --list-langs``."""
    return ["tesseract", "--list-langs"]


def pdfinfo_argv(pdf: Path, *, last_page: int | None = None) -> list[str]:
    """``pdfinfo`` arguments that describe ``pdf`` (pages, encryption; with ``last_page`` each page's size)."""
    if last_page is None:
        return ["pdfinfo", str(pdf)]
    return ["pdfinfo", "-f", "1", "-l", str(last_page), str(pdf)]


def pdftoppm_argv(pdf: Path, out_prefix: Path, *, page: int, dpi: int, grey: bool = False) -> list[str]:
    """``pdftoppm`` arguments that rasterise one page (1-based) of ``pdf`` to ``out_prefix*.ppm``."""
    argv = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
    if grey:
        argv.append("-gray")
    return [*argv, str(pdf), str(out_prefix)]


def pdftotext_argv(pdf: Path, *, first: int | None = None, last: int | None = None) -> list[str]:
    """``pdftotext -layout`` arguments that print the text layer of ``pdf`` (pages split by form feeds)."""
    argv = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first is not None:
        argv += ["-f", str(first)]
    if last is not None:
        argv += ["-l", str(last)]
    return [*argv, str(pdf), "-"]
